//! One certificate, everywhere: what CertiSanté orders, imports and installs is what it
//! watches, with no folder watched. Through `certisante`, on the keyring harness and the
//! test portal (see `lifecycle.rs`).

use std::path::Path;

use serde_json::Value;

use super::lifecycle::{keyring_in_use, kill_at, World};

/// The one certificate `list --json` shows for `sha256`.
fn listed(w: &World, sha256: &str) -> Value {
    let list = w.json(&["list", "--json"]);
    let found = list["certificates"].as_array().unwrap().iter().find(|c| c["sha256"] == sha256).cloned();
    found.unwrap_or_else(|| panic!("{sha256} is not listed: {list:#}"))
}

fn places(certificate: &Value) -> Vec<(String, String)> {
    certificate["places"].as_array().unwrap().iter().map(|p| (p["kind"].as_str().unwrap().to_owned(), p["path"].as_str().unwrap().to_owned())).collect()
}

/// An order made, signed by the test portal (valid `days` days) and imported: its
/// certificate's SHA-256.
fn imported(w: &World, id_out: &mut String, days: Option<i64>) -> String {
    let csr = w.path(&format!("{}.csr", id_out.len()));
    let id = w.order("INSI-AUTO", &csr);
    let cert = w.path(&format!("{id}.pem"));
    w.sign_for(&csr, &cert, days);
    let outcome = w.json(&["import", cert.to_str().unwrap(), "--json"]);
    *id_out = id;
    outcome["orders"][0]["certificate_sha256"].as_str().unwrap().to_owned()
}

#[test]
fn ordered_imported_and_exported_certificates_are_listed_with_their_places() {
    let _keyring = keyring_in_use();
    let w = World::new();
    let mut id = String::new();
    let sha256 = imported(&w, &mut id, None);

    // Imported: listed, with its key, the keystore as its place, and its order.
    let certificate = listed(&w, &sha256);
    assert_eq!(certificate["has_private_key"], true);
    assert_eq!(places(&certificate), [("keystore".to_owned(), format!("private-key/{id}"))]);
    assert_eq!(certificate["order"]["id"], id.as_str());
    assert_eq!(certificate["order"]["state"], "certificate_imported");
    assert_eq!(certificate["order"]["can_install"], true);

    // Exported: the .p12 is one of its places, and the order is installed.
    std::fs::write(w.path("pass"), "Mot-de-passe 2026\n").unwrap();
    let p12 = w.path("out/a.p12");
    std::fs::create_dir_all(p12.parent().unwrap()).unwrap();
    w.ok(&["export", &id, "--p12", p12.to_str().unwrap(), "--password-file", w.path("pass").to_str().unwrap()]);
    let certificate = listed(&w, &sha256);
    let kinds = places(&certificate);
    assert!(kinds.contains(&("file".to_owned(), p12.display().to_string())), "{kinds:?}");
    assert!(certificate["places"].as_array().unwrap().iter().all(|p| p["managed"] == true));
    assert_eq!(certificate["order"]["state"], "installed");
    assert!(certificate["warnings"].as_array().unwrap().is_empty(), "{certificate:#}");

    // The .p12 deleted: the next scan finds it gone, says it was the last copy, and the
    // keystore remains (the key is not lost).
    std::fs::remove_file(&p12).unwrap();
    let scan = w.json(&["scan", "--json"]);
    let lost = scan["places_lost"].as_array().unwrap();
    assert_eq!(lost.len(), 1, "{scan:#}");
    assert_eq!(lost[0]["location"], p12.display().to_string());
    assert_eq!((lost[0]["last_copy"].as_bool(), lost[0]["key_lost"].as_bool()), (Some(true), Some(false)));
    let certificate = listed(&w, &sha256);
    assert_eq!(places(&certificate), [("keystore".to_owned(), format!("private-key/{id}"))]);
    assert_eq!(certificate["has_private_key"], true);
    let codes: Vec<&str> = certificate["warnings"].as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["places.no_copy"], "installed nowhere any more");
    let audit = w.json(&["audit", "list", "--json"]);
    assert!(audit.as_array().unwrap().iter().any(|e| e["action"] == "place_lost" && e["object"] == p12.display().to_string().as_str()));
}

#[test]
fn a_short_lived_certificate_is_warned_by_status_and_alerted() {
    let _keyring = keyring_in_use();
    let w = World::new();
    let mut id = String::new();
    let sha256 = imported(&w, &mut id, Some(20));
    let status = w.run(&["status"]);
    let line = String::from_utf8_lossy(&status.stdout).into_owned();
    assert_eq!(status.status.code(), Some(1), "20 days left is within the warning threshold: {line}");
    assert!(line.starts_with("CERTISANTE WARNING") && line.contains("INSI-AUTO"), "{line}");
    // The alerts read the same list: one is due for it (the 30-day threshold).
    let registry = certisante_store::registry::Registry::open(&w.path("data").join(certisante_store::registry::REGISTRY_FILE)).unwrap();
    let due = certisante_store::alerts::due(&registry, chrono::Utc::now()).unwrap();
    assert_eq!(due.iter().map(|a| (a.sha256.as_str(), a.threshold_days)).collect::<Vec<_>>(), [(sha256.as_str(), 30)]);
}

