//! Exports: the .ics read back by a real iCalendar parser (Python's `icalendar`), the CSV
//! by Python's `csv` module, and the read-only flag refusing key actions.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use certisante_testpki::{Hierarchy, LeafSpec, Usage};
use chrono::{Duration, Utc};

struct Fixture {
    _dir: tempfile::TempDir,
    anchors: PathBuf,
    certs: PathBuf,
}

/// Certificates ending in 100, 80, 25, 5 and -3 days, and the CA itself.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let hierarchy = Hierarchy::new();
    let anchors = hierarchy.write_anchor_dir(&dir.path().join("anchors"));
    let certs = dir.path().join("certs");
    std::fs::create_dir_all(&certs).unwrap();
    for (serial, days) in [100i64, 80, 25, 5, -3].into_iter().enumerate() {
        let mut spec = LeafSpec::new(Usage::AuthCli, &format!("INSI-AUTO J{days}"), days);
        spec.serial = serial as u64 + 10;
        // A comma, a semicolon and an accent: escaping in both formats.
        spec.organization = "CLINIQUE DU LAC; SITE NORD, BÂT. A".into();
        let leaf = hierarchy.issue(&spec);
        std::fs::write(certs.join(format!("j{days}.pem")), &leaf.cert_pem).unwrap();
    }
    std::fs::write(certs.join("ca.pem"), hierarchy.intermediate_pem()).unwrap();
    Fixture { _dir: dir, anchors, certs }
}

fn certisante(fixture: &Fixture, args: &[&str], data_dir: &Path, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_certisante"));
    command.args(args).env("CERTISANTE_EXTRA_ANCHORS", &fixture.anchors).env("CERTISANTE_DATA_DIR", data_dir).env_remove("CERTISANTE_READ_ONLY");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

/// The tools venv made by scripts/setup.sh (with icalendar), or None with a loud message.
fn python_with_icalendar() -> Option<PathBuf> {
    let tools = std::env::var_os("CERTISANTE_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/certisante/tools"));
    let python = tools.join("venv/bin/python");
    let ok = Command::new(&python).args(["-c", "import icalendar"]).output().map(|o| o.status.success()).unwrap_or(false);
    if ok {
        Some(python)
    } else {
        eprintln!("!!! SKIPPED: no Python with icalendar at {} (run scripts/setup.sh test)", python.display());
        None
    }
}

