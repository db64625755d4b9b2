//! Publishing a workstation's inventory: idempotent, incremental, resumable, and done later
//! when the server is away.
//!
//! 1. The items (see `snapshot`) are compared with what the group acknowledged, and the
//!    difference becomes the backlog, in the registry (`group_outbox`). Local work never
//!    waits for the server: when it cannot be reached, the backlog waits for the next run.
//! 2. On the server, under an advisory lock per workstation name (one publication at a
//!    time), the workstation row's `digest` (a hash over every item hash it holds) is
//!    compared with the digest of what this workstation believes it holds. They differ
//!    after a crash between the server's commit and ours, or when the database was changed
//!    behind our back: then the server's item hashes are read back and become the truth,
//!    and the backlog is computed again. Nothing is lost, nothing sent twice.
//! 3. The backlog is sent in batches, each one transaction that also sets the new digest;
//!    each batch is acknowledged locally once committed. An unchanged workstation sends one
//!    `UPDATE` of its last contact.
//!
//! Rows belong to the login role that first published the workstation name: row-level
//! security refuses any other role (`group.not_owner`).

use std::collections::BTreeMap;
use std::time::Instant;

use certisante_pki::{ApiError, Sensitive};
use certisante_store::faults::checkpoint;
use certisante_store::group_outbox::{GroupFailure, GroupItem, ItemKind, OutboxEntry, Published};
use certisante_store::registry::Registry;
use chrono::Utc;
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::address::Address;
use crate::error::{GroupError, Result};
use crate::schema;
use crate::session::{db_error, Session};

/// Items per transaction, and bytes of rows per transaction.
const BATCH_ITEMS: usize = 1000;
const BATCH_BYTES: usize = 8 << 20;
/// The most items one workstation may hold in the group (read back when reconciling).
const MAX_ITEMS: i64 = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PublishOutcome {
    /// Changes were sent and committed.
    Published,
    /// Nothing had changed: only the last contact was recorded.
    Unchanged,
    /// The server could not be reached: the changes wait in the backlog.
    Queued,
}

/// What a publication did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PublishSummary {
    pub workstation: String,
    /// The database, without password.
    pub server: String,
    pub outcome: PublishOutcome,
    /// Items written (new or changed) and removed in the group database.
    pub sent: u32,
    pub removed: u32,
    /// Changes still waiting (0 unless queued).
    pub pending: u32,
    /// What this workstation holds.
    pub certificates: u32,
    pub orders: u32,
    /// The group database did not hold what this workstation believed: read back first.
    pub reconciled: bool,
    /// Why the changes wait (when queued).
    pub error: Option<ApiError>,
    #[ts(type = "number")]
    pub duration_ms: u64,
}

/// A workstation name: 1 to 255 characters, no control character, not only spaces.
pub fn check_workstation(name: &str) -> Result<()> {
    if name.trim().is_empty() || name.chars().count() > 255 || name.chars().any(char::is_control) {
        return Err(GroupError::InvalidWorkstation(name.to_owned()));
    }
    Ok(())
}

/// This computer's name, the default workstation name.
pub fn host_name() -> String {
    let name = gethostname::gethostname().to_string_lossy().trim().to_owned();
    if name.is_empty() {
        "localhost".into()
    } else {
        name
    }
}

/// The digest of a set of items, as the workstation row keeps it.
pub fn digest(items: &[Published]) -> String {
    let mut sorted: Vec<&Published> = items.iter().collect();
    sorted.sort();
    let mut hasher = Sha256::new();
    for item in sorted {
        hasher.update(item.kind.as_str().as_bytes());
        hasher.update(b"\t");
        hasher.update(item.key.as_bytes());
        hasher.update(b"\t");
        hasher.update(item.hash.as_bytes());
        hasher.update(b"\n");
    }
    hex::encode(hasher.finalize())
}

