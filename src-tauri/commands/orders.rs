//! Orders: the wizard, collecting what the portal delivers, installing, renewing,
//! revoking, the kept secrets and the audit log. Each command translates and calls
//! `certisante_api`; secrets arrive in `Sensitive` wrappers.

use std::path::PathBuf;

use certisante_api::model::*;
use certisante_api::AppError;
use tauri::State;
use tauri_plugin_opener::OpenerExt;

use crate::state::AppState;

/// What the wizard offers: profiles, départements, suggested names, portals.
#[tauri::command]
pub fn order_options() -> OrderOptions {
    certisante_api::order_options()
}

/// Every rule, checked as the user types; an empty list means the request is valid.
#[tauri::command]
pub fn validate_order(request: OrderRequest) -> Vec<RuleViolation> {
    certisante_api::validate_order(&request)
}

#[tauri::command]
pub fn suggested_names(offer: Offer, usage: Usage) -> Vec<String> {
    certisante_api::suggested_names(offer, usage)
}

#[tauri::command]
pub async fn list_orders(state: State<'_, AppState>) -> Result<Vec<Order>, ApiError> {
    state.run(|api| api.list_orders()).await
}

#[tauri::command]
pub async fn create_order(state: State<'_, AppState>, request: OrderRequest) -> Result<Order, ApiError> {
    state.run(move |api| api.create_order(request)).await
}

/// Writes the CSR to `path`, or records that the UI copied it to the clipboard (no path).
#[tauri::command]
pub async fn export_csr(state: State<'_, AppState>, id: String, path: Option<String>) -> Result<String, ApiError> {
    let destination = match path {
        Some(path) => CsrDestination::File { path: path.into(), overwrite: true },
        None => CsrDestination::Clipboard,
    };
    state.run(move |api| api.export_csr(&id, &destination)).await
}

/// Imports a file the user dropped or chose: a certificate for a pending order, or a .p12.
#[tauri::command]
pub async fn import_certificate(state: State<'_, AppState>, path: String, password: Option<Sensitive<String>>) -> Result<ImportOutcome, ApiError> {
    state.run(move |api| api.import_certificate(&PathBuf::from(path), password.as_ref())).await
}

/// Where this computer can install the certificate, the default and why (the dialog's list).
#[tauri::command]
pub fn install_choices(request: OrderRequest) -> InstallChoices {
    certisante_api::install_choices(&request)
}

#[tauri::command]
pub async fn install_order(
    state: State<'_, AppState>,
    id: String,
    request: InstallRequest,
    password: Option<Sensitive<String>>,
) -> Result<Vec<String>, ApiError> {
    state
        .run(move |api| {
            let target = InstallTarget::from_request(request, password)?;
            Ok(api.install_order(&id, &target)?.into_iter().map(|p| p.display().to_string()).collect())
        })
        .await
}

#[tauri::command]
pub async fn renew_order(state: State<'_, AppState>, id: String) -> Result<Order, ApiError> {
    state.run(move |api| api.renew_order(&id)).await
}

#[tauri::command]
pub async fn revoke_order(state: State<'_, AppState>, id: String, reason: RevocationReason, confirmed: bool) -> Result<Order, ApiError> {
    state.run(move |api| api.revoke_order(&id, reason, confirmed)).await
}

#[tauri::command]
pub async fn cancel_order(state: State<'_, AppState>, id: String) -> Result<Order, ApiError> {
    state.run(move |api| api.cancel_order(&id)).await
}

#[tauri::command]
pub async fn save_secret(state: State<'_, AppState>, id: String, kind: SecretKind, value: Sensitive<String>) -> Result<(), ApiError> {
    state.run(move |api| api.save_secret(&id, kind, &value)).await
}

/// Shows a kept secret after the user confirmed; the showing is audited. The value goes to
/// the screen, which is the point.
#[tauri::command]
pub async fn show_secret(state: State<'_, AppState>, id: String, kind: SecretKind, confirmed: bool) -> Result<String, ApiError> {
    state.run(move |api| api.show_secret(&id, kind, confirmed).map(|s| s.expose().clone())).await
}

#[tauri::command]
pub async fn audit_log(state: State<'_, AppState>, limit: Option<usize>) -> Result<Vec<AuditEntry>, ApiError> {
    state.run(move |api| api.audit_log(limit)).await
}

#[tauri::command]
pub async fn audit_verify(state: State<'_, AppState>) -> Result<AuditVerdict, ApiError> {
    state.run(|api| api.audit_verify()).await
}

/// Opens the IGC-Santé platform in the default browser. Generic over the runtime, as every
/// command is: `configure` also serves the IPC tests' mock runtime.
#[tauri::command]
pub fn open_portal<R: tauri::Runtime>(app: tauri::AppHandle<R>, environment: Environment) -> Result<(), ApiError> {
    let url = certisante_api::portal_url(environment)?;
    app.opener().open_url(url.clone(), None::<&str>).map_err(|e| AppError::OpenFailed { url, reason: e.to_string() }.into())
}
