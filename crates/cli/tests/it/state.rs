//! The registry's state under concurrent starts: processes opening a fresh registry
//! together.

use std::path::Path;
use std::process::Command;

fn certisante(args: &[&str], data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_certisante"));
    command.args(args).env("CERTISANTE_DATA_DIR", data).env_remove("CERTISANTE_READ_ONLY");
    command
}

#[test]
fn processes_starting_together_on_a_fresh_registry_all_succeed() {
    for _ in 0..5 {
        let data = tempfile::tempdir().unwrap();
        // Started one after another, running together: each opens (and migrates) the same
        // new registry at about the same moment.
        let started: Vec<_> = (0..4)
            .map(|_| certisante(&["scan", "--json"], data.path()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap())
            .collect();
        for child in started {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
    }
}

/// A file whose reading kills the process (as a stack overflow in a dependency would) is
/// set aside at the next scan: the scan finishes, the other certificates are listed, the
/// file is named with its code; it is read again when it changes or when asked.
#[test]
fn a_file_that_killed_a_scan_is_set_aside_and_never_stops_the_next_one() {
    let data = tempfile::tempdir().unwrap();
    let certs = tempfile::tempdir().unwrap();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/igc/TEST-ORG-AUTH_CLI-leaf.pem");
    std::fs::copy(&fixture, certs.path().join("good.pem")).unwrap();
    std::fs::copy(&fixture, certs.path().join("bomb.pem")).unwrap();
    let watch = certisante(&["watch", "add", certs.path().to_str().unwrap()], data.path()).output().unwrap();
    assert!(watch.status.success());

    // One reading thread, so that the fault is the only file in flight when it strikes
    // (with N threads, up to N - 1 innocent files in flight are set aside with it).
    let crashed = certisante(&["scan"], data.path()).env("CERTISANTE_FAULT_ABORT_READING", "bomb.pem").env("RAYON_NUM_THREADS", "1").output().unwrap();
    assert!(!crashed.status.success(), "the injected fault aborts the process");
    // Restarted (without the fault): the scan ends, the suspect is set aside.
    let scan = certisante(&["scan", "--json"], data.path()).output().unwrap();
    assert!(scan.status.success(), "{}", String::from_utf8_lossy(&scan.stderr));
    let list: serde_json::Value = serde_json::from_slice(&certisante(&["list", "--json"], data.path()).output().unwrap().stdout).unwrap();
    assert_eq!(list["certificates"].as_array().unwrap().len(), 1, "good.pem's certificate is listed: {list:#}");
    let set_aside: Vec<&str> =
        list["errors"].as_array().unwrap().iter().filter(|e| e["code"] == "scan.set_aside").map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(set_aside.len(), 1, "{list:#}");
    assert!(set_aside[0].ends_with("bomb.pem"));
    // Unchanged, it stays aside; asked, it is read again (and is a fine certificate).
    certisante(&["scan"], data.path()).output().unwrap();
    let retried = certisante(&["scan", "--retry-set-aside", "--json"], data.path()).output().unwrap();
    assert!(retried.status.success());
    let list: serde_json::Value = serde_json::from_slice(&certisante(&["list", "--json"], data.path()).output().unwrap().stdout).unwrap();
    assert!(list["errors"].as_array().unwrap().is_empty(), "{list:#}");
    assert_eq!(list["certificates"][0]["places"].as_array().unwrap().len(), 2);
}
