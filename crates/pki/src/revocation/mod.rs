//! Revocation as data: the states, reasons and answers that OCSP responders and CRLs
//! give, and reading and verifying those answers against the issuer's key. No network and
//! no storage here (`certisante-store` fetches and caches).

mod crl;
mod ocsp;
mod urls;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crl::{same_serial, verify_crl, VerifiedCrl, MAX_CRL_ENTRIES, MAX_CRL_SIZE};
pub use ocsp::{
    build_request as ocsp_request, parse_response as parse_ocsp_response, verify_response as verify_ocsp_response, BasicResponse, CertId, SingleResponse,
    MAX_OCSP_CERTS, MAX_OCSP_RESPONSE_SIZE,
};
pub use urls::{revocation_urls, RevocationUrls};

/// An OCSP answer without nextUpdate is reused this long.
pub const OCSP_REUSE_WITHOUT_NEXT_UPDATE: chrono::Duration = chrono::Duration::hours(4);
/// No answer is reused longer than this, and no CRL copy is kept longer without a new download.
pub const MAX_ANSWER_AGE: chrono::Duration = chrono::Duration::hours(24);
/// Clock skew tolerated on a thisUpdate in the future.
pub const ALLOWED_SKEW: chrono::Duration = chrono::Duration::minutes(5);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum RevocationState {
    Good,
    Revoked,
    /// Never checked, no answer could be trusted, or the responder does not know it.
    #[default]
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RevocationSource {
    Ocsp,
    Crl,
}

/// RFC 5280's CRLReason (the same codes in OCSP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CrlReason {
    Unspecified,
    KeyCompromise,
    CaCompromise,
    AffiliationChanged,
    Superseded,
    CessationOfOperation,
    CertificateHold,
    RemoveFromCrl,
    PrivilegeWithdrawn,
    AaCompromise,
}

impl CrlReason {
    pub fn from_code(code: u8) -> Self {
        match code {
            1 => Self::KeyCompromise,
            2 => Self::CaCompromise,
            3 => Self::AffiliationChanged,
            4 => Self::Superseded,
            5 => Self::CessationOfOperation,
            6 => Self::CertificateHold,
            8 => Self::RemoveFromCrl,
            9 => Self::PrivilegeWithdrawn,
            10 => Self::AaCompromise,
            _ => Self::Unspecified,
        }
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Unspecified => "non précisé",
            Self::KeyCompromise => "compromission de la clé",
            Self::CaCompromise => "compromission de l'autorité",
            Self::AffiliationChanged => "changement d'affiliation",
            Self::Superseded => "remplacé",
            Self::CessationOfOperation => "cessation d'activité",
            Self::CertificateHold => "suspendu",
            Self::RemoveFromCrl => "retiré de la liste",
            Self::PrivilegeWithdrawn => "privilège retiré",
            Self::AaCompromise => "compromission de l'autorité d'attributs",
        }
    }
}

/// The last failure to check a certificate (kept beside an older answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RevocationFailure {
    pub code: String,
    pub message: String,
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
}

