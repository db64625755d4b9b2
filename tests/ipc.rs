//! The desktop shell's commands through Tauri's IPC (mock runtime): what the UI sends,
//! what it gets back, and errors as `{code, message}`.

use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;

fn invoke(webview: &tauri::WebviewWindow<tauri::test::MockRuntime>, cmd: &str, body: serde_json::Value) -> Result<serde_json::Value, serde_json::Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        // The app's own origin: Tauri serves it as http://tauri.localhost on Windows.
        url: if cfg!(windows) { "http://tauri.localhost" } else { "tauri://localhost" }.parse().unwrap(),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(webview, request).map(|r| r.deserialize::<serde_json::Value>().unwrap())
}

/// The tests set process-wide environment variables (the data folder, read-only): one at a time.
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

#[test]
fn dashboard_commands_round_trip() {
    let _serial = one_at_a_time();
    let data = tempfile::tempdir().unwrap();
    std::env::set_var("CERTISANTE_DATA_DIR", data.path());
    let certs = tempfile::tempdir().unwrap();
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/igc/TEST-ORG-AUTH_CLI-leaf.pem");
    std::fs::copy(&sample, certs.path().join("leaf.pem")).unwrap();

    let app = certisante_app::configure(mock_builder()).build(tauri::generate_context!()).unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();

    let empty = invoke(&webview, "get_dashboard", serde_json::json!({})).unwrap();
    assert_eq!(empty["certificates"].as_array().unwrap().len(), 0);
    assert_eq!(empty["settings"]["language"], "fr");

    let added = invoke(&webview, "add_watched", serde_json::json!({ "paths": [certs.path()] })).unwrap();
    let listed = added["certificates"].as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["cn"], "EMA");
    assert_eq!(listed[0]["environment"], "TEST");
    assert_eq!(added["watched"].as_array().unwrap().len(), 1);

    let mut settings = added["settings"].clone();
    settings["language"] = "en".into();
    settings["thresholds"]["warn_days"] = 1000.into();
    let saved = invoke(&webview, "save_settings", serde_json::json!({ "settings": settings })).unwrap();
    assert_eq!(saved["settings"]["language"], "en");
    assert_eq!(saved["certificates"][0]["status"], "expiring");

    settings["language"] = "de".into();
    let refused = invoke(&webview, "save_settings", serde_json::json!({ "settings": settings })).unwrap_err();
    assert_eq!(refused["code"], "registry.invalid_setting");
    assert!(refused["message"].is_string());

    let missing = invoke(&webview, "add_watched", serde_json::json!({ "paths": ["/nonexistent/certs"] })).unwrap_err();
    assert_eq!(missing["code"], "registry.path_not_found");

    let not_p12 = invoke(&webview, "check_pkcs12", serde_json::json!({ "path": sample, "password": "x" })).unwrap_err();
    assert_eq!(not_p12["code"], "certs.not_pkcs12");

    let hierarchy = certisante_testpki::Hierarchy::new();
    let leaf = hierarchy.issue(&certisante_testpki::LeafSpec::new(certisante_testpki::Usage::AuthCli, "DMP", 100));
    let files = certisante_testpki::write_containers(certs.path(), "dmp", &leaf, &hierarchy, "bon");
    let wrong = invoke(&webview, "check_pkcs12", serde_json::json!({ "path": files.portal_p12, "password": "mauvais" })).unwrap_err();
    assert_eq!(wrong["code"], "certs.p12_bad_password");
    assert!(!wrong.to_string().contains("mauvais"), "the password never comes back");
    let right = invoke(&webview, "check_pkcs12", serde_json::json!({ "path": files.portal_p12, "password": "bon" })).unwrap();
    assert_eq!(right["integrity"], "verified");
    assert_eq!(right["has_private_key"], true);
    assert_eq!(right["certificates"], 3);

    // Exports are written by the back end, in every format.
    let out = tempfile::tempdir().unwrap();
    for (format, head) in [("ics", "BEGIN:VCALENDAR"), ("csv", "\u{feff}common_name;"), ("json", "{")] {
        let path = out.path().join(format!("export.{format}"));
        let written = invoke(&webview, "export_dashboard", serde_json::json!({ "format": format, "path": path })).unwrap();
        assert_eq!(written, path.display().to_string());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(head), "{format}: {}", &text[..40.min(text.len())]);
    }
    let nowhere = invoke(&webview, "export_dashboard", serde_json::json!({ "format": "ics", "path": "/nonexistent/dir/x.ics" })).unwrap_err();
    assert_eq!(nowhere["code"], "install.io");

    // A read-only workstation: statuses and exports, no key, card or order action.
    settings["language"] = "en".into();
    settings["read_only"] = true.into();
    let read_only = invoke(&webview, "save_settings", serde_json::json!({ "settings": settings })).unwrap();
    assert_eq!(read_only["read_only"], serde_json::json!({ "enabled": true, "forced": false }));
    for (command, body) in [
        ("list_orders", serde_json::json!({})),
        ("check_card", serde_json::json!({ "slotId": null, "pin": null })),
        ("import_certificate", serde_json::json!({ "path": sample, "password": null })),
    ] {
        let refused = invoke(&webview, command, body).unwrap_err();
        assert_eq!(refused["code"], "app.read_only", "{command}");
    }
    let path = out.path().join("read-only.ics");
    invoke(&webview, "export_dashboard", serde_json::json!({ "format": "ics", "path": path })).unwrap();
    // What decides what the workstation does is refused there too: watched paths, the card
    // (it loads a native library), the PKCS#11 module, even together with leaving read-only.
    for (command, body) in [
        ("add_watched", serde_json::json!({ "paths": [certs.path()] })),
        ("remove_watched", serde_json::json!({ "path": certs.path() })),
        ("card_status", serde_json::json!({})),
    ] {
        let refused = invoke(&webview, command, body).unwrap_err();
        assert_eq!(refused["code"], "app.read_only", "{command}");
    }
    let mut module = settings.clone();
    module["pkcs11_module"] = "/tmp/not-a-module.so".into();
    assert_eq!(invoke(&webview, "save_settings", serde_json::json!({ "settings": module })).unwrap_err()["code"], "app.read_only");
    module["read_only"] = false.into();
    assert_eq!(invoke(&webview, "save_settings", serde_json::json!({ "settings": module })).unwrap_err()["code"], "app.read_only");
    settings["read_only"] = false.into();
    let writable = invoke(&webview, "save_settings", serde_json::json!({ "settings": settings })).unwrap();
    assert_eq!(writable["read_only"]["enabled"], false);
    // Every settings change is audited, field by field.
    let audit = invoke(&webview, "audit_log", serde_json::json!({ "limit": null })).unwrap();
    let changes: Vec<&serde_json::Value> = audit.as_array().unwrap().iter().filter(|e| e["action"] == "settings_changed").map(|e| &e["details"]).collect();
    assert!(changes.iter().any(|d| d["read_only"] == serde_json::json!({ "from": false, "to": true })), "{changes:?}");
    assert!(changes.iter().any(|d| d["language"] == serde_json::json!({ "from": "fr", "to": "en" })), "{changes:?}");

    // Forced by the deployment: nothing in the app turns it off or changes the module.
    std::env::set_var("CERTISANTE_READ_ONLY", "1");
    let forced_app = certisante_app::configure(mock_builder()).build(tauri::generate_context!()).unwrap();
    std::env::remove_var("CERTISANTE_READ_ONLY");
    let forced = tauri::WebviewWindowBuilder::new(&forced_app, "main", Default::default()).build().unwrap();
    assert_eq!(invoke(&forced, "get_dashboard", serde_json::json!({})).unwrap()["read_only"], serde_json::json!({ "enabled": true, "forced": true }));
    let mut module = settings.clone();
    module["pkcs11_module"] = "/tmp/not-a-module.so".into();
    assert_eq!(invoke(&forced, "save_settings", serde_json::json!({ "settings": module })).unwrap_err()["code"], "app.read_only_forced");
    let mut preference = settings.clone();
    preference["language"] = "fr".into();
    assert!(
        invoke(&forced, "save_settings", serde_json::json!({ "settings": preference })).is_ok(),
        "a preference is not a change of what the workstation does"
    );
    assert_eq!(invoke(&forced, "list_orders", serde_json::json!({})).unwrap_err()["code"], "app.read_only");
}

