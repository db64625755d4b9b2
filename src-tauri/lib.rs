//! The desktop shell: commands that translate between the UI and `certisante-core`,
//! events, and start-up. No business rule lives here.

mod alerts;
mod commands;
mod state;

use tauri::{Emitter, Manager};

pub use state::AppState;

/// Keeps the card watcher alive for the app's lifetime.
struct CardWatcherHandle(#[allow(dead_code)] std::sync::Mutex<Option<certisante_core::card::CardWatcher>>);

/// Registers every command, plugin and start-up task on a builder (shared by `run` and
/// the IPC tests, which pass Tauri's mock builder).
pub fn configure<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(AppState::open())
        .invoke_handler(tauri::generate_handler![
            commands::dashboard::get_dashboard,
            commands::dashboard::add_watched,
            commands::dashboard::remove_watched,
            commands::dashboard::rescan,
            commands::dashboard::save_settings,
            commands::files::check_pkcs12,
            commands::card::card_status,
            commands::card::check_card,
            commands::orders::order_options,
            commands::orders::validate_order,
            commands::orders::suggested_names,
            commands::orders::list_orders,
            commands::orders::create_order,
            commands::orders::export_csr,
            commands::orders::import_certificate,
            commands::orders::install_order,
            commands::orders::renew_order,
            commands::orders::revoke_order,
            commands::orders::cancel_order,
            commands::orders::save_secret,
            commands::orders::show_secret,
            commands::orders::audit_log,
            commands::orders::audit_verify,
            commands::orders::open_portal,
        ])
        .setup(|app| {
            // Readers and cards, live: the watcher blocks in SCardGetStatusChange (no
            // polling) and each change goes to the UI as a `card-event`.
            let events = app.handle().clone();
            match certisante_core::card::CardWatcher::start(move |event| {
                let _ = events.emit("card-event", event);
            }) {
                Ok(watcher) => {
                    app.manage(CardWatcherHandle(std::sync::Mutex::new(Some(watcher))));
                }
                Err(e) => eprintln!("certisante: the card watcher could not start: {e}"),
            }
            // Watched folders are re-scanned at every start, in the background.
            let handle = app.handle().clone();
            let state = app.state::<AppState>().inner().clone();
            tauri::async_runtime::spawn(async move {
                let scan_handle = handle.clone();
                if let Ok(dashboard) = state.with_registry(move |r| commands::dashboard::scan_with_events(&scan_handle, r)).await {
                    let _ = handle.emit("dashboard-updated", dashboard);
                }
                match commands::orders::resume_interrupted(&state).await {
                    Ok(resumed) if !resumed.is_empty() => {
                        let _ = handle.emit("orders-updated", ());
                    }
                    Ok(_) => {}
                    Err(e) => eprintln!("certisante: interrupted orders could not be resumed: {} ({})", e.message, e.code),
                }
            });
            Ok(())
        })
}

pub fn run() {
    configure(tauri::Builder::default())
        // Desktop notifications only in the real app (never with the IPC tests' mock runtime).
        .plugin(tauri_plugin_notification::init())
        .plugin(alerts::plugin())
        .run(tauri::generate_context!())
        .expect("error while running CertiSanté");
}