/// What the UI, the CLI and scripts see of a certificate's revocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Default)]
pub struct RevocationStatus {
    pub state: RevocationState,
    pub source: Option<RevocationSource>,
    #[ts(type = "string | null")]
    pub revoked_at: Option<DateTime<Utc>>,
    /// Set when revoked ("unspecified" when the CA gave none).
    pub reason: Option<CrlReason>,
    /// When the answer was obtained from its server (the CRL's download, the OCSP
    /// response's arrival): its age is what "checked 3 h ago" shows.
    #[ts(type = "string | null")]
    pub checked_at: Option<DateTime<Utc>>,
    #[ts(type = "string | null")]
    pub this_update: Option<DateTime<Utc>>,
    #[ts(type = "string | null")]
    pub next_update: Option<DateTime<Utc>>,
    /// The last attempt's failure, if it failed (the answer above, if any, is older).
    pub error: Option<RevocationFailure>,
    /// The answer is the last known one: the last check failed or its nextUpdate passed.
    pub stale: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RevocationError {
    #[error("the certificate names no HTTP OCSP responder nor CRL location")]
    NoSource,
    #[error("the issuer's certificate is not known (neither in the registry nor shipped)")]
    IssuerUnknown,
    #[error("the certificate cannot be read: {0}")]
    CertificateInvalid(String),
    #[error("{url} cannot be reached: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("{url} did not answer in time")]
    Timeout { url: String },
    #[error("{url} points to this machine or a private network: not asked (a setting allows it for a lab or an internal mirror)")]
    AddressRefused { url: String },
    #[error("{url} redirected to another host: not followed")]
    RedirectRefused { url: String },
    #[error("{url} answered HTTP {status}")]
    HttpStatus { url: String, status: u16 },
    #[error("{url} sent more than {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    #[error("the CRL cannot be read: {0}")]
    CrlInvalid(String),
    #[error("the CRL is larger than {limit} (bytes or entries): refused")]
    CrlTooLarge { limit: String },
    #[error("the CRL's signature does not verify with the issuer's key: rejected")]
    CrlBadSignature,
    #[error("the CRL is not the issuer's (issuer name {0})")]
    CrlWrongIssuer(String),
    #[error("the CRL has expired (next update was {0}): not trusted")]
    CrlExpired(DateTime<Utc>),
    #[error("the CRL is not valid yet (this update {0})")]
    CrlNotYetValid(DateTime<Utc>),
    #[error("the OCSP response cannot be read: {0}")]
    OcspInvalid(String),
    #[error("the OCSP responder refused the request ({0})")]
    OcspRefused(&'static str),
    #[error("the OCSP response's signature does not verify with the issuer's key nor with an authorised responder's")]
    OcspBadSignature,
    #[error("the OCSP response is about another certificate")]
    OcspWrongCertificate,
    #[error("the OCSP response has expired (next update was {0})")]
    OcspExpired(DateTime<Utc>),
    #[error("the OCSP response is not valid yet (this update {0})")]
    OcspNotYetValid(DateTime<Utc>),
}

crate::error_codes!(RevocationError {
    Self::NoSource => "revocation.no_source",
    Self::IssuerUnknown => "revocation.issuer_unknown",
    Self::CertificateInvalid(_) => "revocation.certificate_invalid",
    Self::Unreachable { .. } => "revocation.unreachable",
    Self::Timeout { .. } => "revocation.timeout",
    Self::AddressRefused { .. } => "revocation.address_refused",
    Self::RedirectRefused { .. } => "revocation.redirect_refused",
    Self::HttpStatus { .. } => "revocation.http_status",
    Self::TooLarge { .. } => "revocation.too_large",
    Self::CrlInvalid(_) => "revocation.crl_invalid",
    Self::CrlTooLarge { .. } => "revocation.crl_too_large",
    Self::CrlBadSignature => "revocation.crl_bad_signature",
    Self::CrlWrongIssuer(_) => "revocation.crl_wrong_issuer",
    Self::CrlExpired(_) => "revocation.crl_expired",
    Self::CrlNotYetValid(_) => "revocation.crl_not_yet_valid",
    Self::OcspInvalid(_) => "revocation.ocsp_invalid",
    Self::OcspRefused(_) => "revocation.ocsp_refused",
    Self::OcspBadSignature => "revocation.ocsp_bad_signature",
    Self::OcspWrongCertificate => "revocation.ocsp_wrong_certificate",
    Self::OcspExpired(_) => "revocation.ocsp_expired",
    Self::OcspNotYetValid(_) => "revocation.ocsp_not_yet_valid",
});

pub type Result<T> = std::result::Result<T, RevocationError>;

/// One verified answer about one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub state: RevocationState,
    pub source: RevocationSource,
    pub revoked_at: Option<DateTime<Utc>>,
    pub reason: Option<CrlReason>,
    pub this_update: Option<DateTime<Utc>>,
    pub next_update: Option<DateTime<Utc>>,
    pub checked_at: DateTime<Utc>,
}

impl Answer {
    /// Until when this answer is reused without asking again.
    pub fn reuse_until(&self) -> DateTime<Utc> {
        let cap = self.checked_at + MAX_ANSWER_AGE;
        match (self.source, self.next_update) {
            (_, Some(next)) => next.min(cap),
            (RevocationSource::Ocsp, None) => self.checked_at + OCSP_REUSE_WITHOUT_NEXT_UPDATE,
            (RevocationSource::Crl, None) => cap,
        }
    }
}

#[cfg(test)]
mod tests;
