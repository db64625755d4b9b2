//! IGC-Santé knowledge: the shipped trust anchors, the certificate profiles (as data,
//! in `assets/profiles.json`), classification, and structure identifiers.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::certs::Environment;
use crate::certs::{is_self_signed, read_container, Anchor, CertificateFacts, ChainVerifier};

/// The public IGC-Santé CA certificates, shipped inside the product: they are in no OS
/// or browser trust store.
const SHIPPED: &[(&str, Environment, &str)] = &[
    ("ACR-EL", Environment::Prod, include_str!("../assets/ca/prod/ACR-EL.pem")),
    ("ACR-ST", Environment::Prod, include_str!("../assets/ca/prod/ACR-ST.pem")),
    ("ACR-FO", Environment::Prod, include_str!("../assets/ca/prod/ACR-FO.pem")),
    ("ACI-EL-ORG", Environment::Prod, include_str!("../assets/ca/prod/ACI-EL-ORG.pem")),
    ("ACI-EL-PP", Environment::Prod, include_str!("../assets/ca/prod/ACI-EL-PP.pem")),
    ("ACI-ST-ORG", Environment::Prod, include_str!("../assets/ca/prod/ACI-ST-ORG.pem")),
    ("ACI-ST-PP", Environment::Prod, include_str!("../assets/ca/prod/ACI-ST-PP.pem")),
    ("ACI-FO-PP", Environment::Prod, include_str!("../assets/ca/prod/ACI-FO-PP.pem")),
    ("ACR-EL-TEST", Environment::Test, include_str!("../assets/ca/test/ACR-EL-TEST.pem")),
    ("ACI-EL-ORG-TEST", Environment::Test, include_str!("../assets/ca/test/ACI-EL-ORG-TEST.pem")),
];

/// A shipped CA certificate, by its usual file name.
#[derive(Debug, Clone)]
pub struct ShippedCa {
    pub name: &'static str,
    pub environment: Environment,
    pub der: Vec<u8>,
}

pub fn shipped_cas() -> Vec<ShippedCa> {
    SHIPPED
        .iter()
        .map(|(name, environment, pem)| {
            let container = read_container(pem.as_bytes(), None).expect("shipped CA certificates are valid PEM");
            ShippedCa { name, environment: *environment, der: container.certificates[0].der.clone() }
        })
        .collect()
}

/// The verifier over the shipped hierarchy plus `extra` anchors (DER, with the environment
/// each stands for): a new ANS root before an update ships it, or a test hierarchy.
/// Self-signed certificates become anchors, the others intermediates (a self-issued link
/// certificate of a key rollover too: another key signed it).
pub fn chain_verifier(extra: &[(Vec<u8>, Environment)]) -> ChainVerifier {
    let mut anchors = Vec::new();
    let mut intermediates = Vec::new();
    let mut add = |der: Vec<u8>, environment: Environment| {
        if is_self_signed(&der) {
            anchors.push(Anchor { der, environment });
        } else {
            intermediates.push(der);
        }
    };
    for ca in shipped_cas() {
        add(ca.der, ca.environment);
    }
    for (der, environment) in extra {
        add(der.clone(), *environment);
    }
    ChainVerifier::new(anchors, intermediates)
}

// ---------------------------------------------------------------- profiles

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum Offer {
    #[serde(rename = "ORG")]
    Org,
    #[serde(rename = "SERV")]
    Serv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum Usage {
    #[serde(rename = "AUTH_CLI")]
    AuthCli,
    #[serde(rename = "SIGN")]
    Sign,
    #[serde(rename = "CONF")]
    Conf,
    #[serde(rename = "SSL_SERV")]
    SslServ,
    /// Written "S/MIME" in ANS's tables; serialized "SMIME" so that it fits command-line
    /// arguments, file names and TypeScript keys ("S/MIME" is still read).
    #[serde(rename = "SMIME", alias = "S/MIME")]
    Smime,
}

impl Offer {
    /// The name ANS uses (ORG, SERV).
    pub fn as_str(self) -> &'static str {
        match self {
            Offer::Org => "ORG",
            Offer::Serv => "SERV",
        }
    }
}

