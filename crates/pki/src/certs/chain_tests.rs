//! Path validation against the test PKI's hierarchies: valid paths found however they are
//! built, forged or broken ones refused, each with its status.

use certisante_testpki::chains::{Ca, CaSpec};
use certisante_testpki::{LeafSpec, Usage};
use rcgen::{DistinguishedName, DnType, DnValue};

use super::chain::{is_self_signed, Anchor, ChainStatus, ChainVerdict, ChainVerifier, Environment};

const PROD: Environment = Environment::Prod;
const TEST: Environment = Environment::Test;

fn leaf_spec(cn: &str) -> LeafSpec {
    LeafSpec::new(Usage::AuthCli, cn, 300)
}

fn verifier(anchors: &[(&[u8], Environment)], pool: &[&[u8]]) -> ChainVerifier {
    let anchors = anchors.iter().map(|(der, environment)| Anchor { der: der.to_vec(), environment: *environment }).collect();
    ChainVerifier::new(anchors, pool.iter().map(|der| der.to_vec()).collect())
}

fn verdict(anchors: &[(&[u8], Environment)], pool: &[&[u8]], leaf: &[u8]) -> ChainVerdict {
    verifier(anchors, pool).verify(leaf)
}

fn status(anchors: &[(&[u8], Environment)], pool: &[&[u8]], leaf: &[u8]) -> (ChainStatus, Environment) {
    let verdict = verdict(anchors, pool, leaf);
    (verdict.status, verdict.environment)
}

/// Root → intermediate (pathLenConstraint 0), as IGC-Santé's.
fn igc_like() -> (Ca, Ca) {
    let root = Ca::root(CaSpec::new("AC RACINE"));
    let intermediate = root.issue_ca(CaSpec::new("AC ORGANISATIONS").path_len(0));
    (root, intermediate)
}

#[test]
fn a_valid_path_is_trusted_with_its_environment_and_names() {
    let (root, intermediate) = igc_like();
    let leaf = intermediate.issue(&leaf_spec("DMP")).cert_der;
    let verdict = verdict(&[(&root.der, PROD)], &[&intermediate.der], &leaf);
    assert_eq!((verdict.status, verdict.environment), (ChainStatus::Trusted, PROD));
    assert_eq!(verdict.path, ["AC ORGANISATIONS", "AC RACINE"]);
    // The anchor itself, and the intermediate as the certificate verified.
    assert_eq!(status(&[(&root.der, PROD)], &[], &root.der), (ChainStatus::Trusted, PROD));
    assert_eq!(status(&[(&root.der, TEST)], &[], &intermediate.der), (ChainStatus::Trusted, TEST));
}

#[test]
fn a_sub_ca_under_path_len_zero_is_refused() {
    let (root, intermediate) = igc_like();
    let sub = intermediate.issue_ca(CaSpec::new("AC SOUS-TRAITANTE"));
    let leaf = sub.issue(&leaf_spec("FAUX")).cert_der;
    assert_eq!(status(&[(&root.der, PROD)], &[&intermediate.der, &sub.der], &leaf), (ChainStatus::PathLenExceeded, Environment::Other));
    // The sub-CA itself, in leaf position, is fine: the leaf does not count.
    assert_eq!(status(&[(&root.der, PROD)], &[&intermediate.der], &sub.der), (ChainStatus::Trusted, PROD));
    // Enough levels allowed: the same shape is valid.
    let root = Ca::root(CaSpec::new("AC RACINE 2").path_len(2));
    let intermediate = root.issue_ca(CaSpec::new("AC 2").path_len(1));
    let sub = intermediate.issue_ca(CaSpec::new("AC SOUS 2").path_len(0));
    let leaf = sub.issue(&leaf_spec("OK")).cert_der;
    assert_eq!(status(&[(&root.der, PROD)], &[&intermediate.der, &sub.der], &leaf).0, ChainStatus::Trusted);
    // The anchor's own constraint counts too: two intermediates under a root's pathLen 1.
    let root = Ca::root(CaSpec::new("AC RACINE 3").path_len(1));
    let intermediate = root.issue_ca(CaSpec::new("AC 3"));
    let sub = intermediate.issue_ca(CaSpec::new("AC SOUS 3"));
    let leaf = sub.issue(&leaf_spec("TROP")).cert_der;
    assert_eq!(status(&[(&root.der, PROD)], &[&intermediate.der, &sub.der], &leaf).0, ChainStatus::PathLenExceeded);
    assert_eq!(status(&[(&root.der, PROD)], &[&intermediate.der], &sub.der).0, ChainStatus::Trusted);
}