/// The command table the UI is typed against (generated from `certisante_api::commands`)
/// and the commands the shell serves are the same list.
#[test]
fn the_shell_serves_exactly_the_commands_of_the_api_table() {
    let _serial = one_at_a_time();
    let data = tempfile::tempdir().unwrap();
    std::env::set_var("CERTISANTE_DATA_DIR", data.path());
    let app = certisante_app::configure(mock_builder()).build(tauri::generate_context!()).unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    let not_served = |name: &str| format!("Command {name} not found");
    let unknown = invoke(&webview, "no_such_command", serde_json::json!({})).unwrap_err().to_string();
    assert!(unknown.contains(&not_served("no_such_command")), "{unknown}");
    // Arguments of the wrong shape, so that nothing runs: a served command says so.
    for name in certisante_api::commands::NAMES {
        let answer = invoke(&webview, name, serde_json::json!({ "__wrong_shape": true }));
        if let Err(error) = answer {
            assert!(!error.to_string().contains(&not_served(name)), "{name} is in the table but the shell does not serve it: {error}");
        }
    }
    let sources = [
        "src-tauri/commands/dashboard.rs",
        "src-tauri/commands/files.rs",
        "src-tauri/commands/card.rs",
        "src-tauri/commands/orders.rs",
        "src-tauri/commands/procedure.rs",
        "src-tauri/watch.rs",
        "src-tauri/commands/group.rs",
        "src-tauri/commands/alerts.rs",
    ];
    let mut served = Vec::new();
    for file in sources {
        let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            if line.trim() == "#[tauri::command]" {
                let signature = lines.next().unwrap();
                let name = signature.split("fn ").nth(1).unwrap().split(['<', '(']).next().unwrap();
                served.push(name.to_owned());
            }
        }
    }
    served.sort();
    let mut table: Vec<String> = certisante_api::commands::NAMES.iter().map(|n| n.to_string()).collect();
    table.sort();
    assert_eq!(served, table, "the shell's commands and crates/api/src/commands.rs differ");
}

