//! Two workstations publish; a reader sees both. Publishing again sends nothing; a change
//! sends only itself; a certificate gone from a workstation leaves the group.

use certisante_group::publish::PublishOutcome;
use certisante_group::{read, Address};
use serde_json::Value;

use crate::{cluster, group_database, read_options, Workstation};

#[test]
fn two_workstations_publish_and_a_reader_sees_both() {
    let Some(cluster) = cluster() else { return };
    let db = group_database(cluster);
    let accueil = db.role("accueil", &["certisante_publisher"]);
    let serveur = db.role("serveur", &["certisante_publisher"]);
    let reader = db.role("dsi", &["certisante_reader"]);

    // "DMP" is installed on both workstations (the same certificate in two places).
    let a = Workstation::new("POSTE-ACCUEIL", &["DMP", "MSSANTE SIGNATURE", "INSI-AUTO"]);
    let b = Workstation::new("SRV-WEB", &["DMP", "portail.ch-test.fr"]);
    let first = a.publish(&db.tls_url(&accueil)).unwrap();
    assert_eq!(first.outcome, PublishOutcome::Published);
    assert_eq!((first.sent, first.removed, first.pending, first.certificates), (4, 0, 0, 3), "the workstation and its 3 certificates: {first:?}");
    assert!(!first.server.contains(&accueil.password), "no password in what is shown: {}", first.server);
    b.publish(&db.tls_url(&serveur)).unwrap();

    let session = certisante_group::connect(&Address::parse(&db.tls_url(&reader)).unwrap(), None).unwrap();
    let listing = read::list(&session, &read_options()).unwrap();
    let certificates: Vec<Value> = listing.certificates.iter().map(|c| serde_json::from_str(c.get()).unwrap()).collect();
    assert_eq!(certificates.len(), 4, "DMP once, with both workstations");
    let dmp = certificates.iter().find(|c| c["cn"] == "DMP").unwrap();
    assert_eq!(dmp["workstations"], serde_json::json!(["POSTE-ACCUEIL", "SRV-WEB"]));
    let places: Vec<&str> = dmp["places"].as_array().unwrap().iter().map(|p| p["workstation"].as_str().unwrap()).collect();
    assert_eq!(places, ["POSTE-ACCUEIL", "SRV-WEB"], "where it lives: a place on each workstation");
    assert_eq!(dmp["paths"].as_array().unwrap().len(), 2);
    // The same fields as `list --json`, the date-dependent ones computed now.
    let local = a.registry.list(&Default::default()).unwrap();
    let local_dmp = serde_json::to_value(local.certificates.iter().find(|c| c.cn.as_deref() == Some("DMP")).unwrap()).unwrap();
    for (field, value) in local_dmp.as_object().unwrap() {
        assert!(dmp.get(field).is_some(), "group list lacks {field}");
        if !["places", "paths", "first_seen", "last_seen"].contains(&field.as_str()) {
            assert_eq!(&dmp[field], value, "{field}");
        }
    }
    let soonest: Vec<&str> = certificates.iter().map(|c| c["cn"].as_str().unwrap()).collect();
    assert_eq!(soonest, ["INSI-AUTO", "portail.ch-test.fr", "MSSANTE SIGNATURE", "DMP"], "soonest end first");
    assert_eq!(certificates[0]["status"], "expired");
    let names: Vec<&str> = listing.workstations.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["POSTE-ACCUEIL", "SRV-WEB"]);
    assert_eq!(listing.workstations[0].establishments, ["1310000001", "1330000003"]);
    assert_eq!(listing.workstations[0].certificates, 3);

    // The view's rows and one certificate's details.
    let rows = read::rows(&session, &read_options()).unwrap();
    assert_eq!(rows.rows.len(), 4);
    assert_eq!(rows.rows.iter().find(|r| r.cn.as_deref() == Some("DMP")).unwrap().workstations, ["POSTE-ACCUEIL", "SRV-WEB"]);
    let sha = dmp["sha256"].as_str().unwrap();
    let details = read::certificate(&session, sha, &read_options()).unwrap().unwrap();
    assert_eq!(details.holders.iter().map(|h| h.workstation.as_str()).collect::<Vec<_>>(), ["POSTE-ACCUEIL", "SRV-WEB"]);
    assert!(read::certificate(&session, &"0".repeat(64), &read_options()).unwrap().is_none());

    // The whole group's status: an expired certificate is CRITICAL.
    let status = read::status(&session, &read_options()).unwrap();
    assert_eq!((status.state.as_str(), status.exit_code, status.certificates, status.expired, status.workstations), ("CRITICAL", 2, 4, 1, 2));
    assert!(status.nagios_line().starts_with("CERTISANTE GROUP CRITICAL - 4 certificates on 2 workstations, 1 expired"), "{}", status.nagios_line());
}

