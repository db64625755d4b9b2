//! Revocation status of the registry's certificates: OCSP first (the AIA's responder),
//! then the CRLs of the CRL distribution points, both verified against the issuer's key.
//! Answers are cached in the registry with their times, so that listing never touches the
//! network and, offline, the last known answer stays (marked stale, with its age).
//!
//! When a certificate is checked again (`refresh`, without `force`):
//! - an OCSP answer is reused until its nextUpdate, at most 24 h (4 h without nextUpdate);
//! - a CRL answer is reused until the CRL's nextUpdate, at most 24 h after its download;
//! - a revoked answer is final: never checked again;
//! - after a failure (server down, bad signature...), at every refresh.
//!
//! A CRL (per URL) is downloaded again only when its copy is older than 24 h or its
//! nextUpdate has passed, whichever comes first (IGC-Santé publishes each morning), or on
//! `force`. Every request is bounded by connect and total timeouts; checks run on a
//! small pool of threads so that one slow server does not hold the others.

mod cache;
mod crl;
mod fetch;
mod ocsp;
mod urls;

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use x509_parser::prelude::*;

use crate::registry::{Registry, RegistryError};

pub use cache::MIGRATION as REVOCATION_MIGRATION;
pub use fetch::{Timeouts, CONNECT_TIMEOUT, MAX_CRL_SIZE, MAX_OCSP_SIZE, TOTAL_TIMEOUT};
pub use ocsp::build_request as ocsp_request;
pub use urls::{revocation_urls, RevocationUrls};

/// An OCSP answer without nextUpdate is reused this long.
pub const OCSP_REUSE_WITHOUT_NEXT_UPDATE: chrono::Duration = chrono::Duration::hours(4);
/// No answer is reused longer than this, and no CRL copy is kept longer without a new download.
pub const MAX_ANSWER_AGE: chrono::Duration = chrono::Duration::hours(24);
/// Clock skew tolerated on a thisUpdate in the future.
pub const ALLOWED_SKEW: chrono::Duration = chrono::Duration::minutes(5);
/// Certificates checked at the same time.
const WORKERS: usize = 4;

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

#[derive(Debug, thiserror::Error)]
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
    #[error("{url} answered HTTP {status}")]
    HttpStatus { url: String, status: u16 },
    #[error("{url} sent more than {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    #[error("the CRL cannot be read: {0}")]
    CrlInvalid(String),
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
    #[error("the revocation cache cannot be used: {0}")]
    Database(#[from] rusqlite::Error),
    #[error(transparent)]
    Registry(#[from] RegistryError),
}

impl RevocationError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoSource => "revocation.no_source",
            Self::IssuerUnknown => "revocation.issuer_unknown",
            Self::CertificateInvalid(_) => "revocation.certificate_invalid",
            Self::Unreachable { .. } => "revocation.unreachable",
            Self::Timeout { .. } => "revocation.timeout",
            Self::HttpStatus { .. } => "revocation.http_status",
            Self::TooLarge { .. } => "revocation.too_large",
            Self::CrlInvalid(_) => "revocation.crl_invalid",
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
            Self::Database(_) => "revocation.database",
            Self::Registry(e) => e.code(),
        }
    }
}

type Result<T> = std::result::Result<T, RevocationError>;

/// One verified answer about one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Answer {
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
    fn reuse_until(&self) -> DateTime<Utc> {
        let cap = self.checked_at + MAX_ANSWER_AGE;
        match (self.source, self.next_update) {
            (_, Some(next)) => next.min(cap),
            (RevocationSource::Ocsp, None) => self.checked_at + OCSP_REUSE_WITHOUT_NEXT_UPDATE,
            (RevocationSource::Crl, None) => cap,
        }
    }
}

pub struct RefreshOptions {
    /// Check every certificate and download every CRL again, whatever the cache says.
    pub force: bool,
    pub now: DateTime<Utc>,
    pub timeouts: Timeouts,
    /// Extra trust anchors (as `ScanOptions::extra_anchors`): issuers are looked for there too.
    pub extra_anchors: Option<PathBuf>,
}

impl Default for RefreshOptions {
    fn default() -> Self {
        Self { force: false, now: Utc::now(), timeouts: Timeouts::default(), extra_anchors: crate::igc::extra_anchors_from_env() }
    }
}

/// Progress of a refresh, sent to the UI as events.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RevocationProgress {
    pub done: u32,
    pub total: u32,
    /// The certificate just checked (its CN, or its subject).
    pub current: String,
}

/// One certificate considered by a refresh.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RefreshedCertificate {
    pub sha256: String,
    pub name: String,
    /// False when its cached answer was still fresh (not asked again).
    pub checked: bool,
    pub status: RevocationStatus,
}

#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct RefreshSummary {
    pub certificates: Vec<RefreshedCertificate>,
    pub checked: u32,
    pub crls_downloaded: u32,
    pub failures: u32,
}

/// The cached status of one certificate (never checked: unknown, no error).
pub fn cached(registry: &Registry, sha256: &str, now: DateTime<Utc>) -> Result<RevocationStatus> {
    Ok(cache::status(registry.connection(), sha256, now)?)
}

/// The cached status of every certificate that has one, by SHA-256.
pub fn cached_all(registry: &Registry, now: DateTime<Utc>) -> Result<HashMap<String, RevocationStatus>> {
    Ok(cache::all_statuses(registry.connection(), now)?)
}

/// `cached_all` on the registry's own connection (for `Registry::list`).
pub(crate) fn cached_statuses(conn: &rusqlite::Connection, now: DateTime<Utc>) -> rusqlite::Result<HashMap<String, RevocationStatus>> {
    cache::all_statuses(conn, now)
}

