//! Orders and their life: from the request to the key, the CSR, the certificate the
//! portal issues, its installation, and on to renewal and revocation.
//!
//! IGC-Santé's ordering web service has no public specification, so the path is
//! portal-assisted: CertiSanté makes the key (into the OS keystore) and a CSR in the real
//! profile, the administrator hands the CSR to the card-authenticated portal, and
//! CertiSanté takes back what the portal delivers (a certificate, or a .p12 whose key the
//! platform made).
//!
//! Crash safety, on purpose: every step writes the keystore first and the registry last,
//! in one transaction with its audit entry. A crash between the two leaves a key in the
//! keystore that the order does not mention yet; [`resume`] adopts it instead of making a
//! new one. Nothing is ever deleted before what replaces it is saved.

mod import;
mod store;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audit::{Actor, AuditAction};
use crate::certs::ContainerFormat;
use crate::csr::{self, OrderRequest, RuleViolation};
use crate::igc::Usage;
use crate::install::{self, P12Encryption};
use crate::keys::{self, KeyKind, Keystore, KeystoreError, PrivateKey, SecretKind, SecretName};
use crate::places::{self, ManagedPlace};
use crate::registry::{Registry, RegistryError};
use crate::view::PlaceKind;
use crate::Sensitive;

pub use certisante_pki::order::{OrderState, StateChange};
pub use import::{import_file, ImportError, ImportOutcome};
pub(crate) use store::{all_orders, SCHEMA};

/// How the order's key came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KeyOrigin {
    /// Made by CertiSanté; the portal received a CSR.
    Local,
    /// Made by the platform and delivered in a .p12; moved into the OS keystore at import.
    PortalP12,
}

/// The revocation reasons the portal offers (RFC 5280 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RevocationReason {
    KeyCompromise,
    AffiliationChanged,
    Superseded,
    CessationOfOperation,
    Unspecified,
}

impl RevocationReason {
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::KeyCompromise => "compromission de la clé",
            Self::AffiliationChanged => "changement d'affiliation",
            Self::Superseded => "remplacé",
            Self::CessationOfOperation => "cessation d'activité",
            Self::Unspecified => "non précisé",
        }
    }
}

