//! The `orders` and `order_states` tables. Each change of state is one transaction with
//! its audit entry and the places it makes or removes: the order, the log and the places
//! never disagree.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::{KeyOrigin, LifecycleError, Order, OrderState, Result, RevocationReason, StateChange};
use crate::audit::{Actor, AuditAction};
use crate::csr::OrderRequest;
use crate::keys::KeyKind;
use crate::places::{self, ManagedPlace};
use crate::registry::Registry;

/// The schema, appended to the registry's migrations.
pub(crate) const SCHEMA: crate::registry::Migration = crate::registry::Migration { owner: "lifecycle", sql: include_str!("orders.sql") };

fn json_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn from_text<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}

fn time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

const COLUMNS: &str = "id, state, request, key_origin, key_kind, key_in_keystore, public_key, csr_pem, certificate_sha256, not_after, renews, revocation_reason, created_at, updated_at,
    (SELECT o2.id FROM orders o2 WHERE o2.renews = orders.id ORDER BY o2.created_at DESC LIMIT 1)";

fn read_row(row: &Row<'_>) -> rusqlite::Result<Order> {
    let state: String = row.get(1)?;
    let request: String = row.get(2)?;
    let origin: String = row.get(3)?;
    let kind: String = row.get(4)?;
    let not_after: Option<String> = row.get(9)?;
    let reason: Option<String> = row.get(11)?;
    let bad = |what: &str| rusqlite::Error::InvalidColumnType(0, what.into(), rusqlite::types::Type::Text);
    Ok(Order {
        id: row.get(0)?,
        state: OrderState::parse(&state).ok_or_else(|| bad("state"))?,
        request: serde_json::from_str(&request).map_err(|_| bad("request"))?,
        key_origin: from_text(&origin).ok_or_else(|| bad("key_origin"))?,
        key_kind: from_text(&kind).ok_or_else(|| bad("key_kind"))?,
        key_in_keystore: row.get(5)?,
        csr_pem: row.get(7)?,
        certificate_sha256: row.get(8)?,
        not_after: not_after.as_deref().map(time),
        renews: row.get(10)?,
        revocation_reason: reason.as_deref().and_then(from_text),
        created_at: time(&row.get::<_, String>(12)?),
        updated_at: time(&row.get::<_, String>(13)?),
        renewed_by: row.get(14)?,
        history: vec![],
    })
}

fn history(conn: &Connection, id: &str) -> rusqlite::Result<Vec<StateChange>> {
    let mut statement = conn.prepare("SELECT state, at FROM order_states WHERE order_id = ?1 ORDER BY rowid")?;
    let changes = statement
        .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .filter_map(|r| r.ok())
        .filter_map(|(state, at)| OrderState::parse(&state).map(|state| StateChange { state, at: time(&at) }))
        .collect();
    Ok(changes)
}

fn load_in(conn: &Connection, id: &str) -> rusqlite::Result<Option<Order>> {
    let Some(mut row) = conn.query_row(&format!("SELECT {COLUMNS} FROM orders WHERE id = ?1"), [id], read_row).optional()? else { return Ok(None) };
    row.history = history(conn, id)?;
    Ok(Some(row))
}

pub(crate) fn load(registry: &Registry, id: &str) -> Result<Order> {
    load_in(&registry.read(), id)?.ok_or_else(|| LifecycleError::UnknownOrder(id.to_owned()))
}

/// Every order, newest first, with its history.
pub(crate) fn all_orders(conn: &Connection) -> rusqlite::Result<Vec<Order>> {
    let mut statement = conn.prepare(&format!("SELECT {COLUMNS} FROM orders ORDER BY created_at DESC, id"))?;
    let mut orders: Vec<Order> = statement.query_map([], read_row)?.collect::<rusqlite::Result<_>>()?;
    for order in &mut orders {
        order.history = history(conn, &order.id)?;
    }
    Ok(orders)
}

pub(crate) fn all(registry: &Registry) -> Result<Vec<Order>> {
    Ok(all_orders(&registry.read())?)
}

