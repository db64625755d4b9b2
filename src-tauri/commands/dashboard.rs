//! The dashboard screen: its data, watched paths, scans and settings.

use std::path::PathBuf;

use certisante_core::dashboard::{self, ApiError, Dashboard};
use certisante_core::export::{self, ExportFormat};
use certisante_core::registry::{Registry, Settings};
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use crate::state::AppState;

#[tauri::command]
pub async fn get_dashboard<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<Dashboard, ApiError> {
    let forced = state.read_only_forced();
    let dashboard = state.with_registry(move |r| Ok(dashboard::dashboard(r, forced)?)).await?;
    crate::tray::show_status(&app, &dashboard);
    Ok(dashboard)
}

#[tauri::command]
pub async fn add_watched<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, paths: Vec<String>) -> Result<Dashboard, ApiError> {
    state
        .with_registry(move |r| {
            for path in &paths {
                r.add_watch(&PathBuf::from(path))?;
            }
            scan_with_events(&app, r)
        })
        .await
}

#[tauri::command]
pub async fn remove_watched<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, path: String) -> Result<Dashboard, ApiError> {
    state
        .with_registry(move |r| {
            r.remove_watch(&PathBuf::from(path))?;
            scan_with_events(&app, r)
        })
        .await
}

#[tauri::command]
pub async fn rescan<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<Dashboard, ApiError> {
    state.with_registry(move |r| scan_with_events(&app, r)).await
}

#[tauri::command]
pub async fn save_settings<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, settings: Settings) -> Result<Dashboard, ApiError> {
    let forced = state.read_only_forced();
    let dashboard = state
        .with_registry(move |r| {
            r.save_settings(&settings)?;
            Ok(dashboard::dashboard(r, forced)?)
        })
        .await?;
    crate::tray::apply_settings(&app, &dashboard.settings);
    crate::tray::apply_login_item(&app, dashboard.settings.start_at_login)?;
    crate::tray::show_status(&app, &dashboard);
    Ok(dashboard)
}

/// Scans the watched paths, telling the UI how far it got, then returns the new dashboard.
pub fn scan_with_events<R: Runtime>(app: &AppHandle<R>, registry: &mut Registry) -> Result<Dashboard, ApiError> {
    let _ = app.emit("scan-started", ());
    let result = registry.scan(&|progress| {
        let _ = app.emit("scan-progress", progress);
    });
    match result {
        Ok(summary) => {
            let _ = app.emit("scan-finished", summary);
            let dashboard = dashboard::dashboard(registry, app.state::<AppState>().read_only_forced())?;
            crate::tray::show_status(app, &dashboard);
            Ok(dashboard)
        }
        Err(e) => {
            let _ = app.emit("scan-finished", certisante_core::registry::ScanSummary::default());
            Err(e.into())
        }
    }
}

/// Writes the dashboard to `path`: an .ics of renewal reminders, CSV or JSON. Allowed on a
/// read-only workstation (exports are what a secretary needs). Returns the path written.
#[tauri::command]
pub async fn export_dashboard(state: State<'_, AppState>, format: ExportFormat, path: String) -> Result<String, ApiError> {
    state
        .with_registry(move |registry| {
            export::export_registry(registry, format, std::path::Path::new(&path)).map_err(|e| ApiError { code: e.code().into(), message: e.to_string() })?;
            Ok(path)
        })
        .await
}
