//! Desktop notifications for processes other than the app (the scheduled `certisante
//! watch`): on Linux, one call of the freedesktop `org.freedesktop.Notifications.Notify`
//! method on the session bus, when there is one. The app shows its own (with a click that
//! opens the certificate); this is the fire-and-forget kind a background pass can show.
//!
//! Without a session bus (a service, a server, an SSH session) there is nobody to show it
//! to: [`DesktopError::NoSession`], which callers take as "this channel is not here", not
//! as a failure. Windows and macOS: not from the CLI (the app and e-mail cover them).

/// Why a desktop notification was not shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DesktopError {
    #[error("no desktop session here (no D-Bus session bus): notifications are not shown")]
    NoSession,
    #[error("the desktop notification could not be shown: {0}")]
    Failed(String),
    #[error("desktop notifications from the command line exist on Linux only")]
    Unsupported,
}

certisante_pki::error_codes!(DesktopError {
    Self::NoSession => "desktop.no_session",
    Self::Failed(_) => "desktop.failed",
    Self::Unsupported => "desktop.unsupported",
});

/// The longest a notification server may take to answer.
pub const NOTIFY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Whether this process seems to belong to a desktop session (a session bus to ask):
/// checked before anything is claimed, so that a service claims no desktop alert.
pub fn session_likely() -> bool {
    if !cfg!(all(unix, not(target_os = "macos"))) {
        return false;
    }
    let address = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty());
    address || std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|dir| std::path::Path::new(&dir).join("bus").exists())
}

/// Shows one notification (`app_name`, title, body; `desktop_entry`: the .desktop file's
/// name, for the icon). Returns the server's notification id.
#[cfg(all(unix, not(target_os = "macos")))]
pub fn notify(app_name: &str, desktop_entry: &str, title: &str, body: &str) -> Result<u32, DesktopError> {
    use std::collections::HashMap;
    use zbus::zvariant::Value;

    // No address and no runtime folder's bus: a process outside any session.
    if !session_likely() {
        return Err(DesktopError::NoSession);
    }
    let connection =
        zbus::blocking::connection::Builder::session().map_err(|_| DesktopError::NoSession)?.method_timeout(NOTIFY_TIMEOUT).build().map_err(|e| match e {
            zbus::Error::InputOutput(_) | zbus::Error::Address(_) | zbus::Error::Handshake(_) => DesktopError::NoSession,
            e => DesktopError::Failed(e.to_string()),
        })?;
    let mut hints: HashMap<&str, Value<'_>> = HashMap::new();
    hints.insert("desktop-entry", Value::from(desktop_entry));
    // Expiry warnings are worth keeping in the notification history.
    hints.insert("urgency", Value::U8(1));
    let actions: Vec<&str> = Vec::new();
    let reply = connection
        .call_method(
            Some("org.freedesktop.Notifications"),
            "/org/freedesktop/Notifications",
            Some("org.freedesktop.Notifications"),
            "Notify",
            &(app_name, 0u32, "", title, body, actions, hints, -1i32),
        )
        .map_err(|e| match e {
            // Nobody owns the name: a session without a notification service.
            zbus::Error::MethodError(name, _, _) if name.as_str() == "org.freedesktop.DBus.Error.ServiceUnknown" => DesktopError::NoSession,
            zbus::Error::FDO(fdo) if matches!(*fdo, zbus::fdo::Error::ServiceUnknown(_)) => DesktopError::NoSession,
            e => DesktopError::Failed(e.to_string()),
        })?;
    reply.body().deserialize::<u32>().map_err(|e| DesktopError::Failed(e.to_string()))
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
pub fn notify(_app_name: &str, _desktop_entry: &str, _title: &str, _body: &str) -> Result<u32, DesktopError> {
    Err(DesktopError::Unsupported)
}
