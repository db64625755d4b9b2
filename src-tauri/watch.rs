//! Watching in the background: after the start-up scan and then every hour, the
//! revocation answers that are due are refreshed (CRLs at most daily, OCSP answers until
//! their next update: the core decides), and the dashboard is sent again. The work runs
//! on a thread and a registry connection of its own, so a slow or dead server never makes
//! the window's commands wait; timeouts bound each request.

use std::time::Duration;

use certisante_core::dashboard::{self, ApiError, Dashboard};
use certisante_core::registry::Registry;
use certisante_core::revocation::{self, RefreshOptions, RefreshSummary};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::state::AppState;

const PERIOD: Duration = Duration::from_secs(3600);

/// Starts the hourly watch on its own thread (the first round at once).
pub fn start<R: Runtime>(app: AppHandle<R>) {
    let spawned = std::thread::Builder::new().name("certisante-watch".into()).spawn(move || loop {
        if let Err(e) = refresh_revocation(&app, false) {
            eprintln!("certisante: revocation refresh failed: {} ({})", e.message, e.code);
        }
        std::thread::sleep(PERIOD);
    });
    if let Err(e) = spawned {
        eprintln!("certisante: the background watch could not start: {e}");
    }
}

/// One refresh (`force`: every answer asked again), with `revocation-progress` events;
/// sends the new dashboard when anything was asked. Blocking: call it off the async runtime.
pub fn refresh_revocation<R: Runtime>(app: &AppHandle<R>, force: bool) -> Result<(RefreshSummary, Dashboard), ApiError> {
    let registry = Registry::open_default().map_err(ApiError::from)?;
    let options = RefreshOptions { force, ..RefreshOptions::default() };
    let summary = revocation::refresh(&registry, &options, &|progress| {
        let _ = app.emit("revocation-progress", progress);
    })
    .map_err(|e| ApiError { code: e.code().into(), message: e.to_string() })?;
    let forced = app.state::<AppState>().read_only_forced();
    let dashboard = dashboard::dashboard(&registry, forced)?;
    if summary.checked > 0 {
        crate::tray::show_status(app, &dashboard);
        let _ = app.emit("dashboard-updated", &dashboard);
    }
    Ok((summary, dashboard))
}

/// "Vérifier la révocation maintenant": every certificate asked again, now.
#[tauri::command]
pub async fn check_revocation<R: Runtime>(app: AppHandle<R>) -> Result<Dashboard, ApiError> {
    tauri::async_runtime::spawn_blocking(move || refresh_revocation(&app, true).map(|(_, dashboard)| dashboard))
        .await
        .map_err(|e| ApiError { code: "app.internal".into(), message: e.to_string() })?
}