#[test]
fn publishing_again_sends_nothing_and_a_change_only_itself() {
    let Some(cluster) = cluster() else { return };
    let db = group_database(cluster);
    let role = db.role("poste", &["certisante_publisher", "certisante_reader"]);
    let url = db.tls_url(&role);
    let a = Workstation::new("POSTE-1", &["DMP", "ROC"]);
    a.publish(&url).unwrap();
    let published_at = db.psql("SELECT string_agg(sha256 || published_at::text, ',' ORDER BY sha256) FROM certisante.certificates");

    let again = a.publish(&url).unwrap();
    assert_eq!((again.outcome, again.sent, again.removed), (PublishOutcome::Unchanged, 0, 0), "{again:?}");
    assert_eq!(db.psql("SELECT string_agg(sha256 || published_at::text, ',' ORDER BY sha256) FROM certisante.certificates"), published_at, "no row written");
    let contact = db.psql("SELECT last_contact_at > last_published_at FROM certisante.workstations");
    assert_eq!(contact.trim(), "t", "the last contact is recorded");

    // One certificate added, one removed: two rows change, and the workstation's own.
    a.add("MSSANTE CHIFFREMENT");
    a.remove("ROC");
    a.scan();
    let change = a.publish(&url).unwrap();
    assert_eq!((change.outcome, change.sent, change.removed), (PublishOutcome::Published, 2, 1), "{change:?}");
    let cns = db.psql("SELECT string_agg(cn, ',' ORDER BY cn) FROM certisante.certificates");
    assert_eq!(cns.trim(), "DMP,MSSANTE CHIFFREMENT");
    assert_eq!(a.registry.group_backlog().unwrap().pending, 0);
    assert!(a.registry.group_backlog().unwrap().last_success_at.is_some());
}

#[test]
fn nothing_secret_is_ever_published() {
    let Some(cluster) = cluster() else { return };
    let db = group_database(cluster);
    let role = db.role("poste", &["certisante_publisher"]);
    // A file holding a private key beside its certificate: the group learns that a key is
    // there, never the key.
    let a = Workstation::new("POSTE-CLES", &["DMP"]);
    let with_key = format!("{}{}", crate::leaf("ROC").cert_pem, crate::leaf("ROC").key_pem);
    std::fs::write(a.certs.join("roc-with-key.pem"), with_key).unwrap();
    a.scan();
    a.publish(&db.tls_url(&role)).unwrap();
    let everything = db.psql(
        "SELECT string_agg(t, E'\\n') FROM (SELECT document::text || places::text || paths::text AS t FROM certisante.certificates
         UNION ALL SELECT document::text FROM certisante.workstations UNION ALL SELECT document::text FROM certisante.orders) AS all_rows",
    );
    assert!(everything.contains("\"has_private_key\":true"), "the key's presence is told");
    assert!(!everything.contains("PRIVATE KEY"), "no key");
    let key_body: String = crate::leaf("ROC").key_pem.lines().nth(2).unwrap().to_owned();
    assert!(!everything.contains(&key_body), "no line of the key");
    for name in certisante_group::snapshot::SECRET_FIELDS {
        assert!(!everything.contains(&format!("\"{name}\":")), "a field named {name}");
    }
}
