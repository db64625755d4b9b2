//! Metrics from a real registry, checked by Prometheus's own `promtool check metrics`.

use std::io::Write;
use std::process::{Command, Stdio};

use certisante_store::inventory::ScanOptions;
use certisante_store::metrics::{self, SourceHealth};
use certisante_store::registry::Registry;
use certisante_store::settings::Settings;
use certisante_testpki::{Hierarchy, LeafSpec, Usage};

/// `promtool check metrics` on `text`: its verdict and what it said.
pub fn promtool_check(text: &str) -> (bool, String) {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool (Debian's prometheus package; scripts/setup.sh test installs it)");
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// The value of the one series of `metric` whose labels contain `needle`.
fn value(text: &str, metric: &str, needle: &str) -> Option<String> {
    text.lines().find(|l| l.starts_with(&format!("{metric}{{")) && l.contains(needle)).map(|l| l.rsplit(' ').next().unwrap().to_owned())
}

#[test]
fn the_registry_exposes_certificates_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    let certs = dir.path().join("certs");
    let share = dir.path().join("share");
    std::fs::create_dir_all(&certs).unwrap();
    std::fs::create_dir_all(&share).unwrap();
    let hierarchy = Hierarchy::new();
    let sign = LeafSpec { key_usage_ends_in_days: Some(40), serial: 2, ..LeafSpec::new(Usage::Sign, "SIGNATURE \"DMP\"", 70) };
    let auth = LeafSpec { serial: 3, ..LeafSpec::new(Usage::AuthCli, "INSI-AUTO", 200) };
    std::fs::write(certs.join("sign.pem"), hierarchy.issue(&sign).cert_pem).unwrap();
    std::fs::write(certs.join("auth.pem"), hierarchy.issue(&auth).cert_pem).unwrap();
    std::fs::write(certs.join("chain.pem"), hierarchy.chain_pem()).unwrap();
    let anchors = hierarchy.write_anchor_dir(&dir.path().join("anchors"));
    // A file that claims to be a certificate and is not: a read error of that source.
    std::fs::write(certs.join("broken.p12"), b"\x30\x82\x01\x00 not a PKCS#12").unwrap();
    let registry = Registry::open(&dir.path().join("registry.sqlite3")).unwrap();
    registry.save_settings(&Settings { include_os_stores: false, ..Settings::default() }).unwrap();
    registry.add_watch(&certs).unwrap();
    registry.add_watch(&share).unwrap();
    registry.scan(&|_| {}).unwrap();
    // The share is unmounted: its watch stays, the folder is gone.
    std::fs::remove_dir(&share).unwrap();

    let listing = registry.list(&ScanOptions { extra_anchors: Some(anchors), ..ScanOptions::default() }).unwrap();
    let sources = registry.source_health().unwrap();
    let certs_path = certs.canonicalize().unwrap().display().to_string();
    let share_path = dir.path().canonicalize().unwrap().join("share").display().to_string();
    assert_eq!(
        sources,
        [SourceHealth { source: certs_path.clone(), up: true, read_errors: 1 }, SourceHealth { source: share_path.clone(), up: false, read_errors: 0 }]
    );
    let text = metrics::render(&listing.certificates, &sources, "POSTE-01", 0.042);
    let (valid, said) = promtool_check(&text);
    assert!(valid, "promtool check metrics: {said}\n{text}");
    assert!(said.trim().is_empty(), "no lint remark either: {said}");

    let view = listing.certificates.iter().find(|c| c.cn.as_deref() == Some("SIGNATURE \"DMP\"")).unwrap();
    let labels = format!(
        "sha256=\"{}\",cn=\"SIGNATURE \\\"DMP\\\"\",organization=\"CENTRE HOSPITALIER DE TEST\",structure_id=\"11B0073160\",environment=\"TEST\",offer=\"ORG\",usage=\"SIGN\",workstation=\"POSTE-01\"",
        view.sha256
    );
    let series = |metric: &str| format!("{metric}{{{labels}}}");
    assert!(text.contains(&format!("{} {}\n", series("certisante_certificate_not_after_timestamp_seconds"), view.not_after.timestamp())), "{text}");
    assert!(text.contains(&format!("{} {}\n", series("certisante_certificate_usable_until_timestamp_seconds"), view.usable_until.timestamp())));
    assert!(view.usable_until < view.not_after, "the key's period ends first: usable_until follows it");
    assert!(text.contains(&format!("{} {}\n", series("certisante_certificate_not_before_timestamp_seconds"), view.not_before.timestamp())));
    assert!(text.contains(&format!("{} 0\n", series("certisante_certificate_revoked"))));
    assert_eq!(value(&text, "certisante_certificate_revocation_answer_timestamp_seconds", &view.sha256), None, "never checked: no answer time");
    assert!(value(&text, "certisante_certificate_not_after_timestamp_seconds", "cn=\"INSI-AUTO\"").is_some());
    // The CAs of the chain file are not watched certificates.
    assert_eq!(text.lines().filter(|l| l.starts_with("certisante_certificate_not_after_timestamp_seconds{")).count(), 2, "{text}");
    assert!(!text.contains("TEST AC IGC-SANTE"));
    assert_eq!(value(&text, "certisante_source_up", &format!("source=\"{certs_path}\"")).as_deref(), Some("1"));
    assert_eq!(value(&text, "certisante_source_read_errors", &format!("source=\"{certs_path}\"")).as_deref(), Some("1"));
    assert_eq!(value(&text, "certisante_source_up", &format!("source=\"{share_path}\"")).as_deref(), Some("0"));
    assert!(text.contains("\ncertisante_scrape_duration_seconds 0.042000\n"));
}

#[test]
fn a_certificate_without_subject_fields_has_every_label_empty_not_missing() {
    let dir = tempfile::tempdir().unwrap();
    let hierarchy = Hierarchy::new();
    let mut spec = LeafSpec::new(Usage::AuthCli, "SANS ORGANISATION", 10);
    spec.organization = String::new();
    spec.structure_id = String::new();
    std::fs::write(dir.path().join("a.pem"), hierarchy.issue(&spec).cert_pem).unwrap();
    let report = certisante_store::inventory::scan_paths(&[dir.path().to_path_buf()], &Default::default(), &|_| {});
    let text = metrics::render(&report.certificates, &metrics::path_health(&[dir.path().to_path_buf()], &report.errors), "", 0.0);
    let line = text.lines().find(|l| l.starts_with("certisante_certificate_usable_until_timestamp_seconds{")).unwrap();
    for label in ["sha256=", "cn=\"SANS ORGANISATION\"", "organization=\"\"", "structure_id=\"\"", "environment=", "offer=", "usage=", "workstation=\"\""] {
        assert!(line.contains(label), "{label} in {line}");
    }
    assert!(promtool_check(&text).0);
}
