//! Revocation against real servers on 127.0.0.1 (tests/harness/revocation.sh, started per
//! test by `RunningLab`): `openssl ocsp` responders (delegated signer and CA-signed) over
//! an index file, a plain HTTP server of CRLs (valid, signed by the wrong key, expired), a
//! listener that never answers, and a port where nothing listens. Needs openssl and
//! python3; without them every test says so loudly and does nothing.

use std::path::Path;
use std::time::{Duration, Instant};

use certisante_pki::view::{Severity, Status};
use certisante_store::inventory::ScanOptions;
use certisante_store::registry::Registry;
use certisante_store::revocation::{self, CrlReason, RefreshOptions, RefreshSummary, RevocationSource, RevocationState, RevocationStatus, Timeouts};
use certisante_store::settings::Settings;
use certisante_testpki::revocation::{missing_tools, RunningLab};
use chrono::{DateTime, Utc};

fn tools_ready() -> bool {
    match missing_tools() {
        None => true,
        Some(why) => {
            eprintln!("\n*** SKIPPED: the revocation servers cannot run ({why}; Debian packages openssl, python3) ***\n");
            false
        }
    }
}

/// A registry (own folder) watching a folder with the named leaves of the lab.
struct Case {
    dir: tempfile::TempDir,
    registry: Registry,
}

impl Case {
    fn new(running: &RunningLab, names: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("certs")).unwrap();
        let registry = Registry::open(&dir.path().join("registry.sqlite3")).unwrap();
        registry.save_settings(&Settings { include_os_stores: false, ..Settings::default() }).unwrap();
        registry.add_watch(&dir.path().join("certs")).unwrap();
        let mut case = Self { dir, registry };
        case.add(running, names);
        case
    }

    fn add(&mut self, running: &RunningLab, names: &[&str]) {
        for name in names {
            std::fs::copy(running.lab.leaf_path(name), self.dir.path().join("certs").join(format!("{name}.pem"))).unwrap();
        }
        self.registry.scan(&|_| {}).unwrap();
    }

    fn refresh(&self, running: &RunningLab, force: bool, now: DateTime<Utc>) -> RefreshSummary {
        // The lab's responders are on 127.0.0.1: allowed here, as a setting allows it.
        let options = RefreshOptions { force, now, timeouts: Timeouts::default(), extra_anchors: Some(running.lab.anchors()), allow_private_networks: true };
        revocation::refresh(&self.registry, &options, &|_| {}).unwrap()
    }
}

fn sha256(running: &RunningLab, name: &str) -> String {
    certisante_pki::certs::fingerprint(&running.lab.leaf(name).cert_der)
}

fn status_of(summary: &RefreshSummary, running: &RunningLab, name: &str) -> RevocationStatus {
    let sha = sha256(running, name);
    summary.certificates.iter().find(|c| c.sha256 == sha).unwrap_or_else(|| panic!("{name} not in the summary")).status.clone()
}

fn error_code(status: &RevocationStatus) -> Option<&str> {
    status.error.as_ref().map(|e| e.code.as_str())
}

fn revoked_at(running: &RunningLab) -> DateTime<Utc> {
    DateTime::from_timestamp(running.lab.revoked_at.unix_timestamp(), 0).unwrap()
}

#[test]
fn ocsp_good_and_revoked_with_date_and_reason() {
    if !tools_ready() {
        return;
    }
    let running = RunningLab::start();
    let case = Case::new(&running, &["ocsp-good", "ocsp-revoked", "ocsp-direct-good"]);
    let now = Utc::now();
    let summary = case.refresh(&running, false, now);
    assert_eq!(summary.checked, 3);
    assert_eq!(summary.failures, 0, "{summary:#?}");
    assert_eq!(summary.crls_downloaded, 0, "OCSP answered: no CRL needed");

    // Signed by the delegated responder (EKU OCSPSigning, included in the response).
    let good = status_of(&summary, &running, "ocsp-good");
    assert_eq!((good.state, good.source), (RevocationState::Good, Some(RevocationSource::Ocsp)));
    assert_eq!(good.checked_at, Some(now));
    assert!(good.next_update.is_some_and(|next| next > now), "openssl ocsp -ndays 1 gives a nextUpdate");
    assert!(!good.stale && good.error.is_none());
    // Signed by the CA itself.
    let direct = status_of(&summary, &running, "ocsp-direct-good");
    assert_eq!((direct.state, direct.source), (RevocationState::Good, Some(RevocationSource::Ocsp)));
    let revoked = status_of(&summary, &running, "ocsp-revoked");
    assert_eq!(revoked.state, RevocationState::Revoked);
    assert_eq!(revoked.revoked_at, Some(revoked_at(&running)));
    assert_eq!(revoked.reason, Some(CrlReason::KeyCompromise));

    // Listing reads the cache: the revoked certificate is critical.
    let report = case.registry.list(&ScanOptions { extra_anchors: Some(running.lab.anchors()), ..ScanOptions::default() }).unwrap();
    let view = report.certificates.iter().find(|c| c.sha256 == sha256(&running, "ocsp-revoked")).unwrap();
    assert_eq!((view.status, view.severity), (Status::Revoked, Severity::Critical));
    assert_eq!(view.revocation.reason, Some(CrlReason::KeyCompromise));
    let view = report.certificates.iter().find(|c| c.sha256 == sha256(&running, "ocsp-good")).unwrap();
    assert_eq!(view.status, Status::Valid);
    assert_eq!(view.revocation.state, RevocationState::Good);

    // Fresh answers are not asked for again.
    let again = case.refresh(&running, false, now + chrono::Duration::minutes(5));
    assert_eq!(again.checked, 0);
    assert!(again.certificates.iter().all(|c| !c.checked));
}

