//! `certisante audit list|verify`: the JSON contract and the exit codes, with the log
//! tampered by the sqlite3 command-line tool once the triggers are dropped.

use std::path::Path;
use std::process::{Command, Output};

use certisante_store::audit::{os_user_actor, AuditAction};
use certisante_store::registry::{Registry, REGISTRY_FILE};

fn certisante(args: &[&str], data_dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_certisante")).args(args).env("CERTISANTE_DATA_DIR", data_dir).output().unwrap()
}

/// A registry in `data_dir` with five entries.
fn logged(data_dir: &Path) {
    let registry = Registry::open(&data_dir.join(REGISTRY_FILE)).unwrap();
    for (i, action) in
        [AuditAction::OrderCreated, AuditAction::KeyGenerated, AuditAction::CsrExported, AuditAction::CertificateImported, AuditAction::Installed]
            .into_iter()
            .enumerate()
    {
        registry.audit_append(&os_user_actor(), action, &format!("order-{}", i + 1), serde_json::json!({"step": i + 1})).unwrap();
    }
}

fn sqlite3(data_dir: &Path, sql: &str) {
    let out = Command::new("sqlite3").arg(data_dir.join(REGISTRY_FILE)).arg(sql).output().expect("the sqlite3 tool is installed");
    assert!(out.status.success(), "sqlite3: {}", String::from_utf8_lossy(&out.stderr));
}

fn verify_json(data_dir: &Path) -> (i32, serde_json::Value) {
    let out = certisante(&["audit", "verify", "--json"], data_dir);
    (out.status.code().unwrap(), serde_json::from_slice(&out.stdout).expect("one JSON object"))
}

#[test]
fn list_shows_the_entries_oldest_first() {
    let data = tempfile::tempdir().unwrap();
    logged(data.path());
    let out = certisante(&["audit", "list", "--json"], data.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let entries: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 5);
    for field in ["seq", "at", "actor", "action", "object", "details", "prev_hash", "hash"] {
        assert!(entries[0].get(field).is_some(), "missing {field}");
    }
    assert_eq!(entries[0]["action"], "order_created");
    assert_eq!(entries[0]["actor"]["kind"], "os_user");
    assert_eq!(entries[4]["details"]["step"], 5);
    let out = certisante(&["audit", "list", "--json", "--limit", "2"], data.path());
    let last: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let seqs: Vec<i64> = last.as_array().unwrap().iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, [4, 5]);
    let table = String::from_utf8(certisante(&["audit", "list"], data.path()).stdout).unwrap();
    assert_eq!(table.lines().count(), 5);
    assert!(table.contains("certificate_imported") && table.contains("order-4"), "{table}");
}

#[test]
fn verify_passes_on_an_intact_log() {
    let data = tempfile::tempdir().unwrap();
    logged(data.path());
    let (code, verdict) = verify_json(data.path());
    assert_eq!(code, 0);
    assert_eq!(verdict, serde_json::json!({"entries": 5, "ok": true, "first_bad_seq": null, "problem": null}));
    let out = certisante(&["audit", "verify"], data.path());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "journal d'audit intact : 5 entrées");
}

#[test]
fn verify_fails_at_an_edited_entry() {
    let data = tempfile::tempdir().unwrap();
    logged(data.path());
    sqlite3(data.path(), r#"DROP TRIGGER audit_no_update; UPDATE audit SET details = '{"step":99}' WHERE seq = 2;"#);
    let (code, verdict) = verify_json(data.path());
    assert_eq!(code, 1);
    assert_eq!((verdict["ok"].as_bool(), verdict["first_bad_seq"].as_i64(), verdict["problem"].as_str()), (Some(false), Some(2), Some("edited")));
    let out = certisante(&["audit", "verify"], data.path());
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ROMPU à l'entrée 2") && text.contains("(edited)"), "{text}");
}

#[test]
fn verify_fails_at_a_removed_middle_entry() {
    let data = tempfile::tempdir().unwrap();
    logged(data.path());
    sqlite3(data.path(), "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 3;");
    let (code, verdict) = verify_json(data.path());
    assert_eq!(code, 1);
    assert_eq!((verdict["first_bad_seq"].as_i64(), verdict["problem"].as_str(), verdict["entries"].as_i64()), (Some(3), Some("removed"), Some(4)));
}

#[test]
fn verify_fails_at_a_removed_last_entry() {
    let data = tempfile::tempdir().unwrap();
    logged(data.path());
    sqlite3(data.path(), "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 5;");
    let (code, verdict) = verify_json(data.path());
    assert_eq!(code, 1);
    assert_eq!((verdict["first_bad_seq"].as_i64(), verdict["problem"].as_str()), (Some(5), Some("removed")));
}

#[test]
fn no_registry_is_exit_3_and_creates_none() {
    let data = tempfile::tempdir().unwrap();
    for args in [&["audit", "verify"][..], &["audit", "list", "--json"]] {
        let out = certisante(args, data.path());
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("no registry"));
    }
    assert!(!data.path().join(REGISTRY_FILE).exists());
}