#[test]
fn self_issued_intermediates_do_not_count_against_path_len() {
    let (root, intermediate) = igc_like();
    // The intermediate's key rollover: a new key under the same name, certified by the old one.
    let renewed = intermediate.rekeyed();
    let link = intermediate.certify(&renewed);
    let leaf = renewed.issue(&leaf_spec("APRES ROULEMENT")).cert_der;
    let verdict = verdict(&[(&root.der, PROD)], &[&intermediate.der, &link, &renewed.der], &leaf);
    assert_eq!((verdict.status, verdict.environment), (ChainStatus::Trusted, PROD));
    assert_eq!(verdict.path, ["AC ORGANISATIONS", "AC ORGANISATIONS", "AC RACINE"]);
}

#[test]
fn an_expired_or_not_yet_valid_ca_keeps_the_environment_but_is_not_valid_now() {
    let root = Ca::root(CaSpec::new("TEST AC RACINE"));
    let expired = root.issue_ca(CaSpec::new("TEST AC EXPIREE").expired(30));
    let leaf = expired.issue(&leaf_spec("SOUS EXPIREE")).cert_der;
    let verdict = verdict(&[(&root.der, TEST)], &[&expired.der], &leaf);
    assert_eq!((verdict.status, verdict.environment), (ChainStatus::CaExpired, TEST));
    assert_eq!(verdict.path, ["TEST AC EXPIREE", "TEST AC RACINE"]);
    let future = root.issue_ca(CaSpec::new("TEST AC FUTURE").not_yet_valid(30));
    let leaf = future.issue(&leaf_spec("SOUS FUTURE")).cert_der;
    assert_eq!(status(&[(&root.der, TEST)], &[&future.der], &leaf), (ChainStatus::CaNotYetValid, TEST));
    // Checked at another time, the same path is valid.
    let before = chrono::Utc::now() - chrono::Duration::days(60);
    let leaf = expired.issue(&leaf_spec("SOUS EXPIREE")).cert_der;
    assert_eq!(verifier(&[(&root.der, TEST)], &[&expired.der]).at(before).verify(&leaf).status, ChainStatus::Trusted);
}

#[test]
fn an_expired_anchor_makes_the_chain_not_valid_now() {
    let root = Ca::root(CaSpec::new("AC RACINE EXPIREE").expired(1));
    let leaf = root.issue(&leaf_spec("SOUS RACINE EXPIREE")).cert_der;
    assert_eq!(status(&[(&root.der, PROD)], &[], &leaf), (ChainStatus::CaExpired, PROD));
}

#[test]
fn only_cas_allowed_to_sign_certificates_issue() {
    let (root, _) = igc_like();
    // basicConstraints cA but a keyUsage without keyCertSign.
    let no_cert_sign = root.issue_ca(CaSpec::new("AC SANS KEYCERTSIGN").without_key_cert_sign());
    let leaf = no_cert_sign.issue(&leaf_spec("A")).cert_der;
    assert_eq!(status(&[(&root.der, PROD)], &[&no_cert_sign.der], &leaf), (ChainStatus::IssuerNotCa, Environment::Other));
    // A leaf signed by a leaf's key.
    let end_entity = root.issue_ca(CaSpec::new("FEUILLE").end_entity());
    let leaf = end_entity.issue(&leaf_spec("B")).cert_der;
    assert_eq!(status(&[(&root.der, PROD)], &[&end_entity.der], &leaf), (ChainStatus::IssuerNotCa, Environment::Other));
    // A version 1 intermediate: no basicConstraints, never a CA.
    let v1 = root.issue_v1_ca("AC V1");
    assert_eq!(x509_parser::parse_x509_certificate(&v1.der).unwrap().1.version(), x509_parser::x509::X509Version::V1);
    let leaf = v1.issue(&leaf_spec("C")).cert_der;
    assert_eq!(status(&[(&root.der, PROD)], &[&v1.der], &leaf), (ChainStatus::IssuerNotCa, Environment::Other));
    // ... unless it is the trust anchor itself.
    let v1_root = Ca::v1_root("AC RACINE V1");
    let intermediate = v1_root.issue_ca(CaSpec::new("AC SOUS V1"));
    let leaf = intermediate.issue(&leaf_spec("D")).cert_der;
    assert_eq!(status(&[(&v1_root.der, PROD)], &[&intermediate.der], &leaf), (ChainStatus::Trusted, PROD));
    assert!(is_self_signed(&v1_root.der));
    // A v3 anchor is held to a CA's profile: keyCertSign if it has a keyUsage, cA.
    for spec in [CaSpec::new("RACINE SANS KEYCERTSIGN").without_key_cert_sign(), CaSpec::new("RACINE FEUILLE").end_entity()] {
        let anchor = Ca::root(spec);
        let leaf = anchor.issue(&leaf_spec("E")).cert_der;
        assert_eq!(status(&[(&anchor.der, PROD)], &[], &leaf).0, ChainStatus::IssuerNotCa, "{}", anchor.spec.cn);
    }
    // keyCertSign without cA contradicts itself, wherever the certificate stands.
    let contradiction = root.issue_ca(CaSpec { ca: false, ..CaSpec::new("KEYCERTSIGN SANS CA") });
    assert_eq!(status(&[(&root.der, PROD)], &[], &contradiction.der).0, ChainStatus::InvalidExtensions);
}