/// An order as the UI and the CLI see it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Order {
    pub id: String,
    pub state: OrderState,
    pub request: OrderRequest,
    pub key_origin: KeyOrigin,
    pub key_kind: KeyKind,
    /// The key is in the OS keystore (false once retired after a revocation).
    pub key_in_keystore: bool,
    /// The CSR, PEM, once the key exists (for a local key).
    pub csr_pem: Option<String>,
    /// SHA-256 of the issued certificate, once imported.
    pub certificate_sha256: Option<String>,
    #[ts(type = "string | null")]
    pub not_after: Option<DateTime<Utc>>,
    /// The order this one renews.
    pub renews: Option<String>,
    /// The order that renewed this one.
    pub renewed_by: Option<String>,
    pub revocation_reason: Option<RevocationReason>,
    pub history: Vec<StateChange>,
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
    #[ts(type = "string")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum LifecycleError {
    #[error("the request is incomplete or invalid ({} point(s) to correct){}", .0.len(), violation_lines(.0))]
    Invalid(Vec<RuleViolation>),
    #[error("no order {0}")]
    UnknownOrder(String),
    #[error("the order {id} is in state '{state}': {action} is not possible")]
    WrongState { id: String, state: &'static str, action: &'static str },
    #[error("the key of the order {0} is not in the OS keystore; it may have been deleted outside CertiSanté")]
    KeyMissing(String),
    #[error("revocation is final: confirm it explicitly")]
    RevocationNotConfirmed,
    #[error("showing a secret must be confirmed")]
    SecretNotConfirmed,
    #[error("no secret of this kind is kept for the order {0}")]
    NoSecret(String),
    #[error("cannot read {path}: {reason}")]
    Io { path: String, reason: String },
    #[error("{0}")]
    BadInstallRequest(&'static str),
    #[error(transparent)]
    Keystore(#[from] KeystoreError),
    #[error(transparent)]
    Key(#[from] keys::KeyError),
    #[error(transparent)]
    Csr(#[from] csr::CsrError),
    #[error(transparent)]
    Install(#[from] install::InstallError),
    #[error(transparent)]
    Import(#[from] import::ImportError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
}

impl From<rusqlite::Error> for LifecycleError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Registry(RegistryError::Database(e))
    }
}

certisante_pki::error_codes!(LifecycleError {
    Self::Invalid(_) => "lifecycle.invalid_request",
    Self::UnknownOrder(_) => "lifecycle.unknown_order",
    Self::WrongState { .. } => "lifecycle.wrong_state",
    Self::KeyMissing(_) => "lifecycle.key_missing",
    Self::RevocationNotConfirmed => "lifecycle.revocation_not_confirmed",
    Self::SecretNotConfirmed => "lifecycle.secret_not_confirmed",
    Self::NoSecret(_) => "lifecycle.no_secret",
    Self::Io { .. } => "lifecycle.io",
    Self::BadInstallRequest(_) => "lifecycle.bad_install_request",
} wraps {
    Keystore(KeystoreError),
    Key(keys::KeyError),
    Csr(csr::CsrError),
    Install(install::InstallError),
    Import(import::ImportError),
    Registry(RegistryError),
});

pub type Result<T> = std::result::Result<T, LifecycleError>;

/// Each broken rule on a line of its own, after the summary.
fn violation_lines(violations: &[RuleViolation]) -> String {
    violations.iter().map(|v| format!("\n• {}", v.message)).collect()
}

use crate::faults::checkpoint;
pub use crate::faults::PAUSE_ENV;

/// "cmd-20261129-1a2b3c4d": the date helps people, the random part keeps ids unique.
fn new_order_id() -> String {
    let mut random = [0u8; 4];
    getrandom::fill(&mut random).expect("the OS random generator works");
    format!("cmd-{}-{}", Utc::now().format("%Y%m%d"), hex::encode(random))
}

fn key_name(id: &str) -> SecretName {
    SecretName { kind: SecretKind::PrivateKey, id: id.to_owned() }
}

// ---------------------------------------------------------------- ordering

/// Validates the request (every rule at once, before anything is made), then makes the
/// key, saves it in the OS keystore, and builds the CSR.
pub fn create_order(registry: &Registry, keystore: &dyn Keystore, actor: &Actor, request: OrderRequest) -> Result<Order> {
    create(registry, keystore, actor, request, None)
}

fn create(registry: &Registry, keystore: &dyn Keystore, actor: &Actor, request: OrderRequest, renews: Option<&str>) -> Result<Order> {
    let validated = csr::validate(&request).map_err(LifecycleError::Invalid)?;
    let kind = KeyKind::from_profile(&validated.profile.key)?;
    // A locked or absent keystore is found before an order exists, not after a key is made.
    keystore.check()?;
    let id = new_order_id();
    store::insert_draft(registry, actor, &id, &validated.request, kind, renews)?;
    checkpoint("order_created");
    make_key_and_csr(registry, keystore, actor, &id)
}

/// Makes (or, after a crash, adopts) the key of a draft order and builds its CSR.
fn make_key_and_csr(registry: &Registry, keystore: &dyn Keystore, actor: &Actor, id: &str) -> Result<Order> {
    let row = store::load(registry, id)?;
    if row.state != OrderState::Draft {
        return Err(wrong_state(&row, "generating the key"));
    }
    let validated = csr::validate(&row.request).map_err(LifecycleError::Invalid)?;
    let key = match keys::load_private_key(keystore, id)? {
        // Saved before a crash: never replace a key that may already sit at the portal.
        Some(key) => key,
        None => {
            let key = PrivateKey::generate(row.key_kind)?;
            keys::store_private_key(keystore, id, &key)?;
            key
        }
    };
    checkpoint("key_stored");
    let csr = csr::build_csr(&validated, &key.rcgen_key_pair()?)?;
    store::key_generated(registry, actor, id, &key.public_key_der(), &csr.der, &csr.pem)?;
    checkpoint("key_generated");
    get_order(registry, id)
}

/// Takes up every order a crash interrupted: drafts get their key (the saved one when it
/// exists) and their CSR; revoked orders get their key retired. Returns the orders resumed.
pub fn resume(registry: &Registry, keystore: &dyn Keystore, actor: &Actor) -> Result<Vec<Order>> {
    let mut resumed = vec![];
    for id in store::ids_in_state(registry, OrderState::Draft)? {
        resumed.push(make_key_and_csr(registry, keystore, actor, &id)?);
    }
    // A revocation recorded just before a crash still has its key to retire.
    for id in store::ids_in_state(registry, OrderState::Revoked)? {
        let row = store::load(registry, &id)?;
        if row.key_in_keystore && !keeps_key_after_revocation(row.request.usage) {
            retire_key(registry, keystore, actor, &id)?;
            resumed.push(get_order(registry, &id)?);
        }
    }
    // An install whose write and record a crash separated.
    for id in finish_interrupted_installs(registry, actor)? {
        resumed.push(get_order(registry, &id)?);
    }
    Ok(resumed)
}

/// Where the CSR goes.
#[derive(Debug, Clone)]
pub enum CsrDestination {
    File {
        path: PathBuf,
        overwrite: bool,
    },
    /// Copied by the caller (the app's clipboard); recorded here.
    Clipboard,
    /// Printed by the caller (the CLI's standard output).
    Stdout,
}

/// Hands the CSR out (file or clipboard) and records it.
pub fn export_csr(registry: &Registry, actor: &Actor, id: &str, destination: &CsrDestination) -> Result<String> {
    let row = store::load(registry, id)?;
    let pem = row.csr_pem.clone().ok_or_else(|| wrong_state(&row, "exporting the request (CSR)"))?;
    if let CsrDestination::File { path, overwrite } = destination {
        install::write_file_atomically(path, pem.as_bytes(), false, *overwrite)?;
    }
    let target = match destination {
        CsrDestination::File { path, .. } => path.display().to_string(),
        CsrDestination::Clipboard => "clipboard".into(),
        CsrDestination::Stdout => "stdout".into(),
    };
    store::csr_exported(registry, actor, id, &target)?;
    Ok(pem)
}

// ---------------------------------------------------------------- installing

/// Where an issued certificate and its key go.
#[derive(Debug)]
pub enum InstallTarget {
    P12 {
        path: PathBuf,
        password: Sensitive<String>,
        encryption: P12Encryption,
        overwrite: bool,
    },
    PemFiles {
        dir: PathBuf,
        overwrite: bool,
    },
    Nss {
        db_dir: PathBuf,
    },
    #[cfg(windows)]
    WindowsStore {
        location: install::WindowsStore,
    },
    #[cfg(target_os = "macos")]
    MacKeychain,
}

/// An install target as the UI sends it (the password travels apart, in a `Sensitive`).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InstallRequest {
    P12 {
        path: String,
        encryption: P12Encryption,
        overwrite: bool,
    },
    PemFiles {
        dir: String,
        overwrite: bool,
    },
    /// `db_dir` empty: the user's default NSS database.
    Nss {
        db_dir: String,
    },
}

impl InstallTarget {
    pub fn from_request(request: InstallRequest, password: Option<Sensitive<String>>) -> Result<Self> {
        Ok(match request {
            InstallRequest::P12 { path, encryption, overwrite } => {
                let password =
                    password.filter(|p| !p.expose().is_empty()).ok_or(LifecycleError::BadInstallRequest("a .p12 file must be protected by a password"))?;
                Self::P12 { path: path.into(), password, encryption, overwrite }
            }
            InstallRequest::PemFiles { dir, overwrite } => Self::PemFiles { dir: dir.into(), overwrite },
            InstallRequest::Nss { db_dir } if db_dir.is_empty() => {
                Self::Nss { db_dir: install::default_nss_db().ok_or(LifecycleError::BadInstallRequest("no home folder for the default NSS database"))? }
            }
            InstallRequest::Nss { db_dir } => Self::Nss { db_dir: db_dir.into() },
        })
    }

    fn describe(&self) -> String {
        match self {
            Self::P12 { path, encryption, .. } => format!("p12:{}:{}", path.display(), if *encryption == P12Encryption::Legacy { "legacy" } else { "modern" }),
            Self::PemFiles { dir, .. } => format!("pem:{}", dir.display()),
            Self::Nss { db_dir } => format!("nss:{}", db_dir.display()),
            #[cfg(windows)]
            Self::WindowsStore { location } => format!("windows:{location:?}"),
            #[cfg(target_os = "macos")]
            Self::MacKeychain => "macos:login".into(),
        }
    }
}

/// Installs or exports an order's certificate with its key. Returns the paths written.
///
/// Each file or store written becomes one of the certificate's places. They are recorded
/// pending before the write, and become places in the transaction that records the step
/// and its audit entry: after a crash in between, `resume` finds the write done (the place
/// is kept and the step recorded) or not (the place is dropped; install again).
pub fn install(registry: &Registry, keystore: &dyn Keystore, actor: &Actor, id: &str, target: &InstallTarget) -> Result<Vec<PathBuf>> {
    let row = store::load(registry, id)?;
    if !matches!(row.state, OrderState::CertificateImported | OrderState::Installed | OrderState::Renewed | OrderState::Expired) {
        return Err(wrong_state(&row, "installing the certificate"));
    }
    let key = keys::load_private_key(keystore, id)?.ok_or_else(|| LifecycleError::KeyMissing(id.to_owned()))?;
    let chain = store::chain(registry, id)?;
    let name = friendly_name(&row.request);
    let hashes: Vec<String> = chain.iter().map(|der| crate::certs::fingerprint(der)).collect();
    let pem_files = install::PemFiles::in_dir(
        match target {
            InstallTarget::PemFiles { dir, .. } => dir,
            _ => Path::new(""),
        },
        &file_base_name(&row.request),
    );
    let places = target_places(target, &hashes, &pem_files);
    store::install_started(registry, id, &places)?;
    checkpoint("install_started");
    let written = match write_target(target, &key, &chain, &name, &row.request) {
        Ok(written) => written,
        Err(e) => {
            store::install_failed(registry, id)?;
            return Err(e);
        }
    };
    checkpoint("install_written");
    let action = match target {
        InstallTarget::P12 { .. } | InstallTarget::PemFiles { .. } => AuditAction::Exported,
        _ => AuditAction::Installed,
    };
    store::installed(registry, actor, id, action, serde_json::json!({ "to": target.describe() }))?;
    Ok(written)
}

/// Writes the certificate and its key where `target` says.
fn write_target(target: &InstallTarget, key: &PrivateKey, chain: &[Vec<u8>], name: &str, request: &OrderRequest) -> Result<Vec<PathBuf>> {
    Ok(match target {
        InstallTarget::P12 { path, password, encryption, overwrite } => {
            let p12 = install::export_p12(key.pkcs8(), chain, password, *encryption, name)?;
            install::write_file_atomically(path, p12.expose(), true, *overwrite)?;
            vec![path.clone()]
        }
        InstallTarget::PemFiles { dir, overwrite } => {
            std::fs::create_dir_all(dir).map_err(|e| LifecycleError::Io { path: dir.display().to_string(), reason: e.to_string() })?;
            let files = install::write_pem_files(dir, &file_base_name(request), key.pkcs8(), chain, *overwrite)?;
            vec![files.key, files.certificate, files.chain, files.full_chain]
        }
        InstallTarget::Nss { db_dir } => {
            let password = one_time_password();
            let p12 = install::export_p12(key.pkcs8(), chain, &password, P12Encryption::Modern, name)?;
            install::install_nss(db_dir, &p12, &password, name)?;
            vec![db_dir.clone()]
        }
        #[cfg(windows)]
        InstallTarget::WindowsStore { location } => {
            let password = one_time_password();
            let p12 = install::export_p12(key.pkcs8(), chain, &password, P12Encryption::Modern, name)?;
            install::install_windows(&p12, &password, *location)?;
            vec![]
        }
        #[cfg(target_os = "macos")]
        InstallTarget::MacKeychain => {
            let password = one_time_password();
            let p12 = install::export_p12(key.pkcs8(), chain, &password, P12Encryption::Modern, name)?;
            install::install_macos(&p12, &password)?;
            vec![]
        }
    })
}

/// The places an install makes: each file with the certificates it holds (leaf first, as
/// written), or the store with the leaf and its key.
fn target_places(target: &InstallTarget, hashes: &[String], pem: &install::PemFiles) -> Vec<ManagedPlace> {
    let leaf = &hashes[0];
    let file = |path: &Path, format: ContainerFormat, position: usize, sha256: &str, key: bool| ManagedPlace::file(path, format, position as u32, sha256, key);
    match target {
        InstallTarget::P12 { path, .. } => hashes.iter().enumerate().map(|(i, sha)| file(path, ContainerFormat::Pkcs12, i, sha, i == 0)).collect(),
        InstallTarget::PemFiles { .. } => {
            let mut places = vec![file(&pem.key, ContainerFormat::Pem, 0, leaf, true), file(&pem.certificate, ContainerFormat::Pem, 0, leaf, false)];
            places.extend(hashes[1..].iter().enumerate().map(|(i, sha)| file(&pem.chain, ContainerFormat::Pem, i, sha, false)));
            places.extend(hashes.iter().enumerate().map(|(i, sha)| file(&pem.full_chain, ContainerFormat::Pem, i, sha, false)));
            places
        }
        InstallTarget::Nss { db_dir } => vec![ManagedPlace::store(PlaceKind::Nss, format!("nss:{}", db_dir.display()), leaf)],
        #[cfg(windows)]
        InstallTarget::WindowsStore { location } => vec![ManagedPlace::store(PlaceKind::WindowsStore, format!("windows:{}", enum_text(location)), leaf)],
        #[cfg(target_os = "macos")]
        InstallTarget::MacKeychain => vec![ManagedPlace::store(PlaceKind::MacosKeychain, "macos:login".into(), leaf)],
    }
}

/// Settles the installs a crash interrupted between the write and its record: a write that
/// is there is recorded (with its audit entry, marked resumed); one that is not is dropped.
pub fn finish_interrupted_installs(registry: &Registry, actor: &Actor) -> Result<Vec<String>> {
    let mut settled = vec![];
    for id in store::with_pending_places(registry)? {
        let pending: Vec<ManagedPlace> = places::all(&registry.read())?.into_iter().filter(|r| r.order_id == id && r.pending).map(|r| r.place).collect();
        let done = !pending.is_empty() && pending.iter().all(|p| places::still_there(p) != Some(false));
        if done {
            let action = if pending.iter().all(|p| p.kind == PlaceKind::File) { AuditAction::Exported } else { AuditAction::Installed };
            let to: Vec<&str> = pending.iter().map(|p| p.location.as_str()).collect();
            store::installed(registry, actor, &id, action, serde_json::json!({ "to": to, "resumed": true }))?;
            settled.push(id);
        } else {
            store::install_failed(registry, &id)?;
        }
    }
    Ok(settled)
}

/// A random password for a .p12 that only lives between two calls of ours.
fn one_time_password() -> Sensitive<String> {
    let mut bytes = Sensitive::new([0u8; 24]);
    getrandom::fill(&mut bytes.expose_mut()[..]).expect("the OS random generator works");
    Sensitive::new(hex::encode(bytes.expose()))
}

fn friendly_name(request: &OrderRequest) -> String {
    format!("{} {} {}", request.common_name, enum_text(&request.offer), enum_text(&request.usage))
}

fn file_base_name(request: &OrderRequest) -> String {
    let raw = format!("{}-{}", request.common_name, enum_text(&request.usage));
    raw.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' }).collect()
}

fn enum_text<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

// ---------------------------------------------------------------- renewal and revocation

/// A new order prefilled from an existing one, with a new key. The old order is marked
/// renewed when the new certificate is imported, not before.
pub fn renew(registry: &Registry, keystore: &dyn Keystore, actor: &Actor, id: &str) -> Result<Order> {
    let row = store::load(registry, id)?;
    if !row.state.has_certificate() {
        return Err(wrong_state(&row, "renewing"));
    }
    create(registry, keystore, actor, row.request.clone(), Some(id))
}

/// Records a revocation made on the portal. Revocation is final: `confirmed` must be true.
/// The key is retired: deleted from the keystore, except a confidentiality (CONF) key,
/// which is kept so that what was encrypted for it can still be read.
pub fn revoke(registry: &Registry, keystore: &dyn Keystore, actor: &Actor, id: &str, reason: RevocationReason, confirmed: bool) -> Result<Order> {
    let row = store::load(registry, id)?;
    if !confirmed {
        return Err(LifecycleError::RevocationNotConfirmed);
    }
    if matches!(row.state, OrderState::Revoked | OrderState::Cancelled | OrderState::Draft) {
        return Err(wrong_state(&row, "revoking"));
    }
    // The registry records the revocation first: if the keystore then fails, the key is
    // still there (nothing lost) and [`resume`] retires it later.
    store::revoked(registry, actor, id, reason)?;
    checkpoint("revoked");
    retire_key(registry, keystore, actor, id)?;
    get_order(registry, id)
}

fn keeps_key_after_revocation(usage: Usage) -> bool {
    matches!(usage, Usage::Conf)
}

fn retire_key(registry: &Registry, keystore: &dyn Keystore, actor: &Actor, id: &str) -> Result<()> {
    let row = store::load(registry, id)?;
    if !row.key_in_keystore || keeps_key_after_revocation(row.request.usage) {
        return Ok(());
    }
    keystore.delete(&key_name(id))?;
    store::key_retired(registry, actor, id)?;
    Ok(())
}

/// Abandons an order that has no certificate yet (a wrong request). Its key is deleted:
/// the portal never signed it.
pub fn cancel(registry: &Registry, keystore: &dyn Keystore, actor: &Actor, id: &str) -> Result<Order> {
    let row = store::load(registry, id)?;
    if !(row.state == OrderState::Draft || row.state.awaits_certificate()) {
        return Err(wrong_state(&row, "cancelling"));
    }
    store::cancelled(registry, actor, id)?;
    keystore.delete(&key_name(id))?;
    store::key_retired(registry, actor, id)?;
    get_order(registry, id)
}

// ---------------------------------------------------------------- secrets kept for the user

/// Keeps the revocation code set on the portal, or a .p12 password, in the OS keystore.
pub fn save_secret(registry: &Registry, keystore: &dyn Keystore, id: &str, kind: SecretKind, value: &Sensitive<String>) -> Result<()> {
    store::load(registry, id)?;
    let bytes = Sensitive::new(value.expose().as_bytes().to_vec());
    keystore.put(&SecretName { kind, id: id.to_owned() }, &bytes)?;
    Ok(())
}

/// Shows a kept secret again, after an explicit confirmation; the showing is audited.
pub fn show_secret(registry: &Registry, keystore: &dyn Keystore, actor: &Actor, id: &str, kind: SecretKind, confirmed: bool) -> Result<Sensitive<String>> {
    store::load(registry, id)?;
    if !confirmed {
        return Err(LifecycleError::SecretNotConfirmed);
    }
    let bytes = keystore.get(&SecretName { kind, id: id.to_owned() })?.ok_or_else(|| LifecycleError::NoSecret(id.to_owned()))?;
    let text = Sensitive::new(String::from_utf8_lossy(bytes.expose()).into_owned());
    store::audit(registry, actor, AuditAction::SecretShown, id, serde_json::json!({ "kind": enum_text(&kind) }))?;
    Ok(text)
}

// ---------------------------------------------------------------- reading

pub fn get_order(registry: &Registry, id: &str) -> Result<Order> {
    store::load(registry, id)
}

/// Every order, newest first; certificates past their end are marked expired on the way.
pub fn list_orders(registry: &Registry) -> Result<Vec<Order>> {
    store::mark_expired(registry, Utc::now())?;
    store::all(registry)
}

/// Finds an order by id, or by the SHA-256 (or a unique prefix) of its certificate.
pub fn find_order(registry: &Registry, reference: &str) -> Result<Order> {
    if let Ok(order) = get_order(registry, reference) {
        return Ok(order);
    }
    store::find_by_certificate(registry, reference)?.ok_or_else(|| LifecycleError::UnknownOrder(reference.to_owned()))
}

fn wrong_state(row: &Order, action: &'static str) -> LifecycleError {
    LifecycleError::WrongState { id: row.id.clone(), state: row.state.as_str(), action }
}

/// An order that waits for the portal's certificate: its key exists, its CSR may have been
/// handed out days ago. Something to chase.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PendingOrder {
    pub id: String,
    pub state: OrderState,
    pub request: OrderRequest,
    /// Since when it waits: the CSR handed out, or else the key made.
    #[ts(type = "string")]
    pub since: DateTime<Utc>,
    #[ts(type = "number")]
    pub days_waiting: i64,
}

/// The orders waiting for the portal's certificate, longest waiting first.
pub fn pending_orders(registry: &Registry, now: DateTime<Utc>) -> Result<Vec<PendingOrder>> {
    let mut pending: Vec<PendingOrder> = store::all(registry)?
        .into_iter()
        .filter(|o| o.state.awaits_certificate())
        .map(|o| {
            let since = o.history.iter().rev().find(|c| c.state == o.state).map_or(o.updated_at, |c| c.at);
            PendingOrder { days_waiting: (now - since).num_days(), id: o.id, state: o.state, request: o.request, since }
        })
        .collect();
    pending.sort_by_key(|p| p.since);
    Ok(pending)
}

/// What the order wizard offers.
#[derive(Debug, Clone, Serialize, TS)]
pub struct OrderOptions {
    pub profiles: Vec<ProfileChoice>,
    pub departments: Vec<DepartmentChoice>,
    pub portals: Vec<(crate::igc::Environment, Portal)>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ProfileChoice {
    pub offer: crate::igc::Offer,
    pub usage: Usage,
    pub label_fr: String,
    pub label_en: String,
    /// False while no public source settled the profile's values.
    pub confirmed: bool,
    pub suggested_names: Vec<String>,
    /// The same names with the téléservice each is for (the certificate is tied to it).
    pub suggestions: Vec<csr::NameSuggestion>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DepartmentChoice {
    pub code: String,
    pub name: String,
}

pub fn order_options() -> OrderOptions {
    use crate::igc::Environment;
    let profiles = crate::igc::profiles()
        .profiles
        .iter()
        .map(|p| ProfileChoice {
            offer: p.offer,
            usage: p.usage,
            label_fr: p.label_fr.clone(),
            label_en: p.label_en.clone(),
            confirmed: p.confirmed,
            suggested_names: csr::suggested_common_names(p.offer, p.usage),
            suggestions: csr::name_suggestions(p.offer, p.usage),
        })
        .collect();
    let departments = csr::departments().into_iter().map(|(code, name)| DepartmentChoice { code: code.to_owned(), name: name.to_owned() }).collect();
    let portals = [Environment::Prod, Environment::Test].into_iter().map(|e| (e, portal(e))).collect();
    OrderOptions { profiles, departments, portals }
}

/// The platform address of an environment (from `procedure.json`): the test platform's
/// address is not public, so it may be unknown.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Portal {
    pub url: Option<String>,
    pub confirmed: bool,
}

/// The platform address "Ouvrir la plateforme" opens for an environment (procedure.json:
/// the procedure's card-authenticated address; none for TEST, whose address is not public).
pub fn portal(environment: crate::igc::Environment) -> Portal {
    match crate::procedure::platform_to_open(environment) {
        Some(address) => Portal { url: Some(address.url.clone()), confirmed: true },
        None => Portal { url: None, confirmed: false },
    }
}

/// The actor of the actions taken now: the card holder when a card is readable, the OS
/// user otherwise.
pub fn current_actor(module_setting: Option<&Path>) -> Actor {
    let status = crate::card_access::card_status(module_setting);
    let holder = status.tokens.and_then(|t| t.tokens.into_iter().find_map(|token| token.holder.and_then(|h| h.name)));
    match holder {
        Some(name) => Actor { kind: crate::audit::ActorKind::CardHolder, name },
        None => crate::audit::os_user_actor(),
    }
}
