//! The audit log: who did what, when, to which order, certificate or file. Entries are
//! append-only and hash-chained; the registry stores them (table `audit`) and this module
//! says how an entry is hashed and how a chain is judged.
//!
//! hash = SHA-256 over "certisante-audit-v1" then, for seq (decimal), at (RFC 3339 as
//! stored), actor kind, actor name, action, object, details (canonical JSON: keys sorted,
//! no spaces) and prev_hash, each field's byte length (u32, big-endian) and its UTF-8
//! bytes. The first prev_hash is 64 zeros. The length prefixes make the encoding
//! unambiguous; the hash covers the stored text itself, so verifying re-parses nothing.
//!
//! What this protects against: an edited, removed or moved entry, and a removed tail (the
//! registry keeps a head record, count and last hash, updated in the insert's
//! transaction), whether by a tool run on the file or by someone dropping the triggers.
//! What it does not: someone who rewrites the entries, their hashes and the head
//! together. The hash has no key, so a full rewrite is consistent; only a copy of the head
//! kept elsewhere (printed, sent, or signed with a key outside the database) would show it.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::registry::{Migration, Registry, RegistryError};

/// The prev_hash of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    OrderCreated,
    KeyGenerated,
    CsrExported,
    CertificateImported,
    Installed,
    Exported,
    Renewed,
    Revoked,
    /// A secret (revocation code, password) was shown to the user; the entry never holds it.
    SecretShown,
    KeyRetired,
    OrderCancelled,
    /// A file or folder was added to the watched list (the object is its path).
    WatchAdded,
    WatchRemoved,
    /// Settings changed; the details hold each changed field, before and after.
    SettingsChanged,
    /// A place CertiSanté wrote (a file, a store, a keystore entry) was found gone by a scan.
    PlaceLost,
    /// The téléservices a certificate serves were recorded (the object is its fingerprint).
    TeleservicesRecorded,
    /// A habilitation (form n°413) was recorded or removed (the object is the establishment).
    HabilitationRecorded,
    HabilitationRemoved,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// The holder of the CPS card used for the action (name from its certificate).
    CardHolder,
    /// The operating-system account running the application.
    OsUser,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Actor {
    pub kind: ActorKind,
    pub name: String,
}

/// The account running the application, from the environment (USER, or USERNAME on
/// Windows): what the session says, not an authentication.
pub fn os_user_actor() -> Actor {
    let name = ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
        .or_else(account_name)
        .unwrap_or_else(|| "unknown".into());
    Actor { kind: ActorKind::OsUser, name }
}

/// The account name of the process's user when the environment does not say it (services,
/// cron, a stripped environment): `id -un` reads the system's user database.
#[cfg(unix)]
fn account_name() -> Option<String> {
    let out = std::process::Command::new("id").arg("-un").output().ok()?;
    let name = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !name.is_empty()).then_some(name)
}

#[cfg(not(unix))]
fn account_name() -> Option<String> {
    None
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AuditEntry {
    /// 1, 2, 3...: the entry's place in the chain.
    #[ts(type = "number")]
    pub seq: i64,
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
    pub actor: Actor,
    pub action: AuditAction,
    /// What the action was on: an order id, a certificate's SHA-256, a path.
    pub object: String,
    /// Facts of the action (never a secret).
    #[ts(type = "unknown")]
    pub details: Value,
    pub prev_hash: String,
    pub hash: String,
}

/// What is wrong with the chain at its first bad entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AuditProblem {
    /// The entry's content no longer matches its hash (or the entry before it was
    /// rewritten with a new hash).
    Edited,
    /// Entries are missing from here (in the middle, or at the end per the head record).
    Removed,
    /// The entry is intact but was moved from another place in the chain.
    Reordered,
    /// The head record disagrees with the entries (entries added behind the application's
    /// back, or the head itself changed).
    HeadMismatch,
}

impl AuditProblem {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Edited => "the entry was changed after it was written",
            Self::Removed => "entries are missing from here",
            Self::Reordered => "the entry was moved from another place in the log",
            Self::HeadMismatch => "the log's head record does not match its entries",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AuditVerdict {
    /// Entries present.
    #[ts(type = "number")]
    pub entries: i64,
    pub ok: bool,
    #[ts(type = "number | null")]
    pub first_bad_seq: Option<i64>,
    pub problem: Option<AuditProblem>,
}

/// One entry as stored: every field as the text the hash covers.
#[derive(Debug, Clone)]
pub(crate) struct StoredEntry {
    pub seq: i64,
    pub at: String,
    pub actor_kind: String,
    pub actor_name: String,
    pub action: String,
    pub object: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredEntry {
    /// A new entry after `prev_hash`, hashed. `details` must come from [`canonical_details`].
    pub fn new(seq: i64, at: DateTime<Utc>, actor: &Actor, action: AuditAction, object: &str, details: String, prev_hash: String) -> Self {
        let mut entry = Self {
            seq,
            at: at.to_rfc3339_opts(SecondsFormat::Micros, true),
            actor_kind: enum_text(&actor.kind),
            actor_name: actor.name.clone(),
            action: enum_text(&action),
            object: object.to_string(),
            details,
            prev_hash,
            hash: String::new(),
        };
        entry.hash = entry.hash_at(seq);
        entry
    }

