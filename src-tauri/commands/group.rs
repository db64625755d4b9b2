//! The Groupe view and the group settings: each command calls one `Api` method.

use certisante_api::model::*;
use tauri::{AppHandle, Runtime, State};

use crate::state::AppState;

/// Reads the group database on a session of its own: a slow server never holds the window.
#[tauri::command]
pub async fn group_view(state: State<'_, AppState>) -> Result<GroupView, ApiError> {
    state.run_apart(|api| api.group_view()).await
}

#[tauri::command]
pub async fn group_certificate(state: State<'_, AppState>, sha256: String) -> Result<GroupCertificateDetails, ApiError> {
    state.run_apart(move |api| api.group_certificate(&sha256)).await
}

#[tauri::command]
pub async fn group_settings(state: State<'_, AppState>) -> Result<GroupSettings, ApiError> {
    state.run(|api| api.group_settings()).await
}

/// Saves the address and name (settings) and the password (OS keystore), then publishes.
#[tauri::command]
pub async fn save_group_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    database_url: Option<String>,
    workstation: Option<String>,
    password: Option<Sensitive<String>>,
) -> Result<GroupSettings, ApiError> {
    let saved = state.run(move |api| api.save_group_settings(database_url.as_deref(), workstation.as_deref(), password.as_ref())).await?;
    crate::group::wake(&app);
    Ok(saved)
}

/// "Publier maintenant".
#[tauri::command]
pub async fn publish_group<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<PublishSummary, ApiError> {
    let summary = state.run_apart(|api| api.publish_group(None, None)).await?;
    crate::group::announce(&app, &summary);
    Ok(summary)
}
