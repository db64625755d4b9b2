//! CertiSanté's one API: every user action is one function here, whatever the front end
//! (the desktop shell, the `certisante` CLI, later a scheduled watcher). Each action declares
//! what it touches ([`policy::Access`]); the read-only policy, the audit of settings and
//! watched paths, and the error model (`{code, message}`) are applied here once, so that no
//! front end holds a rule of its own. Front ends translate arguments and results, nothing
//! else.
//!
//! Layers, one direction (Cargo forbids the other):
//! `certisante-pki` ← `certisante-devices` ← `certisante-store` ← `certisante-api` ← front ends.

pub mod bindings;
pub mod commands;
mod dashboard;
pub mod error;
pub mod group;
pub mod messages;
pub mod model;
pub mod policy;
mod supervision;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use certisante_devices::keys::{Keystore, OsKeystore};
use certisante_devices::{card, card_access, doctor, install, token};
use certisante_pki::{csr, igc};
use certisante_store::audit::{self, Actor, AuditAction};
use certisante_store::inventory::{self, ScanOptions};
use certisante_store::lifecycle;
use certisante_store::machine_policy::{self, PolicyState};
use certisante_store::registry::{self, Registry};
use certisante_store::{alerts, export, places, revocation};

pub use certisante_store::machine_policy::parse_days;
pub use error::AppError;
use model::*;
pub use model::{ApiError, CodedError, Sensitive};
use policy::{Access, ReadOnly};
pub use supervision::{metrics_of_paths, nagios_status, MetricsEndpoint, MetricsSource, WatchOptions};

/// Results of the API: every failure is a coded `ApiError`.
pub type Result<T> = std::result::Result<T, ApiError>;

/// What the front end tells the API about the computer it runs on.
#[derive(Clone)]
pub struct Host {
    /// Where the registry lives.
    pub data_dir: PathBuf,
    /// Read-only forced by the deployment (flag, environment, machine policy).
    pub read_only_forced: bool,
    /// Where keys and kept secrets go.
    pub keystore: Arc<dyn Keystore>,
    /// The machine policy (a GPO's registry values, `/etc/certisante/policy.json`, a macOS
    /// profile): the settings it forces, read once at start.
    pub policy: PolicyState,
}

impl Host {
    /// This computer: the OS data folder (or `CERTISANTE_DATA_DIR`), the OS keystore, the
    /// machine policy, and read-only when the front end's flag, `CERTISANTE_READ_ONLY` or
    /// the machine policy says so (or the policy cannot be read).
    pub fn os(read_only_flag: bool) -> Self {
        let policy = machine_policy::read();
        Self {
            data_dir: registry::default_data_dir(),
            read_only_forced: read_only_flag || policy::read_only_forced_by_env() || policy.forces_read_only(),
            keystore: Arc::new(OsKeystore::new()),
            policy,
        }
    }

    pub fn registry_path(&self) -> PathBuf {
        self.data_dir.join(registry::REGISTRY_FILE)
    }
}

/// A session on the registry: every action that reads or changes what CertiSanté knows.
pub struct Api {
    registry: Registry,
    host: Host,
}

impl Api {
    /// Opens the registry (created, and migrated, when needed).
    pub fn open(host: Host) -> Result<Self> {
        let data_dir_error = |e: std::io::Error| registry::RegistryError::DataDir { path: host.data_dir.display().to_string(), reason: e.to_string() };
        std::fs::create_dir_all(&host.data_dir).map_err(data_dir_error)?;
        // Secrets a tool must read from a file live a moment in a private folder of the data
        // folder; what a killed process left there is wiped now.
        install::use_private_work_root(&host.data_dir.join("work")).map_err(data_dir_error)?;
        let mut registry = Registry::open(&host.registry_path())?;
        registry.set_machine_policy(host.policy.policy.clone());
        let api = Self { registry, host };
        api.apply_watched_policy()?;
        Ok(api)
    }

