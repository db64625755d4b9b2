//! The registry: one embedded SQLite file in the OS data directory, and the only writer of
//! the database. Each feature owns its tables through the migration it declares (a SQL file
//! beside its code, listed once in the crate root); migrations run at open, all in one
//! IMMEDIATE transaction, so two processes opening a fresh registry together never both
//! migrate. Every write is one IMMEDIATE transaction taken through [`Registry::write`]: the
//! app and the CLI never interleave two changes.

use std::cell::{Ref, RefCell};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::certs::FoundCertificate;
use crate::inventory::{self, Candidate, FileOutcome, ScanError, ScanProgress, SourceRead};

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("the registry database cannot be used: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("cannot create the data folder {path}: {reason}")]
    DataDir { path: String, reason: String },
    #[error("no such file or folder: {0}")]
    PathNotFound(String),
    #[error("this path is not watched: {0}")]
    NotWatched(String),
    #[error("this path's name is not valid text (UTF-8), so it cannot be watched: {0}")]
    PathNotText(String),
    #[error("invalid setting: {0}")]
    InvalidSetting(String),
    #[error("the saved settings cannot be read ({0}): read-only mode stays on until they are saved again")]
    CorruptSettings(String),
    #[error("audit details must not carry a secret (field {0:?})")]
    SecretInAudit(String),
    #[error("the registry was written by a newer CertiSanté (schema {found}, this version knows {known}): update CertiSanté, or open another data folder")]
    NewerSchema { found: usize, known: usize },
}

certisante_pki::error_codes!(RegistryError {
    Self::Database(_) => "registry.database",
    Self::DataDir { .. } => "registry.data_dir",
    Self::PathNotFound(_) => "registry.path_not_found",
    Self::NotWatched(_) => "registry.not_watched",
    Self::PathNotText(_) => "registry.path_not_text",
    Self::InvalidSetting(_) => "registry.invalid_setting",
    Self::CorruptSettings(_) => "registry.corrupt_settings",
    Self::NewerSchema { .. } => "registry.newer_schema",
    Self::SecretInAudit(_) => "audit.secret_in_details",
});

type Result<T> = std::result::Result<T, RegistryError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WatchKind {
    Folder,
    File,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct WatchedPath {
    pub path: String,
    pub kind: WatchKind,
    #[ts(type = "string")]
    pub added_at: DateTime<Utc>,
    /// False when the file or folder has disappeared (unplugged drive, moved folder).
    pub present: bool,
}

/// Figures of the sources part of a scan (`places` adds CertiSanté's own places).
#[derive(Debug, Clone, Default)]
pub(crate) struct SourcesScanned {
    pub files_seen: u32,
    /// Files parsed because they were new or changed.
    pub files_parsed: u32,
    pub files_unchanged: u32,
    pub errors: u32,
}

/// One migration: the SQL that creates or changes a feature's tables.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The module that owns the tables.
    pub owner: &'static str,
    pub sql: &'static str,
}

/// The registry's own tables: watched paths, sources read, certificates, places, settings.
pub(crate) const SCHEMA: Migration = Migration { owner: "registry", sql: include_str!("registry.sql") };

pub struct Registry {
    // A RefCell, not a Mutex: a registry is one connection used by one thread at a time;
    // the cell lets `write` take a checked transaction from `&self`.
    conn: RefCell<Connection>,
    /// The scan journal beside the database (see `scan_sources`).
    journal: PathBuf,
}

/// Environment variable overriding the data folder (tests, portable installs).
pub const DATA_DIR_ENV: &str = "CERTISANTE_DATA_DIR";

/// The registry's file name in the data folder.
pub const REGISTRY_FILE: &str = "registry.sqlite3";

pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return dir.into();
    }
    dirs::data_dir().unwrap_or_else(std::env::temp_dir).join("certisante")
}

fn text<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn parse_text<T: for<'de> Deserialize<'de>>(value: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(value.to_owned())).ok()
}

impl Registry {
    /// Opens (creating it when needed) the registry at `path` and brings its schema up to
    /// `migrations`, atomically. A registry written by a newer version is refused.
    pub(crate) fn open_with(path: &Path, migrations: &[Migration]) -> Result<Self> {
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Switching to WAL takes an exclusive lock, and SQLite answers "busy" at once (not
        // through the busy handler) to a second process doing it at the same moment.
        retry_while_busy(|| conn.pragma_update(None, "journal_mode", "WAL"))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        retry_while_busy(|| migrate(&mut conn, migrations))?;
        Ok(Self { conn: RefCell::new(conn), journal: path.with_extension("scanning") })
    }

    /// The connection, to read (outside any write).
    pub(crate) fn read(&self) -> Ref<'_, Connection> {
        self.conn.borrow()
    }

