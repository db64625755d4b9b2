//! What the dashboard, the CLI and scripts see of a certificate: one flat, serializable
//! model (exported to TypeScript with ts-rs), built from the facts, the chain verdict
//! and every place the certificate was found.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::certs::{CertificateFacts, ChainStatus, ChainVerdict, ContainerFormat, Integrity};
use crate::igc::{self, Environment, IdentifierCheck, Offer, StructureKind, Usage};
use crate::order::OrderLink;
use crate::revocation::{RevocationState, RevocationStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Valid,
    Expiring,
    Expired,
    NotYetValid,
    /// Its CA says so (cached OCSP or CRL answer): whatever the dates, unusable.
    Revoked,
    /// Its renewal is installed: the successor took over, nothing more to do about it.
    Replaced,
}

/// How urgent the certificate is, for colours and monitoring exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Ok,
    Warning,
    Critical,
}

/// Expiry thresholds in days (warning, critical).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Thresholds {
    #[ts(type = "number")]
    pub warn_days: i64,
    #[ts(type = "number")]
    pub crit_days: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        let t = &igc::profiles().thresholds;
        Self { warn_days: t.warn_days, crit_days: t.crit_days }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    File,
    Nss,
    WindowsStore,
    MacosKeychain,
    /// The OS keystore entry that holds the certificate's private key (CertiSanté's own).
    Keystore,
}

/// One place a certificate was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Place {
    pub path: String,
    pub kind: PlaceKind,
    pub format: ContainerFormat,
    /// Index within the container (0-based).
    pub position: u32,
    pub has_private_key: bool,
    pub integrity: Integrity,
    /// Written by CertiSanté (an import, an install, an export): checked at every scan,
    /// and gone from the list, with a warning, when it is no longer there.
    pub managed: bool,
}

