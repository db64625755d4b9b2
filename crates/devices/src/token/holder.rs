//! Who holds the card, read from its certificates with the rules of
//! `assets/cps-cards.json`. How a card certificate names its card type is unconfirmed, so
//! the rules are data and an unmatched certificate gives `unknown`, never a guess.
//!
//! The rule: the first card-type rule whose field (a subject or issuer attribute, or the
//! certificate policies) has a matching value gives the type; the first identifier rule that
//! yields a value gives the holder's identifier (serialNumber, uid, then a CN prefix such as
//! `899700218896/JEAN DUPONT`); the name is the CN (without the identifier prefix), else
//! "GN SN".

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use x509_parser::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "UPPERCASE")]
pub enum CardType {
    /// Carte de Professionnel de Santé.
    Cps,
    /// Carte de Personnel d'Établissement.
    Cpe,
    /// Carte de Directeur d'Établissement: the legal representative's card (not a CPE).
    Cde,
    /// Carte de Personnel Autorisé.
    Cpa,
    /// Carte de Directeur Autorisé (a CPA's counterpart of the CDE).
    Cda,
    /// Carte de Professionnel en Formation.
    Cpf,
    #[serde(rename = "unknown")]
    Unknown,
}

/// The card holder as the certificates describe them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Holder {
    pub name: Option<String>,
    /// The holder's national identifier (RPPS-based, or structure + internal number).
    pub identifier: Option<String>,
    pub card_type: CardType,
    /// False while the rule that gave the card type is not confirmed by a public source.
    pub card_type_confirmed: bool,
    pub organization: Option<String>,
    /// The subject's OU that is not a card-type marker (the structure's identifier).
    pub structure_id: Option<String>,
}

#[derive(Deserialize)]
struct CardRules {
    card_type_rules: Vec<CardTypeRule>,
    identifier_rules: Vec<IdentifierRule>,
}

#[derive(Deserialize)]
struct CardTypeRule {
    card_type: CardType,
    field: String,
    #[serde(rename = "match")]
    how: MatchKind,
    values: Vec<String>,
    #[serde(default)]
    confirmed: bool,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum MatchKind {
    Equals,
    Prefix,
    Contains,
}

#[derive(Deserialize)]
struct IdentifierRule {
    field: String,
    cn_prefix: Option<CnPrefix>,
}

#[derive(Deserialize)]
struct CnPrefix {
    separators: Vec<String>,
    min_length: usize,
}

fn rules() -> &'static CardRules {
    static RULES: OnceLock<CardRules> = OnceLock::new();
    RULES.get_or_init(|| serde_json::from_str(include_str!("../../assets/cps-cards.json")).expect("assets/cps-cards.json is valid"))
}

/// The attributes and policies of one certificate, as (dotted OID, text) pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CertFields {
    pub subject: Vec<(String, String)>,
    pub issuer: Vec<(String, String)>,
    pub policies: Vec<String>,
}

impl CertFields {
    pub(crate) fn from_parsed(cert: &X509Certificate<'_>) -> Self {
        let attrs = |name: &X509Name<'_>| {
            name.iter_attributes().filter_map(|a| a.as_str().ok().map(|v| (a.attr_type().to_id_string(), v.trim().to_string()))).collect::<Vec<_>>()
        };
        let policies = cert
            .extensions()
            .iter()
            .filter_map(|e| match e.parsed_extension() {
                x509_parser::extensions::ParsedExtension::CertificatePolicies(p) => Some(p.iter().map(|p| p.policy_id.to_id_string())),
                _ => None,
            })
            .flatten()
            .collect();
        Self { subject: attrs(cert.subject()), issuer: attrs(cert.issuer()), policies }
    }

    /// Values of a rule field: `subject:<attr>`, `issuer:<attr>` or `policy`.
    fn values(&self, field: &str) -> Vec<&str> {
        if field == "policy" {
            return self.policies.iter().map(String::as_str).collect();
        }
        let (list, attr) = match field.split_once(':') {
            Some(("subject", attr)) => (&self.subject, attr),
            Some(("issuer", attr)) => (&self.issuer, attr),
            _ => return vec![],
        };
        let oid = attribute_oid(attr);
        list.iter().filter(|(o, _)| *o == oid).map(|(_, v)| v.as_str()).collect()
    }
}

