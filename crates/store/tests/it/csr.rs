//! Requests made by the `csr` module, checked by real OpenSSL, issued by the test portal
//! (`certisante_testpki::portal`) and read back by the core.

use std::path::{Path, PathBuf};
use std::process::Command;

use certisante_pki::certs::{read_container, ChainStatus, Integrity};
use certisante_pki::csr::{build_csr, decode_csr, suggested_common_names, validate, OrderRequest, ValidatedRequest};
use certisante_pki::igc::{profiles, CnRule, Environment, IdentifierCheck, Offer, StructureKind, Usage};
use certisante_pki::view::CertificateView;
use certisante_store::inventory::{scan_paths, ScanOptions};
use certisante_testpki::portal::{IssueProfile, Portal, Subject};
use rcgen::{KeyPair, PublicKeyData, PKCS_ECDSA_P256_SHA256, PKCS_RSA_SHA256};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/igc/TEST-ORG-AUTH_CLI-leaf.pem");

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

fn openssl(args: &[&str]) -> Run {
    let out = Command::new("openssl").args(args).output().expect("openssl is installed");
    Run { ok: out.status.success(), stdout: String::from_utf8_lossy(&out.stdout).into(), stderr: String::from_utf8_lossy(&out.stderr).into() }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn order(offer: Offer, usage: Usage, cn: &str) -> OrderRequest {
    OrderRequest {
        environment: Environment::Test,
        offer,
        usage,
        organization: "HOPITAL DES 3. DAMES".into(),
        structure_id: "11B0073160".into(),
        department: "Paris (75)".into(),
        common_name: cn.into(),
    }
}

/// A fitting CN for any profile: the first suggestion, or a host name.
fn default_order(offer: Offer, usage: Usage) -> OrderRequest {
    let profile = certisante_pki::igc::profile(offer, usage).unwrap();
    let cn = match profile.cn_rule {
        CnRule::Fqdn => "portail.ch-test.fr".to_string(),
        CnRule::Teleservice => suggested_common_names(offer, usage).into_iter().next().unwrap_or_else(|| "DMP".into()),
    };
    order(offer, usage, &cn)
}

fn rsa() -> KeyPair {
    KeyPair::generate_for(&PKCS_RSA_SHA256).unwrap()
}

/// The public key OpenSSL reads from a request, as DER.
fn openssl_request_key(csr: &Path, dir: &Path) -> Vec<u8> {
    let pem = dir.join("pub.pem");
    let der = dir.join("pub.der");
    assert!(openssl(&["req", "-in", s(csr), "-noout", "-pubkey", "-out", s(&pem)]).ok);
    assert!(openssl(&["pkey", "-pubin", "-in", s(&pem), "-outform", "DER", "-out", s(&der)]).ok);
    std::fs::read(der).unwrap()
}

fn check_request(v: &ValidatedRequest, key: &KeyPair, dir: &Path) {
    let label = format!("{:?} {:?} {:?}", v.profile.offer, v.profile.usage, key.algorithm());
    let csr = build_csr(v, key).unwrap();
    let path = dir.join("req.pem");
    std::fs::write(&path, &csr.pem).unwrap();

    let verify = openssl(&["req", "-in", s(&path), "-verify", "-noout"]);
    assert!(verify.ok && verify.stderr.contains("verify OK"), "{label}: {}", verify.stderr);

    let subject = openssl(&["req", "-in", s(&path), "-noout", "-subject", "-nameopt", "RFC2253"]);
    assert_eq!(subject.stdout.trim(), format!("subject={}", v.subject.rfc2253()), "{label}");

    assert_eq!(openssl_request_key(&path, dir), key.subject_public_key_info(), "{label}: the request carries the key");

    let text = openssl(&["req", "-in", s(&path), "-noout", "-text"]).stdout;
    let algorithm = if key.algorithm() == &PKCS_RSA_SHA256 { "sha256WithRSAEncryption" } else { "ecdsa-with-SHA256" };
    assert!(text.contains(&format!("Signature Algorithm: {algorithm}")), "{label}: {text}");
    if v.profile.csr_san_dns {
        assert!(text.contains(&format!("DNS:{}", v.subject.common_name)), "{label}: {text}");
    } else {
        // OpenSSL 3 prints the "Requested Extensions" heading even with none.
        assert!(!text.contains("X509v3"), "{label}: no extension unless the data asks: {text}");
    }

    for input in [csr.pem.as_bytes(), &csr.der[..]] {
        let facts = decode_csr(input).unwrap();
        assert_eq!(facts.subject, v.subject, "{label}");
        assert!(facts.signature_valid, "{label}");
        assert_eq!(facts.public_key_der, key.subject_public_key_info(), "{label}");
        assert_eq!(facts.signature_algorithm, algorithm);
        let kinds: Vec<&str> = facts.attributes.iter().map(|a| a.kind.as_str()).collect();
        assert_eq!(kinds, ["C", "ST", "O", "OU", "CN"], "{label}");
        let types: Vec<&str> = facts.attributes.iter().map(|a| a.string_type.as_str()).collect();
        assert_eq!(types, ["PrintableString", "UTF8String", "UTF8String", "UTF8String", "UTF8String"], "{label}");
    }
}

#[test]
fn every_profile_makes_requests_openssl_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let rsa_key = rsa();
    let ec_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let mut ec_profiles = 0;
    for profile in &profiles().profiles {
        let v = validate(&default_order(profile.offer, profile.usage)).unwrap();
        check_request(&v, &rsa_key, dir.path());
        if profile.accepted_keys().any(|k| k.algorithm == "EC") {
            check_request(&v, &ec_key, dir.path());
            ec_profiles += 1;
        } else {
            assert_eq!(build_csr(&v, &ec_key).unwrap_err().code(), "csr.key_not_accepted");
        }
    }
    assert_eq!(profiles().profiles.len(), 7);
    assert!(ec_profiles >= 1, "the data lets at least SERV SSL_SERV carry P-256");
}

