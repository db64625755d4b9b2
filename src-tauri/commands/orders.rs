//! Orders: the wizard, collecting what the portal delivers, installing, renewing,
//! revoking, the kept secrets and the audit log. Each command translates and calls
//! `certisante_core::lifecycle`; secrets arrive in `Sensitive` wrappers.

use std::path::PathBuf;

use certisante_core::audit::{AuditEntry, AuditVerdict};
use certisante_core::csr::{self, OrderRequest, RuleViolation};
use certisante_core::dashboard::ApiError;
use certisante_core::igc::{Environment, Offer, Usage};
use certisante_core::keys::{OsKeystore, SecretKind};
use certisante_core::lifecycle::{self, CsrDestination, ImportOutcome, InstallRequest, InstallTarget, Order, OrderOptions, RevocationReason};
use certisante_core::Sensitive;
use tauri::State;
use tauri_plugin_opener::OpenerExt;

use crate::state::AppState;

/// Runs a lifecycle step with the registry, the OS keystore and the actor of the moment
/// (the card holder when a card is readable, the OS user otherwise).
async fn with_lifecycle<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&certisante_core::registry::Registry, &OsKeystore, &certisante_core::audit::Actor) -> Result<T, lifecycle::LifecycleError> + Send + 'static,
{
    state
        .with_registry_writable(move |registry| {
            let module = registry.settings().ok().and_then(|s| s.pkcs11_module).map(PathBuf::from);
            let actor = lifecycle::current_actor(module.as_deref());
            work(registry, &OsKeystore::new(), &actor).map_err(ApiError::from)
        })
        .await
}

/// Finishes what a crash interrupted (a draft's key and CSR, a revoked order's key to
/// retire). Run once at start, in the background.
pub async fn resume_interrupted(state: &AppState) -> Result<Vec<Order>, ApiError> {
    state
        .with_registry(|registry| lifecycle::resume(registry, &OsKeystore::new(), &certisante_core::audit::os_user_actor()).map_err(ApiError::from))
        .await
}

/// What the wizard offers: profiles, départements, suggested names, portals.
#[tauri::command]
pub fn order_options() -> OrderOptions {
    lifecycle::order_options()
}

/// Every rule, checked as the user types; an empty list means the request is valid.
#[tauri::command]
pub fn validate_order(request: OrderRequest) -> Vec<RuleViolation> {
    csr::validate(&request).err().unwrap_or_default()
}

#[tauri::command]
pub fn suggested_names(offer: Offer, usage: Usage) -> Vec<String> {
    csr::suggested_common_names(offer, usage)
}

#[tauri::command]
pub async fn list_orders(state: State<'_, AppState>) -> Result<Vec<Order>, ApiError> {
    with_lifecycle(&state, |registry, _, _| lifecycle::list_orders(registry)).await
}

#[tauri::command]
pub async fn create_order(state: State<'_, AppState>, request: OrderRequest) -> Result<Order, ApiError> {
    with_lifecycle(&state, move |registry, keystore, actor| lifecycle::create_order(registry, keystore, actor, request)).await
}

/// Writes the CSR to `path`, or records that the UI copied it to the clipboard (no path).
#[tauri::command]
pub async fn export_csr(state: State<'_, AppState>, id: String, path: Option<String>) -> Result<String, ApiError> {
    let destination = match path {
        Some(path) => CsrDestination::File { path: path.into(), overwrite: true },
        None => CsrDestination::Clipboard,
    };
    with_lifecycle(&state, move |registry, _, actor| lifecycle::export_csr(registry, actor, &id, &destination)).await
}

/// Imports a file the user dropped or chose: a certificate for a pending order, or a .p12.
#[tauri::command]
pub async fn import_certificate(state: State<'_, AppState>, path: String, password: Option<Sensitive<String>>) -> Result<ImportOutcome, ApiError> {
    with_lifecycle(&state, move |registry, keystore, actor| {
        let bytes = std::fs::read(&path).map_err(|e| lifecycle::LifecycleError::Io { path: path.clone(), reason: e.to_string() })?;
        lifecycle::import_file(registry, keystore, actor, &bytes, &path, password.as_ref())
    })
    .await
}

#[tauri::command]
pub async fn install_order(state: State<'_, AppState>, id: String, request: InstallRequest, password: Option<Sensitive<String>>) -> Result<Vec<String>, ApiError> {
    with_lifecycle(&state, move |registry, keystore, actor| {
        let target = InstallTarget::from_request(request, password)?;
        let written = lifecycle::install(registry, keystore, actor, &id, &target)?;
        Ok(written.into_iter().map(|p| p.display().to_string()).collect())
    })
    .await
}

#[tauri::command]
pub async fn renew_order(state: State<'_, AppState>, id: String) -> Result<Order, ApiError> {
    with_lifecycle(&state, move |registry, keystore, actor| lifecycle::renew(registry, keystore, actor, &id)).await
}

#[tauri::command]
pub async fn revoke_order(state: State<'_, AppState>, id: String, reason: RevocationReason, confirmed: bool) -> Result<Order, ApiError> {
    with_lifecycle(&state, move |registry, keystore, actor| lifecycle::revoke(registry, keystore, actor, &id, reason, confirmed)).await
}

#[tauri::command]
pub async fn cancel_order(state: State<'_, AppState>, id: String) -> Result<Order, ApiError> {
    with_lifecycle(&state, move |registry, keystore, actor| lifecycle::cancel(registry, keystore, actor, &id)).await
}

#[tauri::command]
pub async fn save_secret(state: State<'_, AppState>, id: String, kind: SecretKind, value: Sensitive<String>) -> Result<(), ApiError> {
    with_lifecycle(&state, move |registry, keystore, _| lifecycle::save_secret(registry, keystore, &id, kind, &value)).await
}

/// Shows a kept secret after the user confirmed; the showing is audited. The value goes to
/// the screen, which is the point.
#[tauri::command]
pub async fn show_secret(state: State<'_, AppState>, id: String, kind: SecretKind, confirmed: bool) -> Result<String, ApiError> {
    with_lifecycle(&state, move |registry, keystore, actor| lifecycle::show_secret(registry, keystore, actor, &id, kind, confirmed).map(|s| s.expose().clone())).await
}

#[tauri::command]
pub async fn audit_log(state: State<'_, AppState>, limit: Option<usize>) -> Result<Vec<AuditEntry>, ApiError> {
    state.with_registry(move |registry| registry.audit_entries(limit).map_err(ApiError::from)).await
}

#[tauri::command]
pub async fn audit_verify(state: State<'_, AppState>) -> Result<AuditVerdict, ApiError> {
    state.with_registry(|registry| registry.audit_verify().map_err(ApiError::from)).await
}

/// Opens the IGC-Santé platform in the default browser. Generic over the runtime, as every
/// command is: `configure` also serves the IPC tests' mock runtime.
#[tauri::command]
pub fn open_portal<R: tauri::Runtime>(app: tauri::AppHandle<R>, environment: Environment) -> Result<(), ApiError> {
    let portal = lifecycle::portal(environment);
    let url = portal.url.ok_or_else(|| ApiError { code: "lifecycle.portal_unknown".into(), message: "L'adresse de la plateforme de test n'est pas publique : demandez-la au support de l'ANS.".into() })?;
    app.opener().open_url(url, None::<&str>).map_err(|e| ApiError { code: "app.open_failed".into(), message: e.to_string() })
}
