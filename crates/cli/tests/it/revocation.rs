//! `certisante revocation refresh` and the revocation in `list`, against the real servers
//! of a revocation lab (tests/harness/revocation.sh). Needs openssl and python3.

use std::path::Path;
use std::process::{Command, Output};

use certisante_testpki::revocation::{missing_tools, RunningLab};

fn certisante(args: &[&str], running: &RunningLab, data_dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_certisante"))
        .args(args)
        .env("CERTISANTE_EXTRA_ANCHORS", running.lab.anchors())
        // The lab's responders are on 127.0.0.1.
        .env("CERTISANTE_REVOCATION_PRIVATE_NETWORKS", "1")
        .env("CERTISANTE_DATA_DIR", data_dir)
        .output()
        .unwrap()
}

fn success(output: Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn refresh_then_list_shows_the_revocation() {
    if let Some(why) = missing_tools() {
        eprintln!("\n*** SKIPPED: the revocation servers cannot run ({why}; Debian packages openssl, python3) ***\n");
        return;
    }
    let running = RunningLab::start();
    let data = tempfile::tempdir().unwrap();
    let certs = data.path().join("certs");
    std::fs::create_dir_all(&certs).unwrap();
    for name in ["ocsp-good", "ocsp-revoked", "crl-expired"] {
        std::fs::copy(running.lab.leaf_path(name), certs.join(format!("{name}.pem"))).unwrap();
    }
    success(certisante(&["watch", "add", certs.to_str().unwrap()], &running, data.path()));
    success(certisante(&["scan"], &running, data.path()));

    // Never checked yet: unknown, no error.
    let before: serde_json::Value = serde_json::from_str(&success(certisante(&["list", "--json"], &running, data.path()))).unwrap();
    let any = &before["certificates"].as_array().unwrap()[0];
    assert_eq!(any["revocation"]["state"], "unknown");
    assert_eq!(any["revocation"]["checked_at"], serde_json::Value::Null);

    let refreshed: serde_json::Value = serde_json::from_str(&success(certisante(&["revocation", "refresh", "--json"], &running, data.path()))).unwrap();
    assert_eq!(refreshed["checked"], 3);
    let text = success(certisante(&["revocation", "refresh"], &running, data.path()));
    assert!(text.contains("REVOCATION OCSP-REVOKED") && text.contains("revoked") && text.contains("key_compromise"), "{text}");
    assert!(text.contains("revocation.crl_expired"), "{text}");

    let list: serde_json::Value = serde_json::from_str(&success(certisante(&["list", "--json"], &running, data.path()))).unwrap();
    let by_cn = |cn: &str| list["certificates"].as_array().unwrap().iter().find(|c| c["cn"] == cn).unwrap_or_else(|| panic!("{cn}")).clone();
    let revoked = by_cn("REVOCATION OCSP-REVOKED");
    assert_eq!(revoked["status"], "revoked");
    assert_eq!(revoked["severity"], "critical");
    assert_eq!(revoked["revocation"]["state"], "revoked");
    assert_eq!(revoked["revocation"]["source"], "ocsp");
    assert_eq!(revoked["revocation"]["reason"], "key_compromise");
    assert!(revoked["revocation"]["revoked_at"].is_string());
    let good = by_cn("REVOCATION OCSP-GOOD");
    assert_eq!(good["status"], "valid");
    assert_eq!(good["revocation"]["state"], "good");
    assert!(good["revocation"]["checked_at"].is_string());
    let expired = by_cn("REVOCATION CRL-EXPIRED");
    assert_eq!(expired["revocation"]["state"], "unknown");
    assert_eq!(expired["revocation"]["error"]["code"], "revocation.crl_expired");

    let table = success(certisante(&["list"], &running, data.path()));
    let header = table.lines().next().unwrap();
    assert!(header.starts_with("STATUS") && header.contains("REVOC"), "{header}");
    let line = table.lines().find(|l| l.contains("REVOCATION OCSP-REVOKED")).unwrap();
    assert!(line.starts_with("revoked"), "{line}");

    // The exports carry it too: the calendar asks to replace the revoked one today, and
    // says how each was last checked; the CSV has its columns.
    let ics = data.path().join("renouvellements.ics");
    success(certisante(&["export-calendar", ics.to_str().unwrap()], &running, data.path()));
    let calendar = std::fs::read_to_string(&ics).unwrap().replace("\r\n ", "");
    assert!(calendar.contains("SUMMARY:Remplacer le certificat révoqué REVOCATION OCSP-REVOKED"), "{calendar}");
    assert!(calendar.contains("X-CERTISANTE-REVOCATION:revoked") && calendar.contains("X-CERTISANTE-REVOCATION:good"), "{calendar}");
    assert!(calendar.contains("compromission de la clé"), "{calendar}");
    assert!(calendar.contains("Révocation : non révoqué (OCSP)"), "{calendar}");
    assert!(calendar.contains("Révocation : inconnue (revocation.crl_expired)"), "{calendar}");
    let csv = success(certisante(&["list", "--csv"], &running, data.path()));
    let row = csv.lines().find(|l| l.starts_with("REVOCATION OCSP-REVOKED;")).unwrap();
    assert!(row.contains(";revoked;revoked;") && row.contains(";key_compromise;"), "{row}");
}
