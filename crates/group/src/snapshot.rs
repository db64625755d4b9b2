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
//! Within the schema's size limits (migration 2): texts cut, establishments and errors
//! counted, and a certificate whose row would still be too large left out and said in the
//! workstation's errors, so that one odd file never stops a workstation's publication.
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
/// The schema's limits (migration 2), kept here with a margin.
/// A certificate row: its document, places and paths, in bytes of JSON text.
pub const MAX_CERTIFICATE_BYTES: usize = 1_000_000;
/// Establishments of a workstation, and bytes of each one's identifier.
const MAX_ESTABLISHMENTS: usize = 1000;
const MAX_ESTABLISHMENT_BYTES: usize = 64;
/// Bytes of each text column beside a certificate's document (eight of them: 4,096 in all).
const MAX_COLUMN_BYTES: usize = 256;
/// Bytes of a read error's path and message.
const MAX_ERROR_TEXT_BYTES: usize = 1024;

/// `text` cut to at most `max` bytes, on a character boundary.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The workstation's own item.
pub fn workstation_item(name: &str, report: &ScanReport, orders: &[Order]) -> GroupItem {
    workstation_item_with(name, report, orders, &[])
}

/// The workstation's item, with `left_out`: the certificates too large to publish, said as
/// read errors (first, so that they are never beyond MAX_ERRORS).
fn workstation_item_with(name: &str, report: &ScanReport, orders: &[Order], left_out: &[Value]) -> GroupItem {
    // Its certificates' establishments, and those of its orders (one waiting for the portal
    // is often a workstation's only tie to an establishment), as the OU says them.
    let mut establishments: BTreeSet<String> = report.certificates.iter().filter(|c| !c.is_ca).filter_map(|c| c.structure_id.clone()).collect();
    establishments.extend(orders.iter().filter_map(|o| certisante_pki::csr::structure_ou(&o.request.structure_id)));
    // Identifiers are ten to fifteen characters: a longer "OU" is no establishment's.
    let establishments: Vec<String> = establishments.into_iter().filter(|e| e.len() <= MAX_ESTABLISHMENT_BYTES).take(MAX_ESTABLISHMENTS).collect();
    let read_errors = report.errors.iter().map(|e| {
        serde_json::json!({
            "path": cut(&e.path, MAX_ERROR_TEXT_BYTES),
            "code": cut(&e.code, MAX_ESTABLISHMENT_BYTES),
            "message": cut(&e.message, MAX_ERROR_TEXT_BYTES),
        })
    });
    let errors: Vec<Value> = left_out.iter().cloned().chain(read_errors).take(MAX_ERRORS).collect();
    let document = serde_json::json!({
        "name": name,
        "app_version": env!("CARGO_PKG_VERSION"),
        "os": std::env::consts::OS,
        "certificates": report.certificates.len(),
        "orders": orders.len(),
        "errors": errors,
        "error_count": report.errors.len() + left_out.len(),
    });
    let payload = serde_json::json!({ "document": document, "establishments": establishments });
    let text = payload.to_string();
    GroupItem { kind: ItemKind::Workstation, key: String::new(), hash: hash(&text), payload: text }
}

/// A certificate's item: its document, where it lives here, and the columns filters use.
/// None when its row would be over the schema's limit even with places and paths cut.
pub fn certificate_item(workstation: &str, view: &CertificateView) -> Option<GroupItem> {
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
    let paths: Vec<Value> = view.paths.iter().map(|p| Value::String(p.clone())).collect();
    let column = |text: &Option<String>| text.as_deref().map_or(Value::Null, |t| Value::String(cut(t, MAX_COLUMN_BYTES).to_owned()));
    let mut row = Map::new();
    row.insert("sha256".into(), Value::String(view.sha256.clone()));
    row.insert("places".into(), Value::Array(places));
    row.insert("paths".into(), Value::Array(paths));
    row.insert("has_private_key".into(), Value::Bool(view.has_private_key));
    row.insert("cn".into(), column(&view.cn));
    row.insert("organization".into(), column(&view.organization));
    row.insert("structure_id".into(), column(&view.structure_id));
    row.insert("structure_kind".into(), Value::String(cut(&enum_text(&view.structure_kind), MAX_COLUMN_BYTES).to_owned()));
    row.insert("structure_number".into(), column(&view.structure_number));
    row.insert("environment".into(), Value::String(cut(&enum_text(&view.environment), MAX_COLUMN_BYTES).to_owned()));
    row.insert("offer".into(), serde_json::to_value(view.offer).unwrap_or_default());
    row.insert("usage".into(), serde_json::to_value(view.usage).unwrap_or_default());
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
    row.insert("document".into(), Value::Object(document));
    let mut payload = serde_json::to_string(&row).unwrap_or_default();
    // Within the schema's limit: measured on the text sent (a few kilobytes as a rule), and
    // only past it are places and paths cut to what fits beside the document.
    if payload.len() > MAX_CERTIFICATE_BYTES {
        let document_bytes = serde_json::to_string(&row["document"]).map_or(usize::MAX, |t| t.len());
        let mut take = |field: &str| match row.remove(field) {
            Some(Value::Array(values)) => values,
            _ => Vec::new(),
        };
        let (places, paths) = within(take("places"), take("paths"), MAX_CERTIFICATE_BYTES.checked_sub(document_bytes)?)?;
        row.insert("places".into(), Value::Array(places));
        row.insert("paths".into(), Value::Array(paths));
        payload = serde_json::to_string(&row).unwrap_or_default();
    }
    row.insert("document".into(), Value::Object(stable));
    let hash = hash(&serde_json::to_string(&row).unwrap_or_default());
    Some(GroupItem { kind: ItemKind::Certificate, key: view.sha256.clone(), hash, payload })
}