    /// The hash this entry's content would have at place `seq`.
    fn hash_at(&self, seq: i64) -> String {
        let mut hasher = Sha256::new();
        hasher.update(b"certisante-audit-v1");
        let seq = seq.to_string();
        for field in [&seq, &self.at, &self.actor_kind, &self.actor_name, &self.action, &self.object, &self.details, &self.prev_hash] {
            hasher.update((field.len() as u32).to_be_bytes());
            hasher.update(field.as_bytes());
        }
        hex::encode(hasher.finalize())
    }

    /// The entry as the API shows it; unknown stored words read as what they most likely
    /// were (the chain check, not this, says whether the text was changed).
    pub fn to_entry(&self) -> AuditEntry {
        AuditEntry {
            seq: self.seq,
            at: DateTime::parse_from_rfc3339(&self.at).map(|d| d.with_timezone(&Utc)).unwrap_or_default(),
            actor: Actor { kind: parse_word(&self.actor_kind).unwrap_or(ActorKind::OsUser), name: self.actor_name.clone() },
            action: parse_word(&self.action).unwrap_or(AuditAction::Exported),
            object: self.object.clone(),
            details: serde_json::from_str(&self.details).unwrap_or(Value::String(self.details.clone())),
            prev_hash: self.prev_hash.clone(),
            hash: self.hash.clone(),
        }
    }
}

fn parse_word<T: for<'de> Deserialize<'de>>(text: &str) -> Option<T> {
    serde_json::from_value(Value::String(text.to_string())).ok()
}

fn enum_text<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Field names whose string values are secrets. The API takes no `Sensitive` (it cannot
/// be serialized), and this catches the likely slips of putting one in by hand. Numbers
/// and booleans pass (`pin_tries_left: 2`, `password_set: true` are facts, not secrets).
const SECRET_WORDS: &[&str] = &["password", "passwd", "passphrase", "pin", "puk", "secret", "pkcs8", "revocation"];

/// The details as canonical JSON (keys sorted at every level, no spaces), refusing
/// anything that looks like a secret.
pub(crate) fn canonical_details(details: &Value) -> Result<String, RegistryError> {
    check_no_secret(details, "")?;
    let mut out = String::new();
    write_canonical(details, &mut out);
    Ok(out)
}

fn check_no_secret(value: &Value, path: &str) -> Result<(), RegistryError> {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let lower = key.to_lowercase();
                let secret_name = lower.split(|c: char| !c.is_ascii_alphanumeric()).any(|word| SECRET_WORDS.contains(&word))
                    || lower.contains("private_key")
                    || lower.contains("privatekey");
                let field = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                if secret_name && inner.is_string() {
                    return Err(RegistryError::SecretInAudit(field));
                }
                check_no_secret(inner, &field)?;
            }
        }
        Value::Array(items) => {
            for item in items {
                check_no_secret(item, path)?;
            }
        }
        Value::String(text) if text.contains("PRIVATE KEY-----") => return Err(RegistryError::SecretInAudit(path.to_string())),
        _ => {}
    }
    Ok(())
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// Judges a chain: `entries` as read in seq order, `head` the head record (count and
/// last hash; `None` if it is missing). Stops at the first bad entry.
pub(crate) fn verify(entries: &[StoredEntry], head: Option<(i64, &str)>) -> AuditVerdict {
    let present = entries.len() as i64;
    let bad = |seq: Option<i64>, problem| AuditVerdict { entries: present, ok: false, first_bad_seq: seq, problem: Some(problem) };
    // Highest place an entry could have come from.
    let horizon = entries.last().map_or(0, |e| e.seq).max(present).max(head.map_or(0, |h| h.0)) + 1;
    let mut prev = GENESIS_HASH;
    for (i, entry) in entries.iter().enumerate() {
        let expected = i as i64 + 1;
        if entry.seq != expected {
            // Read in seq order, so a higher seq means the ones before it are gone.
            return bad(Some(expected), AuditProblem::Removed);
        }
        if entry.hash_at(entry.seq) != entry.hash {
            let moved = (1..=horizon).any(|seq| seq != entry.seq && entry.hash_at(seq) == entry.hash);
            let predecessor_exists = entry.prev_hash == GENESIS_HASH || entries.iter().any(|e| e.hash == entry.prev_hash);
            let problem = match (moved, predecessor_exists) {
                (true, true) => AuditProblem::Reordered,
                // Renumbered to close the gap left by a removed entry.
                (true, false) => AuditProblem::Removed,
                (false, _) => AuditProblem::Edited,
            };
            return bad(Some(entry.seq), problem);
        }
        if entry.prev_hash != prev {
            // Intact itself, but the entry before it is not the one it was chained to:
            // that one was rewritten along with its hash.
            return bad(Some(entry.seq - 1), AuditProblem::Edited);
        }
        prev = &entry.hash;
    }
    match head {
        None => bad(None, AuditProblem::HeadMismatch),
        Some((count, _)) if count > present => bad(Some(present + 1), AuditProblem::Removed),
        Some((count, _)) if count < present => bad(Some(count + 1), AuditProblem::HeadMismatch),
        Some((_, last)) if last != prev => bad(Some(present.max(1)), AuditProblem::HeadMismatch),
        Some(_) => AuditVerdict { entries: present, ok: true, first_bad_seq: None, problem: None },
    }
}

// ---------------------------------------------------------------- in the registry

/// The audit tables (migration 2).
pub(crate) const SCHEMA: Migration = Migration { owner: "audit", sql: include_str!("audit.sql") };

impl Registry {
    /// Appends one entry to the audit log, in a transaction of its own.
    pub fn audit_append(&self, actor: &Actor, action: AuditAction, object: &str, details: serde_json::Value) -> Result<AuditEntry, RegistryError> {
        // IMMEDIATE (every registry write is): the head is read and extended under one write
        // lock, so two processes (app and CLI) cannot both take the same seq.
        self.write(|tx| Self::audit_append_in(tx, actor, action, object, details))
    }