/// The install dialog's places come from the back end, compiled for this OS: here (Linux)
/// NSS and files, never a Windows store; the default follows the usage and the key's user.
/// (Under Wine the same command lists the Windows stores: tests/installers/wine-tests.sh.)
#[test]
fn the_install_dialog_offers_what_this_platform_has() {
    let _serial = one_at_a_time();
    let data = tempfile::tempdir().unwrap();
    std::env::set_var("CERTISANTE_DATA_DIR", data.path());
    let app = certisante_app::configure(mock_builder()).build(tauri::generate_context!()).unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    let request = |usage: &str, cn: &str| {
        serde_json::json!({ "request": {
            "environment": "TEST", "offer": if usage == "SSL_SERV" { "SERV" } else { "ORG" }, "usage": usage,
            "organization": "CLINIQUE DES LILAS", "structure_id": "11B0073160", "department": "75", "common_name": cn
        }})
    };
    let user = invoke(&webview, "install_choices", request("AUTH_CLI", "INSI-MANU")).unwrap();
    let places = user["places"].as_array().unwrap();
    if cfg!(windows) {
        assert_eq!(places[..2], [serde_json::json!("windows_user"), serde_json::json!("windows_machine")]);
        assert_eq!(user["recommended"], "windows_user");
        let service = invoke(&webview, "install_choices", request("AUTH_CLI", "INSI-AUTO")).unwrap();
        assert_eq!((&service["recommended"], &service["advice"]), (&serde_json::json!("windows_machine"), &serde_json::json!("windows_unattended")));
    } else {
        assert_eq!(*places, ["nss", "p12", "pem_files"]);
        assert_eq!((&user["recommended"], &user["advice"]), (&serde_json::json!("nss"), &serde_json::json!("browser")));
        let server = invoke(&webview, "install_choices", request("SSL_SERV", "portail.clinique.fr")).unwrap();
        assert_eq!(server["recommended"], "pem_files");
        // A Windows store asked for on another OS is refused with a code, not ignored.
        let refused =
            invoke(&webview, "install_order", serde_json::json!({ "id": "cmd-none", "request": { "kind": "windows_store", "location": "current_user" } }))
                .unwrap_err();
        assert!(matches!(refused["code"].as_str(), Some("lifecycle.bad_install_request")), "{refused}");
    }
}

