//! ANS's procedure ("Avant de commander"), the téléservices each certificate serves, and
//! the habilitations recorded for the establishments. Each command translates and calls
//! `certisante_api`.

use certisante_api::model::*;
use tauri::State;

use crate::state::AppState;

/// The procedure as data: steps, forms, roles, platform addresses, customer service.
#[tauri::command]
pub fn get_procedure() -> Procedure {
    certisante_api::procedure().clone()
}

#[tauri::command]
pub fn list_teleservices() -> Vec<Teleservice> {
    certisante_api::teleservices().to_vec()
}

#[tauri::command]
pub async fn set_teleservices(state: State<'_, AppState>, sha256: String, teleservices: Vec<String>) -> Result<Dashboard, ApiError> {
    state.run(move |api| api.set_teleservices(&sha256, &teleservices).and_then(|_| api.dashboard())).await
}

#[tauri::command]
pub async fn list_habilitations(state: State<'_, AppState>) -> Result<Vec<Habilitation>, ApiError> {
    state.run(|api| api.habilitations()).await
}

#[tauri::command]
pub async fn record_habilitation(state: State<'_, AppState>, habilitation: Habilitation) -> Result<Vec<Habilitation>, ApiError> {
    state.run(move |api| api.record_habilitation(&habilitation).and_then(|_| api.habilitations())).await
}

#[tauri::command]
pub async fn remove_habilitation(state: State<'_, AppState>, habilitation: Habilitation) -> Result<Vec<Habilitation>, ApiError> {
    state.run(move |api| api.remove_habilitation(&habilitation).and_then(|_| api.habilitations())).await
}

/// Whether a recorded habilitation covers the order the wizard is about to make.
#[tauri::command]
pub async fn check_habilitation(state: State<'_, AppState>, request: OrderRequest, teleservice: Option<String>) -> Result<HabilitationCheck, ApiError> {
    state.run(move |api| api.check_habilitation(&request, teleservice.as_deref())).await
}