#[test]
fn a_kill_between_the_write_and_its_record_leaves_the_place_recorded_after_restart() {
    let _keyring = keyring_in_use();
    let w = World::new();
    let mut id = String::new();
    let sha256 = imported(&w, &mut id, None);
    std::fs::write(w.path("pass"), "Mot-de-passe 2026\n").unwrap();
    let p12 = w.path("killed.p12");
    kill_at(&w, "install_written", &["export", &id, "--p12", p12.to_str().unwrap(), "--password-file", w.path("pass").to_str().unwrap()]);
    assert!(p12.is_file(), "the write was done before the kill");
    // Restarted: the scan settles the interrupted install, the place is there and recorded.
    w.ok(&["scan"]);
    let certificate = listed(&w, &sha256);
    assert!(places(&certificate).contains(&("file".to_owned(), p12.display().to_string())), "{certificate:#}");
    assert_eq!(w.state(&id), "installed");
    let audit = w.json(&["audit", "list", "--json"]);
    let exported = audit.as_array().unwrap().iter().find(|e| e["action"] == "exported" && e["object"] == id.as_str()).expect("the export is audited");
    assert_eq!(exported["details"]["resumed"], true);

    // Killed before the write: nothing was written, the pending places go, and the order
    // is as it was.
    let pem = w.path("pem");
    kill_at(&w, "install_started", &["export", &id, "--pem", pem.to_str().unwrap()]);
    w.ok(&["scan"]);
    assert!(!pem.exists() || std::fs::read_dir(&pem).unwrap().next().is_none(), "nothing written");
    let certificate = listed(&w, &sha256);
    assert!(!places(&certificate).iter().any(|(_, p)| Path::new(p).starts_with(&pem)), "{certificate:#}");
    let audit = w.json(&["audit", "list", "--json"]);
    assert_eq!(audit.as_array().unwrap().iter().filter(|e| e["action"] == "exported").count(), 1, "no export recorded for the write that never was");
}

#[test]
fn the_old_certificate_is_alerted_until_its_renewal_is_installed_then_replaced() {
    let _keyring = keyring_in_use();
    let w = World::new();
    let mut id = String::new();
    let old = imported(&w, &mut id, Some(20));
    std::fs::write(w.path("pass"), "Mot-de-passe 2026\n").unwrap();
    let pass = w.path("pass");
    w.ok(&["export", &id, "--p12", w.path("old.p12").to_str().unwrap(), "--password-file", pass.to_str().unwrap()]);

    // Renewal ordered, signed, imported: the old one is still the one in use, and alerted.
    let csr = w.path("renewal.csr");
    let renewal = w.ok(&["order", "renew", &id, "--csr-out", csr.to_str().unwrap()]).trim().to_owned();
    let certificate = listed(&w, &old);
    assert_eq!(certificate["order"]["renewal"], serde_json::json!({ "id": renewal, "state": "csr_exported" }));
    let cert = w.path("renewal.pem");
    w.sign(&csr, &cert);
    w.ok(&["import", cert.to_str().unwrap()]);
    let certificate = listed(&w, &old);
    assert_eq!(certificate["status"], "expiring");
    assert_eq!(certificate["order"]["renewal"]["state"], "certificate_imported");
    let registry = certisante_store::registry::Registry::open(&w.path("data").join(certisante_store::registry::REGISTRY_FILE)).unwrap();
    let due = certisante_store::alerts::due(&registry, chrono::Utc::now()).unwrap();
    assert!(due.iter().any(|a| a.sha256 == old), "still alerted: {due:?}");

    // The renewal installed: the old certificate is replaced, its alerts stop.
    w.ok(&["export", &renewal, "--p12", w.path("new.p12").to_str().unwrap(), "--password-file", pass.to_str().unwrap()]);
    let certificate = listed(&w, &old);
    assert_eq!(certificate["status"], "replaced");
    assert_eq!(certificate["severity"], "ok");
    assert_eq!(certificate["order"]["replaced_by"]["order_id"], renewal.as_str());
    assert!(certificate["order"]["renewal"].is_null());
    let due = certisante_store::alerts::due(&registry, chrono::Utc::now()).unwrap();
    assert!(!due.iter().any(|a| a.sha256 == old), "no alert for a replaced certificate: {due:?}");
    let status = String::from_utf8(w.run(&["status"]).stdout).unwrap();
    assert!(status.starts_with("CERTISANTE OK"), "the replaced certificate no longer warns: {status}");
}

#[test]
fn orders_waiting_for_the_portal_are_listed_apart() {
    let _keyring = keyring_in_use();
    let w = World::new();
    let id = w.order("DMP", &w.path("waiting.csr"));
    let list = w.json(&["list", "--json"]);
    let pending = list["pending_orders"].as_array().unwrap();
    assert_eq!(pending.len(), 1, "{list:#}");
    assert_eq!(pending[0]["id"], id.as_str());
    assert_eq!(pending[0]["state"], "csr_exported");
    assert_eq!(pending[0]["days_waiting"], 0);
    assert!(list["certificates"].as_array().unwrap().is_empty());
}
