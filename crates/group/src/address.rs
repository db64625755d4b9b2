//! The group database's address, written as libpq writes it: a URI
//! (`postgresql://user@host:5432/db?sslmode=verify-full&sslrootcert=/etc/ca.pem`, a Unix
//! socket folder as `?host=/run/postgresql` or `postgresql://%2Frun%2Fpostgresql/db`) or
//! keyword/value pairs (`host=pg.ght.local dbname=certisante user=poste_12`).
//!
//! One host. Parameters: host, hostaddr, port, dbname, user, password, sslmode (disable,
//! allow, prefer, require, verify-ca, verify-full), sslrootcert (a PEM file, or `system`),
//! connect_timeout (seconds), application_name, options, passfile. Any other parameter is
//! refused, so that a mistyped one is never silently ignored.
//!
//! One difference with libpq, on purpose: over TCP without `sslmode`, the connection uses
//! `verify-full` (libpq's `prefer` would accept a server without TLS, or an impostor).

use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use certisante_pki::Sensitive;
use sha2::{Digest, Sha256};

use crate::error::{GroupError, Result};

/// The longest address accepted (the machine policy's template allows 2,048 characters).
pub const MAX_ADDRESS_LEN: usize = 4096;
/// Connect timeout when the address gives none.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// A host name or IP address, over TCP.
    Tcp(String),
    /// The folder holding the server's Unix socket.
    Socket(PathBuf),
}

/// A parsed address. The password, when the address carries one, stays in a `Sensitive`.
#[derive(Debug)]
pub struct Address {
    pub host: Host,
    /// The IP address to connect to, when `host` is only the name TLS verifies.
    pub hostaddr: Option<IpAddr>,
    pub port: u16,
    pub user: String,
    pub password: Option<Sensitive<String>>,
    pub dbname: String,
    pub sslmode: SslMode,
    /// A PEM file of CA certificates, or `system` (the OS's trusted CAs).
    pub sslrootcert: Option<String>,
    pub connect_timeout: Duration,
    pub application_name: Option<String>,
    /// Server options (`-c name=value ...`), added after CertiSanté's own timeouts.
    pub options: Option<String>,
    /// A password file in PostgreSQL's `.pgpass` format.
    pub passfile: Option<PathBuf>,
}

