//! The real servers the supervision tests talk to, started by scripts/test.sh (or by hand):
//!
//!   tests/harness/keyring.sh start  $K   CERTISANTE_KEYRING_HARNESS=$K   (the OS keystore)
//!   tests/harness/smtp.sh start     $S   CERTISANTE_SMTP_HARNESS=$S      (aiosmtpd)
//!   tests/harness/webhook.sh start  $W   CERTISANTE_WEBHOOK_HARNESS=$W   (an HTTP(S) receiver)
//!
//! Without them these tests fail saying so: no silent skip.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use certisante_devices::keys::OsKeystore;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `export NAME='value'` lines of a harness's env file.
pub fn read_env(dir: &Path) -> HashMap<String, String> {
    let path = dir.join("env");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}: the harness is not running there", path.display()));
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("export ").and_then(|l| l.split_once('=')))
        .map(|(k, v)| (k.to_owned(), v.trim_matches('\'').to_owned()))
        .collect()
}

/// The env of the harness whose folder `variable` names.
pub fn harness(variable: &str, script: &str) -> HashMap<String, String> {
    let dir = std::env::var_os(variable).unwrap_or_else(|| {
        panic!("{variable} is not set: start the server with `tests/harness/{script} start <dir>` and set {variable}=<dir> (scripts/test.sh does both)")
    });
    read_env(Path::new(&dir))
}

pub fn smtp() -> &'static HashMap<String, String> {
    static ENV: OnceLock<HashMap<String, String>> = OnceLock::new();
    ENV.get_or_init(|| harness("CERTISANTE_SMTP_HARNESS", "smtp.sh"))
}

pub fn webhook() -> &'static HashMap<String, String> {
    static ENV: OnceLock<HashMap<String, String>> = OnceLock::new();
    ENV.get_or_init(|| harness("CERTISANTE_WEBHOOK_HARNESS", "webhook.sh"))
}

/// The OS keystore of the keyring harness (gnome-keyring on a private bus), under a
/// service of the tests' own.
pub fn keystore() -> OsKeystore {
    static BUS: OnceLock<()> = OnceLock::new();
    BUS.get_or_init(|| {
        let env = harness("CERTISANTE_KEYRING_HARNESS", "keyring.sh");
        // Set once, before any connection: zbus reads it at connect.
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &env["DBUS_SESSION_BUS_ADDRESS"]);
    });
    OsKeystore::with_service("fr.certisante.test-notify")
}

/// A name no other test (or earlier run) uses, for addresses and paths.
pub fn unique(test: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{test}-{}-{nanos}", std::process::id())
}

/// The messages an SMTP harness received for `recipient` (by their envelope), in order.
pub fn mails_to(mail_dir: &str, recipient: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(mail_dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .filter(|p| {
            let sidecar: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p.with_extension("json")).unwrap()).unwrap();
            sidecar["rcpt_tos"].as_array().unwrap().iter().any(|r| r.as_str().unwrap().eq_ignore_ascii_case(recipient))
        })
        .collect();
    out.sort();
    out
}

/// A received message as a mail client reads it (tests/harness/read-mail.py: Python's
/// email package decodes the headers, the transfer encoding and the charset).
pub fn read_mail(path: &Path) -> serde_json::Value {
    let out = Command::new("python3").arg(repo_root().join("tests/harness/read-mail.py")).arg(path).output().unwrap();
    assert!(out.status.success(), "read-mail.py: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The requests the webhook harness recorded for one exact path.
pub fn webhook_requests(path: &str) -> Vec<serde_json::Value> {
    let log = &webhook()["WEBHOOK_LOG"];
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()).filter(|r| r["path"] == path).collect()
}