#[test]
fn crl_good_and_revoked_and_downloaded_once() {
    if !tools_ready() {
        return;
    }
    let running = RunningLab::start();
    let mut case = Case::new(&running, &["crl-good", "crl-revoked-no-reason"]);
    let now = Utc::now();
    let summary = case.refresh(&running, false, now);
    assert_eq!(summary.failures, 0, "{summary:#?}");
    assert_eq!(summary.crls_downloaded, 1, "one CRL URL for both");
    assert_eq!(running.downloads("valid.crl"), 1);
    let good = status_of(&summary, &running, "crl-good");
    assert_eq!((good.state, good.source), (RevocationState::Good, Some(RevocationSource::Crl)));
    assert!(good.this_update.is_some() && good.next_update.is_some());
    let plain = status_of(&summary, &running, "crl-revoked-no-reason");
    assert_eq!(plain.state, RevocationState::Revoked);
    assert_eq!(plain.reason, Some(CrlReason::Unspecified), "no reasonCode: unspecified");
    let fetched = revocation::crl_fetched_at(&case.registry, &running.crl_url("valid.crl")).unwrap();
    assert_eq!(fetched, Some(now));

    // A new certificate behind the same CRL, an hour later: the kept copy answers.
    case.add(&running, &["crl-revoked"]);
    let later = now + chrono::Duration::hours(1);
    let summary = case.refresh(&running, false, later);
    assert_eq!(summary.checked, 1, "only the new certificate is due");
    assert_eq!(summary.crls_downloaded, 0);
    assert_eq!(running.downloads("valid.crl"), 1, "the CRL is not downloaded again within a day");
    let revoked = status_of(&summary, &running, "crl-revoked");
    assert_eq!((revoked.state, revoked.source), (RevocationState::Revoked, Some(RevocationSource::Crl)));
    assert_eq!(revoked.revoked_at, Some(revoked_at(&running)));
    assert_eq!(revoked.reason, Some(CrlReason::AffiliationChanged));
    assert_eq!(revoked.checked_at, Some(now), "the answer's age is the CRL's");

    // Forced: downloaded again.
    let summary = case.refresh(&running, true, later);
    assert_eq!(summary.crls_downloaded, 1);
    assert_eq!(running.downloads("valid.crl"), 2);
}

#[test]
fn crls_signed_by_another_key_or_expired_are_not_trusted() {
    if !tools_ready() {
        return;
    }
    let running = RunningLab::start();
    let case = Case::new(&running, &["crl-wrong-key", "crl-expired"]);
    let summary = case.refresh(&running, false, Utc::now());
    assert_eq!(summary.failures, 2);
    let wrong = status_of(&summary, &running, "crl-wrong-key");
    assert_eq!(wrong.state, RevocationState::Unknown);
    assert_eq!(wrong.source, None);
    assert_eq!(error_code(&wrong), Some("revocation.crl_bad_signature"));
    assert_eq!(revocation::crl_fetched_at(&case.registry, &running.crl_url("wrong-key.crl")).unwrap(), None, "a forged CRL is never kept");
    let expired = status_of(&summary, &running, "crl-expired");
    assert_eq!(expired.state, RevocationState::Unknown);
    assert_eq!(error_code(&expired), Some("revocation.crl_expired"));
    // Authentic though expired: kept, and asked for again at the next refresh.
    assert!(revocation::crl_fetched_at(&case.registry, &running.crl_url("expired.crl")).unwrap().is_some());
    case.refresh(&running, false, Utc::now());
    assert_eq!(running.downloads("expired.crl"), 2);
}

