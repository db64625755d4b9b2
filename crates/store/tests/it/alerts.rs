//! Expiry alerts against a real registry: certificates from the test PKI in a watched
//! folder, the registry closed and opened again as the app does at each start.

use std::path::{Path, PathBuf};

use certisante_store::alerts::{self, Alert};
use certisante_store::registry::Registry;
use certisante_store::settings::Settings;
use certisante_testpki::{Hierarchy, LeafSpec, Usage};
use chrono::{Duration, Utc};

struct Folder {
    _dir: tempfile::TempDir,
    certs: PathBuf,
    database: PathBuf,
}

/// Certificates ending in 100, 80, 25, 5 and -3 days, another establishment's at 100
/// days, one expired long before it is first seen, and the CAs.
fn folder() -> Folder {
    let dir = tempfile::tempdir().unwrap();
    let certs = dir.path().join("certs");
    std::fs::create_dir_all(&certs).unwrap();
    let hierarchy = Hierarchy::new();
    let mut specs: Vec<LeafSpec> = [(100, "CENT"), (80, "QUATRE-VINGTS"), (25, "VINGT-CINQ"), (5, "CINQ"), (-3, "EXPIRE"), (-40, "ANCIEN")]
        .into_iter()
        .map(|(days, cn)| LeafSpec::new(Usage::AuthCli, cn, days))
        .collect();
    let mut other = LeafSpec::new(Usage::Sign, "AUTRE ETABLISSEMENT", 100);
    other.structure_id = "10B0123456".into();
    specs.push(other);
    for (serial, spec) in specs.iter_mut().enumerate() {
        spec.serial = 10 + serial as u64;
        std::fs::write(certs.join(format!("{}.pem", spec.cn)), hierarchy.issue(spec).cert_pem).unwrap();
    }
    std::fs::write(certs.join("chain.pem"), hierarchy.chain_pem()).unwrap();
    Folder { database: dir.path().join("registry.sqlite3"), certs, _dir: dir }
}

fn open(database: &Path) -> Registry {
    Registry::open(database).unwrap()
}

/// The first start: the folder watched (no OS stores) and scanned.
fn first_start(folder: &Folder, settings: impl FnOnce(&mut Settings)) -> Registry {
    let registry = open(&folder.database);
    let mut s = Settings { include_os_stores: false, ..Settings::default() };
    settings(&mut s);
    registry.save_settings(&s).unwrap();
    registry.add_watch(&folder.certs).unwrap();
    registry.scan(&|_| {}).unwrap();
    registry
}

/// What the app does after a scan: take what is due, claim it, "show" what it won.
fn notify(registry: &Registry, now: chrono::DateTime<Utc>) -> Vec<Alert> {
    let due = alerts::due(registry, now).unwrap();
    alerts::claim(registry, &due, now).unwrap()
}

fn summary(alerts: &[Alert]) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = alerts.iter().map(|a| (a.cn.clone(), a.threshold_days)).collect();
    out.sort();
    out
}

fn pairs(expected: &[(&str, i64)]) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = expected.iter().map(|(cn, d)| (cn.to_string(), *d)).collect();
    out.sort();
    out
}

#[test]
fn each_crossed_threshold_is_notified_once_across_restarts() {
    let folder = folder();
    let registry = first_start(&folder, |_| {});
    let sent = notify(&registry, Utc::now());
    // 100 days: none; 80: "90"; 25: "30"; 5: "7" (90, 60 and 30 recorded with it, not sent);
    // -3: the expiry; -40 at first sight: old news, none; CAs: never.
    assert_eq!(summary(&sent), pairs(&[("QUATRE-VINGTS", 90), ("VINGT-CINQ", 30), ("CINQ", 7), ("EXPIRE", 0)]));
    let five = sent.iter().find(|a| a.cn == "CINQ").unwrap();
    assert_eq!(five.covers, [90, 60, 30, 7]);
    assert_eq!(five.title("fr"), "Certificat à renouveler");
    assert!(five.body("fr").starts_with("CINQ expire dans 4 jours (le "), "{}", five.body("fr"));
    let expired = sent.iter().find(|a| a.cn == "EXPIRE").unwrap();
    assert!(expired.expired && expired.body("fr").starts_with("EXPIRE a expiré le "), "{}", expired.body("fr"));
    drop(registry);

    // Two restarts: the registry opened again, the folder scanned again, nothing due.
    for _ in 0..2 {
        let registry = open(&folder.database);
        registry.scan(&|_| {}).unwrap();
        assert_eq!(alerts::due(&registry, Utc::now()).unwrap(), [], "nothing is notified twice");
    }

    // Twenty days later: the 100-day certificates cross 90, the 80-day one 60, the 25-day one 7, the 5-day one expires.
    let registry = open(&folder.database);
    let later = Utc::now() + Duration::days(20);
    assert_eq!(summary(&notify(&registry, later)), pairs(&[("CENT", 90), ("AUTRE ETABLISSEMENT", 90), ("QUATRE-VINGTS", 60), ("VINGT-CINQ", 7), ("CINQ", 0)]));
    assert_eq!(notify(&registry, later), []);
}

