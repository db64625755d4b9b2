use certisante_testpki::{Hierarchy, LeafSpec, Usage};
use chrono::{Duration, TimeZone, Utc};

use super::crl::same_serial;
use super::ocsp::{build_request, parse_response, CertId};
use super::*;
use crate::der;

fn leaf(hierarchy: &Hierarchy, ocsp: Option<&str>, crls: &[&str]) -> Vec<u8> {
    let mut spec = LeafSpec::new(Usage::AuthCli, "REVOCATION UNIT", 100);
    spec.serial = 0x80_01; // high bit set: the INTEGER carries a leading zero
    spec.ocsp_url = ocsp.map(str::to_owned);
    spec.crl_urls = crls.iter().map(|u| u.to_string()).collect();
    hierarchy.issue(&spec).cert_der
}

#[test]
fn urls_keep_http_and_ignore_ldap() {
    let hierarchy = Hierarchy::new();
    let der = leaf(
        &hierarchy,
        Some("http://ocsp.example.test/"),
        &["ldap://annuaire.example.test/cn=CA?certificaterevocationlist", "http://crl.example.test/ca.crl"],
    );
    let urls = revocation_urls(&der).unwrap();
    assert_eq!(urls.ocsp.as_deref(), Some("http://ocsp.example.test/"));
    assert_eq!(urls.crls, vec!["http://crl.example.test/ca.crl".to_string()]);
    let none = revocation_urls(&leaf(&hierarchy, None, &[])).unwrap();
    assert!(none.is_empty());
}

#[test]
fn ocsp_request_is_one_sha1_cert_id() {
    let hierarchy = Hierarchy::new();
    let der = leaf(&hierarchy, None, &[]);
    let issuer = hierarchy.intermediate.der().to_vec();
    let request = build_request(&der, &issuer).unwrap();
    // OCSPRequest → TBSRequest → requestList → Request → CertID
    let (outer, rest) = der::expect(&request, der::SEQUENCE).unwrap();
    assert!(rest.is_empty());
    let (tbs, _) = der::expect(outer.content, der::SEQUENCE).unwrap();
    let (list, _) = der::expect(tbs.content, der::SEQUENCE).unwrap();
    let requests = der::children(list.content).unwrap();
    assert_eq!(requests.len(), 1);
    let (cert_id, _) = der::expect(requests[0].content, der::SEQUENCE).unwrap();
    let fields = der::children(cert_id.content).unwrap();
    assert_eq!(fields.len(), 4);
    let algorithm = der::children(fields[0].content).unwrap();
    assert_eq!(algorithm[0].content, [0x2B, 0x0E, 0x03, 0x02, 0x1A], "SHA-1");
    assert_eq!(fields[1].content.len(), 20);
    assert_eq!(fields[2].content.len(), 20);
    assert_eq!(fields[3].tag, der::INTEGER);
    let id = CertId::new(&der, &issuer).unwrap();
    assert_eq!(fields[1].content, id.name_hash.as_slice());
    assert_eq!(fields[2].content, id.key_hash.as_slice());
    assert!(same_serial(fields[3].content, &[0x80, 0x01]));
}

#[test]
fn serials_compare_as_numbers() {
    assert!(same_serial(&[0x00, 0x80, 0x01], &[0x80, 0x01]));
    assert!(same_serial(&[0, 0, 0, 0x10, 0x01], &[0x10, 0x01]));
    assert!(!same_serial(&[0x10, 0x01], &[0x10, 0x02]));
}

#[test]
fn refused_ocsp_responses_have_their_code() {
    // OCSPResponse { responseStatus unauthorized (6) }
    let refused = parse_response(&[0x30, 0x03, 0x0A, 0x01, 0x06]).err().unwrap();
    assert_eq!(refused.code(), "revocation.ocsp_refused");
    assert!(refused.to_string().contains("unauthorized"));
    assert_eq!(parse_response(b"<html>").err().unwrap().code(), "revocation.ocsp_invalid");
    assert_eq!(parse_response(&[]).err().unwrap().code(), "revocation.ocsp_invalid");
}

#[test]
fn answers_are_reused_until_next_update_or_a_day() {
    let at = Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap();
    let answer = |source, next: Option<i64>| Answer {
        state: RevocationState::Good,
        source,
        revoked_at: None,
        reason: None,
        this_update: Some(at),
        next_update: next.map(|h| at + Duration::hours(h)),
        checked_at: at,
    };
    assert_eq!(answer(RevocationSource::Ocsp, Some(2)).reuse_until(), at + Duration::hours(2));
    assert_eq!(answer(RevocationSource::Ocsp, Some(24 * 7)).reuse_until(), at + MAX_ANSWER_AGE);
    assert_eq!(answer(RevocationSource::Ocsp, None).reuse_until(), at + OCSP_REUSE_WITHOUT_NEXT_UPDATE);
    assert_eq!(answer(RevocationSource::Crl, None).reuse_until(), at + MAX_ANSWER_AGE);
    assert_eq!(answer(RevocationSource::Crl, Some(3)).reuse_until(), at + Duration::hours(3));
}

#[test]
fn reason_codes_follow_rfc_5280() {
    assert_eq!(CrlReason::from_code(1), CrlReason::KeyCompromise);
    assert_eq!(CrlReason::from_code(3), CrlReason::AffiliationChanged);
    assert_eq!(CrlReason::from_code(7), CrlReason::Unspecified, "7 is not used");
    assert_eq!(serde_json::to_value(CrlReason::KeyCompromise).unwrap(), "key_compromise");
}

#[test]
fn the_issuer_is_found_by_name_and_signature() {
    let hierarchy = Hierarchy::new();
    let der = leaf(&hierarchy, None, &[]);
    let test = crate::igc::Environment::Test;
    let anchors = [(hierarchy.root.der().to_vec(), test), (hierarchy.intermediate.der().to_vec(), test)];
    let verifier = crate::igc::chain_verifier(&anchors);
    assert_eq!(verifier.issuer_of(&der).as_deref(), Some(hierarchy.intermediate.der().as_ref()));
    // The same name with another key: not the issuer.
    let forged = hierarchy.forged(&LeafSpec::new(Usage::AuthCli, "FAUX", 100)).cert_der;
    assert_eq!(verifier.issuer_of(&forged), None);
}
