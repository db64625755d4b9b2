//! CRLs: verified with the issuer's key, checked for currency, and indexed by serial once
//! however many certificates they cover.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use x509_parser::prelude::*;
use x509_parser::revocation_list::CertificateRevocationList;

use crate::der;

use super::{Answer, CrlReason, Result, RevocationError, RevocationSource, RevocationState, ALLOWED_SKEW};

/// Serial numbers compare as numbers: leading zero octets (sign padding) do not matter.
pub fn same_serial(a: &[u8], b: &[u8]) -> bool {
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
pub struct VerifiedCrl {
    pub this_update: DateTime<Utc>,
    pub next_update: Option<DateTime<Utc>>,
    pub fetched_at: DateTime<Utc>,
    /// Revoked serials (without leading zeros): when and why.
    revoked: HashMap<Vec<u8>, (DateTime<Utc>, CrlReason)>,
}

/// Largest CRL read: what the fetcher accepts (`certisante-store`'s `MAX_CRL_SIZE`). The
/// IGC-Santé CAs' CRLs weigh a few MB at most.
pub const MAX_CRL_SIZE: usize = 20 * 1024 * 1024;

/// Most revoked entries read from one CRL. x509-parser holds every entry parsed (about
/// 100 bytes each, then our index by serial): a million is far beyond any IGC-Santé CA's
/// list and keeps a hostile one to a few hundred MB for the few seconds of its check.
pub const MAX_CRL_ENTRIES: usize = 1_000_000;

/// Counts the revoked entries with the crate's DER walker (no allocation) before
/// x509-parser lists them: TBSCertList is version?, signature, issuer, thisUpdate,
/// nextUpdate?, revokedCertificates?, [0] extensions?; the entries are the third SEQUENCE.
fn check_crl_bounds(crl: &[u8]) -> Result<()> {
    if crl.len() > MAX_CRL_SIZE {
        return Err(RevocationError::CrlTooLarge { limit: format!("{MAX_CRL_SIZE} bytes") });
    }
    let unreadable = |_| RevocationError::CrlInvalid("not a DER CertificateList".into());
    let (list, _) = der::expect(crl, der::SEQUENCE).map_err(unreadable)?;
    let (tbs, _) = der::expect(list.content, der::SEQUENCE).map_err(unreadable)?;
    let mut rest = tbs.content;
    let mut sequences = 0;
    while !rest.is_empty() {
        let (field, after) = der::read(rest).map_err(unreadable)?;
        rest = after;
        if field.tag != der::SEQUENCE {
            continue;
        }
        sequences += 1;
        if sequences == 3 {
            let mut entries = field.content;
            let mut count = 0usize;
            while !entries.is_empty() {
                count += 1;
                if count > MAX_CRL_ENTRIES {
                    return Err(RevocationError::CrlTooLarge { limit: format!("{MAX_CRL_ENTRIES} entries") });
                }
                entries = der::read(entries).map_err(unreadable)?.1;
            }
            break;
        }
    }
    Ok(())
}

/// Reads `der` and checks it was signed by `issuer_der`'s key under its name. The dates are
/// not checked here: an authentic but expired CRL is still worth keeping (its successor
/// is fetched as soon as it is due).
pub fn verify_crl(der: &[u8], issuer_der: &[u8], fetched_at: DateTime<Utc>) -> Result<VerifiedCrl> {
    check_crl_bounds(der)?;
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
    pub fn check_current(&self, now: DateTime<Utc>) -> Result<()> {
        if self.this_update > now + ALLOWED_SKEW {
            return Err(RevocationError::CrlNotYetValid(self.this_update));
        }
        match self.next_update {
            Some(next) if next < now => Err(RevocationError::CrlExpired(next)),
            _ => Ok(()),
        }
    }

    pub fn answer_for(&self, serial: &[u8]) -> Answer {
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
