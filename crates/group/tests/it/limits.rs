//! Size limits: a publisher cannot write a row that readers would not take (the schema's
//! checks, migration 2), and a row larger than readers take (written before those checks)
//! is left out of the listing and said in its errors: one workstation's row never stops the
//! whole group's listing.

use certisante_group::{publish, read, Address};
use certisante_store::group_outbox::ItemKind;
use serde_json::Value;

use crate::{cluster, group_database, read_options, Workstation};

#[test]
fn an_oversized_row_is_refused_when_written_and_left_out_when_read() {
    let Some(cluster) = cluster() else { return };
    let db = group_database(cluster);
    let role = db.role("poste", &["certisante_publisher", "certisante_reader"]);
    let url = db.tls_url(&role);
    let a = Workstation::new("POSTE-A", &["DMP", "ROC"]);
    a.publish(&url).unwrap();
    let held = db.psql("SELECT string_agg(sha256 || hash || paths::text, ',' ORDER BY sha256) FROM certisante.certificates");

    // One certificate whose paths weigh 2 MB (a broken or hostile workstation): refused by
    // its code; the change waits in the backlog, the server keeps what it held.
    let mut items = a.items();
    let big = items.iter_mut().find(|i| i.kind == ItemKind::Certificate).unwrap();
    let mut payload: Value = serde_json::from_str(&big.payload).unwrap();
    payload["paths"] = Value::from(vec!["x".repeat(1000); 2100]);
    big.payload = payload.to_string();
    big.hash = certisante_group::snapshot::hash(&big.payload);
    let address = Address::parse(&url).unwrap();
    let error = publish::publish(&a.registry, &address, None, "POSTE-A", &items).unwrap_err();
    assert_eq!(error.code(), "group.row_too_large", "{error}");
    assert_eq!(a.registry.group_backlog().unwrap().pending, 1, "nothing lost: the change waits");
    assert_eq!(db.psql("SELECT string_agg(sha256 || hash || paths::text, ',' ORDER BY sha256) FROM certisante.certificates"), held);

    // A row over the readers' limit, as a database from before the checks may hold one.
    db.psql("ALTER TABLE certisante.certificates DROP CONSTRAINT certificates_size");
    db.psql("UPDATE certisante.certificates SET places = json_build_array(repeat('x', 1100000)) WHERE cn = 'DMP'");
    let dmp = db.psql("SELECT sha256 FROM certisante.certificates WHERE cn = 'DMP'").trim().to_owned();
    let session = certisante_group::connect(&address, None).unwrap();
    let listing = read::list(&session, &read_options()).unwrap();
    let listed: Vec<Value> = listing.certificates.iter().map(|c| serde_json::from_str(c.get()).unwrap()).collect();
    assert_eq!(listed.iter().map(|c| c["cn"].as_str().unwrap()).collect::<Vec<_>>(), ["ROC"], "the rest is listed");
    let said: Vec<_> = listing.errors.iter().filter(|e| e.code == "group.too_large").collect();
    assert_eq!(said.len(), 1, "{:?}", listing.errors);
    assert_eq!(said[0].workstation, "POSTE-A");
    assert!(said[0].message.contains(&dmp), "{}", said[0].message);
    // `group list --json` as written: JSON, with the same error.
    let mut text = Vec::new();
    read::raw_list(&session, &read_options()).unwrap().write_json(&mut text).unwrap();
    let json: Value = serde_json::from_slice(&text).unwrap();
    assert_eq!(json["certificates"].as_array().unwrap().len(), 1);
    assert!(json["errors"].as_array().unwrap().iter().any(|e| e["code"] == "group.too_large"));
    // The view's rows need no document: both; the oversized one's details are refused by code.
    assert_eq!(read::rows(&session, &read_options()).unwrap().rows.len(), 2);
    assert_eq!(read::certificate(&session, &dmp, &read_options()).unwrap_err().code(), "group.too_large");

    // The checks bind every writer, the administrator too: no empty establishment.
    let refused = db.cluster.try_psql(&db.name, "UPDATE certisante.workstations SET establishments = ARRAY[NULL, '1310000001']::text[]");
    assert!(!refused.status.success() && String::from_utf8_lossy(&refused.stderr).contains("workstations_size"));

    // Rows from before the checks: a workstation's document over the limit, an empty
    // establishment, a name of 5,000 characters; all read, the texts cut.
    db.psql("ALTER TABLE certisante.workstations DROP CONSTRAINT workstations_size");
    db.psql("UPDATE certisante.workstations SET establishments = ARRAY[NULL, '1310000001']::text[]");
    db.psql("UPDATE certisante.certificates SET cn = repeat('x', 5000) WHERE cn = 'ROC'");
    let rows = read::rows(&session, &read_options()).unwrap();
    assert!(rows.rows.iter().any(|r| r.cn.as_deref().is_some_and(|cn| cn.len() == 1024)), "cut at 1,024 characters");
    assert_eq!(rows.workstations[0].establishments, ["", "1310000001"]);
    db.psql("UPDATE certisante.workstations SET document = json_build_object('pad', repeat('x', 1100000))");
    let listing = read::list(&session, &read_options()).unwrap();
    assert_eq!(listing.workstations.iter().map(|w| w.name.as_str()).collect::<Vec<_>>(), ["POSTE-A"]);
    assert_eq!(listing.workstations[0].certificates, 2);
}
