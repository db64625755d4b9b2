//! What the dashboard shows in one call, and the checks a front end makes on one file.

use serde::Serialize;
use ts_rs::TS;

use certisante_pki::certs::{read_container, CertsError, ContainerFormat, Integrity};
use certisante_pki::{ApiError, Sensitive};
use certisante_store::inventory::{ScanError, ScanOptions, ScanReport};
use certisante_store::lifecycle::{self, PendingOrder};
use certisante_store::notify::DeliveryFailure;
use certisante_store::registry::{Registry, RegistryError, WatchedPath};
use certisante_store::settings::Settings;
use chrono::Utc;

use crate::model::CertificateView;
use crate::policy::{MachinePolicyView, ReadOnly};

#[derive(Debug, Clone, Serialize, TS)]
pub struct Dashboard {
    pub certificates: Vec<CertificateView>,
    pub errors: Vec<ScanError>,
    pub watched: Vec<WatchedPath>,
    pub settings: Settings,
    /// Read-only view (a secretary's workstation): statuses and exports only.
    pub read_only: ReadOnly,
    /// What the machine policy forces (those settings cannot be changed here).
    pub policy: MachinePolicyView,
    /// Orders still waiting for the portal's certificate (a CSR handed out, nothing back).
    pub pending_orders: Vec<PendingOrder>,
    /// The group inventory's address (without password) when one is configured, by the
    /// settings or the deployment: the Groupe view is offered.
    #[ts(optional = nullable)]
    pub group_database_url: Option<String>,
    /// E-mail recipients and webhooks whose last alert did not go out (kept until one
    /// does): shown so that a silent failure cannot hide an expiry.
    #[ts(as = "Option<Vec<DeliveryFailure>>", optional)]
    pub delivery_failures: Vec<DeliveryFailure>,
}

/// Result of checking a PKCS#12 file with its password.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Pkcs12Check {
    pub integrity: Integrity,
    pub certificates: u32,
    pub has_private_key: bool,
}

/// The registry's certificates as the settings show them (thresholds), the one read path of
/// the dashboard, the exports and `list`.
pub(crate) fn registry_report(registry: &Registry, settings: &Settings) -> Result<ScanReport, RegistryError> {
    registry.list(&ScanOptions { thresholds: settings.thresholds, ..ScanOptions::default() })
}

pub(crate) fn dashboard(registry: &Registry, settings: Settings, read_only_forced: bool, policy: MachinePolicyView) -> Result<Dashboard, ApiError> {
    let report = registry_report(registry, &settings)?;
    let read_only = ReadOnly::new(&settings, read_only_forced);
    let pending_orders = lifecycle::pending_orders(registry, Utc::now())?;
    let group_database_url = crate::policy::group_database_url_forced(&policy.values)
        .or_else(|| settings.group_database_url.clone())
        .map(|text| certisante_group::Address::parse(&text).map(|a| a.redacted()).unwrap_or(text));
    let delivery_failures = certisante_store::notify::failures(registry)?;
    Ok(Dashboard {
        certificates: report.certificates,
        errors: report.errors,
        watched: registry.watched()?,
        settings,
        read_only,
        policy,
        pending_orders,
        group_database_url,
        delivery_failures,
    })
}

/// Verifies a PKCS#12 file's MAC with its password and looks for its private key.
pub(crate) fn check_pkcs12(bytes: &[u8], password: &Sensitive<String>) -> Result<Pkcs12Check, CertsError> {
    let container = read_container(bytes, Some(password))?;
    if container.format != ContainerFormat::Pkcs12 {
        return Err(CertsError::NotPkcs12);
    }
    Ok(Pkcs12Check {
        integrity: container.integrity,
        certificates: container.certificates.len() as u32,
        has_private_key: container.certificates.iter().any(|c| c.has_private_key),
    })
}
