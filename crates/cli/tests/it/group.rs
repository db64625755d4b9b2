//! `certisante group` against the PostgreSQL the test command starts (one database per
//! test): init, publish from two workstations, list (the same JSON as `list --json`, with
//! the workstations), status, the read-only workstation, the password in the OS keystore
//! (never in the settings), nothing secret published, and SIGKILL at every step of a
//! publication: nothing lost, nothing duplicated.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use certisante_testpki::postgres::{Cluster, Database};

use crate::lifecycle::{code_of, keyring_in_use, kill_at, World};

fn cluster() -> Option<&'static Cluster> {
    let cluster = Cluster::shared();
    if cluster.is_none() {
        eprintln!("\n*** SKIPPED: no PostgreSQL: {} ***\n", Cluster::missing().unwrap_or_default());
    }
    cluster
}

/// The test fixtures (every profile, several expiries, read errors), made once per world.
fn fixtures(w: &World) -> PathBuf {
    let dir = w.path("fixtures");
    let testpki = PathBuf::from(env!("CARGO_BIN_EXE_certisante")).with_file_name("certisante-testpki");
    let out = Command::new(testpki).arg("fixtures").arg(&dir).output().unwrap();
    assert!(out.status.success(), "fixtures: {}", String::from_utf8_lossy(&out.stderr));
    dir.join("certs")
}

/// A group database initialised through the CLI, as its administrator would.
fn group_database(cluster: &Cluster, w: &World) -> Database {
    let db = cluster.database();
    let out = w.ok(&["group", "init", "--database", &db.admin_url()]);
    assert!(out.contains("0 → "), "{out}");
    db
}

fn publish(w: &World, url: &str, name: &str) -> Value {
    w.json(&["group", "publish", "--database", url, "--workstation", name, "--json"])
}

/// Every certificate row of the group: (workstation, sha256, hash).
fn rows(db: &Database) -> Vec<String> {
    db.psql("SELECT workstation || ' ' || sha256 || ' ' || hash FROM certisante.certificates ORDER BY 1").lines().map(str::to_owned).collect()
}