/// A machine policy (here the test's policy file, read by debug builds only) forces
/// settings: the dashboard says which, and a change to one is refused with policy.forced,
/// whatever the front end.
#[test]
fn settings_forced_by_the_machine_policy_are_refused() {
    let _serial = one_at_a_time();
    let data = tempfile::tempdir().unwrap();
    std::env::set_var("CERTISANTE_DATA_DIR", data.path());
    let certs = tempfile::tempdir().unwrap();
    let policy = data.path().join("policy.json");
    let body = serde_json::json!({ "AlertDays": [90, 30, 7], "Pkcs11Module": "/usr/lib/libcps3_pkcs11_lux.so", "WatchedPaths": [certs.path()] });
    std::fs::write(&policy, body.to_string()).unwrap();
    std::env::set_var("CERTISANTE_POLICY_FILE", &policy);
    let app = certisante_app::configure(mock_builder()).build(tauri::generate_context!()).unwrap();
    std::env::remove_var("CERTISANTE_POLICY_FILE");
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();

    let dashboard = invoke(&webview, "get_dashboard", serde_json::json!({})).unwrap();
    assert_eq!(dashboard["policy"]["forced"], serde_json::json!(["watched_paths", "alert_days", "pkcs11_module"]));
    assert_eq!(dashboard["policy"]["error"], serde_json::Value::Null);
    assert_eq!(dashboard["settings"]["alert_days"], serde_json::json!([90, 30, 7]));
    assert_eq!(dashboard["settings"]["pkcs11_module"], "/usr/lib/libcps3_pkcs11_lux.so");
    let watched: Vec<&str> = dashboard["watched"].as_array().unwrap().iter().map(|w| w["path"].as_str().unwrap()).collect();
    assert_eq!(watched, [std::fs::canonicalize(certs.path()).unwrap().to_str().unwrap()]);

    let mut settings = dashboard["settings"].clone();
    settings["alert_days"] = serde_json::json!([60]);
    let refused = invoke(&webview, "save_settings", serde_json::json!({ "settings": settings })).unwrap_err();
    assert_eq!(refused["code"], "policy.forced");
    let other = tempfile::tempdir().unwrap();
    assert_eq!(invoke(&webview, "add_watched", serde_json::json!({ "paths": [other.path()] })).unwrap_err()["code"], "policy.forced");
    assert_eq!(invoke(&webview, "remove_watched", serde_json::json!({ "path": certs.path() })).unwrap_err()["code"], "policy.forced");
    // What the policy does not force is still the user's, the forced values sent back as shown.
    let mut preference = dashboard["settings"].clone();
    preference["thresholds"]["warn_days"] = 45.into();
    let saved = invoke(&webview, "save_settings", serde_json::json!({ "settings": preference })).unwrap();
    assert_eq!(saved["settings"]["thresholds"]["warn_days"], 45);
    assert_eq!(saved["settings"]["alert_days"], serde_json::json!([90, 30, 7]));

    // A broken policy file: its error on the dashboard, and the most restrictive mode.
    std::fs::write(&policy, "{\"ReadOnly\": \"yes\"}").unwrap();
    std::env::set_var("CERTISANTE_POLICY_FILE", &policy);
    let broken_app = certisante_app::configure(mock_builder()).build(tauri::generate_context!()).unwrap();
    std::env::remove_var("CERTISANTE_POLICY_FILE");
    let broken = tauri::WebviewWindowBuilder::new(&broken_app, "main", Default::default()).build().unwrap();
    let dashboard = invoke(&broken, "get_dashboard", serde_json::json!({})).unwrap();
    assert_eq!(dashboard["policy"]["error"]["code"], "policy.invalid");
    assert_eq!(dashboard["read_only"], serde_json::json!({ "enabled": true, "forced": true }));
    assert_eq!(dashboard["errors"][0]["code"], "policy.invalid");
    assert_eq!(invoke(&broken, "list_orders", serde_json::json!({})).unwrap_err()["code"], "policy.invalid");
}

