//! The CLI's contract: JSON fields, the table, Nagios exit codes, the registry commands.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use certisante_testpki::{write_containers, Hierarchy, LeafSpec, Usage};

struct Fixture {
    _dir: tempfile::TempDir,
    anchors: PathBuf,
    certs: PathBuf,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let hierarchy = Hierarchy::new();
        let anchors = hierarchy.write_anchor_dir(&dir.path().join("anchors"));
        let certs = dir.path().join("certs");
        for (name, usage, cn, days) in
            [("ok", Usage::AuthCli, "DMP", 100), ("warn", Usage::Sign, "SIGN", 20), ("crit", Usage::Conf, "CONF", 3), ("expired", Usage::AuthCli, "OLD", -3)]
        {
            std::fs::create_dir_all(certs.join(name)).unwrap();
            // As ANS issues them: the signing key's period ends a month before notAfter.
            let spec = match usage {
                Usage::Sign => LeafSpec { key_usage_ends_in_days: Some(days), ..LeafSpec::new(usage, cn, days + 30) },
                _ => LeafSpec::new(usage, cn, days),
            };
            let leaf = hierarchy.issue(&spec);
            std::fs::write(certs.join(name).join(format!("{name}.pem")), &leaf.cert_pem).unwrap();
            if name == "ok" {
                write_containers(&certs.join("ok"), "dmp", &leaf, &hierarchy, "secret");
            }
        }
        Fixture { _dir: dir, anchors, certs }
    })
}

fn certisante(args: &[&str], data_dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_certisante"))
        .args(args)
        .env("CERTISANTE_EXTRA_ANCHORS", &fixture().anchors)
        .env("CERTISANTE_DATA_DIR", data_dir)
        .output()
        .unwrap()
}

fn json(output: &Output) -> serde_json::Value {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON object")
}

