//! Importing into the macOS login keychain with `/usr/bin/security import`.
//!
//! `security import` takes the file's password only as `-P <password>` (or asks for it in
//! a dialog). So the user's password never goes there: the .p12 is opened here, re-wrapped
//! under a one-time password (3DES/SHA-1, which every macOS release imports; older ones
//! refuse AES .p12 files) into a 0700 temporary folder, and only that one-time password
//! is on the command line. Seen in `ps`, it opens nothing: the file it protects is this
//! user's alone and is deleted as soon as `security` returns.
//!
//! Also compiled for tests on other platforms, so that the code is at least type-checked
//! where no macOS SDK is at hand; it runs only on macOS.

// Only the tests use this module off macOS.
#![cfg_attr(not(target_os = "macos"), allow(dead_code))]

use std::path::{Path, PathBuf};

use super::{InstallError, P12Encryption};
use crate::Sensitive;

const SECURITY: &str = "/usr/bin/security";

/// Imports the key and certificates of `p12` into the user's login keychain. The
/// key's access list is the keychain's default: applications ask before using it.
pub fn install_macos(p12: &Sensitive<Vec<u8>>, password: &Sensitive<String>) -> Result<(), InstallError> {
    let identity = super::open_p12(p12, password)?;
    let name = common_name(&identity.chain[0]).unwrap_or_else(|| "CertiSanté".into());
    let one_time = super::nss::one_time_password()?;
    let wrapped = super::export_p12(&identity.pkcs8, &identity.chain, &one_time, P12Encryption::Legacy, &name)?;
    let work = super::private_temp_dir()?;
    let file = work.path().join("import.p12");
    super::write_file_atomically(&file, wrapped.expose(), true, false)?;
    let keychain = login_keychain(&dirs::home_dir().unwrap_or_default());
    let out = std::process::Command::new(SECURITY).args(import_args(&file, &keychain, &one_time)).stdin(std::process::Stdio::null()).output();
    drop(work);
    let out = out.map_err(|e| InstallError::MacosKeychain(format!("cannot run {SECURITY}: {e}")))?;
    if !out.status.success() {
        return Err(InstallError::MacosKeychain(format!("{} ({})", String::from_utf8_lossy(&out.stderr).trim(), out.status)));
    }
    Ok(())
}

/// The leaf's subject CN: the name Keychain Access shows for the identity.
fn common_name(cert_der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(cert_der).ok()?;
    let cn = cert.subject().iter_common_name().next()?.as_str().ok()?.to_string();
    Some(cn)
}

/// The login keychain: `login.keychain-db` since macOS 10.12, `login.keychain` before.
fn login_keychain(home: &Path) -> PathBuf {
    let folder = home.join("Library").join("Keychains");
    let current = folder.join("login.keychain-db");
    if current.exists() || !folder.join("login.keychain").exists() {
        current
    } else {
        folder.join("login.keychain")
    }
}

fn import_args(file: &Path, keychain: &Path, one_time_password: &Sensitive<String>) -> Vec<String> {
    vec![
        "import".into(),
        file.display().to_string(),
        "-k".into(),
        keychain.display().to_string(),
        "-f".into(),
        "pkcs12".into(),
        "-P".into(),
        one_time_password.expose().clone(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_one_time_password_is_on_the_command_line() {
        let one_time = Sensitive::new("0123abcd".to_string());
        let args = import_args(Path::new("/tmp/x/import.p12"), Path::new("/Users/me/Library/Keychains/login.keychain-db"), &one_time);
        assert_eq!(args[..6], ["import", "/tmp/x/import.p12", "-k", "/Users/me/Library/Keychains/login.keychain-db", "-f", "pkcs12"]);
        assert_eq!(args[6..], ["-P", "0123abcd"]);
    }

    #[test]
    fn the_login_keychain_of_current_releases_is_preferred() {
        let home = tempfile::tempdir().unwrap();
        let folder = home.path().join("Library/Keychains");
        assert_eq!(login_keychain(home.path()), folder.join("login.keychain-db"));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("login.keychain"), b"").unwrap();
        assert_eq!(login_keychain(home.path()), folder.join("login.keychain"));
        std::fs::write(folder.join("login.keychain-db"), b"").unwrap();
        assert_eq!(login_keychain(home.path()), folder.join("login.keychain-db"));
    }
}