#[test]
fn two_processes_never_both_notify() {
    let folder = folder();
    let first = first_start(&folder, |_| {});
    let second = open(&folder.database);
    let now = Utc::now();
    let (due_first, due_second) = (alerts::due(&first, now).unwrap(), alerts::due(&second, now).unwrap());
    assert_eq!(due_first.len(), 4);
    assert_eq!(due_first, due_second, "both see the same alerts due");
    assert_eq!(alerts::claim(&first, &due_first, now).unwrap().len(), 4);
    assert_eq!(alerts::claim(&second, &due_second, now).unwrap(), [], "the second process wins none");
}

#[test]
fn released_alerts_are_due_again() {
    let folder = folder();
    let registry = first_start(&folder, |_| {});
    let now = Utc::now();
    let won = notify(&registry, now);
    let (shown, failed) = won.split_at(2);
    alerts::release(&registry, failed).unwrap();
    let again = alerts::due(&registry, now).unwrap();
    assert_eq!(summary(&again), summary(failed), "only the ones not shown come back");
    assert!(shown.iter().all(|a| !again.iter().any(|b| b.sha256 == a.sha256)));
}

#[test]
fn establishments_have_their_own_thresholds() {
    let folder = folder();
    let registry = first_start(&folder, |s| {
        // The default establishment of the test PKI is silenced; the other is told early.
        s.alert_days_by_structure.insert("11B0073160".into(), vec![]);
        s.alert_days_by_structure.insert("10B0123456".into(), vec![7, 120]);
    });
    let stored = registry.settings().unwrap();
    assert_eq!(stored.alert_days_by_structure["10B0123456"], [120, 7], "stored most distant first");
    assert_eq!(summary(&notify(&registry, Utc::now())), pairs(&[("AUTRE ETABLISSEMENT", 120)]));
}

#[test]
fn invalid_thresholds_are_refused() {
    let folder = folder();
    let registry = open(&folder.database);
    for days in [vec![30, 30], vec![-1], vec![3651]] {
        let settings = Settings { alert_days: days.clone(), ..Settings::default() };
        assert_eq!(registry.save_settings(&settings).unwrap_err().code(), "registry.invalid_setting", "{days:?}");
    }
}

/// ORG SIGN: the key may sign until 50 days from now, the certificate lasts 30 more. The
/// status, the days left and the alerts follow the key's end, and say why.
#[test]
fn a_signing_certificate_ends_with_its_key_usage_period() {
    let dir = tempfile::tempdir().unwrap();
    let certs = dir.path().join("certs");
    std::fs::create_dir_all(&certs).unwrap();
    let hierarchy = Hierarchy::new();
    let spec = LeafSpec { key_usage_ends_in_days: Some(50), ..LeafSpec::new(Usage::Sign, "DMP SIGNATURE", 80) };
    std::fs::write(certs.join("sign.pem"), hierarchy.issue(&spec).cert_pem).unwrap();
    let folder = Folder { database: dir.path().join("registry.sqlite3"), certs, _dir: dir };
    let registry = first_start(&folder, |_| {});
    let now = Utc::now();
    let listed = registry.list(&certisante_store::inventory::ScanOptions { now, ..Default::default() }).unwrap();
    let view = listed.certificates.iter().find(|c| c.cn.as_deref() == Some("DMP SIGNATURE")).unwrap();
    let key_end = view.private_key_usage_end.expect("the period's end is read");
    assert!((view.not_after - key_end).num_days() == 30, "{key_end} vs {}", view.not_after);
    assert_eq!(view.usable_until, key_end);
    assert_eq!(view.days_left, 49, "whole days until the key's end, not notAfter's 79");

    let sent = notify(&registry, now);
    assert_eq!(summary(&sent), pairs(&[("DMP SIGNATURE", 60)]), "60 crossed by the key's end; notAfter alone would cross only 90");
    assert!(sent[0].signing_key_end && sent[0].ends_at == key_end);
    assert!(sent[0].body("fr").starts_with("La clé de DMP SIGNATURE ne pourra plus signer dans 49 jours"), "{}", sent[0].body("fr"));
    assert!(sent[0].body("en").contains("key may no longer sign in 49 days"), "{}", sent[0].body("en"));

    // Past the key's end, before notAfter: the certificate is of no more use.
    let later = now + Duration::days(55);
    let listed = registry.list(&certisante_store::inventory::ScanOptions { now: later, ..Default::default() }).unwrap();
    let view = listed.certificates.iter().find(|c| c.cn.as_deref() == Some("DMP SIGNATURE")).unwrap();
    assert_eq!(view.status, certisante_pki::view::Status::Expired);
    let sent = notify(&registry, later);
    assert!(sent[0].expired && sent[0].body("fr").contains("ne peut plus signer depuis le"), "{}", sent[0].body("fr"));
}
