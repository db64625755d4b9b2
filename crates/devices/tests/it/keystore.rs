//! The OS keystore on a REAL gnome-keyring (Secret Service) on a private D-Bus session bus.
//! Start it first:
//!
//!   tests/harness/keyring.sh start <dir>
//!   CERTISANTE_KEYRING_HARNESS=<dir> cargo test -p certisante-devices --test it keystore::
//!
//! (scripts/test.sh does both.) Without the harness every test fails with that message: no
//! silent skip. The tests point DBUS_SESSION_BUS_ADDRESS at the harness bus whatever it
//! was, so a developer's own keyring is never touched.
//!
//! The locked, no-bus and no-Secret-Service cases need a bus or keyring of their own (the
//! bus address is per process): those tests start a second harness instance with
//! keyring.sh and run their checks in a child process of this test binary (the `child_*`
//! tests, ignored when run directly).

#![cfg(all(unix, not(target_os = "macos")))]

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use certisante_devices::keys::{
    load_private_key, store_private_key, KeyKind, Keystore, KeystoreError, OsKeystore, PrivateKey, SecretKind, SecretName, MAX_SECRET_LEN,
};
use certisante_pki::Sensitive;

const HARNESS_ENV: &str = "CERTISANTE_KEYRING_HARNESS";
/// Set in the child processes: which `child_*` test is meant to run, and its harness dir.
const CHILD_ENV: &str = "CERTISANTE_KEYSTORE_CHILD";
const CHILD_DIR_ENV: &str = "CERTISANTE_KEYSTORE_CHILD_DIR";
/// A service of the tests' own: nothing here can be mistaken for the app's secrets.
const SERVICE: &str = "fr.certisante.test";

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/harness/keyring.sh")
}

fn read_env(dir: &Path) -> HashMap<String, String> {
    let path = dir.join("env");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e}. The keyring harness is not running there: run `tests/harness/keyring.sh start {}`", path.display(), dir.display())
    });
    text.lines().filter_map(|l| l.trim().strip_prefix("export ").unwrap_or(l.trim()).split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// The harness of CERTISANTE_KEYRING_HARNESS; this process's D-Bus address points at it.
fn harness() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        assert!(std::env::var_os(CHILD_ENV).is_none(), "a child test must not use the shared harness");
        let dir = std::env::var_os(HARNESS_ENV).map(PathBuf::from).unwrap_or_else(|| {
            panic!(
                "{HARNESS_ENV} is not set: these tests need a real gnome-keyring on a private D-Bus. Run\n  \
                 tests/harness/keyring.sh start <dir>\n  {HARNESS_ENV}=<dir> cargo test -p certisante-devices --test it keystore::\n\
                 (scripts/test.sh does this), and `tests/harness/keyring.sh stop <dir>` afterwards"
            )
        });
        let env = read_env(&dir);
        let address = env.get("DBUS_SESSION_BUS_ADDRESS").unwrap_or_else(|| panic!("{}/env has no DBUS_SESSION_BUS_ADDRESS", dir.display()));
        // Set once, before any connection is made (under the OnceLock); zbus reads it at connect.
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", address);
        dir
    })
}

fn keystore() -> OsKeystore {
    harness();
    OsKeystore::with_service(SERVICE)
}

/// An id no other test (or earlier run) uses.
fn id(test: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("ord-{test}-{}-{nanos}", std::process::id())
}

fn secret(bytes: &[u8]) -> Sensitive<Vec<u8>> {
    Sensitive::new(bytes.to_vec())
}

/// What `secret-tool` (libsecret, another client of the same Secret Service) finds: the
/// items really are in gnome-keyring, not just in this process.
fn secret_tool_lookup(account: &str) -> Option<Vec<u8>> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", SERVICE, "username", account])
        .env("DBUS_SESSION_BUS_ADDRESS", std::env::var_os("DBUS_SESSION_BUS_ADDRESS").unwrap())
        .output()
        .expect("secret-tool is needed (Debian package libsecret-tools)");
    out.status.success().then_some(out.stdout)
}

fn secret_tool_count(account: &str) -> usize {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "service", SERVICE, "username", account])
        .output()
        .expect("secret-tool is needed (Debian package libsecret-tools)");
    String::from_utf8_lossy(&out.stdout).lines().chain(String::from_utf8_lossy(&out.stderr).lines()).filter(|l| l.starts_with('[')).count()
}

#[test]
fn check_passes_on_the_unlocked_harness() {
    keystore().check().unwrap();
}