    /// A policy's `WatchedPaths` is the watched list: made so at each start (audited, with
    /// the policy's source), whatever the user had added or removed.
    fn apply_watched_policy(&self) -> Result<()> {
        let Some(paths) = &self.host.policy.policy.watched_paths else { return Ok(()) };
        let (added, removed) = self.registry.replace_watched(paths)?;
        let actor = audit::os_user_actor();
        let by = serde_json::json!({ "machine_policy": self.host.policy.source });
        for path in &added {
            self.registry.audit_append(&actor, AuditAction::WatchAdded, path, by.clone())?;
        }
        for path in &removed {
            self.registry.audit_append(&actor, AuditAction::WatchRemoved, path, by.clone())?;
        }
        Ok(())
    }

    /// Opens the registry only if it exists: reading the audit log must not create an empty
    /// one (and then call it intact).
    pub fn open_existing(host: Host) -> Result<Self> {
        let path = host.registry_path();
        if !path.is_file() {
            return Err(AppError::NoRegistry(path).into());
        }
        let mut registry = Registry::open(&path)?;
        registry.set_machine_policy(host.policy.policy.clone());
        Ok(Self { registry, host })
    }

    pub fn host(&self) -> &Host {
        &self.host
    }

    // ------------------------------------------------------------ policy

    /// Whether this workstation is read-only. Settings that cannot be read count as
    /// read-only: the most restrictive mode, never a silent reset to read-only off.
    pub fn read_only(&self) -> Result<ReadOnly> {
        let (settings, _) = self.settings_or_restrictive()?;
        Ok(ReadOnly::new(&settings, self.host.read_only_forced))
    }

    /// The settings; when their record cannot be read, the defaults in read-only mode and
    /// the error, to show.
    fn settings_or_restrictive(&self) -> Result<(Settings, Option<ApiError>)> {
        match self.registry.settings() {
            Ok(settings) => Ok((settings, None)),
            Err(e @ certisante_store::registry::RegistryError::CorruptSettings(_)) => Ok((Settings { read_only: true, ..Settings::default() }, Some(e.into()))),
            Err(e) => Err(e.into()),
        }
    }

    fn allow(&self, access: Access) -> Result<()> {
        self.read_only()?.allow(access).map_err(|refusal| self.read_only_refusal(refusal))
    }

    /// A refusal of read-only mode; when a broken machine policy is what made the workstation
    /// read-only, that policy's error instead: it says what to fix.
    fn read_only_refusal(&self, refusal: AppError) -> ApiError {
        match &self.host.policy.error {
            Some(broken) => broken.clone().into(),
            None => refusal.into(),
        }
    }

    /// The machine policy as the settings panel shows it.
    pub fn machine_policy(&self) -> MachinePolicyView {
        MachinePolicyView::of(&self.host.policy)
    }

    /// The PKCS#12 module the settings name (Cryptolib CPS's usual places when none).
    fn module_setting(&self) -> Result<Option<PathBuf>> {
        Ok(self.registry.settings()?.pkcs11_module.map(PathBuf::from))
    }

    /// Who acts now: the card holder when a card is readable, the OS user otherwise.
    fn actor(&self) -> Result<Actor> {
        Ok(lifecycle::current_actor(self.module_setting()?.as_deref()))
    }

    // ------------------------------------------------------------ reading

    pub fn settings(&self) -> Result<Settings> {
        Ok(self.registry.settings()?)
    }

    pub fn dashboard(&self) -> Result<Dashboard> {
        let (settings, problem) = self.settings_or_restrictive()?;
        let mut dashboard = dashboard::dashboard(&self.registry, settings, self.host.read_only_forced, self.machine_policy())?;
        if let Some(error) = &self.host.policy.error {
            let error = ApiError::from(error.clone());
            dashboard.errors.insert(0, ScanError { path: self.host.policy.source.clone(), code: error.code, message: error.message });
        }
        if let Some(problem) = problem {
            dashboard.errors.insert(0, ScanError { path: "settings".into(), code: problem.code, message: problem.message });
        }
        Ok(dashboard)
    }

    /// Orders waiting for the portal's certificate, longest waiting first.
    pub fn pending_orders(&self) -> Result<Vec<PendingOrder>> {
        Ok(lifecycle::pending_orders(&self.registry, Utc::now())?)
    }

