//! Checks on one file the user points at.

use certisante_api::model::{ApiError, Pkcs12Check, Sensitive};

use crate::state::blocking;

/// Verifies a PKCS#12 file's integrity with its password. The password arrives in a
/// `Sensitive` wrapper (zeroized on drop, never logged) and is not kept.
#[tauri::command]
pub async fn check_pkcs12(path: String, password: Sensitive<String>) -> Result<Pkcs12Check, ApiError> {
    blocking(move || certisante_api::check_pkcs12(std::path::Path::new(&path), &password)).await
}
