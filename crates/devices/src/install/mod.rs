//! Install targets for a private key and its certificate chain: a .p12 file, PEM files,
//! the user's NSS database, the Windows certificate store and the macOS login keychain.
//!
//! Keys arrive as PKCS#8 DER in a [`Sensitive`] and leave only encrypted (a .p12), in a
//! file created private (PEM key, mode 0600), or handed to the OS store. No password ever
//! goes on a command line: tools read it from a 0600 file in a private temporary folder.

mod files;
#[cfg(any(target_os = "macos", test))]
mod macos;
mod nss;
mod p12;
#[cfg(windows)]
mod windows;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Sensitive;

pub use files::{write_file_atomically, write_pem_files, PemFiles};
#[cfg(target_os = "macos")]
pub use macos::install_macos;
pub use nss::{default_nss_db, install_nss};
pub use p12::{export_p12, LEGACY_ITERATIONS, MODERN_ITERATIONS};
#[cfg(windows)]
pub use windows::install_windows;

/// How an exported .p12 is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum P12Encryption {
    /// PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) for the key and the certificates, SHA-256
    /// MAC, [`MODERN_ITERATIONS`] iterations: what OpenSSL 3, Java 12+ and Windows 10+ read.
    #[default]
    Modern,
    /// pbeWithSHA1And3-KeyTripleDES-CBC for the key and the certificates, SHA-1 MAC,
    /// [`LEGACY_ITERATIONS`] iterations: for older Java and Windows clients (and the
    /// portal's own files).
    Legacy,
}

/// Which Windows certificate store `install_windows` writes to (defined on every platform
/// so that settings and commands can name it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WindowsStore {
    /// The user's own stores and key set.
    #[default]
    CurrentUser,
    /// The machine's, for services (needs administrator rights).
    LocalMachine,
}