    /// The registry's certificates, with the saved thresholds unless `thresholds` is given.
    pub fn list(&self, thresholds: Option<Thresholds>) -> Result<ScanReport> {
        let mut settings = self.registry.settings()?;
        if let Some(thresholds) = thresholds {
            settings.thresholds = thresholds;
        }
        Ok(dashboard::registry_report(&self.registry, &settings)?)
    }

    pub fn watched(&self) -> Result<Vec<WatchedPath>> {
        Ok(self.registry.watched()?)
    }

    /// Re-reads the watched paths (only changed files are parsed again) and checks every
    /// place CertiSanté wrote (files, stores, keystore entries): one that is gone leaves the
    /// list and is reported. Allowed everywhere: it refreshes what the registry knows, and
    /// decides nothing.
    pub fn rescan(&mut self, progress: &(dyn Fn(ScanProgress) + Sync)) -> Result<ScanSummary> {
        // An install a crash cut before its record: settled first, so its place is checked.
        lifecycle::finish_interrupted_installs(&self.registry, &audit::os_user_actor())?;
        let mut summary = self.registry.scan(progress)?;
        summary.places_lost.extend(places::check_keystore(&self.registry, self.host.keystore.as_ref())?);
        Ok(summary)
    }

    /// The files a crash set aside are read again at the next scan (the user asked).
    pub fn retry_set_aside(&self) -> Result<usize> {
        Ok(self.registry.retry_set_aside()?)
    }

    pub fn audit_log(&self, limit: Option<usize>) -> Result<Vec<AuditEntry>> {
        Ok(self.registry.audit_entries(limit)?)
    }

    pub fn audit_verify(&self) -> Result<AuditVerdict> {
        Ok(self.registry.audit_verify()?)
    }

    /// Writes the dashboard to `path`: an .ics of renewal reminders, CSV or JSON, in the
    /// settings' language. Allowed on a read-only workstation: exports are what a secretary
    /// needs.
    pub fn export_dashboard(&self, format: ExportFormat, path: &Path) -> Result<()> {
        let settings = self.registry.settings()?;
        let report = dashboard::registry_report(&self.registry, &settings)?;
        export::write(path, &export::render(&report, format, &settings.language, Utc::now())?)?;
        Ok(())
    }

    /// Asks the OCSP responders and CRLs about the certificates whose answer is due (all
    /// with `force`), and caches the answers.
    pub fn refresh_revocation(&self, force: bool, progress: &(dyn Fn(RevocationProgress) + Sync)) -> Result<RefreshSummary> {
        let defaults = revocation::RefreshOptions::default();
        let allow_private_networks = defaults.allow_private_networks || self.registry.settings()?.revocation_private_networks;
        let options = revocation::RefreshOptions { force, allow_private_networks, ..defaults };
        Ok(revocation::refresh(&self.registry, &options, progress)?)
    }

    /// The expiry alerts due now, claimed for this process (never shown twice, whichever
    /// process shows them). `release` those that could not be shown.
    pub fn claim_alerts(&self, now: DateTime<Utc>) -> Result<Vec<Alert>> {
        let due = alerts::due(&self.registry, now)?;
        Ok(alerts::claim(&self.registry, &due, now)?)
    }

    pub fn release_alerts(&self, alerts: &[Alert]) -> Result<()> {
        Ok(alerts::release(&self.registry, alerts)?)
    }

    // ------------------------------------------------------------ administration

    /// Adds files or folders to the watched list (audited). `rescan` reads them.
    pub fn add_watched(&mut self, paths: &[PathBuf]) -> Result<Vec<WatchedPath>> {
        self.host.policy.refuse_change("watched_paths")?;
        self.allow(Access::Admin)?;
        let actor = self.actor()?;
        let mut added = Vec::with_capacity(paths.len());
        for path in paths {
            let watched = self.registry.add_watch(path)?;
            self.registry.audit_append(&actor, AuditAction::WatchAdded, &watched.path, serde_json::json!({ "kind": watched.kind }))?;
            added.push(watched);
        }
        Ok(added)
    }

