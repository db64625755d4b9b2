use std::sync::Arc;
use std::time::Duration;

use rustls::{AlertDescription, OtherError, SignatureScheme};

use super::signer::{choose, sign_bounded};
use super::*;

struct Fixed(Result<Vec<u8>, KeyError>, Duration);

impl ClientKey for Fixed {
    fn certificate_chain(&self) -> Vec<Vec<u8>> {
        vec![vec![0x30]]
    }
    fn schemes(&self) -> Vec<SignScheme> {
        vec![SignScheme::RsaPkcs1Sha256]
    }
    fn sign(&self, _: SignScheme, _: &[u8]) -> Result<Vec<u8>, KeyError> {
        std::thread::sleep(self.1);
        self.0.clone()
    }
}

struct Panics;

impl ClientKey for Panics {
    fn certificate_chain(&self) -> Vec<Vec<u8>> {
        Vec::new()
    }
    fn schemes(&self) -> Vec<SignScheme> {
        Vec::new()
    }
    fn sign(&self, _: SignScheme, _: &[u8]) -> Result<Vec<u8>, KeyError> {
        panic!("a key bug")
    }
}

#[test]
fn schemes_round_trip_and_tls13_excludes_pkcs1() {
    for s in SignScheme::ALL {
        assert_eq!(SignScheme::from_rustls(s.to_rustls()), Some(s));
    }
    assert!(!SignScheme::RsaPkcs1Sha256.allowed_in_tls13());
    assert!(SignScheme::RsaPssSha256.allowed_in_tls13() && SignScheme::EcdsaSha256.allowed_in_tls13());
    assert_eq!(SignScheme::from_rustls(SignatureScheme::ED25519), None);
}

#[test]
fn our_preference_wins_over_the_servers_order() {
    let ours = [SignScheme::RsaPssSha256, SignScheme::RsaPkcs1Sha256];
    let offered = [SignatureScheme::RSA_PKCS1_SHA256, SignatureScheme::RSA_PSS_SHA256];
    assert_eq!(choose(&ours, &offered), Some(SignScheme::RsaPssSha256));
    assert_eq!(choose(&ours, &offered[..1]), Some(SignScheme::RsaPkcs1Sha256));
    assert_eq!(choose(&ours, &[SignatureScheme::ECDSA_NISTP256_SHA256]), None);
}

#[test]
fn a_slow_or_panicking_key_becomes_an_error() {
    let slow: Arc<dyn ClientKey> = Arc::new(Fixed(Ok(vec![1]), Duration::from_secs(5)));
    let started = std::time::Instant::now();
    assert_eq!(sign_bounded(&slow, SignScheme::RsaPkcs1Sha256, b"m", Duration::from_millis(100)), Err(KeyError::Timeout));
    assert!(started.elapsed() < Duration::from_secs(2));
    let panics: Arc<dyn ClientKey> = Arc::new(Panics);
    let e = sign_bounded(&panics, SignScheme::RsaPkcs1Sha256, b"m", Duration::from_secs(5)).unwrap_err();
    assert_eq!(NetError::from(e).code(), "net.card_sign_failed");
    let removed: Arc<dyn ClientKey> = Arc::new(Fixed(Err(KeyError::CardRemoved), Duration::ZERO));
    assert_eq!(sign_bounded(&removed, SignScheme::RsaPkcs1Sha256, b"m", Duration::from_secs(5)), Err(KeyError::CardRemoved));
}

#[test]
fn the_signers_error_is_found_through_io_and_rustls_wrappers() {
    // As tokio-rustls and hyper wrap it: io::Error(rustls::Error::Other(KeyError)).
    let tls = rustls::Error::Other(OtherError(Arc::new(KeyError::CardRemoved)));
    let io = std::io::Error::new(std::io::ErrorKind::InvalidData, tls);
    assert_eq!(find_cause(&io), Some(NetError::CardRemoved));
    let io = std::io::Error::new(std::io::ErrorKind::InvalidData, rustls::Error::AlertReceived(AlertDescription::CertificateRequired));
    assert_eq!(find_cause(&io).map(|e| e.code()), Some("net.client_certificate_refused"));
    let io = std::io::Error::new(std::io::ErrorKind::InvalidData, rustls::Error::AlertReceived(AlertDescription::HandshakeFailure));
    assert_eq!(find_cause(&io).map(|e| e.code()), Some("net.handshake_refused"));
    let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
    assert_eq!(find_cause(&reset).map(|e| e.code()), Some("net.connection_closed"));
    let bad = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
    assert_eq!(find_cause(&bad).map(|e| e.code()), Some("net.server_untrusted"));
}

#[test]
fn configs_refuse_what_cannot_work() {
    let opts = CardClientOptions::default();
    let no_chain: Arc<dyn ClientKey> = Arc::new(Panics);
    assert_eq!(card_tls_config(no_chain, &[vec![0x30]], &opts).unwrap_err(), NetError::NoClientCertificate);
    let key: Arc<dyn ClientKey> = Arc::new(Fixed(Ok(vec![]), Duration::ZERO));
    assert_eq!(card_tls_config(key.clone(), &[], &opts).unwrap_err(), NetError::NoTrustAnchor);
    assert_eq!(card_tls_config(key, &[vec![1, 2, 3]], &opts).unwrap_err().code(), "net.invalid_trust_anchor");
}

#[test]
fn token_errors_map_to_key_errors() {
    use crate::token::TokenError;
    assert_eq!(token_key::key_error(TokenError::CardRemoved), KeyError::CardRemoved);
    assert_eq!(token_key::key_error(TokenError::NotLoggedIn), KeyError::NotLoggedIn);
    let e = token_key::key_error(TokenError::MechanismUnsupported);
    assert!(matches!(e, KeyError::Failed { code: "token.mechanism_unsupported", .. }));
}
