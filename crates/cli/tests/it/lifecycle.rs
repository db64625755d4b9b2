//! The whole lifecycle through `certisante`, on real parts: the OS keystore is
//! gnome-keyring on the private D-Bus session of the test command (tests/harness/keyring.sh),
//! the portal is `certisante-testpki portal` (a TEST-like CA signing in the real profile),
//! and OpenSSL and NSS's certutil check what comes out.
//!
//!   tests/harness/keyring.sh start <dir>
//!   CERTISANTE_KEYRING_HARNESS=<dir> cargo test -p certisante-cli --test lifecycle
//!
//! Without the keyring harness these tests fail saying so: no silent skip.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

fn certisante() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_certisante"))
}

/// The test PKI's binary sits beside ours (test.sh builds every workspace binary first).
fn testpki() -> PathBuf {
    let path = certisante().with_file_name("certisante-testpki");
    assert!(path.exists(), "{} is missing: run `cargo build --workspace --bins` first", path.display());
    path
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The D-Bus address of the harness's gnome-keyring.
fn bus_address() -> &'static str {
    static ADDRESS: OnceLock<String> = OnceLock::new();
    ADDRESS.get_or_init(|| {
        let dir = std::env::var("CERTISANTE_KEYRING_HARNESS")
            .expect("CERTISANTE_KEYRING_HARNESS is not set: start gnome-keyring with tests/harness/keyring.sh start <dir> (scripts/test.sh does)");
        let env = std::fs::read_to_string(Path::new(&dir).join("env")).expect("the keyring harness's env file");
        env.lines()
            .find_map(|l| l.trim().strip_prefix("export DBUS_SESSION_BUS_ADDRESS=").map(|v| v.trim_matches(|c| c == '\'' || c == '"').to_owned()))
            .expect("DBUS_SESSION_BUS_ADDRESS in the harness's env file")
    })
}

fn keyring_harness(action: &str) {
    let dir = std::env::var("CERTISANTE_KEYRING_HARNESS").unwrap();
    let status = Command::new("bash").arg(repo_root().join("tests/harness/keyring.sh")).arg(action).arg(dir).status().unwrap();
    assert!(status.success(), "keyring.sh {action} failed");
}

/// `order new` for a TEST ORG AUTH_CLI certificate of the Clinique des Lilas named `cn`.
fn order_args(cn: &str, csr: &Path) -> Vec<String> {
    let csr = csr.to_str().unwrap();
    let args = ["order", "new", "--env", "test", "--offer", "ORG", "--usage", "AUTH_CLI", "--org", "CLINIQUE DES LILAS", "--structure-id", "11B0073160"];
    args.into_iter().chain(["--state", "75", "--cn", cn, "--csr-out", csr]).map(str::to_owned).collect()
}

/// One isolated world: its own registry, its own portal CA, its own keystore service name.
pub(crate) struct World {
    dir: tempfile::TempDir,
}