/// Why an install failed. Codes are stable: the UI and scripts match them, never the
/// message. No message ever contains a password or key material.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error("the private key is not a PKCS#8 key this application can use: {0}")]
    KeyInvalid(&'static str),
    #[error("the private key does not belong to the certificate ({subject})")]
    KeyMismatch { subject: String },
    #[error("the certificate chain cannot be used: {0}")]
    ChainInvalid(String),
    #[error("this password cannot protect a PKCS#12 file: {0}")]
    PasswordInvalid(&'static str),
    #[error("invalid name {name:?}: {reason}")]
    InvalidName { name: String, reason: &'static str },
    #[error("wrong password for this PKCS#12 file")]
    P12BadPassword,
    #[error("the PKCS#12 file cannot be used: {0}")]
    P12Failed(String),
    /// Refused before opening: more work or entries than any genuine file (issue 13).
    #[error(transparent)]
    P12Refused(certisante_pki::certs::CertsError),
    #[error("{} already exists; choose to replace it or another name", .0.display())]
    Exists(PathBuf),
    #[error("the disk is full: {} was not written (nothing was left behind)", .0.display())]
    DiskFull(PathBuf),
    #[error("no permission to write {} (read-only folder or disk?); nothing was written", .0.display())]
    PermissionDenied(PathBuf),
    #[error("cannot write {}: {reason}", .path.display())]
    Io { path: PathBuf, reason: String },
    #[error("{tool} was not found: install the NSS tools (Debian/Ubuntu: apt install libnss3-tools; Fedora: dnf install nss-tools)")]
    NssToolMissing { tool: &'static str },
    #[error("the NSS database {db} refused the import ({step}): {detail}")]
    NssFailed { db: String, step: &'static str, detail: String },
    #[error("the Windows certificate store refused the import ({step}, error 0x{code:08X})")]
    WindowsStore { step: &'static str, code: u32 },
    #[error("the macOS keychain refused the import: {0}")]
    MacosKeychain(String),
}

certisante_pki::error_codes!(InstallError {
    Self::KeyInvalid(_) => "install.key_invalid",
    Self::KeyMismatch { .. } => "install.key_mismatch",
    Self::ChainInvalid(_) => "install.chain_invalid",
    Self::PasswordInvalid(_) => "install.password_invalid",
    Self::InvalidName { .. } => "install.invalid_name",
    Self::P12BadPassword => "install.p12_bad_password",
    Self::P12Failed(_) => "install.p12_failed",
    Self::Exists(_) => "install.exists",
    Self::DiskFull(_) => "install.disk_full",
    Self::PermissionDenied(_) => "install.permission_denied",
    Self::Io { .. } => "install.io",
    Self::NssToolMissing { .. } => "install.nss_tool_missing",
    Self::NssFailed { .. } => "install.nss_failed",
    Self::WindowsStore { .. } => "install.windows_store",
    Self::MacosKeychain(_) => "install.macos_keychain",
} wraps { P12Refused(certisante_pki::certs::CertsError) });

impl InstallError {
    /// An I/O failure on `path`, by what the user can do about it.
    pub(crate) fn io(path: &Path, error: &std::io::Error) -> Self {
        use std::io::ErrorKind;
        match error.kind() {
            ErrorKind::StorageFull | ErrorKind::QuotaExceeded => Self::DiskFull(path.to_path_buf()),
            ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => Self::PermissionDenied(path.to_path_buf()),
            ErrorKind::AlreadyExists => Self::Exists(path.to_path_buf()),
            _ => Self::Io { path: path.to_path_buf(), reason: error.to_string() },
        }
    }
}

/// A key and its chain taken out of a .p12 (to re-wrap it for a tool that needs it so).
pub(crate) struct Identity {
    pub pkcs8: Sensitive<Vec<u8>>,
    /// Leaf first.
    pub chain: Vec<Vec<u8>>,
}

/// Opens a .p12 with its password (verifying its MAC) and returns its one key with the
/// certificate that matches it first, then the others.
pub(crate) fn open_p12(p12: &Sensitive<Vec<u8>>, password: &Sensitive<String>) -> Result<Identity, InstallError> {
    use p12_keystore::error::Error as P12Error;
    // p12-keystore caps each key derivation, not their number: bound the whole first.
    certisante_pki::certs::check_pkcs12_work(p12.expose(), password).map_err(|e| match e {
        certisante_pki::certs::CertsError::Pkcs12BadPassword => InstallError::P12BadPassword,
        other => InstallError::P12Refused(other),
    })?;
    let archive = p12_keystore::Pkcs12Archive::from_pkcs12(p12.expose(), password.expose()).map_err(|e| match e {
        P12Error::MacError(_) | P12Error::UnpadError => InstallError::P12BadPassword,
        other => InstallError::P12Failed(other.to_string()),
    })?;
    let [key] = &archive.keys[..] else {
        return Err(InstallError::P12Failed(format!("{} private keys in the file (one expected)", archive.keys.len())));
    };
    let pkcs8 = Sensitive::new(key.key.as_der().to_vec());
    let key_id = crate::certs::pkcs8_public_id(pkcs8.expose());
    let mut certs: Vec<Vec<u8>> = archive.certs.iter().map(|c| c.cert.as_der().to_vec()).collect();
    let leaf = key_id
        .as_ref()
        .and_then(|id| certs.iter().position(|c| crate::certs::public_key_id(c).as_ref() == Some(id)))
        .or_else(|| {
            let wanted = key.local_key_id.as_ref()?;
            archive.certs.iter().position(|c| c.local_key_id.as_deref() == Some(wanted.as_ref()))
        })
        .ok_or_else(|| InstallError::P12Failed("no certificate of the file matches its private key".into()))?;
    let leaf = certs.remove(leaf);
    certs.insert(0, leaf);
    Ok(Identity { pkcs8, chain: certs })
}

/// Where private working folders go once the application named its own (see
/// [`use_private_work_root`]); the shared temporary folder until then.
static WORK_ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Private working folders (a re-wrapped .p12 and its one-time password, for a tool that
/// reads them from files) go under `root`, the application's data folder, rather than the
/// shared temporary folder; and what a process killed in the middle left there is wiped
/// now. Called once at start; later calls keep the first root.
pub fn use_private_work_root(root: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(root)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o700))?;
    }
    let _ = WORK_ROOT.set(root.to_path_buf());
    wipe_leftovers(root);
    Ok(())
}

/// Removes the folders of processes that are gone, overwriting their files first.
fn wipe_leftovers(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix("certisante-").and_then(|rest| rest.split('-').next()).and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid == std::process::id() || process_alive(pid) {
            continue;
        }
        let dir = entry.path();
        if let Ok(files) = std::fs::read_dir(&dir) {
            for file in files.flatten() {
                if let Ok(meta) = file.metadata() {
                    let _ = std::fs::write(file.path(), vec![0u8; meta.len() as usize]);
                }
            }
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[cfg(target_os = "linux")]
fn process_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(not(target_os = "linux"))]
fn process_alive(_pid: u32) -> bool {
    // Without a cheap portable check, a leftover is wiped only by the next start of a
    // process that is not the one that made it, which is fine: the folder is private.
    false
}

/// A folder only the user can open (0700 on unix: tempfile's default follows the umask),
/// named after this process (so that a later start can tell a leftover), removed with
/// everything in it when dropped.
pub(crate) fn private_temp_dir() -> Result<tempfile::TempDir, InstallError> {
    let root = WORK_ROOT.get().cloned().unwrap_or_else(std::env::temp_dir);
    let mut builder = tempfile::Builder::new();
    let prefix = format!("certisante-{}-", std::process::id());
    builder.prefix(&prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    builder.tempdir_in(&root).map_err(|e| InstallError::io(&root, &e))
}

/// A name used inside a file name: no folder separators, no leading dot, nothing empty.
pub(crate) fn check_file_name(name: &str) -> Result<(), InstallError> {
    let reason = if name.trim().is_empty() {
        Some("empty")
    } else if name.contains(['/', '\\', '\0']) {
        Some("no folder separators")
    } else if name.starts_with('.') {
        Some("must not start with a dot")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(InstallError::InvalidName { name: name.to_string(), reason }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn io_errors_map_to_what_the_user_can_do() {
        let path = Path::new("/x/y.p12");
        let code = |raw: i32| InstallError::io(path, &std::io::Error::from_raw_os_error(raw)).code();
        // errno values of Linux: ENOSPC, EDQUOT, EACCES, EROFS, EEXIST, EIO.
        assert_eq!(code(28), "install.disk_full");
        assert_eq!(code(122), "install.disk_full");
        assert_eq!(code(13), "install.permission_denied");
        assert_eq!(code(30), "install.permission_denied");
        assert_eq!(code(17), "install.exists");
        assert_eq!(code(5), "install.io");
        let full = InstallError::io(path, &std::io::Error::from_raw_os_error(28));
        assert!(full.to_string().contains("/x/y.p12"), "{full}");
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn leftovers_of_dead_processes_are_wiped_and_live_ones_kept() {
        let root = tempfile::tempdir().unwrap();
        let dead = root.path().join("certisante-999999999-abc");
        let alive = root.path().join(format!("certisante-{}-def", std::process::id()));
        for dir in [&dead, &alive] {
            std::fs::create_dir(dir).unwrap();
            std::fs::write(dir.join("password"), "one-time").unwrap();
        }
        wipe_leftovers(root.path());
        assert!(!dead.exists());
        assert!(alive.join("password").exists());
    }

    #[test]
    fn file_names_stay_in_their_folder() {
        assert!(check_file_name("dmp-2026").is_ok());
        for bad in ["", " ", "../x", "a/b", "a\\b", ".hidden"] {
            assert_eq!(check_file_name(bad).unwrap_err().code(), "install.invalid_name", "{bad:?}");
        }
    }
}