/// The places and paths that fit in `budget` bytes of JSON text, in order (a certificate
/// copied into thousands of files: the first ones); None when not even empty arrays fit.
fn within(places: Vec<Value>, paths: Vec<Value>, budget: usize) -> Option<(Vec<Value>, Vec<Value>)> {
    let size = |values: &[Value]| 2 + values.iter().map(|v| v.to_string().len() + 1).sum::<usize>();
    if size(&places) + size(&paths) <= budget {
        return Some((places, paths));
    }
    let mut used = 4; // "[]" twice
    if used > budget {
        return None;
    }
    let mut keep = |values: Vec<Value>| -> Vec<Value> {
        let mut kept = Vec::new();
        for value in values {
            let bytes = value.to_string().len() + 1;
            if used + bytes > budget {
                break;
            }
            used += bytes;
            kept.push(value);
        }
        kept
    };
    let places = keep(places);
    let paths = keep(paths);
    Some((places, paths))
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

/// Every item of a workstation: itself, its certificates, its orders. A certificate too
/// large to publish is said in the workstation's errors (`group.row_too_large`).
pub fn items(workstation: &str, report: &ScanReport, orders: &[Order]) -> Vec<GroupItem> {
    let mut certificates = Vec::with_capacity(report.certificates.len());
    let mut left_out = Vec::new();
    for view in &report.certificates {
        match certificate_item(workstation, view) {
            Some(item) => certificates.push(item),
            None => left_out.push(serde_json::json!({
                "path": view.paths.first().map_or("", |p| cut(p, MAX_ERROR_TEXT_BYTES)),
                "code": "group.row_too_large",
                "message": format!("the certificate {} is too large for the group database (over {MAX_CERTIFICATE_BYTES} bytes): not published", view.sha256),
            })),
        }
    }
    let mut items = Vec::with_capacity(1 + certificates.len() + orders.len());
    items.push(workstation_item_with(workstation, report, orders, &left_out));
    items.extend(certificates);
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
    use certisante_store::inventory::{scan_paths, ScanOptions};
    use certisante_testpki::{Hierarchy, LeafSpec, Usage};

    fn a_certificate() -> CertificateView {
        let dir = tempfile::tempdir().unwrap();
        let leaf = Hierarchy::new().issue(&LeafSpec::new(Usage::AuthCli, "DMP", 400));
        std::fs::write(dir.path().join("dmp.pem"), leaf.cert_pem).unwrap();
        let report = scan_paths(&[dir.path().to_path_buf()], &ScanOptions::default(), &|_| {});
        report.certificates.into_iter().find(|c| !c.is_ca).unwrap()
    }

    /// The schema's limits (migration 2) on a certificate row, as the server counts them.
    fn within_the_schemas_limits(item: &GroupItem) {
        let row: Value = serde_json::from_str(&item.payload).unwrap();
        let bytes = |field: &str| row[field].to_string().len();
        assert!(bytes("document") + bytes("places") + bytes("paths") <= 1_048_576);
        let columns: usize = ["cn", "organization", "structure_id", "structure_kind", "structure_number", "environment", "offer", "usage"]
            .iter()
            .map(|c| row[*c].as_str().map_or(0, str::len))
            .sum();
        assert!(columns <= 4096, "{columns}");
    }

    #[test]
    fn rows_stay_within_the_schemas_limits_and_a_certificate_too_large_is_said_not_published() {
        // Copied into 20,000 files (2 MB of paths): published with the paths that fit.
        let mut many = a_certificate();
        many.paths = (0..20_000).map(|i| format!("/srv/partage/copies/{i:05}/{}.pem", "x".repeat(60))).collect();
        many.organization = Some("O".repeat(10_000));
        let item = certificate_item("POSTE", &many).unwrap();
        within_the_schemas_limits(&item);
        let row: Value = serde_json::from_str(&item.payload).unwrap();
        let kept = row["paths"].as_array().unwrap().len();
        assert!(kept > 1000 && kept < 20_000, "{kept}");
        assert_eq!(row["organization"].as_str().unwrap().len(), MAX_COLUMN_BYTES);

        // A document over the limit by itself: left out, said in the workstation's errors;
        // the other certificates are published.
        let mut huge = a_certificate();
        huge.sha256 = "f".repeat(64);
        huge.cn = Some("é".repeat(600_000));
        assert!(certificate_item("POSTE", &huge).is_none());
        let report = ScanReport { certificates: vec![a_certificate(), huge], errors: vec![] };
        let items = items("POSTE", &report, &[]);
        assert_eq!(items.iter().filter(|i| i.kind == ItemKind::Certificate).count(), 1);
        let workstation: Value = serde_json::from_str(&items[0].payload).unwrap();
        assert_eq!(workstation["document"]["errors"][0]["code"], "group.row_too_large");
        assert_eq!(workstation["document"]["error_count"], 1);
        assert!(workstation["document"]["errors"][0]["message"].as_str().unwrap().contains(&"f".repeat(64)));
    }

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
