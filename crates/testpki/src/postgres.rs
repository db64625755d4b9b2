//! The PostgreSQL of the tests (tests/harness/postgres.sh): the shared cluster the test
//! command starts (`CERTISANTE_POSTGRES_HARNESS`), a database per test in it, login roles
//! per test (roles are cluster-wide: their names carry the database's), and private
//! clusters for the tests that stop or kill their server. SQL runs through the cluster's
//! own `psql`, as the superuser over the Unix socket.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

/// Environment variable naming the shared harness folder (scripts/test.sh sets it).
pub const HARNESS_ENV: &str = "CERTISANTE_POSTGRES_HARNESS";

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn script() -> PathBuf {
    repo_root().join("tests/harness/postgres.sh")
}

/// A running cluster, from its harness folder's env file.
#[derive(Debug, Clone)]
pub struct Cluster {
    pub dir: PathBuf,
    env: HashMap<String, String>,
}

impl Cluster {
    /// The test command's cluster; None when it is not running (the caller says it skipped).
    pub fn shared() -> Option<&'static Cluster> {
        static SHARED: OnceLock<Option<Cluster>> = OnceLock::new();
        SHARED
            .get_or_init(|| {
                let dir = std::env::var_os(HARNESS_ENV).filter(|d| !d.is_empty())?;
                Some(Cluster::read(Path::new(&dir)))
            })
            .as_ref()
    }

    /// Why the PostgreSQL tests cannot run here, if they cannot.
    pub fn missing() -> Option<String> {
        match Cluster::shared() {
            Some(_) => None,
            None => Some(format!(
                "{HARNESS_ENV} is not set: start one with `bash tests/harness/postgres.sh start DIR` and export {HARNESS_ENV}=DIR (scripts/test.sh does)"
            )),
        }
    }

    fn read(dir: &Path) -> Cluster {
        let text = std::fs::read_to_string(dir.join("env")).unwrap_or_else(|e| panic!("{}/env: {e} (is the PostgreSQL harness running?)", dir.display()));
        let env = text
            .lines()
            .filter_map(|line| line.trim().strip_prefix("export "))
            .filter_map(|line| line.split_once('='))
            .map(|(name, value)| (name.to_owned(), value.trim_matches('\'').replace("'\\''", "'")))
            .collect();
        Cluster { dir: dir.to_path_buf(), env }
    }

    pub fn var(&self, name: &str) -> &str {
        self.env.get(name).map(String::as_str).unwrap_or_else(|| panic!("{name} is not in {}/env", self.dir.display()))
    }

    pub fn port(&self) -> u16 {
        self.var("PG_PORT").parse().unwrap()
    }

    /// The test CA that signed the server's certificate (sslrootcert).
    pub fn ca(&self) -> &str {
        self.var("PG_CA")
    }

    /// The superuser over the socket (trusted), on `database`: what `group init` uses.
    pub fn admin_url(&self, database: &str) -> String {
        format!("postgresql://{}@/{database}?host={}&port={}", self.var("PG_SUPERUSER"), self.var("PG_SOCKET_DIR"), self.port())
    }

    /// A role over TCP with TLS, the server verified against the test CA.
    pub fn tls_url(&self, database: &str, role: &Role) -> String {
        format!("postgresql://{}:{}@127.0.0.1:{}/{database}?sslmode=verify-full&sslrootcert={}", role.name, role.password, self.port(), self.ca())
    }

    /// Runs `sql` as the superuser on `database`.
    pub fn try_psql(&self, database: &str, sql: &str) -> Output {
        Command::new(Path::new(self.var("PG_BIN")).join("psql"))
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", &self.admin_url(database), "-c", sql])
            .output()
            .expect("psql")
    }

    /// `sql`'s output (unaligned, tuples only); panics when it fails.
    pub fn psql(&self, database: &str, sql: &str) -> String {
        let out = self.try_psql(database, sql);
        assert!(out.status.success(), "psql {sql:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// A new empty database, dropped (with its roles) at the end of the test.
    pub fn database(&self) -> Database {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = format!("t{}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed), unique());
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
        Database { cluster: self.clone(), name, roles: std::sync::Mutex::new(Vec::new()) }
    }
}

fn unique() -> u32 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    nanos % 100_000
}

/// A login role made for a test.
#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    pub password: String,
}

/// A database of the shared cluster, for one test.
pub struct Database {
    pub cluster: Cluster,
    pub name: String,
    roles: std::sync::Mutex<Vec<String>>,
}

impl Database {
    pub fn admin_url(&self) -> String {
        self.cluster.admin_url(&self.name)
    }

    pub fn tls_url(&self, role: &Role) -> String {
        self.cluster.tls_url(&self.name, role)
    }

    pub fn psql(&self, sql: &str) -> String {
        self.cluster.psql(&self.name, sql)
    }

    /// A login role `<database>_<name>`, member of `groups` (certisante_publisher...).
    pub fn role(&self, name: &str, groups: &[&str]) -> Role {
        let role = Role { name: format!("{}_{name}", self.name), password: format!("pw-{name}-{}", unique()) };
        let member = if groups.is_empty() { String::new() } else { format!(" IN ROLE {}", groups.join(", ")) };
        self.psql(&format!("CREATE ROLE {} LOGIN PASSWORD '{}'{member}", role.name, role.password));
        self.roles.lock().unwrap().push(role.name.clone());
        role
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let _ = self.cluster.try_psql("postgres", &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        for role in self.roles.lock().unwrap().iter() {
            let _ = self.cluster.try_psql("postgres", &format!("DROP ROLE IF EXISTS {role}"));
        }
    }
}

/// A cluster of its own, for a test that stops or kills its server; stopped and deleted
/// when dropped.
pub struct PrivateCluster {
    _dir: tempfile::TempDir,
    pub cluster: Cluster,
}

impl PrivateCluster {
    pub fn start() -> PrivateCluster {
        let dir = tempfile::tempdir().unwrap();
        run_script("start", dir.path());
        let cluster = Cluster::read(dir.path());
        PrivateCluster { _dir: dir, cluster }
    }

    /// SIGKILL to the postmaster: the server is gone (its port and socket closed).
    pub fn kill(&self) {
        run_script("kill", &self.cluster.dir);
    }

    /// Starts the server again on the same port, its data kept.
    pub fn restart(&self) {
        run_script("restart", &self.cluster.dir);
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let _ = Command::new("bash").arg(script()).arg("stop").arg(&self.cluster.dir).output();
    }
}

fn run_script(action: &str, dir: &Path) {
    let out = Command::new("bash").arg(script()).arg(action).arg(dir).output().unwrap();
    assert!(out.status.success(), "postgres.sh {action}: {}", String::from_utf8_lossy(&out.stderr));
}
