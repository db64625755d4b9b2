// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Linux: WebKitGTK without accelerated compositing, unless the user chose otherwise. The
    // app shows tables and forms (no animation, no 3D): compositing cost its web process
    // 115 MB more with the Groupe view on 20,000 certificates (bench/group.sh), and is what
    // breaks first with some GPU drivers. Set before WebKit starts (no thread runs yet).
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    certisante_app::run();
}
