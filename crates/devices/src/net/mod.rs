//! Card-authenticated HTTPS: a `reqwest` client on rustls whose client-certificate key
//! stays in the CPS card (or any [`ClientKey`]): rustls hands the handshake's
//! CertificateVerify message to the key, which signs it where it lives.
//!
//! Policy, on purpose:
//! - TLS 1.3 and 1.2. RSA-PSS is preferred when the key offers it; an RSA key with
//!   PKCS#1 v1.5 only is limited to TLS 1.2 (TLS 1.3 forbids PKCS#1 v1.5 there).
//! - No session resumption (no session cache, no tickets, no 0-RTT) and, by default, no
//!   connection reuse: every request opens a new connection whose handshake the card signs,
//!   so every request proves the card is still there.
//! - The server is verified against the trust anchors given (for IGC-Santé servers, the
//!   shipped CA certificates), never the system's.
//! - A signature that fails (card pulled out) or never comes back fails that request with
//!   a [`NetError`] whose code says so (`net.card_removed`, `net.card_timeout`, ...).

mod signer;
mod token_key;

use std::sync::Arc;
use std::time::Duration;

use rustls::client::{Resumption, WebPkiServerVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::CertificateDer;
use rustls::{AlertDescription, RootCertStore, SignatureScheme};

pub use token_key::TokenClientKey;

/// The token's signature mechanisms as TLS names them. One type for both: a card key
/// offers the ECDSA hash that matches its curve (P-256 with SHA-256, P-384 with SHA-384,
/// see `token_key`), which is what a TLS 1.3 ECDSA scheme binds.
pub use crate::token::SignMechanism as SignScheme;

impl SignScheme {
    /// Every mechanism, in the order a client prefers them (PSS first).
    pub const ALL: [SignScheme; 9] = [
        Self::RsaPssSha256,
        Self::RsaPssSha384,
        Self::RsaPssSha512,
        Self::RsaPkcs1Sha256,
        Self::RsaPkcs1Sha384,
        Self::RsaPkcs1Sha512,
        Self::EcdsaSha256,
        Self::EcdsaSha384,
        Self::EcdsaSha512,
    ];

    pub fn to_rustls(self) -> SignatureScheme {
        match self {
            Self::RsaPkcs1Sha256 => SignatureScheme::RSA_PKCS1_SHA256,
            Self::RsaPkcs1Sha384 => SignatureScheme::RSA_PKCS1_SHA384,
            Self::RsaPkcs1Sha512 => SignatureScheme::RSA_PKCS1_SHA512,
            Self::RsaPssSha256 => SignatureScheme::RSA_PSS_SHA256,
            Self::RsaPssSha384 => SignatureScheme::RSA_PSS_SHA384,
            Self::RsaPssSha512 => SignatureScheme::RSA_PSS_SHA512,
            Self::EcdsaSha256 => SignatureScheme::ECDSA_NISTP256_SHA256,
            Self::EcdsaSha384 => SignatureScheme::ECDSA_NISTP384_SHA384,
            Self::EcdsaSha512 => SignatureScheme::ECDSA_NISTP521_SHA512,
        }
    }

    pub fn from_rustls(scheme: SignatureScheme) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.to_rustls() == scheme)
    }

    pub fn is_rsa(self) -> bool {
        !matches!(self, Self::EcdsaSha256 | Self::EcdsaSha384 | Self::EcdsaSha512)
    }

    /// Usable in a TLS 1.3 CertificateVerify (RFC 8446, 4.4.3: no PKCS#1 v1.5).
    pub fn allowed_in_tls13(self) -> bool {
        !matches!(self, Self::RsaPkcs1Sha256 | Self::RsaPkcs1Sha384 | Self::RsaPkcs1Sha512)
    }
}

/// A client-authentication key that signs where it lives (the card, a token, or memory).
///
/// `sign` is called from inside a TLS handshake, on a thread of its own: it may block (a
/// card takes a fraction of a second) but must return an error, not panic, when the card
/// is gone.
pub trait ClientKey: Send + Sync {
    /// The key's certificate first, then any intermediate certificates to send (DER).
    fn certificate_chain(&self) -> Vec<Vec<u8>>;
    /// The schemes the key can sign with, most preferred first.
    fn schemes(&self) -> Vec<SignScheme>;
    /// Signs `message` (not a hash: hashing for `scheme` is the key's job).
    fn sign(&self, scheme: SignScheme, message: &[u8]) -> Result<Vec<u8>, KeyError>;
}

/// Why a [`ClientKey`] could not sign.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the card was removed")]
    CardRemoved,
    #[error("the card is no longer logged in")]
    NotLoggedIn,
    #[error("the card did not answer in time")]
    Timeout,
    /// `code` is the underlying error's stable code (for example `token.pkcs11_error`).
    #[error("the card could not sign: {message}")]
    Failed { code: &'static str, message: String },
}