    /// Runs `change` in one IMMEDIATE transaction (the write lock taken at once), committed
    /// when it returns `Ok`, rolled back otherwise.
    pub(crate) fn write<T, E>(&self, change: impl FnOnce(&Transaction<'_>) -> std::result::Result<T, E>) -> std::result::Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        let mut conn = self.conn.borrow_mut();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = change(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// The one way a certificate enters the registry (a scan, an import, an install):
    /// stored once by its SHA-256, its last sighting updated. Returns the SHA-256.
    pub(crate) fn upsert_certificate(tx: &Transaction<'_>, der: &[u8], now: &str) -> rusqlite::Result<String> {
        let hash = crate::certs::fingerprint(der);
        tx.execute(
            "INSERT INTO certificates (sha256, der, first_seen, last_seen) VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT(sha256) DO UPDATE SET last_seen = excluded.last_seen",
            params![hash, der, now],
        )?;
        Ok(hash)
    }

    // ------------------------------------------------------------ watched paths

    pub fn add_watch(&self, path: &Path) -> Result<WatchedPath> {
        let absolute = std::fs::canonicalize(path).map_err(|_| RegistryError::PathNotFound(path.display().to_string()))?;
        // The registry keeps paths as text: a name that is not UTF-8 could never be found again.
        let text_path = absolute.to_str().ok_or_else(|| RegistryError::PathNotText(absolute.to_string_lossy().into_owned()))?.to_owned();
        let kind = if absolute.is_dir() { WatchKind::Folder } else { WatchKind::File };
        let now = Utc::now();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO watched (path, kind, added_at) VALUES (?1, ?2, ?3) ON CONFLICT(path) DO NOTHING",
                params![text_path, text(&kind), now.to_rfc3339()],
            )
        })?;
        let added = self.watched()?.into_iter().find(|w| w.path == text_path);
        added.ok_or(RegistryError::PathNotFound(text_path))
    }

    /// Removes a watched path (as given, or canonical); returns the path as it was watched.
    pub fn remove_watch(&self, path: &Path) -> Result<String> {
        let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let candidates = [absolute.display().to_string(), path.display().to_string()];
        let watched: Option<String> =
            self.read().query_row("SELECT path FROM watched WHERE path = ?1 OR path = ?2", params![candidates[0], candidates[1]], |r| r.get(0)).optional()?;
        let Some(watched) = watched else {
            return Err(RegistryError::NotWatched(path.display().to_string()));
        };
        self.write(|tx| tx.execute("DELETE FROM watched WHERE path = ?1", params![watched]))?;
        Ok(watched)
    }

    pub fn watched(&self) -> Result<Vec<WatchedPath>> {
        let conn = self.read();
        let mut stmt = conn.prepare("SELECT path, kind, added_at FROM watched ORDER BY path")?;
        let rows = stmt.query_map([], |row| {
            let path: String = row.get(0)?;
            let kind: String = row.get(1)?;
            let added: String = row.get(2)?;
            Ok((path, kind, added))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (path, kind, added) = row?;
            out.push(WatchedPath {
                present: Path::new(&path).exists(),
                kind: parse_text(&kind).unwrap_or(WatchKind::Folder),
                added_at: DateTime::parse_from_rfc3339(&added).map(|d| d.with_timezone(&Utc)).unwrap_or_default(),
                path,
            });
        }
        Ok(out)
    }

    // ------------------------------------------------------------ scanning

    /// Re-scans every watched path (and the OS stores when the settings say so). Files
    /// whose size and modification time did not change are not parsed again; those in
    /// `skip` (places CertiSanté wrote itself, checked apart) are not read at all.
    pub(crate) fn scan_sources(&self, skip: &HashSet<String>, progress: &(dyn Fn(ScanProgress) + Sync)) -> Result<SourcesScanned> {
        let settings = self.settings()?;
        let watched: Vec<PathBuf> = self.watched()?.into_iter().filter(|w| w.present).map(|w| PathBuf::from(w.path)).collect();
        let (mut candidates, walk_errors) = inventory::collect_candidates(&watched);
        candidates.retain(|c| !skip.contains(&c.path.display().to_string()));
        let known = self.known_sources()?;
        let mut summary = SourcesScanned { files_seen: candidates.len() as u32, ..Default::default() };
        // Files whose reading a previous scan started and never finished: the process died on
        // them (a dependency's stack overflow cannot be caught). Set aside, not read again
        // until they change or the user asks: one bad file never stops the app twice.
        let suspects = journal::unfinished(&self.journal);

        let mut changed = Vec::new();
        let mut set_aside = Vec::new();
        let mut stamps = HashMap::new();
        for candidate in candidates {
            let stamp = file_stamp(&candidate.path);
            let key = candidate.path.display().to_string();
            if stamp.is_some() && known.get(&key) == stamp.as_ref() {
                summary.files_unchanged += 1;
                continue;
            }
            stamps.insert(key.clone(), stamp.unwrap_or((0, 0)));
            if suspects.contains(&key) {
                let error = ScanError::new(key, &inventory::WalkError::SetAside);
                set_aside.push((candidate, FileOutcome::Failed(error)));
            } else {
                changed.push(candidate);
            }
        }
        summary.files_parsed = changed.len() as u32;
        let journal = journal::Journal::start(&self.journal);
        let mut outcomes: Vec<(Candidate, FileOutcome)> = {
            use rayon::prelude::*;
            let done = std::sync::atomic::AtomicU64::new(0);
            let total = changed.len() as u64;
            changed
                .into_par_iter()
                .map(|c| {
                    journal.started(&c.path);
                    let outcome = inventory::read_file(&c, None);
                    journal.finished(&c.path);
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    if n == total || n.is_multiple_of(64) {
                        progress(ScanProgress { done: n, total, current: c.path.display().to_string() });
                    }
                    (c, outcome)
                })
                .collect()
        };
        journal.close();
        outcomes.extend(set_aside);
        crate::faults::checkpoint("scan_read");
        let (stores, store_errors) = if settings.include_os_stores { inventory::read_stores() } else { (vec![], vec![]) };

        let now = Utc::now().to_rfc3339();
        self.write(|tx| {
            let mut present = HashSet::new();
            for (candidate, outcome) in outcomes {
                let path = candidate.path.display().to_string();
                let (size, mtime) = stamps.get(&path).copied().unwrap_or((0, 0));
                present.insert(path.clone());
                match outcome {
                    FileOutcome::Read(read, problems) => {
                        let first = problems.first();
                        write_source(tx, &read, size, mtime, &now, first)?;
                        summary.errors += problems.len() as u32;
                    }
                    FileOutcome::Skipped => {
                        tx.execute("DELETE FROM sources WHERE path = ?1", [&path])?;
                        // Remember the skip so that the file is not parsed again while unchanged.
                        tx.execute(
                            "INSERT INTO sources (path, kind, size, mtime_ns, last_scan) VALUES (?1, 'skipped', ?2, ?3, ?4)",
                            params![path, size, mtime, now],
                        )?;
                    }
                    FileOutcome::Failed(error) => {
                        tx.execute("DELETE FROM sources WHERE path = ?1", [&path])?;
                        tx.execute(
                            "INSERT INTO sources (path, kind, size, mtime_ns, last_scan, error_code, error_message) VALUES (?1, 'file', ?2, ?3, ?4, ?5, ?6)",
                            params![path, size, mtime, now, error.code, error.message],
                        )?;
                        summary.errors += 1;
                    }
                }
            }
            for store in &stores {
                present.insert(store.path.clone());
                write_source(tx, store, 0, 0, &now, None)?;
            }
            for error in &store_errors {
                present.insert(error.path.clone());
            }
            // What the walk refused (a link into /proc, too deep, another filesystem...):
            // listed with its code like an unreadable file, until a scan no longer meets it.
            for error in &walk_errors {
                tx.execute("DELETE FROM sources WHERE path = ?1", [&error.path])?;
                tx.execute(
                    "INSERT INTO sources (path, kind, size, mtime_ns, last_scan, error_code, error_message) VALUES (?1, 'skipped', 0, 0, ?2, ?3, ?4)",
                    params![error.path, now, error.code, error.message],
                )?;
                present.insert(error.path.clone());
            }
            // Unchanged files are still present; everything else under no watched path is gone.
            for (path, _) in known.iter() {
                if Path::new(path).is_file() && watched.iter().any(|w| Path::new(path).starts_with(w)) {
                    present.insert(path.clone());
                }
            }
            let stale: Vec<String> = known.keys().filter(|p| !present.contains(*p)).cloned().collect();
            for path in stale {
                tx.execute("DELETE FROM sources WHERE path = ?1", [path])?;
            }
            Ok::<(), RegistryError>(())
        })?;
        summary.errors += (walk_errors.len() + store_errors.len()) as u32;
        Ok(summary)
    }

    /// Forgets the files set aside: the next scan reads them again.
    pub fn retry_set_aside(&self) -> Result<usize> {
        let code = inventory::WalkError::SetAside.code();
        Ok(self.write(|tx| tx.execute("DELETE FROM sources WHERE error_code = ?1", [code]))?)
    }

    fn known_sources(&self) -> Result<HashMap<String, (i64, i64)>> {
        let conn = self.read();
        let mut stmt = conn.prepare("SELECT path, size, mtime_ns FROM sources")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn file_stamp(path: &Path) -> Option<(i64, i64)> {
    let meta = std::fs::metadata(path).ok()?;
    let mtime = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos() as i64;
    Some((meta.len() as i64, mtime))
}

fn write_source(tx: &Transaction<'_>, read: &SourceRead, size: i64, mtime: i64, now: &str, problem: Option<&ScanError>) -> Result<()> {
    tx.execute("DELETE FROM sources WHERE path = ?1", [&read.path])?;
    tx.execute(
        "INSERT INTO sources (path, kind, size, mtime_ns, format, integrity, last_scan, error_code, error_message)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            read.path,
            text(&read.kind),
            size,
            mtime,
            text(&read.format),
            text(&read.integrity),
            now,
            problem.map(|p| &p.code),
            problem.map(|p| &p.message)
        ],
    )?;
    for FoundCertificate { der, position, has_private_key } in &read.certificates {
        let hash = Registry::upsert_certificate(tx, der, now)?;
        tx.execute(
            "INSERT OR REPLACE INTO places (source_path, position, sha256, has_private_key) VALUES (?1, ?2, ?3, ?4)",
            params![read.path, position, hash, has_private_key],
        )?;
    }
    Ok(())
}

// ------------------------------------------------------------ audit log

/// The scan journal: one line as each file's reading starts, one as it ends. A journal left
/// behind names the files a dead process was reading.
mod journal {
    use std::collections::HashSet;
    use std::io::Write;
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    /// A journal this long is not read (it is dropped): a scan writes two short lines a file.
    const MAX_JOURNAL: u64 = 256 * 1024 * 1024;

    pub(super) struct Journal {
        path: PathBuf,
        file: Option<Mutex<std::fs::File>>,
    }

    impl Journal {
        /// A fresh journal; without one (a read-only folder), the scan goes on unguarded.
        pub(super) fn start(path: &Path) -> Self {
            let file = std::fs::OpenOptions::new().create(true).write(true).truncate(true).open(path).ok().map(Mutex::new);
            Self { path: path.to_path_buf(), file }
        }

        fn line(&self, mark: char, file: &Path) {
            if let Some(journal) = &self.file {
                let line = format!("{mark}\t{}\n", file.display());
                let _ = journal.lock().unwrap_or_else(|e| e.into_inner()).write_all(line.as_bytes());
            }
        }

        pub(super) fn started(&self, file: &Path) {
            self.line('S', file);
        }

        pub(super) fn finished(&self, file: &Path) {
            self.line('D', file);
        }

        /// Every reading ended: nothing to suspect.
        pub(super) fn close(self) {
            drop(self.file);
            let _ = std::fs::remove_file(&self.path);
        }
    }

    /// The files started and not finished in a journal left behind (which is then removed).
    pub(super) fn unfinished(path: &Path) -> HashSet<String> {
        let text = match std::fs::metadata(path) {
            Ok(meta) if meta.len() <= MAX_JOURNAL => std::fs::read_to_string(path).unwrap_or_default(),
            _ => String::new(),
        };
        let _ = std::fs::remove_file(path);
        let mut open = HashSet::new();
        for line in text.lines() {
            match line.split_once('\t') {
                Some(("S", file)) => {
                    open.insert(file.to_owned());
                }
                Some(("D", file)) => {
                    open.remove(file);
                }
                _ => {}
            }
        }
        open
    }
}

/// How long a write waits for another process's transaction.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Runs `step` again while the database answers "busy" without waiting, up to BUSY_TIMEOUT.
fn retry_while_busy<T, E>(mut step: impl FnMut() -> std::result::Result<T, E>) -> std::result::Result<T, E>
where
    E: IsBusy,
{
    let started = std::time::Instant::now();
    loop {
        match step() {
            Err(e) if e.is_busy() && started.elapsed() < BUSY_TIMEOUT => std::thread::sleep(std::time::Duration::from_millis(20)),
            other => return other,
        }
    }
}

trait IsBusy {
    fn is_busy(&self) -> bool;
}

impl IsBusy for rusqlite::Error {
    fn is_busy(&self) -> bool {
        matches!(self.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
    }
}

impl IsBusy for RegistryError {
    fn is_busy(&self) -> bool {
        matches!(self, RegistryError::Database(e) if e.is_busy())
    }
}

/// Brings the schema up to `migrations` in one IMMEDIATE transaction: the version is read
/// under the write lock, so a second process waits, then finds nothing left to do.
fn migrate(conn: &mut Connection, migrations: &[Migration]) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: usize = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > migrations.len() {
        return Err(RegistryError::NewerSchema { found: version, known: migrations.len() });
    }
    for migration in &migrations[version..] {
        tx.execute_batch(migration.sql)?;
    }
    if version < migrations.len() {
        crate::faults::checkpoint("migrating");
    }
    tx.pragma_update(None, "user_version", migrations.len())?;
    tx.commit()?;
    Ok(())
}