/// "Ouvrir la plateforme" opens the procedure's card-authenticated address: the URL that
/// `open_portal` hands to the browser for PROD is pinned here (through the same function the
/// command calls, and as `order_options` and `get_procedure` give it to the UI), and TEST
/// has none (its address is not public).
#[test]
fn the_platform_button_opens_the_procedures_card_authenticated_address() {
    let _serial = one_at_a_time();
    let data = tempfile::tempdir().unwrap();
    std::env::set_var("CERTISANTE_DATA_DIR", data.path());
    let app = certisante_app::configure(mock_builder()).build(tauri::generate_context!()).unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();

    const CARD_AUTHENTICATED: &str = "https://pfc-auth.eservices.esante.gouv.fr";
    assert_eq!(certisante_api::portal_url(certisante_api::model::Environment::Prod).unwrap(), CARD_AUTHENTICATED);
    let options = invoke(&webview, "order_options", serde_json::json!({})).unwrap();
    let portals = options["portals"].as_array().unwrap();
    let portal_of = |env: &str| portals.iter().find(|p| p[0] == env).map(|p| p[1].clone()).unwrap();
    assert_eq!(portal_of("PROD"), serde_json::json!({ "url": CARD_AUTHENTICATED, "confirmed": true }));
    assert_eq!(portal_of("TEST")["url"], serde_json::Value::Null);

    let procedure = invoke(&webview, "get_procedure", serde_json::json!({})).unwrap();
    let opened: Vec<&serde_json::Value> = procedure["platforms"].as_array().unwrap().iter().filter(|p| p["opened_by_the_app"] == true).collect();
    assert_eq!(opened.len(), 1, "{opened:?}");
    assert_eq!(opened[0]["url"], CARD_AUTHENTICATED);
    assert_eq!(opened[0]["environment"], "PROD");
    assert!(procedure["sources"][opened[0]["source"].as_str().unwrap()]["title"].as_str().unwrap().contains("Procédure"));

    // The wizard's CN suggestions carry their téléservice and a label in both languages.
    let sign = options["profiles"].as_array().unwrap().iter().find(|p| p["offer"] == "ORG" && p["usage"] == "SIGN").unwrap();
    let roc = sign["suggestions"].as_array().unwrap().iter().find(|s| s["cn"] == "ROC").unwrap();
    assert_eq!(roc["teleservice"], "ROC");
    assert!(roc["label_en"].as_str().unwrap().contains("ROC"));

    // Habilitations through the IPC: recorded, checked (a warning, not a refusal), removed.
    let habilitation =
        serde_json::json!({ "structure_id": "11B0073160", "offer": "ORG", "usage": "AUTH_CLI", "teleservice": null, "note": "formulaire n°413" });
    let recorded = invoke(&webview, "record_habilitation", serde_json::json!({ "habilitation": habilitation })).unwrap();
    assert_eq!(recorded.as_array().unwrap().len(), 1);
    assert_eq!(recorded[0]["structure_id"], "11B0073160");
    let request = |usage: &str| serde_json::json!({ "environment": "TEST", "offer": "ORG", "usage": usage, "organization": "CLINIQUE", "structure_id": "11B0073160", "department": "75", "common_name": "INSI-AUTO" });
    let covered = invoke(&webview, "check_habilitation", serde_json::json!({ "request": request("AUTH_CLI"), "teleservice": null })).unwrap();
    assert_eq!(covered, serde_json::json!({ "covered": true, "establishment_recorded": true, "warning": null }));
    let outside = invoke(&webview, "check_habilitation", serde_json::json!({ "request": request("SIGN"), "teleservice": "ROC" })).unwrap();
    assert_eq!(outside["warning"], "habilitation.not_recorded");
    let bad = invoke(
        &webview,
        "record_habilitation",
        serde_json::json!({ "habilitation": { "structure_id": "x", "offer": "ORG", "usage": "SIGN", "teleservice": null, "note": "" } }),
    );
    assert_eq!(bad.unwrap_err()["code"], "habilitation.structure_invalid");
    let left = invoke(&webview, "remove_habilitation", serde_json::json!({ "habilitation": recorded[0] })).unwrap();
    assert_eq!(left, serde_json::json!([]));
    let teleservices = invoke(&webview, "list_teleservices", serde_json::json!({})).unwrap();
    assert!(teleservices.as_array().unwrap().iter().any(|t| t["id"] == "ROC"));
}

