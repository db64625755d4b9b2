//! The places CertiSanté wrote itself: the OS keystore entry holding an order's key (from
//! the import on), the .p12 and PEM files it exported, the OS stores it installed into. The
//! lifecycle records each in the transaction of its step, so the certificates CertiSanté
//! manages are the ones it watches without anyone watching a folder. Every scan checks
//! that each place is still there; one that is gone disappears from the list, is audited,
//! and is reported, saying when it was the last copy of the certificate or of its key.

use std::collections::HashSet;
use std::path::Path;

use chrono::Utc;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use ts_rs::TS;

use crate::audit::{os_user_actor, AuditAction};
use crate::certs::{ContainerFormat, Integrity};
use crate::inventory::ScanProgress;
use crate::keys::{Keystore, SecretKind, SecretName};
use crate::registry::{Migration, Registry, RegistryError};
use crate::view::{Place, PlaceKind};

/// The managed places' table (migration 6).
pub(crate) const SCHEMA: Migration = Migration { owner: "places", sql: include_str!("places.sql") };

/// One place CertiSanté wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedPlace {
    pub sha256: String,
    pub kind: PlaceKind,
    /// A file's path, `nss:DIR`, `windows:CurrentUser\My` (or `LocalMachine\My`), `macos:login`, or
    /// the keystore entry's name (`private-key/ORDER`).
    pub location: String,
    pub format: ContainerFormat,
    pub position: u32,
    pub has_private_key: bool,
}

impl ManagedPlace {
    /// The OS keystore entry that holds an order's private key.
    pub fn keystore(order_id: &str, sha256: &str) -> Self {
        let name = SecretName { kind: SecretKind::PrivateKey, id: order_id.to_owned() };
        Self {
            sha256: sha256.to_owned(),
            kind: PlaceKind::Keystore,
            location: name.account(),
            format: ContainerFormat::Store,
            position: 0,
            has_private_key: true,
        }
    }

    /// A file written by CertiSanté.
    pub fn file(path: &Path, format: ContainerFormat, position: u32, sha256: &str, has_private_key: bool) -> Self {
        Self { sha256: sha256.to_owned(), kind: PlaceKind::File, location: path.display().to_string(), format, position, has_private_key }
    }

    /// An OS store CertiSanté installed the certificate (and its key) into.
    pub fn store(kind: PlaceKind, location: String, sha256: &str) -> Self {
        Self { sha256: sha256.to_owned(), kind, location, format: ContainerFormat::Store, position: 0, has_private_key: true }
    }

    /// As the dashboard shows it among the certificate's places.
    pub fn to_place(&self) -> Place {
        Place {
            path: self.location.clone(),
            kind: self.kind,
            format: self.format,
            position: self.position,
            has_private_key: self.has_private_key,
            integrity: Integrity::NotApplicable,
            managed: true,
        }
    }
}

/// A recorded place, with its order and whether its write may not have finished.
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub place: ManagedPlace,
    pub order_id: String,
    pub pending: bool,
}

/// Figures of one registry scan.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct ScanSummary {
    pub files_seen: u32,
    /// Files parsed because they were new or changed.
    pub files_parsed: u32,
    pub files_unchanged: u32,
    pub errors: u32,
    /// Places CertiSanté wrote that were found gone.
    pub places_lost: Vec<LostPlace>,
}

/// A place that was gone at a scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LostPlace {
    pub sha256: String,
    pub kind: PlaceKind,
    pub location: String,
    pub order_id: String,
    /// No file or store holds the certificate any more (its order still names it).
    pub last_copy: bool,
    /// The place held the private key, and no other place does.
    pub key_lost: bool,
}

fn text<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn parse<T: serde::de::DeserializeOwned>(value: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(value.to_owned())).ok()
}

/// Records `places` for `order_id`; `pending` while the write they stand for is under way.
pub(crate) fn record(tx: &Transaction<'_>, order_id: &str, places: &[ManagedPlace], pending: bool) -> rusqlite::Result<()> {
    let now = Utc::now().to_rfc3339();
    for place in places {
        tx.execute(
            "INSERT INTO managed_places (sha256, kind, location, format, position, has_private_key, order_id, pending, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (sha256, kind, location) DO UPDATE SET format = excluded.format, position = excluded.position,
                has_private_key = excluded.has_private_key, order_id = excluded.order_id, pending = excluded.pending, recorded_at = excluded.recorded_at",
            params![place.sha256, text(&place.kind), place.location, text(&place.format), place.position, place.has_private_key, order_id, pending, now],
        )?;
    }
    Ok(())
}

