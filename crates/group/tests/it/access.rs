//! PostgreSQL's own mechanisms keep workstations apart: row-level security refuses a
//! publisher that writes another workstation's rows, by the API and by hand; a reader
//! writes nothing; init needs the administrator.

use certisante_group::{schema, Address};
use certisante_testpki::postgres::{PrivateCluster, Role};
use serde_json::Value;

use crate::{cluster, group_database, Workstation};

/// Runs `sql` as `url`'s role with psql (a client other than ours): its exit status and
/// stderr.
fn psql_as(url: &str, sql: &str) -> (bool, String, String) {
    let bin = std::path::Path::new(crate::cluster().unwrap().var("PG_BIN")).join("psql");
    let out = std::process::Command::new(bin).args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql]).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).trim().to_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Writes to POSTE-A's rows, tried by other roles by hand.
const WRITES_TO_A: [&str; 4] = [
    "UPDATE certisante.certificates SET hash = 'x' WHERE workstation = 'POSTE-A'",
    "DELETE FROM certisante.certificates WHERE workstation = 'POSTE-A'",
    "UPDATE certisante.workstations SET owner = session_user WHERE name = 'POSTE-A'",
    "DELETE FROM certisante.workstations WHERE name = 'POSTE-A'",
];

#[test]
fn row_level_security_refuses_a_publisher_writing_another_workstations_rows() {
    let Some(cluster) = cluster() else { return };
    let db = group_database(cluster);
    // Both may also read the group (a workstation showing the Groupe view).
    let a_role = db.role("a", &["certisante_publisher", "certisante_reader"]);
    let b_role = db.role("b", &["certisante_publisher"]);
    let a = Workstation::new("POSTE-A", &["DMP", "ROC"]);
    a.publish(&db.tls_url(&a_role)).unwrap();
    // POSTE-A's rows, as the administrator sees them.
    let a_rows = || db.psql("SELECT string_agg(workstation || sha256 || hash, ',' ORDER BY sha256) FROM certisante.certificates WHERE workstation = 'POSTE-A'");
    let before = a_rows();

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
    for sql in WRITES_TO_A {
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
    assert_eq!(a_rows(), before);

    // A workstation's role as the README makes it (publisher and reader) sees A's rows, and
    // reaches none of them to write.
    let c_role = db.role("c", &["certisante_publisher", "certisante_reader"]);
    let url = db.tls_url(&c_role);
    let (ok, out, _) = psql_as(&url, "SELECT count(*) FROM certisante.certificates WHERE workstation = 'POSTE-A'");
    assert!(ok);
    assert_eq!(out, "2", "C reads A's rows");
    for sql in WRITES_TO_A {
        let (ok, out, err) = psql_as(&url, &format!("{sql} RETURNING 1"));
        assert!(ok && out.is_empty(), "{sql}: a reader too, no row of A is reached ({err})");
    }
    assert_eq!(a_rows(), before);

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
    let latest = schema::known_version();
    assert_eq!((again.from_version, again.to_version), (latest, latest));
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
    assert_eq!(listed, serde_json::json!((1..=latest).collect::<Vec<_>>()));

    fresh.psql("INSERT INTO certisante.schema_version (version, name) VALUES (99, 'from the future')");
    let session = certisante_group::connect(&Address::parse(&url).unwrap(), None).unwrap();
    assert_eq!(schema::init(&session).unwrap_err().code(), "group.newer_schema");
    assert_eq!(schema::check(&session).unwrap_err().code(), "group.newer_schema");
    let empty = cluster.database();
    let session = certisante_group::connect(&Address::parse(&empty.admin_url()).unwrap(), None).unwrap();
    assert_eq!(schema::check(&session).unwrap_err().code(), "group.not_initialised");
}

/// A database made by an earlier version (schema 1) is migrated by `init`, its rows kept,
/// and its workstations publish on.
#[test]
fn init_migrates_an_earlier_schema_and_keeps_its_rows() {
    let Some(cluster) = cluster() else { return };
    let db = cluster.database();
    let (_, _, first) = schema::MIGRATIONS[0];
    db.psql(&format!(
        "CREATE SCHEMA certisante; CREATE TABLE certisante.schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
         {first}
         INSERT INTO certisante.schema_version (version, name) VALUES (1, 'inventory');"
    ));
    let role = db.role("poste", &["certisante_publisher"]);
    let a = Workstation::new("POSTE-A", &["DMP", "ROC"]);
    a.publish(&db.tls_url(&role)).unwrap();
    let before = db.psql("SELECT string_agg(sha256 || hash, ',' ORDER BY sha256) FROM certisante.certificates");

    let report = crate::init(&db.admin_url());
    assert_eq!((report.from_version, report.to_version), (1, schema::known_version()));
    assert_eq!(db.psql("SELECT string_agg(sha256 || hash, ',' ORDER BY sha256) FROM certisante.certificates"), before);
    assert_eq!(a.publish(&db.tls_url(&role)).unwrap().outcome, certisante_group::publish::PublishOutcome::Unchanged);
    a.add("INSI-AUTO");
    a.scan();
    assert_eq!(a.publish(&db.tls_url(&role)).unwrap().sent, 2, "the new certificate and the workstation's row");
}

/// `init` needs no superuser: an administrator role with CREATEROLE that owns the database
/// (as the README sets it up) creates the group roles on a cluster that has none, and the
/// roles it then makes publish and read.
#[test]
fn an_administrator_without_superuser_rights_sets_the_group_up() {
    if cluster().is_none() {
        return;
    }
    let private = PrivateCluster::start();
    let cluster = &private.cluster;
    let admin = Role { name: "certisante_admin".into(), password: "pw-admin".into() };
    cluster.psql("postgres", "CREATE ROLE certisante_admin LOGIN CREATEROLE PASSWORD 'pw-admin'");
    cluster.psql("postgres", "CREATE DATABASE ght OWNER certisante_admin");
    assert_eq!(cluster.psql("postgres", "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'certisante\\_%er'").trim(), "0");
    let report = crate::init(&cluster.tls_url("ght", &admin));
    assert_eq!((report.from_version, report.to_version), (0, schema::known_version()));
    let roles = cluster.psql("postgres", "SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE 'certisante\\_%er'");
    assert_eq!(roles.trim(), "certisante_publisher,certisante_reader");

    // The administrator makes a workstation's role and a reader's, as the README says.
    let (ok, _, err) = psql_as(
        &cluster.tls_url("ght", &admin),
        "CREATE ROLE poste_12 LOGIN PASSWORD 'pw-poste' IN ROLE certisante_publisher; CREATE ROLE dsi LOGIN PASSWORD 'pw-dsi' IN ROLE certisante_reader",
    );
    assert!(ok, "{err}");
    let poste = Role { name: "poste_12".into(), password: "pw-poste".into() };
    let dsi = Role { name: "dsi".into(), password: "pw-dsi".into() };
    let a = Workstation::new("POSTE-12", &["DMP"]);
    assert_eq!(a.publish(&cluster.tls_url("ght", &poste)).unwrap().sent, 2);
    let session = certisante_group::connect(&Address::parse(&cluster.tls_url("ght", &dsi)).unwrap(), None).unwrap();
    assert_eq!(certisante_group::read::rows(&session, &crate::read_options()).unwrap().rows.len(), 1);
}