/// The codes of a certificate's warnings.
pub const WARNING_CODES: &[&str] = &[
    "chain.ca_expired",
    "chain.ca_not_yet_valid",
    "igc.forged_issuer",
    "igc.unverified_issuer",
    "igc.structure_id_invalid",
    "places.no_copy",
    "places.no_key",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Warning {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct CertificateView {
    pub sha256: String,
    pub sha1: String,
    pub cn: Option<String>,
    pub organization: Option<String>,
    /// The OU as written (national structure identifier for ORG certificates).
    pub structure_id: Option<String>,
    pub structure_kind: StructureKind,
    pub structure_number: Option<String>,
    pub structure_check: IdentifierCheck,
    /// The subject's ST ("Paris (75)") and the département code read from it.
    pub state: Option<String>,
    pub department: Option<String>,
    pub environment: Environment,
    pub offer: Option<Offer>,
    pub usage: Option<Usage>,
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    #[ts(type = "string")]
    pub not_before: DateTime<Utc>,
    #[ts(type = "string")]
    pub not_after: DateTime<Utc>,
    #[ts(type = "number")]
    pub days_left: i64,
    pub status: Status,
    pub severity: Severity,
    pub key_algorithm: String,
    pub key_bits: u32,
    pub signature_algorithm: String,
    pub key_usage: Vec<String>,
    pub extended_key_usage: Vec<String>,
    pub policies: Vec<String>,
    pub dns_names: Vec<String>,
    pub is_ca: bool,
    pub chain: ChainVerdict,
    /// The order CertiSanté made it through, when it did: state, history, what is left to
    /// do, a renewal under way or the successor that replaced it.
    pub order: Option<OrderLink>,
    /// From the revocation cache (never checked: unknown, no error).
    pub revocation: RevocationStatus,
    pub has_private_key: bool,
    pub paths: Vec<String>,
    pub places: Vec<Place>,
    pub warnings: Vec<Warning>,
    #[ts(type = "string | null")]
    pub first_seen: Option<DateTime<Utc>>,
    #[ts(type = "string | null")]
    pub last_seen: Option<DateTime<Utc>>,
}

/// Whole days left until `not_after`, truncated toward zero: 23 hours left is 0 days,
/// and 3 days and 2 hours past expiry is -3 ("expired 3 days ago").
pub fn days_left(not_after: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (not_after - now).num_days()
}

pub fn status_of(facts: &CertificateFacts, now: DateTime<Utc>, thresholds: Thresholds) -> (Status, Severity, i64) {
    let days = days_left(facts.not_after, now);
    // Certificate times have whole seconds, both ends included (RFC 5280 4.1.2.5): compare
    // in whole seconds, so that the last second of validity is still valid all through.
    let seconds = now.timestamp();
    if seconds > facts.not_after.timestamp() {
        (Status::Expired, Severity::Critical, days)
    } else if seconds < facts.not_before.timestamp() {
        (Status::NotYetValid, Severity::Warning, days)
    } else if days < thresholds.crit_days {
        (Status::Expiring, Severity::Critical, days)
    } else if days < thresholds.warn_days {
        (Status::Expiring, Severity::Warning, days)
    } else {
        (Status::Valid, Severity::Ok, days)
    }
}

pub fn build_view(facts: &CertificateFacts, chain: ChainVerdict, places: Vec<Place>, now: DateTime<Utc>, thresholds: Thresholds) -> CertificateView {
    let structure = igc::decode_structure(facts.organizational_units.first().map(String::as_str));
    let profile = igc::classify_profile(facts, chain.environment);
    let (status, severity, days) = status_of(facts, now, thresholds);
    let mut warnings = Vec::new();
    if chain.environment == Environment::Other && igc::claims_igc_issuer(&facts.issuer) {
        let (code, message) = match chain.status {
            ChainStatus::SignatureInvalid => {
                ("igc.forged_issuer", "claims an IGC-Santé issuer, but the signature does not verify with that CA's key: not an IGC-Santé certificate")
            }
            _ => ("igc.unverified_issuer", "claims an IGC-Santé issuer, but no chain to the IGC-Santé roots could be verified"),
        };
        warnings.push(Warning { code: code.into(), message: message.into() });
    }
    // The path leads to its anchor (the environment says which), but not validly today.
    match chain.status {
        ChainStatus::CaExpired => warnings.push(Warning {
            code: "chain.ca_expired".into(),
            message: "a certificate authority of its chain has expired: the chain leads to its root, but is not valid today".into(),
        }),
        ChainStatus::CaNotYetValid => warnings.push(Warning {
            code: "chain.ca_not_yet_valid".into(),
            message: "a certificate authority of its chain is not valid yet: the chain leads to its root, but is not valid today".into(),
        }),
        _ => {}
    }
    if structure.check == IdentifierCheck::Invalid {
        warnings.push(Warning { code: "igc.structure_id_invalid".into(), message: "the structure identifier's check digit is wrong".into() });
    }
    let mut paths: Vec<String> = places.iter().map(|p| p.path.clone()).collect();
    paths.dedup();
    CertificateView {
        sha256: facts.sha256.clone(),
        sha1: facts.sha1.clone(),
        cn: facts.common_name.clone(),
        organization: facts.organization.clone(),
        structure_id: structure.id,
        structure_kind: structure.kind,
        structure_number: structure.number,
        structure_check: structure.check,
        state: facts.state.clone(),
        department: facts.state.as_deref().and_then(igc::department_code),
        environment: chain.environment,
        offer: profile.map(|p| p.offer),
        usage: profile.map(|p| p.usage),
        subject: facts.subject.clone(),
        issuer: facts.issuer.clone(),
        serial: facts.serial.clone(),
        not_before: facts.not_before,
        not_after: facts.not_after,
        days_left: days,
        status,
        severity,
        key_algorithm: facts.key_algorithm.clone(),
        key_bits: facts.key_bits,
        signature_algorithm: facts.signature_algorithm.clone(),
        key_usage: facts.key_usage.clone(),
        extended_key_usage: facts.extended_key_usage.clone(),
        policies: facts.policies.clone(),
        dns_names: facts.dns_names.clone(),
        is_ca: facts.is_ca,
        chain,
        order: None,
        revocation: RevocationStatus::default(),
        has_private_key: places.iter().any(|p| p.has_private_key),
        paths,
        places,
        warnings,
        first_seen: None,
        last_seen: None,
    }
}

impl CertificateView {
    /// Ties the certificate to its order. Once its renewal is installed it is `replaced`:
    /// nothing left to do about it, so nothing to warn about.
    pub fn set_order(&mut self, order: OrderLink) {
        if order.replaced_by.is_some() {
            self.status = Status::Replaced;
            self.severity = Severity::Ok;
        }
        self.order = Some(order);
    }

    /// Sets the cached revocation status; a revoked certificate is critical.
    pub fn set_revocation(&mut self, revocation: RevocationStatus) {
        if revocation.state == RevocationState::Revoked && self.status != Status::Replaced {
            self.status = Status::Revoked;
            self.severity = Severity::Critical;
        }
        self.revocation = revocation;
    }
}
