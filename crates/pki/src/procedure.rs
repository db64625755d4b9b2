//! ANS's procedure and the téléservices, as data (`assets/procedure.json`,
//! `assets/teleservices.json`): the platform's addresses, the three steps, forms, roles,
//! customer service, the user guide's chapters, the two key-pair routes, and which
//! téléservice a certificate serves. Every fact carries its source; code never restates one.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::igc::{Environment, Offer, Usage};

/// Where a fact comes from.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Source {
    pub title: String,
    pub url: Option<String>,
}

/// One address of the IGC-Santé platform.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PlatformAddress {
    pub id: String,
    pub url: String,
    pub environment: Environment,
    /// The one "Ouvrir la plateforme" opens: the procedure's card-authenticated address.
    pub opened_by_the_app: bool,
    pub label_fr: String,
    pub label_en: String,
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    LegalRepresentative,
    TechnicalAdministrator,
    Mandataire,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct StepItem {
    pub role: Role,
    pub text_fr: String,
    pub text_en: String,
    /// The form to send when this is not so yet.
    pub otherwise_form: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Step {
    /// `prerequisites`, `habilitation`, `order`.
    pub id: String,
    pub title_fr: String,
    pub title_en: String,
    pub items: Vec<StepItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Form {
    pub number: String,
    pub title_fr: String,
    pub title_en: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RoleInfo {
    pub id: Role,
    pub label_fr: String,
    pub label_en: String,
    pub card_fr: String,
    pub card_en: String,
    pub may_fr: Vec<String>,
    pub may_en: Vec<String>,
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KeyRoute {
    /// The platform generates the key pair and delivers a .p12 (ANS's recommendation).
    PlatformKey,
    /// CertiSanté generates the key here and hands the platform a CSR.
    LocalKey,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Route {
    pub id: KeyRoute,
    pub recommended: bool,
    pub label_fr: String,
    pub label_en: String,
    pub tradeoff_fr: String,
    pub tradeoff_en: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CustomerService {
    pub email: String,
    pub phone: String,
    pub hours_fr: String,
    pub hours_en: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct GuideChapter {
    /// `prerequisites`, `server_cn`, `revocation`.
    pub id: String,
    pub chapter: String,
    pub title_fr: String,
    pub title_en: String,
    pub source: String,
}

/// A text of the procedure, in both languages, with its source.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Advice {
    pub text_fr: String,
    pub text_en: String,
    pub source: String,
}

/// Everything the "Avant de commander" guide and the help in context show.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Procedure {
    pub sources: std::collections::BTreeMap<String, Source>,
    pub platforms: Vec<PlatformAddress>,
    pub steps: Vec<Step>,
    pub forms: Vec<Form>,
    pub roles: Vec<RoleInfo>,
    pub routes: Vec<Route>,
    pub customer_service: CustomerService,
    pub guide_chapters: Vec<GuideChapter>,
    /// What to do when the card's PIN is locked.
    pub pin_locked: Advice,
    /// ANS renews only while a certificate is active.
    pub renewal: Advice,
}

pub fn procedure() -> &'static Procedure {
    static DATA: OnceLock<Procedure> = OnceLock::new();
    DATA.get_or_init(|| serde_json::from_str(include_str!("../assets/procedure.json")).expect("procedure.json is valid"))
}

/// The address "Ouvrir la plateforme" opens for an environment, if one is known.
pub fn platform_to_open(environment: Environment) -> Option<&'static PlatformAddress> {
    procedure().platforms.iter().find(|p| p.opened_by_the_app && p.environment == environment)
}

/// What a téléservice uses one profile for.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TeleserviceUse {
    pub offer: Offer,
    pub usage: Usage,
    pub what_fr: String,
    pub what_en: String,
    pub source: String,
    pub confirmed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Teleservice {
    /// Stable identifier: `DMP`, `INSi`, `ROC`, `MSSante`, `SAS`...
    pub id: String,
    pub name_fr: String,
    pub name_en: String,
    pub cn_tokens: Vec<String>,
    pub uses: Vec<TeleserviceUse>,
}

#[derive(Deserialize)]
struct Teleservices {
    teleservices: Vec<Teleservice>,
}

/// Every known téléservice, in the data's order.
pub fn teleservices() -> &'static [Teleservice] {
    static DATA: OnceLock<Teleservices> = OnceLock::new();
    &DATA.get_or_init(|| serde_json::from_str(include_str!("../assets/teleservices.json")).expect("teleservices.json is valid")).teleservices
}

pub fn teleservice(id: &str) -> Option<&'static Teleservice> {
    teleservices().iter().find(|t| t.id == id)
}

/// The téléservice a CN names, if any: equal to one of its tokens, or starting with one
/// followed by a character that is neither a letter nor a digit ("DMP SIGNATURE", "INSI-AUTO").
pub fn teleservice_named_by(cn: &str) -> Option<&'static str> {
    teleservices().iter().find(|t| t.cn_tokens.iter().any(|token| names_token(cn, token))).map(|t| t.id.as_str())
}

