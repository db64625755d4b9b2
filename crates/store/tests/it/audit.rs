//! The audit log in a real registry file: appends, the triggers that refuse changes
//! through SQL, and each kind of tampering found at the right entry once the triggers are
//! dropped (what someone with the file could do).

use std::path::Path;

use certisante_store::audit::{os_user_actor, Actor, ActorKind, AuditAction, AuditProblem};
use certisante_store::registry::Registry;
use rusqlite::{Connection, TransactionBehavior};
use serde_json::json;

fn registry_with(dir: &Path, n: i64) -> Registry {
    let registry = Registry::open(&dir.join("registry.sqlite3")).unwrap();
    let holder = Actor { kind: ActorKind::CardHolder, name: "Alain MEDECIN".into() };
    for i in 1..=n {
        let actor = if i % 2 == 0 { os_user_actor() } else { holder.clone() };
        let entry = registry.audit_append(&actor, AuditAction::Installed, &format!("order-{i}"), json!({"target": "nss", "n": i})).unwrap();
        assert_eq!(entry.seq, i);
    }
    registry
}

/// A plain connection, as a tool on the file would have.
fn raw(dir: &Path) -> Connection {
    Connection::open(dir.join("registry.sqlite3")).unwrap()
}

fn drop_triggers(conn: &Connection) {
    conn.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;").unwrap();
}

#[test]
fn appended_entries_chain_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let registry = registry_with(dir.path(), 4);
    let entries = registry.audit_entries(None).unwrap();
    assert_eq!(entries.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert_eq!(entries[0].prev_hash, "0".repeat(64));
    assert_eq!(entries[1].prev_hash, entries[0].hash);
    assert_eq!(entries[0].actor.name, "Alain MEDECIN");
    assert_eq!(entries[1].actor.kind, ActorKind::OsUser);
    assert_eq!(entries[2].details, json!({"n": 3, "target": "nss"}));
    let last_two = registry.audit_entries(Some(2)).unwrap();
    assert_eq!(last_two.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 4], "the last N, oldest first");
    let verdict = registry.audit_verify().unwrap();
    assert!(verdict.ok && verdict.entries == 4 && verdict.first_bad_seq.is_none() && verdict.problem.is_none(), "{verdict:?}");
    let json = serde_json::to_value(&entries[0]).unwrap();
    assert_eq!(json["action"], "installed");
    assert_eq!(json["actor"]["kind"], "card_holder");

    // A reopened registry continues the same chain.
    drop(registry);
    let registry = Registry::open(&dir.path().join("registry.sqlite3")).unwrap();
    assert_eq!(registry.audit_append(&os_user_actor(), AuditAction::Exported, "/tmp/x.p12", json!({})).unwrap().seq, 5);
    assert!(registry.audit_verify().unwrap().ok);
    assert!(Registry::open(&dir.path().join("empty.sqlite3")).unwrap().audit_verify().unwrap().ok, "an empty log is intact");
}

#[test]
fn secrets_never_reach_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let registry = registry_with(dir.path(), 0);
    let err = registry.audit_append(&os_user_actor(), AuditAction::SecretShown, "order-1", json!({"revocation_code": "ABCD-1234"})).unwrap_err();
    assert_eq!(err.code(), "audit.secret_in_details");
    assert!(!err.to_string().contains("ABCD-1234"));
    assert!(registry.audit_entries(None).unwrap().is_empty());
    registry.audit_append(&os_user_actor(), AuditAction::SecretShown, "order-1", json!({"what": "revocation_code"})).unwrap();
}

#[test]
fn sql_cannot_change_or_remove_entries() {
    let dir = tempfile::tempdir().unwrap();
    let _registry = registry_with(dir.path(), 3);
    let conn = raw(dir.path());
    let refused = |sql: &str| {
        let err = conn.execute_batch(sql).unwrap_err().to_string();
        assert!(err.contains("audit"), "{sql}: {err}");
    };
    refused("UPDATE audit SET details = '{}' WHERE seq = 2");
    refused("DELETE FROM audit WHERE seq = 3");
    refused("DELETE FROM audit");
    refused("UPDATE audit_head SET count = 2");
    refused("DELETE FROM audit_head");
    refused("INSERT OR REPLACE INTO audit_head (id, count, last_hash) VALUES (1, 0, 'x')");
    // An insert that does not extend the chain (a forged entry, a reused seq).
    refused("INSERT INTO audit (seq, at, actor_kind, actor_name, action, object, details, prev_hash, hash) VALUES (9, 'x', 'os_user', 'x', 'installed', 'x', '{}', 'x', 'x')");
    refused("INSERT OR REPLACE INTO audit (seq, at, actor_kind, actor_name, action, object, details, prev_hash, hash) SELECT seq, at, actor_kind, actor_name, action, 'forged', details, prev_hash, hash FROM audit WHERE seq = 2");
    let count: i64 = conn.query_row("SELECT count(*) FROM audit", [], |r| r.get(0)).unwrap();
    assert_eq!(count, 3);
    assert!(_registry.audit_verify().unwrap().ok);
}