#[test]
fn rsa_and_ec_keys_round_trip_through_gnome_keyring() {
    let ks = keystore();
    for kind in [KeyKind::Rsa2048, KeyKind::EcP256] {
        let order = id(&format!("{kind:?}"));
        let key = PrivateKey::generate(kind).unwrap();
        store_private_key(&ks, &order, &key).unwrap();

        let account = format!("private-key/{order}");
        assert_eq!(secret_tool_lookup(&account).as_deref(), Some(key.pkcs8().expose().as_slice()), "{kind:?} as libsecret reads it");

        // A new keystore (new connection, new session) reads the same key.
        let back = load_private_key(&OsKeystore::with_service(SERVICE), &order).unwrap().expect("the key is there");
        assert_eq!(back.kind(), kind);
        assert_eq!(back.public_key_der(), key.public_key_der());
        assert_eq!(back.pkcs8().expose(), key.pkcs8().expose());
        assert!(ks.delete(&SecretName::new(SecretKind::PrivateKey, order)).unwrap());
    }
}

#[test]
fn the_app_service_name_is_the_default() {
    assert_eq!(OsKeystore::new().service(), "fr.certisante.app");
}

#[test]
fn put_overwrites_and_keeps_one_item() {
    let ks = keystore();
    let name = SecretName::new(SecretKind::RevocationCode, id("overwrite"));
    ks.put(&name, &secret(b"first")).unwrap();
    ks.put(&name, &secret(b"second, longer")).unwrap();
    assert_eq!(ks.get(&name).unwrap().unwrap().expose(), b"second, longer");
    assert_eq!(secret_tool_count(&name.account()), 1, "one item, replaced in place");

    let order = id("overwrite-key");
    let first = PrivateKey::generate(KeyKind::EcP256).unwrap();
    let second = PrivateKey::generate(KeyKind::Rsa2048).unwrap();
    store_private_key(&ks, &order, &first).unwrap();
    store_private_key(&ks, &order, &second).unwrap();
    let back = load_private_key(&ks, &order).unwrap().unwrap();
    assert_eq!(back.public_key_der(), second.public_key_der());
    assert!(ks.delete(&name).unwrap());
    assert!(ks.delete(&SecretName::new(SecretKind::PrivateKey, order)).unwrap());
}

#[test]
fn delete_says_whether_there_was_a_secret() {
    let ks = keystore();
    let order = id("delete");
    let name = SecretName::new(SecretKind::PrivateKey, order.clone());
    assert!(!ks.delete(&name).unwrap(), "nothing to delete yet");
    assert!(ks.get(&name).unwrap().is_none());
    assert!(load_private_key(&ks, &order).unwrap().is_none());

    store_private_key(&ks, &order, &PrivateKey::generate(KeyKind::EcP256).unwrap()).unwrap();
    assert!(ks.delete(&name).unwrap());
    assert!(ks.get(&name).unwrap().is_none());
    assert!(secret_tool_lookup(&name.account()).is_none(), "gone from gnome-keyring too");
    assert!(!ks.delete(&name).unwrap(), "already deleted");
}

#[test]
fn each_kind_of_secret_has_its_own_item() {
    let ks = keystore();
    let order = id("kinds");
    let key = PrivateKey::generate(KeyKind::EcP256).unwrap();
    store_private_key(&ks, &order, &key).unwrap();
    let code = SecretName::new(SecretKind::RevocationCode, order.clone());
    let password = SecretName::new(SecretKind::P12Password, order.clone());
    ks.put(&code, &secret(b"REVOC-1234-5678")).unwrap();
    ks.put(&password, &secret("mot de passe à accents €".as_bytes())).unwrap();

    assert_eq!(ks.get(&code).unwrap().unwrap().expose(), b"REVOC-1234-5678");
    assert_eq!(ks.get(&password).unwrap().unwrap().expose(), "mot de passe à accents €".as_bytes());
    assert_eq!(load_private_key(&ks, &order).unwrap().unwrap().public_key_der(), key.public_key_der());
    assert_eq!(secret_tool_lookup(&format!("revocation-code/{order}")).as_deref(), Some(&b"REVOC-1234-5678"[..]));

    assert!(ks.delete(&code).unwrap());
    assert!(ks.get(&password).unwrap().is_some(), "deleting one kind leaves the others");
    assert!(load_private_key(&ks, &order).unwrap().is_some());
    assert!(ks.delete(&password).unwrap());
    assert!(ks.delete(&SecretName::new(SecretKind::PrivateKey, order)).unwrap());
}

