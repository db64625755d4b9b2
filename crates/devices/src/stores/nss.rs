//! NSS "sql:" databases (cert9.db / key4.db). They are SQLite files: certificates are
//! PKCS#11 objects in table `nssPublic`, one column per attribute (`a<hex type>`), so
//! they can be read without linking libnss.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::{StoreContent, StoreError};
use crate::certs::FoundCertificate;
use crate::view::PlaceKind;

const CKO_CERTIFICATE: u32 = 1;
const CKO_PRIVATE_KEY: u32 = 3;

/// The user's NSS databases: `~/.pki/nssdb` (Chromium, many Linux tools).
pub fn read_user_databases() -> Vec<Result<StoreContent, StoreError>> {
    let Some(home) = dirs::home_dir() else { return vec![] };
    let candidates: Vec<PathBuf> = vec![home.join(".pki/nssdb")];
    candidates.into_iter().filter(|dir| dir.join("cert9.db").is_file()).map(|dir| read_database(&dir)).collect()
}

/// Reads the certificates of the NSS database in `dir`; a certificate whose public key
/// has a private key object in key4.db is marked as having its key.
pub fn read_database(dir: &Path) -> Result<StoreContent, StoreError> {
    let source = format!("nss:{}", dir.display());
    let unreadable = |reason: String| StoreError::Unreadable { store: source.clone(), reason };
    let certs = objects(&dir.join("cert9.db"), "a11", CKO_CERTIFICATE).map_err(|e| unreadable(e.to_string()))?;
    // CKA_ID (0x102) links a certificate to its private key.
    let cert_ids = objects(&dir.join("cert9.db"), "a102", CKO_CERTIFICATE).unwrap_or_default();
    let key_ids = objects(&dir.join("key4.db"), "a102", CKO_PRIVATE_KEY).unwrap_or_default();
    let certificates = certs
        .into_iter()
        .enumerate()
        .map(|(i, der)| FoundCertificate { has_private_key: cert_ids.get(i).is_some_and(|id| !id.is_empty() && key_ids.contains(id)), der, position: i as u32 })
        .collect();
    Ok(StoreContent { source, kind: PlaceKind::Nss, certificates })
}

fn objects(db: &Path, column: &str, class: u32) -> rusqlite::Result<Vec<Vec<u8>>> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    let table = if db.file_name().is_some_and(|n| n == "key4.db") { "nssPrivate" } else { "nssPublic" };
    let mut stmt = conn.prepare(&format!("SELECT {column} FROM {table} WHERE a0 = ?1 ORDER BY id"))?;
    let rows = stmt.query_map([class.to_be_bytes().to_vec()], |row| row.get::<_, Option<Vec<u8>>>(0))?;
    rows.filter_map(|r| r.transpose()).collect()
}