impl Usage {
    /// The serialized name (AUTH_CLI, SIGN, CONF, SSL_SERV, SMIME).
    pub fn as_str(self) -> &'static str {
        match self {
            Usage::AuthCli => "AUTH_CLI",
            Usage::Sign => "SIGN",
            Usage::Conf => "CONF",
            Usage::SslServ => "SSL_SERV",
            Usage::Smime => "SMIME",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct UsageSet {
    pub required: Vec<String>,
    pub allowed: Vec<String>,
    /// What an issued certificate carries when `required` does not say it all.
    #[serde(default)]
    pub typical: Option<Vec<String>>,
}

impl UsageSet {
    fn matches(&self, present: &[String]) -> bool {
        self.required.iter().all(|r| present.contains(r)) && present.iter().all(|p| self.allowed.contains(p))
    }

    /// The usages an issued certificate of this profile carries.
    pub fn issued(&self) -> &[String] {
        self.typical.as_deref().unwrap_or(&self.required)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct KeySpec {
    /// "RSA" or "EC".
    pub algorithm: String,
    pub bits: u32,
    /// For EC keys: "P-256".
    #[serde(default)]
    pub curve: Option<String>,
    #[serde(default)]
    pub confirmed: bool,
}

/// How a profile may be recognised in an issued certificate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClassifyBy {
    /// Key usage and extended key usage alone are enough.
    #[default]
    Shape,
    /// Only with a policy OID of the profile's offer: its usages equal another profile's.
    Policy,
}

/// What a profile's CN must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CnRule {
    /// The téléservice's name (`assets/common-names.json`).
    Teleservice,
    /// The server's fully qualified host name.
    Fqdn,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Profile {
    pub offer: Offer,
    pub usage: Usage,
    pub label_fr: String,
    pub label_en: String,
    pub key: KeySpec,
    /// Keys a request may also carry, beside `key`.
    #[serde(default)]
    pub other_keys: Vec<KeySpec>,
    pub key_usage: UsageSet,
    pub extended_key_usage: UsageSet,
    pub validity_days: u32,
    /// privateKeyUsagePeriod length, for profiles that carry one (SIGN).
    #[serde(default)]
    pub private_key_usage_days: Option<u32>,
    pub cn_rule: CnRule,
    /// Whether a wildcard host name ("*.example.fr") is accepted (`fqdn` rule only).
    #[serde(default)]
    pub allow_wildcard: bool,
    /// Whether the CSR requests a subjectAltName dNSName equal to the CN.
    #[serde(default)]
    pub csr_san_dns: bool,
    #[serde(default)]
    pub classify: ClassifyBy,
    pub confirmed: bool,
}

impl Profile {
    /// Every key a request for this profile may carry: `key` first.
    pub fn accepted_keys(&self) -> impl Iterator<Item = &KeySpec> {
        std::iter::once(&self.key).chain(&self.other_keys)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Thresholds {
    pub warn_days: i64,
    pub crit_days: i64,
    /// Days before expiry at which a notification is sent (0: the expiry day).
    pub alert_days: Vec<i64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProfileBook {
    pub profiles: Vec<Profile>,
    /// environment → offer → policy OIDs
    pub policies: std::collections::HashMap<String, serde_json::Value>,
    pub thresholds: Thresholds,
    pub renewal: Renewal,
}

/// When to start renewing: the lead time of the calendar reminders (data, unconfirmed).
#[derive(Debug, Clone, Deserialize)]
pub struct Renewal {
    pub lead_days: i64,
    pub confirmed: bool,
}

/// The profile of an offer and usage, if IGC-Santé has one.
pub fn profile(offer: Offer, usage: Usage) -> Option<&'static Profile> {
    profiles().profiles.iter().find(|p| p.offer == offer && p.usage == usage)
}

pub fn profiles() -> &'static ProfileBook {
    static BOOK: OnceLock<ProfileBook> = OnceLock::new();
    BOOK.get_or_init(|| serde_json::from_str(include_str!("../assets/profiles.json")).expect("profiles.json is valid"))
}

impl ProfileBook {
    fn policy_offer(&self, environment: Environment, policies: &[String]) -> Option<Offer> {
        let env = match environment {
            Environment::Prod => "PROD",
            Environment::Test => "TEST",
            Environment::Other => return None,
        };
        let by_offer = self.policies.get(env)?.as_object()?;
        for (offer, oids) in by_offer {
            let listed = oids.as_array().map(|a| a.iter().filter_map(|v| v.as_str()).any(|o| policies.iter().any(|p| p == o)));
            if listed == Some(true) {
                return serde_json::from_value(serde_json::Value::String(offer.clone())).ok();
            }
        }
        None
    }
}

/// Offer and usage of an IGC-Santé end-entity certificate, from its key usage, extended
/// key usage and policies. Certificates outside IGC-Santé get none: these are
/// IGC-Santé's profiles, and a web server's certificate is not a "SERV SSL_SERV".
pub fn classify_profile(facts: &CertificateFacts, environment: Environment) -> Option<&'static Profile> {
    if environment == Environment::Other || facts.is_ca {
        return None;
    }
    let book = profiles();
    let offer = book.policy_offer(environment, &facts.policies);
    // A profile whose usages copy another's (SERV SIGN and ORG SIGN) is only named when a
    // policy says its offer: the shape alone would be a guess.
    let matching: Vec<&Profile> = book
        .profiles
        .iter()
        .filter(|p| p.key_usage.matches(&facts.key_usage) && p.extended_key_usage.matches(&facts.extended_key_usage))
        .filter(|p| p.classify == ClassifyBy::Shape || Some(p.offer) == offer)
        .collect();
    match matching.as_slice() {
        [] => None,
        [only] => Some(only),
        several => several.iter().copied().find(|p| Some(p.offer) == offer).or(several.first().copied()),
    }
}

/// Whether the issuer's name claims to be an IGC-Santé CA (used only to warn when the
/// signatures say otherwise: names prove nothing).
pub fn claims_igc_issuer(issuer: &str) -> bool {
    let upper = issuer.to_uppercase();
    upper.contains("IGC-SANTE") || upper.contains("ASIP-SANTE")
}

// ---------------------------------------------------------------- structures

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub enum StructureKind {
    #[serde(rename = "FINESS")]
    Finess,
    #[serde(rename = "SIRET")]
    Siret,
    #[serde(rename = "OTHER")]
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierCheck {
    /// The check digit (Luhn) is right.
    Valid,
    /// The check digit is wrong: a typing error in the order, most likely.
    Invalid,
    /// No check applies (TEST structures use letters, for example).
    Unchecked,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Structure {
    /// The national identifier as written in the OU.
    pub id: Option<String>,
    pub kind: StructureKind,
    /// The FINESS or SIRET number without the leading type digit.
    pub number: Option<String>,
    pub check: IdentifierCheck,
}

/// Decodes an ORG certificate's OU: "1" + FINESS (9 characters), "3" + SIRET (14 digits).
pub fn decode_structure(ou: Option<&str>) -> Structure {
    let Some(ou) = ou.map(str::trim).filter(|s| !s.is_empty()) else {
        return Structure { id: None, kind: StructureKind::Other, number: None, check: IdentifierCheck::Unchecked };
    };
    let (kind, number) = match (ou.chars().next(), ou.len()) {
        (Some('1'), 10) if ou.chars().all(|c| c.is_ascii_alphanumeric()) => (StructureKind::Finess, Some(&ou[1..])),
        (Some('3'), 15) if ou.chars().all(|c| c.is_ascii_digit()) => (StructureKind::Siret, Some(&ou[1..])),
        _ => (StructureKind::Other, None),
    };
    let check = match (kind, number) {
        (StructureKind::Siret, Some(n)) => siret_check(n),
        (StructureKind::Finess, Some(n)) if n.chars().all(|c| c.is_ascii_digit()) => luhn_check(n),
        _ => IdentifierCheck::Unchecked,
    };
    Structure { id: Some(ou.to_string()), kind, number: number.map(str::to_owned), check }
}

fn luhn_check(digits: &str) -> IdentifierCheck {
    if luhn_valid(digits) {
        IdentifierCheck::Valid
    } else {
        IdentifierCheck::Invalid
    }
}

/// Luhn check over decimal digits (FINESS key, SIREN and SIRET).
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(mut d) = c.to_digit(10) else { return false };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum.is_multiple_of(10)
}

fn siret_check(siret: &str) -> IdentifierCheck {
    // La Poste's establishments (SIREN 356000000) follow a digit-sum rule instead of Luhn.
    if siret.starts_with("356000000") {
        let sum: u32 = siret.chars().filter_map(|c| c.to_digit(10)).sum();
        return if sum.is_multiple_of(5) { IdentifierCheck::Valid } else { IdentifierCheck::Invalid };
    }
    luhn_check(siret)
}

/// "Paris (75)" → "75"; "Corse-du-Sud (2A)" → "2A".
pub fn department_code(state: &str) -> Option<String> {
    let open = state.rfind('(')?;
    let close = state[open..].find(')')? + open;
    let code = state[open + 1..close].trim();
    (!code.is_empty() && code.len() <= 3).then(|| code.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structures_are_decoded() {
        let finess = decode_structure(Some("11B0073160"));
        assert_eq!((finess.kind, finess.check), (StructureKind::Finess, IdentifierCheck::Unchecked));
        assert_eq!(finess.number.as_deref(), Some("1B0073160"));
        let siret = decode_structure(Some("318751275100020"));
        assert_eq!((siret.kind, siret.check), (StructureKind::Siret, IdentifierCheck::Valid));
        let bad_siret = decode_structure(Some("318751275100021"));
        assert_eq!((bad_siret.kind, bad_siret.check), (StructureKind::Siret, IdentifierCheck::Invalid));
        assert_eq!(decode_structure(Some("0002 187512751")).kind, StructureKind::Other);
        assert_eq!(decode_structure(None).id, None);
    }

    #[test]
    fn departments() {
        assert_eq!(department_code("Paris (75)").as_deref(), Some("75"));
        assert_eq!(department_code("Corse-du-Sud (2A)").as_deref(), Some("2A"));
        assert_eq!(department_code("Paris"), None);
    }

    #[test]
    fn shipped_hierarchy_verifies_itself() {
        let verifier = chain_verifier(&[]);
        for ca in shipped_cas() {
            let verdict = verifier.verify(&ca.der);
            assert_eq!(verdict.environment, ca.environment, "{}", ca.name);
            assert_eq!(verdict.status, crate::certs::ChainStatus::Trusted, "{}", ca.name);
        }
    }

    #[test]
    fn profiles_load() {
        assert_eq!(profiles().profiles.len(), 7);
        assert_eq!(profiles().thresholds.warn_days, 30);
        for (offer, usage) in [(Offer::Serv, Usage::Smime), (Offer::Serv, Usage::Sign), (Offer::Serv, Usage::Conf)] {
            let p = profile(offer, usage).unwrap();
            assert!(!p.confirmed && p.cn_rule == CnRule::Fqdn, "{offer:?} {usage:?}");
        }
        assert_eq!(profile(Offer::Org, Usage::Sign).unwrap().private_key_usage_days, Some(1095));
        assert!(profile(Offer::Org, Usage::SslServ).is_none());
        let smime: Usage = serde_json::from_str("\"S/MIME\"").unwrap();
        assert_eq!((smime, serde_json::to_string(&smime).unwrap().as_str()), (Usage::Smime, "\"SMIME\""));
    }

    fn facts_with(ku: &[&str], eku: &[&str], policies: &[&str]) -> CertificateFacts {
        let leaf = certisante_testpki::Hierarchy::new().issue(&certisante_testpki::LeafSpec::new(certisante_testpki::Usage::AuthCli, "DMP", 100));
        let mut facts = CertificateFacts::from_der(&leaf.cert_der).unwrap();
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        (facts.key_usage, facts.extended_key_usage, facts.policies) = (strings(ku), strings(eku), strings(policies));
        facts
    }

    #[test]
    fn serv_profiles_sharing_org_usages_need_a_policy() {
        const ORG_POLICY: &str = "1.2.250.1.213.1.7.2.1.1.1.1";
        let sign = facts_with(&["digitalSignature", "nonRepudiation"], &["emailProtection"], &[]);
        let classified = classify_profile(&sign, Environment::Test).unwrap();
        assert_eq!((classified.offer, classified.usage), (Offer::Org, Usage::Sign), "ORG is preferred without a policy");
        let sign = facts_with(&["digitalSignature", "nonRepudiation"], &["emailProtection"], &[ORG_POLICY]);
        assert_eq!(classify_profile(&sign, Environment::Test).unwrap().offer, Offer::Org);
        // S/MIME's unconfirmed usages match no ORG profile: still not named without a SERV policy.
        let smime = facts_with(&["digitalSignature", "keyEncipherment"], &["emailProtection"], &[]);
        assert!(classify_profile(&smime, Environment::Test).is_none());
        let ssl = facts_with(&["digitalSignature", "keyEncipherment"], &["serverAuth"], &[]);
        assert_eq!(classify_profile(&ssl, Environment::Test).unwrap().usage, Usage::SslServ);
    }
}
