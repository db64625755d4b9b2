use super::*;

fn order(offer: Offer, usage: Usage, cn: &str) -> OrderRequest {
    OrderRequest {
        environment: Environment::Test,
        offer,
        usage,
        organization: "HOPITAL DES 3. DAMES".into(),
        structure_id: "11B0073160".into(),
        department: "75".into(),
        common_name: cn.into(),
    }
}

fn codes(req: &OrderRequest) -> Vec<(String, String)> {
    validate(req).expect_err("refused").into_iter().map(|v| (v.field, v.code)).collect()
}

fn one_code(req: &OrderRequest) -> String {
    let found = codes(req);
    assert_eq!(found.len(), 1, "{found:?}");
    found[0].1.clone()
}

/// The subject of a valid ORG AUTH_CLI order after `edit`, or the first refusal's code.
fn subject_with(edit: impl FnOnce(&mut OrderRequest)) -> Result<SubjectFields, String> {
    let mut req = order(Offer::Org, Usage::AuthCli, "DMP");
    edit(&mut req);
    validate(&req).map(|v| v.subject).map_err(|e| e[0].code.clone())
}

#[test]
fn the_real_test_certificate_subject_is_rebuilt() {
    let v = validate(&order(Offer::Org, Usage::AuthCli, "EMA")).unwrap();
    assert_eq!(
        v.subject,
        SubjectFields {
            country: "FR".into(),
            state: "Paris (75)".into(),
            organization: "HOPITAL DES 3. DAMES".into(),
            organizational_unit: "11B0073160".into(),
            common_name: "EMA".into(),
        }
    );
    assert_eq!(v.subject.rfc2253(), "CN=EMA,OU=11B0073160,O=HOPITAL DES 3. DAMES,ST=Paris (75),C=FR");
    assert_eq!((v.profile.offer, v.profile.usage), (Offer::Org, Usage::AuthCli));
    assert_eq!(v.structure.check, crate::igc::IdentifierCheck::Unchecked);
}

/// Each input gives this normalised value (Ok) or this refusal code (Err).
fn check_table(field: fn(&mut OrderRequest, &str), read: fn(SubjectFields) -> String, table: &[(&str, Result<&str, &str>)]) {
    for (input, expected) in table {
        let got = subject_with(|r| field(r, input)).map(read);
        assert_eq!(got.as_deref().map_err(String::as_str), *expected, "{input:?}");
    }
}

#[test]
fn structure_ids_are_normalised() {
    check_table(
        |r, v| r.structure_id = v.into(),
        |s| s.organizational_unit,
        &[
            ("1B0073160", Ok("11B0073160")),
            ("1b0073160", Ok("11B0073160")),
            ("187 512 751 00020", Ok("318751275100020")),
            ("318751275100020", Ok("318751275100020")),
            ("18751275100021", Err("csr.structure_check")),
            ("12345678", Err("csr.structure_format")),
            ("1234567890123", Err("csr.structure_format")),
            ("1875127510002X", Err("csr.structure_format")),
            ("75-071-218", Err("csr.structure_format")),
            ("", Err("csr.structure_empty")),
            ("41234567890", Err("csr.structure_kind")),
            // A numeric FINESS carries a Luhn key: 750712184 is right, 750712185 is not.
            ("750712184", Ok("1750712184")),
            ("750712185", Err("csr.structure_check")),
        ],
    );
}

#[test]
fn departments_are_normalised() {
    check_table(
        |r, v| r.department = v.into(),
        |s| s.state,
        &[
            ("75", Ok("Paris (75)")),
            ("Paris (75)", Ok("Paris (75)")),
            (" paris ", Ok("Paris (75)")),
            ("2a", Ok("Corse-du-Sud (2A)")),
            ("cote d'or", Ok("Côte-d'Or (21)")),
            ("971", Ok("Guadeloupe (971)")),
            ("976", Ok("Mayotte (976)")),
            ("1", Ok("Ain (01)")),
            ("99", Err("csr.department_unknown")),
            ("20", Err("csr.department_unknown")),
            ("979", Err("csr.department_unknown")),
            ("Lyon", Err("csr.department_unknown")),
            ("Lyon (75)", Err("csr.department_mismatch")),
            ("  ", Err("csr.department_empty")),
        ],
    );
    assert_eq!(department_name("2B"), Some("Haute-Corse"));
}