/// On demand (`bash bench/responsive.sh`): the window's commands while a scan reads
/// 100,000 files. Prints the scan's duration and the dashboard's answer times during it.
#[test]
#[ignore = "a measurement, run by bench/responsive.sh"]
fn commands_answer_while_a_large_folder_is_scanned() {
    let _serial = one_at_a_time();
    let files: usize = std::env::var("RESPONSIVE_FILES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let data = tempfile::tempdir().unwrap();
    std::env::set_var("CERTISANTE_DATA_DIR", data.path());
    // 100 folders of hard links to one certificate (once per folder) and to one other file:
    // every entry is walked, stat'ed and read, at almost no disk cost.
    let certs = tempfile::tempdir().unwrap();
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/igc/TEST-ORG-AUTH_CLI-leaf.pem");
    let original = certs.path().join("original.pem");
    std::fs::copy(&sample, &original).unwrap();
    for i in 0..files {
        let folder = certs.path().join(format!("d{:03}", i % 100));
        std::fs::create_dir_all(&folder).unwrap();
        // One other file per folder, linked (an inode takes 65,000 links at most on ext4).
        let noise = folder.join("noise.txt");
        if i < 100 {
            std::fs::write(&noise, "not a certificate\n").unwrap();
        }
        // One copy of the certificate in each folder, the rest other files (a shared drive).
        let (source, extension) = if i < 100 { (&original, "pem") } else { (&noise, "txt") };
        std::fs::hard_link(source, folder.join(format!("f{i}.{extension}"))).unwrap();
    }

    let app = certisante_app::configure(mock_builder()).build(tauri::generate_context!()).unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    invoke(&webview, "get_dashboard", serde_json::json!({})).unwrap();
    let scanner = webview.clone();
    let path = certs.path().to_owned();
    let started = std::time::Instant::now();
    let scan = std::thread::spawn(move || {
        let result = invoke(&scanner, "add_watched", serde_json::json!({ "paths": [path] }));
        (started.elapsed(), result.map(|d| d["certificates"].as_array().map(Vec::len).unwrap_or(0)))
    });
    let mut answers = Vec::new();
    while !scan.is_finished() {
        let asked = std::time::Instant::now();
        invoke(&webview, "get_dashboard", serde_json::json!({})).unwrap();
        answers.push(asked.elapsed());
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let (scan_time, listed) = scan.join().unwrap();
    assert_eq!(listed.unwrap(), 1, "the one certificate, found in 100 places");
    let asked = std::time::Instant::now();
    let after = invoke(&webview, "get_dashboard", serde_json::json!({})).unwrap();
    println!(
        "responsive: after the scan, get_dashboard answered in {:.1} ms ({} read errors listed); the last answers during it: {:?}",
        asked.elapsed().as_secs_f64() * 1000.0,
        after["errors"].as_array().map(Vec::len).unwrap_or(0),
        answers.iter().rev().take(5).map(|d| format!("{:.0} ms", d.as_secs_f64() * 1000.0)).collect::<Vec<_>>()
    );
    answers.sort();
    let at = |q: f64| answers.get(((answers.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or_default();
    println!(
        "responsive: {files} files scanned in {:.1} s; get_dashboard answered {} times during the scan: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        scan_time.as_secs_f64(),
        answers.len(),
        at(0.5).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0,
        answers.last().copied().unwrap_or_default().as_secs_f64() * 1000.0
    );
    assert!(answers.len() >= 3, "the scan was too short to measure anything");
}

/// The group commands as the Groupe view and the settings call them: without a group they
/// say so by code; an address carrying a password is refused without echoing it; a saved
/// address comes back without password, and a server that is not there is a code too.
#[test]
fn group_commands_round_trip_without_a_server() {
    let _serial = one_at_a_time();
    let data = tempfile::tempdir().unwrap();
    std::env::set_var("CERTISANTE_DATA_DIR", data.path());
    std::env::remove_var("CERTISANTE_GROUP_DATABASE_URL");
    let app = certisante_app::configure(mock_builder()).build(tauri::generate_context!()).unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();

    let settings = invoke(&webview, "group_settings", serde_json::json!({})).unwrap();
    assert!(settings["database_url"].is_null(), "{settings}");
    assert_eq!(settings["forced"], false);
    assert_eq!(settings["password_saved"], false);
    assert!(settings["default_workstation"].as_str().is_some_and(|name| !name.is_empty()));
    assert_eq!(invoke(&webview, "group_view", serde_json::json!({})).unwrap_err()["code"], "group.not_configured");
    assert_eq!(invoke(&webview, "publish_group", serde_json::json!({})).unwrap_err()["code"], "group.not_configured");

    let with_password = serde_json::json!({ "databaseUrl": "postgresql://poste:s3cr3t-mot@127.0.0.1:1/certisante", "workstation": null, "password": null });
    let refused = invoke(&webview, "save_group_settings", with_password).unwrap_err();
    assert_eq!(refused["code"], "group.password_in_address");
    assert!(!refused.to_string().contains("s3cr3t-mot"), "the password never comes back: {refused}");
    assert!(!std::fs::read_dir(data.path()).unwrap().any(|entry| {
        let path = entry.unwrap().path();
        path.is_file() && std::fs::read(&path).is_ok_and(|bytes| bytes.windows(10).any(|w| w == b"s3cr3t-mot"))
    }));

    // Port 1 on loopback: nothing listens, the connection is refused at once.
    let address = "postgresql://poste@127.0.0.1:1/certisante?sslmode=verify-full";
    let saved = invoke(&webview, "save_group_settings", serde_json::json!({ "databaseUrl": address, "workstation": "ACCUEIL-1", "password": null })).unwrap();
    assert!(saved["database_url"].as_str().is_some_and(|url| url.contains("127.0.0.1") && url.contains("certisante")), "{saved}");
    assert_eq!(saved["workstation"], "ACCUEIL-1");
    let bad_name = invoke(&webview, "save_group_settings", serde_json::json!({ "databaseUrl": null, "workstation": "a\nb", "password": null }));
    assert_eq!(bad_name.unwrap_err()["code"], "group.invalid_workstation");
    let away = invoke(&webview, "group_view", serde_json::json!({})).unwrap_err();
    assert!(["group.unreachable", "group.timeout"].contains(&away["code"].as_str().unwrap()), "{away}");
    let bad_sha = invoke(&webview, "group_certificate", serde_json::json!({ "sha256": "abc" })).unwrap_err();
    assert!(bad_sha["code"].is_string() && bad_sha["message"].is_string());
}
