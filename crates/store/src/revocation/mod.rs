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
mod crl_store;
mod fetch;

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;
use x509_parser::prelude::*;

use crate::registry::{Registry, RegistryError};

// What the layer below knows of revocation (states, answers, OCSP and CRL verification).
pub(crate) use cache::SCHEMA;
pub use certisante_pki::revocation::*;
pub use fetch::{Timeouts, CONNECT_TIMEOUT, MAX_CRL_SIZE, MAX_OCSP_SIZE, TOTAL_TIMEOUT};

/// Certificates checked at the same time.
const WORKERS: usize = 4;

/// Why a refresh could not run at all (a server's failure is not one: it is recorded
/// against its certificates).
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error("the revocation cache cannot be used: {0}")]
    Database(#[from] rusqlite::Error),
    #[error(transparent)]
    Registry(#[from] RegistryError),
}

certisante_pki::error_codes!(RefreshError {
    Self::Database(_) => "revocation.database",
} wraps {
    Registry(RegistryError),
});

/// Asks `url` about `der` and verifies the answer.
fn check_ocsp(client: &fetch::Client, url: &str, der: &[u8], issuer_der: &[u8], now: DateTime<Utc>) -> Result<Answer> {
    let request = ocsp_request(der, issuer_der)?;
    let response = client.post(url, "application/ocsp-request", request, MAX_OCSP_SIZE)?;
    let id = CertId::new(der, issuer_der)?;
    verify_ocsp_response(&response, &id, issuer_der, now)
}

pub struct RefreshOptions {
    /// Check every certificate and download every CRL again, whatever the cache says.
    pub force: bool,
    pub now: DateTime<Utc>,
    pub timeouts: Timeouts,
    /// Extra trust anchors (as `ScanOptions::extra_anchors`): issuers are looked for there too.
    pub extra_anchors: Option<PathBuf>,
    /// Ask responders on this machine or a private network (a lab, an internal mirror);
    /// off by default: a certificate's URLs must not reach internal services.
    pub allow_private_networks: bool,
}

/// Environment variable that allows private networks for revocation requests (test labs).
pub const PRIVATE_NETWORKS_ENV: &str = "CERTISANTE_REVOCATION_PRIVATE_NETWORKS";

pub fn private_networks_allowed_by_env() -> bool {
    std::env::var(PRIVATE_NETWORKS_ENV).is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes"))
}

impl Default for RefreshOptions {
    fn default() -> Self {
        Self {
            force: false,
            now: Utc::now(),
            timeouts: Timeouts::default(),
            extra_anchors: crate::trust::extra_anchors_from_env(),
            allow_private_networks: private_networks_allowed_by_env(),
        }
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
pub fn cached(registry: &Registry, sha256: &str, now: DateTime<Utc>) -> std::result::Result<RevocationStatus, RefreshError> {
    Ok(cache::status(&registry.read(), sha256, now)?)
}

/// The cached status of every certificate that has one, by SHA-256.
pub fn cached_all(registry: &Registry, now: DateTime<Utc>) -> std::result::Result<HashMap<String, RevocationStatus>, RefreshError> {
    Ok(cache::all_statuses(&registry.read(), now)?)
}

/// `cached_all` on the registry's own connection (for `Registry::list`).
pub(crate) fn cached_statuses(conn: &rusqlite::Connection, now: DateTime<Utc>) -> rusqlite::Result<HashMap<String, RevocationStatus>> {
    cache::all_statuses(conn, now)
}

/// When the CRL at `url` was last downloaded (and kept), if ever.
pub fn crl_fetched_at(registry: &Registry, url: &str) -> std::result::Result<Option<DateTime<Utc>>, RefreshError> {
    Ok(cache::crl_fetched_at(&registry.read(), url)?)
}

/// A certificate to check, with what checking it needs.
struct Job {
    sha256: String,
    name: String,
    der: Vec<u8>,
    issuer: Option<Vec<u8>>,
    urls: RevocationUrls,
}

/// Checks every non-CA, unexpired certificate of the registry whose chain verifies and whose cached answer is due
/// (all with `force`), and caches the answers. Servers that fail or hang only cost their
/// timeouts; their certificates keep their last known answer with the error beside it.
pub fn refresh(
    registry: &Registry,
    options: &RefreshOptions,
    progress: &(dyn Fn(RevocationProgress) + Sync),
) -> std::result::Result<RefreshSummary, RefreshError> {
    let now = options.now;
    let candidates = registry.listed_certificates()?;
    // The issuer of a certificate is the first CA of its valid path at that time.
    let mut verifier = crate::trust::chain_verifier(options.extra_anchors.as_deref()).at(now);
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
    // Only a certificate whose chain verifies to a trust anchor chooses where CertiSanté
    // connects: a forged or unverified one (dropped in a watched folder by anyone) never does.
    leaves.retain(|(_, _, der)| verifier.verify(der).status == certisante_pki::certs::ChainStatus::Trusted);
    let mut summary = RefreshSummary::default();
    let mut jobs = Vec::new();
    let conn = registry.read();
    for (sha256, name, der) in leaves {
        let due = options.force || cache::is_due(&conn, &sha256, now)?;
        if !due {
            let status = cache::status(&conn, &sha256, now)?;
            summary.certificates.push(RefreshedCertificate { sha256, name, checked: false, status });
            continue;
        }
        let urls = revocation_urls(&der).unwrap_or_default();
        let issuer = verifier.issuer_of(&der);
        jobs.push(Job { sha256, name, der, issuer, urls });
    }
    drop(conn);

    let total = jobs.len() as u32;
    let client = fetch::Client::new(options.timeouts, options.allow_private_networks);
    // OCSP first, in parallel: the freshest answer, one request per certificate.
    let ocsp_outcomes: Vec<Option<Result<Answer>>> = parallel(&jobs, |job| {
        let (Some(issuer), Some(url)) = (&job.issuer, &job.urls.ocsp) else { return None };
        Some(check_ocsp(&client, url, &job.der, issuer, now))
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
    let crl_store = crl_store::CrlStore::load(registry, &client, &crl_urls, options.force, now)?;
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
        registry.write(|tx| match &outcome {
            Ok(answer) => cache::record_answer(tx, &job.sha256, answer),
            Err(error) => cache::record_failure(tx, &job.sha256, error, now),
        })?;
        if outcome.is_err() {
            summary.failures += 1;
        }
        if done == 0 {
            crate::faults::checkpoint("revocation_recorded");
        }
        summary.checked += 1;
        progress(RevocationProgress { done: done as u32 + 1, total, current: job.name.clone() });
        let status = cache::status(&registry.read(), &job.sha256, now)?;
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
