//! What a workstation publishes, built from what its registry lists: one item for the
//! workstation (its name, the establishments it serves, its read errors), one per
//! certificate (the `list --json` entry, whole, so that a field added to the certificate
//! model is published with no change here) and one per order (its state and history).
//!
//! Never a secret: keys, passwords, revocation codes and PINs live in `Sensitive` values,
//! which cannot be serialised, so none is in what the registry lists; and every document
//! is scrubbed of fields by those names all the same (a test reads the whole group database
//! back looking for them).
//!
//! Each item's hash covers what matters, not what changes by itself with time: status,
//! severity and days left are recomputed when the group is read; the last sighting and the
//! revocation answer's dates are sent with the next real change. So an unchanged
//! workstation sends nothing, day after day.

use std::collections::BTreeSet;

use certisante_store::group_outbox::{GroupItem, ItemKind};
use certisante_store::inventory::ScanReport;
use certisante_store::lifecycle::Order;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use certisante_pki::view::{CertificateView, Status};

/// Field names never published, wherever they appear.
pub const SECRET_FIELDS: &[&str] =
    &["password", "p12_password", "pin", "puk", "secret", "secrets", "revocation_code", "private_key", "pkcs8", "key_pem", "key_der"];

/// Certificate fields the group recomputes when read, or keeps beside the document.
const SPLIT_FIELDS: &[&str] = &["status", "severity", "days_left", "places", "paths", "has_private_key"];

/// Document fields that change with time alone: left out of the hash.
const VOLATILE_FIELDS: &[&str] = &["last_seen"];
const VOLATILE_REVOCATION_FIELDS: &[&str] = &["checked_at", "this_update", "next_update", "stale"];

/// Read errors published per workstation, at most.
const MAX_ERRORS: usize = 100;

/// The workstation's own item.
pub fn workstation_item(name: &str, report: &ScanReport, orders: &[Order]) -> GroupItem {
    // Its certificates' establishments, and those of its orders (one waiting for the portal
    // is often a workstation's only tie to an establishment), as the OU says them.
    let mut establishments: BTreeSet<String> = report.certificates.iter().filter(|c| !c.is_ca).filter_map(|c| c.structure_id.clone()).collect();
    establishments.extend(orders.iter().filter_map(|o| certisante_pki::csr::structure_ou(&o.request.structure_id)));
    let errors: Vec<Value> =
        report.errors.iter().take(MAX_ERRORS).map(|e| serde_json::json!({ "path": e.path, "code": e.code, "message": e.message })).collect();
    let document = serde_json::json!({
        "name": name,
        "app_version": env!("CARGO_PKG_VERSION"),
        "os": std::env::consts::OS,
        "certificates": report.certificates.len(),
        "orders": orders.len(),
        "errors": errors,
        "error_count": report.errors.len(),
    });
    let payload = serde_json::json!({ "document": document, "establishments": establishments });
    let text = payload.to_string();
    GroupItem { kind: ItemKind::Workstation, key: String::new(), hash: hash(&text), payload: text }
}