#[test]
fn the_subject_encodes_byte_for_byte_like_the_real_test_certificate() {
    let pem = std::fs::read(SAMPLE).unwrap();
    let (_, block) = x509_parser::pem::parse_x509_pem(&pem).unwrap();
    let sample = block.parse_x509().unwrap();
    let v = validate(&order(Offer::Org, Usage::AuthCli, "EMA")).unwrap();
    let csr = build_csr(&v, &rsa()).unwrap();
    use x509_parser::prelude::FromDer;
    let (_, request) = x509_parser::certification_request::X509CertificationRequest::from_der(&csr.der).unwrap();
    assert_eq!(request.certification_request_info.subject.as_raw(), sample.subject().as_raw());
}

fn scan(paths: &[PathBuf], anchors: &Path) -> Vec<CertificateView> {
    let options = ScanOptions { extra_anchors: Some(anchors.to_path_buf()), ..ScanOptions::default() };
    scan_paths(paths, &options, &|_| {}).certificates
}

#[test]
fn the_portal_issues_what_the_core_recognises() {
    let dir = tempfile::tempdir().unwrap();
    let portal = Portal::init(&dir.path().join("portal")).unwrap();
    let issued_dir = dir.path().join("issued");
    std::fs::create_dir_all(&issued_dir).unwrap();
    let chain = dir.path().join("portal/chain.pem");
    let cases = [
        (Offer::Org, Usage::AuthCli, "INSI-AUTO", "18751275100020", "2A", 1095),
        (Offer::Org, Usage::Sign, "MSSANTE SIGNATURE", "11B0073160", "75", 1125),
        (Offer::Org, Usage::Conf, "MSSANTE CHIFFREMENT", "11B0073160", "971", 1095),
        (Offer::Serv, Usage::SslServ, "portail.ch-test.fr", "11B0073160", "Paris (75)", 1095),
    ];
    for (offer, usage, cn, structure, department, days) in cases {
        let mut req = order(offer, usage, cn);
        (req.structure_id, req.department) = (structure.into(), department.into());
        let v = validate(&req).unwrap();
        let key = rsa();
        let csr = build_csr(&v, &key).unwrap();
        let issued = portal.sign(csr.pem.as_bytes(), &IssueProfile::test(offer.as_str(), usage.as_str()).unwrap(), None).unwrap();
        let cert_path = issued_dir.join(format!("{}.pem", usage.as_str()));
        std::fs::write(&cert_path, &issued.pem).unwrap();

        let verify = openssl(&["verify", "-CAfile", s(&chain), s(&cert_path)]);
        assert!(verify.ok, "{cn}: {}{}", verify.stdout, verify.stderr);

        let (_, cert) = x509_parser::parse_x509_certificate(&issued.der).unwrap();
        use x509_parser::prelude::FromDer;
        let (_, request) = x509_parser::certification_request::X509CertificationRequest::from_der(&csr.der).unwrap();
        assert_eq!(cert.subject().as_raw(), request.certification_request_info.subject.as_raw(), "{cn}: subject copied as is");
        assert_eq!(cert.public_key().raw, &key.subject_public_key_info()[..], "{cn}");
        let validity = cert.validity().not_after.timestamp() - cert.validity().not_before.timestamp();
        assert_eq!(validity, days * 86400, "{cn}: validity from the profile data");

        let text = openssl(&["x509", "-in", s(&cert_path), "-noout", "-text"]).stdout;
        for expected in [
            "X509v3 Key Usage: critical",
            "OCSP - URI:http://ocsp.esante.gouv.fr",
            "CA Issuers - URI:http://igc-sante.esante.gouv.fr/AC%20TEST/ACI-EL-ORG-TEST.cer",
            "URI:http://igc-sante.esante.gouv.fr/CRL/ACI-EL-ORG-TEST.crl",
            "X509v3 Freshest CRL",
            "1.2.250.1.71.1.2.5",
            "CA:FALSE",
            "X509v3 Subject Key Identifier",
        ] {
            assert!(text.contains(expected), "{cn}: {expected} missing in\n{text}");
        }
        if offer == Offer::Org {
            assert!(text.contains("Policy: 1.2.250.1.213.1.7.2.1.1.1.1") && text.contains("CPS: http://igc-sante.esante.gouv.fr/PC%20TEST"), "{text}");
        }
        assert_eq!(text.contains("Private Key Usage Period"), usage == Usage::Sign, "{cn}");
    }

    let views = scan(&[issued_dir], &portal.anchors_dir());
    assert_eq!(views.len(), cases.len());
    for (offer, usage, cn, structure, _, _) in cases {
        let view = views.iter().find(|c| c.cn.as_deref() == Some(cn)).unwrap_or_else(|| panic!("{cn} not listed"));
        assert_eq!((view.environment, view.chain.status), (Environment::Test, ChainStatus::Trusted), "{cn}");
        assert_eq!((view.offer, view.usage), (Some(offer), Some(usage)), "{cn}");
        if structure.len() == 14 {
            assert_eq!((view.structure_kind, view.structure_check), (StructureKind::Siret, IdentifierCheck::Valid), "{cn}");
            assert_eq!(view.structure_id.as_deref(), Some("318751275100020"));
        } else {
            assert_eq!((view.structure_kind, view.structure_check), (StructureKind::Finess, IdentifierCheck::Unchecked), "{cn}");
        }
    }
    let department = |cn: &str| views.iter().find(|c| c.cn.as_deref() == Some(cn)).unwrap().department.clone();
    assert_eq!(department("INSI-AUTO").as_deref(), Some("2A"));
    assert_eq!(department("MSSANTE CHIFFREMENT").as_deref(), Some("971"));
    assert_eq!(department("portail.ch-test.fr").as_deref(), Some("75"));
}

