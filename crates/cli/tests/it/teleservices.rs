//! One certificate per téléservice, and habilitations (form n°413): ties read from the CN
//! then recorded by the user, the warnings when ANS's good practice is not kept, and the
//! order warned about (never refused) outside a recorded habilitation. Through
//! `certisante`, on the keyring harness and the test portal (see `lifecycle.rs`).

use serde_json::Value;

use super::lifecycle::{keyring_in_use, World};

fn certificate<'a>(list: &'a Value, cn: &str) -> &'a Value {
    list["certificates"].as_array().unwrap().iter().find(|c| c["cn"] == cn).unwrap_or_else(|| panic!("{cn} is not listed: {list:#}"))
}

fn warnings(certificate: &Value) -> Vec<String> {
    certificate["warnings"].as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap().to_owned()).collect()
}

/// An order for `cn` made, signed by the test portal and imported: its SHA-256.
fn imported(w: &World, cn: &str) -> String {
    let csr = w.path(&format!("{cn}.csr"));
    let id = w.order(cn, &csr);
    let cert = w.path(&format!("{id}.pem"));
    w.sign(&csr, &cert);
    let outcome = w.json(&["import", cert.to_str().unwrap(), "--json"]);
    outcome["orders"][0]["certificate_sha256"].as_str().unwrap().to_owned()
}

#[test]
fn ties_come_from_the_cn_until_recorded_and_warn_when_shared() {
    let _keyring = keyring_in_use();
    let w = World::new();
    let dmp = imported(&w, "DMP");
    let other = imported(&w, "DMP CABINET");

    // Two live AUTH_CLI certificates of one establishment, both for DMP by their CN.
    let list = w.json(&["list", "--json"]);
    for cn in ["DMP", "DMP CABINET"] {
        let c = certificate(&list, cn);
        assert_eq!((&c["teleservices"], &c["teleservices_recorded"]), (&serde_json::json!(["DMP"]), &Value::Bool(false)), "{c:#}");
        assert!(warnings(c).contains(&"teleservice.shared".to_string()), "{cn}: {:?}", warnings(c));
    }

    // The second one actually serves SAS: recorded, the warning goes.
    let out = w.ok(&["teleservice", "set", &other[..12], "SAS"]);
    assert!(out.contains("SAS"), "{out}");
    let list = w.json(&["list", "--json"]);
    let c = certificate(&list, "DMP CABINET");
    assert_eq!((&c["teleservices"], &c["teleservices_recorded"]), (&serde_json::json!(["SAS"]), &Value::Bool(true)));
    assert!(!warnings(certificate(&list, "DMP")).contains(&"teleservice.shared".to_string()));

    // One certificate for two téléservices: warned.
    w.ok(&["teleservice", "set", &dmp, "ROC", "DMP"]);
    let list = w.json(&["list", "--json"]);
    let c = certificate(&list, "DMP");
    assert_eq!(c["teleservices"], serde_json::json!(["DMP", "ROC"]), "in the data's order");
    assert!(warnings(c).contains(&"teleservice.several".to_string()), "{:?}", warnings(c));

    // Recorded "none" stays none (the CN no longer decides); unknown names are refused.
    w.ok(&["teleservice", "set", &dmp]);
    assert_eq!(certificate(&w.json(&["list", "--json"]), "DMP")["teleservices"], serde_json::json!([]));
    let refused = w.run(&["teleservice", "set", &dmp, "NOPE"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("teleservice.unknown"));
    let refused = w.run(&["teleservice", "set", "0123456789abcdef", "DMP"]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("teleservice.unknown_certificate"), "{}", String::from_utf8_lossy(&refused.stderr));

    // Each recording is audited.
    let audit = w.json(&["audit", "list", "--json"]);
    let recorded = audit.as_array().unwrap().iter().filter(|e| e["action"] == "teleservices_recorded").count();
    assert_eq!(recorded, 3);
    // The catalog, with ROC under SIGN as the procedure says.
    let catalog = w.json(&["teleservice", "list", "--json"]);
    let roc = catalog.as_array().unwrap().iter().find(|t| t["id"] == "ROC").unwrap();
    assert_eq!(roc["uses"][0]["usage"], "SIGN");
}

#[test]
fn an_order_outside_the_recorded_habilitations_is_warned_not_refused() {
    let _keyring = keyring_in_use();
    let w = World::new();
    // Nothing recorded: warned, and the order is made all the same.
    let csr = w.path("a.csr");
    let out = w
        .command(&[
            "order",
            "new",
            "--env",
            "test",
            "--offer",
            "ORG",
            "--usage",
            "AUTH_CLI",
            "--org",
            "CLINIQUE DES LILAS",
            "--structure-id",
            "11B0073160",
            "--state",
            "75",
            "--cn",
            "DMP",
            "--csr-out",
            csr.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("habilitation.not_recorded") && stderr.contains("413"), "{stderr}");

    // Recorded for AUTH_CLI, any téléservice, given as a bare FINESS: no warning any more.
    w.ok(&["habilitation", "add", "--structure-id", "1B0073160", "--offer", "ORG", "--usage", "AUTH_CLI", "--note", "formulaire 413 du 2 décembre"]);
    let listed = w.json(&["habilitation", "list", "--json"]);
    assert_eq!(listed[0]["structure_id"], "11B0073160", "kept as the OU writes it");
    let second = w.order_command("INSI-AUTO", &w.path("b.csr")).output().unwrap();
    assert!(second.status.success());
    assert!(!String::from_utf8_lossy(&second.stderr).contains("habilitation"), "{}", String::from_utf8_lossy(&second.stderr));

    // Removed: gone; an invalid establishment id is refused with its code.
    w.ok(&["habilitation", "remove", "--structure-id", "11B0073160", "--offer", "ORG", "--usage", "AUTH_CLI"]);
    assert_eq!(w.json(&["habilitation", "list", "--json"]), serde_json::json!([]));
    let refused = w.run(&["habilitation", "add", "--structure-id", "123", "--offer", "ORG", "--usage", "SIGN"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("habilitation.structure_invalid"));
    let actions: Vec<String> = w.json(&["audit", "list", "--json"]).as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect();
    assert!(actions.contains(&"habilitation_recorded".into()) && actions.contains(&"habilitation_removed".into()), "{actions:?}");

    // A read-only workstation may read them, not change them.
    let read_only = w.run(&["--read-only", "habilitation", "add", "--structure-id", "11B0073160", "--offer", "ORG", "--usage", "SIGN"]);
    assert_eq!(read_only.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&read_only.stderr).contains("app.read_only"));
    assert!(w.run(&["--read-only", "habilitation", "list"]).status.success());
}

#[test]
fn cancelling_an_order_whose_csr_went_out_points_to_revocation() {
    let _keyring = keyring_in_use();
    let w = World::new();
    let id = w.order("DMP", &w.path("c.csr"));
    let out = w.ok(&["order", "cancel", &id]);
    assert!(out.contains("chapitre 11") && out.contains("révoquez"), "{out}");
}

#[test]
fn the_procedure_is_printed_with_its_forms_and_customer_service() {
    let w = World::new();
    let out = w.ok(&["procedure"]);
    for expected in ["formulaire n°101", "formulaire n°301", "formulaire n°502", "n°413", "https://pfc-auth.eservices.esante.gouv.fr", "0 825 852 000"] {
        assert!(out.contains(expected), "missing {expected}: {out}");
    }
    let json = w.json(&["procedure", "--json"]);
    assert_eq!(json["routes"][0]["id"], "platform_key");
    assert_eq!(json["routes"][0]["recommended"], true);
}
