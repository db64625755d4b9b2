//! The card: what the header shows, and the card check that asks the PIN. Both run on a
//! session of their own: a slow card never holds the window's other commands.

use certisante_api::model::{ApiError, CardCheck, CardStatus, Sensitive};
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn card_status(state: State<'_, AppState>) -> Result<CardStatus, ApiError> {
    state.run_apart(|api| api.card_status()).await
}

/// Logs in once with the PIN the user typed (or none on a PIN-pad reader), signs a
/// challenge, logs out. Never retried: a refused PIN comes back as `token.pin_incorrect`.
#[tauri::command]
pub async fn check_card(state: State<'_, AppState>, slot_id: Option<u64>, pin: Option<Sensitive<String>>) -> Result<CardCheck, ApiError> {
    state.run_apart(move |api| api.check_card(slot_id, pin.as_ref())).await
}