/// Whether `cn` is meant for `token`: equal to it, or starting with it and a separator.
pub(crate) fn names_token(cn: &str, token: &str) -> bool {
    let upper = cn.trim().to_uppercase();
    upper.strip_prefix(&token.to_uppercase()).is_some_and(|rest| rest.chars().next().is_none_or(|c| !c.is_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_opens_the_procedures_card_authenticated_address() {
        let open = platform_to_open(Environment::Prod).unwrap();
        assert_eq!(open.url, "https://pfc-auth.eservices.esante.gouv.fr");
        assert_eq!(open.source, "procedure");
        assert!(platform_to_open(Environment::Test).is_none(), "the TEST platform's address is not public");
        let all: Vec<&str> = procedure().platforms.iter().map(|p| p.url.as_str()).collect();
        assert!(all.contains(&"https://pfc.eservices.esante.gouv.fr/pfcng-ihm"), "{all:?}");
    }

    #[test]
    fn every_fact_names_a_known_source() {
        let p = procedure();
        let known = |s: &str| assert!(p.sources.contains_key(s), "unknown source {s}");
        p.platforms.iter().for_each(|x| known(&x.source));
        p.steps.iter().flat_map(|s| &s.items).for_each(|x| known(&x.source));
        p.forms.iter().for_each(|x| known(&x.source));
        p.roles.iter().for_each(|x| known(&x.source));
        p.routes.iter().for_each(|x| known(&x.source));
        p.guide_chapters.iter().for_each(|x| known(&x.source));
        [&p.customer_service.source, &p.pin_locked.source, &p.renewal.source].into_iter().for_each(|s| known(s));
        teleservices().iter().flat_map(|t| &t.uses).for_each(|u| known(&u.source));
        let forms: Vec<&str> = p.forms.iter().map(|f| f.number.as_str()).collect();
        assert_eq!(forms, ["101", "301", "502", "413"]);
        for form in p.steps.iter().flat_map(|s| &s.items).filter_map(|i| i.otherwise_form.as_deref()) {
            assert!(forms.contains(&form), "step names unknown form {form}");
        }
        assert!(p.routes.iter().find(|r| r.id == KeyRoute::PlatformKey).unwrap().recommended, "ANS recommends the platform's key pair");
        assert_eq!((p.customer_service.email.as_str(), p.customer_service.phone.as_str()), ("monserviceclient.certificats@asipsante.fr", "0 825 852 000"));
    }

    #[test]
    fn cns_name_their_teleservice() {
        for (cn, expected) in [
            ("DMP", Some("DMP")),
            ("DMP SIGNATURE", Some("DMP")),
            ("insi-auto", Some("INSi")),
            ("ROC", Some("ROC")),
            ("ROCADE", None),
            ("MSSANTE CHIFFREMENT", Some("MSSante")),
            ("Téléservice", None),
        ] {
            assert_eq!(teleservice_named_by(cn), expected, "{cn}");
        }
        let roc = teleservice("ROC").unwrap();
        assert!(roc.uses.iter().all(|u| u.usage == Usage::Sign), "the procedure puts ROC under SIGN");
    }
}