    /// Appends one entry inside the caller's transaction, so that an action and its entry
    /// commit (or roll back) together. Open that transaction IMMEDIATE: a deferred one
    /// may fail to take the write lock after reading the head.
    pub fn audit_append_in(
        tx: &rusqlite::Transaction<'_>,
        actor: &Actor,
        action: AuditAction,
        object: &str,
        details: serde_json::Value,
    ) -> Result<AuditEntry, RegistryError> {
        let details = canonical_details(&details)?;
        let (count, last_hash): (i64, String) = tx.query_row("SELECT count, last_hash FROM audit_head WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let stored = StoredEntry::new(count + 1, Utc::now(), actor, action, object, details, last_hash);
        tx.execute(
            "INSERT INTO audit (seq, at, actor_kind, actor_name, action, object, details, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![stored.seq, stored.at, stored.actor_kind, stored.actor_name, stored.action, stored.object, stored.details, stored.prev_hash, stored.hash],
        )?;
        Ok(stored.to_entry())
    }

    /// The last `limit` entries (all without a limit), oldest first.
    pub fn audit_entries(&self, limit: Option<usize>) -> Result<Vec<AuditEntry>, RegistryError> {
        let limit = limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let conn = self.read();
        let mut stmt = conn.prepare(&format!("SELECT * FROM (SELECT {AUDIT_COLUMNS} FROM audit ORDER BY seq DESC LIMIT ?1) ORDER BY seq"))?;
        let rows = stmt.query_map([limit], stored_entry)?;
        Ok(rows.map(|r| r.map(|e| e.to_entry())).collect::<rusqlite::Result<_>>()?)
    }

    /// Checks the whole chain and its head record, in one read transaction.
    pub fn audit_verify(&self) -> Result<AuditVerdict, RegistryError> {
        // One read transaction: the entries and the head as of one moment.
        let conn = self.read();
        let tx = conn.unchecked_transaction()?;
        let entries = {
            let mut stmt = tx.prepare(&format!("SELECT {AUDIT_COLUMNS} FROM audit ORDER BY seq"))?;
            let rows = stmt.query_map([], stored_entry)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        let head: Option<(i64, String)> =
            tx.query_row("SELECT count, last_hash FROM audit_head WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
        Ok(verify(&entries, head.as_ref().map(|(count, hash)| (*count, hash.as_str()))))
    }
}

const AUDIT_COLUMNS: &str = "seq, at, actor_kind, actor_name, action, object, details, prev_hash, hash";

fn stored_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredEntry> {
    Ok(StoredEntry {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor_kind: r.get(2)?,
        actor_name: r.get(3)?,
        action: r.get(4)?,
        object: r.get(5)?,
        details: r.get(6)?,
        prev_hash: r.get(7)?,
        hash: r.get(8)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chain(n: i64) -> Vec<StoredEntry> {
        let actor = Actor { kind: ActorKind::CardHolder, name: "Alain MEDECIN".into() };
        let mut out: Vec<StoredEntry> = Vec::new();
        for seq in 1..=n {
            let prev = out.last().map_or(GENESIS_HASH.to_string(), |e| e.hash.clone());
            let details = canonical_details(&json!({"n": seq})).unwrap();
            out.push(StoredEntry::new(seq, Utc::now(), &actor, AuditAction::Installed, &format!("order-{seq}"), details, prev));
        }
        out
    }

    fn head(entries: &[StoredEntry]) -> Option<(i64, &str)> {
        Some((entries.len() as i64, entries.last().map_or(GENESIS_HASH, |e| e.hash.as_str())))
    }

    #[test]
    fn details_are_canonical_json() {
        let text = canonical_details(&json!({"b": [1, {"z": null, "a": "é"}], "a": true})).unwrap();
        assert_eq!(text, r#"{"a":true,"b":[1,{"a":"é","z":null}]}"#);
        assert_eq!(canonical_details(&json!({})).unwrap(), "{}");
    }

    #[test]
    fn secrets_are_refused_facts_about_them_are_not() {
        for bad in [
            json!({"password": "x"}),
            json!({"p12_password": "x"}),
            json!({"nested": {"PIN": "1234"}}),
            json!({"revocation_code": "ABCD"}),
            json!({"list": [{"privateKey": "x"}]}),
            json!({"note": "-----BEGIN PRIVATE KEY-----\nMII"}),
        ] {
            let err = canonical_details(&bad).unwrap_err();
            assert_eq!(err.code(), "audit.secret_in_details", "{bad}");
        }
        for fine in [json!({"pin_tries_left": 2}), json!({"password_set": true}), json!({"spinner": "x", "path": "/tmp/a.p12"})] {
            assert!(canonical_details(&fine).is_ok(), "{fine}");
        }
    }

    #[test]
    fn an_intact_chain_verifies() {
        let entries = chain(4);
        assert_eq!(entries[0].prev_hash, GENESIS_HASH);
        assert_eq!(entries[1].prev_hash, entries[0].hash);
        let verdict = verify(&entries, head(&entries));
        assert_eq!(verdict, AuditVerdict { entries: 4, ok: true, first_bad_seq: None, problem: None });
        assert!(verify(&[], Some((0, GENESIS_HASH))).ok);
    }

    #[test]
    fn each_tampering_is_named_at_its_first_bad_entry() {
        let entries = chain(5);
        let h = head(&entries).map(|(c, l)| (c, l.to_string())).unwrap();
        let judge = |e: &[StoredEntry]| {
            let v = verify(e, Some((h.0, h.1.as_str())));
            (v.first_bad_seq, v.problem)
        };
        let mut edited = entries.clone();
        edited[2].details = r#"{"n":99}"#.into();
        assert_eq!(judge(&edited), (Some(3), Some(AuditProblem::Edited)));

        let mut removed = entries.clone();
        removed.remove(1);
        assert_eq!(judge(&removed), (Some(2), Some(AuditProblem::Removed)));

        let mut renumbered = removed.clone();
        for (i, e) in renumbered.iter_mut().enumerate() {
            e.seq = i as i64 + 1;
        }
        assert_eq!(judge(&renumbered), (Some(2), Some(AuditProblem::Removed)));

        let mut swapped = entries.clone();
        swapped.swap(1, 2);
        swapped[1].seq = 2;
        swapped[2].seq = 3;
        assert_eq!(judge(&swapped), (Some(2), Some(AuditProblem::Reordered)));

        let tail = &entries[..4];
        assert_eq!(judge(tail), (Some(5), Some(AuditProblem::Removed)));

        // Entry 2 rewritten with a fresh hash: entry 3 no longer follows it.
        let mut rehashed = entries.clone();
        rehashed[1].object = "forged".into();
        rehashed[1].hash = rehashed[1].hash_at(2);
        assert_eq!(judge(&rehashed), (Some(2), Some(AuditProblem::Edited)));

        assert_eq!(verify(&entries, None).problem, Some(AuditProblem::HeadMismatch));
        assert_eq!(verify(&entries, Some((4, entries[3].hash.as_str()))).first_bad_seq, Some(5));
        assert_eq!(verify(&entries, Some((5, entries[3].hash.as_str()))).problem, Some(AuditProblem::HeadMismatch));
    }

    #[test]
    fn stored_text_reads_back() {
        let entries = chain(1);
        let entry = entries[0].to_entry();
        assert_eq!(entry.action, AuditAction::Installed);
        assert_eq!(entry.actor.kind, ActorKind::CardHolder);
        assert_eq!(entry.details, json!({"n": 1}));
        assert_eq!(entries[0].actor_kind, "card_holder");
        assert!(entries[0].at.ends_with('Z'));
    }
}