    /// Removes a path from the watched list (audited). `rescan` forgets what it held.
    pub fn remove_watched(&mut self, path: &Path) -> Result<()> {
        self.host.policy.refuse_change("watched_paths")?;
        self.allow(Access::Admin)?;
        let actor = self.actor()?;
        let removed = self.registry.remove_watch(path)?;
        self.registry.audit_append(&actor, AuditAction::WatchRemoved, &removed, serde_json::json!({}))?;
        Ok(())
    }

    /// Saves the settings. Preferences are always allowed; the rest follows the read-only
    /// policy ([`ReadOnly::allow_settings`]). Every change is audited (what changed, before
    /// and after).
    pub fn save_settings(&self, settings: &Settings) -> Result<Settings> {
        let (before, _) = self.settings_or_restrictive()?;
        // A setting the machine policy forces: no change, from any front end.
        for setting in policy::changed_settings(&before, settings) {
            self.host.policy.refuse_change(setting)?;
        }
        self.read_only()?.allow_settings(&before, settings).map_err(|refusal| self.read_only_refusal(refusal))?;
        // E-mail and webhooks change through their own actions (their secrets go to the
        // keystore): a settings form that does not show them cannot drop them.
        let mut settings = settings.clone();
        certisante_store::notify::keep_delivery_settings(&before, &mut settings);
        self.registry.save_settings(&settings)?;
        let after = self.registry.settings()?;
        let changes = settings_changes(&before, &after);
        if !changes.is_empty() {
            let actor = audit::os_user_actor();
            self.registry.audit_append(&actor, AuditAction::SettingsChanged, "settings", serde_json::Value::Object(changes))?;
        }
        Ok(after)
    }

    // ------------------------------------------------------------ the card

    /// Readers and the card's token, read without a PIN. Refused on a read-only workstation:
    /// it loads the card's PKCS#11 module.
    pub fn card_status(&self) -> Result<CardStatus> {
        self.allow(Access::Change)?;
        Ok(card_access::card_status(self.module_setting()?.as_deref()))
    }

    /// Logs in once with the PIN the user typed (none on a PIN-pad reader), signs a
    /// challenge, logs out. Never retried.
    pub fn check_card(&self, slot_id: Option<u64>, pin: Option<&Sensitive<String>>) -> Result<CardCheck> {
        self.allow(Access::Change)?;
        Ok(card_access::check_card(self.module_setting()?.as_deref(), slot_id, pin)?)
    }

    // ------------------------------------------------------------ orders

    pub fn list_orders(&self) -> Result<Vec<Order>> {
        self.allow(Access::Change)?;
        Ok(lifecycle::list_orders(&self.registry)?)
    }

    /// One order, by id or by its certificate's SHA-256 (a prefix of 8 or more).
    pub fn find_order(&self, reference: &str) -> Result<Order> {
        Ok(lifecycle::find_order(&self.registry, reference)?)
    }

    /// Checks the request (every rule at once, before anything is made), makes the key into
    /// the OS keystore and the CSR.
    pub fn create_order(&self, request: OrderRequest) -> Result<Order> {
        self.allow(Access::Change)?;
        let actor = self.actor()?;
        Ok(lifecycle::create_order(&self.registry, self.host.keystore.as_ref(), &actor, request)?)
    }

    /// Hands the CSR out (a file, the clipboard, standard output) and records it.
    pub fn export_csr(&self, reference: &str, destination: &CsrDestination) -> Result<String> {
        self.allow(Access::Change)?;
        let id = self.find_order(reference)?.id;
        Ok(lifecycle::export_csr(&self.registry, &self.actor()?, &id, destination)?)
    }

    /// Takes back what the portal delivered: a certificate for a pending order, or a .p12.
    pub fn import_certificate(&self, path: &Path, password: Option<&Sensitive<String>>) -> Result<ImportOutcome> {
        self.allow(Access::Change)?;
        let bytes = read_file(path)?;
        let actor = self.actor()?;
        Ok(lifecycle::import_file(&self.registry, self.host.keystore.as_ref(), &actor, &bytes, &path.display().to_string(), password)?)
    }

