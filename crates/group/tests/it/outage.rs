//! The server goes away: local work goes on, the changes wait in the registry's backlog,
//! and the next publication after the server's return sends them. A server that accepts
//! connections and never answers costs a bounded wait.

use std::time::{Duration, Instant};

use certisante_group::publish::PublishOutcome;
use certisante_testpki::postgres::PrivateCluster;

use crate::{cluster, init, Workstation};

#[test]
fn server_stopped_local_work_goes_on_and_the_backlog_is_published_when_it_returns() {
    if cluster().is_none() {
        return;
    }
    let private = PrivateCluster::start();
    let db = private.cluster.database();
    init(&db.admin_url());
    let role = db.role("poste", &["certisante_publisher", "certisante_reader"]);
    let url = format!("{}&connect_timeout=3", db.tls_url(&role));
    let a = Workstation::new("POSTE-A", &["DMP"]);
    assert_eq!(a.publish(&url).unwrap().outcome, PublishOutcome::Published);

    private.kill();
    // Local work goes on: a new certificate is scanned and listed.
    a.add("ROC");
    a.add("MSSANTE SIGNATURE");
    a.scan();
    assert_eq!(a.registry.list(&Default::default()).unwrap().certificates.len(), 3);
    let started = Instant::now();
    let queued = a.publish(&url).unwrap();
    assert!(started.elapsed() < Duration::from_secs(10), "a dead server costs a bounded wait");
    assert_eq!(queued.outcome, PublishOutcome::Queued, "{queued:?}");
    assert_eq!(queued.error.as_ref().unwrap().code, "group.unreachable");
    assert_eq!(queued.pending, 3, "two certificates and the workstation's row wait");
    let backlog = a.registry.group_backlog().unwrap();
    assert_eq!(backlog.pending, 3);
    assert_eq!(backlog.last_failure.as_ref().unwrap().code, "group.unreachable");
    assert!(backlog.oldest_queued_at.is_some());
    // Still away: the backlog stays as it was (its time too).
    let again = a.publish(&url).unwrap();
    assert_eq!((again.outcome, again.pending), (PublishOutcome::Queued, 3));
    assert_eq!(a.registry.group_backlog().unwrap().oldest_queued_at, backlog.oldest_queued_at);

    private.restart();
    let sent = a.publish(&url).unwrap();
    assert_eq!((sent.outcome, sent.sent, sent.pending), (PublishOutcome::Published, 3, 0), "{sent:?}");
    let backlog = a.registry.group_backlog().unwrap();
    assert_eq!(backlog.pending, 0);
    assert!(backlog.last_failure.is_none());
    let cns = db.psql("SELECT string_agg(cn, ',' ORDER BY cn) FROM certisante.certificates");
    assert_eq!(cns.trim(), "DMP,MSSANTE SIGNATURE,ROC");
}

#[test]
fn a_server_that_never_answers_costs_a_bounded_wait() {
    // Accepts connections (the kernel does, from the backlog) and never says a word.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let a = Workstation::new("POSTE-A", &["DMP"]);
    let url = format!("postgresql://poste:x@127.0.0.1:{port}/inventaire?sslmode=require&connect_timeout=2");
    let started = Instant::now();
    let queued = a.publish(&url).unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(2) && waited < Duration::from_secs(6), "{waited:?}");
    assert_eq!(queued.outcome, PublishOutcome::Queued);
    assert_eq!(queued.error.unwrap().code, "group.timeout");
    assert_eq!(queued.pending, 2);
    // Nothing listens at all: refused at once.
    drop(silent);
    let refused = a.publish(&url).unwrap();
    assert_eq!(refused.error.unwrap().code, "group.unreachable");
}
