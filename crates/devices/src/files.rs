//! Reading a file named from outside (a watched folder, a path the user typed or dropped,
//! a password file, an extra anchor): only a regular file, and never more than a cap, so
//! that a FIFO cannot block, `/dev/zero` cannot exhaust memory, and a file that grows while
//! it is read cannot either.

use std::io::Read;
use std::path::Path;

use certisante_pki::Sensitive;

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("{path}: no such file")]
    NotFound { path: String },
    #[error("{path} is not a regular file (a device, a pipe, a socket or a folder): it is not read")]
    SpecialFile { path: String },
    #[error("{path} is larger than {limit} bytes: it is not read")]
    TooLarge { path: String, limit: u64 },
    #[error("{path} cannot be read: {reason}")]
    Unreadable { path: String, reason: String },
}

certisante_pki::error_codes!(FileError {
    Self::NotFound { .. } => "file.not_found",
    Self::SpecialFile { .. } => "file.special",
    Self::TooLarge { .. } => "file.too_large",
    Self::Unreadable { .. } => "file.unreadable",
});

/// Reads a regular file of at most `limit` bytes. The type is checked on the opened file
/// (no window between the check and the read), and the read stops past `limit` whatever
/// the size the file claims (`/proc` files claim 0).
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let shown = || path.display().to_string();
    let file = open_regular(path)?;
    let claimed = file.metadata().map(|m| m.len()).unwrap_or(0);
    if claimed > limit {
        return Err(FileError::TooLarge { path: shown(), limit });
    }
    let mut bytes = Vec::with_capacity(claimed.min(limit) as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| FileError::Unreadable { path: shown(), reason: e.to_string() })?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge { path: shown(), limit });
    }
    Ok(bytes)
}

/// Opens `path` for reading only if it is a regular file. On unix the open itself does not
/// block on a FIFO (O_NONBLOCK) and the type is read from the opened descriptor.
fn open_regular(path: &Path) -> Result<std::fs::File, FileError> {
    let shown = || path.display().to_string();
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(NONBLOCK);
    }
    let file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => FileError::NotFound { path: shown() },
        // Windows refuses to open a folder as a file ("access denied"): say what it is, as
        // on unix (found by the Windows build of this module's tests, under Wine).
        _ if path.is_dir() => FileError::SpecialFile { path: shown() },
        _ => FileError::Unreadable { path: shown(), reason: e.to_string() },
    })?;
    let meta = file.metadata().map_err(|e| FileError::Unreadable { path: shown(), reason: e.to_string() })?;
    if !meta.file_type().is_file() {
        return Err(FileError::SpecialFile { path: shown() });
    }
    Ok(file)
}

/// A password or other secret kept in a file (never on a command line): at most this long.
pub const MAX_SECRET_FILE: u64 = 4096;

/// Reads a secret from a file, dropping the line breaks that end it (as `echo` writes them).
/// The bytes read are zeroized with the returned value.
pub fn read_secret_file(path: &Path) -> Result<Sensitive<String>, FileError> {
    let bytes = Sensitive::new(read_bounded(path, MAX_SECRET_FILE)?);
    let mut text = Sensitive::new(String::from_utf8_lossy(bytes.expose()).into_owned());
    while text.expose().ends_with('\n') || text.expose().ends_with('\r') {
        text.expose_mut().pop();
    }
    Ok(text)
}

/// O_NONBLOCK: opening a FIFO without a writer must not wait for one.
#[cfg(target_os = "linux")]
const NONBLOCK: i32 = 0o4000;
#[cfg(all(unix, not(target_os = "linux")))]
const NONBLOCK: i32 = 0x0004;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_within_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"abc").unwrap();
        assert_eq!(read_bounded(&path, 3).unwrap(), b"abc");
        assert_eq!(read_bounded(&path, 2).unwrap_err().code(), "file.too_large");
        assert_eq!(read_bounded(&dir.path().join("none"), 10).unwrap_err().code(), "file.not_found");
        assert_eq!(read_bounded(dir.path(), 10).unwrap_err().code(), "file.special");
    }

    #[test]
    fn secret_files_drop_the_final_newline_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pw");
        std::fs::write(&path, "p a ss\n").unwrap();
        assert_eq!(read_secret_file(&path).unwrap().expose(), "p a ss");
        std::fs::write(&path, "x".repeat(5000)).unwrap();
        assert_eq!(read_secret_file(&path).unwrap_err().code(), "file.too_large");
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn devices_pipes_and_proc_files_never_block_nor_exhaust() {
        assert_eq!(read_bounded(Path::new("/dev/zero"), 1024).unwrap_err().code(), "file.special");
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let started = std::time::Instant::now();
        assert_eq!(read_bounded(&fifo, 1024).unwrap_err().code(), "file.special");
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        // /proc files claim a size of 0: the cap still holds (smaps is tens of KB).
        assert_eq!(read_bounded(Path::new("/proc/self/smaps"), 1024).unwrap_err().code(), "file.too_large");
        // pagemap reads without end: a coded error, at once.
        let started = std::time::Instant::now();
        assert!(read_bounded(Path::new("/proc/self/pagemap"), 1 << 20).is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }
}