#[test]
fn unknown_critical_extensions_are_refused_where_the_path_goes() {
    let (root, intermediate) = igc_like();
    let odd = root.issue_ca(CaSpec::new("AC EXTENSION INCONNUE").with_unknown_critical_extension());
    let leaf = odd.issue(&leaf_spec("A")).cert_der;
    assert_eq!(status(&[(&root.der, PROD)], &[&odd.der], &leaf), (ChainStatus::UnknownCriticalExtension, Environment::Other));
    // On the leaf itself.
    let spec = LeafSpec { unknown_critical_extension: true, ..leaf_spec("B") };
    let leaf = intermediate.issue(&spec).cert_der;
    assert_eq!(status(&[(&root.der, PROD)], &[&intermediate.der], &leaf), (ChainStatus::UnknownCriticalExtension, Environment::Other));
    // On a CA the path does not go through: no matter.
    let leaf = intermediate.issue(&leaf_spec("C")).cert_der;
    assert_eq!(status(&[(&root.der, PROD)], &[&intermediate.der, &odd.der], &leaf).0, ChainStatus::Trusted);
    // On the anchor.
    let odd_root = Ca::root(CaSpec::new("AC RACINE INCONNUE").with_unknown_critical_extension());
    let leaf = odd_root.issue(&leaf_spec("D")).cert_der;
    assert_eq!(status(&[(&odd_root.der, PROD)], &[], &leaf).0, ChainStatus::UnknownCriticalExtension);
}

#[test]
fn duplicate_extensions_are_refused() {
    let (root, intermediate) = igc_like();
    let spec = LeafSpec { duplicate_extension: true, ..leaf_spec("A") };
    let leaf = intermediate.issue(&spec).cert_der;
    assert_eq!(status(&[(&root.der, PROD)], &[&intermediate.der], &leaf), (ChainStatus::InvalidExtensions, Environment::Other));
    let doubled = root.issue_ca(CaSpec::new("AC DOUBLON").with_duplicate_extension());
    let leaf = doubled.issue(&leaf_spec("B")).cert_der;
    assert_eq!(status(&[(&root.der, PROD)], &[&doubled.der], &leaf), (ChainStatus::InvalidExtensions, Environment::Other));
}

/// `spec`'s name in another spelling: UTF8String instead of PrintableString, lower case,
/// extra spaces. RFC 5280 7.1: the same name.
fn respelled(spec: &CaSpec) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, DnValue::Utf8String("fr".into()));
    dn.push(DnType::OrganizationName, DnValue::Utf8String(" asip-sante".into()));
    dn.push(DnType::OrganizationalUnitName, DnValue::Utf8String(spec.ou.to_lowercase()));
    dn.push(DnType::CommonName, DnValue::Utf8String(spec.cn.replace(' ', "   ").to_lowercase()));
    dn
}

#[test]
fn issuer_names_chain_as_rfc_5280_compares_them() {
    let (root, intermediate) = igc_like();
    let anchors: &[(&[u8], Environment)] = &[(&root.der, PROD)];
    // Signed by the intermediate's key, but naming another CA: no issuer by that name.
    let mut other = intermediate.spec.clone();
    other.cn = "AC AUTRE".into();
    let leaf = intermediate.issue_naming(&leaf_spec("A"), other.name()).cert_der;
    assert_eq!(status(anchors, &[&intermediate.der], &leaf), (ChainStatus::IssuerUnknown, Environment::Other));
    // ... and if that other CA exists, its key does not verify the signature.
    let other_ca = root.issue_ca(other);
    assert_eq!(status(anchors, &[&intermediate.der, &other_ca.der], &leaf), (ChainStatus::SignatureInvalid, Environment::Other));
    // Another OU: another name, although the CN is the same.
    let mut other_ou = intermediate.spec.clone();
    other_ou.ou = "IGC-SANTE TEST".into();
    let leaf = intermediate.issue_naming(&leaf_spec("B"), other_ou.name()).cert_der;
    assert_eq!(status(anchors, &[&intermediate.der], &leaf).0, ChainStatus::IssuerUnknown);
    // No issuer name at all.
    let leaf = intermediate.issue_naming(&leaf_spec("SANS EMETTEUR"), DistinguishedName::new()).cert_der;
    assert_eq!(status(anchors, &[&intermediate.der], &leaf).0, ChainStatus::IssuerUnknown);
    // The same name spelt otherwise: the same issuer.
    let leaf = intermediate.issue_naming(&leaf_spec("C"), respelled(&intermediate.spec)).cert_der;
    let verdict = verdict(anchors, &[&intermediate.der], &leaf);
    assert_eq!((verdict.status, verdict.path.len()), (ChainStatus::Trusted, 2));
}