fn attribute_oid(name: &str) -> &str {
    match name {
        "CN" => "2.5.4.3",
        "SN" => "2.5.4.4",
        "serialNumber" => "2.5.4.5",
        "C" => "2.5.4.6",
        "L" => "2.5.4.7",
        "ST" => "2.5.4.8",
        "O" => "2.5.4.10",
        "OU" => "2.5.4.11",
        "title" => "2.5.4.12",
        "GN" => "2.5.4.42",
        "uid" => "0.9.2342.19200300.100.1.1",
        dotted => dotted,
    }
}

fn matches(how: MatchKind, value: &str, wanted: &str) -> bool {
    let (value, wanted) = (value.trim().to_lowercase(), wanted.trim().to_lowercase());
    match how {
        MatchKind::Equals => value == wanted,
        MatchKind::Prefix => value.starts_with(&wanted),
        MatchKind::Contains => value.contains(&wanted),
    }
}

/// Splits `899700218896/JEAN DUPONT` into the identifier and the rest.
fn cn_prefix<'a>(cn: &'a str, rule: &CnPrefix) -> Option<(&'a str, &'a str)> {
    let cut = rule.separators.iter().filter_map(|s| cn.find(s.as_str()).map(|i| (i, s.len()))).min()?;
    let (id, rest) = (cn[..cut.0].trim(), cn[cut.0 + cut.1..].trim());
    let plausible = id.chars().count() >= rule.min_length && id.starts_with(|c: char| c.is_ascii_digit());
    plausible.then_some((id, rest))
}

pub(crate) fn holder_of(fields: &CertFields) -> Holder {
    holder_with(rules(), fields)
}