#[test]
fn the_portal_refuses_a_tampered_request() {
    let dir = tempfile::tempdir().unwrap();
    let portal = Portal::init(dir.path()).unwrap();
    let v = validate(&order(Offer::Org, Usage::AuthCli, "DMP")).unwrap();
    let csr = build_csr(&v, &rsa()).unwrap();
    let profile = IssueProfile::test("ORG", "AUTH_CLI").unwrap();
    assert!(portal.sign(&csr.der, &profile, None).is_ok());

    // Another CN under the same signature.
    let at = csr.der.windows(3).position(|w| w == b"DMP").unwrap();
    let mut renamed = csr.der.clone();
    renamed[at + 2] = b'Q';
    // A damaged signature.
    let mut damaged = csr.der.clone();
    *damaged.last_mut().unwrap() ^= 0x01;
    for tampered in [renamed, damaged] {
        assert!(!decode_csr(&tampered).unwrap().signature_valid);
        assert_eq!(portal.sign(&tampered, &profile, None).err().unwrap().code, "portal.csr_bad_signature");
    }
}

#[test]
fn a_portal_p12_is_listed_without_its_password() {
    let dir = tempfile::tempdir().unwrap();
    let portal = Portal::init(&dir.path().join("portal")).unwrap();
    let password = dir.path().join("password.txt");
    std::fs::write(&password, "mot de passe du portail\n").unwrap();
    let out = dir.path().join("delivered");
    std::fs::create_dir_all(&out).unwrap();
    let subject = Subject {
        state: "Paris (75)".into(),
        organization: "HOPITAL DES 3. DAMES".into(),
        organizational_unit: "11B0073160".into(),
        common_name: "INSI-MANU".into(),
    };
    let path = portal.p12(&IssueProfile::test("ORG", "AUTH_CLI").unwrap(), &subject, &password, &out).unwrap();
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(
        name.starts_with("asip-p12-EL-TEST-ORG-AUTH_CLI-") && name.ends_with(".p12") && name.len() == "asip-p12-EL-TEST-ORG-AUTH_CLI-20211115-103506.p12".len(),
        "{name}"
    );

    let passin = format!("file:{}", s(&password));
    let info = openssl(&["pkcs12", "-in", s(&path), "-info", "-noout", "-passin", &passin]);
    assert!(info.ok, "{}", info.stderr);
    for expected in ["MAC: sha1, Iteration 2048", "PKCS7 Data", "Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048"] {
        assert!(info.stderr.contains(expected), "{expected} missing in {}", info.stderr);
    }
    assert!(!info.stderr.contains("PKCS7 Encrypted data"), "certificate bags are not encrypted");

    let bytes = std::fs::read(&path).unwrap();
    let listed = read_container(&bytes, None).unwrap();
    assert_eq!((listed.integrity, listed.certificates.len()), (Integrity::Unverified, 3));
    assert!(listed.certificates[0].has_private_key && !listed.certificates[1].has_private_key && !listed.certificates[2].has_private_key);

    let views = scan(&[out], &portal.anchors_dir());
    let leaf = views.iter().find(|c| c.cn.as_deref() == Some("INSI-MANU")).unwrap();
    assert_eq!((leaf.environment, leaf.offer, leaf.usage), (Environment::Test, Some(Offer::Org), Some(Usage::AuthCli)));
    assert!(leaf.has_private_key);
}