#[test]
fn insi_takes_only_its_two_names() {
    for bad in ["INSI", "INSI-TEST", "insi auto", "INSI_AUTO"] {
        let refused = validate(&order(Offer::Org, Usage::AuthCli, bad)).unwrap_err();
        assert_eq!(refused.len(), 1);
        assert_eq!((refused[0].field.as_str(), refused[0].code.as_str()), ("common_name", "csr.cn_insi"), "{bad}");
        assert!(refused[0].message.contains("INSI-AUTO") && refused[0].message.contains("INSI-MANU"), "{}", refused[0].message);
    }
    let v = validate(&order(Offer::Org, Usage::AuthCli, "insi-manu")).unwrap();
    assert_eq!(v.subject.common_name, "INSI-MANU");
    // Another word that merely starts with the letters is not meant for INSi.
    assert_eq!(validate(&order(Offer::Org, Usage::AuthCli, "INSIGHT")).unwrap().subject.common_name, "INSIGHT");
}

#[test]
fn teleservice_names() {
    assert_eq!(validate(&order(Offer::Org, Usage::Sign, "  MSSANTE   SIGNATURE ")).unwrap().subject.common_name, "MSSANTE SIGNATURE");
    assert_eq!(one_code(&order(Offer::Org, Usage::AuthCli, " ")), "csr.cn_empty");
    assert_eq!(one_code(&order(Offer::Org, Usage::AuthCli, &"D".repeat(65))), "csr.cn_too_long");
    assert_eq!(one_code(&order(Offer::Org, Usage::AuthCli, "DMP;DROP")), "csr.cn_chars");
    assert_eq!(one_code(&order(Offer::Org, Usage::AuthCli, "DMP\u{7}")), "csr.cn_chars");
    assert!(validate(&order(Offer::Org, Usage::Conf, "Messagerie sécurisée (MSSanté)")).is_ok());
}

#[test]
fn server_names() {
    let cn = |usage: Usage, name: &str| validate(&order(Offer::Serv, usage, name)).map(|v| v.subject.common_name).map_err(|e| e[0].code.clone());
    assert_eq!(cn(Usage::SslServ, "Portail.CH-Test.fr.").unwrap(), "portail.ch-test.fr");
    assert_eq!(cn(Usage::Smime, "ch-test.fr").unwrap(), "ch-test.fr");
    assert_eq!(cn(Usage::Sign, "a1.b-2.example.fr").unwrap(), "a1.b-2.example.fr");
    for bad in ["not a host", "exa mple.fr", "-bad-.fr", "localhost", "a..b.fr", "192.168.1.10", "été.fr", "under_score.fr"] {
        assert_eq!(cn(Usage::SslServ, bad).unwrap_err(), "csr.cn_fqdn", "{bad}");
    }
    assert_eq!(cn(Usage::SslServ, &format!("{}.fr", "a".repeat(297))).unwrap_err(), "csr.cn_too_long");
    assert_eq!(cn(Usage::SslServ, &format!("{}.fr", "a".repeat(64))).unwrap_err(), "csr.cn_too_long");
    assert_eq!(cn(Usage::SslServ, "*.ch-test.fr").unwrap_err(), "csr.cn_wildcard");
    assert_eq!(cn(Usage::SslServ, "").unwrap_err(), "csr.cn_empty");
}

#[test]
fn every_violation_is_reported_at_once() {
    let req = OrderRequest {
        environment: Environment::Prod,
        offer: Offer::Org,
        usage: Usage::AuthCli,
        organization: "   ".into(),
        structure_id: "18751275100021".into(),
        department: "99".into(),
        common_name: "INSI".into(),
    };
    let mut found = codes(&req);
    found.sort();
    let expected: Vec<(String, String)> = [
        ("common_name", "csr.cn_insi"),
        ("department", "csr.department_unknown"),
        ("organization", "csr.organization_empty"),
        ("structure_id", "csr.structure_check"),
    ]
    .iter()
    .map(|(f, c)| (f.to_string(), c.to_string()))
    .collect();
    assert_eq!(found, expected);
}

#[test]
fn organization_rules() {
    let mut req = order(Offer::Org, Usage::AuthCli, "DMP");
    req.organization = "A".repeat(65);
    assert_eq!(one_code(&req), "csr.organization_too_long");
    req.organization = "CH\nDE TEST".into();
    assert_eq!(one_code(&req), "csr.organization_chars");
    req.organization = " Clinique  Saint-Jean \n".into();
    assert_eq!(validate(&req).unwrap().subject.organization, "Clinique Saint-Jean");
}

