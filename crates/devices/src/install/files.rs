//! Writing files so that a crash, a full disk or a refusal never leaves half a file: a
//! temporary file in the destination's folder, flushed to disk, then renamed over it.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use zeroize::Zeroizing;

use super::{check_file_name, InstallError};
use crate::Sensitive;

/// Writes `bytes` to `path` atomically: readers see the old file or the whole new one.
/// `private` files are created with mode 0600 (unix; on Windows they inherit the folder's
/// ACL, the user's profile being private already). Without `overwrite`, an existing file
/// is refused, also when it appears while writing. On any failure the temporary file is
/// removed.
pub fn write_file_atomically(path: &Path, bytes: &[u8], private: bool, overwrite: bool) -> Result<(), InstallError> {
    let io = |e: &std::io::Error| InstallError::io(path, e);
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| InstallError::InvalidName { name: path.display().to_string(), reason: "no file name" })?;
    if !overwrite && path.exists() {
        return Err(InstallError::Exists(path.to_path_buf()));
    }
    let mut builder = tempfile::Builder::new();
    let prefix = format!(".{}.", name.to_string_lossy());
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The mode is given to open(2): a private file is never readable by others,
        // not even between its creation and a chmod.
        builder.permissions(std::fs::Permissions::from_mode(if private { 0o600 } else { 0o644 }));
    }
    #[cfg(not(unix))]
    let _ = private;
    // Dropping `temp` on any early return deletes it.
    let mut temp = builder.tempfile_in(dir).map_err(|e| io(&e))?;
    temp.write_all(bytes).and_then(|()| temp.as_file().sync_all()).map_err(|e| io(&e))?;
    let persisted = if overwrite { temp.persist(path) } else { temp.persist_noclobber(path) };
    persisted.map_err(|e| io(&e.error))?;
    #[cfg(unix)]
    {
        // The rename itself is durable once the folder is flushed; a failure here leaves
        // the complete file in place, so it is not reported.
        if let Ok(folder) = std::fs::File::open(dir) {
            let _ = folder.sync_all();
        }
    }
    Ok(())
}

/// Where [`write_pem_files`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PemFiles {
    /// `<base>-key.pem`: the PKCS#8 key, unencrypted, mode 0600.
    pub key: PathBuf,
    /// `<base>-cert.pem`: the leaf.
    pub certificate: PathBuf,
    /// `<base>-chain.pem`: the CA certificates (chain without the leaf; empty if none).
    pub chain: PathBuf,
    /// `<base>-fullchain.pem`: the leaf then the CA certificates (nginx, Apache 2.4.8+).
    pub full_chain: PathBuf,
}

impl PemFiles {
    /// The files [`write_pem_files`] writes for `base_name` in `dir`.
    pub fn in_dir(dir: &Path, base_name: &str) -> Self {
        let path = |suffix: &str| dir.join(format!("{base_name}-{suffix}.pem"));
        Self { key: path("key"), certificate: path("cert"), chain: path("chain"), full_chain: path("fullchain") }
    }
}

/// Writes the key and the chain (leaf first) as PEM files in `dir`. Nothing is written
/// when the key is not the leaf's, or, without `overwrite`, when one of the files exists;
/// if a write fails, the files this call created are removed.
pub fn write_pem_files(dir: &Path, base_name: &str, pkcs8: &Sensitive<Vec<u8>>, chain: &[Vec<u8>], overwrite: bool) -> Result<PemFiles, InstallError> {
    check_file_name(base_name)?;
    super::p12::check_key_matches(pkcs8, chain)?;
    let files = PemFiles::in_dir(dir, base_name);
    let all = [&files.key, &files.certificate, &files.chain, &files.full_chain];
    if !overwrite {
        if let Some(existing) = all.iter().find(|p| p.exists()) {
            return Err(InstallError::Exists(existing.to_path_buf()));
        }
    }
    let existed: Vec<bool> = all.iter().map(|p| p.exists()).collect();
    let key_pem = Zeroizing::new(pem("PRIVATE KEY", pkcs8.expose()));
    let certs: Vec<String> = chain.iter().map(|der| pem("CERTIFICATE", der)).collect();
    let writes: [(&PathBuf, &[u8], bool); 4] = [
        (&files.key, key_pem.as_bytes(), true),
        (&files.certificate, certs[0].as_bytes(), false),
        (&files.chain, &certs[1..].concat().into_bytes(), false),
        (&files.full_chain, &certs.concat().into_bytes(), false),
    ];
    for (i, (target, bytes, private)) in writes.iter().enumerate() {
        if let Err(e) = write_file_atomically(target, bytes, *private, overwrite) {
            for (j, (written, _, _)) in writes[..i].iter().enumerate() {
                if !existed[j] {
                    let _ = std::fs::remove_file(written);
                }
            }
            return Err(e);
        }
    }
    Ok(files)
}

/// One PEM block, base64 in lines of 64 characters (RFC 7468).
fn pem(label: &str, der: &[u8]) -> String {
    let b64 = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(der));
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 2 * label.len() + 40);
    out.push_str(&format!("-----BEGIN {label}-----\n"));
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_lines_are_64_characters() {
        let text = pem("CERTIFICATE", &[0xAB; 100]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "-----BEGIN CERTIFICATE-----");
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines.last().unwrap(), &"-----END CERTIFICATE-----");
    }

    #[test]
    fn an_existing_file_is_refused_or_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.txt");
        write_file_atomically(&path, b"one", false, false).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        assert_eq!(write_file_atomically(&path, b"two", false, false).unwrap_err().code(), "install.exists");
        write_file_atomically(&path, b"two", false, true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
    }
}
