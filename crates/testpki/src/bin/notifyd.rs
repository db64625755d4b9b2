//! `certisante-notifyd LOG`: a real desktop notification server for tests. It owns
//! `org.freedesktop.Notifications` on the session bus of DBUS_SESSION_BUS_ADDRESS
//! (a private bus started by the test), implements the specification's methods, and
//! appends one JSON line per notification to LOG:
//! `{"id":1,"app_name":"...","summary":"...","body":"...","actions":["default","Ouvrir"],"hints":{...}}`.
//!
//! Tests "click" a notification through a private interface on the same object:
//! `gdbus call --session --dest org.freedesktop.Notifications --object-path
//! /org/freedesktop/Notifications --method fr.certisante.Test.Notifications.Click 1`
//! emits `ActionInvoked(1, "default")` then `NotificationClosed(1, 2)`, as a desktop does
//! when the user clicks the notification's body.

#[cfg(all(unix, not(target_os = "macos")))]
fn main() {
    server::main();
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn main() {
    eprintln!("certisante-notifyd: freedesktop notifications exist on Linux only");
    std::process::exit(2);
}

#[cfg(all(unix, not(target_os = "macos")))]
mod server {
    use std::collections::{BTreeSet, HashMap};
    use std::io::Write;
    use std::path::PathBuf;
    use std::sync::{Arc, Mutex};

    use zbus::object_server::SignalEmitter;
    use zbus::{fdo, interface, zvariant};

    const PATH: &str = "/org/freedesktop/Notifications";
    /// NotificationClosed reasons (specification 1.2).
    const CLOSED_BY_USER: u32 = 2;
    const CLOSED_BY_CALL: u32 = 3;

    #[derive(Default)]
    struct Shown {
        last_id: u32,
        open: BTreeSet<u32>,
    }

    struct Notifications {
        shown: Arc<Mutex<Shown>>,
        log: PathBuf,
    }

    #[interface(name = "org.freedesktop.Notifications")]
    impl Notifications {
        fn get_capabilities(&self) -> Vec<String> {
            vec!["actions".into(), "body".into()]
        }

        fn get_server_information(&self) -> (String, String, String, String) {
            ("certisante-notifyd".into(), "CertiSanté".into(), env!("CARGO_PKG_VERSION").into(), "1.2".into())
        }

        #[allow(clippy::too_many_arguments)]
        fn notify(
            &self,
            app_name: String,
            replaces_id: u32,
            _app_icon: String,
            summary: String,
            body: String,
            actions: Vec<String>,
            hints: HashMap<String, zvariant::OwnedValue>,
            _expire_timeout: i32,
        ) -> fdo::Result<u32> {
            let mut shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
            let id = if replaces_id != 0 && shown.open.contains(&replaces_id) {
                replaces_id
            } else {
                shown.last_id += 1;
                shown.last_id
            };
            shown.open.insert(id);
            let hints: serde_json::Map<String, serde_json::Value> = hints.iter().map(|(k, v)| (k.clone(), v.to_string().into())).collect();
            let line = serde_json::json!({ "id": id, "app_name": app_name, "summary": summary, "body": body, "actions": actions, "hints": hints });
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.log)
                .map_err(|e| fdo::Error::Failed(format!("{}: {e}", self.log.display())))?;
            writeln!(file, "{line}").map_err(|e| fdo::Error::Failed(e.to_string()))?;
            Ok(id)
        }

        async fn close_notification(&self, id: u32, #[zbus(signal_emitter)] emitter: SignalEmitter<'_>) -> fdo::Result<()> {
            let was_open = self.shown.lock().unwrap_or_else(|e| e.into_inner()).open.remove(&id);
            if was_open {
                Self::notification_closed(&emitter, id, CLOSED_BY_CALL).await?;
            }
            Ok(())
        }

        #[zbus(signal)]
        async fn notification_closed(emitter: &SignalEmitter<'_>, id: u32, reason: u32) -> zbus::Result<()>;

        #[zbus(signal)]
        async fn action_invoked(emitter: &SignalEmitter<'_>, id: u32, action_key: &str) -> zbus::Result<()>;
    }

    /// What a user does with a notification, for tests.
    struct TestControls {
        shown: Arc<Mutex<Shown>>,
    }

    #[interface(name = "fr.certisante.Test.Notifications")]
    impl TestControls {
        /// A click on the notification's body: its "default" action, then it closes.
        async fn click(&self, id: u32, #[zbus(signal_emitter)] emitter: SignalEmitter<'_>) -> fdo::Result<()> {
            let was_open = self.shown.lock().unwrap_or_else(|e| e.into_inner()).open.remove(&id);
            if !was_open {
                return Err(fdo::Error::InvalidArgs(format!("no notification {id} is shown")));
            }
            Notifications::action_invoked(&emitter, id, "default").await?;
            Notifications::notification_closed(&emitter, id, CLOSED_BY_USER).await?;
            eprintln!("certisante-notifyd: clicked {id}");
            Ok(())
        }

        /// The ids of the notifications still shown.
        fn shown(&self) -> Vec<u32> {
            self.shown.lock().unwrap_or_else(|e| e.into_inner()).open.iter().copied().collect()
        }
    }

    pub fn main() {
        let Some(log) = std::env::args_os().nth(1).map(PathBuf::from) else {
            eprintln!("usage: certisante-notifyd LOG (on the session bus of DBUS_SESSION_BUS_ADDRESS)");
            std::process::exit(2);
        };
        let shown = Arc::new(Mutex::new(Shown::default()));
        let connection = zbus::blocking::connection::Builder::session()
            .and_then(|b| b.serve_at(PATH, Notifications { shown: shown.clone(), log }))
            .and_then(|b| b.serve_at(PATH, TestControls { shown }))
            .and_then(|b| b.name("org.freedesktop.Notifications"))
            .and_then(|b| b.build());
        let _connection = match connection {
            Ok(c) => c,
            Err(e) => {
                eprintln!("certisante-notifyd: cannot serve org.freedesktop.Notifications: {e}");
                std::process::exit(1);
            }
        };
        // The harness waits for this line before it starts the app.
        println!("ready");
        let _ = std::io::stdout().flush();
        loop {
            std::thread::park();
        }
    }
}