/// When the CRL at `url` was last downloaded (and kept), if ever.
pub fn crl_fetched_at(registry: &Registry, url: &str) -> Result<Option<DateTime<Utc>>> {
    Ok(cache::crl_fetched_at(registry.connection(), url)?)
}

/// A certificate to check, with what checking it needs.
struct Job {
    sha256: String,
    name: String,
    der: Vec<u8>,
    issuer: Option<Vec<u8>>,
    urls: RevocationUrls,
}

/// Checks every non-CA, unexpired certificate of the registry whose cached answer is due
/// (all with `force`), and caches the answers. Servers that fail or hang only cost their
/// timeouts; their certificates keep their last known answer with the error beside it.
pub fn refresh(registry: &Registry, options: &RefreshOptions, progress: &(dyn Fn(RevocationProgress) + Sync)) -> Result<RefreshSummary> {
    let conn = registry.connection();
    let now = options.now;
    let candidates = cache::registry_certificates(conn)?;
    let mut verifier = crate::igc::chain_verifier(options.extra_anchors.as_deref());
    let mut leaves = Vec::new();
    for (sha256, der) in candidates {
        let Ok((_, cert)) = parse_x509_certificate(&der) else { continue };
        if cert.is_ca() {
            verifier.add_to_pool(&der);
            continue;
        }
        if cert.validity().not_after.timestamp() < now.timestamp() {
            continue; // expired: its status says so already, and CAs drop it from CRLs
        }
        let name = cert.subject().iter_common_name().next().and_then(|cn| cn.as_str().ok()).map_or_else(|| cert.subject().to_string(), str::to_owned);
        leaves.push((sha256, name, der));
    }
    let mut summary = RefreshSummary::default();
    let mut jobs = Vec::new();
    for (sha256, name, der) in leaves {
        let due = options.force || cache::is_due(conn, &sha256, now)?;
        if !due {
            let status = cache::status(conn, &sha256, now)?;
            summary.certificates.push(RefreshedCertificate { sha256, name, checked: false, status });
            continue;
        }
        let urls = revocation_urls(&der).unwrap_or_default();
        let issuer = verifier.issuer_of(&der);
        jobs.push(Job { sha256, name, der, issuer, urls });
    }

    let total = jobs.len() as u32;
    let client = fetch::Client::new(options.timeouts);
    // OCSP first, in parallel: the freshest answer, one request per certificate.
    let ocsp_outcomes: Vec<Option<Result<Answer>>> = parallel(&jobs, |job| {
        let (Some(issuer), Some(url)) = (&job.issuer, &job.urls.ocsp) else { return None };
        Some(ocsp::check(&client, url, &job.der, issuer, now))
    });

    // Then CRLs for what OCSP did not settle: each URL fetched once (if due) for all.
    let settled = |ocsp: &Option<Result<Answer>>| matches!(ocsp, Some(Ok(a)) if a.state != RevocationState::Unknown);
    let mut crl_urls: Vec<(String, Vec<u8>)> = Vec::new();
    for (job, ocsp) in jobs.iter().zip(&ocsp_outcomes) {
        let Some(issuer) = job.issuer.as_ref().filter(|_| !settled(ocsp)) else { continue };
        for url in &job.urls.crls {
            if !crl_urls.iter().any(|(u, _)| u == url) {
                crl_urls.push((url.clone(), issuer.clone()));
            }
        }
    }
    let crl_store = crl::CrlStore::load(conn, &client, &crl_urls, options.force, now)?;
    summary.crls_downloaded = crl_store.downloaded;
    let mut outcomes: Vec<Result<Answer>> = Vec::with_capacity(jobs.len());
    for (job, ocsp) in jobs.iter().zip(ocsp_outcomes) {
        let outcome = match &job.issuer {
            _ if job.urls.is_empty() => Err(RevocationError::NoSource),
            None => Err(RevocationError::IssuerUnknown),
            Some(_) if settled(&ocsp) || job.urls.crls.is_empty() => ocsp.unwrap_or(Err(RevocationError::NoSource)),
            // A CRL's answer, else the OCSP responder's "unknown", else the CRL's failure.
            Some(_) => match (crl_store.answer(&job.urls.crls, &job.der), ocsp) {
                (Ok(answer), _) => Ok(answer),
                (Err(_), Some(Ok(unknown))) => Ok(unknown),
                (Err(error), _) => Err(error),
            },
        };
        outcomes.push(outcome);
    }

    for (done, (job, outcome)) in jobs.into_iter().zip(outcomes).enumerate() {
        match outcome {
            Ok(answer) => cache::record_answer(conn, &job.sha256, &answer)?,
            Err(error) => {
                summary.failures += 1;
                cache::record_failure(conn, &job.sha256, &error, now)?
            }
        }
        summary.checked += 1;
        progress(RevocationProgress { done: done as u32 + 1, total, current: job.name.clone() });
        let status = cache::status(conn, &job.sha256, now)?;
        summary.certificates.push(RefreshedCertificate { sha256: job.sha256, name: job.name, checked: true, status });
    }
    summary.certificates.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.sha256.cmp(&b.sha256)));
    Ok(summary)
}

/// `work` over `items` on a few threads, results in the items' order.
fn parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<Option<R>>> = std::sync::Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..WORKERS.min(items.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let result = work(item);
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner()).into_iter().map(|r| r.expect("every item done")).collect()
}

#[cfg(test)]
mod tests;
