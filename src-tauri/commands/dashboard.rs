//! The dashboard screen: its data, watched paths, scans and settings.

use std::path::PathBuf;

use certisante_core::dashboard::{self, ApiError, Dashboard};
use certisante_core::registry::{Registry, Settings};
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::state::AppState;

#[tauri::command]
pub async fn get_dashboard(state: State<'_, AppState>) -> Result<Dashboard, ApiError> {
    state.with_registry(|r| Ok(dashboard::dashboard(r)?)).await
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
pub async fn save_settings(state: State<'_, AppState>, settings: Settings) -> Result<Dashboard, ApiError> {
    state
        .with_registry(move |r| {
            r.save_settings(&settings)?;
            Ok(dashboard::dashboard(r)?)
        })
        .await
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
            Ok(dashboard::dashboard(registry)?)
        }
        Err(e) => {
            let _ = app.emit("scan-finished", certisante_core::registry::ScanSummary::default());
            Err(e.into())
        }
    }
}