/// Publishes `items` (every item of the workstation, as it is now) under `workstation`.
/// An unreachable server is not an error: the summary says `queued`, and the backlog
/// waits in the registry. Every attempt's outcome is recorded there.
pub fn publish(registry: &Registry, address: &Address, password: Option<&Sensitive<String>>, workstation: &str, items: &[GroupItem]) -> Result<PublishSummary> {
    let started = Instant::now();
    check_workstation(workstation)?;
    let count = |kind: ItemKind| items.iter().filter(|i| i.kind == kind).count() as u32;
    let mut summary = PublishSummary {
        workstation: workstation.to_owned(),
        server: address.redacted(),
        outcome: PublishOutcome::Unchanged,
        sent: 0,
        removed: 0,
        pending: 0,
        certificates: count(ItemKind::Certificate),
        orders: count(ItemKind::Order),
        reconciled: false,
        error: None,
        duration_ms: 0,
    };
    // The backlog belongs to one database and one name.
    registry.group_bind(&format!("{}\n{}", address.server(), workstation))?;
    let now = Utc::now();
    summary.pending = registry.group_queue(items, now)? as u32;
    checkpoint("group_queued");

    let result = send(registry, address, password, workstation, items, &mut summary);
    summary.duration_ms = started.elapsed().as_millis() as u64;
    match result {
        Ok(()) => {
            registry.group_record_attempt(now, None)?;
            summary.pending = registry.group_outbox()?.len() as u32;
            Ok(summary)
        }
        Err(error) => {
            let failure = GroupFailure { code: error.code().to_owned(), message: error.to_string(), at: now };
            registry.group_record_attempt(now, Some(&failure))?;
            summary.pending = registry.group_outbox()?.len() as u32;
            if !error.is_unreachable() {
                return Err(error);
            }
            summary.outcome = PublishOutcome::Queued;
            summary.error = Some(ApiError::new(&failure.code, failure.message));
            Ok(summary)
        }
    }
}

fn send(
    registry: &Registry,
    address: &Address,
    password: Option<&Sensitive<String>>,
    workstation: &str,
    items: &[GroupItem],
    summary: &mut PublishSummary,
) -> Result<()> {
    let session = Session::connect(address, password)?;
    let group_id = schema::check(&session)?;
    if registry.group_bind_database(&group_id)? {
        registry.group_queue(items, Utc::now())?;
    }
    lock(&session, workstation)?;

    // Does the group hold what we believe it holds?
    let row = server_row(&session, workstation)?;
    let published = registry.group_published()?;
    let believed = digest(&published);
    let agree = match &row {
        Some((false, _)) => return Err(GroupError::NotOwner(workstation.to_owned())),
        Some((true, digest)) => *digest == believed,
        None => published.is_empty(),
    };
    if !agree {
        let held = server_items(&session, workstation)?;
        registry.group_replace_published(&held)?;
        registry.group_queue(items, Utc::now())?;
        summary.reconciled = true;
    }

    let outbox = registry.group_outbox()?;
    if outbox.is_empty() {
        touch(&session, workstation)?;
        summary.outcome = PublishOutcome::Unchanged;
        return Ok(());
    }
    let mut held: BTreeMap<(ItemKind, String), String> = registry.group_published()?.into_iter().map(|p| ((p.kind, p.key), p.hash)).collect();
    for batch in batches(&outbox) {
        for entry in batch {
            match &entry.hash {
                Some(hash) => held.insert((entry.kind, entry.key.clone()), hash.clone()),
                None => held.remove(&(entry.kind, entry.key.clone())),
            };
        }
        let after: Vec<Published> = held.iter().map(|((kind, key), hash)| Published { kind: *kind, key: key.clone(), hash: hash.clone() }).collect();
        write_batch(&session, workstation, batch, &digest(&after))?;
        checkpoint("group_committed");
        let committed: Vec<(ItemKind, String, Option<String>)> = batch.iter().map(|e| (e.kind, e.key.clone(), e.hash.clone())).collect();
        registry.group_acknowledge(&committed)?;
        summary.sent += batch.iter().filter(|e| e.hash.is_some()).count() as u32;
        summary.removed += batch.iter().filter(|e| e.hash.is_none()).count() as u32;
    }
    summary.outcome = PublishOutcome::Published;
    Ok(())
}

