//! PostgreSQL's own mechanisms keep workstations apart: row-level security refuses a
//! publisher that writes another workstation's rows, by the API and by hand; a reader
//! writes nothing; init needs the administrator.

use certisante_group::{schema, Address};
use serde_json::Value;

use crate::{cluster, group_database, Workstation};

/// Runs `sql` as `url`'s role with psql (a client other than ours): its exit status and
/// stderr.
fn psql_as(url: &str, sql: &str) -> (bool, String, String) {
    let bin = std::path::Path::new(crate::cluster().unwrap().var("PG_BIN")).join("psql");
    let out = std::process::Command::new(bin).args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql]).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).trim().to_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn row_level_security_refuses_a_publisher_writing_another_workstations_rows() {
    let Some(cluster) = cluster() else { return };
    let db = group_database(cluster);
    // Both may also read the group (a workstation showing the Groupe view).
    let a_role = db.role("a", &["certisante_publisher", "certisante_reader"]);
    let b_role = db.role("b", &["certisante_publisher"]);
    let a = Workstation::new("POSTE-A", &["DMP", "ROC"]);
    a.publish(&db.tls_url(&a_role)).unwrap();
    let before = db.psql("SELECT string_agg(workstation || sha256 || hash, ',' ORDER BY sha256) FROM certisante.certificates");

    // B publishing under A's name is refused, with its own code, and A's rows stay.
    let b = Workstation::new("POSTE-B", &["INSI-AUTO"]);
    let refused = b.publish_as(&db.tls_url(&b_role), "POSTE-A").unwrap_err();
    assert_eq!(refused.code(), "group.not_owner", "{refused}");
    // B's own name works.
    b.publish(&db.tls_url(&b_role)).unwrap();

    // By hand, as B: A's rows are invisible to it, so untouched; inserting a row in A's
    // name (or with A's role as owner) violates the policy.
    let url = db.tls_url(&b_role);
    let (ok, out, _) = psql_as(&url, "SELECT count(*) FROM certisante.certificates");
    assert!(ok);
    assert_eq!(out, "1", "B sees only its own row");
    for sql in [
        "UPDATE certisante.certificates SET hash = 'x' WHERE workstation = 'POSTE-A'",
        "DELETE FROM certisante.certificates WHERE workstation = 'POSTE-A'",
        "UPDATE certisante.workstations SET owner = session_user WHERE name = 'POSTE-A'",
        "DELETE FROM certisante.workstations WHERE name = 'POSTE-A'",
    ] {
        let (ok, out, err) = psql_as(&url, &format!("{sql} RETURNING 1"));
        assert!(ok && out.is_empty(), "{sql}: no row of A is reached ({err})");
    }
    let a_owner = &a_role.name;
    let insert = format!(
        "INSERT INTO certisante.certificates (workstation, owner, sha256, hash, document, places, paths, has_private_key, environment, not_before, not_after, usable_until, revoked, replaced)
         VALUES ('POSTE-A', '{a_owner}', repeat('a', 64), 'x', '{{}}', '[]', '[]', false, 'TEST', now(), now(), now(), false, false)"
    );
    let (ok, _, err) = psql_as(&url, &insert);
    assert!(!ok && err.contains("row-level security"), "{err}");
    let (ok, _, err) = psql_as(&url, "UPDATE certisante.workstations SET owner = 'postgres' WHERE name = 'POSTE-B'");
    assert!(!ok && err.contains("row-level security"), "B cannot give its name away either: {err}");
    assert_eq!(
        db.psql("SELECT string_agg(workstation || sha256 || hash, ',' ORDER BY sha256) FROM certisante.certificates WHERE workstation = 'POSTE-A'"),
        before
    );

    // A reader writes nothing; init needs more than a publisher.
    let reader = db.role("lecteur", &["certisante_reader"]);
    let c = Workstation::new("POSTE-C", &["ROC"]);
    assert_eq!(c.publish(&db.tls_url(&reader)).unwrap_err().code(), "group.denied");
    let (ok, out, _) = psql_as(&db.tls_url(&reader), "SELECT count(*) FROM certisante.certificates");
    assert!(ok);
    assert_eq!(out, "3", "the reader sees every workstation's rows");
    let session = certisante_group::connect(&Address::parse(&db.tls_url(&b_role)).unwrap(), None).unwrap();
    let error = schema::init(&session).unwrap_err();
    assert_eq!(error.code(), "group.denied", "{error}");
}

#[test]
fn init_is_idempotent_and_refuses_a_newer_schema() {
    let Some(cluster) = cluster() else { return };
    let db = group_database(cluster);
    let again = crate::init(&db.admin_url());
    assert_eq!((again.from_version, again.to_version), (1, 1));
    // Two inits at once on a fresh database: one migrates, the other finds nothing to do.
    let fresh = cluster.database();
    let url = fresh.admin_url();
    let runs: Vec<_> = (0..3)
        .map(|_| {
            std::thread::spawn({
                let url = url.clone();
                move || crate::init(&url)
            })
        })
        .collect();
    let reports: Vec<_> = runs.into_iter().map(|r| r.join().unwrap()).collect();
    assert_eq!(reports.iter().filter(|r| r.from_version == 0).count(), 1);
    assert!(reports.iter().all(|r| r.group_id == reports[0].group_id));
    let listed: Value =
        serde_json::from_str(&format!("[{}]", fresh.psql("SELECT string_agg(version::text, ',') FROM certisante.schema_version").trim())).unwrap();
    assert_eq!(listed, serde_json::json!([1]));

    fresh.psql("INSERT INTO certisante.schema_version (version, name) VALUES (99, 'from the future')");
    let session = certisante_group::connect(&Address::parse(&url).unwrap(), None).unwrap();
    assert_eq!(schema::init(&session).unwrap_err().code(), "group.newer_schema");
    assert_eq!(schema::check(&session).unwrap_err().code(), "group.newer_schema");
    let empty = cluster.database();
    let session = certisante_group::connect(&Address::parse(&empty.admin_url()).unwrap(), None).unwrap();
    assert_eq!(schema::check(&session).unwrap_err().code(), "group.not_initialised");
}
