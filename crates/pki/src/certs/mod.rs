//! Certificates: reading containers, the parsed facts of one certificate, and
//! chain verification against trust anchors.

mod chain;
mod container;
mod facts;
mod names;
mod p12_work;
mod rules;

pub use chain::{is_self_signed, Anchor, ChainInput, ChainStatus, ChainVerdict, ChainVerifier, Environment};
pub use container::pkcs8_public_id;
pub use container::{looks_like_certificate_data, public_key_id, read_container, Container, ContainerFormat, FoundCertificate, Integrity, MAX_FILE_SIZE};
pub use facts::CertificateFacts;
pub use p12_work::{check_pkcs12_work, MAX_P12_BAGS, MAX_P12_KDF_WORK, MAX_P12_SAFES};

use crate::der::DerError;

/// The SHA-256 of DER bytes in lowercase hex: how the registry, the CLI and the UI name a
/// certificate.
pub fn fingerprint(der: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(der))
}

/// Why a file (or one entry of it) could not be read. Codes are stable: the UI and
/// scripts match them, never the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertsError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is too large to be a certificate container ({0} bytes)")]
    TooLarge(u64),
    #[error("not a certificate format this application reads (PEM, DER, PKCS#7, PKCS#12)")]
    Unrecognized,
    #[error("broken PEM: {0}")]
    PemInvalid(&'static str),
    #[error("the data nests more than {} levels deep: no certificate file does", crate::der::MAX_DEPTH)]
    DerTooDeep,
    #[error("the data lists more than {} elements in one structure: no certificate file does", crate::der::MAX_ELEMENTS)]
    DerTooManyElements,
    #[error("this PKCS#12 file asks for more password-derivation work than any genuine one: refused")]
    Pkcs12TooCostly,
    #[error("this PKCS#12 file holds more safes or entries than any genuine one: refused")]
    Pkcs12TooManyEntries,
    #[error("the DER data is truncated")]
    DerTruncated,
    #[error("invalid DER encoding")]
    DerInvalid,
    #[error("not a valid X.509 certificate: {0}")]
    CertificateInvalid(String),
    #[error("invalid PKCS#7 structure")]
    Pkcs7Invalid,
    #[error("invalid PKCS#12 structure")]
    Pkcs12Invalid,
    #[error("this PKCS#12 file encrypts its certificates: its password is needed to list them")]
    Pkcs12PasswordRequired,
    #[error("some certificates of this PKCS#12 file are encrypted: give the password to list them all")]
    Pkcs12PartlyEncrypted,
    #[error("wrong password for this PKCS#12 file (integrity check failed)")]
    Pkcs12BadPassword,
    #[error("this PKCS#12 file uses an encryption or integrity algorithm that is not supported")]
    Pkcs12Unsupported,
    #[error("this file is not a PKCS#12 (.p12, .pfx) file")]
    NotPkcs12,
    #[error("the file contains no certificate")]
    NoCertificate,
    #[error("cannot read the file: {0}")]
    Io(String),
}

crate::error_codes!(CertsError {
    Self::Empty => "certs.empty_file",
    Self::TooLarge(_) => "certs.file_too_large",
    Self::Unrecognized => "certs.unrecognized_format",
    Self::PemInvalid(_) => "certs.pem_invalid",
    Self::DerTooDeep => "certs.der_too_deep",
    Self::DerTooManyElements => "certs.der_too_many_elements",
    Self::Pkcs12TooCostly => "certs.p12_too_costly",
    Self::Pkcs12TooManyEntries => "certs.p12_too_many_entries",
    Self::DerTruncated => "certs.der_truncated",
    Self::DerInvalid => "certs.der_invalid",
    Self::CertificateInvalid(_) => "certs.certificate_invalid",
    Self::Pkcs7Invalid => "certs.pkcs7_invalid",
    Self::Pkcs12Invalid => "certs.p12_invalid",
    Self::Pkcs12PasswordRequired => "certs.p12_password_required",
    Self::Pkcs12PartlyEncrypted => "certs.p12_partly_encrypted",
    Self::Pkcs12BadPassword => "certs.p12_bad_password",
    Self::Pkcs12Unsupported => "certs.p12_unsupported",
    Self::NotPkcs12 => "certs.not_pkcs12",
    Self::NoCertificate => "certs.no_certificate",
    Self::Io(_) => "certs.io",
});

impl CertsError {
    fn from_der(e: DerError) -> Self {
        match e {
            DerError::Truncated => Self::DerTruncated,
            DerError::Invalid => Self::DerInvalid,
            DerError::TooDeep => Self::DerTooDeep,
            DerError::TooManyElements => Self::DerTooManyElements,
        }
    }

    /// A DER error inside a PKCS#12: its limits keep their codes, the rest is an invalid file.
    fn from_p12_der(e: DerError) -> Self {
        match e {
            DerError::Truncated | DerError::Invalid => Self::Pkcs12Invalid,
            other => Self::from_der(other),
        }
    }
}

#[cfg(test)]
mod chain_tests;
#[cfg(test)]
mod tests;
