//! The adapter between a [`ClientKey`] and rustls: a resolver that always offers the
//! card's certificate, and a signer that calls the card with a time bound.

use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use rustls::client::ResolvesClientCert;
use rustls::pki_types::CertificateDer;
use rustls::sign::{CertifiedKey, Signer, SigningKey};
use rustls::{OtherError, SignatureAlgorithm, SignatureScheme};

use super::{ClientKey, KeyError, NetError, SignScheme};

/// Offers the card's certificate to every server that asks for one.
#[derive(Debug)]
pub(super) struct CardResolver {
    certified: Arc<CertifiedKey>,
    tls13_capable: bool,
}

impl CardResolver {
    pub(super) fn new(key: Arc<dyn ClientKey>, sign_timeout: Duration) -> Result<Self, NetError> {
        let chain: Vec<CertificateDer<'static>> = key.certificate_chain().into_iter().map(CertificateDer::from).collect();
        if chain.is_empty() {
            return Err(NetError::NoClientCertificate);
        }
        let mut schemes: Vec<SignScheme> = Vec::new();
        for scheme in key.schemes() {
            if !schemes.contains(&scheme) {
                schemes.push(scheme);
            }
        }
        // One key is RSA or EC: keep the schemes of the family named first.
        let rsa = schemes.first().ok_or(NetError::NoSignatureScheme)?.is_rsa();
        schemes.retain(|s| s.is_rsa() == rsa);
        let tls13_capable = schemes.iter().any(|s| s.allowed_in_tls13());
        let signing = CardSigningKey { key, schemes, algorithm: if rsa { SignatureAlgorithm::RSA } else { SignatureAlgorithm::ECDSA }, sign_timeout };
        Ok(Self { certified: Arc::new(CertifiedKey::new(chain, Arc::new(signing))), tls13_capable })
    }

    /// False for an RSA key without PSS: such a key cannot authenticate in TLS 1.3.
    pub(super) fn tls13_capable(&self) -> bool {
        self.tls13_capable
    }
}

impl ResolvesClientCert for CardResolver {
    fn resolve(&self, _root_hint_subjects: &[&[u8]], _sigschemes: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        // The server decides whether it accepts the card's issuer: always present it.
        Some(self.certified.clone())
    }

    fn has_certs(&self) -> bool {
        true
    }
}

struct CardSigningKey {
    key: Arc<dyn ClientKey>,
    /// Most preferred first.
    schemes: Vec<SignScheme>,
    algorithm: SignatureAlgorithm,
    sign_timeout: Duration,
}

impl std::fmt::Debug for CardSigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardSigningKey").field("schemes", &self.schemes).finish()
    }
}

impl SigningKey for CardSigningKey {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn Signer>> {
        // rustls has already dropped the schemes the negotiated version forbids.
        let scheme = choose(&self.schemes, offered)?;
        Some(Box::new(CardSigner { key: self.key.clone(), scheme, timeout: self.sign_timeout }))
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }
}

/// Our preference wins over the server's order.
pub(super) fn choose(ours: &[SignScheme], offered: &[SignatureScheme]) -> Option<SignScheme> {
    ours.iter().copied().find(|s| offered.contains(&s.to_rustls()))
}

struct CardSigner {
    key: Arc<dyn ClientKey>,
    scheme: SignScheme,
    timeout: Duration,
}

impl std::fmt::Debug for CardSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardSigner").field("scheme", &self.scheme).finish()
    }
}

impl Signer for CardSigner {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rustls::Error> {
        // The KeyError travels inside rustls' error; `classify` finds it again.
        sign_bounded(&self.key, self.scheme, message, self.timeout).map_err(|e| rustls::Error::Other(OtherError(Arc::new(e))))
    }

    fn scheme(&self) -> SignatureScheme {
        self.scheme.to_rustls()
    }
}

/// Calls the key on a thread of its own and waits at most `timeout`: a reader that stops
/// answering must not hang the request (rustls' signer is synchronous, so the request's
/// own timeout cannot interrupt it). A key that panics becomes an error.
pub(super) fn sign_bounded(key: &Arc<dyn ClientKey>, scheme: SignScheme, message: &[u8], timeout: Duration) -> Result<Vec<u8>, KeyError> {
    let (tx, rx) = mpsc::sync_channel(1);
    let (key, message) = (key.clone(), message.to_vec());
    let spawned = std::thread::Builder::new().name("card-sign".into()).spawn(move || {
        let _ = tx.send(key.sign(scheme, &message));
    });
    if let Err(e) = spawned {
        return Err(KeyError::Failed { code: "net.sign_thread", message: format!("cannot start the signing thread: {e}") });
    }
    match rx.recv_timeout(timeout) {
        Ok(result) => result,
        // The thread is left to finish (or not) on its own: nothing waits for it any more.
        Err(mpsc::RecvTimeoutError::Timeout) => Err(KeyError::Timeout),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(KeyError::Failed { code: "net.sign_panicked", message: "the card key failed unexpectedly".into() }),
    }
}
