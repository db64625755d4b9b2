//! The registry: one embedded SQLite file in the OS data directory. The only place that
//! writes the database. Numbered migrations run at open; each scan is one transaction.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audit::{self, Actor, AuditAction, AuditEntry, AuditVerdict, StoredEntry};
use crate::certs::{ContainerFormat, FoundCertificate, Integrity};
use crate::inventory::{self, Candidate, FileOutcome, ScanError, ScanOptions, ScanProgress, ScanReport, SourceRead};
use crate::view::{Place, PlaceKind, Thresholds};

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
    #[error("invalid setting: {0}")]
    InvalidSetting(String),
    #[error(transparent)]
    Audit(#[from] crate::audit::AuditError),
}

certisante_pki::error_codes!(RegistryError {
    Self::Database(_) => "registry.database",
    Self::DataDir { .. } => "registry.data_dir",
    Self::PathNotFound(_) => "registry.path_not_found",
    Self::NotWatched(_) => "registry.not_watched",
    Self::InvalidSetting(_) => "registry.invalid_setting",
} wraps {
    Audit(crate::audit::AuditError),
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

/// User settings, stored in the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Settings {
    /// "fr" (default) or "en".
    pub language: String,
    pub thresholds: Thresholds,
    /// Hide certificates expired more than this many days ago (None: show all).
    #[ts(type = "number | null")]
    pub hide_expired_after_days: Option<i64>,
    /// Include the OS certificate stores (NSS, Windows, macOS) in scans.
    pub include_os_stores: bool,
    /// Path of the card's PKCS#11 module (Cryptolib CPS); None: its usual places.
    #[serde(default)]
    pub pkcs11_module: Option<String>,
    /// A secretary's workstation: the dashboard, statuses and exports only; no key, card
    /// or order action is offered (the app's `--read-only` flag forces it on).
    #[serde(default)]
    pub read_only: bool,
    /// Start with the session, hidden in the notification area (tray).
    #[serde(default)]
    pub start_at_login: bool,
    /// Closing the window keeps CertiSanté watching from the notification area.
    #[serde(default = "default_true")]
    pub run_in_background: bool,
    /// Days before expiry at which a notification is sent, most distant first (0: the
    /// expiry day). Optional in TypeScript so that settings built before it still type.
    #[serde(default = "crate::alerts::default_days")]
    #[ts(as = "Option<Vec<i32>>", optional)]
    pub alert_days: Vec<i64>,
    /// Per-establishment alert days, by structure identifier (the OU: FINESS, SIRET...);
    /// an empty list silences that establishment.
    #[serde(default)]
    #[ts(as = "Option<BTreeMap<String, Vec<i32>>>", optional)]
    pub alert_days_by_structure: BTreeMap<String, Vec<i64>>,
}

fn default_true() -> bool {
    true
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            language: "fr".into(),
            thresholds: Thresholds::default(),
            hide_expired_after_days: None,
            include_os_stores: true,
            pkcs11_module: None,
            read_only: false,
            start_at_login: false,
            run_in_background: true,
            alert_days: crate::alerts::default_days(),
            alert_days_by_structure: BTreeMap::new(),
        }
    }
}

impl Settings {
    pub fn validate(&self) -> Result<()> {
        if !matches!(self.language.as_str(), "fr" | "en") {
            return Err(RegistryError::InvalidSetting(format!("language {:?} (fr or en)", self.language)));
        }
        let t = self.thresholds;
        if t.crit_days < 0 || t.warn_days < t.crit_days || t.warn_days > 3650 {
            return Err(RegistryError::InvalidSetting("thresholds: 0 ≤ critical ≤ warning ≤ 3650 days".into()));
        }
        if self.hide_expired_after_days.is_some_and(|d| d < 0) {
            return Err(RegistryError::InvalidSetting("hide_expired_after_days must be positive".into()));
        }
        let invalid = |e: crate::alerts::AlertsError| RegistryError::InvalidSetting(e.to_string());
        crate::alerts::check_days(&self.alert_days).map_err(invalid)?;
        for (structure, days) in &self.alert_days_by_structure {
            if structure.trim().is_empty() {
                return Err(RegistryError::InvalidSetting("alert days: an establishment needs its structure identifier".into()));
            }
            crate::alerts::check_days(days).map_err(invalid)?;
        }
        Ok(())
    }
}