fn holder_with(rules: &CardRules, fields: &CertFields) -> Holder {
    let matched = rules.card_type_rules.iter().find(|r| fields.values(&r.field).iter().any(|v| r.values.iter().any(|w| matches(r.how, v, w))));

    let cn = fields.values("subject:CN").first().map(|s| s.to_string());
    let mut identifier = None;
    let mut name = cn.clone();
    for rule in &rules.identifier_rules {
        let Some(value) = fields.values(&rule.field).into_iter().find(|v| !v.is_empty()) else { continue };
        match &rule.cn_prefix {
            Some(prefix) => {
                if let Some((id, rest)) = cn_prefix(value, prefix) {
                    identifier = Some(id.to_string());
                    name = (!rest.is_empty()).then(|| rest.to_string());
                    break;
                }
            }
            None => {
                identifier = Some(value.to_string());
                break;
            }
        }
    }
    if name.is_none() {
        let given = fields.values("subject:GN").first().map(|s| s.to_string());
        let sur = fields.values("subject:SN").first().map(|s| s.to_string());
        let joined = [given, sur].into_iter().flatten().collect::<Vec<_>>().join(" ");
        name = (!joined.is_empty()).then_some(joined);
    }

    // The structure: the first OU that is not one of the card-type marker values.
    let markers: Vec<&str> = rules.card_type_rules.iter().flat_map(|r| r.values.iter().map(String::as_str)).collect();
    let structure_id = fields.values("subject:OU").into_iter().find(|ou| !markers.iter().any(|m| matches(MatchKind::Equals, ou, m))).map(str::to_string);

    Holder {
        name,
        identifier,
        card_type: matched.map_or(CardType::Unknown, |r| r.card_type),
        card_type_confirmed: matched.is_some_and(|r| r.confirmed),
        organization: fields.values("subject:O").first().map(|s| s.to_string()),
        structure_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(subject: &[(&str, &str)], policies: &[&str]) -> CertFields {
        CertFields {
            subject: subject.iter().map(|(a, v)| (attribute_oid(a).to_string(), v.to_string())).collect(),
            issuer: vec![("2.5.4.3".into(), "TEST AC".into())],
            policies: policies.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn shipped_rules_parse_and_read_the_harness_convention() {
        let f = fields(&[("C", "FR"), ("O", "CENTRE HOSPITALIER DE TEST"), ("OU", "110B0073160"), ("title", "CPS"), ("CN", "899700218896/JEAN DUPONT")], &[]);
        let h = holder_of(&f);
        assert_eq!(h.card_type, CardType::Cps);
        assert!(!h.card_type_confirmed);
        assert_eq!(h.identifier.as_deref(), Some("899700218896"));
        assert_eq!(h.name.as_deref(), Some("JEAN DUPONT"));
        assert_eq!(h.structure_id.as_deref(), Some("110B0073160"));
        assert_eq!(h.organization.as_deref(), Some("CENTRE HOSPITALIER DE TEST"));
    }

    #[test]
    fn serial_number_wins_and_the_name_stays_the_cn() {
        let f = fields(&[("OU", "CPE"), ("OU", "310B0073160"), ("serialNumber", "310B0073160/CPET00001"), ("CN", "MARIE MARTIN")], &[]);
        let h = holder_of(&f);
        assert_eq!(h.card_type, CardType::Cpe);
        assert_eq!(h.identifier.as_deref(), Some("310B0073160/CPET00001"));
        assert_eq!(h.name.as_deref(), Some("MARIE MARTIN"));
        assert_eq!(h.structure_id.as_deref(), Some("310B0073160"));
    }

    #[test]
    fn the_legal_representatives_cde_is_not_a_cpe() {
        let cde = holder_of(&fields(&[("OU", "CDE"), ("OU", "310B0073160"), ("CN", "PAUL DIRECTEUR")], &[]));
        assert_eq!((cde.card_type, cde.structure_id.as_deref()), (CardType::Cde, Some("310B0073160")));
        assert_eq!(holder_of(&fields(&[("title", "CDA"), ("CN", "X")], &[])).card_type, CardType::Cda);
        assert_eq!(serde_json::to_string(&CardType::Cde).unwrap(), "\"CDE\"");
    }

    #[test]
    fn unknown_layouts_stay_unknown() {
        let h = holder_of(&fields(&[("title", "Médecin"), ("GN", "ALAIN"), ("SN", "MEDECIN")], &[]));
        assert_eq!(h.card_type, CardType::Unknown);
        assert_eq!(h.identifier, None);
        assert_eq!(h.name.as_deref(), Some("ALAIN MEDECIN"));
        // A CN whose first word is not an identifier keeps its whole text as the name.
        let h = holder_of(&fields(&[("CN", "DR JEAN DUPONT")], &[]));
        assert_eq!((h.identifier, h.name.as_deref()), (None, Some("DR JEAN DUPONT")));
    }

    #[test]
    fn rules_can_match_policies_and_prefixes() {
        let rules: CardRules = serde_json::from_str(
            r#"{ "card_type_rules": [
                  { "card_type": "CPF", "field": "policy", "match": "prefix", "values": ["1.2.3.4."], "confirmed": true },
                  { "card_type": "CPA", "field": "issuer:CN", "match": "contains", "values": ["classe-3"] } ],
                 "identifier_rules": [ { "field": "subject:uid" } ] }"#,
        )
        .unwrap();
        let h = holder_with(&rules, &fields(&[("uid", "42"), ("CN", "X")], &["1.2.3.4.5"]));
        assert_eq!((h.card_type, h.card_type_confirmed, h.identifier.as_deref()), (CardType::Cpf, true, Some("42")));
        let mut f = fields(&[("CN", "Y")], &[]);
        f.issuer = vec![("2.5.4.3".into(), "GIP-CPS CLASSE-3".into())];
        assert_eq!(holder_with(&rules, &f).card_type, CardType::Cpa);
    }

    #[test]
    fn card_type_serializes_as_the_card_names() {
        assert_eq!(serde_json::to_string(&CardType::Cps).unwrap(), "\"CPS\"");
        assert_eq!(serde_json::to_string(&CardType::Unknown).unwrap(), "\"unknown\"");
    }
}
