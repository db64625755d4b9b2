//! Chain verdicts as a scan shows them: a hierarchy of the test PKI under extra PROD and
//! TEST anchors, with the forged and broken paths a held-out hierarchy tried.

use certisante_pki::certs::ChainStatus;
use certisante_pki::igc::Environment;
use certisante_pki::view::CertificateView;
use certisante_store::inventory::{scan_paths, ScanOptions};
use certisante_testpki::chains::{Ca, CaSpec};
use certisante_testpki::{LeafSpec, Usage};

fn by_cn<'a>(views: &'a [CertificateView], cn: &str) -> &'a CertificateView {
    views.iter().find(|c| c.cn.as_deref() == Some(cn)).unwrap_or_else(|| panic!("{cn} not listed"))
}

fn codes(view: &CertificateView) -> Vec<&str> {
    view.warnings.iter().map(|w| w.code.as_str()).collect()
}

#[test]
fn forged_and_broken_chains_under_an_extra_prod_anchor_are_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let (anchors, scanned) = (dir.path().join("anchors"), dir.path().join("scanned"));
    for sub in ["prod", "test"] {
        std::fs::create_dir_all(anchors.join(sub)).unwrap();
    }
    std::fs::create_dir_all(&scanned).unwrap();
    let write = |path: std::path::PathBuf, pems: &[&str]| std::fs::write(path, pems.concat()).unwrap();
    let leaf = |ca: &Ca, cn: &str| ca.issue(&LeafSpec::new(Usage::AuthCli, cn, 300)).cert_pem;

    // PROD: root → intermediate (pathLenConstraint 0), shipped beside the root as the real ones are.
    let root = Ca::root(CaSpec::new("AC RACINE HORS SERIE"));
    let intermediate = root.issue_ca(CaSpec::new("AC HORS SERIE ORGANISATIONS").path_len(0));
    write(anchors.join("prod/root.pem"), &[&root.pem()]);
    write(anchors.join("prod/intermediate.pem"), &[&intermediate.pem()]);
    write(scanned.join("valid.pem"), &[&leaf(&intermediate, "VALIDE")]);
    // A sub-CA under pathLenConstraint 0, found in the scan with its leaf.
    let sub = intermediate.issue_ca(CaSpec::new("AC SOUS-TRAITANTE"));
    write(scanned.join("sub.pem"), &[&leaf(&sub, "SOUS AC"), &sub.pem()]);
    // An intermediate that expired 30 days ago, and one not valid yet.
    let expired = root.issue_ca(CaSpec::new("AC HORS SERIE EXPIREE").path_len(0).expired(30));
    write(scanned.join("expired.pem"), &[&leaf(&expired, "SOUS EXPIREE"), &expired.pem()]);
    let future = root.issue_ca(CaSpec::new("AC HORS SERIE FUTURE").path_len(0).not_yet_valid(30));
    write(scanned.join("future.pem"), &[&leaf(&future, "SOUS FUTURE"), &future.pem()]);
    // A leaf signed by a leaf's key, and one under a CA without keyCertSign.
    let end_entity = intermediate.issue_ca(CaSpec::new("FEUILLE SIGNATAIRE").end_entity());
    write(scanned.join("by-leaf.pem"), &[&leaf(&end_entity, "SOUS FEUILLE"), &end_entity.pem()]);
    let no_cert_sign = root.issue_ca(CaSpec::new("AC SANS KEYCERTSIGN").without_key_cert_sign());
    write(scanned.join("no-cert-sign.pem"), &[&leaf(&no_cert_sign, "SOUS SANS KEYCERTSIGN"), &no_cert_sign.pem()]);
    // TEST: an expired intermediate still leads to the TEST root.
    let test_root = Ca::root(CaSpec::new("TEST AC RACINE HORS SERIE"));
    let test_expired = test_root.issue_ca(CaSpec::new("TEST AC HORS SERIE EXPIREE").expired(30));
    write(anchors.join("test/root.pem"), &[&test_root.pem()]);
    write(scanned.join("test-expired.pem"), &[&leaf(&test_expired, "TEST SOUS EXPIREE"), &test_expired.pem()]);

    let options = ScanOptions { extra_anchors: Some(anchors), ..ScanOptions::default() };
    let views = scan_paths(&[scanned], &options, &|_| {}).certificates;
    let verdict = |cn: &str| {
        let view = by_cn(&views, cn);
        (view.chain.status, view.environment)
    };

    let valid = by_cn(&views, "VALIDE");
    assert_eq!((valid.chain.status, valid.environment), (ChainStatus::Trusted, Environment::Prod));
    assert_eq!(valid.chain.path, ["AC HORS SERIE ORGANISATIONS", "AC RACINE HORS SERIE"]);
    assert!(valid.warnings.is_empty(), "{:?}", valid.warnings);

    // The two cases a held-out hierarchy showed as trusted PROD.
    assert_eq!(verdict("SOUS AC"), (ChainStatus::PathLenExceeded, Environment::Other));
    assert_eq!(codes(by_cn(&views, "SOUS AC")), ["igc.unverified_issuer"]);
    let under_expired = by_cn(&views, "SOUS EXPIREE");
    assert_eq!((under_expired.chain.status, under_expired.environment), (ChainStatus::CaExpired, Environment::Prod));
    assert_eq!(under_expired.chain.path, ["AC HORS SERIE EXPIREE", "AC RACINE HORS SERIE"]);
    assert_eq!(codes(under_expired), ["chain.ca_expired"]);
    assert_eq!(verdict("SOUS FUTURE"), (ChainStatus::CaNotYetValid, Environment::Prod));
    assert_eq!(codes(by_cn(&views, "SOUS FUTURE")), ["chain.ca_not_yet_valid"]);

    // The sub-CA itself is a valid certificate of the intermediate (the leaf does not count).
    assert_eq!(verdict("AC SOUS-TRAITANTE"), (ChainStatus::Trusted, Environment::Prod));
    // A leaf's key does not make a CA (not a CA: not even in the pool of issuers).
    assert_ne!(verdict("SOUS FEUILLE").0, ChainStatus::Trusted);
    assert_eq!(verdict("SOUS FEUILLE").1, Environment::Other);
    assert_eq!(verdict("SOUS SANS KEYCERTSIGN"), (ChainStatus::IssuerNotCa, Environment::Other));
    // TEST stays TEST, never OTHER and never PROD.
    assert_eq!(verdict("TEST SOUS EXPIREE"), (ChainStatus::CaExpired, Environment::Test));
    assert_eq!(codes(by_cn(&views, "TEST SOUS EXPIREE")), ["chain.ca_expired"]);

    // The same scan a year ago: the expired intermediate was valid then, the future one not yet.
    let then = ScanOptions { now: chrono::Utc::now() - chrono::Duration::days(200), ..options };
    let views = scan_paths(&[dir.path().join("scanned")], &then, &|_| {}).certificates;
    assert_eq!(by_cn(&views, "SOUS EXPIREE").chain.status, ChainStatus::Trusted);
    assert_eq!(by_cn(&views, "SOUS FUTURE").chain.status, ChainStatus::CaNotYetValid);
}
