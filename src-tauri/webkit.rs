//! Linux: the settings of the window's WebKitGTK webview.

use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};

/// WebKitGTK without accelerated compositing. The UI is tables and forms (no 3D, no video,
/// no animation that needs the GPU); with compositing the web process held 105 MB more
/// (RSS, and 103 MB PSS) with the Groupe view open on 20,042 certificates, its filters took
/// about twice as long to paint (bench/group.sh), and compositing is what breaks first with
/// some GPU drivers. The setting applies to the running view (WebKit leaves compositing
/// mode by itself), so no environment variable is needed before GTK starts. WebDriver
/// screenshots then wait for the page's next paint: see tests/e2e/webdriver.mjs.
pub fn configure<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    let applied = window.with_webview(|webview| {
        if let Some(settings) = WebViewExt::settings(&webview.inner()) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
    if let Err(e) = applied {
        eprintln!("certisante: the webview's settings were not applied: {e}");
    }
}