impl Address {
    /// Parses a URI or keyword/value connection string.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        if text.is_empty() {
            return Err(GroupError::NotConfigured);
        }
        if text.len() > MAX_ADDRESS_LEN {
            return Err(invalid(format!("longer than {MAX_ADDRESS_LEN} characters")));
        }
        if text.chars().any(char::is_control) {
            return Err(invalid("control characters"));
        }
        let pairs = match text.split_once("://") {
            Some((scheme, rest)) if scheme == "postgresql" || scheme == "postgres" => uri_pairs(rest)?,
            Some((scheme, _)) => return Err(invalid(format!("unknown scheme {scheme:?} (postgresql://)"))),
            None => keyword_pairs(text)?,
        };
        Self::from_pairs(pairs)
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> Result<Self> {
        let mut host = None;
        let mut hostaddr = None;
        let mut port = None;
        let mut user = None;
        let mut password = None;
        let mut dbname = None;
        let mut sslmode = None;
        let mut sslrootcert = None;
        let mut connect_timeout = DEFAULT_CONNECT_TIMEOUT;
        let mut application_name = None;
        let mut options = None;
        let mut passfile = None;
        for (key, value) in pairs {
            match key.as_str() {
                "host" if !value.is_empty() => host = Some(value),
                "host" => {}
                "hostaddr" if !value.is_empty() => {
                    hostaddr = Some(value.parse::<IpAddr>().map_err(|_| invalid(format!("hostaddr {value:?} is not an IP address")))?)
                }
                "hostaddr" => {}
                "port" if !value.is_empty() => port = Some(value.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| invalid(format!("port {value:?}")))?),
                "port" => {}
                "user" if !value.is_empty() => user = Some(value),
                "user" => {}
                "password" => password = Some(Sensitive::new(value)),
                "dbname" if !value.is_empty() => dbname = Some(value),
                "dbname" => {}
                "sslmode" => {
                    sslmode = Some(
                        SslMode::parse(&value)
                            .ok_or_else(|| invalid(format!("sslmode {value:?} (disable, allow, prefer, require, verify-ca, verify-full)")))?,
                    )
                }
                "sslrootcert" if !value.is_empty() => sslrootcert = Some(value),
                "sslrootcert" => {}
                "connect_timeout" => {
                    // libpq: seconds, 0 or nothing for "no limit"; here every wait is bounded.
                    let seconds: u64 = value.parse().map_err(|_| invalid(format!("connect_timeout {value:?} (seconds)")))?;
                    connect_timeout = if seconds == 0 { DEFAULT_CONNECT_TIMEOUT } else { Duration::from_secs(seconds.clamp(2, 300)) };
                }
                "application_name" => application_name = Some(value),
                "options" => options = Some(value),
                "passfile" if !value.is_empty() => passfile = Some(PathBuf::from(value)),
                "passfile" => {}
                other => return Err(invalid(format!("unknown parameter {other:?}"))),
            }
        }
        if host.as_deref().is_some_and(|h| h.contains(',')) {
            return Err(invalid("several hosts: give one"));
        }
        let host = match host {
            Some(h) if h.starts_with('/') || (cfg!(windows) && h.starts_with('@')) => Host::Socket(PathBuf::from(h)),
            Some(h) => Host::Tcp(h),
            None if hostaddr.is_some() => Host::Tcp(hostaddr.map(|a| a.to_string()).unwrap_or_default()),
            None => default_host(),
        };
        let user = match user {
            Some(user) => user,
            None => os_user().ok_or_else(|| invalid("no user given, and the system's user name is unknown"))?,
        };
        // Over a socket TLS does not apply; over TCP the default verifies the server.
        let sslmode = match (&host, sslmode) {
            (Host::Socket(_), _) => SslMode::Disable,
            (Host::Tcp(_), Some(mode)) => mode,
            (Host::Tcp(_), None) => SslMode::VerifyFull,
        };
        Ok(Self {
            host,
            hostaddr,
            port: port.unwrap_or(5432),
            dbname: dbname.unwrap_or_else(|| user.clone()),
            user,
            password,
            sslmode,
            sslrootcert,
            connect_timeout,
            application_name,
            options,
            passfile,
        })
    }

    /// The address as a URI without its password: for messages, and what the settings keep.
    pub fn redacted(&self) -> String {
        let mut out = String::from("postgresql://");
        out.push_str(&encode(&self.user));
        out.push('@');
        let mut query: Vec<(&str, String)> = Vec::new();
        match &self.host {
            Host::Tcp(host) if host.contains(':') => {
                let _ = write!(out, "[{host}]:{}", self.port);
            }
            Host::Tcp(host) => {
                let _ = write!(out, "{}:{}", encode(host), self.port);
            }
            Host::Socket(dir) => {
                query.push(("host", dir.display().to_string()));
                query.push(("port", self.port.to_string()));
            }
        }
        out.push('/');
        out.push_str(&encode(&self.dbname));
        if let Some(addr) = self.hostaddr {
            query.push(("hostaddr", addr.to_string()));
        }
        if matches!(self.host, Host::Tcp(_)) {
            query.push(("sslmode", self.sslmode.as_str().to_owned()));
        }
        if let Some(root) = &self.sslrootcert {
            query.push(("sslrootcert", root.clone()));
        }
        for (i, (key, value)) in query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            let _ = write!(out, "{key}={}", encode(value));
        }
        out
    }

    /// A short name of the server for messages: `user@host:port/db`.
    pub fn server(&self) -> String {
        let host = match &self.host {
            Host::Tcp(host) => host.clone(),
            Host::Socket(dir) => dir.display().to_string(),
        };
        format!("{}@{}:{}/{}", self.user, host, self.port, self.dbname)
    }

    /// A stable identifier of the login (user, server, database), fit for a keystore name.
    pub fn login_id(&self) -> String {
        let digest = Sha256::digest(self.server().as_bytes());
        format!("g-{}", &hex::encode(digest)[..32])
    }
}