#[test]
fn an_oversize_secret_is_too_large_and_not_written() {
    let ks = keystore();
    let name = SecretName::new(SecretKind::P12Password, id("large"));
    let err = ks.put(&name, &Sensitive::new(vec![b'x'; MAX_SECRET_LEN + 1])).unwrap_err();
    assert_eq!(err.code(), "keystore.too_large", "{err}");
    assert!(err.to_string().contains(&name.account()), "{err}");
    assert!(ks.get(&name).unwrap().is_none());

    // The limit itself fits, byte for byte (all 256 byte values, too).
    let full: Vec<u8> = (0..MAX_SECRET_LEN).map(|i| (i % 256) as u8).collect();
    ks.put(&name, &Sensitive::new(full.clone())).unwrap();
    assert_eq!(ks.get(&name).unwrap().unwrap().expose(), &full);
    assert!(ks.delete(&name).unwrap());
}

#[test]
fn bytes_that_are_not_a_key_are_corrupt() {
    let ks = keystore();
    let order = id("corrupt");
    let name = SecretName::new(SecretKind::PrivateKey, order.clone());
    ks.put(&name, &secret(b"this is not a PKCS#8 key")).unwrap();
    let err = load_private_key(&ks, &order).unwrap_err();
    assert_eq!(err.code(), "keystore.corrupt", "{err}");
    assert!(err.to_string().contains("keys.invalid"), "{err}");
    assert!(ks.delete(&name).unwrap());
}

#[test]
fn bad_ids_are_refused_before_the_store() {
    let ks = keystore();
    let key = PrivateKey::generate(KeyKind::EcP256).unwrap();
    for bad in ["", "../x", "a b", "a/b"] {
        assert_eq!(store_private_key(&ks, bad, &key).unwrap_err().code(), "keystore.invalid_name");
        assert_eq!(load_private_key(&ks, bad).unwrap_err().code(), "keystore.invalid_name");
    }
}