fn verdict_after(tamper: &str) -> (Option<i64>, Option<AuditProblem>, i64) {
    let dir = tempfile::tempdir().unwrap();
    let registry = registry_with(dir.path(), 5);
    let conn = raw(dir.path());
    drop_triggers(&conn);
    conn.execute_batch(tamper).unwrap();
    let verdict = registry.audit_verify().unwrap();
    assert!(!verdict.ok);
    (verdict.first_bad_seq, verdict.problem, verdict.entries)
}

#[test]
fn an_edited_entry_is_found() {
    let (seq, problem, _) = verdict_after(r#"UPDATE audit SET details = '{"n":2,"target":"windows"}' WHERE seq = 2"#);
    assert_eq!((seq, problem), (Some(2), Some(AuditProblem::Edited)));
    let (seq, problem, _) = verdict_after("UPDATE audit SET actor_name = 'Someone Else' WHERE seq = 4");
    assert_eq!((seq, problem), (Some(4), Some(AuditProblem::Edited)));
}

#[test]
fn a_removed_entry_is_found() {
    let (seq, problem, entries) = verdict_after("DELETE FROM audit WHERE seq = 3");
    assert_eq!((seq, problem, entries), (Some(3), Some(AuditProblem::Removed), 4));
    // Renumbering the rest to close the gap does not hide it.
    let (seq, problem, _) = verdict_after("DELETE FROM audit WHERE seq = 3; UPDATE audit SET seq = seq - 1 WHERE seq > 3");
    assert_eq!((seq, problem), (Some(3), Some(AuditProblem::Removed)));
}

#[test]
fn a_removed_tail_is_found_by_the_head() {
    let (seq, problem, entries) = verdict_after("DELETE FROM audit WHERE seq = 5");
    assert_eq!((seq, problem, entries), (Some(5), Some(AuditProblem::Removed), 4));
    let (seq, problem, entries) = verdict_after("DELETE FROM audit WHERE seq >= 3");
    assert_eq!((seq, problem, entries), (Some(3), Some(AuditProblem::Removed), 2));
}

#[test]
fn reordered_entries_are_found() {
    let (seq, problem, _) =
        verdict_after("UPDATE audit SET seq = -2 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = -2");
    assert_eq!((seq, problem), (Some(2), Some(AuditProblem::Reordered)));
}

#[test]
fn an_entry_added_behind_the_head_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let registry = registry_with(dir.path(), 2);
    let conn = raw(dir.path());
    conn.execute_batch("DROP TRIGGER audit_head_follows").unwrap();
    registry.audit_append(&os_user_actor(), AuditAction::Revoked, "x", json!({})).unwrap();
    let verdict = registry.audit_verify().unwrap();
    assert_eq!((verdict.first_bad_seq, verdict.problem), (Some(3), Some(AuditProblem::HeadMismatch)));
}

#[test]
fn an_entry_commits_or_rolls_back_with_the_callers_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let registry = registry_with(dir.path(), 1);
    let mut conn = raw(dir.path());
    {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).unwrap();
        let entry = Registry::audit_append_in(&tx, &os_user_actor(), AuditAction::OrderCreated, "order-2", json!({"offer": "ORG"})).unwrap();
        assert_eq!(entry.seq, 2);
        // dropped: rolled back with whatever else the caller did
    }
    assert_eq!(registry.audit_entries(None).unwrap().len(), 1);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).unwrap();
    Registry::audit_append_in(&tx, &os_user_actor(), AuditAction::OrderCreated, "order-2", json!({"offer": "ORG"})).unwrap();
    tx.commit().unwrap();
    assert_eq!(registry.audit_entries(None).unwrap().len(), 2);
    assert!(registry.audit_verify().unwrap().ok);
}
