//! Watching in the background: after the start-up scan and then every hour, the
//! revocation answers that are due are refreshed (CRLs at most daily, OCSP answers until
//! their next update: the API decides), and the dashboard is sent again. The work runs
//! on a thread and a session of its own, so a slow or dead server never makes the
//! window's commands wait; timeouts bound each request.

use std::time::Duration;

use certisante_api::model::{ApiError, Dashboard, RefreshSummary};
use certisante_api::Api;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::state::{blocking, AppState};

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
    let api = Api::open(app.state::<AppState>().host().clone())?;
    let summary = api.refresh_revocation(force, &|progress| {
        let _ = app.emit("revocation-progress", progress);
    })?;
    let dashboard = api.dashboard()?;
    if summary.checked > 0 {
        crate::tray::show_status(app, &dashboard);
        let _ = app.emit("dashboard-updated", &dashboard);
    }
    Ok((summary, dashboard))
}

/// "Vérifier la révocation maintenant": every certificate asked again, now.
#[tauri::command]
pub async fn check_revocation<R: Runtime>(app: AppHandle<R>) -> Result<Dashboard, ApiError> {
    blocking(move || refresh_revocation(&app, true).map(|(_, dashboard)| dashboard)).await
}
