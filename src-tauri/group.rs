//! Publishing to the group inventory in the background, when a group is configured (and the
//! workstation is not read-only: the API decides): at start after the first scan, after
//! every scan, when the group settings change, and hourly; every five minutes while the
//! server is unreachable and changes wait. A thread and a session of its own: a slow or
//! absent server never holds the window's commands. Each publication that did something
//! is sent to the UI as `group-published`.

use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::time::Duration;

use certisante_api::model::{PublishOutcome, PublishSummary};
use certisante_api::Api;
use tauri::{AppHandle, Emitter, Listener, Manager, Runtime};

use crate::state::AppState;

const PERIOD: Duration = Duration::from_secs(3600);
const RETRY: Duration = Duration::from_secs(300);

/// Wakes the publisher thread.
struct Publisher(Mutex<Sender<()>>);

/// Starts the publisher (once the start-up scan is done).
pub fn start<R: Runtime>(app: AppHandle<R>) {
    let (wake, woken) = channel::<()>();
    app.manage(Publisher(Mutex::new(wake.clone())));
    app.listen_any("scan-finished", move |_| {
        let _ = wake.send(());
    });
    let spawned = std::thread::Builder::new().name("certisante-group".into()).spawn(move || loop {
        let wait = match publish_once(&app) {
            Ok(Some(summary)) if summary.outcome == PublishOutcome::Queued => RETRY,
            Ok(_) => PERIOD,
            Err(e) => {
                eprintln!("certisante: group publication failed: {} ({})", e.message, e.code);
                PERIOD
            }
        };
        match woken.recv_timeout(wait) {
            Ok(()) => while woken.try_recv().is_ok() {},
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
    });
    if let Err(e) = spawned {
        eprintln!("certisante: the group publisher could not start: {e}");
    }
}

/// Publishes now, in the background (the settings changed).
pub fn wake<R: Runtime>(app: &AppHandle<R>) {
    if let Some(publisher) = app.try_state::<Publisher>() {
        let _ = publisher.0.lock().unwrap_or_else(|e| e.into_inner()).send(());
    }
}

/// Tells the UI what a publication did.
pub fn announce<R: Runtime>(app: &AppHandle<R>, summary: &PublishSummary) {
    let _ = app.emit("group-published", summary);
}

fn publish_once<R: Runtime>(app: &AppHandle<R>) -> Result<Option<PublishSummary>, certisante_api::model::ApiError> {
    let api = Api::open(app.state::<AppState>().host().clone())?;
    let summary = api.publish_group_if_configured()?;
    if let Some(summary) = &summary {
        if summary.outcome != PublishOutcome::Unchanged {
            announce(app, summary);
        }
    }
    Ok(summary)
}