#[test]
fn dead_and_hanging_responders_give_unknown_with_their_codes() {
    if !tools_ready() {
        return;
    }
    let running = RunningLab::start();
    let case = Case::new(&running, &["ocsp-down", "ocsp-hang", "no-source"]);
    let options = RefreshOptions {
        force: false,
        now: Utc::now(),
        timeouts: Timeouts { connect: Duration::from_secs(1), total: Duration::from_secs(2) },
        extra_anchors: Some(running.lab.anchors()),
        allow_private_networks: true,
    };
    let started = Instant::now();
    let summary = revocation::refresh(&case.registry, &options, &|_| {}).unwrap();
    // A liveness bound (a hang would never return), far above the 2 s timeout.
    assert!(started.elapsed() < Duration::from_secs(60), "the hanging responder held the refresh");
    assert_eq!(summary.failures, 3);
    let down = status_of(&summary, &running, "ocsp-down");
    assert_eq!((down.state, error_code(&down)), (RevocationState::Unknown, Some("revocation.unreachable")));
    let hang = status_of(&summary, &running, "ocsp-hang");
    assert_eq!((hang.state, error_code(&hang)), (RevocationState::Unknown, Some("revocation.timeout")));
    let none = status_of(&summary, &running, "no-source");
    assert_eq!((none.state, error_code(&none)), (RevocationState::Unknown, Some("revocation.no_source")));
}

#[test]
fn offline_the_last_answer_stays_with_its_age_and_the_error() {
    if !tools_ready() {
        return;
    }
    let running = RunningLab::start();
    let case = Case::new(&running, &["ocsp-good"]);
    let first = Utc::now();
    let summary = case.refresh(&running, false, first);
    assert_eq!(status_of(&summary, &running, "ocsp-good").state, RevocationState::Good);

    running.stop();
    let later = first + chrono::Duration::hours(3);
    let summary = case.refresh(&running, true, later);
    assert_eq!(summary.failures, 1);
    let status = status_of(&summary, &running, "ocsp-good");
    assert_eq!((status.state, status.source), (RevocationState::Good, Some(RevocationSource::Ocsp)), "the last answer stays");
    assert_eq!(status.checked_at, Some(first), "with its age");
    assert!(status.stale);
    assert_eq!(error_code(&status), Some("revocation.unreachable"));

    let cached = revocation::cached(&case.registry, &sha256(&running, "ocsp-good"), later).unwrap();
    assert_eq!(cached, status);
    let report = case.registry.list(&ScanOptions { extra_anchors: Some(running.lab.anchors()), ..ScanOptions::default() }).unwrap();
    assert!(report.certificates.iter().any(|c| c.revocation == status));
}

#[test]
fn the_ocsp_request_reads_back_with_openssl() {
    if !tools_ready() {
        return;
    }
    let hierarchy = certisante_testpki::Hierarchy::new();
    let mut spec = certisante_testpki::LeafSpec::new(certisante_testpki::Usage::AuthCli, "REQUEST", 100);
    spec.serial = 0x1001;
    let leaf = hierarchy.issue(&spec);
    let request = revocation::ocsp_request(&leaf.cert_der, hierarchy.intermediate.der()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("request.der");
    std::fs::write(&file, &request).unwrap();
    let out = std::process::Command::new("openssl").args(["ocsp", "-req_text", "-reqin"]).arg(Path::new(&file)).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("Hash Algorithm: sha1"), "{text}");
    assert!(text.contains("Serial Number: 1001"), "{text}");
}

/// A certificate made by anyone's own CA and dropped in a watched folder names where
/// CertiSanté would connect: it never does, whatever its AIA and CRL URLs say.
#[test]
fn certificates_whose_chain_does_not_verify_never_cause_a_request() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://127.0.0.1:{}/trap", listener.local_addr().unwrap().port());
    let hierarchy = certisante_testpki::Hierarchy::new();
    let mut spec = certisante_testpki::LeafSpec::new(certisante_testpki::Usage::AuthCli, "UNTRUSTED", 100);
    spec.ocsp_url = Some(url.clone());
    spec.crl_urls = vec![url.clone()];
    let forged = hierarchy.issue(&spec);
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("certs")).unwrap();
    std::fs::write(dir.path().join("certs/untrusted.pem"), &forged.cert_pem).unwrap();
    let registry = Registry::open(&dir.path().join("registry.sqlite3")).unwrap();
    registry.save_settings(&Settings { include_os_stores: false, ..Settings::default() }).unwrap();
    registry.add_watch(&dir.path().join("certs")).unwrap();
    registry.scan(&|_| {}).unwrap();
    // No extra anchor: this hierarchy is nobody's trust anchor. Private networks allowed,
    // so that only the chain rule stands between the certificate and the listener.
    let options = RefreshOptions { force: true, now: Utc::now(), timeouts: Timeouts::default(), extra_anchors: None, allow_private_networks: true };
    let summary = revocation::refresh(&registry, &options, &|_| {}).unwrap();
    assert_eq!(summary.checked, 0, "{summary:?}");
    assert!(matches!(listener.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock), "a connection was made");
}
