//! Publishing to the group inventory in the background: at start after the first scan,
//! after every scan, when the group settings change, and when the API says (hourly; every
//! five minutes while the server is unreachable and changes wait: its
//! `publish_group_in_background` decides, and whether there is anything to publish). A
//! thread and a session of its own: a slow or absent server never holds the window's
//! commands. Each publication that did something is sent to the UI as `group-published`.

use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::time::Duration;

use certisante_api::group::GROUP_PUBLISH_PERIOD;
use certisante_api::model::PublishSummary;
use certisante_api::Api;
use tauri::{AppHandle, Emitter, Listener, Manager, Runtime};

use crate::state::AppState;

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
        let wait = publish_once(&app);
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

/// One publication; how long to wait before the next.
fn publish_once<R: Runtime>(app: &AppHandle<R>) -> Duration {
    let api = match Api::open(app.state::<AppState>().host().clone()) {
        Ok(api) => api,
        Err(e) => {
            eprintln!("certisante: group publication: the registry could not be opened: {} ({})", e.message, e.code);
            return GROUP_PUBLISH_PERIOD;
        }
    };
    let run = api.publish_group_in_background();
    if let Some(e) = &run.error {
        eprintln!("certisante: group publication failed: {} ({})", e.message, e.code);
    }
    if let (true, Some(summary)) = (run.worth_announcing(), &run.summary) {
        announce(app, summary);
    }
    run.next_in
}