fn ids(registry: &Registry, sql: &str, param: &dyn rusqlite::ToSql) -> Result<Vec<String>> {
    let conn = registry.read();
    let mut statement = conn.prepare(sql)?;
    let ids = statement.query_map([param], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

pub(crate) fn ids_in_state(registry: &Registry, state: OrderState) -> Result<Vec<String>> {
    ids(registry, "SELECT id FROM orders WHERE state = ?1 ORDER BY created_at", &state.as_str())
}

/// Orders whose key is `public_key` (SubjectPublicKeyInfo DER).
pub(crate) fn by_public_key(registry: &Registry, public_key: &[u8]) -> Result<Vec<Order>> {
    ids(registry, "SELECT id FROM orders WHERE public_key = ?1 ORDER BY created_at DESC", &public_key)?.iter().map(|id| load(registry, id)).collect()
}

pub(crate) fn find_by_certificate(registry: &Registry, sha256_prefix: &str) -> Result<Option<Order>> {
    let prefix = sha256_prefix.to_ascii_lowercase();
    if prefix.len() < 8 || !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let found = ids(registry, "SELECT id FROM orders WHERE certificate_sha256 LIKE ?1 || '%' ORDER BY created_at DESC", &prefix)?;
    match found.as_slice() {
        [one] => load(registry, one).map(Some),
        _ => Ok(None),
    }
}

/// Orders with a place whose write may not have finished (a crash came in between).
pub(crate) fn with_pending_places(registry: &Registry) -> Result<Vec<String>> {
    ids(registry, "SELECT DISTINCT order_id FROM managed_places WHERE pending = ?1 ORDER BY order_id", &true)
}

/// The certificate chain of an order, leaf first (DER).
pub(crate) fn chain(registry: &Registry, id: &str) -> Result<Vec<Vec<u8>>> {
    let conn = registry.read();
    let chain: Option<String> = conn.query_row("SELECT chain FROM orders WHERE id = ?1", [id], |r| r.get(0)).optional()?.flatten();
    let hashes: Vec<String> = chain.and_then(|c| serde_json::from_str(&c).ok()).unwrap_or_default();
    let mut ders = Vec::with_capacity(hashes.len());
    for hash in hashes {
        let der: Vec<u8> = conn.query_row("SELECT der FROM certificates WHERE sha256 = ?1", [&hash], |r| r.get(0))?;
        ders.push(der);
    }
    Ok(ders)
}

// ---------------------------------------------------------------- changes

/// Runs `change` and records the new state (when given) and the audit entry, in one
/// transaction (the registry's: IMMEDIATE, so the app and the CLI never interleave two
/// changes, nor two audit entries with the same seq).
fn change<F>(
    registry: &Registry,
    id: &str,
    new_state: Option<OrderState>,
    actor: &Actor,
    action: AuditAction,
    details: serde_json::Value,
    change: F,
) -> Result<()>
where
    F: FnOnce(&Transaction<'_>, &str) -> Result<()>,
{
    registry.write(|tx| {
        let now = Utc::now().to_rfc3339();
        change(tx, &now)?;
        if let Some(state) = new_state {
            set_state(tx, id, state, &now)?;
        }
        Registry::audit_append_in(tx, actor, action, id, details)?;
        Ok(())
    })
}

fn set_state(tx: &Transaction<'_>, id: &str, state: OrderState, now: &str) -> Result<()> {
    let updated = tx.execute("UPDATE orders SET state = ?2, updated_at = ?3 WHERE id = ?1", params![id, state.as_str(), now])?;
    if updated == 0 {
        return Err(LifecycleError::UnknownOrder(id.to_owned()));
    }
    tx.execute("INSERT INTO order_states (order_id, state, at) VALUES (?1, ?2, ?3)", params![id, state.as_str(), now])?;
    Ok(())
}

pub(crate) fn insert_draft(registry: &Registry, actor: &Actor, id: &str, request: &OrderRequest, kind: KeyKind, renews: Option<&str>) -> Result<()> {
    insert(registry, actor, id, request, kind, KeyOrigin::Local, renews)
}

/// Writes a new order row in the draft state, with its first history line.
pub(crate) fn insert(
    registry: &Registry,
    actor: &Actor,
    id: &str,
    request: &OrderRequest,
    kind: KeyKind,
    origin: KeyOrigin,
    renews: Option<&str>,
) -> Result<()> {
    let request_json = serde_json::to_string(request).expect("an order request serialises");
    let details = serde_json::json!({
        "offer": json_text(&request.offer), "usage": json_text(&request.usage),
        "environment": json_text(&request.environment), "common_name": request.common_name,
        "key_origin": json_text(&origin), "renews": renews,
    });
    change(registry, id, None, actor, AuditAction::OrderCreated, details, |tx, now| {
        tx.execute(
            "INSERT INTO orders (id, state, request, key_origin, key_kind, renews, created_at, updated_at) VALUES (?1, 'draft', ?2, ?3, ?4, ?5, ?6, ?6)",
            params![id, request_json, json_text(&origin), json_text(&kind), renews, now],
        )?;
        tx.execute("INSERT INTO order_states (order_id, state, at) VALUES (?1, 'draft', ?2)", params![id, now])?;
        Ok(())
    })
}

pub(crate) fn key_generated(registry: &Registry, actor: &Actor, id: &str, public_key: &[u8], csr_der: &[u8], csr_pem: &str) -> Result<()> {
    let details = serde_json::json!({ "public_key_sha256": crate::certs::fingerprint(public_key) });
    change(registry, id, Some(OrderState::KeyGenerated), actor, AuditAction::KeyGenerated, details, |tx, _| {
        tx.execute(
            "UPDATE orders SET public_key = ?2, csr_der = ?3, csr_pem = ?4, key_in_keystore = 1 WHERE id = ?1",
            params![id, public_key, csr_der, csr_pem],
        )?;
        Ok(())
    })
}

pub(crate) fn csr_exported(registry: &Registry, actor: &Actor, id: &str, target: &str) -> Result<()> {
    let row = load(registry, id)?;
    // Exporting again (a second copy) is audited but does not move the state back.
    let state = (row.state == OrderState::KeyGenerated).then_some(OrderState::CsrExported);
    change(registry, id, state, actor, AuditAction::CsrExported, serde_json::json!({ "to": target }), |_, _| Ok(()))
}

/// Stores the issued certificate and its chain (DER, leaf first) in `certificates`.
fn store_chain(tx: &Transaction<'_>, now: &str, chain: &[Vec<u8>]) -> rusqlite::Result<Vec<String>> {
    chain.iter().map(|der| Registry::upsert_certificate(tx, der, now)).collect()
}

pub(crate) struct Imported<'a> {
    pub chain: &'a [Vec<u8>],
    pub not_after: DateTime<Utc>,
    pub source: &'a str,
}

/// The certificate of an order arrived. The keystore entry holding its key becomes one of
/// its places in the same transaction. (A renewed order is marked renewed when this one is
/// installed, not before: until then the old certificate is the one in use.)
pub(crate) fn certificate_imported(registry: &Registry, actor: &Actor, id: &str, imported: &Imported<'_>) -> Result<String> {
    let leaf_hash = crate::certs::fingerprint(&imported.chain[0]);
    let details = serde_json::json!({ "certificate_sha256": leaf_hash, "from": imported.source });
    change(registry, id, Some(OrderState::CertificateImported), actor, AuditAction::CertificateImported, details, |tx, now| {
        let hashes = store_chain(tx, now, imported.chain)?;
        tx.execute(
            "UPDATE orders SET certificate_sha256 = ?2, chain = ?3, not_after = ?4 WHERE id = ?1",
            params![id, hashes[0], serde_json::to_string(&hashes).unwrap_or_default(), imported.not_after.to_rfc3339()],
        )?;
        places::record(tx, id, &[ManagedPlace::keystore(id, &hashes[0])], false)?;
        Ok(())
    })?;
    Ok(leaf_hash)
}

/// A .p12 made by the platform: the order is created already holding its certificate, in
/// one transaction with its keystore place (the key was saved in the keystore just before).
pub(crate) fn portal_order(
    registry: &Registry,
    actor: &Actor,
    id: &str,
    request: &OrderRequest,
    kind: KeyKind,
    public_key: &[u8],
    imported: &Imported<'_>,
) -> Result<()> {
    registry.write(|tx| {
        let now = Utc::now().to_rfc3339();
        let hashes = store_chain(tx, &now, imported.chain)?;
        tx.execute(
            "INSERT INTO orders (id, state, request, key_origin, key_kind, key_in_keystore, public_key, certificate_sha256, chain, not_after, created_at, updated_at)
             VALUES (?1, 'certificate_imported', ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9, ?9)",
            params![
                id,
                serde_json::to_string(request).expect("an order request serialises"),
                json_text(&KeyOrigin::PortalP12),
                json_text(&kind),
                public_key,
                hashes[0],
                serde_json::to_string(&hashes).unwrap_or_default(),
                imported.not_after.to_rfc3339(),
                now
            ],
        )?;
        tx.execute("INSERT INTO order_states (order_id, state, at) VALUES (?1, 'certificate_imported', ?2)", params![id, now])?;
        places::record(tx, id, &[ManagedPlace::keystore(id, &hashes[0])], false)?;
        let details = serde_json::json!({ "certificate_sha256": hashes[0], "from": imported.source, "key_moved_to_keystore": true });
        Registry::audit_append_in(tx, actor, AuditAction::CertificateImported, id, details)?;
        Ok(())
    })
}

/// Before an install writes anything: its places, pending. A crash between the write and
/// [`installed`] leaves them pending, for `resume` to settle.
pub(crate) fn install_started(registry: &Registry, id: &str, places: &[ManagedPlace]) -> Result<()> {
    registry.write(|tx| Ok(places::record(tx, id, places, true)?))
}

/// The install wrote nothing (it failed): its pending places go.
pub(crate) fn install_failed(registry: &Registry, id: &str) -> Result<()> {
    registry.write(|tx| Ok(places::drop_pending(tx, id)?))
}

/// The install is done: its places become places, the order `installed` (from
/// `certificate_imported`), with the audit entry, in one transaction. The first install of
/// a renewal marks the order it renews `renewed`: the new certificate took over.
pub(crate) fn installed(registry: &Registry, actor: &Actor, id: &str, action: AuditAction, details: serde_json::Value) -> Result<()> {
    let row = load(registry, id)?;
    let state = (row.state == OrderState::CertificateImported).then_some(OrderState::Installed);
    change(registry, id, state, actor, action, details, |tx, now| {
        places::confirm(tx, id)?;
        if let (Some(old), Some(_)) = (&row.renews, state) {
            let updated = tx.execute(
                "UPDATE orders SET state = 'renewed', updated_at = ?2 WHERE id = ?1 AND state NOT IN ('revoked', 'cancelled', 'renewed')",
                params![old, now],
            )?;
            if updated > 0 {
                tx.execute("INSERT INTO order_states (order_id, state, at) VALUES (?1, 'renewed', ?2)", params![old, now])?;
                Registry::audit_append_in(tx, actor, AuditAction::Renewed, old, serde_json::json!({ "renewed_by": id }))?;
            }
        }
        Ok(())
    })
}

pub(crate) fn revoked(registry: &Registry, actor: &Actor, id: &str, reason: RevocationReason) -> Result<()> {
    change(registry, id, Some(OrderState::Revoked), actor, AuditAction::Revoked, serde_json::json!({ "reason": json_text(&reason) }), |tx, _| {
        tx.execute("UPDATE orders SET revocation_reason = ?2 WHERE id = ?1", params![id, json_text(&reason)])?;
        Ok(())
    })
}

/// The key left the keystore: so does its place.
pub(crate) fn key_retired(registry: &Registry, actor: &Actor, id: &str) -> Result<()> {
    change(registry, id, None, actor, AuditAction::KeyRetired, serde_json::json!({}), |tx, _| {
        tx.execute("UPDATE orders SET key_in_keystore = 0 WHERE id = ?1", [id])?;
        places::forget_key(tx, id)?;
        Ok(())
    })
}

pub(crate) fn cancelled(registry: &Registry, actor: &Actor, id: &str) -> Result<()> {
    change(registry, id, Some(OrderState::Cancelled), actor, AuditAction::OrderCancelled, serde_json::json!({}), |_, _| Ok(()))
}

/// Orders holding a certificate past its end become expired (once; the history keeps when
/// it was noticed). Expiry is noticed, not done by anyone: no audit entry.
pub(crate) fn mark_expired(registry: &Registry, now: DateTime<Utc>) -> Result<()> {
    let expired = ids(
        registry,
        "SELECT id FROM orders WHERE state IN ('certificate_imported', 'installed') AND not_after IS NOT NULL AND not_after < ?1",
        &now.to_rfc3339(),
    )?;
    for id in expired {
        registry.write(|tx| set_state(tx, &id, OrderState::Expired, &Utc::now().to_rfc3339()))?;
    }
    Ok(())
}

pub(crate) fn audit(registry: &Registry, actor: &Actor, action: AuditAction, object: &str, details: serde_json::Value) -> Result<()> {
    registry.audit_append(actor, action, object, details)?;
    Ok(())
}
