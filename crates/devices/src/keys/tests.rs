//! Key generation and encoding, checked against x509-parser and the `openssl` command.
//! The OS keystore itself is tested on a real gnome-keyring in tests/keystore.rs.

use std::path::Path;
use std::process::Command;

use aws_lc_rs::encoding::AsDer;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::SubjectPublicKeyInfo;

use super::keystore::check_size;
use super::*;
use crate::igc::KeySpec;
use crate::Sensitive;

fn spec(algorithm: &str, bits: u32) -> KeySpec {
    KeySpec { algorithm: algorithm.into(), bits, curve: None, confirmed: true }
}

fn copy(key: &PrivateKey) -> Sensitive<Vec<u8>> {
    Sensitive::new(key.pkcs8().expose().clone())
}

/// `openssl pkey -pubout -outform DER` of a DER PKCS#8 key: OpenSSL's own SPKI for it.
fn openssl_spki(dir: &Path, pkcs8: &[u8]) -> Vec<u8> {
    let input = dir.join("key.der");
    let output = dir.join("pub.der");
    std::fs::write(&input, pkcs8).unwrap();
    let out = Command::new("openssl")
        .args(["pkey", "-inform", "DER", "-in"])
        .arg(&input)
        .args(["-pubout", "-outform", "DER", "-out"])
        .arg(&output)
        .output()
        .expect("the openssl command is needed (Debian package openssl)");
    assert!(out.status.success(), "openssl pkey refused our PKCS#8: {}", String::from_utf8_lossy(&out.stderr));
    std::fs::read(&output).unwrap()
}

