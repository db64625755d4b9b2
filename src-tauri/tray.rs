//! The notification area: an icon whose badge follows the worst certificate status, a
//! menu (open, re-scan, quit), closing the window into it, starting at login into it.
//! Only the real app has one: the IPC tests' mock runtime never calls `install`.

use std::sync::atomic::{AtomicBool, Ordering};

use certisante_api::model::{ApiError, Dashboard, Settings, Severity, Status};
use certisante_api::AppError;
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

const TRAY_ID: &str = "certisante";

/// Argument of the login item: start hidden, in the notification area.
pub const BACKGROUND_FLAG: &str = "--background";

/// What the window's close button does, kept current from the settings.
#[derive(Default)]
pub struct Background {
    /// The tray icon exists (on Linux it needs libayatana-appindicator3 at run time).
    tray: AtomicBool,
    run_in_background: AtomicBool,
}

impl Background {
    /// Close hides the window only when the icon exists to bring it back.
    pub fn keeps_running(&self) -> bool {
        self.tray.load(Ordering::Relaxed) && self.run_in_background.load(Ordering::Relaxed)
    }
}

struct Texts {
    open: &'static str,
    rescan: &'static str,
    quit: &'static str,
}

fn texts(language: &str) -> Texts {
    if language == "en" {
        Texts { open: "Open CertiSanté", rescan: "Re-scan", quit: "Quit" }
    } else {
        Texts { open: "Ouvrir CertiSanté", rescan: "Re-scanner", quit: "Quitter" }
    }
}

/// Creates the icon and its menu. A desktop without a tray library gets no icon, and the
/// window then closes the app as usual.
pub fn install<R: Runtime>(app: &AppHandle<R>, settings: &Settings, on_rescan: impl Fn(&AppHandle<R>) + Send + Sync + 'static) {
    app.manage(Background::default());
    apply_settings(app, settings);
    // libappindicator is loaded at run time and its absence panics inside tray-icon.
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(app, &settings.language, on_rescan)));
    match built {
        Ok(Ok(())) => app.state::<Background>().tray.store(true, Ordering::Relaxed),
        Ok(Err(e)) => eprintln!("certisante: no notification-area icon: {e}"),
        Err(_) => eprintln!("certisante: no notification-area icon (libayatana-appindicator3 is missing)"),
    }
}

fn build<R: Runtime>(app: &AppHandle<R>, language: &str, on_rescan: impl Fn(&AppHandle<R>) + Send + Sync + 'static) -> tauri::Result<()> {
    let t = texts(language);
    let open = MenuItem::with_id(app, "open", t.open, true, None::<&str>)?;
    let rescan = MenuItem::with_id(app, "rescan", t.rescan, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", t.quit, true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &rescan, &PredefinedMenuItem::separator(app)?, &quit])?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(badged_icon(None))
        .tooltip("CertiSanté")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(move |app, event| match event.id().as_ref() {
            "open" => show_main_window(app),
            "rescan" => on_rescan(app),
            "quit" => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click { button: MouseButton::Left, button_state: MouseButtonState::Up, .. } = event {
                show_main_window(tray.app_handle());
            }
        })
        .build(app)?;
    Ok(())
}

/// Follows the settings that change the tray's behaviour.
pub fn apply_settings<R: Runtime>(app: &AppHandle<R>, settings: &Settings) {
    if let Some(background) = app.try_state::<Background>() {
        background.run_in_background.store(settings.run_in_background, Ordering::Relaxed);
    }
}

/// Registers or removes the login item (the autostart plugin exists only in the real app).
pub fn apply_login_item<R: Runtime>(app: &AppHandle<R>, start_at_login: bool) -> Result<(), ApiError> {
    let Some(login_item) = app.try_state::<tauri_plugin_autostart::AutoLaunchManager>() else { return Ok(()) };
    let result = if start_at_login {
        login_item.enable()
    } else if login_item.is_enabled().unwrap_or(false) {
        login_item.disable()
    } else {
        Ok(())
    };
    result.map_err(|e| AppError::LoginItem(e.to_string()).into())
}

/// Brings the main window back (tray click, second launch, notification click).
pub fn show_main_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// The icon's badge and tooltip for a new dashboard.
pub fn show_status<R: Runtime>(app: &AppHandle<R>, dashboard: &Dashboard) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else { return };
    let leaves = || dashboard.certificates.iter().filter(|c| !c.is_ca);
    let worst = leaves().map(|c| c.severity).max();
    let expired = leaves().filter(|c| c.status == Status::Expired).count();
    let revoked = leaves().filter(|c| c.status == Status::Revoked).count();
    let expiring = leaves().filter(|c| c.status == Status::Expiring).count();
    let en = dashboard.settings.language == "en";
    let mut parts = Vec::new();
    if revoked > 0 {
        parts.push(if en { format!("{revoked} revoked") } else { format!("{revoked} révoqué(s)") });
    }
    if expired > 0 {
        parts.push(if en { format!("{expired} expired") } else { format!("{expired} expiré(s)") });
    }
    if expiring > 0 {
        parts.push(if en { format!("{expiring} to renew") } else { format!("{expiring} à renouveler") });
    }
    let summary = match (parts.is_empty(), worst.is_some()) {
        (false, _) => parts.join(", "),
        (true, true) => (if en { "all certificates are fine" } else { "tous les certificats sont à jour" }).to_string(),
        (true, false) => (if en { "no certificate watched" } else { "aucun certificat surveillé" }).to_string(),
    };
    let _ = tray.set_icon(Some(badged_icon(worst)));
    let _ = tray.set_tooltip(Some(format!("CertiSanté — {summary}")));
}

/// The app icon with a coloured disc in its lower right corner: green, orange or red.
fn badged_icon(worst: Option<Severity>) -> Image<'static> {
    let base = Image::from_bytes(include_bytes!("../icons/32x32.png")).expect("the bundled 32x32 icon is a PNG");
    let (width, height) = (base.width(), base.height());
    let mut rgba = base.rgba().to_vec();
    let Some(severity) = worst else { return Image::new_owned(rgba, width, height) };
    let colour: [u8; 3] = match severity {
        Severity::Ok => [0x2e, 0x7d, 0x32],
        Severity::Warning => [0xef, 0x6c, 0x00],
        Severity::Critical => [0xc6, 0x28, 0x28],
    };
    let radius = width.min(height) as f32 * 0.22;
    let (cx, cy) = (width as f32 - radius - 1.0, height as f32 - radius - 1.0);
    for y in 0..height {
        for x in 0..width {
            let distance = ((x as f32 + 0.5 - cx).powi(2) + (y as f32 + 0.5 - cy).powi(2)).sqrt();
            let pixel = ((y * width + x) * 4) as usize;
            if distance <= radius - 1.0 {
                rgba[pixel..pixel + 4].copy_from_slice(&[colour[0], colour[1], colour[2], 0xff]);
            } else if distance <= radius + 0.5 {
                // A white ring keeps the badge visible on a dark or coloured panel.
                rgba[pixel..pixel + 4].copy_from_slice(&[0xff, 0xff, 0xff, 0xff]);
            }
        }
    }
    Image::new_owned(rgba, width, height)
}
