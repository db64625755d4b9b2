//! E-mail and webhook alerts: their settings (the SMTP password and webhook URLs go to the
//! OS keystore through the API), tests of a configuration, and sending what is due now.
//! Each command translates and calls `certisante_api`.

use certisante_api::model::*;
use chrono::Utc;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn save_mail_settings(state: State<'_, AppState>, mail: MailSettings, password: Option<Sensitive<String>>) -> Result<Dashboard, ApiError> {
    state.run(move |api| api.save_mail_settings(mail, password.as_ref()).and_then(|_| api.dashboard())).await
}

#[tauri::command]
pub async fn remove_mail_settings(state: State<'_, AppState>) -> Result<Dashboard, ApiError> {
    state.run(|api| api.remove_mail_settings().and_then(|_| api.dashboard())).await
}

#[tauri::command]
pub async fn save_webhook(state: State<'_, AppState>, name: String, url: Option<Sensitive<String>>, ca_file: Option<String>) -> Result<Dashboard, ApiError> {
    state.run(move |api| api.save_webhook(&name, url.as_ref(), ca_file).and_then(|_| api.dashboard())).await
}

#[tauri::command]
pub async fn remove_webhook(state: State<'_, AppState>, name: String) -> Result<Dashboard, ApiError> {
    state.run(move |api| api.remove_webhook(&name).and_then(|_| api.dashboard())).await
}

/// Sends a test e-mail (to `to`, or to every recipient) on a session of its own: the
/// network never holds the window's commands.
#[tauri::command]
pub async fn test_mail(state: State<'_, AppState>, to: Option<String>) -> Result<Vec<String>, ApiError> {
    state.run_apart(move |api| api.test_mail(to.as_deref())).await
}

#[tauri::command]
pub async fn test_webhook(state: State<'_, AppState>, name: String) -> Result<(), ApiError> {
    state.run_apart(move |api| api.test_webhook(&name)).await
}

/// Sends the e-mail and webhook alerts due now.
#[tauri::command]
pub async fn send_alerts(state: State<'_, AppState>) -> Result<DeliveryReport, ApiError> {
    state.run_apart(|api| api.send_alerts(Utc::now())).await
}