    /// Installs or exports an order's certificate with its key. Returns the paths written.
    pub fn install_order(&self, reference: &str, target: &InstallTarget) -> Result<Vec<PathBuf>> {
        self.allow(Access::Change)?;
        let id = self.find_order(reference)?.id;
        Ok(lifecycle::install(&self.registry, self.host.keystore.as_ref(), &self.actor()?, &id, target)?)
    }

    pub fn renew_order(&self, reference: &str) -> Result<Order> {
        self.allow(Access::Change)?;
        let id = self.find_order(reference)?.id;
        Ok(lifecycle::renew(&self.registry, self.host.keystore.as_ref(), &self.actor()?, &id)?)
    }

    pub fn revoke_order(&self, reference: &str, reason: RevocationReason, confirmed: bool) -> Result<Order> {
        self.allow(Access::Change)?;
        let id = self.find_order(reference)?.id;
        Ok(lifecycle::revoke(&self.registry, self.host.keystore.as_ref(), &self.actor()?, &id, reason, confirmed)?)
    }

    pub fn cancel_order(&self, reference: &str) -> Result<Order> {
        self.allow(Access::Change)?;
        let id = self.find_order(reference)?.id;
        Ok(lifecycle::cancel(&self.registry, self.host.keystore.as_ref(), &self.actor()?, &id)?)
    }

    pub fn save_secret(&self, reference: &str, kind: SecretKind, value: &Sensitive<String>) -> Result<()> {
        self.allow(Access::Change)?;
        let id = self.find_order(reference)?.id;
        Ok(lifecycle::save_secret(&self.registry, self.host.keystore.as_ref(), &id, kind, value)?)
    }

    /// Shows a kept secret after the user confirmed; the showing is audited.
    pub fn show_secret(&self, reference: &str, kind: SecretKind, confirmed: bool) -> Result<Sensitive<String>> {
        self.allow(Access::Change)?;
        let id = self.find_order(reference)?.id;
        Ok(lifecycle::show_secret(&self.registry, self.host.keystore.as_ref(), &self.actor()?, &id, kind, confirmed)?)
    }

    /// Installs a .p12 file into an OS store (NSS, the Windows "My" store, the macOS
    /// keychain). Returns the store's name.
    pub fn install_p12(&self, file: &Path, password: &Sensitive<String>, target: &P12Store) -> Result<String> {
        self.allow(Access::Change)?;
        let p12 = Sensitive::new(read_file(file)?);
        match target {
            P12Store::Nss { db_dir, nickname } => {
                let db_dir = match db_dir {
                    Some(dir) => dir.clone(),
                    None => {
                        install::default_nss_db().ok_or_else(|| AppError::BadRequest("no home folder for the default NSS database: give its folder".into()))?
                    }
                };
                install::install_nss(&db_dir, &p12, password, nickname)?;
                Ok(format!("sql:{}", db_dir.display()))
            }
            #[cfg(windows)]
            P12Store::Windows(location) => {
                install::install_windows(&p12, password, *location)?;
                Ok(format!("{location:?}\\My"))
            }
            #[cfg(not(windows))]
            P12Store::Windows(_) => Err(AppError::Unsupported("the Windows certificate store").into()),
            #[cfg(target_os = "macos")]
            P12Store::MacKeychain => {
                install::install_macos(&p12, password)?;
                Ok("login keychain".into())
            }
            #[cfg(not(target_os = "macos"))]
            P12Store::MacKeychain => Err(AppError::Unsupported("the macOS keychain").into()),
        }
    }

    // ------------------------------------------------------------ téléservices, habilitations

    /// Records the téléservices a certificate serves (an empty list: none; the CN no longer
    /// decides). `certificate`: its SHA-256, or a prefix of 8 or more hex digits.
    pub fn set_teleservices(&self, certificate: &str, teleservices: &[String]) -> Result<Vec<String>> {
        self.allow(Access::Change)?;
        let sha256 = self.certificate_by_prefix(certificate)?;
        Ok(self.registry.set_teleservices(&self.actor()?, &sha256, teleservices)?)
    }

    /// What the establishments' technical administrators are habilitated for (form n°413).
    pub fn habilitations(&self) -> Result<Vec<Habilitation>> {
        Ok(self.registry.habilitations()?)
    }