impl World {
    pub(crate) fn new() -> Self {
        let world = Self { dir: tempfile::tempdir().unwrap() };
        let out = Command::new(testpki()).args(["portal", "init"]).arg(world.portal()).output().unwrap();
        assert!(out.status.success(), "portal init: {}", String::from_utf8_lossy(&out.stderr));
        world
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub(crate) fn portal(&self) -> PathBuf {
        self.path("portal")
    }

    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(certisante());
        command
            .args(args)
            .env("CERTISANTE_DATA_DIR", self.path("data"))
            .env("CERTISANTE_EXTRA_ANCHORS", self.portal().join("anchors"))
            .env("DBUS_SESSION_BUS_ADDRESS", bus_address())
            .env("HOME", self.path("home"))
            .env_remove("CERTISANTE_PAUSE_AT");
        command
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    pub(crate) fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "certisante {args:?} failed ({:?}): {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    pub(crate) fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    /// `order new` for a TEST ORG AUTH_CLI certificate named `cn`; returns the order id.
    pub(crate) fn order(&self, cn: &str, csr: &Path) -> String {
        let out = self.order_command(cn, csr).output().unwrap();
        assert!(out.status.success(), "order new {cn} failed ({:?}): {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    /// The same `order new`, to run as the caller needs (its stderr read, killed midway).
    pub(crate) fn order_command(&self, cn: &str, csr: &Path) -> Command {
        let args = order_args(cn, csr);
        self.command(&args.iter().map(String::as_str).collect::<Vec<_>>())
    }

    pub(crate) fn sign(&self, csr: &Path, out: &Path) {
        self.sign_for(csr, out, None);
    }

    /// `sign`, valid `days` days (the profile's validity without).
    pub(crate) fn sign_for(&self, csr: &Path, out: &Path, days: Option<i64>) {
        let mut command = Command::new(testpki());
        command.args(["portal", "sign"]).arg(self.portal()).args([
            "--csr",
            csr.to_str().unwrap(),
            "--offer",
            "ORG",
            "--usage",
            "AUTH_CLI",
            "--chain",
            "--out",
            out.to_str().unwrap(),
        ]);
        if let Some(days) = days {
            command.args(["--days", &days.to_string()]);
        }
        assert!(command.status().unwrap().success(), "portal sign");
    }

    /// A platform-made key and certificate as a portal-style .p12 (password in `pass`).
    pub(crate) fn portal_p12(&self, org: &str, cn: &str, password: &str) -> PathBuf {
        std::fs::write(self.path("pass"), format!("{password}\n")).unwrap();
        let p12 = self.path("asip.p12");
        let status = Command::new(testpki())
            .args(["portal", "p12"])
            .arg(self.portal())
            .args(["--offer", "ORG", "--usage", "AUTH_CLI", "--org", org, "--ou", "11B0073160", "--state", "Paris (75)", "--cn", cn])
            .args(["--password-file", self.path("pass").to_str().unwrap(), "--out", p12.to_str().unwrap()])
            .status()
            .unwrap();
        assert!(status.success(), "portal p12");
        p12
    }

    pub(crate) fn state(&self, id: &str) -> String {
        self.json(&["order", "show", id, "--json"])["state"].as_str().unwrap().to_owned()
    }
}

fn openssl(args: &[&str]) -> Output {
    Command::new("openssl").args(args).output().expect("openssl")
}

pub(crate) fn code_of(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr.rsplit('(').next().unwrap_or("").split(')').next().unwrap_or("").to_owned()
}

pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn main_path_order_sign_import_install_renew_revoke_audit() {
    let _lock = keyring_in_use();
    let w = World::new();
    let csr = w.path("request.csr");
    let id = w.order("INSI-AUTO", &csr);
    assert!(id.starts_with("cmd-"), "{id}");
    assert_eq!(w.state(&id), "csr_exported");
    let verify = openssl(&["req", "-verify", "-noout", "-in", csr.to_str().unwrap()]);
    assert!(verify.status.success(), "openssl req -verify: {}", stderr(&verify));

    let cert = w.path("issued.pem");
    w.sign(&csr, &cert);
    let imported = w.json(&["import", cert.to_str().unwrap(), "--json"]);
    assert_eq!(imported["orders"][0]["id"], id.as_str());
    assert_eq!(w.state(&id), "certificate_imported");
    // Importing the same file again changes nothing.
    let again = w.json(&["import", cert.to_str().unwrap(), "--json"]);
    assert_eq!(again["already_imported"][0], id.as_str());

    // Install: modern and legacy .p12, PEM files, NSS.
    std::fs::write(w.path("p12pass"), "Mot-de-passe 2026\n").unwrap();
    for (name, legacy) in [("modern.p12", false), ("legacy.p12", true)] {
        let p12 = w.path(name);
        let mut args = vec!["export", id.as_str(), "--p12", p12.to_str().unwrap(), "--password-file"];
        let pass = w.path("p12pass");
        args.push(pass.to_str().unwrap());
        if legacy {
            args.push("--legacy");
        }
        w.ok(&args);
        let info = openssl(&["pkcs12", "-in", p12.to_str().unwrap(), "-passin", &format!("file:{}", pass.display()), "-noout"]);
        assert!(info.status.success(), "{name}: {}", stderr(&info));
    }
    assert_eq!(w.state(&id), "installed");
    let pem_dir = w.path("pem");
    let written = w.ok(&["export", &id, "--pem", pem_dir.to_str().unwrap()]);
    let key_path = written.lines().next().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(key_path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let nss = w.path("nssdb");
    std::fs::create_dir_all(&nss).unwrap();
    assert!(Command::new("certutil").args(["-N", "--empty-password", "-d"]).arg(format!("sql:{}", nss.display())).status().unwrap().success());
    w.ok(&["export", &id, "--nss", nss.to_str().unwrap()]);
    let listed = Command::new("certutil").args(["-L", "-d"]).arg(format!("sql:{}", nss.display())).output().unwrap();
    assert!(String::from_utf8_lossy(&listed.stdout).contains("INSI-AUTO"), "certutil -L: {}", String::from_utf8_lossy(&listed.stdout));

    // Renew: a new order, new key, same request; the old one is renewed once the new
    // certificate is installed (until then the old one is the one in use, and alerted).
    let csr2 = w.path("renewal.csr");
    let renewal = w.ok(&["order", "renew", &id, "--csr-out", csr2.to_str().unwrap()]).trim().to_owned();
    assert_ne!(renewal, id);
    let pub1 = openssl(&["req", "-in", csr.to_str().unwrap(), "-noout", "-pubkey"]).stdout;
    let pub2 = openssl(&["req", "-in", csr2.to_str().unwrap(), "-noout", "-pubkey"]).stdout;
    assert_ne!(pub1, pub2, "a renewal has a new key");
    let cert2 = w.path("renewed.pem");
    w.sign(&csr2, &cert2);
    w.ok(&["import", cert2.to_str().unwrap()]);
    assert_eq!(w.state(&id), "installed", "imported is not installed: the old certificate is still the one in use");
    assert_eq!(w.state(&renewal), "certificate_imported");
    let renewed_p12 = w.path("renewed.p12");
    w.ok(&["export", &renewal, "--p12", renewed_p12.to_str().unwrap(), "--password-file", w.path("p12pass").to_str().unwrap()]);
    assert_eq!(w.state(&id), "renewed");
    assert_eq!(w.state(&renewal), "installed");

    // Revoke: refused without the confirmation, then final; the key is retired.
    let refused = w.run(&["order", "revoke", &id, "--reason", "superseded"]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(code_of(&refused), "lifecycle.revocation_not_confirmed");
    assert_eq!(w.state(&id), "renewed");
    w.ok(&["order", "revoke", &id, "--reason", "superseded", "--confirm-final"]);
    assert_eq!(w.state(&id), "revoked");
    let no_key = w.run(&["export", &id, "--pem", w.path("pem2").to_str().unwrap()]);
    assert_eq!(no_key.status.code(), Some(1), "{}", stderr(&no_key));

    // The audit log has every action, and its chain holds.
    let audit = w.json(&["audit", "list", "--json"]);
    let actions: Vec<&str> = audit.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for expected in ["order_created", "key_generated", "csr_exported", "certificate_imported", "exported", "installed", "renewed", "revoked", "key_retired"] {
        assert!(actions.contains(&expected), "audit has no {expected}: {actions:?}");
    }
    w.ok(&["audit", "verify"]);
}

#[test]
fn a_portal_p12_moves_its_key_into_the_keystore() {
    let _lock = keyring_in_use();
    let w = World::new();
    let p12 = w.portal_p12("EHPAD LES TILLEULS", "DMP", "portail-2026");

    let no_password = w.run(&["import", p12.to_str().unwrap()]);
    assert_eq!(code_of(&no_password), "import.password_required", "{}", stderr(&no_password));
    std::fs::write(w.path("wrong"), "pas-le-bon\n").unwrap();
    let wrong = w.run(&["import", p12.to_str().unwrap(), "--password-file", w.path("wrong").to_str().unwrap()]);
    assert_eq!(code_of(&wrong), "certs.p12_bad_password", "{}", stderr(&wrong));
    assert!(!stderr(&wrong).contains("pas-le-bon"));
    assert_eq!(w.json(&["order", "list", "--json"]).as_array().unwrap().len(), 0, "a failed import creates nothing");

    let imported = w.json(&["import", p12.to_str().unwrap(), "--password-file", w.path("pass").to_str().unwrap(), "--json"]);
    let id = imported["orders"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(imported["orders"][0]["key_origin"], "portal_p12");
    assert_eq!(imported["orders"][0]["request"]["common_name"], "DMP");
    // The key now comes from the keystore: export it into a new .p12 with another password.
    std::fs::write(w.path("newpass"), "nouveau\n").unwrap();
    w.ok(&["export", &id, "--p12", w.path("out.p12").to_str().unwrap(), "--password-file", w.path("newpass").to_str().unwrap()]);
    let info =
        openssl(&["pkcs12", "-in", w.path("out.p12").to_str().unwrap(), "-passin", &format!("file:{}", w.path("newpass").display()), "-nodes", "-nocerts"]);
    assert!(info.status.success() && String::from_utf8_lossy(&info.stdout).contains("PRIVATE KEY"));

    // The .p12 password and the revocation code kept, shown again only when confirmed.
    std::fs::write(w.path("code"), "CODE-REVOC-1234\n").unwrap();
    w.ok(&["secret", "set", &id, "--kind", "revocation-code", "--value-file", w.path("code").to_str().unwrap()]);
    let unconfirmed = w.run(&["secret", "show", &id, "--kind", "revocation-code"]);
    assert_eq!(code_of(&unconfirmed), "lifecycle.secret_not_confirmed");
    assert_eq!(w.ok(&["secret", "show", &id, "--kind", "revocation-code", "--yes"]).trim(), "CODE-REVOC-1234");
    let audit = w.json(&["audit", "list", "--json"]);
    assert!(audit.as_array().unwrap().iter().any(|e| e["action"] == "secret_shown"));
    assert!(!serde_json::to_string(&audit).unwrap().contains("CODE-REVOC"), "no secret in the audit log");
}

#[test]
fn wrong_inputs_are_refused_clearly_and_lose_nothing() {
    let _lock = keyring_in_use();
    let w = World::new();
    let csr = w.path("r.csr");
    let base =
        ["order", "new", "--env", "test", "--offer", "ORG", "--usage", "AUTH_CLI", "--org", "CLINIQUE", "--state", "75", "--csr-out", csr.to_str().unwrap()];
    let with = |extra: &[&str]| {
        let mut args: Vec<&str> = base.to_vec();
        args.extend_from_slice(extra);
        w.run(&args)
    };
    // A CN starting like INSi but not one of its two names.
    let insi = with(&["--structure-id", "11B0073160", "--cn", "INSI"]);
    assert_eq!(insi.status.code(), Some(1), "{}", stderr(&insi));
    assert!(stderr(&insi).contains("INSI-AUTO") && stderr(&insi).contains("INSI-MANU"), "{}", stderr(&insi));
    // A SIRET failing its Luhn check.
    let siret = with(&["--structure-id", "31875127510002", "--cn", "DMP"]);
    assert_eq!(siret.status.code(), Some(1));
    assert!(stderr(&siret).contains("structure_id"), "{}", stderr(&siret));
    assert!(!csr.exists(), "nothing is generated for a refused request");
    assert_eq!(w.json(&["order", "list", "--json"]).as_array().unwrap().len(), 0);

    // A certificate for a key CertiSanté never made.
    let stranger = w.path("stranger.csr");
    let key = w.path("stranger.key");
    assert!(openssl(&[
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key.to_str().unwrap(),
        "-subj",
        "/C=FR/ST=Paris (75)/O=CLINIQUE/OU=11B0073160/CN=DMP",
        "-out",
        stranger.to_str().unwrap()
    ])
    .status
    .success());
    let cert = w.path("stranger.pem");
    w.sign(&stranger, &cert);
    let refused = w.run(&["import", cert.to_str().unwrap()]);
    assert_eq!(code_of(&refused), "import.no_matching_key", "{}", stderr(&refused));

    // Garbage.
    std::fs::write(w.path("garbage.pem"), b"-----BEGIN CERTIFICATE-----\nnot base64\n").unwrap();
    let garbage = w.run(&["import", w.path("garbage.pem").to_str().unwrap()]);
    assert_eq!(garbage.status.code(), Some(1));
    assert!(code_of(&garbage).starts_with("certs."), "{}", stderr(&garbage));
}

#[test]
fn an_absent_keystore_is_found_before_anything_is_made() {
    let w = World::new();
    let csr = w.path("r.csr");
    let out = w.order_command("DMP", &csr).env("DBUS_SESSION_BUS_ADDRESS", format!("unix:path={}", w.path("no-bus").display())).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(code_of(&out), "keystore.unavailable");
    assert!(!csr.exists());
    assert_eq!(w.json(&["order", "list", "--json"]).as_array().unwrap().len(), 0);
}

#[test]
fn a_locked_keystore_is_found_before_anything_is_made() {
    let w = World::new();
    let _lock = KEYRING_LOCK.write().unwrap_or_else(|e| e.into_inner());
    keyring_harness("lock");
    let csr = w.path("r.csr");
    let out = w.order_command("DMP", &csr).output().unwrap();
    keyring_harness("unlock");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(code_of(&out), "keystore.locked");
    assert!(!csr.exists());
    assert_eq!(w.json(&["order", "list", "--json"]).as_array().unwrap().len(), 0);
}

/// The keyring is shared: the test that locks it must not overlap with those that use it.
static KEYRING_LOCK: std::sync::RwLock<()> = std::sync::RwLock::new(());

pub(crate) fn keyring_in_use() -> std::sync::RwLockReadGuard<'static, ()> {
    KEYRING_LOCK.read().unwrap_or_else(|e| e.into_inner())
}

/// Runs `certisante args` until it says it paused at `point`, then kills it with SIGKILL.
pub(crate) fn kill_at(w: &World, point: &str, args: &[&str]) {
    kill_command_at(w.command(args), point);
}

/// Runs `command` until it says it paused at `point` (CERTISANTE_PAUSE_AT), then kills it
/// with SIGKILL: no destructor, no flush, no rollback of ours runs.
pub(crate) fn kill_command_at(mut command: Command, point: &str) {
    let mut child = command.env("CERTISANTE_PAUSE_AT", point).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("paused at") {
                let _ = tx.send(());
                return;
            }
        }
    });
    let start = Instant::now();
    rx.recv_timeout(Duration::from_secs(60)).unwrap_or_else(|_| panic!("certisante never reached {point} in {:?}", start.elapsed()));
    assert!(Command::new("kill").args(["-9", &child.id().to_string()]).status().unwrap().success());
    let _ = child.wait();
}

#[test]
fn killed_at_each_step_nothing_is_lost_and_the_order_resumes() {
    let _lock = keyring_in_use();
    for point in ["order_created", "key_stored", "key_generated"] {
        let w = World::new();
        let csr = w.path("r.csr");
        kill_command_at(w.order_command("ROC", &csr), point);
        let orders = w.json(&["order", "list", "--json"]);
        let orders = orders.as_array().unwrap();
        assert_eq!(orders.len(), 1, "killed at {point}: the order is kept");
        let id = orders[0]["id"].as_str().unwrap().to_owned();
        w.ok(&["order", "resume"]);
        let state = w.state(&id);
        assert!(state == "key_generated" || state == "csr_exported", "killed at {point}, resumed to {state}");
        // The CSR now given is the one of the key in the keystore: the certificate imports.
        let csr_again = w.path("again.csr");
        w.ok(&["order", "csr", &id, "--out", csr_again.to_str().unwrap()]);
        let cert = w.path("c.pem");
        w.sign(&csr_again, &cert);
        w.ok(&["import", cert.to_str().unwrap()]);
        assert_eq!(w.state(&id), "certificate_imported", "killed at {point}");
    }

    // Killed while importing: the order still waits; importing again completes it.
    let w = World::new();
    let csr = w.path("r.csr");
    let id = w.order("SAS", &csr);
    let cert = w.path("c.pem");
    w.sign(&csr, &cert);
    kill_at(&w, "before_import", &["import", cert.to_str().unwrap()]);
    assert_eq!(w.state(&id), "csr_exported");
    w.ok(&["import", cert.to_str().unwrap()]);
    assert_eq!(w.state(&id), "certificate_imported");

    // Killed between recording a revocation and retiring the key: resume retires it.
    kill_at(&w, "revoked", &["order", "revoke", &id, "--reason", "key-compromise", "--confirm-final"]);
    assert_eq!(w.state(&id), "revoked");
    let before = w.json(&["order", "show", &id, "--json"]);
    assert_eq!(before["key_in_keystore"], true);
    w.ok(&["order", "resume"]);
    assert_eq!(w.json(&["order", "show", &id, "--json"])["key_in_keystore"], false);
    w.ok(&["audit", "verify"]);

    // Killed after a portal .p12's key went into the keystore, before its order was written:
    // no order half-made, and the file (which still holds the key) imports again.
    let w = World::new();
    let p12 = w.portal_p12("EHPAD", "ROC", "portail");
    let pass = w.path("pass");
    kill_at(&w, "p12_key_stored", &["import", p12.to_str().unwrap(), "--password-file", pass.to_str().unwrap()]);
    assert_eq!(w.json(&["order", "list", "--json"]).as_array().unwrap().len(), 0);
    let imported = w.json(&["import", p12.to_str().unwrap(), "--password-file", pass.to_str().unwrap(), "--json"]);
    assert_eq!(imported["orders"][0]["state"], "certificate_imported");
}