#[test]
fn group_init_publish_list_and_status_from_the_command_line() {
    let Some(cluster) = cluster() else { return };
    let a = World::new();
    let b = World::new();
    let certs = fixtures(&a);
    a.ok(&["watch", "add", certs.to_str().unwrap()]);
    a.ok(&["scan"]);
    let b_certs = b.path("certs");
    std::fs::create_dir_all(&b_certs).unwrap();
    for file in ["dmp.pem", "ssl.pem"] {
        std::fs::copy(certs.join(file), b_certs.join(file)).unwrap();
    }
    b.ok(&["watch", "add", b_certs.to_str().unwrap()]);
    b.ok(&["scan"]);

    let db = group_database(cluster, &a);
    let again = a.ok(&["group", "init", "--database", &db.admin_url()]);
    assert!(again.contains("1"), "{again}");
    let pa = db.role("a", &["certisante_publisher"]);
    let pb = db.role("b", &["certisante_publisher"]);
    let reader = db.role("lecteur", &["certisante_reader"]);
    let first = publish(&a, &db.tls_url(&pa), "POSTE-A");
    assert_eq!(first["outcome"], "published");
    assert_eq!(publish(&a, &db.tls_url(&pa), "POSTE-A")["outcome"], "unchanged");
    publish(&b, &db.tls_url(&pb), "POSTE-B");

    // `group list --json`: `list --json`'s document, each certificate with its workstations.
    let local = a.json(&["list", "--json"]);
    let group = a.json(&["group", "list", "--json", "--database", &db.tls_url(&reader)]);
    for key in ["certificates", "errors", "pending_orders", "workstations"] {
        assert!(group.get(key).is_some(), "{key} in group list");
    }
    let find = |sha: &Value| group["certificates"].as_array().unwrap().iter().find(|c| &c["sha256"] == sha).cloned().unwrap();
    for mine in local["certificates"].as_array().unwrap() {
        let theirs = find(&mine["sha256"]);
        for key in mine.as_object().unwrap().keys() {
            assert!(theirs.get(key).is_some(), "group list lacks {key}");
        }
        assert_eq!(theirs["status"], mine["status"], "{}", mine["cn"]);
        assert_eq!(theirs["days_left"], mine["days_left"]);
        assert_eq!(theirs["usable_until"], mine["usable_until"]);
        assert!(theirs["workstations"].as_array().unwrap().contains(&Value::from("POSTE-A")));
    }
    let dmp = group["certificates"].as_array().unwrap().iter().find(|c| c["cn"] == "DMP").unwrap();
    assert_eq!(dmp["workstations"], serde_json::json!(["POSTE-A", "POSTE-B"]));
    let errors: Vec<&str> = group["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert!(errors.iter().any(|p| p.ends_with("truncated.cer")), "read errors travel with their workstation: {errors:?}");
    assert!(group["errors"].as_array().unwrap().iter().all(|e| e["workstation"] == "POSTE-A"));

    let table = a.ok(&["group", "list", "--database", &db.tls_url(&reader)]);
    assert!(table.contains("POSTE-A, POSTE-B"), "{table}");

    // `metrics` where a group is configured: the whole group's series, one per workstation
    // holding a certificate, and each workstation as a source.
    let metrics = a.command(&["metrics"]).env("CERTISANTE_GROUP_DATABASE_URL", db.tls_url(&reader)).output().unwrap();
    assert!(metrics.status.success(), "{}", String::from_utf8_lossy(&metrics.stderr));
    let text = String::from_utf8_lossy(&metrics.stdout);
    let dmp_sha = dmp["sha256"].as_str().unwrap();
    for workstation in ["POSTE-A", "POSTE-B"] {
        let series = |line: &&str| {
            line.starts_with("certisante_certificate_usable_until_timestamp_seconds{")
                && line.contains(&format!("sha256=\"{dmp_sha}\""))
                && line.contains(&format!("workstation=\"{workstation}\""))
        };
        assert_eq!(text.lines().filter(series).count(), 1, "{workstation}: {text}");
        assert!(text.contains(&format!("certisante_source_up{{source=\"workstation:{workstation}\"}} 1")), "{text}");
    }

    // Nagios over the whole group: the fixtures hold an expired certificate.
    let status = a.run(&["group", "status", "--database", &db.tls_url(&reader)]);
    let line = String::from_utf8_lossy(&status.stdout);
    assert_eq!(status.status.code(), Some(2), "{line}");
    assert!(line.starts_with("CERTISANTE GROUP CRITICAL - ") && line.contains("workstations=2"), "{line}");
    let down = a.run(&["group", "status", "--database", "postgresql://x@127.0.0.1:1/none?sslmode=disable"]);
    assert_eq!(down.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&down.stdout).starts_with("CERTISANTE GROUP UNKNOWN - "));

    // A secretary's workstation views the group and publishes nothing.
    let refused = a.run(&["--read-only", "group", "publish", "--database", &db.tls_url(&pa), "--workstation", "POSTE-A"]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(code_of(&refused), "app.read_only");
    let viewed = a.run(&["--read-only", "group", "list", "--json", "--database", &db.tls_url(&reader)]);
    assert!(viewed.status.success());
    // Another role publishing under POSTE-A's name: refused (exit 1), A's rows intact.
    let before = rows(&db);
    let squat = b.run(&["group", "publish", "--database", &db.tls_url(&pb), "--workstation", "POSTE-A"]);
    assert_eq!((squat.status.code(), code_of(&squat).as_str()), (Some(1), "group.not_owner"));
    assert_eq!(rows(&db), before);

    // The scheduled watch publishes where a group is configured (under the computer's name).
    let watched = b.command(&["watch", "--json", "--no-desktop"]).env("CERTISANTE_GROUP_DATABASE_URL", db.tls_url(&pb)).output().unwrap();
    let report: Value = serde_json::from_slice(&watched.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&watched.stderr)));
    assert_eq!(report["group"]["outcome"], "published", "{report}");
    assert_eq!(watched.status.code(), Some(0), "B holds valid certificates only: OK");
    // Where the deployment forces the address, B publishes there only: another `--database`
    // is refused, the forced one (even with its password) is taken; reading another is allowed.
    let forced = |args: &[&str]| b.command(args).env("CERTISANTE_GROUP_DATABASE_URL", db.tls_url(&pb)).output().unwrap();
    let elsewhere = forced(&["group", "publish", "--database", &db.tls_url(&pa), "--workstation", "POSTE-B"]);
    assert_eq!((elsewhere.status.code(), code_of(&elsewhere).as_str()), (Some(1), "group.address_forced"));
    let same = forced(&["group", "publish", "--database", &db.tls_url(&pb), "--workstation", "POSTE-B"]);
    assert!(same.status.success(), "{}", String::from_utf8_lossy(&same.stderr));
    // The same address written without its password (given apart) is the forced one too.
    let bare = db.tls_url(&pb).replacen(&format!(":{}@", pb.password), "@", 1);
    let apart = b
        .command(&["group", "publish", "--database", &bare, "--workstation", "POSTE-B"])
        .env("CERTISANTE_GROUP_DATABASE_URL", db.tls_url(&pb))
        .env("PGPASSWORD", &pb.password)
        .output()
        .unwrap();
    assert!(apart.status.success(), "{}", String::from_utf8_lossy(&apart.stderr));
    assert!(forced(&["group", "list", "--json", "--database", &db.tls_url(&reader)]).status.success());
}