/// One publication of a workstation name at a time, across every computer: a session lock
/// (released when the connection ends, even if this process dies).
fn lock(session: &Session, workstation: &str) -> Result<()> {
    let client = session.client();
    let server = session.server().to_owned();
    session.run("lock", async {
        client.execute("SELECT pg_advisory_lock(hashtextextended('certisante.publish:' || $1, 0))", &[&workstation]).await.map(|_| ()).map_err(|e| {
            match db_error(&server, &e) {
                GroupError::Timeout { .. } => GroupError::Busy(workstation.to_owned()),
                other => other,
            }
        })
    })
}

/// The workstation's row as this role sees it: (ours, digest), or None.
fn server_row(session: &Session, workstation: &str) -> Result<Option<(bool, String)>> {
    let client = session.client();
    let server = session.server().to_owned();
    session.run("read the workstation", async {
        let row = client
            .query_opt("SELECT owner = session_user, digest FROM certisante.workstations WHERE name = $1", &[&workstation])
            .await
            .map_err(|e| db_error(&server, &e))?;
        Ok(row.map(|r| (r.get(0), r.get(1))))
    })
}

/// Every item the group holds of this workstation, by hash.
fn server_items(session: &Session, workstation: &str) -> Result<Vec<Published>> {
    let client = session.client();
    let server = session.server().to_owned();
    session.run("read back", async {
        let rows = client
            .query(
                "SELECT 'workstation', '', hash FROM certisante.workstations WHERE name = $1
                 UNION ALL SELECT 'certificate', sha256, hash FROM certisante.certificates WHERE workstation = $1
                 UNION ALL SELECT 'order', id, hash FROM certisante.orders WHERE workstation = $1
                 LIMIT $2",
                &[&workstation, &(MAX_ITEMS + 1)],
            )
            .await
            .map_err(|e| db_error(&server, &e))?;
        if rows.len() as i64 > MAX_ITEMS {
            return Err(GroupError::TooLarge(format!("more than {MAX_ITEMS} items for the workstation {workstation:?}")));
        }
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let kind: String = row.get(0);
            let Some(kind) = ItemKind::parse(&kind) else { continue };
            items.push(Published { kind, key: row.get(1), hash: row.get(2) });
        }
        Ok(items)
    })
}

/// Nothing changed: the last contact only (the group sees the workstation is alive).
fn touch(session: &Session, workstation: &str) -> Result<()> {
    let client = session.client();
    let server = session.server().to_owned();
    session.run("touch", async {
        client
            .execute("UPDATE certisante.workstations SET last_contact_at = now() WHERE name = $1", &[&workstation])
            .await
            .map(|_| ())
            .map_err(|e| publish_error(&server, workstation, &e))
    })
}

/// The backlog cut into transactions of at most BATCH_ITEMS items and about BATCH_BYTES.
fn batches(outbox: &[OutboxEntry]) -> Vec<&[OutboxEntry]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, entry) in outbox.iter().enumerate() {
        let size = entry.payload.as_ref().map_or(64, String::len);
        if i > start && (i - start >= BATCH_ITEMS || bytes + size > BATCH_BYTES) {
            out.push(&outbox[start..i]);
            start = i;
            bytes = 0;
        }
        bytes += size;
    }
    if start < outbox.len() {
        out.push(&outbox[start..]);
    }
    out
}

/// `{"hash": ..., <the payload's fields>}`: the row json_to_recordset reads.
fn with_hash(payload: &str, hash: &str) -> String {
    let body = payload.trim_start().strip_prefix('{').unwrap_or("}");
    let separator = if body.trim_start().starts_with('}') { "" } else { "," };
    format!("{{\"hash\":\"{hash}\"{separator}{body}")
}