/// The writes of `order_id` finished: its pending places become places.
pub(crate) fn confirm(tx: &Transaction<'_>, order_id: &str) -> rusqlite::Result<()> {
    tx.execute("UPDATE managed_places SET pending = 0 WHERE order_id = ?1 AND pending = 1", [order_id])?;
    Ok(())
}

/// The write of `order_id` did not happen (it failed, or a crash came first).
pub(crate) fn drop_pending(tx: &Transaction<'_>, order_id: &str) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM managed_places WHERE order_id = ?1 AND pending = 1", [order_id])?;
    Ok(())
}

/// The order's key left the keystore (retired after a revocation).
pub(crate) fn forget_key(tx: &Transaction<'_>, order_id: &str) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM managed_places WHERE order_id = ?1 AND kind = ?2", params![order_id, text(&PlaceKind::Keystore)])?;
    Ok(())
}

/// Every recorded place.
pub(crate) fn all(conn: &Connection) -> rusqlite::Result<Vec<Recorded>> {
    let mut statement = conn
        .prepare("SELECT sha256, kind, location, format, position, has_private_key, order_id, pending FROM managed_places ORDER BY order_id, kind, location")?;
    let rows = statement.query_map([], |r| {
        let kind: String = r.get(1)?;
        let format: String = r.get(3)?;
        Ok(Recorded {
            place: ManagedPlace {
                sha256: r.get(0)?,
                kind: parse(&kind).unwrap_or(PlaceKind::File),
                location: r.get(2)?,
                format: parse(&format).unwrap_or(ContainerFormat::Der),
                position: r.get(4)?,
                has_private_key: r.get(5)?,
            },
            order_id: r.get(6)?,
            pending: r.get(7)?,
        })
    })?;
    rows.collect()
}

/// Whether a place is still there: `Some(false)` gone, `None` when this computer cannot
/// tell (another OS's store), which keeps it.
pub(crate) fn still_there(place: &ManagedPlace) -> Option<bool> {
    match place.kind {
        PlaceKind::File => Some(Path::new(&place.location).is_file()),
        PlaceKind::Nss => {
            let dir = place.location.strip_prefix("nss:")?;
            let found = crate::stores::read_nss_database(Path::new(dir)).ok();
            Some(found.is_some_and(|store| store.certificates.iter().any(|c| crate::certs::fingerprint(&c.der) == place.sha256)))
        }
        // Read only where they exist; elsewhere the record is kept as it is.
        PlaceKind::WindowsStore | PlaceKind::MacosKeychain => os_store_holds(place),
        // Checked with the keystore itself (`check_keystore`).
        PlaceKind::Keystore => None,
    }
}

#[cfg(any(windows, target_os = "macos"))]
fn os_store_holds(place: &ManagedPlace) -> Option<bool> {
    let stores = crate::stores::read_os_stores();
    // The store the place names (Windows: CurrentUser\My or LocalMachine\My), else any of its kind.
    let named = stores.iter().flatten().any(|s| s.source == place.location);
    let this = |s: &&crate::stores::StoreContent| s.kind == place.kind && (!named || s.source == place.location);
    let holds = stores.iter().flatten().filter(this).any(|s| s.certificates.iter().any(|c| crate::certs::fingerprint(&c.der) == place.sha256));
    // An unreadable store says nothing: keep the place.
    (stores.iter().flatten().any(|s| this(&s)) || holds).then_some(holds)
}

#[cfg(not(any(windows, target_os = "macos")))]
fn os_store_holds(_place: &ManagedPlace) -> Option<bool> {
    None
}

