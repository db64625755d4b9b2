//! `certisante doctor`, `card readers` and `card info` against the real harness: a private
//! pcscd with vpcd readers and a virtual CPS card, and the SoftHSM2 token standing for the
//! card's PKCS#11 side (started by scripts/test.sh: tests/harness/pcscd.sh and tokens.sh).

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Output;
use std::sync::Mutex;

use certisante_vcard::{atr, parse_hex, Script, VirtualCard};

/// The readers are shared: one test at a time.
static READERS: Mutex<()> = Mutex::new(());

fn env_file(var: &str, file: &str) -> HashMap<String, String> {
    let dir = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("{var} is not set: these tests need the harness started by scripts/test.sh (tests/harness/)"));
    let text = std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{}: {e}: start the harness first", dir.join(file).display()));
    text.lines().filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_string(), v.to_string()))).collect()
}

fn run(args: &[&str], with_module: bool) -> Output {
    let pcscd = env_file("CERTISANTE_PCSCD_DIR", "env");
    let tokens = env_file("CERTISANTE_TOKEN_HARNESS", "softhsm.env");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_certisante"));
    cmd.args(args).env("PCSCLITE_CSOCK_NAME", &pcscd["PCSCLITE_CSOCK_NAME"]).env("SOFTHSM2_CONF", &tokens["SOFTHSM2_CONF"]);
    if with_module {
        cmd.env("CERTISANTE_PKCS11_MODULE", &tokens["SOFTHSM_MODULE"]);
    } else {
        cmd.env_remove("CERTISANTE_PKCS11_MODULE");
    }
    cmd.output().unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn port() -> u16 {
    env_file("CERTISANTE_PCSCD_DIR", "env").get("CERTISANTE_VPCD_PORT").map(|p| p.parse().unwrap()).unwrap_or(certisante_vcard::VPCD_PORT_0)
}

fn wait_for(args: &[&str], pred: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    for _ in 0..40 {
        let value = json(&run(args, true));
        if pred(&value) {
            return value;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("condition not reached for {args:?}");
}

/// Takes the readers for one test, once the previous test's cards are gone.
fn readers() -> std::sync::MutexGuard<'static, ()> {
    let guard = READERS.lock().unwrap_or_else(|p| p.into_inner());
    wait_for(&["card", "readers", "--json"], |v| v.as_array().unwrap().iter().all(|r| r["status"] == "empty"));
    guard
}

#[test]
fn readers_json_follows_the_card() {
    let _lock = readers();
    let reader = "Virtual PCD 00 00";
    let card = VirtualCard::insert(port(), &parse_hex(atr::CPS4).unwrap(), Script::new()).unwrap();
    let readers = wait_for(&["card", "readers", "--json"], |v| v.as_array().unwrap().iter().any(|r| r["name"] == reader && r["atr"] == atr::CPS4));
    let r = readers.as_array().unwrap().iter().find(|r| r["name"] == reader).unwrap();
    assert_eq!(r["atr"], "3B 9B 18 80 01 00 12 25 00 64 80 04 01 00 00 90 44");
    assert_eq!(r["card"]["recognized"], true);
    assert_eq!(r["card"]["can_sign"], true);
    let _ = card.remove();
    wait_for(&["card", "readers", "--json"], |v| v.as_array().unwrap().iter().any(|r| r["name"] == reader && r["status"] == "empty"));

    let unknown = VirtualCard::insert(port(), &[0x3B, 0x02, 0x14, 0x50], Script::new()).unwrap();
    let readers = wait_for(&["card", "readers", "--json"], |v| v.as_array().unwrap().iter().any(|r| r["name"] == reader && r["atr"] == "3B 02 14 50"));
    let r = readers.as_array().unwrap().iter().find(|r| r["name"] == reader).unwrap();
    assert_eq!(r["card"]["recognized"], false);
    assert_eq!(r["atr"], "3B 02 14 50");
    let _ = unknown.remove();
    wait_for(&["card", "readers", "--json"], |v| v.as_array().unwrap().iter().all(|r| r["status"] == "empty"));
}

#[test]
fn doctor_checks_in_order_and_says_what_to_fix() {
    let _lock = readers();
    // No card, no module: the card check fails, the token checks are skipped.
    let out = run(&["doctor", "--json", "--offline"], false);
    assert_eq!(out.status.code(), Some(2));
    let report = json(&out);
    let ids: Vec<&str> = report["checks"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["pcsc_service", "readers", "card", "pkcs11_module", "token", "holder_certificate"]);
    let outcome = |r: &serde_json::Value, id: &str| r["checks"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap()["outcome"].clone();
    assert_eq!(outcome(&report, "pcsc_service"), "ok");
    assert_eq!(outcome(&report, "card"), "failed");
    assert_eq!(outcome(&report, "pkcs11_module"), "failed");
    assert_eq!(outcome(&report, "token"), "skipped");
    let module = report["checks"].as_array().unwrap().iter().find(|c| c["id"] == "pkcs11_module").unwrap();
    assert_eq!(module["code"], "token.module_not_found");
    assert!(module["fix"].as_str().unwrap().contains("Cryptolib CPS"));

    // A CPS3 in the reader and the token's module: every check passes.
    let card = VirtualCard::insert(port(), &parse_hex(atr::CPS3_CONTACT).unwrap(), Script::new()).unwrap();
    wait_for(&["card", "readers", "--json"], |v| v.as_array().unwrap().iter().any(|r| r["status"] == "card_present"));
    let out = run(&["doctor", "--json", "--offline"], true);
    let report = json(&out);
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(report["outcome"], "ok");

    // Then the platform's addresses, each with a line (this machine has no internet: a
    // clear "unreachable" warning, within the deadline, never a hang).
    let started = std::time::Instant::now();
    let report = json(&run(&["doctor", "--json"], true));
    assert!(started.elapsed() < std::time::Duration::from_secs(30), "{:?}", started.elapsed());
    let platform: Vec<&serde_json::Value> =
        report["checks"].as_array().unwrap().iter().filter(|c| c["id"].as_str().unwrap().starts_with("platform:")).collect();
    let ids: Vec<&str> = platform.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["platform:card_authenticated", "platform:public", "platform:ihm"]);
    assert!(platform[0]["message"].as_str().unwrap().contains("https://pfc-auth.eservices.esante.gouv.fr"), "{:#}", platform[0]);
    for check in &platform {
        match check["outcome"].as_str().unwrap() {
            "ok" => assert!(check["message"].as_str().unwrap().contains("answers")),
            _ => assert!(matches!(check["code"].as_str(), Some("platform.unreachable" | "platform.tls_failed")), "{check:#}"),
        }
    }
    let _ = card.remove();
    wait_for(&["card", "readers", "--json"], |v| v.as_array().unwrap().iter().all(|r| r["status"] == "empty"));

    // Contactless CPS3 cannot sign: a warning.
    let contactless = VirtualCard::insert(port(), &parse_hex(atr::CPS3_CONTACTLESS).unwrap(), Script::new()).unwrap();
    wait_for(&["card", "readers", "--json"], |v| v.as_array().unwrap().iter().any(|r| r["card"]["can_sign"] == false));
    let report = json(&run(&["doctor", "--json", "--offline"], true));
    assert_eq!(outcome(&report, "card"), "warning");
    let _ = contactless.remove();
    wait_for(&["card", "readers", "--json"], |v| v.as_array().unwrap().iter().all(|r| r["status"] == "empty"));
}

#[test]
fn card_info_reads_the_token_without_a_pin() {
    let out = run(&["card", "info", "--json"], true);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let info = json(&out);
    let tokens = info["tokens"].as_array().unwrap();
    let cps = tokens.iter().find(|t| t["details"]["label"] == "CPS-TEST").expect("CPS-TEST token");
    assert_eq!(cps["holder"]["name"], "JEAN DUPONT");
    assert_eq!(cps["holder"]["card_type"], "CPS");
    let roles: Vec<&str> = cps["certificates"].as_array().unwrap().iter().map(|c| c["role"].as_str().unwrap()).collect();
    assert!(roles.contains(&"authentication") && roles.contains(&"signature"), "{roles:?}");
    assert!(cps["certificates"][0]["not_after"].as_str().unwrap().ends_with('Z'));
    let missing = run(&["card", "info", "--json"], false);
    assert_eq!(missing.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("token.module_not_found"));
}