#[test]
fn killed_at_any_step_of_a_publication_nothing_is_lost_or_duplicated() {
    let Some(cluster) = cluster() else { return };
    for point in ["group_queued", "group_sending", "group_committed"] {
        let w = World::new();
        let certs = w.path("certs");
        std::fs::create_dir_all(&certs).unwrap();
        let all = fixtures(&w);
        for file in ["dmp.pem", "insi.pem", "sign.pem"] {
            std::fs::copy(all.join(file), certs.join(file)).unwrap();
        }
        w.ok(&["watch", "add", certs.to_str().unwrap()]);
        w.ok(&["scan"]);
        let db = group_database(cluster, &w);
        let role = db.role("poste", &["certisante_publisher"]);
        let url = db.tls_url(&role);
        publish(&w, &url, "POSTE");
        let before = rows(&db);
        assert_eq!(before.len(), 3);

        // One certificate more, one less; the publication killed at `point`.
        std::fs::copy(all.join("ssl.pem"), certs.join("ssl.pem")).unwrap();
        std::fs::remove_file(certs.join("insi.pem")).unwrap();
        w.ok(&["scan"]);
        kill_at(&w, point, &["group", "publish", "--database", &url, "--workstation", "POSTE"]);
        let after_kill = rows(&db);
        match point {
            "group_committed" => assert_ne!(after_kill, before, "{point}: the server committed"),
            _ => assert_eq!(after_kill, before, "{point}: nothing committed"),
        }
        // The next run finishes: exactly the workstation's certificates, once each.
        let next = publish(&w, &url, "POSTE");
        assert_eq!(next["pending"], 0, "{point}: {next}");
        if point == "group_committed" {
            assert_eq!(next["reconciled"], true, "{point}: the server's state was read back: {next}");
            assert_eq!(next["outcome"], "unchanged", "{point}: nothing sent twice: {next}");
        }
        let local: Vec<String> =
            w.json(&["list", "--json"])["certificates"].as_array().unwrap().iter().map(|c| c["sha256"].as_str().unwrap().to_owned()).collect();
        let mut server: Vec<String> = rows(&db).iter().map(|r| r.split(' ').nth(1).unwrap().to_owned()).collect();
        server.sort();
        let mut expected = local.clone();
        expected.sort();
        assert_eq!(server, expected, "{point}: the group holds exactly what the workstation holds");
        let digest = db.psql("SELECT digest FROM certisante.workstations WHERE name = 'POSTE'");
        assert_eq!(publish(&w, &url, "POSTE")["outcome"], "unchanged", "{point}");
        assert_eq!(db.psql("SELECT digest FROM certisante.workstations WHERE name = 'POSTE'"), digest);
    }
}

/// A publication of more than one transaction (1,000 items each) killed once its first batch
/// is committed: the next run reads the server back and sends only the rest, once.
#[test]
fn killed_between_two_batches_the_next_publication_sends_only_the_rest() {
    let Some(cluster) = cluster() else { return };
    let w = World::new();
    let corpus = PathBuf::from(env!("CARGO_BIN_EXE_certisante")).with_file_name("corpus");
    let out = Command::new(corpus).arg(w.path("corpus")).arg("1100").output().unwrap();
    assert!(out.status.success(), "corpus: {}", String::from_utf8_lossy(&out.stderr));
    w.ok(&["watch", "add", w.path("corpus").join("certs").to_str().unwrap()]);
    w.ok(&["scan"]);
    let local: Vec<String> = w.json(&["list", "--json"])["certificates"].as_array().unwrap().iter().map(|c| c["sha256"].as_str().unwrap().to_owned()).collect();
    assert!(local.len() > 1000, "two batches: {}", local.len());
    let db = group_database(cluster, &w);
    let role = db.role("poste", &["certisante_publisher"]);
    let url = db.tls_url(&role);

    kill_at(&w, "group_committed", &["group", "publish", "--database", &url, "--workstation", "POSTE"]);
    let first_batch = rows(&db).len();
    assert!(first_batch > 0 && first_batch < local.len(), "one batch committed: {first_batch} of {}", local.len());
    let next = publish(&w, &url, "POSTE");
    assert_eq!((next["outcome"].as_str(), next["reconciled"].as_bool(), next["pending"].as_u64()), (Some("published"), Some(true), Some(0)), "{next}");
    assert_eq!(next["sent"].as_u64().unwrap() as usize, local.len() - first_batch, "only the rest: {next}");
    let mut server: Vec<String> = rows(&db).iter().map(|r| r.split(' ').nth(1).unwrap().to_owned()).collect();
    server.sort();
    let mut expected = local;
    expected.sort();
    assert_eq!(server, expected, "the group holds exactly what the workstation holds, once each");
    assert_eq!(publish(&w, &url, "POSTE")["outcome"], "unchanged");
}

