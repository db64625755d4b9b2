//! Checks on one file the user points at.

use certisante_core::dashboard::{self, ApiError, Pkcs12Check};
use certisante_core::Sensitive;

/// Verifies a PKCS#12 file's integrity with its password. The password arrives in a
/// `Sensitive` wrapper (zeroized on drop, never logged) and is not kept.
#[tauri::command]
pub async fn check_pkcs12(path: String, password: Sensitive<String>) -> Result<Pkcs12Check, ApiError> {
    tauri::async_runtime::spawn_blocking(move || dashboard::check_pkcs12(std::path::Path::new(&path), &password).map_err(ApiError::from))
        .await
        .map_err(|e| ApiError { code: "app.internal".into(), message: e.to_string() })?
}
