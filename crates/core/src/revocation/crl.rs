//! CRLs: downloaded (at most daily per URL, see the module's documentation), verified
//! with the issuer's key before they are kept, checked for currency, and indexed by
//! serial once per refresh however many certificates they cover.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use x509_parser::prelude::*;
use x509_parser::revocation_list::CertificateRevocationList;

use super::cache::{self, CachedCrl};
use super::fetch::{Client, MAX_CRL_SIZE};
use super::{Answer, CrlReason, Result, RevocationError, RevocationSource, RevocationState, ALLOWED_SKEW, MAX_ANSWER_AGE};

/// Serial numbers compare as numbers: leading zero octets (sign padding) do not matter.
pub(crate) fn same_serial(a: &[u8], b: &[u8]) -> bool {
    strip_zeros(a) == strip_zeros(b)
}

fn strip_zeros(serial: &[u8]) -> &[u8] {
    let start = serial.iter().position(|&b| b != 0).unwrap_or(serial.len());
    &serial[start..]
}

fn time(t: ASN1Time) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or_default()
}

/// A CRL whose signature, issuer and dates were checked.
#[derive(Debug)]
pub(crate) struct VerifiedCrl {
    pub this_update: DateTime<Utc>,
    pub next_update: Option<DateTime<Utc>>,
    pub fetched_at: DateTime<Utc>,
    /// Revoked serials (without leading zeros): when and why.
    revoked: HashMap<Vec<u8>, (DateTime<Utc>, CrlReason)>,
}

/// Reads `der` and checks it was signed by `issuer_der`'s key under its name. The dates are
/// not checked here: an authentic but expired CRL is still worth keeping (its successor
/// is fetched as soon as it is due).
pub(crate) fn verify_signature(der: &[u8], issuer_der: &[u8], fetched_at: DateTime<Utc>) -> Result<VerifiedCrl> {
    let (_, crl) = CertificateRevocationList::from_der(der).map_err(|e| RevocationError::CrlInvalid(e.to_string()))?;
    let (_, issuer) = parse_x509_certificate(issuer_der).map_err(|e| RevocationError::CertificateInvalid(e.to_string()))?;
    if crl.issuer().as_raw() != issuer.subject().as_raw() && crl.issuer().to_string() != issuer.subject().to_string() {
        return Err(RevocationError::CrlWrongIssuer(crl.issuer().to_string()));
    }
    crl.verify_signature(issuer.public_key()).map_err(|_| RevocationError::CrlBadSignature)?;
    let revoked = crl
        .iter_revoked_certificates()
        .map(|entry| {
            let reason = entry.reason_code().map_or(CrlReason::Unspecified, |(_, code)| CrlReason::from_code(code.0));
            (strip_zeros(entry.raw_serial()).to_vec(), (time(entry.revocation_date), reason))
        })
        .collect();
    Ok(VerifiedCrl { this_update: time(crl.last_update()), next_update: crl.next_update().map(time), fetched_at, revoked })
}

impl VerifiedCrl {
    /// A CRL past its nextUpdate is not trusted: the CA may have revoked more since.
    pub(crate) fn check_current(&self, now: DateTime<Utc>) -> Result<()> {
        if self.this_update > now + ALLOWED_SKEW {
            return Err(RevocationError::CrlNotYetValid(self.this_update));
        }
        match self.next_update {
            Some(next) if next < now => Err(RevocationError::CrlExpired(next)),
            _ => Ok(()),
        }
    }

    pub(crate) fn answer_for(&self, serial: &[u8]) -> Answer {
        let entry = self.revoked.get(strip_zeros(serial));
        Answer {
            state: if entry.is_some() { RevocationState::Revoked } else { RevocationState::Good },
            source: RevocationSource::Crl,
            revoked_at: entry.map(|(at, _)| *at),
            reason: entry.map(|(_, reason)| *reason),
            this_update: Some(self.this_update),
            next_update: self.next_update,
            checked_at: self.fetched_at,
        }
    }
}

/// The copy kept is due for a new download.
fn due(cached: &CachedCrl, force: bool, now: DateTime<Utc>) -> bool {
    force || cached.fetched_at + MAX_ANSWER_AGE <= now || cached.next_update.is_some_and(|next| next <= now)
}

/// The CRLs of one refresh, by URL: verified and current, or why not.
pub(crate) struct CrlStore {
    crls: HashMap<String, Result<VerifiedCrl>>,
    pub downloaded: u32,
}

