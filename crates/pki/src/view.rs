//! What the dashboard, the CLI and scripts see of a certificate: one flat, serializable
//! model (exported to TypeScript with ts-rs), built from the facts, the chain verdict
//! and every place the certificate was found.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::certs::{CertificateFacts, ChainStatus, ChainVerdict, ContainerFormat, Integrity};
use crate::igc::{self, Environment, IdentifierCheck, Offer, StructureKind, Usage};
use crate::order::OrderLink;
use crate::procedure;
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
    "teleservice.shared",
    "teleservice.several",
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
    /// The certificate's own end (notAfter).
    #[ts(type = "string")]
    pub not_after: DateTime<Utc>,
    /// The end of its privateKeyUsagePeriod, when it carries one (ORG SIGN).
    #[ts(type = "string | null")]
    pub private_key_usage_end: Option<DateTime<Utc>>,
    /// When the certificate stops being of use: the earlier of `not_after` and
    /// `private_key_usage_end`. Status, days left, alerts and the calendar follow it.
    #[ts(type = "string")]
    pub usable_until: DateTime<Utc>,
    /// Whole days left until `usable_until`.
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
    /// The téléservices it serves (`teleservices.json` ids): as recorded by the user, or
    /// else as its CN names one ("DMP SIGNATURE" → DMP).
    pub teleservices: Vec<String>,
    /// True once the user recorded them (even none); false while read from the CN.
    pub teleservices_recorded: bool,
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

/// When a certificate stops being of use: its notAfter, or earlier the end of the period
/// in which its key may sign (a signature made later is not valid).
pub fn usable_until(facts: &CertificateFacts) -> DateTime<Utc> {
    facts.private_key_usage_end.map_or(facts.not_after, |end| end.min(facts.not_after))
}

/// Status, severity and whole days left, all following `usable_until`.
pub fn status_of(facts: &CertificateFacts, now: DateTime<Utc>, thresholds: Thresholds) -> (Status, Severity, i64) {
    let end = usable_until(facts);
    let days = days_left(end, now);
    // Certificate times have whole seconds, both ends included (RFC 5280 4.1.2.5): compare
    // in whole seconds, so that the last second of validity is still valid all through.
    let seconds = now.timestamp();
    if seconds > end.timestamp() {
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
        private_key_usage_end: facts.private_key_usage_end,
        usable_until: usable_until(facts),
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
        teleservices: match (&facts.common_name, facts.is_ca) {
            (Some(cn), false) => procedure::teleservice_named_by(cn).map(str::to_owned).into_iter().collect(),
            _ => vec![],
        },
        teleservices_recorded: false,
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

/// ANS's good practice is one certificate per téléservice. Warns, on each certificate
/// concerned, when two live certificates of one establishment, environment and usage serve
/// the same téléservice (a certificate and its renewal under way excepted), and when one
/// certificate serves several.
pub fn warn_about_teleservices(views: &mut [CertificateView]) {
    let live = |v: &CertificateView| matches!(v.status, Status::Valid | Status::Expiring) && !v.is_ca;
    let renewal_pair = |a: &CertificateView, b: &CertificateView| {
        let renews = |old: &CertificateView, new: &CertificateView| matches!((&old.order, &new.order), (Some(o), Some(n)) if o.renewal.as_ref().is_some_and(|r| r.id == n.id));
        renews(a, b) || renews(b, a)
    };
    let mut shared: Vec<(usize, String, String)> = Vec::new();
    for (i, a) in views.iter().enumerate().filter(|(_, v)| live(v)) {
        for (_, b) in views.iter().enumerate().filter(|(j, v)| *j != i && live(v)) {
            let same_kind =
                a.usage.is_some() && (a.structure_id.as_ref(), a.environment, a.offer, a.usage) == (b.structure_id.as_ref(), b.environment, b.offer, b.usage);
            if !same_kind || renewal_pair(a, b) {
                continue;
            }
            if let Some(service) = a.teleservices.iter().find(|t| b.teleservices.contains(t)) {
                if !shared.iter().any(|(k, s, _)| *k == i && s == service) {
                    shared.push((i, service.clone(), b.cn.clone().unwrap_or_else(|| b.sha256[..16].to_string())));
                }
            }
        }
    }
    for (i, service, other) in shared {
        views[i].warnings.push(Warning {
            code: "teleservice.shared".into(),
            message: format!("another live certificate of the same usage also serves {service} ({other}): one certificate per téléservice"),
        });
    }
    for view in views.iter_mut().filter(|v| live(v) && v.teleservices.len() > 1) {
        let list = view.teleservices.join(", ");
        view.warnings.push(Warning {
            code: "teleservice.several".into(),
            message: format!("serves several téléservices ({list}): ANS advises one certificate per téléservice"),
        });
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