fn python(interpreter: &Path, script: &str, arg: &Path) -> serde_json::Value {
    let out = Command::new(interpreter).args(["-c", script]).arg(arg).output().unwrap();
    assert!(out.status.success(), "python failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

const READ_ICS: &str = r#"
import json, sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
events = []
for e in cal.walk('VEVENT'):
    alarms = [str(a.get('TRIGGER').to_ical(), 'ascii') for a in e.walk('VALARM')]
    events.append({'uid': str(e['UID']), 'start': e.decoded('DTSTART').isoformat(), 'end': e.decoded('DTEND').isoformat(),
                   'summary': str(e['SUMMARY']), 'description': str(e['DESCRIPTION']), 'alarms': alarms})
print(json.dumps({'version': str(cal['VERSION']), 'events': events}))
"#;

#[test]
fn export_calendar_gives_one_reminder_per_certificate_to_renew_on_the_right_day() {
    let Some(interpreter) = python_with_icalendar() else { return };
    let fixture = fixture();
    let data = tempfile::tempdir().unwrap();
    let ics = data.path().join("renouvellements.ics");
    let out = certisante(&fixture, &["export-calendar", ics.to_str().unwrap(), fixture.certs.to_str().unwrap()], data.path(), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("4 rappels de renouvellement"), "{}", String::from_utf8_lossy(&out.stdout));

    let parsed = python(&interpreter, READ_ICS, &ics);
    assert_eq!(parsed["version"], "2.0");
    let events = parsed["events"].as_array().unwrap();
    // The expired certificate and the CA get no reminder.
    assert_eq!(events.len(), 4, "{parsed:#}");
    let today = Utc::now().date_naive();
    let lead = 60; // profiles.json: renewal.lead_days (the day ANS e-mails its reminder)
    for days in [100i64, 80, 25, 5] {
        let event = events.iter().find(|e| e["summary"].as_str().unwrap().contains(&format!("INSI-AUTO J{days} "))).unwrap();
        // The test PKI's "in N days" is N×24 h after issuance, moments ago: the expiry falls
        // on today + N (or today + N - 1 right after midnight UTC, never otherwise).
        let expiry_days = [days, days - 1];
        let expected: Vec<String> = expiry_days.iter().map(|d| (today + Duration::days(d - lead)).max(today).format("%Y-%m-%d").to_string()).collect();
        let start = event["start"].as_str().unwrap();
        assert!(expected.iter().any(|e| e == start), "J{days}: start {start}, expected one of {expected:?}");
        assert!(event["summary"].as_str().unwrap().starts_with("Renouveler le certificat"), "{event:#}");
        assert!(event["summary"].as_str().unwrap().contains("(ORG AUTH_CLI)"));
        assert!(event["description"].as_str().unwrap().contains("CLINIQUE DU LAC; SITE NORD, BÂT. A"), "escaping: {event:#}");
        assert_eq!(event["alarms"], serde_json::json!(["PT9H"]));
        assert!(event["uid"].as_str().unwrap().ends_with("-renewal@certisante"));
    }
    // 25 and 5 days left: the ideal start has passed, so the reminder is today.
    for days in [25, 5] {
        let event = events.iter().find(|e| e["summary"].as_str().unwrap().contains(&format!("J{days} "))).unwrap();
        assert_eq!(event["start"], today.format("%Y-%m-%d").to_string());
    }

    // English texts on request; a bad language is refused before anything is written.
    let english = data.path().join("renewals.ics");
    let out = certisante(&fixture, &["export-calendar", "--language", "en", english.to_str().unwrap(), fixture.certs.to_str().unwrap()], data.path(), &[]);
    assert!(out.status.success());
    let parsed = python(&interpreter, READ_ICS, &english);
    assert!(parsed["events"][0]["summary"].as_str().unwrap().starts_with("Renew the certificate"));
    let refused = data.path().join("never.ics");
    let out = certisante(&fixture, &["export-calendar", "--language", "de", refused.to_str().unwrap()], data.path(), &[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(!refused.exists());
}

#[test]
fn export_calendar_into_a_missing_folder_fails_cleanly() {
    let fixture = fixture();
    let data = tempfile::tempdir().unwrap();
    let target = data.path().join("no/such/folder/x.ics");
    let out = certisante(&fixture, &["export-calendar", target.to_str().unwrap(), fixture.certs.to_str().unwrap()], data.path(), &[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("install."), "a coded error: {}", String::from_utf8_lossy(&out.stderr));
}

const READ_CSV: &str = r#"
import csv, json, sys
text = open(sys.argv[1], encoding='utf-8-sig').read()
rows = list(csv.DictReader(text.splitlines(), delimiter=';'))
print(json.dumps(rows))
"#;

#[test]
fn list_csv_is_what_a_spreadsheet_reads() {
    let fixture = fixture();
    let data = tempfile::tempdir().unwrap();
    let out = certisante(&fixture, &["list", "--csv", fixture.certs.to_str().unwrap()], data.path(), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.starts_with("\u{feff}".as_bytes()), "UTF-8 byte order mark first");
    let file = data.path().join("list.csv");
    std::fs::write(&file, &out.stdout).unwrap();
    let rows = python(Path::new("python3"), READ_CSV, &file);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 6, "five leaves and the CA: {rows:#?}");
    let j25 = rows.iter().find(|r| r["nom_commun"] == "INSI-AUTO J25").unwrap();
    assert_eq!(j25["structure"], "CLINIQUE DU LAC; SITE NORD, BÂT. A");
    assert_eq!(j25["statut"], "expiring");
    assert_eq!(j25["offre"], "ORG");
    assert_eq!(j25["usage"], "AUTH_CLI");
    let expired = rows.iter().find(|r| r["nom_commun"] == "INSI-AUTO J-3").unwrap();
    assert_eq!(expired["statut"], "expired");
    assert_eq!(expired["jours_restants"], "-3");
}

#[test]
fn read_only_refuses_key_actions_but_not_statuses_or_exports() {
    let fixture = fixture();
    let data = tempfile::tempdir().unwrap();
    for env in [&[][..], &[("CERTISANTE_READ_ONLY", "1")][..]] {
        let args: &[&str] = if env.is_empty() { &["--read-only", "order", "list"] } else { &["order", "list"] };
        let out = certisante(&fixture, args, data.path(), env);
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("app.read_only"));
        let out = certisante(&fixture, &["--read-only", "import", "/nonexistent.pem"], data.path(), env);
        assert_eq!(out.status.code(), Some(1));
    }
    // Watched paths and interrupted orders are changes too, refused the same way.
    let certs = fixture.certs.to_str().unwrap();
    for args in [&["--read-only", "watch", "add", certs][..], &["--read-only", "watch", "remove", certs], &["--read-only", "order", "resume"]] {
        let out = certisante(&fixture, args, data.path(), &[]);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("(app.read_only)"), "{args:?}");
    }
    // The app's setting makes the CLI read-only as well (one policy, in the API).
    let registry = certisante_store::registry::Registry::open(&data.path().join(certisante_store::registry::REGISTRY_FILE)).unwrap();
    let settings = certisante_store::settings::Settings { read_only: true, ..Default::default() };
    registry.save_settings(&settings).unwrap();
    for args in [&["watch", "add", certs][..], &["order", "list"]] {
        let out = certisante(&fixture, args, data.path(), &[]);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("(app.read_only)"), "{args:?}");
    }
    let ics = data.path().join("ok.ics");
    let out = certisante(&fixture, &["--read-only", "export-calendar", ics.to_str().unwrap(), fixture.certs.to_str().unwrap()], data.path(), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = certisante(&fixture, &["--read-only", "list", "--json", fixture.certs.to_str().unwrap()], data.path(), &[]);
    assert!(out.status.success());
}