    pub fn record_habilitation(&self, habilitation: &Habilitation) -> Result<Habilitation> {
        self.allow(Access::Change)?;
        Ok(self.registry.record_habilitation(&self.actor()?, habilitation)?)
    }

    /// Removes a recorded habilitation; false when there was none.
    pub fn remove_habilitation(&self, habilitation: &Habilitation) -> Result<bool> {
        self.allow(Access::Change)?;
        Ok(self.registry.remove_habilitation(&self.actor()?, habilitation)?)
    }

    /// Whether a recorded habilitation covers an order: the wizard warns when none does
    /// (it never refuses: the records may be incomplete, and ANS decides).
    pub fn check_habilitation(&self, request: &OrderRequest, teleservice: Option<&str>) -> Result<HabilitationCheck> {
        Ok(self.registry.check_habilitation(request, teleservice)?)
    }

    /// A listed certificate's full SHA-256 from the SHA-256 or a unique prefix (8+ digits).
    fn certificate_by_prefix(&self, reference: &str) -> Result<String> {
        let wanted = reference.trim().to_lowercase();
        if wanted.len() < 8 || !wanted.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(AppError::BadRequest(format!("« {reference} » : give the certificate's SHA-256, or its first 8 hexadecimal digits or more")).into());
        }
        let listed = self.registry.listed_certificates()?;
        let mut matches = listed.iter().map(|(sha256, _)| sha256).filter(|sha256| sha256.starts_with(&wanted));
        match (matches.next(), matches.next()) {
            (Some(one), None) => Ok(one.clone()),
            (Some(_), Some(_)) => Err(AppError::BadRequest(format!("« {reference} » names several certificates: give more digits")).into()),
            (None, _) => Err(certisante_store::teleservices::TeleserviceError::UnknownCertificate(reference.to_owned()).into()),
        }
    }

    /// `resume_orders` at the application's start: on a read-only workstation there is
    /// nothing to resume (no order is ever made there), so nothing is done.
    pub fn resume_at_start(&self) -> Result<Vec<Order>> {
        if self.read_only()?.enabled {
            return Ok(vec![]);
        }
        self.resume_orders()
    }

    /// Finishes what a crash interrupted (a draft's key and CSR, a revoked order's key to
    /// retire). Never on a read-only workstation: it makes keys.
    pub fn resume_orders(&self) -> Result<Vec<Order>> {
        self.allow(Access::Change)?;
        Ok(lifecycle::resume(&self.registry, self.host.keystore.as_ref(), &audit::os_user_actor())?)
    }
}

/// What changed between two settings, field by field: `{"field": {"from": .., "to": ..}}`.
fn settings_changes(before: &Settings, after: &Settings) -> serde_json::Map<String, serde_json::Value> {
    let (Ok(serde_json::Value::Object(before)), Ok(serde_json::Value::Object(after))) = (serde_json::to_value(before), serde_json::to_value(after)) else {
        return serde_json::Map::new();
    };
    after
        .iter()
        .filter(|(field, value)| before.get(*field) != Some(*value))
        .map(|(field, value)| (field.clone(), serde_json::json!({ "from": before.get(field), "to": value })))
        .collect()
}

// ---------------------------------------------------------------- without the registry

/// Certificates of files and folders, read without touching the registry.
pub fn scan_paths(paths: &[PathBuf], thresholds: Option<Thresholds>, p12_password: Option<Sensitive<String>>) -> ScanReport {
    let options = ScanOptions { thresholds: thresholds.unwrap_or_default(), pkcs12_password: p12_password, ..ScanOptions::default() };
    inventory::scan_paths(paths, &options, &|_| {})
}

/// Verifies a PKCS#12 file's MAC with its password and looks for its private key.
pub fn check_pkcs12(path: &Path, password: &Sensitive<String>) -> Result<Pkcs12Check> {
    let bytes = read_file(path)?;
    Ok(dashboard::check_pkcs12(&bytes, password)?)
}

/// Where this computer can install `request`'s certificate, and where it should by default
/// (the install dialog's choices; each OS's stores, files everywhere).
pub fn install_choices(request: &OrderRequest) -> InstallChoices {
    lifecycle::install_choices(request)
}