/// Why a card-authenticated client could not be built or a request failed. Codes are
/// stable: the UI and scripts match them, never the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    #[error("the card key has no certificate to present")]
    NoClientCertificate,
    #[error("the card key offers no signature scheme usable for TLS")]
    NoSignatureScheme,
    #[error("no trust anchor was given to verify the server")]
    NoTrustAnchor,
    #[error("a trust anchor is not a usable CA certificate: {0}")]
    InvalidTrustAnchor(String),
    #[error("the HTTPS client could not be built: {0}")]
    ClientBuild(String),
    #[error("the card was removed during the connection")]
    CardRemoved,
    #[error("the card is no longer logged in: enter the PIN again")]
    CardNotLoggedIn,
    #[error("the card did not answer in time")]
    CardTimeout,
    #[error("the card could not sign for the connection: {message}")]
    CardSignFailed { code: &'static str, message: String },
    #[error("the server's certificate is not trusted: {0}")]
    ServerUntrusted(String),
    #[error("the server refused the card's certificate: {0}")]
    ClientCertificateRefused(String),
    #[error("the server refused the TLS handshake (it may require a certificate the card did not present): {0}")]
    HandshakeRefused(String),
    /// In TLS 1.3 the server judges the client certificate after the client thinks the
    /// handshake is over: if the request is already on its way, the server's refusal can
    /// arrive as a reset connection instead of a readable alert.
    #[error("the server closed the connection ({0}); a server that refuses the card's certificate may do this")]
    ConnectionClosed(String),
    #[error("TLS failure: {0}")]
    Tls(String),
    #[error("the server did not answer in time")]
    Timeout,
    #[error("cannot connect to the server: {0}")]
    Connect(String),
    #[error("HTTP failure: {0}")]
    Http(String),
}

certisante_pki::error_codes!(NetError {
    Self::NoClientCertificate => "net.no_client_certificate",
    Self::NoSignatureScheme => "net.no_signature_scheme",
    Self::NoTrustAnchor => "net.no_trust_anchor",
    Self::InvalidTrustAnchor(_) => "net.invalid_trust_anchor",
    Self::ClientBuild(_) => "net.client_build",
    Self::CardRemoved => "net.card_removed",
    Self::CardNotLoggedIn => "net.card_not_logged_in",
    Self::CardTimeout => "net.card_timeout",
    Self::CardSignFailed { .. } => "net.card_sign_failed",
    Self::ServerUntrusted(_) => "net.server_untrusted",
    Self::ClientCertificateRefused(_) => "net.client_certificate_refused",
    Self::HandshakeRefused(_) => "net.handshake_refused",
    Self::ConnectionClosed(_) => "net.connection_closed",
    Self::Tls(_) => "net.tls",
    Self::Timeout => "net.timeout",
    Self::Connect(_) => "net.connect",
    Self::Http(_) => "net.http",
});

impl From<KeyError> for NetError {
    fn from(e: KeyError) -> Self {
        match e {
            KeyError::CardRemoved => Self::CardRemoved,
            KeyError::NotLoggedIn => Self::CardNotLoggedIn,
            KeyError::Timeout => Self::CardTimeout,
            KeyError::Failed { code, message } => Self::CardSignFailed { code, message },
        }
    }
}

impl From<reqwest::Error> for NetError {
    fn from(e: reqwest::Error) -> Self {
        classify(&e)
    }
}

/// Limits of a card-authenticated client.
#[derive(Debug, Clone)]
pub struct CardClientOptions {
    /// Bound on one signature by the card. The signature runs on its own thread, so a
    /// reader that stops answering fails the handshake instead of hanging the request.
    pub sign_timeout: Duration,
    pub connect_timeout: Duration,
    /// Bound on a whole request (connection, handshake, response).
    pub timeout: Duration,
    /// Keep idle connections for later requests. Off by default: a reused connection
    /// would go on working after the card is pulled out.
    pub reuse_connections: bool,
}

impl Default for CardClientOptions {
    fn default() -> Self {
        Self { sign_timeout: Duration::from_secs(30), connect_timeout: Duration::from_secs(30), timeout: Duration::from_secs(120), reuse_connections: false }
    }
}

/// A client that authenticates with `key` and trusts only the CA certificates `roots`
/// (DER) for the server, with [`CardClientOptions::default`].
pub fn card_client(key: Arc<dyn ClientKey>, roots: &[Vec<u8>]) -> Result<reqwest::Client, NetError> {
    card_client_with(key, roots, &CardClientOptions::default())
}

