fn main() {
    // Windows: our manifest (asInvoker, per-monitor DPI awareness, Common Controls v6 for
    // the dialogs) instead of tauri-build's, which declares only Common Controls.
    // tests/installers/pe-check.py checks it in the built .exe.
    println!("cargo:rerun-if-changed=packaging/windows/certisante-app.manifest");
    let windows = tauri_build::WindowsAttributes::new().app_manifest(include_str!("../packaging/windows/certisante-app.manifest"));
    let attributes = tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/**/*").windows_attributes(windows);
    tauri_build::try_build(attributes).expect("tauri build script");
}