/// Figures of one registry scan.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct ScanSummary {
    pub files_seen: u32,
    /// Files parsed because they were new or changed.
    pub files_parsed: u32,
    pub files_unchanged: u32,
    pub errors: u32,
}

pub struct Registry {
    conn: Connection,
}

const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "CREATE TABLE watched (
        path TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        added_at TEXT NOT NULL
    );
    CREATE TABLE sources (
        path TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        format TEXT,
        integrity TEXT,
        last_scan TEXT NOT NULL,
        error_code TEXT,
        error_message TEXT
    );
    CREATE TABLE certificates (
        sha256 TEXT PRIMARY KEY,
        der BLOB NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL
    );
    CREATE TABLE places (
        source_path TEXT NOT NULL REFERENCES sources(path) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        sha256 TEXT NOT NULL REFERENCES certificates(sha256),
        has_private_key INTEGER NOT NULL,
        PRIMARY KEY (source_path, position)
    );
    CREATE INDEX places_by_certificate ON places(sha256);
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );",
    // The audit log (audit.rs): entries chained by hash, a head record (count, last hash)
    // kept by trigger in the insert's transaction, and triggers refusing any other change.
    "CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor_kind TEXT NOT NULL,
        actor_name TEXT NOT NULL,
        action TEXT NOT NULL,
        object TEXT NOT NULL,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TABLE audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        count INTEGER NOT NULL,
        last_hash TEXT NOT NULL
    );
    INSERT INTO audit_head (id, count, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
    CREATE TRIGGER audit_extends_chain BEFORE INSERT ON audit
    WHEN NEW.seq IS NOT (SELECT count + 1 FROM audit_head WHERE id = 1)
      OR NEW.prev_hash IS NOT (SELECT last_hash FROM audit_head WHERE id = 1)
    BEGIN SELECT RAISE(ABORT, 'an audit entry must extend the chain'); END;
    CREATE TRIGGER audit_head_follows AFTER INSERT ON audit
    BEGIN UPDATE audit_head SET count = NEW.seq, last_hash = NEW.hash WHERE id = 1; END;
    CREATE TRIGGER audit_head_only_follows BEFORE UPDATE ON audit_head
    WHEN NEW.id IS NOT OLD.id OR NEW.count IS NOT OLD.count + 1
      OR NEW.last_hash IS NOT (SELECT hash FROM audit WHERE seq = NEW.count)
    BEGIN SELECT RAISE(ABORT, 'the audit head only follows appended entries'); END;
    CREATE TRIGGER audit_head_no_insert BEFORE INSERT ON audit_head
    BEGIN SELECT RAISE(ABORT, 'the audit head is written once'); END;
    CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
    BEGIN SELECT RAISE(ABORT, 'the audit head cannot be removed'); END;",
    // 3: orders and their history.
    crate::lifecycle::ORDERS_MIGRATION,
    // 4: the revocation cache (answers, failures, CRLs).
    crate::revocation::REVOCATION_MIGRATION,
    // 5: alert thresholds already notified, per certificate.
    crate::alerts::ALERTS_MIGRATION,
];

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
    pub fn open_default() -> Result<Self> {
        let dir = default_data_dir();
        std::fs::create_dir_all(&dir).map_err(|e| RegistryError::DataDir { path: dir.display().to_string(), reason: e.to_string() })?;
        Self::open(&dir.join(REGISTRY_FILE))
    }

    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut registry = Self { conn };
        registry.migrate()?;
        Ok(registry)
    }

    /// The connection, for the modules that own tables of their own (orders, audit): each
    /// writes its tables in its own transactions.
    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }

    fn migrate(&mut self) -> Result<()> {
        let version: usize = self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", index + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    // ------------------------------------------------------------ watched paths

    pub fn add_watch(&self, path: &Path) -> Result<WatchedPath> {
        let absolute = std::fs::canonicalize(path).map_err(|_| RegistryError::PathNotFound(path.display().to_string()))?;
        let kind = if absolute.is_dir() { WatchKind::Folder } else { WatchKind::File };
        let now = Utc::now();
        self.conn.execute(
            "INSERT INTO watched (path, kind, added_at) VALUES (?1, ?2, ?3) ON CONFLICT(path) DO NOTHING",
            params![absolute.display().to_string(), text(&kind), now.to_rfc3339()],
        )?;
        Ok(self.watched()?.into_iter().find(|w| Path::new(&w.path) == absolute).expect("just inserted"))
    }

    /// Removes a watched path (as given, or canonical); returns the path as it was watched.
    pub fn remove_watch(&self, path: &Path) -> Result<String> {
        let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let candidates = [absolute.display().to_string(), path.display().to_string()];
        let watched: Option<String> =
            self.conn.query_row("SELECT path FROM watched WHERE path = ?1 OR path = ?2", params![candidates[0], candidates[1]], |r| r.get(0)).optional()?;
        let Some(watched) = watched else {
            return Err(RegistryError::NotWatched(path.display().to_string()));
        };
        self.conn.execute("DELETE FROM watched WHERE path = ?1", params![watched])?;
        Ok(watched)
    }

    pub fn watched(&self) -> Result<Vec<WatchedPath>> {
        let mut stmt = self.conn.prepare("SELECT path, kind, added_at FROM watched ORDER BY path")?;
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

    // ------------------------------------------------------------ settings

    pub fn settings(&self) -> Result<Settings> {
        let value: Option<String> = self.conn.query_row("SELECT value FROM settings WHERE key = 'settings'", [], |r| r.get(0)).optional()?;
        Ok(value.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
    }

    pub fn save_settings(&self, settings: &Settings) -> Result<()> {
        settings.validate()?;
        let mut settings = settings.clone();
        crate::alerts::sort_days(&mut settings.alert_days);
        settings.alert_days_by_structure.values_mut().for_each(crate::alerts::sort_days);
        let json = serde_json::to_string(&settings).expect("settings serialize");
        self.conn.execute("INSERT INTO settings (key, value) VALUES ('settings', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [json])?;
        Ok(())
    }

    // ------------------------------------------------------------ scanning

    /// Re-scans every watched path (and the OS stores when the settings say so). Files
    /// whose size and modification time did not change are not parsed again.
    pub fn scan(&mut self, progress: &(dyn Fn(ScanProgress) + Sync)) -> Result<ScanSummary> {
        let settings = self.settings()?;
        let watched: Vec<PathBuf> = self.watched()?.into_iter().filter(|w| w.present).map(|w| PathBuf::from(w.path)).collect();
        let (candidates, walk_errors) = inventory::collect_candidates(&watched);
        let known = self.known_sources()?;
        let mut summary = ScanSummary { files_seen: candidates.len() as u32, ..Default::default() };

        let mut changed = Vec::new();
        let mut stamps = std::collections::HashMap::new();
        for candidate in candidates {
            let stamp = file_stamp(&candidate.path);
            let key = candidate.path.display().to_string();
            if stamp.is_some() && known.get(&key) == stamp.as_ref() {
                summary.files_unchanged += 1;
            } else {
                stamps.insert(key, stamp.unwrap_or((0, 0)));
                changed.push(candidate);
            }
        }
        summary.files_parsed = changed.len() as u32;
        let outcomes: Vec<(Candidate, FileOutcome)> = {
            use rayon::prelude::*;
            let done = std::sync::atomic::AtomicU64::new(0);
            let total = changed.len() as u64;
            changed
                .into_par_iter()
                .map(|c| {
                    let outcome = inventory::read_file(&c, None);
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    if n == total || n.is_multiple_of(64) {
                        progress(ScanProgress { done: n, total, current: c.path.display().to_string() });
                    }
                    (c, outcome)
                })
                .collect()
        };
        let (stores, store_errors) = if settings.include_os_stores { inventory::read_stores() } else { (vec![], vec![]) };

        let now = Utc::now().to_rfc3339();
        let tx = self.conn.transaction()?;
        let mut present = std::collections::HashSet::new();
        for (candidate, outcome) in outcomes {
            let path = candidate.path.display().to_string();
            let (size, mtime) = stamps.get(&path).copied().unwrap_or((0, 0));
            present.insert(path.clone());
            match outcome {
                FileOutcome::Read(read, problems) => {
                    let first = problems.first();
                    write_source(&tx, &read, size, mtime, &now, first)?;
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
            write_source(&tx, store, 0, 0, &now, None)?;
        }
        for error in &store_errors {
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
        tx.commit()?;
        summary.errors += (walk_errors.len() + store_errors.len()) as u32;
        Ok(summary)
    }

    fn known_sources(&self) -> Result<std::collections::HashMap<String, (i64, i64)>> {
        let mut stmt = self.conn.prepare("SELECT path, size, mtime_ns FROM sources")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The registry's content, as the dashboard shows it.
    pub fn list(&self, options: &ScanOptions) -> Result<ScanReport> {
        let mut stmt = self.conn.prepare(
            "SELECT c.der, p.source_path, s.kind, s.format, s.integrity, p.position, p.has_private_key, c.first_seen, c.last_seen
             FROM places p JOIN certificates c ON c.sha256 = p.sha256 JOIN sources s ON s.path = p.source_path",
        )?;
        let mut seen = std::collections::HashMap::new();
        let rows = stmt.query_map([], |r| {
            let der: Vec<u8> = r.get(0)?;
            let kind: String = r.get(2)?;
            let format: Option<String> = r.get(3)?;
            let integrity: Option<String> = r.get(4)?;
            let place = Place {
                path: r.get(1)?,
                kind: parse_text(&kind).unwrap_or(PlaceKind::File),
                format: format.as_deref().and_then(parse_text).unwrap_or(ContainerFormat::Der),
                position: r.get(5)?,
                has_private_key: r.get(6)?,
                integrity: integrity.as_deref().and_then(parse_text).unwrap_or(Integrity::NotApplicable),
            };
            let first: String = r.get(7)?;
            let last: String = r.get(8)?;
            Ok((der, place, first, last))
        })?;
        let mut observations = Vec::new();
        for row in rows {
            let (der, place, first, last) = row?;
            let hash = crate::certs::fingerprint(&der);
            seen.insert(hash, (first, last));
            observations.push((der, place));
        }
        let mut certificates = inventory::assemble(observations, options);
        // From the cache only: listing never waits for the network.
        let mut revocations = crate::revocation::cached_statuses(&self.conn, options.now)?;
        for view in &mut certificates {
            if let Some((first, last)) = seen.get(&view.sha256) {
                view.first_seen = DateTime::parse_from_rfc3339(first).ok().map(|d| d.with_timezone(&Utc));
                view.last_seen = DateTime::parse_from_rfc3339(last).ok().map(|d| d.with_timezone(&Utc));
            }
            if let Some(revocation) = revocations.remove(&view.sha256) {
                view.set_revocation(revocation);
            }
        }
        let mut errors = Vec::new();
        let mut stmt = self.conn.prepare("SELECT path, error_code, error_message FROM sources WHERE error_code IS NOT NULL ORDER BY path")?;
        for row in stmt.query_map([], |r| Ok(ScanError { path: r.get(0)?, code: r.get(1)?, message: r.get(2)? }))? {
            errors.push(row?);
        }
        Ok(ScanReport { certificates, errors })
    }
}

fn file_stamp(path: &Path) -> Option<(i64, i64)> {
    let meta = std::fs::metadata(path).ok()?;
    let mtime = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos() as i64;
    Some((meta.len() as i64, mtime))
}

fn write_source(tx: &rusqlite::Transaction<'_>, read: &SourceRead, size: i64, mtime: i64, now: &str, problem: Option<&ScanError>) -> Result<()> {
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
        let hash = crate::certs::fingerprint(der);
        tx.execute(
            "INSERT INTO certificates (sha256, der, first_seen, last_seen) VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT(sha256) DO UPDATE SET last_seen = excluded.last_seen",
            params![hash, der, now],
        )?;
        tx.execute(
            "INSERT OR REPLACE INTO places (source_path, position, sha256, has_private_key) VALUES (?1, ?2, ?3, ?4)",
            params![read.path, position, hash, has_private_key],
        )?;
    }
    Ok(())
}

// ------------------------------------------------------------ audit log

impl Registry {
    /// Appends one entry to the audit log, in a transaction of its own.
    pub fn audit_append(&self, actor: &Actor, action: AuditAction, object: &str, details: serde_json::Value) -> Result<AuditEntry> {
        // IMMEDIATE: the head is read and extended under one write lock, so two processes
        // (app and CLI) cannot both take the same seq.
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, rusqlite::TransactionBehavior::Immediate)?;
        let entry = Self::audit_append_in(&tx, actor, action, object, details)?;
        tx.commit()?;
        Ok(entry)
    }

    /// Appends one entry inside the caller's transaction, so that an action and its entry
    /// commit (or roll back) together. Open that transaction IMMEDIATE: a deferred one
    /// may fail to take the write lock after reading the head.
    pub fn audit_append_in(tx: &rusqlite::Transaction<'_>, actor: &Actor, action: AuditAction, object: &str, details: serde_json::Value) -> Result<AuditEntry> {
        let details = audit::canonical_details(&details)?;
        let (count, last_hash): (i64, String) = tx.query_row("SELECT count, last_hash FROM audit_head WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let stored = StoredEntry::new(count + 1, Utc::now(), actor, action, object, details, last_hash);
        tx.execute(
            "INSERT INTO audit (seq, at, actor_kind, actor_name, action, object, details, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![stored.seq, stored.at, stored.actor_kind, stored.actor_name, stored.action, stored.object, stored.details, stored.prev_hash, stored.hash],
        )?;
        Ok(stored.to_entry())
    }

    /// The last `limit` entries (all without a limit), oldest first.
    pub fn audit_entries(&self, limit: Option<usize>) -> Result<Vec<AuditEntry>> {
        let limit = limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let mut stmt = self.conn.prepare(&format!("SELECT * FROM (SELECT {AUDIT_COLUMNS} FROM audit ORDER BY seq DESC LIMIT ?1) ORDER BY seq"))?;
        let rows = stmt.query_map([limit], stored_entry)?;
        Ok(rows.map(|r| r.map(|e| e.to_entry())).collect::<rusqlite::Result<_>>()?)
    }

    /// Checks the whole chain and its head record, in one read transaction.
    pub fn audit_verify(&self) -> Result<AuditVerdict> {
        let tx = self.conn.unchecked_transaction()?;
        let entries = {
            let mut stmt = tx.prepare(&format!("SELECT {AUDIT_COLUMNS} FROM audit ORDER BY seq"))?;
            let rows = stmt.query_map([], stored_entry)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        let head: Option<(i64, String)> =
            tx.query_row("SELECT count, last_hash FROM audit_head WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
        Ok(audit::verify(&entries, head.as_ref().map(|(count, hash)| (*count, hash.as_str()))))
    }
}

const AUDIT_COLUMNS: &str = "seq, at, actor_kind, actor_name, action, object, details, prev_hash, hash";

fn stored_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredEntry> {
    Ok(StoredEntry {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor_kind: r.get(2)?,
        actor_name: r.get(3)?,
        action: r.get(4)?,
        object: r.get(5)?,
        details: r.get(6)?,
        prev_hash: r.get(7)?,
        hash: r.get(8)?,
    })
}