pub fn card_client_with(key: Arc<dyn ClientKey>, roots: &[Vec<u8>], options: &CardClientOptions) -> Result<reqwest::Client, NetError> {
    let config = card_tls_config(key, roots, options)?;
    let mut builder =
        reqwest::Client::builder().tls_backend_preconfigured(config).https_only(true).connect_timeout(options.connect_timeout).timeout(options.timeout);
    if !options.reuse_connections {
        builder = builder.pool_max_idle_per_host(0);
    }
    builder.build().map_err(|e| NetError::ClientBuild(error_text(&e)))
}

/// The rustls configuration behind [`card_client`], for other transports.
pub fn card_tls_config(key: Arc<dyn ClientKey>, roots: &[Vec<u8>], options: &CardClientOptions) -> Result<rustls::ClientConfig, NetError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let resolver = signer::CardResolver::new(key, options.sign_timeout)?;
    let versions: &[&'static rustls::SupportedProtocolVersion] =
        if resolver.tls13_capable() { &[&rustls::version::TLS13, &rustls::version::TLS12] } else { &[&rustls::version::TLS12] };
    let verifier = server_verifier(roots, provider.clone())?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .map_err(|e| NetError::ClientBuild(e.to_string()))?
        .with_webpki_verifier(verifier)
        .with_client_cert_resolver(Arc::new(resolver));
    // A resumed handshake carries no client signature: resuming would let a connection
    // succeed without the card. Disabled() stores no session and sends no ticket request.
    config.resumption = Resumption::disabled();
    config.enable_early_data = false;
    Ok(config)
}

fn server_verifier(roots: &[Vec<u8>], provider: Arc<CryptoProvider>) -> Result<Arc<WebPkiServerVerifier>, NetError> {
    if roots.is_empty() {
        return Err(NetError::NoTrustAnchor);
    }
    let mut store = RootCertStore::empty();
    for der in roots {
        store.add(CertificateDer::from(der.clone())).map_err(|e| NetError::InvalidTrustAnchor(e.to_string()))?;
    }
    WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider).build().map_err(|e| NetError::ClientBuild(e.to_string()))
}

/// What a failed request means for the user. The cause is searched in the error chain:
/// the signer's own error (card removed...), then rustls' verdict, then reqwest's kind.
pub fn classify(e: &reqwest::Error) -> NetError {
    if let Some(found) = find_cause(e) {
        return found;
    }
    if e.is_timeout() {
        NetError::Timeout
    } else if e.is_connect() {
        NetError::Connect(error_text(e))
    } else {
        NetError::Http(error_text(e))
    }
}

fn find_cause(e: &(dyn std::error::Error + 'static)) -> Option<NetError> {
    let mut next = Some(e);
    while let Some(e) = next {
        if let Some(key) = e.downcast_ref::<KeyError>() {
            return Some(key.clone().into());
        }
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(from_rustls(tls));
        }
        // io::Error::source() skips the error it wraps (rustls' is wrapped that way).
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if let Some(found) = io.get_ref().and_then(|inner| find_cause(inner)) {
                return Some(found);
            }
            use std::io::ErrorKind as K;
            match io.kind() {
                K::TimedOut => return Some(NetError::Timeout),
                K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof => return Some(NetError::ConnectionClosed(io.to_string())),
                _ => {}
            }
        }
        next = e.source();
    }
    None
}

fn from_rustls(e: &rustls::Error) -> NetError {
    use AlertDescription as A;
    match e {
        rustls::Error::Other(other) => match other.0.downcast_ref::<KeyError>() {
            Some(key) => key.clone().into(),
            None => NetError::Tls(e.to_string()),
        },
        rustls::Error::InvalidCertificate(_) => NetError::ServerUntrusted(e.to_string()),
        // What servers answer a missing or unacceptable client certificate (OpenSSL sends
        // certificate_required in TLS 1.3).
        rustls::Error::AlertReceived(
            A::CertificateRequired
            | A::BadCertificate
            | A::UnsupportedCertificate
            | A::CertificateRevoked
            | A::CertificateExpired
            | A::CertificateUnknown
            | A::UnknownCA
            | A::AccessDenied,
        ) => NetError::ClientCertificateRefused(e.to_string()),
        // TLS 1.2 servers (OpenSSL) refuse a missing client certificate this way, but it also
        // means "no common parameters": say what it may be.
        rustls::Error::AlertReceived(A::HandshakeFailure) => NetError::HandshakeRefused(e.to_string()),
        _ => NetError::Tls(e.to_string()),
    }
}

/// The error and its causes on one line (reqwest's Display shows only the outermost).
fn error_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        let part = cause.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        next = cause.source();
    }
    text
}

#[cfg(test)]
mod tests;