impl Registry {
    /// Re-scans every watched path (and the OS stores when the settings say so), then checks
    /// CertiSanté's own places. The files it wrote are not parsed (their content is known,
    /// and an exported .p12 cannot be read without its password): only checked.
    pub fn scan(&self, progress: &(dyn Fn(ScanProgress) + Sync)) -> Result<ScanSummary, RegistryError> {
        let recorded = all(&self.read())?;
        let skip: HashSet<String> = recorded.iter().filter(|r| r.place.kind == PlaceKind::File).map(|r| r.place.location.clone()).collect();
        let sources = self.scan_sources(&skip, progress)?;
        let gone: Vec<Recorded> = recorded.into_iter().filter(|r| !r.pending && still_there(&r.place) == Some(false)).collect();
        Ok(ScanSummary {
            files_seen: sources.files_seen,
            files_parsed: sources.files_parsed,
            files_unchanged: sources.files_unchanged,
            errors: sources.errors,
            places_lost: self.forget_lost(gone)?,
        })
    }

    /// Removes places found gone, audits each, and says what each loss means.
    fn forget_lost(&self, gone: Vec<Recorded>) -> Result<Vec<LostPlace>, RegistryError> {
        if gone.is_empty() {
            return Ok(vec![]);
        }
        let actor = os_user_actor();
        self.write(|tx| {
            let mut lost = Vec::with_capacity(gone.len());
            for recorded in gone {
                let place = &recorded.place;
                tx.execute(
                    "DELETE FROM managed_places WHERE sha256 = ?1 AND kind = ?2 AND location = ?3",
                    params![place.sha256, text(&place.kind), place.location],
                )?;
                // The CA certificates a file also held are not what the order is about.
                let leaf: Option<String> =
                    tx.query_row("SELECT certificate_sha256 FROM orders WHERE id = ?1", [&recorded.order_id], |r| r.get(0)).optional()?.flatten();
                if leaf.as_deref() != Some(place.sha256.as_str()) {
                    continue;
                }
                let (copies, keys) = remaining(tx, &place.sha256)?;
                let loss = LostPlace {
                    sha256: place.sha256.clone(),
                    kind: place.kind,
                    location: place.location.clone(),
                    order_id: recorded.order_id.clone(),
                    last_copy: copies == 0,
                    key_lost: place.has_private_key && keys == 0,
                };
                let details = serde_json::json!({
                    "certificate_sha256": loss.sha256, "kind": loss.kind, "order": loss.order_id,
                    "last_copy": loss.last_copy, "key_lost": loss.key_lost,
                });
                Registry::audit_append_in(tx, &actor, AuditAction::PlaceLost, &loss.location, details)?;
                lost.push(loss);
            }
            Ok(lost)
        })
    }
}

/// The places left holding a certificate: (copies in files and stores, places with its key).
fn remaining(tx: &Transaction<'_>, sha256: &str) -> rusqlite::Result<(i64, i64)> {
    tx.query_row(
        "SELECT
            (SELECT COUNT(*) FROM places WHERE sha256 = ?1) + (SELECT COUNT(*) FROM managed_places WHERE sha256 = ?1 AND pending = 0 AND kind != ?2),
            (SELECT COUNT(*) FROM places WHERE sha256 = ?1 AND has_private_key = 1) + (SELECT COUNT(*) FROM managed_places WHERE sha256 = ?1 AND pending = 0 AND has_private_key = 1)",
        params![sha256, text(&PlaceKind::Keystore)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// Checks the keystore entries recorded as places: an entry gone from the OS keystore (a
/// user's cleaning, another tool) is forgotten and reported. A keystore that cannot be
/// used now (locked, absent) proves nothing: its places stay.
pub fn check_keystore(registry: &Registry, keystore: &dyn Keystore) -> Result<Vec<LostPlace>, RegistryError> {
    let recorded = all(&registry.read())?;
    let keystore_places: Vec<Recorded> = recorded.into_iter().filter(|r| r.place.kind == PlaceKind::Keystore && !r.pending).collect();
    if keystore_places.is_empty() || keystore.check().is_err() {
        return Ok(vec![]);
    }
    let gone: Vec<Recorded> = keystore_places
        .into_iter()
        .filter(|r| matches!(keystore.get(&SecretName { kind: SecretKind::PrivateKey, id: r.order_id.clone() }), Ok(None)))
        .collect();
    registry.forget_lost(gone)
}
