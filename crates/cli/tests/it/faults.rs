//! The fault campaign: the process killed with SIGKILL during a scan, a registry migration
//! and a revocation refresh (an export's kill is in `places.rs`), and a full disk during an
//! export and during the registry's write. After a restart nothing is lost and nothing is
//! half-written: the registry opens, lists what it held, and its audit chain verifies.

use std::path::Path;
use std::process::{Command, Output};

use certisante_testpki::revocation::{missing_tools, RunningLab};

use super::lifecycle::kill_command_at;

fn certisante(args: &[&str], data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_certisante"));
    command.args(args).env("CERTISANTE_DATA_DIR", data).env_remove("CERTISANTE_READ_ONLY").env_remove("CERTISANTE_PAUSE_AT");
    command
}

fn ok(command: &mut Command) -> String {
    let out = command.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The registry after a restart: it opens, lists, and its audit chain is intact.
fn intact(data: &Path) -> serde_json::Value {
    let verdict: serde_json::Value = serde_json::from_str(&ok(&mut certisante(&["audit", "verify", "--json"], data))).unwrap();
    assert_eq!(verdict["ok"], true, "{verdict:#}");
    serde_json::from_str(&ok(&mut certisante(&["list", "--json"], data))).unwrap()
}

fn watched_certificates(data: &Path) -> tempfile::TempDir {
    let certs = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/igc/TEST-ORG-AUTH_CLI-leaf.pem");
    std::fs::copy(&fixture, certs.path().join("leaf.pem")).unwrap();
    ok(&mut certisante(&["watch", "add", certs.path().to_str().unwrap()], data));
    certs
}

#[test]
fn killed_during_a_scan_the_registry_keeps_its_state_and_the_next_scan_completes() {
    let data = tempfile::tempdir().unwrap();
    let _certs = watched_certificates(data.path());
    kill_command_at(certisante(&["scan"], data.path()), "scan_read");
    assert_eq!(intact(data.path())["certificates"].as_array().unwrap().len(), 0, "the killed scan wrote nothing");
    ok(&mut certisante(&["scan"], data.path()));
    let list = intact(data.path());
    assert_eq!(list["certificates"].as_array().unwrap().len(), 1);
    assert!(list["errors"].as_array().unwrap().is_empty(), "nothing set aside: the files were read before the kill: {list:#}");
}

#[test]
fn killed_during_a_migration_the_registry_migrates_again_at_the_next_start() {
    let data = tempfile::tempdir().unwrap();
    kill_command_at(certisante(&["watch", "list"], data.path()), "migrating");
    // The migration's transaction never committed: the next start runs it whole.
    let _certs = watched_certificates(data.path());
    ok(&mut certisante(&["scan"], data.path()));
    assert_eq!(intact(data.path())["certificates"].as_array().unwrap().len(), 1);
}

#[test]
fn killed_during_a_revocation_refresh_the_answers_recorded_stay_and_the_rest_follows() {
    if let Some(why) = missing_tools() {
        eprintln!("\n*** SKIPPED: the revocation servers cannot run ({why}; Debian packages openssl, python3) ***\n");
        return;
    }
    let running = RunningLab::start();
    let data = tempfile::tempdir().unwrap();
    let certs = data.path().join("certs");
    std::fs::create_dir_all(&certs).unwrap();
    for name in ["ocsp-good", "ocsp-revoked", "crl-good"] {
        std::fs::copy(running.lab.leaf_path(name), certs.join(format!("{name}.pem"))).unwrap();
    }
    let lab = |mut command: Command| {
        command.env("CERTISANTE_EXTRA_ANCHORS", running.lab.anchors()).env("CERTISANTE_REVOCATION_PRIVATE_NETWORKS", "1");
        command
    };
    ok(&mut lab(certisante(&["watch", "add", certs.to_str().unwrap()], data.path())));
    ok(&mut lab(certisante(&["scan"], data.path())));
    kill_command_at(lab(certisante(&["revocation", "refresh"], data.path())), "revocation_recorded");
    let list = intact(data.path());
    let checked = list["certificates"].as_array().unwrap().iter().filter(|c| !c["revocation"]["checked_at"].is_null()).count();
    assert_eq!(checked, 1, "one answer was recorded before the kill");
    let refreshed: serde_json::Value = serde_json::from_str(&ok(&mut lab(certisante(&["revocation", "refresh", "--json"], data.path())))).unwrap();
    assert_eq!(refreshed["checked"], 2, "the two left are asked, the one answered is reused");
    let list = intact(data.path());
    assert!(list["certificates"].as_array().unwrap().iter().all(|c| !c["revocation"]["checked_at"].is_null()));
}

/// Runs a shell script in a private mount namespace (`unshare -rm`) where `$1` is a tmpfs
/// of `size`; `None` where such a namespace cannot be made (then the test says so).
fn in_small_disk(size: &str, script: &str, dir: &Path) -> Option<Output> {
    let full = format!(r#"mount -t tmpfs -o size={size} certisante-test "$1" && {script}"#);
    let out = Command::new("unshare")
        .args(["-rm", "sh", "-c", &full, "sh", dir.to_str().unwrap(), env!("CARGO_BIN_EXE_certisante")])
        .env_remove("CERTISANTE_PAUSE_AT")
        .output()
        .ok()?;
    if String::from_utf8_lossy(&out.stderr).contains("unshare: ") {
        eprintln!("\n*** no private mount namespace here ({}): full-disk faults not tried ***\n", String::from_utf8_lossy(&out.stderr).trim());
        return None;
    }
    Some(out)
}

#[test]
fn a_full_disk_during_the_registry_write_keeps_the_last_good_state() {
    // The data folder on a 1 MB disk: a registry with one certificate, then a filler that
    // leaves no room, then a scan of many new files. The write fails with a code; freed, the
    // registry still holds its last good state and verifies.
    let dir = tempfile::tempdir().unwrap();
    let certs = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/igc/TEST-ORG-AUTH_CLI-leaf.pem");
    std::fs::copy(&fixture, certs.path().join("first.pem")).unwrap();
    let script = format!(
        r#"export CERTISANTE_DATA_DIR="$1/data"
        "$2" watch add {certs} >/dev/null && "$2" scan >/dev/null || exit 90
        for i in $(seq 1 400); do cp {fixture} {certs}/copy-$i.pem; done
        dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null
        "$2" scan; echo "scan-exit=$?"
        rm -f "$1/filler"
        "$2" audit verify --json; echo "verify-exit=$?"
        "$2" list --json | grep -c '"sha256"'"#,
        certs = certs.path().display(),
        fixture = fixture.display()
    );
    let Some(out) = in_small_disk("1m", &script, dir.path()) else { return };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("scan-exit=3"), "the scan on a full disk fails as trouble: {stdout}\n{stderr}");
    assert!(stderr.contains("(registry.database)"), "with a code: {stderr}");
    assert!(stdout.contains("verify-exit=0") && stdout.contains("\"ok\": true"), "{stdout}");
}

#[test]
fn a_full_disk_during_an_export_writes_nothing_and_says_so() {
    // The export target on a 64 KB disk: a .p12 of a portal certificate does not fit.
    let world = super::lifecycle::World::new();
    let _keyring = super::lifecycle::keyring_in_use();
    let p12 = world.portal_p12("CLINIQUE", "DMP", "portail");
    let imported = world.json(&["import", p12.to_str().unwrap(), "--password-file", world.path("pass").to_str().unwrap(), "--json"]);
    let id = imported["orders"][0]["id"].as_str().unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let filler = "dd if=/dev/zero of=\"$1/filler\" bs=1k count=62 2>/dev/null";
    let script =
        format!(r#"{filler}; "$2" export {id} --p12 "$1/out.p12" --password-file {pass}; echo "export-exit=$?"; ls "$1""#, pass = world.path("pass").display());
    // The world's environment (data folder, keyring bus...) for the CLI run in the namespace.
    let command = world.command(&[]);
    let exports: String = command.get_envs().filter_map(|(k, v)| Some(format!("export {}='{}'; ", k.to_string_lossy(), v?.to_string_lossy()))).collect();
    let Some(out) = in_small_disk("64k", &format!("{exports}{script}"), dir.path()) else { return };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("export-exit=1"), "{stdout}\n{stderr}");
    assert!(stderr.contains("(install.disk_full)"), "{stderr}");
    assert!(!stdout.contains("out.p12"), "nothing left behind: {stdout}");
    assert_eq!(world.state(&id), "certificate_imported", "the order did not move");
    let list = world.json(&["list", "--json"]);
    let places = list["certificates"][0]["places"].as_array().unwrap();
    assert!(places.iter().all(|p| p["kind"] == "keystore"), "no place recorded for the file never written: {list:#}");
}
