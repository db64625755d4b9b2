//! Expiry alerts on the desktop. After each scan (the one at start, re-scans, watched
//! paths added or removed: every `scan-finished`) and every hour, the alerts due are
//! claimed through the API (once per threshold per
//! certificate, even with two processes) and shown as OS notifications.
//!
//! Clicking a notification: on Linux (freedesktop) it is sent through notify-rust, the
//! notification plugin's own backend, with a "default" action waited for on a thread: the
//! click brings the main window forward and emits `open-certificate` (the certificate's
//! SHA-256) to the UI. On Windows and macOS the plugin shows it, and a click only brings
//! the app forward (the plugin's desktop API has no click callback).
//!
//! E-mail and webhook alerts go out at the same moments, on a registry session of their
//! own (the network never holds the window's commands), each recipient and webhook
//! claiming its own thresholds: a notification shown here never stops the e-mail, and the
//! scheduled `certisante watch` never sends one twice. A message that did not go out is
//! tried again at the next check; the dashboard then carries the failure
//! (`delivery_failures`), which the UI shows until a message goes out again.
//!
//! Registered by `run()` only, as a plugin of its own: the IPC tests (Tauri's mock
//! runtime through `configure`) never send notifications.

use std::time::Duration;

use certisante_api::model::Alert;
use chrono::Utc;
use tauri::plugin::{Builder, TauriPlugin};
use tauri::{AppHandle, Listener, Manager, Runtime};

use crate::state::AppState;

/// Event sent to the UI when a notification is clicked; its payload is the SHA-256.
pub const OPEN_CERTIFICATE_EVENT: &str = "open-certificate";

/// How often alerts are looked for between scans (a threshold can be crossed while the
/// app stays open).
const CHECK_EVERY: Duration = Duration::from_secs(3600);

pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    Builder::new("certisante-alerts")
        .setup(|app, _api| {
            let handle = app.clone();
            app.listen_any("scan-finished", move |_| {
                tauri::async_runtime::spawn(check(handle.clone()));
            });
            let handle = app.clone();
            std::thread::Builder::new().name("alerts-timer".into()).spawn(move || loop {
                std::thread::sleep(CHECK_EVERY);
                tauri::async_runtime::spawn(check(handle.clone()));
            })?;
            Ok(())
        })
        .build()
}

/// Claims the alerts due and shows the ones this process won.
async fn check<R: Runtime>(app: AppHandle<R>) {
    let Some(state) = app.try_state::<AppState>().map(|s| s.inner().clone()) else { return };
    let claimed = state.run(|api| Ok((api.claim_alerts(Utc::now())?, api.settings()?.language))).await;
    match claimed {
        Ok((won, language)) => {
            // One line per check (the end-to-end test reads it): no certificate named.
            eprintln!("certisante: alerts checked: {} to show", won.len());
            for alert in won {
                show(&app, &state, alert, &language);
            }
        }
        Err(e) => eprintln!("certisante: alerts could not be checked: {} ({})", e.message, e.code),
    }
    deliver(&app, &state).await;
}

/// Sends the e-mail and webhook alerts due, then the dashboard when anything was tried
/// (a failure is shown there).
async fn deliver<R: Runtime>(app: &AppHandle<R>, state: &AppState) {
    let delivered = state
        .run_apart(|api| {
            let report = api.send_alerts(Utc::now())?;
            let tried = !report.sent.is_empty() || !report.failed.is_empty();
            Ok((report, if tried { Some(api.dashboard()?) } else { None }))
        })
        .await;
    match delivered {
        Ok((report, dashboard)) => {
            // One line per check, as for the desktop: no certificate or address named.
            eprintln!("certisante: e-mail and webhook alerts: {} sent, {} not sent", report.sent.len(), report.failed.len());
            if let Some(dashboard) = dashboard {
                use tauri::Emitter;
                crate::tray::show_status(app, &dashboard);
                let _ = app.emit("dashboard-updated", &dashboard);
            }
        }
        Err(e) => eprintln!("certisante: e-mail and webhook alerts could not be sent: {} ({})", e.message, e.code),
    }
}

/// An alert that could not be shown is released, to be tried again at the next check.
fn release(state: &AppState, alert: Alert) {
    let state = state.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(e) = state.run(move |api| api.release_alerts(&[alert])).await {
            eprintln!("certisante: an alert could not be released: {} ({})", e.message, e.code);
        }
    });
}

/// Brings the main window forward and tells the UI which certificate to open.
#[cfg_attr(not(all(unix, not(target_os = "macos"))), allow(dead_code))]
fn open_certificate<R: Runtime>(app: &AppHandle<R>, sha256: &str) {
    use tauri::Emitter;
    crate::tray::show_main_window(app);
    // A line the end-to-end test reads: the click reached the app.
    eprintln!("certisante: notification clicked: opening certificate {sha256}");
    let _ = app.emit(OPEN_CERTIFICATE_EVENT, sha256);
}

#[cfg(all(unix, not(target_os = "macos")))]
fn show<R: Runtime>(app: &AppHandle<R>, state: &AppState, alert: Alert, language: &str) {
    let (title, body) = (alert.title(language), alert.body(language));
    let open_label = if language == "en" { "Open" } else { "Ouvrir" };
    let identifier = app.config().identifier.clone();
    let (app, state) = (app.clone(), state.clone());
    // One thread per notification: notify-rust waits for its action or its closing.
    let spawned = std::thread::Builder::new().name("alert-notification".into()).spawn(move || {
        let shown = notify_rust::Notification::new()
            .appname("CertiSanté")
            .summary(&title)
            .body(&body)
            .action("default", open_label)
            .hint(notify_rust::Hint::DesktopEntry(identifier))
            .show();
        match shown {
            Ok(handle) => handle.wait_for_action(|action| {
                if action == "default" {
                    open_certificate(&app, &alert.sha256);
                }
            }),
            Err(e) => {
                eprintln!("certisante: the notification could not be shown: {e}");
                release(&state, alert);
            }
        }
    });
    if let Err(e) = spawned {
        eprintln!("certisante: the notification thread could not start: {e}");
    }
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn show<R: Runtime>(app: &AppHandle<R>, state: &AppState, alert: Alert, language: &str) {
    use tauri_plugin_notification::NotificationExt;
    // A click brings the app forward (the OS does it); which certificate is not known.
    let shown = app.notification().builder().title(alert.title(language)).body(alert.body(language)).show();
    if let Err(e) = shown {
        eprintln!("certisante: the notification could not be shown: {e}");
        release(state, alert);
    }
}
