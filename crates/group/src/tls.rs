//! TLS to the group database: rustls on aws-lc, the server verified as libpq's sslmode says.
//!
//! - `verify-full`: the chain to a trusted CA and the host name (the default over TCP).
//! - `verify-ca`: the chain only (a server reached by an address its certificate lacks).
//! - `require`, `prefer`, `allow`: encrypted; verified like `verify-ca` when `sslrootcert` is
//!   given (libpq does the same), not verified otherwise.
//!
//! Trusted CAs: `sslrootcert` (a PEM file), `sslrootcert=system` (the OS's), or else
//! `~/.postgresql/root.crt` when it exists, and the OS's otherwise.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::address::{Address, SslMode};
use crate::error::{GroupError, Result};

/// The largest CA file read (a bundle of a few hundred CAs is about 250 KB).
const MAX_ROOT_FILE: u64 = 4 << 20;

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// The rustls configuration for `address`, or None when TLS is off.
pub fn client_config(address: &Address) -> Result<Option<ClientConfig>> {
    let verify = match address.sslmode {
        SslMode::Disable => return Ok(None),
        SslMode::VerifyFull => Verify::Full,
        SslMode::VerifyCa => Verify::ChainOnly,
        SslMode::Require | SslMode::Prefer | SslMode::Allow if address.sslrootcert.is_some() => Verify::ChainOnly,
        SslMode::Require | SslMode::Prefer | SslMode::Allow => Verify::Nothing,
    };
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| GroupError::Tls { server: address.server(), reason: e.to_string() })?;
    let verifier: Arc<dyn ServerCertVerifier> = match verify {
        Verify::Nothing => Arc::new(AnyCertificate(provider())),
        Verify::Full | Verify::ChainOnly => {
            let roots = Arc::new(roots(address)?);
            let webpki = WebPkiServerVerifier::builder_with_provider(roots, provider())
                .build()
                .map_err(|e| GroupError::Tls { server: address.server(), reason: e.to_string() })?;
            if verify == Verify::Full {
                webpki
            } else {
                Arc::new(ChainOnly(webpki))
            }
        }
    };
    Ok(Some(builder.dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth()))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Verify {
    Full,
    ChainOnly,
    Nothing,
}

fn roots(address: &Address) -> Result<RootCertStore> {
    match address.sslrootcert.as_deref() {
        Some("system") => system_roots(address),
        Some(path) => file_roots(Path::new(path)),
        None => match default_root_file() {
            Some(path) if path.is_file() => file_roots(&path),
            _ => system_roots(address),
        },
    }
}

fn default_root_file() -> Option<PathBuf> {
    if cfg!(windows) {
        dirs::config_dir().map(|d| d.join("postgresql").join("root.crt"))
    } else {
        dirs::home_dir().map(|d| d.join(".postgresql").join("root.crt"))
    }
}

fn file_roots(path: &Path) -> Result<RootCertStore> {
    let failed = |reason: String| GroupError::RootCertificates { path: path.display().to_string(), reason };
    let metadata = std::fs::metadata(path).map_err(|e| failed(e.to_string()))?;
    if !metadata.is_file() {
        return Err(failed("not a regular file".into()));
    }
    if metadata.len() > MAX_ROOT_FILE {
        return Err(failed(format!("larger than {} MB", MAX_ROOT_FILE >> 20)));
    }
    let pem = std::fs::read(path).map_err(|e| failed(e.to_string()))?;
    let mut store = RootCertStore::empty();
    for certificate in CertificateDer::pem_slice_iter(&pem) {
        let certificate = certificate.map_err(|e| failed(format!("not PEM: {e}")))?;
        store.add(certificate).map_err(|e| failed(e.to_string()))?;
    }
    if store.is_empty() {
        return Err(failed("no certificate in it".into()));
    }
    Ok(store)
}

fn system_roots(address: &Address) -> Result<RootCertStore> {
    let found = rustls_native_certs::load_native_certs();
    let mut store = RootCertStore::empty();
    let (added, _) = store.add_parsable_certificates(found.certs);
    if added == 0 {
        let reason = found.errors.first().map_or_else(|| "the system holds no trusted CA".to_owned(), |e| e.to_string());
        return Err(GroupError::Tls { server: address.server(), reason: format!("{reason}: give sslrootcert=<the CA's PEM file>") });
    }
    Ok(store)
}

/// `verify-ca`: the chain must lead to a trusted CA; the name is not checked.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. })) => {
                Ok(ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// `require` without CA: encrypted, any certificate (libpq's meaning); the handshake's own
/// signatures are still checked.
#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