impl CrlStore {
    /// Brings each (URL, issuer) up to date: downloads what is due (in parallel), keeps
    /// what verifies, and falls back on the kept copy when the server cannot be reached.
    pub(crate) fn load(conn: &Connection, client: &Client, urls: &[(String, Vec<u8>)], force: bool, now: DateTime<Utc>) -> Result<Self> {
        let mut kept = Vec::with_capacity(urls.len());
        for (url, _) in urls {
            kept.push(cache::crl(conn, url)?);
        }
        let to_fetch: Vec<usize> = (0..urls.len()).filter(|&i| kept[i].as_ref().is_none_or(|c| due(c, force, now))).collect();
        let fetched = super::parallel(&to_fetch, |&i| client.get(&urls[i].0, MAX_CRL_SIZE));
        let mut fetched: HashMap<usize, Result<Vec<u8>>> = to_fetch.into_iter().zip(fetched).collect();

        let mut store = Self { crls: HashMap::new(), downloaded: 0 };
        for (i, (url, issuer)) in urls.iter().enumerate() {
            let outcome = match fetched.remove(&i) {
                Some(Ok(der)) => {
                    store.downloaded += 1;
                    match verify_signature(&der, issuer, now) {
                        Ok(crl) => {
                            cache::store_crl(conn, url, &der, &crl, now)?;
                            Ok(crl)
                        }
                        Err(e) => Err(e),
                    }
                }
                // Unreachable: the copy kept still answers while it is current.
                Some(Err(network)) => match &kept[i] {
                    Some(copy) => verify_signature(&copy.der, issuer, copy.fetched_at).and_then(|crl| crl.check_current(now).map(|()| crl)).map_err(|_| network),
                    None => Err(network),
                },
                None => {
                    let copy = kept[i].as_ref().expect("not fetched means kept");
                    verify_signature(&copy.der, issuer, copy.fetched_at)
                }
            };
            store.crls.insert(url.clone(), outcome.and_then(|crl| crl.check_current(now).map(|()| crl)));
        }
        Ok(store)
    }

    /// The first answer the certificate's CRLs give, or the first one's failure.
    pub(crate) fn answer(&self, urls: &[String], der: &[u8]) -> Result<Answer> {
        let (_, cert) = parse_x509_certificate(der).map_err(|e| RevocationError::CertificateInvalid(e.to_string()))?;
        let mut first_failure = None;
        for url in urls {
            match self.crls.get(url) {
                Some(Ok(crl)) => return Ok(crl.answer_for(cert.raw_serial())),
                Some(Err(e)) if first_failure.is_none() => first_failure = Some(e.duplicate()),
                _ => {}
            }
        }
        Err(first_failure.unwrap_or(RevocationError::NoSource))
    }
}

impl RevocationError {
    /// A copy, for a failure shared by every certificate of one CRL.
    fn duplicate(&self) -> Self {
        match self {
            Self::NoSource => Self::NoSource,
            Self::IssuerUnknown => Self::IssuerUnknown,
            Self::CertificateInvalid(m) => Self::CertificateInvalid(m.clone()),
            Self::Unreachable { url, reason } => Self::Unreachable { url: url.clone(), reason: reason.clone() },
            Self::Timeout { url } => Self::Timeout { url: url.clone() },
            Self::HttpStatus { url, status } => Self::HttpStatus { url: url.clone(), status: *status },
            Self::TooLarge { url, limit } => Self::TooLarge { url: url.clone(), limit: *limit },
            Self::CrlInvalid(m) => Self::CrlInvalid(m.clone()),
            Self::CrlBadSignature => Self::CrlBadSignature,
            Self::CrlWrongIssuer(m) => Self::CrlWrongIssuer(m.clone()),
            Self::CrlExpired(t) => Self::CrlExpired(*t),
            Self::CrlNotYetValid(t) => Self::CrlNotYetValid(*t),
            Self::OcspInvalid(m) => Self::OcspInvalid(m.clone()),
            Self::OcspRefused(m) => Self::OcspRefused(m),
            Self::OcspBadSignature => Self::OcspBadSignature,
            Self::OcspWrongCertificate => Self::OcspWrongCertificate,
            Self::OcspExpired(t) => Self::OcspExpired(*t),
            Self::OcspNotYetValid(t) => Self::OcspNotYetValid(*t),
            // Never stored per CRL; kept as text if they ever were.
            Self::Database(e) => Self::CrlInvalid(e.to_string()),
            Self::Registry(e) => Self::CrlInvalid(e.to_string()),
        }
    }
}