#[test]
fn list_json_has_the_contract_fields() {
    let data = tempfile::tempdir().unwrap();
    let dir = fixture().certs.join("ok");
    let out = certisante(&["list", "--json", dir.to_str().unwrap()], data.path());
    let value = json(&out);
    let certs = value["certificates"].as_array().unwrap();
    let dmp = certs.iter().find(|c| c["cn"] == "DMP").unwrap();
    for field in [
        "cn",
        "organization",
        "structure_id",
        "structure_kind",
        "environment",
        "offer",
        "usage",
        "not_after",
        "usable_until",
        "private_key_usage_end",
        "days_left",
        "status",
        "sha256",
        "has_private_key",
        "paths",
    ] {
        assert!(dmp.get(field).is_some(), "missing {field}");
    }
    assert_eq!(dmp["environment"], "TEST");
    assert_eq!(dmp["offer"], "ORG");
    assert_eq!(dmp["usage"], "AUTH_CLI");
    assert_eq!(dmp["structure_kind"], "FINESS");
    assert_eq!(dmp["structure_id"], "11B0073160");
    assert_eq!(dmp["status"], "valid");
    assert_eq!((&dmp["usable_until"], &dmp["private_key_usage_end"]), (&dmp["not_after"], &serde_json::Value::Null), "no key period: notAfter counts");
    assert_eq!(dmp["has_private_key"], true);
    assert!(dmp["not_after"].as_str().unwrap().ends_with('Z'), "RFC 3339 UTC");
    assert_eq!(dmp["sha256"].as_str().unwrap().len(), 64);
    assert!(dmp["days_left"].as_i64().unwrap() >= 99);
    let ca = certs.iter().find(|c| c["cn"] == "TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS").unwrap();
    assert_eq!(ca["offer"], serde_json::Value::Null);
    // The AES .p12 cannot be listed without its password: an error with path, code, message.
    let errors = value["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["code"], "certs.p12_password_required");
    assert!(errors[0]["path"].as_str().unwrap().ends_with("dmp-aes.p12"));
    assert!(errors[0]["message"].as_str().is_some());
    // Listing paths never touches the registry.
    assert!(!data.path().join("registry.sqlite3").exists());
}

#[test]
fn the_p12_password_file_verifies_and_opens_pkcs12() {
    let data = tempfile::tempdir().unwrap();
    let pw = data.path().join("pw");
    std::fs::write(&pw, "secret\n").unwrap();
    let dir = fixture().certs.join("ok");
    let value = json(&certisante(&["list", "--json", "--p12-password-file", pw.to_str().unwrap(), dir.to_str().unwrap()], data.path()));
    assert!(value["errors"].as_array().unwrap().is_empty(), "{value}");
    std::fs::write(&pw, "mauvais-mdp-42").unwrap();
    let value = json(&certisante(&["list", "--json", "--p12-password-file", pw.to_str().unwrap(), dir.to_str().unwrap()], data.path()));
    let codes: Vec<&str> = value["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["certs.p12_bad_password", "certs.p12_bad_password"]);
    assert!(!value.to_string().contains("mauvais-mdp-42"));
}

#[test]
fn table_is_readable() {
    let data = tempfile::tempdir().unwrap();
    let out = certisante(&["list", fixture().certs.join("ok/ok.pem").to_str().unwrap()], data.path());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().next().unwrap().starts_with("STATUS"));
    assert!(text.contains("DMP") && text.contains("ORG AUTH_CLI") && text.contains("TEST"));
}

#[test]
fn status_exit_codes_follow_nagios() {
    let data = tempfile::tempdir().unwrap();
    let path = |name: &str| fixture().certs.join(name).join(format!("{name}.pem"));
    let run = |args: &[&str]| {
        let out = certisante(args, data.path());
        (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap())
    };
    let (code, line) = run(&["status", path("ok").to_str().unwrap()]);
    assert_eq!(code, 0, "{line}");
    assert!(line.starts_with("CERTISANTE OK - ") && line.contains("| certificates=1"), "{line}");
    assert_eq!(run(&["status", path("warn").to_str().unwrap()]).0, 1);
    assert_eq!(run(&["status", path("crit").to_str().unwrap()]).0, 2);
    assert_eq!(run(&["status", path("expired").to_str().unwrap()]).0, 2);
    assert_eq!(run(&["status", "--warn-days", "10", path("warn").to_str().unwrap()]).0, 0);
    assert_eq!(run(&["status", "--warn-days", "200", "--crit-days", "150", path("ok").to_str().unwrap()]).0, 2);
    let garbage = data.path().join("garbage.pem");
    std::fs::write(&garbage, "-----BEGIN CERTIFICATE-----\n@@\n-----END CERTIFICATE-----").unwrap();
    let (code, line) = run(&["status", garbage.to_str().unwrap()]);
    assert_eq!(code, 3, "{line}");
    assert!(line.starts_with("CERTISANTE UNKNOWN"));
    assert_eq!(run(&["status", data.path().join("missing").to_str().unwrap()]).0, 3);
}

#[test]
fn watch_scan_and_list_use_the_registry() {
    let data = tempfile::tempdir().unwrap();
    let certs = fixture().certs.to_str().unwrap();
    assert!(certisante(&["watch", "add", certs], data.path()).status.success());
    let watched = json(&certisante(&["watch", "list", "--json"], data.path()));
    assert_eq!(watched.as_array().unwrap().len(), 1);
    let scan = json(&certisante(&["scan", "--json"], data.path()));
    assert!(scan["files_parsed"].as_u64().unwrap() >= 10);
    let again = json(&certisante(&["scan", "--json"], data.path()));
    assert_eq!(again["files_parsed"], 0);
    let listed = json(&certisante(&["list", "--json"], data.path()));
    let cns: Vec<&str> = listed["certificates"].as_array().unwrap().iter().filter_map(|c| c["cn"].as_str()).collect();
    assert_eq!(&cns[..4], ["OLD", "CONF", "SIGN", "DMP"], "soonest expiry first");
    let (code, _) = {
        let out = certisante(&["status"], data.path());
        (out.status.code().unwrap(), ())
    };
    assert_eq!(code, 2);
    assert!(certisante(&["watch", "remove", certs], data.path()).status.success());
    // Watched-path changes are in the audit log, with who did them.
    let audit: serde_json::Value = serde_json::from_slice(&certisante(&["audit", "list", "--json"], data.path()).stdout).unwrap();
    let actions: Vec<(&str, &str)> = audit.as_array().unwrap().iter().map(|e| (e["action"].as_str().unwrap(), e["object"].as_str().unwrap())).collect();
    assert!(actions.contains(&("watch_added", certs)) && actions.contains(&("watch_removed", certs)), "{actions:?}");
    let missing = certisante(&["watch", "remove", certs], data.path());
    assert_eq!(missing.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("registry.not_watched"));
    let bad = certisante(&["watch", "add", "/nonexistent/folder"], data.path());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("registry.path_not_found"));
}

/// A signing certificate: `not_after` stays the certificate's own, `usable_until` is the
/// key's end, and days left, status and the table follow it.
#[test]
fn a_signing_key_period_sets_the_usable_end() {
    let data = tempfile::tempdir().unwrap();
    let dir = fixture().certs.join("warn");
    let value = json(&certisante(&["list", "--json", dir.to_str().unwrap()], data.path()));
    let sign = &value["certificates"][0];
    assert_eq!(sign["usage"], "SIGN");
    let date = |field: &str| chrono::DateTime::parse_from_rfc3339(sign[field].as_str().unwrap()).unwrap();
    assert_eq!((date("not_after") - date("usable_until")).num_days(), 30);
    assert_eq!(sign["usable_until"], sign["private_key_usage_end"]);
    assert_eq!((sign["days_left"].as_i64(), sign["status"].as_str()), (Some(19), Some("expiring")));
    let table = certisante(&["list", dir.to_str().unwrap()], data.path());
    let text = String::from_utf8_lossy(&table.stdout);
    let ends = &sign["usable_until"].as_str().unwrap()[..10];
    assert!(text.contains(&format!("{ends} *")) && text.contains("* the key's usage period"), "{text}");
}