fn openssl(args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl").args(args).output().expect("the openssl command is needed (Debian package openssl)");
    assert!(out.status.success(), "openssl {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// A key made by `openssl genpkey`: (PKCS#8 DER, OpenSSL's traditional DER: PKCS#1 or SEC1).
fn openssl_key(dir: &Path, args: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let pem = dir.join("genpkey.pem");
    let pem = pem.to_str().unwrap();
    let mut genpkey = vec!["genpkey"];
    genpkey.extend_from_slice(args);
    genpkey.extend_from_slice(&["-out", pem]);
    openssl(&genpkey);
    let pkcs8 = openssl(&["pkcs8", "-topk8", "-nocrypt", "-in", pem, "-outform", "DER"]);
    let traditional = openssl(&["pkey", "-in", pem, "-outform", "DER", "-traditional"]);
    (pkcs8, traditional)
}

#[test]
fn profiles_ask_for_rsa_2048_and_ec_p256_is_understood() {
    for profile in &crate::igc::profiles().profiles {
        assert_eq!(KeyKind::from_profile(&profile.key).unwrap(), KeyKind::Rsa2048, "{}", profile.label_en);
    }
    assert_eq!(KeyKind::from_profile(&spec("rsa", 2048)).unwrap(), KeyKind::Rsa2048);
    assert_eq!(KeyKind::from_profile(&spec("EC", 256)).unwrap(), KeyKind::EcP256);
    let err = KeyKind::from_profile(&spec("RSA", 4096)).unwrap_err();
    assert_eq!(err.code(), "keys.unsupported");
    assert!(err.to_string().contains("RSA 4096 bits"), "{err}");
    assert_eq!(KeyKind::from_profile(&spec("DSA", 2048)).unwrap_err().code(), "keys.unsupported");
}

#[test]
fn key_kinds_serialize_in_snake_case() {
    assert_eq!(serde_json::to_string(&KeyKind::Rsa2048).unwrap(), "\"rsa2048\"");
    assert_eq!(serde_json::to_string(&KeyKind::EcP256).unwrap(), "\"ec_p256\"");
    assert_eq!(serde_json::to_string(&SecretKind::P12Password).unwrap(), "\"p12_password\"");
    assert_eq!(serde_json::from_str::<SecretKind>("\"revocation_code\"").unwrap(), SecretKind::RevocationCode);
}

#[test]
fn rsa_keys_are_2048_bits_with_exponent_65537() {
    let key = PrivateKey::generate(KeyKind::Rsa2048).unwrap();
    assert_eq!(key.kind(), KeyKind::Rsa2048);
    let der = key.public_key_der();
    let (rest, spki) = SubjectPublicKeyInfo::from_der(&der).unwrap();
    assert!(rest.is_empty());
    assert_eq!(spki.algorithm.algorithm.to_id_string(), "1.2.840.113549.1.1.1");
    match spki.parsed().unwrap() {
        PublicKey::RSA(rsa) => {
            assert_eq!(rsa.key_size(), 2048);
            assert_eq!(rsa.try_exponent().unwrap(), 65537);
        }
        other => panic!("not an RSA key: {other:?}"),
    }
    // About 1,220 bytes: well under the Windows Credential Manager's 2,560.
    let len = key.pkcs8().expose().len();
    assert!((1100..=1300).contains(&len), "RSA-2048 PKCS#8 of {len} bytes");
}

#[test]
fn ec_keys_are_p256() {
    let key = PrivateKey::generate(KeyKind::EcP256).unwrap();
    assert_eq!(key.kind(), KeyKind::EcP256);
    let der = key.public_key_der();
    let (_, spki) = SubjectPublicKeyInfo::from_der(&der).unwrap();
    assert_eq!(spki.algorithm.algorithm.to_id_string(), "1.2.840.10045.2.1");
    let curve = spki.algorithm.parameters.as_ref().unwrap().as_oid().unwrap();
    assert_eq!(curve.to_id_string(), "1.2.840.10045.3.1.7");
    match spki.parsed().unwrap() {
        PublicKey::EC(point) => {
            assert_eq!(point.key_size(), 256);
            assert_eq!(point.data().len(), 65, "uncompressed point");
        }
        other => panic!("not an EC key: {other:?}"),
    }
}

#[test]
fn two_generations_give_two_keys() {
    for kind in [KeyKind::Rsa2048, KeyKind::EcP256] {
        let a = PrivateKey::generate(kind).unwrap();
        let b = PrivateKey::generate(kind).unwrap();
        assert_ne!(a.public_key_der(), b.public_key_der());
    }
}

#[test]
fn pkcs8_round_trips_and_keeps_its_bytes() {
    for kind in [KeyKind::Rsa2048, KeyKind::EcP256] {
        let key = PrivateKey::generate(kind).unwrap();
        let back = PrivateKey::from_pkcs8(copy(&key)).unwrap();
        assert_eq!(back.kind(), kind);
        assert_eq!(back.public_key_der(), key.public_key_der());
        assert_eq!(back.pkcs8().expose(), key.pkcs8().expose());
    }
}

#[test]
fn public_key_der_is_the_spki_openssl_derives() {
    let dir = tempfile::tempdir().unwrap();
    for kind in [KeyKind::Rsa2048, KeyKind::EcP256] {
        let key = PrivateKey::generate(kind).unwrap();
        assert_eq!(key.public_key_der(), openssl_spki(dir.path(), key.pkcs8().expose()), "{kind:?}");
    }
}

#[test]
fn openssl_keys_are_read_with_the_spki_openssl_derives() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], KeyKind); 2] = [
        (&["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], KeyKind::Rsa2048),
        (&["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], KeyKind::EcP256),
    ];
    for (args, kind) in cases {
        let (der, traditional) = openssl_key(dir.path(), args);
        let expected = openssl_spki(dir.path(), &der);
        let key = PrivateKey::from_pkcs8(Sensitive::new(der)).unwrap();
        assert_eq!(key.kind(), kind);
        assert_eq!(key.public_key_der(), expected, "{kind:?}");
        // The same key in OpenSSL's traditional form is refused, saying how to convert it.
        let err = PrivateKey::from_pkcs8(Sensitive::new(traditional)).unwrap_err();
        assert_eq!(err.code(), "keys.invalid");
        assert!(err.to_string().contains("openssl pkcs8 -topk8 -nocrypt"), "{kind:?}: {err}");
    }
}

#[test]
fn public_key_der_is_what_x509_parser_reads_in_a_certificate_and_a_csr() {
    for kind in [KeyKind::Rsa2048, KeyKind::EcP256] {
        let key = PrivateKey::generate(kind).unwrap();
        let pair = key.rcgen_key_pair().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(rcgen::DnType::CommonName, "test");
        let cert = params.self_signed(&pair).unwrap();
        let (_, parsed) = x509_parser::parse_x509_certificate(cert.der()).unwrap();
        assert_eq!(parsed.tbs_certificate.subject_pki.raw, key.public_key_der().as_slice(), "{kind:?} certificate");

        let csr = params.serialize_request(&pair).unwrap();
        let (_, request) = x509_parser::certification_request::X509CertificationRequest::from_der(csr.der()).unwrap();
        request.verify_signature().expect("the CSR's signature verifies with its own key");
        assert_eq!(request.certification_request_info.subject_pki.raw, key.public_key_der().as_slice(), "{kind:?} CSR");
    }
}

#[test]
fn garbage_is_not_a_key() {
    for bytes in [Vec::new(), b"not a key at all".to_vec(), vec![0x30, 0x03, 0x02, 0x01, 0x00], vec![0x30, 0x82, 0x05]] {
        let err = PrivateKey::from_pkcs8(Sensitive::new(bytes.clone())).unwrap_err();
        assert_eq!(err.code(), "keys.invalid", "{bytes:02x?}: {err}");
        assert!(err.to_string().starts_with("this is not a readable PKCS#8 (DER) private key"), "{err}");
    }
    // A real key cut short, and one with a byte flipped inside the private key.
    let key = PrivateKey::generate(KeyKind::Rsa2048).unwrap();
    let bytes = key.pkcs8().expose();
    let err = PrivateKey::from_pkcs8(Sensitive::new(bytes[..bytes.len() - 10].to_vec())).unwrap_err();
    assert_eq!(err.code(), "keys.invalid", "{err}");
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x01;
    assert_eq!(PrivateKey::from_pkcs8(Sensitive::new(flipped)).unwrap_err().code(), "keys.invalid");
}

#[test]
fn other_keys_are_unsupported_and_named() {
    let rsa3072 = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa3072).unwrap();
    let p384 = aws_lc_rs::signature::EcdsaKeyPair::generate(&aws_lc_rs::signature::ECDSA_P384_SHA384_ASN1_SIGNING).unwrap();
    let ed25519 = aws_lc_rs::signature::Ed25519KeyPair::generate().unwrap();
    let cases = [
        (rsa3072.as_der().unwrap().as_ref().to_vec(), "RSA 3072 bits"),
        (p384.to_pkcs8v1().unwrap().as_ref().to_vec(), "EC, courbe P-384"),
        (ed25519.to_pkcs8v1().unwrap().as_ref().to_vec(), "Ed25519"),
    ];
    for (der, name) in cases {
        let err = PrivateKey::from_pkcs8(Sensitive::new(der)).unwrap_err();
        assert_eq!(err.code(), "keys.unsupported", "{err}");
        assert!(err.to_string().contains(name), "{err}");
    }
}

#[test]
fn debug_shows_the_kind_and_fingerprint_never_the_key() {
    for kind in [KeyKind::Rsa2048, KeyKind::EcP256] {
        let key = PrivateKey::generate(kind).unwrap();
        let text = format!("{key:?} {:?} {key:#?}", key.pkcs8());
        assert!(text.contains(&format!("{kind:?}")), "{text}");
        assert!(text.contains(&key.public_key_sha256()), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
        let secret = key.pkcs8().expose();
        // No run of 8 bytes of the PKCS#8, in hex or as decimal lists, appears.
        for window in secret.windows(8).step_by(8) {
            assert!(!text.contains(&hex::encode(window)), "key bytes in {text}");
            assert!(!text.contains(&format!("{window:?}")), "key bytes in {text}");
        }
    }
}

#[test]
fn secret_names_are_kind_slash_id_and_checked() {
    let name = SecretName::new(SecretKind::PrivateKey, "ord-7f3a9c2e-1b4d-4e8f-a0b1-c2d3e4f5a6b7");
    assert_eq!(name.account(), "private-key/ord-7f3a9c2e-1b4d-4e8f-a0b1-c2d3e4f5a6b7");
    assert_eq!(name.to_string(), name.account());
    assert!(name.validate().is_ok());
    assert_eq!(SecretName::new(SecretKind::RevocationCode, "a").account(), "revocation-code/a");
    assert_eq!(SecretName::new(SecretKind::P12Password, "a").account(), "p12-password/a");
    for bad in ["", "a/b", "a b", "é", "x\n", &"a".repeat(129)] {
        let err = SecretName::new(SecretKind::PrivateKey, bad).validate().unwrap_err();
        assert_eq!(err.code(), "keystore.invalid_name", "{bad:?}");
    }
}

#[test]
fn secrets_over_the_windows_limit_are_refused_everywhere() {
    let name = SecretName::new(SecretKind::P12Password, "ord-1");
    assert!(check_size(&name, &Sensitive::new(vec![7; MAX_SECRET_LEN])).is_ok());
    let err = check_size(&name, &Sensitive::new(vec![7; MAX_SECRET_LEN + 1])).unwrap_err();
    assert_eq!(err.code(), "keystore.too_large");
    assert!(err.to_string().contains("2561 bytes"), "{err}");
    assert!(err.to_string().contains("2560"), "{err}");
}

#[test]
fn error_messages_say_what_to_do() {
    let unavailable = KeystoreError::Unavailable { detail: "x".into() }.to_string();
    let locked = KeystoreError::Locked { detail: "x".into() }.to_string();
    if cfg!(all(unix, not(target_os = "macos"))) {
        assert!(unavailable.contains("gnome-keyring") && unavailable.contains("DBUS_SESSION_BUS_ADDRESS"), "{unavailable}");
        assert!(locked.contains("unlock") && locked.contains("Seahorse"), "{locked}");
    }
    for (e, code) in [
        (KeystoreError::Corrupt { name: "n".into(), detail: "d".into() }, "keystore.corrupt"),
        (KeystoreError::Failed { detail: "d".into() }, "keystore.failed"),
        (KeystoreError::Unavailable { detail: "d".into() }, "keystore.unavailable"),
        (KeystoreError::Locked { detail: "d".into() }, "keystore.locked"),
    ] {
        assert_eq!(e.code(), code);
    }
    assert_eq!(KeyError::Generation { kind: "RSA 2048" }.code(), "keys.generation_failed");
    assert_eq!(KeyError::Signer { kind: "RSA 2048", reason: String::new() }.code(), "keys.signer_failed");
}
