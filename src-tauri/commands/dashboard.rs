//! The dashboard screen: its data, watched paths, scans, settings and exports.

use std::path::PathBuf;

use certisante_api::model::{ApiError, Dashboard, ExportFormat, ScanSummary, Settings};
use certisante_api::Api;
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::state::AppState;

#[tauri::command]
pub async fn get_dashboard<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<Dashboard, ApiError> {
    let dashboard = state.run(|api| api.dashboard()).await?;
    crate::tray::show_status(&app, &dashboard);
    Ok(dashboard)
}

#[tauri::command]
pub async fn add_watched<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, paths: Vec<String>) -> Result<Dashboard, ApiError> {
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    state.run(move |api| api.add_watched(&paths)).await?;
    rescan(app, state).await
}

#[tauri::command]
pub async fn remove_watched<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, path: String) -> Result<Dashboard, ApiError> {
    state.run(move |api| api.remove_watched(&PathBuf::from(path))).await?;
    rescan(app, state).await
}

/// Scans on a session of its own: walking and reading thousands of files never holds the
/// window's other commands (the registry is written in one short transaction at the end).
#[tauri::command]
pub async fn rescan<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<Dashboard, ApiError> {
    state.run_apart(move |api| scan_with_events(&app, api)).await
}

#[tauri::command]
pub async fn retry_set_aside<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<Dashboard, ApiError> {
    state.run(|api| api.retry_set_aside()).await?;
    rescan(app, state).await
}

#[tauri::command]
pub async fn save_settings<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, settings: Settings) -> Result<Dashboard, ApiError> {
    let dashboard = state.run(move |api| api.save_settings(&settings).and_then(|_| api.dashboard())).await?;
    crate::tray::apply_settings(&app, &dashboard.settings);
    crate::tray::apply_login_item(&app, dashboard.settings.start_at_login)?;
    crate::tray::show_status(&app, &dashboard);
    Ok(dashboard)
}

/// Scans the watched paths, telling the UI how far it got, then returns the new dashboard.
pub fn scan_with_events<R: Runtime>(app: &AppHandle<R>, api: &mut Api) -> Result<Dashboard, ApiError> {
    let _ = app.emit("scan-started", ());
    let scanned = api.rescan(&|progress| {
        let _ = app.emit("scan-progress", progress);
    });
    let _ = app.emit("scan-finished", scanned.as_ref().cloned().unwrap_or_else(|_| ScanSummary::default()));
    scanned?;
    let dashboard = api.dashboard()?;
    crate::tray::show_status(app, &dashboard);
    Ok(dashboard)
}

/// Writes the dashboard to `path` (.ics, CSV or JSON); returns the path written.
#[tauri::command]
pub async fn export_dashboard(state: State<'_, AppState>, format: ExportFormat, path: String) -> Result<String, ApiError> {
    state.run(move |api| api.export_dashboard(format, std::path::Path::new(&path)).map(|()| path)).await
}
