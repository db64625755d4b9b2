//! OS certificate stores: the user's NSS database on Linux, the Windows "My" stores and
//! macOS keychains (compiled for those targets only).

use crate::certs::FoundCertificate;
use crate::view::PlaceKind;

#[cfg(any(target_os = "macos", test))]
mod macos;
mod nss;
#[cfg(windows)]
mod windows;

/// The certificates one store holds.
#[derive(Debug)]
pub struct StoreContent {
    /// How the store is named to the user, e.g. `nss:/home/me/.pki/nssdb`.
    pub source: String,
    pub kind: PlaceKind,
    pub certificates: Vec<FoundCertificate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("cannot read the certificate store {store}: {reason}")]
    Unreadable { store: String, reason: String },
}

certisante_pki::error_codes!(StoreError {
    Self::Unreadable { .. } => "stores.unreadable",
});

impl StoreError {
    pub fn store(&self) -> &str {
        match self {
            Self::Unreadable { store, .. } => store,
        }
    }
}

/// Reads every OS store this platform has; a store that does not exist is not an error.
pub fn read_os_stores() -> Vec<Result<StoreContent, StoreError>> {
    let mut out = Vec::new();
    out.extend(nss::read_user_databases());
    #[cfg(windows)]
    out.extend(windows::read_my_stores());
    #[cfg(target_os = "macos")]
    out.extend(macos::read_keychains());
    out
}

pub use nss::read_database as read_nss_database;
#[cfg(windows)]
pub(crate) use windows::StoreHandle;