/// The password: given apart, kept in the OS keystore (never in the settings), used by the
/// next publications; an address carrying one is refused in the settings. Nothing secret of
/// an order (its revocation code, its .p12 password, its key) reaches the group.
#[test]
fn the_password_lives_in_the_keystore_and_no_secret_is_published() {
    let Some(cluster) = cluster() else { return };
    let _keyring = keyring_in_use();
    let w = World::new();
    let db = group_database(cluster, &w);
    let role = db.role("poste", &["certisante_publisher", "certisante_reader"]);
    let with_password = db.tls_url(&role);
    let without = with_password.replacen(&format!(":{}@", role.password), "@", 1);
    assert!(!without.contains(&role.password));

    // An order made through the portal, with its secrets kept.
    let p12 = w.portal_p12("CLINIQUE DES LILAS", "SECRETS-TEST", "p12-SECRET-4242");
    let pass = w.path("p12pass");
    std::fs::write(&pass, "p12-SECRET-4242\n").unwrap();
    let imported = w.json(&["import", p12.to_str().unwrap(), "--password-file", pass.to_str().unwrap(), "--json"]);
    let id = imported["orders"][0]["id"].as_str().unwrap().to_owned();
    let code = w.path("code");
    std::fs::write(&code, "REVOC-SECRET-9876\n").unwrap();
    w.ok(&["secret", "set", &id, "--kind", "revocation-code", "--value-file", code.to_str().unwrap()]);
    w.ok(&["secret", "set", &id, "--kind", "p12-password", "--value-file", pass.to_str().unwrap()]);
    // An order waiting for the portal, for another establishment (FINESS 750712184): the
    // workstation serves it too, though no certificate of it is there yet.
    let csr = w.path("waiting.csr");
    let waiting = ["order", "new", "--env", "test", "--offer", "ORG", "--usage", "AUTH_CLI", "--org", "EHPAD LES TILLEULS", "--structure-id", "750712184"];
    w.ok(&waiting.into_iter().chain(["--state", "75", "--cn", "EN-ATTENTE", "--csr-out", csr.to_str().unwrap()]).collect::<Vec<_>>());

    let refused = w.run(&["group", "configure", "--database", &with_password]);
    assert_eq!((refused.status.code(), code_of(&refused).as_str()), (Some(1), "group.password_in_address"));
    let password_file = w.path("pgpass-secret");
    std::fs::write(&password_file, format!("{}\n", role.password)).unwrap();
    let saved =
        w.json(&["group", "configure", "--database", &without, "--workstation", "POSTE-SECRETS", "--password-file", password_file.to_str().unwrap(), "--json"]);
    assert_eq!(saved["password_saved"], true);
    assert_eq!(saved["workstation"], "POSTE-SECRETS");
    // The settings (in the registry) hold the address, not the password.
    let settings = settings_text(&w.path("data").join("registry.sqlite3"));
    assert!(settings.contains("group_database_url") && !settings.contains(&role.password), "{settings}");

    // Publishing with the saved address and password.
    let published = w.json(&["group", "publish", "--json"]);
    assert_eq!(published["outcome"], "published", "{published}");
    assert_eq!(published["orders"], 2);
    let everything = db.psql(
        "SELECT string_agg(t, E'\\n') FROM (SELECT document::text || places::text AS t FROM certisante.certificates
         UNION ALL SELECT document::text FROM certisante.workstations UNION ALL SELECT document::text FROM certisante.orders) AS all_rows",
    );
    assert!(everything.contains("SECRETS-TEST"), "the order is there");
    for secret in ["REVOC-SECRET-9876", "p12-SECRET-4242", "PRIVATE KEY", &role.password] {
        assert!(!everything.contains(secret), "{secret} reached the group");
    }
    assert!(db.psql("SELECT state FROM certisante.orders").lines().any(|state| state == "certificate_imported"));
    let establishments = db.psql("SELECT array_to_string(establishments, ',') FROM certisante.workstations WHERE name = 'POSTE-SECRETS'");
    assert_eq!(establishments.trim(), "11B0073160,1750712184", "its certificate's establishment and its waiting order's");
    let group = w.json(&["group", "list", "--json"]);
    let pending: Vec<(&str, &str)> = group["pending_orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["workstation"].as_str().unwrap_or_default(), o["request"]["common_name"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(pending, [("POSTE-SECRETS", "EN-ATTENTE")], "{}", group["pending_orders"]);

    // Forgotten: the next publication has no password.
    w.ok(&["group", "configure", "--forget-password"]);
    let failed = w.run(&["group", "publish"]);
    assert_eq!((failed.status.code(), code_of(&failed).as_str()), (Some(3), "group.no_password"));
}

fn settings_text(registry: &Path) -> String {
    let out = Command::new("sqlite3").arg(registry).arg("SELECT value FROM settings").output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}