#[test]
fn key_rollover_link_certificates_are_followed_both_ways() {
    let old = Ca::root(CaSpec::new("AC RACINE ROULEMENT"));
    let new = old.rekeyed();
    let old_with_new = new.certify(&old);
    let new_with_old = old.certify(&new);
    assert!(!is_self_signed(&old_with_new) && !is_self_signed(&new_with_old) && is_self_signed(&new.der));
    let under_new = new.issue_ca(CaSpec::new("AC ORGANISATIONS NOUVELLE CLE").path_len(0));
    let under_old = old.issue_ca(CaSpec::new("AC ORGANISATIONS ANCIENNE CLE").path_len(0));
    let new_leaf = under_new.issue(&leaf_spec("NOUVEAU")).cert_der;
    let old_leaf = under_old.issue(&leaf_spec("ANCIEN")).cert_der;
    let pool: &[&[u8]] = &[&new.der, &old_with_new, &new_with_old, &under_new.der, &under_old.der];
    // Only the old root is trusted: new leaves through new-with-old.
    assert_eq!(status(&[(&old.der, PROD)], pool, &new_leaf), (ChainStatus::Trusted, PROD));
    assert_eq!(status(&[(&old.der, PROD)], pool, &old_leaf), (ChainStatus::Trusted, PROD));
    // Only the new root: old leaves through old-with-new.
    assert_eq!(status(&[(&new.der, PROD)], &[&old.der, &old_with_new, &new_with_old, &under_old.der], &old_leaf), (ChainStatus::Trusted, PROD));
    // Whatever the order of the pool.
    let mut reversed = pool.to_vec();
    reversed.reverse();
    assert_eq!(status(&[(&old.der, PROD)], &reversed, &new_leaf).0, ChainStatus::Trusted);
    // Without the link certificate, the new root is just an unknown root.
    assert_eq!(status(&[(&old.der, PROD)], &[&new.der, &under_new.der], &new_leaf).0, ChainStatus::UntrustedRoot);
    // The folder of extra anchors takes link certificates for intermediates, not anchors.
    let verifier = crate::igc::chain_verifier(&[(old.der.clone(), PROD), (new_with_old.clone(), PROD)]);
    assert_eq!(verifier.verify(&new_with_old).path, ["AC RACINE ROULEMENT"], "verified under the old root");
    assert_eq!(verifier.verify(&under_new.der).status, ChainStatus::Trusted);
}

#[test]
fn cross_certificates_lead_to_the_anchor() {
    let trusted = Ca::root(CaSpec::new("AC RACINE DE CONFIANCE"));
    let foreign = Ca::root(CaSpec::new("AC RACINE ETRANGERE"));
    let ca = foreign.issue_ca(CaSpec::new("AC CROISEE"));
    let cross = trusted.certify(&ca);
    let leaf = ca.issue(&leaf_spec("CROISE")).cert_der;
    let verdict = verdict(&[(&trusted.der, TEST)], &[&ca.der, &foreign.der, &cross], &leaf);
    assert_eq!((verdict.status, verdict.environment), (ChainStatus::Trusted, TEST));
    assert_eq!(verdict.path, ["AC CROISEE", "AC RACINE DE CONFIANCE"]);
    assert_eq!(status(&[(&trusted.der, TEST)], &[&ca.der, &foreign.der], &leaf).0, ChainStatus::UntrustedRoot);
}