fn invalid(reason: impl Into<String>) -> GroupError {
    GroupError::InvalidAddress(reason.into())
}

/// libpq's default: the usual socket folder on Unix, localhost elsewhere.
fn default_host() -> Host {
    if cfg!(unix) {
        let dir = ["/var/run/postgresql", "/run/postgresql", "/tmp"].into_iter().find(|d| std::path::Path::new(d).is_dir()).unwrap_or("/tmp");
        Host::Socket(PathBuf::from(dir))
    } else {
        Host::Tcp("localhost".into())
    }
}

pub(crate) fn os_user() -> Option<String> {
    ["PGUSER", "USER", "USERNAME", "LOGNAME"].iter().find_map(|v| std::env::var(v).ok().filter(|v| !v.trim().is_empty()))
}

/// `user:password@host:port/dbname?key=value&...` into pairs, percent-decoded.
fn uri_pairs(rest: &str) -> Result<Vec<(String, String)>> {
    let (main, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = main.split_once('/').unwrap_or((main, ""));
    let mut pairs = Vec::new();
    let hostspec = match authority.rsplit_once('@') {
        Some((userinfo, hostspec)) => {
            let (user, password) = userinfo.split_once(':').map_or((userinfo, None), |(u, p)| (u, Some(p)));
            pairs.push(("user".to_owned(), decode(user)?));
            if let Some(password) = password {
                pairs.push(("password".to_owned(), decode(password)?));
            }
            hostspec
        }
        None => authority,
    };
    if !hostspec.is_empty() {
        let (host, port) = if let Some(inner) = hostspec.strip_prefix('[') {
            let (host, after) = inner.split_once(']').ok_or_else(|| invalid("unclosed [ in the host"))?;
            (host.to_owned(), after.strip_prefix(':').map(str::to_owned))
        } else if hostspec.contains(',') {
            return Err(invalid("several hosts: give one"));
        } else {
            match hostspec.rsplit_once(':') {
                Some((host, port)) => (decode(host)?, Some(port.to_owned())),
                None => (decode(hostspec)?, None),
            }
        };
        pairs.push(("host".to_owned(), host));
        if let Some(port) = port {
            pairs.push(("port".to_owned(), port));
        }
    }
    if !path.is_empty() {
        pairs.push(("dbname".to_owned(), decode(path)?));
    }
    for part in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once('=').ok_or_else(|| invalid(format!("parameter {part:?} without a value")))?;
        pairs.push((decode(key)?, decode(value)?));
    }
    Ok(pairs)
}

/// `key=value key='quoted value'` into pairs (libpq's escapes: `\'` and `\\`).
fn keyword_pairs(text: &str) -> Result<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return Ok(pairs);
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next() != Some('=') {
            return Err(invalid(format!("{key:?} without \"=value\" (a URI starts with postgresql://)")));
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            chars.next();
            loop {
                match chars.next() {
                    Some('\\') => value.push(chars.next().ok_or_else(|| invalid("unfinished escape"))?),
                    Some('\'') => break,
                    Some(c) => value.push(c),
                    None => return Err(invalid("unclosed quote")),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                if c == '\\' {
                    chars.next();
                    value.push(chars.next().ok_or_else(|| invalid("unfinished escape"))?);
                    continue;
                }
                value.push(c);
                chars.next();
            }
        }
        pairs.push((key, value));
    }
}