#[test]
fn debug_and_errors_show_no_key_bytes() {
    let ks = keystore();
    let order = id("debug");
    let key = PrivateKey::generate(KeyKind::Rsa2048).unwrap();
    store_private_key(&ks, &order, &key).unwrap();
    let back = load_private_key(&ks, &order).unwrap().unwrap();
    let got = ks.get(&SecretName::new(SecretKind::PrivateKey, order.clone())).unwrap().unwrap();
    let errors: Vec<KeystoreError> = vec![
        ks.put(&SecretName::new(SecretKind::PrivateKey, order.clone()), &Sensitive::new(vec![0; MAX_SECRET_LEN + 1])).unwrap_err(),
        load_private_key(&ks, "bad id").unwrap_err(),
    ];
    let text = format!("{key:?} {back:?} {got:?} {:?} {errors:?} {}", key.pkcs8(), errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(" "));
    assert!(text.contains("<redacted>") && text.contains(&key.public_key_sha256()), "{text}");
    for window in key.pkcs8().expose().windows(8).step_by(8) {
        assert!(!text.contains(&hex_lower(window)), "key bytes in: {text}");
        assert!(!text.contains(&format!("{window:?}")), "key bytes in: {text}");
    }
    assert!(ks.delete(&SecretName::new(SecretKind::PrivateKey, order)).unwrap());
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---- Cases that need a bus of their own: a second harness instance, a child process ----

/// A second harness instance, stopped on drop (also when the test fails).
struct OwnKeyring {
    dir: tempfile::TempDir,
}

impl OwnKeyring {
    fn start() -> OwnKeyring {
        let dir = tempfile::Builder::new().prefix("ks").tempdir_in("/tmp").unwrap();
        let own = OwnKeyring { dir };
        own.script(&["start"]);
        own
    }

    fn address(&self) -> OsString {
        read_env(self.dir.path())["DBUS_SESSION_BUS_ADDRESS"].clone().into()
    }

    fn script(&self, args: &[&str]) {
        keyring_script(args, self.dir.path());
    }
}

impl Drop for OwnKeyring {
    fn drop(&mut self) {
        let _ = Command::new("bash").arg(script()).arg("stop").arg(self.dir.path()).output();
    }
}

fn keyring_script(args: &[&str], dir: &Path) {
    let out = Command::new("bash").arg(script()).args(args).arg(dir).output().expect("bash runs keyring.sh");
    assert!(out.status.success(), "keyring.sh {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// Runs the ignored test `name` of this binary in a child process with `bus` as its D-Bus
/// address, and fails with the child's output if the child failed or did not run it.
fn run_child(name: &str, bus: &OsString, dir: Option<&Path>) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    // The test binary holds every module of the crate's tests: name this one in full.
    let full_name = format!("{}::{name}", module_path!().split_once("::").map_or(module_path!(), |(_, module)| module));
    cmd.args([full_name.as_str(), "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, name)
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .env_remove(HARNESS_ENV);
    if let Some(dir) = dir {
        cmd.env(CHILD_DIR_ENV, dir);
    }
    let out = cmd.output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.contains("1 passed"), "child {name} failed:\n{text}");
}

/// In a child: the test it was started for must be this one.
fn child_dir(name: &str) -> Option<PathBuf> {
    assert_eq!(
        std::env::var(CHILD_ENV).ok().as_deref(),
        Some(name),
        "run by its parent test in a child process (see the top of tests/keystore.rs), not directly"
    );
    std::env::var_os(CHILD_DIR_ENV).map(PathBuf::from)
}

#[test]
fn a_locked_collection_is_keystore_locked_and_nothing_is_written() {
    let own = OwnKeyring::start();
    run_child("child_locked", &own.address(), Some(own.dir.path()));
}

#[test]
#[ignore = "run in a child process by a_locked_collection_is_keystore_locked_and_nothing_is_written"]
fn child_locked() {
    let dir = child_dir("child_locked").unwrap();
    let ks = OsKeystore::with_service(SERVICE);
    ks.check().unwrap();
    let kept = PrivateKey::generate(KeyKind::Rsa2048).unwrap();
    store_private_key(&ks, "ord-kept", &kept).unwrap();

    keyring_script(&["lock"], &dir);
    let err = ks.check().unwrap_err();
    assert_eq!(err.code(), "keystore.locked", "check: {err}");
    assert!(err.to_string().contains("unlock the Login keyring"), "{err}");

    let new = PrivateKey::generate(KeyKind::Rsa2048).unwrap();
    let err = store_private_key(&ks, "ord-new", &new).unwrap_err();
    assert_eq!(err.code(), "keystore.locked", "store: {err}");
    let err = ks.put(&SecretName::new(SecretKind::RevocationCode, "ord-new"), &secret(b"code")).unwrap_err();
    assert_eq!(err.code(), "keystore.locked", "put: {err}");
    let err = load_private_key(&ks, "ord-kept").unwrap_err();
    assert_eq!(err.code(), "keystore.locked", "load: {err}");
    let err = ks.delete(&SecretName::new(SecretKind::PrivateKey, "ord-kept")).unwrap_err();
    assert_eq!(err.code(), "keystore.locked", "delete: {err}");

    // Unlocked again (the harness restarts the daemon: the same keystore reconnects).
    keyring_script(&["unlock"], &dir);
    ks.check().unwrap();
    assert!(load_private_key(&ks, "ord-new").unwrap().is_none(), "nothing was written while locked");
    assert!(ks.get(&SecretName::new(SecretKind::RevocationCode, "ord-new")).unwrap().is_none());
    let back = load_private_key(&ks, "ord-kept").unwrap().expect("the earlier key survived");
    assert_eq!(back.public_key_der(), kept.public_key_der());

    // The service restarts under a keystore whose session is open: the next call reconnects.
    keyring_script(&["unlock"], &dir);
    assert!(load_private_key(&ks, "ord-kept").unwrap().is_some());
}

#[test]
fn no_dbus_is_keystore_unavailable() {
    // Nothing at that path, then a socket file nobody listens on (a bus that died).
    let dir = tempfile::tempdir().unwrap();
    let missing = format!("unix:path={}", dir.path().join("no-bus").display());
    run_child("child_unavailable", &missing.into(), None);
    let dead = dir.path().join("dead-bus");
    drop(std::os::unix::net::UnixListener::bind(&dead).unwrap());
    assert!(dead.exists());
    run_child("child_unavailable", &format!("unix:path={}", dead.display()).into(), None);
}

#[test]
fn a_bus_without_secret_service_is_keystore_unavailable() {
    let own = OwnKeyring::start();
    own.script(&["stop-secrets"]);
    run_child("child_unavailable", &own.address(), None);
}

#[test]
#[ignore = "run in a child process by no_dbus_is_keystore_unavailable and a_bus_without_secret_service_is_keystore_unavailable"]
fn child_unavailable() {
    child_dir("child_unavailable");
    let ks = OsKeystore::with_service(SERVICE);
    let name = SecretName::new(SecretKind::PrivateKey, "ord-nobus");
    let key = PrivateKey::generate(KeyKind::EcP256).unwrap();
    let errors = [
        ("check", ks.check().unwrap_err()),
        ("put", ks.put(&name, key.pkcs8()).unwrap_err()),
        ("get", ks.get(&name).unwrap_err()),
        ("delete", ks.delete(&name).unwrap_err()),
        ("store", store_private_key(&ks, "ord-nobus", &key).unwrap_err()),
        ("load", load_private_key(&ks, "ord-nobus").unwrap_err()),
    ];
    for (what, err) in errors {
        assert_eq!(err.code(), "keystore.unavailable", "{what}: {err}");
        let text = err.to_string();
        assert!(text.contains("gnome-keyring") && text.contains("DBUS_SESSION_BUS_ADDRESS"), "{what}: {text}");
        println!("{what}: {text}");
    }
}
