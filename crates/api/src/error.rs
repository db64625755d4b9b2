//! The API's own refusals and failures (the `app.*` codes), and the full set of codes every
//! layer can give: exported to the UI, which must have a French and an English text for
//! each (a test fails otherwise).

use std::path::PathBuf;

use certisante_pki::CodedError;

/// What the API itself refuses or fails at (the layers below have their own errors).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("read-only workstation: this action changes keys, certificates, orders or settings and is not available here")]
    ReadOnly,
    #[error("read-only mode is forced by the deployment: {0} cannot be changed here")]
    ReadOnlyForced(&'static str),
    #[error("internal error: {0}")]
    Internal(String),
    #[error("no registry at {}: nothing has been recorded yet", .0.display())]
    NoRegistry(PathBuf),
    #[error("the address of the {0} platform is not public: ask ANS's support for it")]
    PortalUnknown(&'static str),
    #[error("cannot open {url}: {reason}")]
    OpenFailed { url: String, reason: String },
    #[error("the login item could not be changed: {0}")]
    LoginItem(String),
    #[error("cannot read {}: {reason}", .path.display())]
    Io { path: PathBuf, reason: String },
    #[error("{0}")]
    BadRequest(String),
    #[error("this is not available on this operating system: {0}")]
    Unsupported(&'static str),
}

certisante_pki::error_codes!(AppError {
    Self::ReadOnly => "app.read_only",
    Self::ReadOnlyForced(_) => "app.read_only_forced",
    Self::Internal(_) => "app.internal",
    Self::NoRegistry(_) => "app.no_registry",
    Self::PortalUnknown(_) => "lifecycle.portal_unknown",
    Self::OpenFailed { .. } => "app.open_failed",
    Self::LoginItem(_) => "app.login_item",
    Self::Io { .. } => "app.io",
    Self::BadRequest(_) => "app.bad_request",
    Self::Unsupported(_) => "app.unsupported",
});

/// Codes the UI itself gives, without the back end (kept here so that the one list is
/// complete): the page outside the application, and a rejection of an unknown shape.
pub const UI_CODES: &[&str] = &["app.no_backend", "app.unknown"];

/// Every error and warning code, sorted, without repeats: what the UI must translate.
pub fn all_codes() -> Vec<String> {
    use certisante_devices as devices;
    use certisante_pki as pki;
    use certisante_store as store;
    let mut codes: Vec<&'static str> = Vec::new();
    codes.extend(AppError::codes());
    codes.extend(UI_CODES);
    codes.extend(pki::certs::CertsError::codes());
    codes.extend(pki::csr::CsrError::codes());
    codes.extend(pki::keys::KeyError::codes());
    codes.extend(pki::revocation::RevocationError::codes());
    codes.extend(pki::view::WARNING_CODES);
    codes.extend(devices::card::CardError::codes());
    codes.extend(devices::files::FileError::codes());
    codes.extend(devices::token::TokenError::codes());
    codes.extend(devices::keys::KeystoreError::codes());
    codes.extend(devices::install::InstallError::codes());
    codes.extend(devices::stores::StoreError::codes());
    codes.extend(store::registry::RegistryError::codes());
    codes.extend(store::inventory::WalkError::codes());
    codes.extend(store::alerts::AlertsError::codes());
    codes.extend(store::export::ExportError::codes());
    codes.extend(store::lifecycle::LifecycleError::codes());
    codes.extend(store::lifecycle::ImportError::codes());
    codes.extend(store::machine_policy::PolicyError::codes());
    codes.extend(store::revocation::RefreshError::codes());
    codes.extend(store::teleservices::TeleserviceError::codes());
    codes.extend(store::teleservices::CHECK_CODES);
    codes.extend(store::platform::CHECK_CODES);
    codes.extend(certisante_group::GroupError::codes());
    codes.extend(store::notify::NotifyError::codes());
    codes.extend(store::metrics::http::MetricsHttpError::codes());
    codes.extend(devices::desktop::DesktopError::codes());
    let mut codes: Vec<String> = codes.into_iter().map(str::to_owned).chain(pki::csr::rule_codes()).collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}