#[test]
fn profiles_and_environments() {
    assert_eq!(codes(&order(Offer::Org, Usage::SslServ, "DMP")), vec![("usage".to_string(), "csr.profile_unknown".to_string())]);
    let mut req = order(Offer::Org, Usage::AuthCli, "DMP");
    req.environment = Environment::Other;
    assert_eq!(one_code(&req), "csr.environment");
    req.environment = Environment::Prod;
    assert!(validate(&req).is_ok(), "PROD and TEST requests are both allowed");
}

#[test]
fn suggestions_come_from_data() {
    let org = suggested_common_names(Offer::Org, Usage::AuthCli);
    assert_eq!(&org[..2], &["INSI-AUTO".to_string(), "INSI-MANU".to_string()]);
    assert!(org.contains(&"DMP".to_string()) && org.contains(&"MSSANTE".to_string()));
    // The procedure's examples: DMP under AUTH_CLI, DMP batch signing and ROC under SIGN.
    assert!(!org.contains(&"ROC".to_string()), "ROC is not an AUTH_CLI certificate");
    let sign = name_suggestions(Offer::Org, Usage::Sign);
    let tied = |cn: &str| sign.iter().find(|n| n.cn == cn).and_then(|n| n.teleservice.clone());
    assert_eq!((tied("ROC").as_deref(), tied("DMP SIGNATURE").as_deref()), (Some("ROC"), Some("DMP")));
    for suggestion in [Usage::AuthCli, Usage::Sign, Usage::Conf].into_iter().flat_map(|u| name_suggestions(Offer::Org, u)) {
        let id = suggestion.teleservice.as_deref().expect("each ORG suggestion names its téléservice");
        assert!(crate::procedure::teleservice(id).is_some(), "{id} is in teleservices.json");
    }
    assert!(suggested_common_names(Offer::Serv, Usage::SslServ).is_empty());
    // Every suggestion passes the rules.
    for p in &crate::igc::profiles().profiles {
        for cn in suggested_common_names(p.offer, p.usage) {
            assert!(validate(&order(p.offer, p.usage, &cn)).is_ok(), "{cn}");
        }
    }
}

#[test]
fn rfc2253_escapes_specials() {
    let s = SubjectFields {
        country: "FR".into(),
        state: "Paris (75)".into(),
        organization: "A, B + C".into(),
        organizational_unit: "11B0073160".into(),
        common_name: "#1 ".into(),
    };
    assert_eq!(s.rfc2253(), "CN=\\#1\\ ,OU=11B0073160,O=A\\, B \\+ C,ST=Paris (75),C=FR");
}

#[test]
fn a_key_the_profile_does_not_take_is_refused() {
    let v = validate(&order(Offer::Org, Usage::AuthCli, "DMP")).unwrap();
    let ec = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let err = build_csr(&v, &ec).unwrap_err();
    assert_eq!(err.code(), "csr.key_not_accepted");
    assert!(err.to_string().contains("RSA 2048"), "{err}");
    let p384 = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap();
    let serv = validate(&order(Offer::Serv, Usage::SslServ, "portail.ch-test.fr")).unwrap();
    assert_eq!(build_csr(&serv, &p384).unwrap_err().code(), "csr.key_not_accepted");
    assert!(build_csr(&serv, &ec).is_ok(), "the data lets SERV SSL_SERV carry P-256");
}

#[test]
fn decode_refuses_what_is_not_a_request() {
    assert_eq!(decode_csr(b"garbage").unwrap_err().code(), "csr.unreadable");
    let cert = "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
    assert_eq!(decode_csr(cert.as_bytes()).unwrap_err().code(), "csr.not_a_csr");
}

#[test]
fn decode_reads_pem_with_text_around_it() {
    let v = validate(&order(Offer::Serv, Usage::SslServ, "portail.ch-test.fr")).unwrap();
    let csr = build_csr(&v, &KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap()).unwrap();
    let facts = decode_csr(format!("Demande pour le portail\n{}\n", csr.pem).as_bytes()).unwrap();
    assert!(facts.signature_valid);
    assert_eq!(facts.subject, v.subject);
    assert_eq!(facts.dns_names, ["portail.ch-test.fr"]);
    assert_eq!(facts.signature_algorithm, "ecdsa-with-SHA256");
}