fn rows_of(batch: &[OutboxEntry], kind: ItemKind) -> Option<String> {
    let rows: Vec<String> = batch.iter().filter(|e| e.kind == kind).filter_map(|e| Some(with_hash(e.payload.as_deref()?, e.hash.as_deref()?))).collect();
    (!rows.is_empty()).then(|| format!("[{}]", rows.join(",")))
}

fn removed_of(batch: &[OutboxEntry], kind: ItemKind) -> Vec<&str> {
    batch.iter().filter(|e| e.kind == kind && e.hash.is_none()).map(|e| e.key.as_str()).collect()
}

const UPSERT_WORKSTATION: &str = "INSERT INTO certisante.workstations (name, establishments, document, hash, digest)
     SELECT $1, ARRAY(SELECT e FROM json_array_elements_text(p -> 'establishments') AS e WHERE e IS NOT NULL), p -> 'document', $3, $4
     FROM (SELECT $2::text::json AS p) AS input
     ON CONFLICT (name) DO UPDATE SET establishments = excluded.establishments, document = excluded.document, hash = excluded.hash,
         digest = excluded.digest, last_published_at = now(), last_contact_at = now()";

const SET_DIGEST: &str = "UPDATE certisante.workstations SET digest = $2, last_published_at = now(), last_contact_at = now() WHERE name = $1";

const UPSERT_CERTIFICATES: &str = "INSERT INTO certisante.certificates AS c (workstation, sha256, hash, document, places, paths, has_private_key,
         cn, organization, structure_id, structure_kind, structure_number, environment, offer, usage, not_before, not_after, usable_until, revoked, replaced)
     SELECT $1, r.sha256, r.hash, r.document, r.places, r.paths, r.has_private_key, r.cn, r.organization, r.structure_id, r.structure_kind,
         r.structure_number, r.environment, r.offer, r.usage, r.not_before, r.not_after, r.usable_until, r.revoked, r.replaced
     FROM json_to_recordset($2::text::json) AS r(sha256 text, hash text, document json, places json, paths json, has_private_key boolean,
         cn text, organization text, structure_id text, structure_kind text, structure_number text, environment text, offer text, usage text,
         not_before timestamptz, not_after timestamptz, usable_until timestamptz, revoked boolean, replaced boolean)
     ON CONFLICT (workstation, sha256) DO UPDATE SET hash = excluded.hash, document = excluded.document, places = excluded.places,
         paths = excluded.paths, has_private_key = excluded.has_private_key, cn = excluded.cn, organization = excluded.organization,
         structure_id = excluded.structure_id, structure_kind = excluded.structure_kind, structure_number = excluded.structure_number,
         environment = excluded.environment, offer = excluded.offer, usage = excluded.usage, not_before = excluded.not_before,
         not_after = excluded.not_after, usable_until = excluded.usable_until, revoked = excluded.revoked, replaced = excluded.replaced,
         published_at = now()
     WHERE c.hash IS DISTINCT FROM excluded.hash";

const UPSERT_ORDERS: &str = "INSERT INTO certisante.orders AS o (workstation, id, hash, document, state, certificate_sha256, awaiting, since)
     SELECT $1, r.id, r.hash, r.document, r.state, r.certificate_sha256, r.awaiting, r.since
     FROM json_to_recordset($2::text::json) AS r(id text, hash text, document json, state text, certificate_sha256 text, awaiting boolean, since timestamptz)
     ON CONFLICT (workstation, id) DO UPDATE SET hash = excluded.hash, document = excluded.document, state = excluded.state,
         certificate_sha256 = excluded.certificate_sha256, awaiting = excluded.awaiting, since = excluded.since, published_at = now()
     WHERE o.hash IS DISTINCT FROM excluded.hash";

