//! The surface the desktop shell serves: what the dashboard shows in one call, and the
//! `{code, message}` error every failure becomes at the boundary.

use serde::Serialize;
use ts_rs::TS;

use crate::inventory::{ScanError, ScanOptions};
use crate::registry::{Registry, RegistryError, Settings, WatchedPath};
use crate::view::CertificateView;

#[derive(Debug, Clone, Serialize, TS)]
pub struct Dashboard {
    pub certificates: Vec<CertificateView>,
    pub errors: Vec<ScanError>,
    pub watched: Vec<WatchedPath>,
    pub settings: Settings,
    /// Read-only view (a secretary's workstation): statuses and exports only.
    pub read_only: ReadOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct ReadOnly {
    /// No key, card or order action is offered.
    pub enabled: bool,
    /// Set by the installer (`--read-only` flag or CERTISANTE_READ_ONLY=1): the setting
    /// cannot turn it off.
    pub forced: bool,
}

impl ReadOnly {
    pub fn new(settings: &Settings, forced: bool) -> Self {
        Self { enabled: forced || settings.read_only, forced }
    }
}

/// Environment variable that forces the read-only view (a deployment's shortcut or policy).
pub const READ_ONLY_ENV: &str = "CERTISANTE_READ_ONLY";

pub fn read_only_forced_by_env() -> bool {
    std::env::var(READ_ONLY_ENV).is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes"))
}

/// The only error shape the UI receives: it matches `code`, never `message`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

impl From<RegistryError> for ApiError {
    fn from(e: RegistryError) -> Self {
        Self { code: e.code().into(), message: e.to_string() }
    }
}

impl From<crate::alerts::AlertsError> for ApiError {
    fn from(e: crate::alerts::AlertsError) -> Self {
        Self { code: e.code().into(), message: e.to_string() }
    }
}

impl From<crate::certs::CertsError> for ApiError {
    fn from(e: crate::certs::CertsError) -> Self {
        Self { code: e.code().into(), message: e.to_string() }
    }
}

impl From<crate::install::InstallError> for ApiError {
    fn from(e: crate::install::InstallError) -> Self {
        Self { code: e.code().into(), message: e.to_string() }
    }
}

/// Result of checking a PKCS#12 file with its password.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Pkcs12Check {
    pub integrity: crate::certs::Integrity,
    pub certificates: u32,
    pub has_private_key: bool,
}

/// `read_only_forced`: the shell's `--read-only` flag (or the environment variable).
pub fn dashboard(registry: &Registry, read_only_forced: bool) -> Result<Dashboard, RegistryError> {
    let settings = registry.settings()?;
    let options = ScanOptions { thresholds: settings.thresholds, ..ScanOptions::default() };
    let report = registry.list(&options)?;
    let read_only = ReadOnly::new(&settings, read_only_forced);
    Ok(Dashboard { certificates: report.certificates, errors: report.errors, watched: registry.watched()?, settings, read_only })
}

/// Verifies a PKCS#12 file's MAC with its password and looks for its private key.
pub fn check_pkcs12(path: &std::path::Path, password: &crate::Sensitive<String>) -> Result<Pkcs12Check, crate::certs::CertsError> {
    let bytes = std::fs::read(path).map_err(|e| crate::certs::CertsError::Io(e.to_string()))?;
    let container = crate::certs::read_container(&bytes, Some(password))?;
    if container.format != crate::certs::ContainerFormat::Pkcs12 {
        return Err(crate::certs::CertsError::NotPkcs12);
    }
    Ok(Pkcs12Check {
        integrity: container.integrity,
        certificates: container.certificates.len() as u32,
        has_private_key: container.certificates.iter().any(|c| c.has_private_key),
    })
}

/// TypeScript declarations of every type that crosses the UI boundary, by file name.
/// `tests/bindings.rs` fails when `ui/src/lib/bindings/` differs from this.
pub fn typescript_bindings() -> std::io::Result<Vec<(String, String)>> {
    let dir = std::env::temp_dir().join(format!("certisante-bindings-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let export = |r: Result<(), ts_rs::ExportError>| r.map_err(|e| std::io::Error::other(e.to_string()));
    export(Dashboard::export_all_to(&dir))?;
    export(ApiError::export_all_to(&dir))?;
    export(Pkcs12Check::export_all_to(&dir))?;
    export(crate::export::ExportFormat::export_all_to(&dir))?;
    export(crate::inventory::ScanProgress::export_all_to(&dir))?;
    export(crate::inventory::ScanReport::export_all_to(&dir))?;
    export(crate::registry::ScanSummary::export_all_to(&dir))?;
    export(crate::card_access::CardStatus::export_all_to(&dir))?;
    export(crate::card_access::CardCheck::export_all_to(&dir))?;
    export(crate::card::CardEvent::export_all_to(&dir))?;
    export(crate::doctor::DoctorReport::export_all_to(&dir))?;
    export(crate::csr::OrderRequest::export_all_to(&dir))?;
    export(crate::csr::RuleViolation::export_all_to(&dir))?;
    export(crate::csr::SubjectFields::export_all_to(&dir))?;
    export(crate::install::P12Encryption::export_all_to(&dir))?;
    export(crate::install::WindowsStore::export_all_to(&dir))?;
    export(crate::audit::AuditEntry::export_all_to(&dir))?;
    export(crate::audit::AuditVerdict::export_all_to(&dir))?;
    export(crate::keys::SecretKind::export_all_to(&dir))?;
    export(crate::lifecycle::Order::export_all_to(&dir))?;
    export(crate::lifecycle::OrderOptions::export_all_to(&dir))?;
    export(crate::lifecycle::ImportOutcome::export_all_to(&dir))?;
    export(crate::lifecycle::InstallRequest::export_all_to(&dir))?;
    export(crate::lifecycle::RevocationReason::export_all_to(&dir))?;
    export(crate::revocation::RefreshSummary::export_all_to(&dir))?;
    export(crate::revocation::RevocationProgress::export_all_to(&dir))?;
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        files.push((name, std::fs::read_to_string(&path)?));
    }
    std::fs::remove_dir_all(&dir)?;
    files.sort();
    Ok(files)
}
