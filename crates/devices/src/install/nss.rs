//! Importing into an NSS database (`sql:` format: cert9.db/key4.db) with `pk12util` from
//! the NSS tools, the supported way to write one (reading needs no tool: `stores::nss`).
//!
//! The .p12 is opened here first (a wrong password is reported as such, not as a tool
//! failure), then re-wrapped under a one-time password with the nickname as its
//! friendlyName: pk12util takes the nickname from there and has no option for it, and the
//! user's password never reaches the disk. The one-time password goes to pk12util in a
//! 0600 file of a private (0700) temporary folder, removed afterwards.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::{open_p12, InstallError, P12Encryption};
use crate::Sensitive;

const PK12UTIL: &str = "pk12util";
const CERTUTIL: &str = "certutil";

/// The user's own NSS database (Chromium and many Linux tools): `~/.pki/nssdb`. Firefox
/// keeps one per profile; pass that folder to [`install_nss`] instead.
pub fn default_nss_db() -> Option<PathBuf> {
    if cfg!(any(windows, target_os = "macos")) {
        return None;
    }
    dirs::home_dir().map(|home| home.join(".pki").join("nssdb"))
}

/// Imports the key and certificates of `p12` into the NSS database in `db_dir` under
/// `nickname`, creating the database (without a password, as Chromium does) if the
/// folder has none. A database protected by its own password is refused (`nss_failed`,
/// saying so) rather than prompted for.
pub fn install_nss(db_dir: &Path, p12: &Sensitive<Vec<u8>>, p12_password: &Sensitive<String>, nickname: &str) -> Result<(), InstallError> {
    if nickname.trim().is_empty() || nickname.contains(['\n', '\r', '\0']) {
        return Err(InstallError::InvalidName { name: nickname.to_string(), reason: "a nickname is one non-empty line" });
    }
    let pk12util = find_tool(PK12UTIL)?;
    let certutil = find_tool(CERTUTIL)?;
    let identity = open_p12(p12, p12_password)?;
    let db = format!("sql:{}", db_dir.display());
    let failed = |step: &'static str, detail: String| InstallError::NssFailed { db: db_dir.display().to_string(), step, detail };

    if !db_dir.join("cert9.db").is_file() {
        create_private_dir(db_dir)?;
        let out = run(&certutil, &["-N", "-d", &db, "--empty-password"]).map_err(|e| failed("certutil -N", e))?;
        if !out.status.success() {
            return Err(failed("certutil -N", output_text(&out)));
        }
    }

    let one_time = one_time_password()?;
    let wrapped = super::export_p12(&identity.pkcs8, &identity.chain, &one_time, P12Encryption::Modern, nickname)?;
    let work = super::private_temp_dir()?;
    let p12_file = work.path().join("import.p12");
    let password_file = work.path().join("password");
    // An empty database password, given as a file: without it pk12util asks for the
    // password of a protected database on the terminal, and waits.
    let db_password_file = work.path().join("db-password");
    super::write_file_atomically(&p12_file, wrapped.expose(), true, false)?;
    super::write_file_atomically(&password_file, one_time.expose().as_bytes(), true, false)?;
    super::write_file_atomically(&db_password_file, b"", true, false)?;
    let out =
        run(&pk12util, &["-i", &p12_file.to_string_lossy(), "-d", &db, "-w", &password_file.to_string_lossy(), "-k", &db_password_file.to_string_lossy()]);
    // The folder and both files go now, whatever pk12util said.
    drop(work);
    let out = out.map_err(|e| failed("pk12util -i", e))?;
    if !out.status.success() {
        let mut detail = output_text(&out);
        if detail.contains("Failed to authenticate to PKCS11 slot") {
            detail = format!("the database is protected by its own password, which this application does not handle ({detail})");
        }
        return Err(failed("pk12util -i", detail));
    }

    // NSS keeps one nickname per subject: a certificate of a subject it already knows is
    // filed under the old nickname. Say so rather than report success under a name that
    // does not exist.
    let out = run(&certutil, &["-L", "-d", &db, "-n", nickname]).map_err(|e| failed("certutil -L", e))?;
    if !out.status.success() {
        return Err(failed(
            "certutil -L",
            format!("imported, but not under the nickname {nickname:?}: the database already holds a certificate of the same subject under another nickname"),
        ));
    }
    Ok(())
}

/// A random password for one tool run: hex, so that every tool reads it the same way.
pub(super) fn one_time_password() -> Result<Sensitive<String>, InstallError> {
    let mut bytes = zeroize::Zeroizing::new([0u8; 24]);
    getrandom::fill(bytes.as_mut()).map_err(|e| InstallError::P12Failed(format!("no system randomness: {e}")))?;
    Ok(Sensitive::new(hex::encode(bytes.as_ref())))
}

fn create_private_dir(dir: &Path) -> Result<(), InstallError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| InstallError::io(dir, &e))
}

/// The tool's path from PATH, or the error that tells how to install it.
fn find_tool(name: &'static str) -> Result<PathBuf, InstallError> {
    let file = if cfg!(windows) { format!("{name}.exe") } else { name.to_string() };
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(&file))
        .find(|path| path.is_file())
        .ok_or(InstallError::NssToolMissing { tool: name })
}

/// Runs a tool without a terminal (it must never wait for input) and in the C locale (its
/// messages are matched).
fn run(tool: &Path, args: &[&str]) -> Result<Output, String> {
    Command::new(tool).args(args).env("LC_ALL", "C").stdin(Stdio::null()).output().map_err(|e| format!("cannot run {}: {e}", tool.display()))
}

fn output_text(out: &Output) -> String {
    let text = format!("{} {}", String::from_utf8_lossy(&out.stderr).trim(), String::from_utf8_lossy(&out.stdout).trim());
    format!("{} ({})", text.trim(), out.status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_time_passwords_are_long_and_different() {
        let (a, b) = (one_time_password().unwrap(), one_time_password().unwrap());
        assert_eq!(a.expose().len(), 48);
        assert_ne!(a.expose(), b.expose());
    }

    #[test]
    fn a_missing_tool_says_which_package_to_install() {
        let err = find_tool("certisante-no-such-tool").unwrap_err();
        assert_eq!(err.code(), "install.nss_tool_missing");
        assert!(err.to_string().contains("libnss3-tools"), "{err}");
    }
}