#[test]
fn intermediates_in_any_order() {
    let root = Ca::root(CaSpec::new("AC RACINE ORDRE"));
    let first = root.issue_ca(CaSpec::new("AC NIVEAU 1").path_len(2));
    let second = first.issue_ca(CaSpec::new("AC NIVEAU 2").path_len(1));
    let third = second.issue_ca(CaSpec::new("AC NIVEAU 3").path_len(0));
    let leaf = third.issue(&leaf_spec("PROFOND")).cert_der;
    let cas = [&first.der, &second.der, &third.der];
    for order in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
        let pool: Vec<&[u8]> = order.iter().map(|&i| cas[i].as_slice()).collect();
        let verdict = verdict(&[(&root.der, PROD)], &pool, &leaf);
        assert_eq!(verdict.status, ChainStatus::Trusted, "{order:?}");
        assert_eq!(verdict.path, ["AC NIVEAU 3", "AC NIVEAU 2", "AC NIVEAU 1", "AC RACINE ORDRE"], "{order:?}");
    }
}

#[test]
fn a_valid_intermediate_is_found_beside_an_expired_one_of_the_same_name() {
    let root = Ca::root(CaSpec::new("AC RACINE RENOUVELLEMENT"));
    // Renewed with the same key: the leaf verifies under both certificates.
    let expired = root.issue_ca(CaSpec::new("AC RENOUVELEE").expired(10));
    let renewed = root.certify_as(&expired, CaSpec::new("AC RENOUVELEE").serial(2));
    let leaf = expired.issue(&leaf_spec("RENOUVELE")).cert_der;
    for pool in [[expired.der.as_slice(), &renewed], [&renewed, &expired.der]] {
        assert_eq!(status(&[(&root.der, PROD)], &pool, &leaf), (ChainStatus::Trusted, PROD));
    }
    // Renewed with a new key: a leaf of the old key has only the expired path.
    let new_key = root.issue_ca(CaSpec::new("AC RENOUVELEE").serial(3));
    for pool in [[expired.der.as_slice(), &new_key.der], [&new_key.der, &expired.der]] {
        assert_eq!(status(&[(&root.der, PROD)], &pool, &leaf), (ChainStatus::CaExpired, PROD));
    }
    // And the issuer for revocation checks is the one on the valid path.
    let verifier = verifier(&[(&root.der, PROD)], &[&expired.der, &renewed]);
    assert_eq!(verifier.issuer_of(&leaf).as_deref(), Some(renewed.as_slice()));
}

#[test]
fn pathological_pools_stay_fast() {
    let root = Ca::root(CaSpec::new("AC RACINE"));
    let real = root.issue_ca(CaSpec::new("AC HOMONYME"));
    let leaf = real.issue(&leaf_spec("VRAI")).cert_der;
    // Forty CAs named like the real one, each with its own key, each signing the others'
    // name: none leads anywhere, and the real one is still found.
    let impostor_root = Ca::root(CaSpec::new("AC HOMONYME"));
    let mut pool: Vec<Vec<u8>> = (0..40).map(|i| impostor_root.issue_ca(CaSpec::new("AC HOMONYME").serial(10 + i)).der).collect();
    pool.push(impostor_root.der.clone());
    pool.push(real.der.clone());
    let started = std::time::Instant::now();
    let verifier = ChainVerifier::new(vec![Anchor { der: root.der.clone(), environment: PROD }], pool.clone());
    assert_eq!(verifier.verify(&leaf).status, ChainStatus::Trusted);
    let forged = impostor_root.issue(&leaf_spec("FAUX")).cert_der;
    assert_ne!(verifier.verify(&forged).status, ChainStatus::Trusted);
    // A hundred CAs sharing name and key: each signs all the others.
    let shared = Ca::root(CaSpec::new("AC CYCLE"));
    let cycle: Vec<Vec<u8>> = (0..100).map(|i| shared.certify_as(&shared, CaSpec::new("AC CYCLE").serial(1000 + i))).collect();
    let verifier = ChainVerifier::new(vec![Anchor { der: root.der.clone(), environment: PROD }], cycle);
    assert_eq!(verifier.verify(&shared.issue(&leaf_spec("CYCLE")).cert_der).status, ChainStatus::UntrustedRoot);
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
}

#[test]
fn the_way_up_from_a_ca_is_computed_once_for_all_its_leaves() {
    let (root, intermediate) = igc_like();
    let key = rcgen::KeyPair::generate().unwrap().serialize_pem();
    let verifier = verifier(&[(&root.der, PROD)], &[&intermediate.der]);
    for i in 0..200 {
        let leaf = intermediate.issue(&LeafSpec { serial: i, key: Some(key.clone()), ..leaf_spec("SERIE") }).cert_der;
        assert_eq!(verifier.verify(&leaf).status, ChainStatus::Trusted);
    }
    assert_eq!(verifier.ways_up_computed(), 1);
}
