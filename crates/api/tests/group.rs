//! The background publisher's step, as the app's thread runs it (`publish_group_in_background`),
//! against a PostgreSQL of its own (tests/harness/postgres.sh): nothing to do without a
//! group; published, then the next in an hour; the server killed: local work goes on, the
//! changes wait and the next attempt comes in five minutes; the server back: the backlog is
//! published by that next step, with nobody asking.
//!
//!   bash tests/harness/postgres.sh start /tmp/pg && CERTISANTE_POSTGRES_HARNESS=/tmp/pg cargo test -p certisante-api --test group

use std::sync::Arc;

use certisante_api::group::{GROUP_PUBLISH_PERIOD, GROUP_PUBLISH_RETRY};
use certisante_api::model::PublishOutcome;
use certisante_api::{Api, Host};
use certisante_devices::keys::OsKeystore;
use certisante_testpki::postgres::{Cluster, PrivateCluster};
use certisante_testpki::{Hierarchy, LeafSpec, Usage};

#[test]
fn the_background_publisher_publishes_waits_for_the_server_and_sends_the_backlog_when_it_returns() {
    if Cluster::shared().is_none() {
        eprintln!("\n*** SKIPPED: no PostgreSQL: {} ***\n", Cluster::missing().unwrap_or_default());
        return;
    }
    let private = PrivateCluster::start();
    let db = private.cluster.database();
    let role = db.role("poste", &[]);
    let dir = tempfile::tempdir().unwrap();
    let certs = dir.path().join("certs");
    std::fs::create_dir_all(&certs).unwrap();
    let hierarchy = Hierarchy::new();
    std::fs::write(certs.join("dmp.pem"), hierarchy.issue(&LeafSpec::new(Usage::AuthCli, "DMP", 400)).cert_pem).unwrap();
    let host = Host {
        data_dir: dir.path().join("data"),
        read_only_forced: false,
        // No password is looked up there: it comes from PGPASSWORD (below).
        keystore: Arc::new(OsKeystore::with_service("fr.certisante.test.background")),
        policy: Default::default(),
    };
    let mut api = Api::open(host).unwrap();
    api.add_watched(std::slice::from_ref(&certs)).unwrap();
    api.rescan(&|_| {}).unwrap();

    // No group configured: nothing to do, nothing to say, the usual rhythm.
    let idle = api.publish_group_in_background();
    assert!(idle.summary.is_none() && idle.error.is_none(), "{idle:?}");
    assert_eq!(idle.next_in, GROUP_PUBLISH_PERIOD);

    api.group_init(Some(&db.admin_url())).unwrap();
    db.psql(&format!("GRANT certisante_publisher TO {}", role.name));
    // The only test of this file: the variable is the password a service would find there.
    std::env::set_var("PGPASSWORD", &role.password);
    let address = db.tls_url(&role).replacen(&format!(":{}@", role.password), "@", 1);
    api.save_group_settings(Some(&address), Some("POSTE-FOND"), None).unwrap();
    let first = api.publish_group_in_background();
    assert_eq!(first.summary.as_ref().map(|s| s.outcome), Some(PublishOutcome::Published), "{first:?}");
    assert!(first.worth_announcing());
    assert_eq!(first.next_in, GROUP_PUBLISH_PERIOD);
    let unchanged = api.publish_group_in_background();
    assert_eq!(unchanged.summary.as_ref().map(|s| s.outcome), Some(PublishOutcome::Unchanged));
    assert!(!unchanged.worth_announcing(), "nothing to tell the user");

    // The server is gone: a new certificate is scanned and listed; the change waits, and the
    // next attempt is sooner.
    private.kill();
    std::fs::write(certs.join("roc.pem"), hierarchy.issue(&LeafSpec { serial: 2, ..LeafSpec::new(Usage::AuthCli, "ROC", 200) }).cert_pem).unwrap();
    api.rescan(&|_| {}).unwrap();
    assert_eq!(api.list(None).unwrap().certificates.len(), 2);
    let queued = api.publish_group_in_background();
    let summary = queued.summary.as_ref().unwrap();
    assert_eq!((summary.outcome, summary.pending), (PublishOutcome::Queued, 2), "{summary:?}");
    assert_eq!(summary.error.as_ref().unwrap().code, "group.unreachable");
    assert!(queued.error.is_none(), "unreachable is not a failure of the publisher");
    assert_eq!(queued.next_in, GROUP_PUBLISH_RETRY);

    // Back: the next step sends the backlog, and the rhythm is hourly again.
    private.restart();
    let back = api.publish_group_in_background();
    let summary = back.summary.as_ref().unwrap();
    assert_eq!((summary.outcome, summary.sent, summary.pending), (PublishOutcome::Published, 2, 0), "{summary:?}");
    assert_eq!(back.next_in, GROUP_PUBLISH_PERIOD);
    assert_eq!(db.psql("SELECT string_agg(cn, ',' ORDER BY cn) FROM certisante.certificates").trim(), "DMP,ROC");
}
