//! PostgreSQL's password file (`~/.pgpass`, `%APPDATA%\postgresql\pgpass.conf`, or the
//! `PGPASSFILE` / `passfile` named one): what a scheduled task running without a desktop
//! session (no OS keystore) can use, as psql would. Lines `host:port:database:user:password`,
//! `*` matching anything, `\:` and `\\` escaped. On Unix a file others can read is ignored,
//! as libpq ignores it.

use std::path::{Path, PathBuf};

use certisante_pki::Sensitive;

use crate::address::{Address, Host};

/// The largest password file read.
const MAX_FILE: u64 = 1 << 20;

/// The password file's path: the address's `passfile`, else PGPASSFILE, else the default.
pub fn file_for(address: &Address) -> Option<PathBuf> {
    if let Some(file) = &address.passfile {
        return Some(file.clone());
    }
    if let Some(file) = std::env::var_os("PGPASSFILE").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(file));
    }
    if cfg!(windows) {
        dirs::config_dir().map(|d| d.join("postgresql").join("pgpass.conf"))
    } else {
        dirs::home_dir().map(|d| d.join(".pgpass"))
    }
}

/// The password the file gives for `address`, if any.
pub fn lookup(address: &Address) -> Option<Sensitive<String>> {
    let path = file_for(address)?;
    let text = read(&path)?;
    let host = match &address.host {
        Host::Tcp(host) => host.clone(),
        Host::Socket(_) => "localhost".to_owned(),
    };
    let port = address.port.to_string();
    let wanted = [host.as_str(), port.as_str(), address.dbname.as_str(), address.user.as_str()];
    text.expose().lines().filter(|line| !line.trim_start().starts_with('#')).find_map(|line| {
        let fields = split(line);
        if fields.len() != 5 {
            return None;
        }
        let matches = fields[..4].iter().zip(wanted).all(|(field, value)| field.expose() == "*" || field.expose() == value);
        matches.then(|| Sensitive::new(fields[4].expose().clone()))
    })
}

fn read(path: &Path) -> Option<Sensitive<String>> {
    let metadata = std::fs::metadata(path).ok()?;
    if !metadata.is_file() || metadata.len() > MAX_FILE {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if metadata.permissions().mode() & 0o077 != 0 {
            eprintln!("certisante: {} is readable by others: ignored (chmod 0600 it)", path.display());
            return None;
        }
    }
    let bytes = Sensitive::new(std::fs::read(path).ok()?);
    std::str::from_utf8(bytes.expose()).ok().map(|text| Sensitive::new(text.to_owned()))
}

/// The fields of one line, unescaped.
fn split(line: &str) -> Vec<Sensitive<String>> {
    let mut fields = vec![Sensitive::new(String::new())];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(next), Some(field)) = (chars.next(), fields.last_mut()) {
                    field.expose_mut().push(next);
                }
            }
            ':' => fields.push(Sensitive::new(String::new())),
            c => {
                if let Some(field) = fields.last_mut() {
                    field.expose_mut().push(c);
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_matching_line_gives_the_password() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        std::fs::write(&file, "# comment\nother:5432:*:*:nope\npg.ght.local:*:inv:poste\\:1:pa\\:ss\\\\word\n*:*:*:*:fallback\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let url = |user: &str| format!("postgresql://{user}@pg.ght.local/inv?passfile={}", file.display());
        let found = lookup(&Address::parse(&url("poste%3A1")).unwrap()).unwrap();
        assert_eq!(found.expose(), "pa:ss\\word");
        assert_eq!(lookup(&Address::parse(&url("autre")).unwrap()).unwrap().expose(), "fallback");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(lookup(&Address::parse(&url("autre")).unwrap()).is_none(), "a file others can read is ignored");
        }
    }
}