/// What the order wizard offers: profiles, départements, suggested names, portals.
pub fn order_options() -> OrderOptions {
    lifecycle::order_options()
}

/// Every rule, checked as the user types; empty when the request is valid.
pub fn validate_order(request: &OrderRequest) -> Vec<RuleViolation> {
    csr::validate(request).err().unwrap_or_default()
}

pub fn suggested_names(offer: Offer, usage: Usage) -> Vec<String> {
    csr::suggested_common_names(offer, usage)
}

/// The IGC-Santé platform's address for an environment.
pub fn portal_url(environment: Environment) -> Result<String> {
    lifecycle::portal(environment).url.ok_or_else(|| {
        AppError::PortalUnknown(match environment {
            Environment::Test => "TEST",
            _ => "PROD",
        })
        .into()
    })
}

/// The profile book's renewal lead time (days before expiry a reminder falls on).
pub fn renewal_lead_days() -> i64 {
    igc::profiles().renewal.lead_days
}

/// Writes an iCalendar file of renewal reminders for `report`'s certificates.
pub fn export_calendar(report: &ScanReport, path: &Path, lead_days: i64, language: &str) -> Result<usize> {
    let text = export::calendar(&report.certificates, lead_days, language, Utc::now());
    export::write(path, &text)?;
    Ok(text.matches("BEGIN:VEVENT").count())
}

/// Writes `text` to `path` atomically (a reader sees the old file or the new one, never
/// half of it): `metrics --output`.
pub fn write_text_file(path: &Path, text: &str) -> Result<()> {
    Ok(export::write(path, text)?)
}

/// The dashboard as CSV (`;`, UTF-8 with BOM): `list --csv`.
pub fn csv(report: &ScanReport, language: &str) -> String {
    export::csv(&report.certificates, language)
}

/// Readers and their cards (PC/SC), without the token.
pub fn card_readers() -> Result<Vec<ReaderView>> {
    Ok(card::list_readers()?)
}

/// The card's token read without the PIN, through `module` (else the usual places).
pub fn card_info(module: Option<&Path>) -> Result<TokensView> {
    Ok(token::read_tokens(module)?)
}

/// The help desk's ordered checks of what the card needs, then (with `network`) whether
/// the IGC-Santé platform's addresses answer, each bounded in time.
pub fn doctor(module: Option<&Path>, network: bool) -> DoctorReport {
    let mut report = doctor::run(module);
    if network {
        report.checks.extend(certisante_store::platform::check_all(Default::default()));
        report.outcome = report.checks.iter().map(|c| c.outcome).max().unwrap_or(report.outcome);
    }
    report
}

/// ANS's procedure as data: the platform's addresses, the three steps, forms, roles,
/// customer service, the user guide's chapters, the two key-pair routes.
pub fn procedure() -> &'static Procedure {
    certisante_pki::procedure::procedure()
}

/// The téléservices a certificate may serve.
pub fn teleservices() -> &'static [Teleservice] {
    certisante_pki::procedure::teleservices()
}

/// Watches readers and cards live (no polling); `on_event` runs on the watcher's thread.
pub fn watch_cards(on_event: impl Fn(CardEvent) + Send + 'static) -> Result<CardWatcher> {
    CardWatcher::start(on_event).map_err(|e| AppError::Internal(format!("the card watcher could not start: {e}")).into())
}

/// Where `install_p12` puts a .p12.
#[derive(Debug, Clone)]
pub enum P12Store {
    Nss { db_dir: Option<PathBuf>, nickname: String },
    Windows(WindowsStore),
    MacKeychain,
}

/// Reads a certificate file named by the user: a regular file, within the cap of every
/// certificate container.
fn read_file(path: &Path) -> Result<Vec<u8>> {
    Ok(certisante_devices::files::read_bounded(path, certisante_pki::certs::MAX_FILE_SIZE)?)
}

/// Reads a password or secret from a file (never from a command line): bounded, zeroized.
pub fn read_secret_file(path: &Path) -> Result<Sensitive<String>> {
    Ok(certisante_devices::files::read_secret_file(path)?)
}
