//! The card: what the header shows, and the card check that asks the PIN.

use certisante_core::card_access::{self, CardCheck, CardStatus};
use certisante_core::dashboard::ApiError;
use certisante_core::Sensitive;
use tauri::State;

use crate::state::AppState;

fn module_setting(state: &AppState) -> impl std::future::Future<Output = Option<std::path::PathBuf>> + '_ {
    async move {
        state
            .with_registry(|r| Ok(r.settings()?.pkcs11_module))
            .await
            .ok()
            .flatten()
            .map(std::path::PathBuf::from)
    }
}

#[tauri::command]
pub async fn card_status(state: State<'_, AppState>) -> Result<CardStatus, ApiError> {
    let module = module_setting(&state).await;
    tauri::async_runtime::spawn_blocking(move || card_access::card_status(module.as_deref()))
        .await
        .map_err(|e| ApiError { code: "app.internal".into(), message: e.to_string() })
}

/// Logs in once with the PIN the user typed (or none on a PIN-pad reader), signs a
/// challenge, logs out. Never retried: a refused PIN comes back as `token.pin_incorrect`.
#[tauri::command]
pub async fn check_card(state: State<'_, AppState>, slot_id: Option<u64>, pin: Option<Sensitive<String>>) -> Result<CardCheck, ApiError> {
    // The PIN is never asked on a read-only workstation.
    let module = state.with_registry_writable(|r| Ok(r.settings()?.pkcs11_module)).await?.map(std::path::PathBuf::from);
    tauri::async_runtime::spawn_blocking(move || card_access::check_card(module.as_deref(), slot_id, pin.as_ref()).map_err(ApiError::from))
        .await
        .map_err(|e| ApiError { code: "app.internal".into(), message: e.to_string() })?
}