fn decode(text: &str) -> Result<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3).ok_or_else(|| invalid("a % not followed by two hex digits"))?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| invalid("a % not followed by two hex digits"))?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| invalid("percent-encoded bytes that are not UTF-8"))
}

fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_keywords_read_as_libpq_reads_them() {
        let a = Address::parse("postgresql://poste%2012:s%40cret@pg.ght.local:6543/inv?sslmode=verify-ca&sslrootcert=/etc/ca.pem&connect_timeout=3").unwrap();
        assert_eq!(a.host, Host::Tcp("pg.ght.local".into()));
        assert_eq!((a.port, a.user.as_str(), a.dbname.as_str()), (6543, "poste 12", "inv"));
        assert_eq!(a.password.as_ref().unwrap().expose(), "s@cret");
        assert_eq!(a.sslmode, SslMode::VerifyCa);
        assert_eq!(a.sslrootcert.as_deref(), Some("/etc/ca.pem"));
        assert_eq!(a.connect_timeout, Duration::from_secs(3));
        assert!(!a.redacted().contains("cret"), "{}", a.redacted());
        assert_eq!(a.redacted(), "postgresql://poste%2012@pg.ght.local:6543/inv?sslmode=verify-ca&sslrootcert=/etc/ca.pem");

        let socket = Address::parse("postgresql://postgres@/certisante?host=/tmp/pg%20sock&port=5433").unwrap();
        assert_eq!(socket.host, Host::Socket("/tmp/pg sock".into()));
        assert_eq!(socket.sslmode, SslMode::Disable);
        let encoded = Address::parse("postgresql://admin@%2Frun%2Fpostgresql/inv").unwrap();
        assert_eq!(encoded.host, Host::Socket("/run/postgresql".into()));

        let kv = Address::parse("host=10.0.0.5 dbname='mon inventaire' user=lecteur password='a\\'b'").unwrap();
        assert_eq!(kv.host, Host::Tcp("10.0.0.5".into()));
        assert_eq!(kv.dbname, "mon inventaire");
        assert_eq!(kv.password.unwrap().expose(), "a'b");
        assert_eq!(kv.sslmode, SslMode::VerifyFull, "over TCP the server is verified unless told otherwise");

        let v6 = Address::parse("postgresql://u@[::1]:5432/db?sslmode=disable").unwrap();
        assert_eq!(v6.host, Host::Tcp("::1".into()));
        assert_eq!(v6.redacted(), "postgresql://u@[::1]:5432/db?sslmode=disable");
    }

    #[test]
    fn mistakes_are_refused_with_what_is_wrong() {
        for (bad, why) in [
            ("mysql://u@h/db", "scheme"),
            ("postgresql://u@h/db?sslmod=require", "unknown parameter"),
            ("postgresql://u@h/db?sslmode=maybe", "sslmode"),
            ("postgresql://u@h:99999/db", "port"),
            ("postgresql://u@h1,h2/db", "several hosts"),
            ("host=h dbname", "without"),
            ("postgresql://u@h/db?hostaddr=nope", "hostaddr"),
        ] {
            let error = Address::parse(bad).unwrap_err();
            assert_eq!(error.code(), "group.invalid_address");
            assert!(error.to_string().contains(why), "{bad}: {error}");
        }
        assert_eq!(Address::parse("  ").unwrap_err().code(), "group.not_configured");
        assert_eq!(Address::parse(&format!("postgresql://u@h/{}", "d".repeat(5000))).unwrap_err().code(), "group.invalid_address");
    }

    #[test]
    fn the_login_id_names_user_server_and_database_only() {
        let a = Address::parse("postgresql://u:one@h/db").unwrap();
        let b = Address::parse("postgresql://u:two@h:5432/db?sslmode=require").unwrap();
        assert_eq!(a.login_id(), b.login_id());
        assert_ne!(a.login_id(), Address::parse("postgresql://v@h/db").unwrap().login_id());
        assert!(a.login_id().starts_with("g-") && a.login_id().len() == 34);
    }
}