/// One batch, one transaction: the workstation row (with the digest of what the group holds
/// once this commits), then its certificates and orders.
fn write_batch(session: &Session, workstation: &str, batch: &[OutboxEntry], digest: &str) -> Result<()> {
    let client = session.client();
    let server = session.server().to_owned();
    let err = |e: tokio_postgres::Error| publish_error(&server, workstation, &e);
    let own = batch.iter().find(|e| e.kind == ItemKind::Workstation && e.hash.is_some());
    let certificates = rows_of(batch, ItemKind::Certificate);
    let orders = rows_of(batch, ItemKind::Order);
    let removed_certificates = removed_of(batch, ItemKind::Certificate);
    let removed_orders = removed_of(batch, ItemKind::Order);
    session.run("publish", async {
        client.batch_execute("BEGIN").await.map_err(err)?;
        match own {
            Some(entry) => {
                let payload = entry.payload.as_deref().unwrap_or("{}");
                client.execute(UPSERT_WORKSTATION, &[&workstation, &payload, &entry.hash, &digest]).await.map_err(err)?;
            }
            None => {
                if client.execute(SET_DIGEST, &[&workstation, &digest]).await.map_err(err)? == 0 {
                    return Err(GroupError::Server(format!("the row of the workstation {workstation:?} disappeared during the publication")));
                }
            }
        }
        if let Some(rows) = &certificates {
            client.execute(UPSERT_CERTIFICATES, &[&workstation, rows]).await.map_err(err)?;
        }
        if let Some(rows) = &orders {
            client.execute(UPSERT_ORDERS, &[&workstation, rows]).await.map_err(err)?;
        }
        if !removed_certificates.is_empty() {
            client
                .execute("DELETE FROM certisante.certificates WHERE workstation = $1 AND sha256 = ANY($2)", &[&workstation, &removed_certificates])
                .await
                .map_err(err)?;
        }
        if !removed_orders.is_empty() {
            client.execute("DELETE FROM certisante.orders WHERE workstation = $1 AND id = ANY($2)", &[&workstation, &removed_orders]).await.map_err(err)?;
        }
        checkpoint("group_sending");
        client.batch_execute("COMMIT").await.map_err(err)?;
        Ok(())
    })
}

/// A write refused by row-level security is another role's workstation name.
fn publish_error(server: &str, workstation: &str, error: &tokio_postgres::Error) -> GroupError {
    match db_error(server, error) {
        GroupError::Denied(message) if message.contains("row-level security") => GroupError::NotOwner(workstation.to_owned()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: ItemKind, key: &str, payload: Option<&str>) -> OutboxEntry {
        OutboxEntry { kind, key: key.into(), hash: payload.map(|_| "h".into()), payload: payload.map(str::to_owned), queued_at: Utc::now() }
    }

    #[test]
    fn rows_carry_their_hash_and_batches_stay_bounded() {
        assert_eq!(with_hash(r#"{"a":1}"#, "ab"), r#"{"hash":"ab","a":1}"#);
        assert_eq!(with_hash("{}", "ab"), r#"{"hash":"ab"}"#);
        let outbox: Vec<OutboxEntry> = (0..2500).map(|i| entry(ItemKind::Certificate, &format!("{i}"), Some("{}"))).collect();
        let sizes: Vec<usize> = batches(&outbox).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [1000, 1000, 500]);
        let big = "x".repeat(5 << 20);
        let outbox = vec![entry(ItemKind::Certificate, "a", Some(&big)), entry(ItemKind::Certificate, "b", Some(&big))];
        assert_eq!(batches(&outbox).len(), 2, "two rows of 5 MB do not share a transaction");
        assert!(batches(&[]).is_empty());
    }

    #[test]
    fn the_digest_does_not_depend_on_order_and_names_every_item() {
        let a = Published { kind: ItemKind::Certificate, key: "1".into(), hash: "x".into() };
        let b = Published { kind: ItemKind::Order, key: "1".into(), hash: "y".into() };
        assert_eq!(digest(&[a.clone(), b.clone()]), digest(&[b.clone(), a.clone()]));
        assert_ne!(digest(std::slice::from_ref(&a)), digest(&[a, b]));
        assert!(check_workstation("POSTE-ACCUEIL 12").is_ok());
        for bad in ["", "  ", "a\nb", &"x".repeat(256)] {
            assert_eq!(check_workstation(bad).unwrap_err().code(), "group.invalid_workstation");
        }
    }
}
