//! The desktop shell: commands that translate between the UI and `certisante-api`,
//! events, the tray and start-up. No business rule lives here.

mod alerts;
mod commands;
mod group;
mod state;
mod tray;
mod watch;
#[cfg(target_os = "linux")]
mod webkit;

use tauri::{Emitter, Manager};

pub use state::AppState;

/// Present only in the real app (not under the IPC tests' mock runtime): the tray, the
/// login item and the single-instance lock belong to a desktop session.
struct Desktop;

/// Keeps the card watcher alive for the app's lifetime.
struct CardWatcherHandle(#[allow(dead_code)] std::sync::Mutex<Option<certisante_api::model::CardWatcher>>);

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
            commands::dashboard::retry_set_aside,
            commands::dashboard::save_settings,
            commands::dashboard::export_dashboard,
            watch::check_revocation,
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
            commands::orders::install_choices,
            commands::orders::install_order,
            commands::orders::renew_order,
            commands::orders::revoke_order,
            commands::orders::cancel_order,
            commands::orders::save_secret,
            commands::orders::show_secret,
            commands::orders::audit_log,
            commands::orders::audit_verify,
            commands::orders::open_portal,
            commands::procedure::get_procedure,
            commands::procedure::list_teleservices,
            commands::procedure::set_teleservices,
            commands::procedure::list_habilitations,
            commands::procedure::record_habilitation,
            commands::procedure::remove_habilitation,
            commands::procedure::check_habilitation,
            commands::group::group_view,
            commands::group::group_certificate,
            commands::group::group_settings,
            commands::group::save_group_settings,
            commands::group::publish_group,
            commands::alerts::save_mail_settings,
            commands::alerts::remove_mail_settings,
            commands::alerts::save_webhook,
            commands::alerts::remove_webhook,
            commands::alerts::test_mail,
            commands::alerts::test_webhook,
            commands::alerts::send_alerts,
        ])
        .setup(|app| {
            // Readers and cards, live: the watcher blocks in SCardGetStatusChange (no
            // polling) and each change goes to the UI as a `card-event`.
            let events = app.handle().clone();
            match certisante_api::watch_cards(move |event| {
                let _ = events.emit("card-event", event);
            }) {
                Ok(watcher) => {
                    app.manage(CardWatcherHandle(std::sync::Mutex::new(Some(watcher))));
                }
                Err(e) => eprintln!("certisante: {} ({})", e.message, e.code),
            }
            let state = app.state::<AppState>().inner().clone();
            if app.try_state::<Desktop>().is_some() {
                #[cfg(target_os = "linux")]
                if let Some(window) = app.get_webview_window("main") {
                    webkit::configure(&window);
                }
                let settings = tauri::async_runtime::block_on(state.run(|api| api.settings())).unwrap_or_default();
                tray::install(app.handle(), &settings, |app| {
                    let app = app.clone();
                    tauri::async_runtime::spawn(async move { rescan_and_publish(&app).await });
                });
                if std::env::args().any(|a| a == tray::BACKGROUND_FLAG) && app.state::<tray::Background>().keeps_running() {
                    if let Some(window) = app.get_webview_window("main") {
                        let _ = window.hide();
                    }
                }
            }
            // Watched folders are re-scanned at every start, in the background.
            let handle = app.handle().clone();
            let desktop = app.try_state::<Desktop>().is_some();
            tauri::async_runtime::spawn(async move {
                rescan_and_publish(&handle).await;
                // Revocation (then alerts) once the registry holds what the scan found.
                if desktop {
                    watch::start(handle.clone());
                    group::start(handle.clone());
                }
                match state.run(|api| api.resume_at_start()).await {
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

/// Re-scans the watched paths and sends the new dashboard to the UI (start, tray menu).
async fn rescan_and_publish<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    let state = app.state::<AppState>().inner().clone();
    let scan_handle = app.clone();
    if let Ok(dashboard) = state.run_apart(move |api| commands::dashboard::scan_with_events(&scan_handle, api)).await {
        let _ = app.emit("dashboard-updated", dashboard);
    }
}

pub fn run() {
    // First: a second launch (a shortcut clicked again, the login item) only brings the
    // running window forward.
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| tray::show_main_window(app)))
        .plugin(tauri_plugin_autostart::init(tauri_plugin_autostart::MacosLauncher::LaunchAgent, Some(vec![tray::BACKGROUND_FLAG])))
        // Desktop notifications only in the real app (never with the IPC tests' mock runtime).
        .plugin(tauri_plugin_notification::init())
        .plugin(alerts::plugin())
        .manage(Desktop)
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                if window.app_handle().try_state::<tray::Background>().is_some_and(|b| b.keeps_running()) {
                    api.prevent_close();
                    let _ = window.hide();
                }
            }
        });
    configure(builder).run(tauri::generate_context!()).expect("error while running CertiSanté");
}