/// A certificate's item: its document, where it lives here, and the columns filters use.
pub fn certificate_item(workstation: &str, view: &CertificateView) -> GroupItem {
    let Value::Object(mut document) = serde_json::to_value(view).unwrap_or_default() else { unreachable_object() };
    for field in SPLIT_FIELDS {
        document.remove(*field);
    }
    scrub(&mut document);
    let places: Vec<Value> = view
        .places
        .iter()
        .map(|place| {
            let mut value = serde_json::to_value(place).unwrap_or_default();
            if let Value::Object(map) = &mut value {
                scrub(map);
                map.insert("workstation".into(), Value::String(workstation.to_owned()));
            }
            value
        })
        .collect();
    let mut row = Map::new();
    row.insert("sha256".into(), Value::String(view.sha256.clone()));
    row.insert("places".into(), Value::Array(places));
    row.insert("paths".into(), serde_json::json!(view.paths));
    row.insert("has_private_key".into(), Value::Bool(view.has_private_key));
    row.insert("cn".into(), serde_json::json!(view.cn));
    row.insert("organization".into(), serde_json::json!(view.organization));
    row.insert("structure_id".into(), serde_json::json!(view.structure_id));
    row.insert("structure_kind".into(), Value::String(enum_text(&view.structure_kind)));
    row.insert("structure_number".into(), serde_json::json!(view.structure_number));
    row.insert("environment".into(), Value::String(enum_text(&view.environment)));
    row.insert("offer".into(), serde_json::json!(view.offer));
    row.insert("usage".into(), serde_json::json!(view.usage));
    row.insert("not_before".into(), Value::String(view.not_before.to_rfc3339()));
    row.insert("not_after".into(), Value::String(view.not_after.to_rfc3339()));
    row.insert("usable_until".into(), Value::String(view.usable_until.to_rfc3339()));
    row.insert("revoked".into(), Value::Bool(view.revocation.state == certisante_pki::revocation::RevocationState::Revoked));
    row.insert("replaced".into(), Value::Bool(view.status == Status::Replaced || view.order.as_ref().is_some_and(|o| o.replaced_by.is_some())));
    // Hashed without what time alone changes; sent with it.
    let mut stable = document.clone();
    for field in VOLATILE_FIELDS {
        stable.remove(*field);
    }
    if let Some(Value::Object(revocation)) = stable.get_mut("revocation") {
        for field in VOLATILE_REVOCATION_FIELDS {
            revocation.remove(*field);
        }
        if let Some(Value::Object(error)) = revocation.get_mut("error") {
            error.remove("at");
        }
    }
    row.insert("document".into(), Value::Object(stable));
    let hash = hash(&Value::Object(row.clone()).to_string());
    row.insert("document".into(), Value::Object(document));
    GroupItem { kind: ItemKind::Certificate, key: view.sha256.clone(), hash, payload: Value::Object(row).to_string() }
}

/// An order's item: its state, request and history (not its CSR: bulky, and on the portal).
pub fn order_item(order: &Order) -> GroupItem {
    let Value::Object(mut document) = serde_json::to_value(order).unwrap_or_default() else { unreachable_object() };
    document.remove("csr_pem");
    scrub(&mut document);
    let since = order.history.iter().rev().find(|c| c.state == order.state).map_or(order.updated_at, |c| c.at);
    let row = serde_json::json!({
        "id": order.id,
        "document": document,
        "state": order.state,
        "certificate_sha256": order.certificate_sha256,
        "awaiting": order.state.awaits_certificate(),
        "since": since.to_rfc3339(),
    });
    let text = row.to_string();
    GroupItem { kind: ItemKind::Order, key: order.id.clone(), hash: hash(&text), payload: text }
}

/// Every item of a workstation: itself, its certificates, its orders.
pub fn items(workstation: &str, report: &ScanReport, orders: &[Order]) -> Vec<GroupItem> {
    let mut items = Vec::with_capacity(1 + report.certificates.len() + orders.len());
    items.push(workstation_item(workstation, report, orders));
    items.extend(report.certificates.iter().map(|view| certificate_item(workstation, view)));
    items.extend(orders.iter().map(order_item));
    items
}

/// Removes every field named like a secret, at any depth.
pub fn scrub(map: &mut Map<String, Value>) {
    map.retain(|key, _| !SECRET_FIELDS.contains(&key.as_str()));
    for value in map.values_mut() {
        scrub_value(value);
    }
}

fn scrub_value(value: &mut Value) {
    match value {
        Value::Object(map) => scrub(map),
        Value::Array(items) => items.iter_mut().for_each(scrub_value),
        _ => {}
    }
}

pub fn hash(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Every certificate view and order serialises to a JSON object.
fn unreachable_object() -> ! {
    unreachable!("a serialised struct is a JSON object")
}

/// The JSON text of a unit enum ("PROD", "FINESS"...).
pub(crate) fn enum_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubbing_drops_secret_fields_at_any_depth_and_keeps_the_rest() {
        let mut map = serde_json::json!({
            "has_private_key": true,
            "private_key_usage_end": "2030-01-01",
            "private_key": "x",
            "order": { "revocation_code": "1234", "state": "installed", "steps": [{ "password": "p", "pin": "0000", "ok": 1 }] },
        });
        let Value::Object(map_ref) = &mut map else { panic!() };
        scrub(map_ref);
        assert_eq!(
            map,
            serde_json::json!({ "has_private_key": true, "private_key_usage_end": "2030-01-01", "order": { "state": "installed", "steps": [{ "ok": 1 }] } })
        );
    }
}
