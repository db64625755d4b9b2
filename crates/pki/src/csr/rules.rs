//! The order's rules. Data lives in `assets/departements.json`, `assets/common-names.json`
//! and the profiles; this file holds only the checks. Every refusal says why and how to
//! fix it, in French.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{OrderRequest, RuleViolation, SubjectFields, ValidatedRequest};
use crate::igc::{self, CnRule, Environment, IdentifierCheck, Offer, Profile, Structure, StructureKind, Usage};

/// X.520 upper bounds (ub-organization-name, ub-common-name), in characters.
const UB_ORGANIZATION: usize = 64;
const UB_COMMON_NAME: usize = 64;
/// A DNS label and a whole host name (RFC 1035).
const MAX_LABEL: usize = 63;

#[derive(Debug, Deserialize)]
struct Departement {
    code: String,
    name: String,
}

#[derive(Debug, Deserialize)]
struct Retired {
    code: String,
    why_fr: String,
}

#[derive(Debug, Deserialize)]
struct Departements {
    departements: Vec<Departement>,
    retired: Vec<Retired>,
}

fn departements() -> &'static Departements {
    static DATA: OnceLock<Departements> = OnceLock::new();
    DATA.get_or_init(|| serde_json::from_str(include_str!("../../assets/departements.json")).expect("departements.json is valid"))
}

#[derive(Debug, Deserialize)]
struct Reserved {
    teleservice: String,
    token: String,
    offer: Offer,
    usages: Vec<Usage>,
    allowed: Vec<String>,
    why_fr: String,
}

#[derive(Debug, Deserialize)]
struct TeleserviceCn {
    punctuation: String,
}

/// A CN the order wizard proposes, and the téléservice it is for.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NameSuggestion {
    pub cn: String,
    /// A `teleservices.json` id: the certificate is tied to it once imported.
    pub teleservice: Option<String>,
    pub label_fr: String,
    pub label_en: String,
    pub confirmed: bool,
}

#[derive(Debug, Deserialize)]
struct Suggestions {
    offer: Offer,
    usage: Usage,
    names: Vec<NameSuggestion>,
}

#[derive(Debug, Deserialize)]
struct CommonNames {
    reserved: Vec<Reserved>,
    teleservice_cn: TeleserviceCn,
    suggestions: Vec<Suggestions>,
}

fn common_names() -> &'static CommonNames {
    static DATA: OnceLock<CommonNames> = OnceLock::new();
    DATA.get_or_init(|| serde_json::from_str(include_str!("../../assets/common-names.json")).expect("common-names.json is valid"))
}

/// Every code a broken rule can carry (those of reserved téléservice CNs come from the data).
pub fn rule_codes() -> Vec<String> {
    const FIXED: &[&str] = &[
        "csr.environment",
        "csr.profile_unknown",
        "csr.organization_empty",
        "csr.organization_chars",
        "csr.organization_too_long",
        "csr.structure_empty",
        "csr.structure_kind",
        "csr.structure_format",
        "csr.structure_check",
        "csr.department_empty",
        "csr.department_unknown",
        "csr.department_mismatch",
        "csr.cn_empty",
        "csr.cn_chars",
        "csr.cn_fqdn",
        "csr.cn_wildcard",
        "csr.cn_too_long",
    ];
    let reserved = common_names().reserved.iter().map(|r| format!("csr.cn_{}", r.token.to_lowercase()));
    FIXED.iter().map(|c| c.to_string()).chain(reserved).collect()
}

/// The CNs the order wizard proposes for an offer and usage (none for SERV: the CN is the
/// server's name).
pub fn suggested_common_names(offer: Offer, usage: Usage) -> Vec<String> {
    name_suggestions(offer, usage).into_iter().map(|n| n.cn).collect()
}

/// The same, with the téléservice each is for and its label.
pub fn name_suggestions(offer: Offer, usage: Usage) -> Vec<NameSuggestion> {
    common_names().suggestions.iter().filter(|s| s.offer == offer && s.usage == usage).flat_map(|s| s.names.iter().cloned()).collect()
}

/// The French name of a département or collectivité code ("2A" → "Corse-du-Sud").
pub fn department_name(code: &str) -> Option<&'static str> {
    departements().departements.iter().find(|d| d.code.eq_ignore_ascii_case(code)).map(|d| d.name.as_str())
}

/// Every département and collectivité, (code, French name), in the data's order.
pub fn departments() -> Vec<(&'static str, &'static str)> {
    departements().departements.iter().map(|d| (d.code.as_str(), d.name.as_str())).collect()
}

fn violation(field: &str, code: &str, message: String) -> RuleViolation {
    RuleViolation { field: field.into(), code: code.into(), message }
}

/// Checks every field of the order and reports every broken rule at once; on success,
/// the normalised subject and the profile.
pub fn validate(req: &OrderRequest) -> Result<ValidatedRequest, Vec<RuleViolation>> {
    let mut violations = Vec::new();
    let mut keep = |r: Result<String, RuleViolation>| match r {
        Ok(v) => Some(v),
        Err(e) => {
            violations.push(e);
            None
        }
    };
    if req.environment == Environment::Other {
        keep(Err(violation("environment", "csr.environment", "choisissez l'environnement : TEST (essais) ou PROD (production)".into())));
    }
    let profile = igc::profile(req.offer, req.usage);
    if profile.is_none() {
        keep(Err(unknown_profile(req.offer, req.usage)));
    }
    let organization = keep(organization(&req.organization));
    let ou = keep(structure_id(&req.structure_id));
    let state = keep(department(&req.department));
    let common_name = profile.and_then(|p| keep(common_name(p, &req.common_name)));
    match (profile, organization, ou, state, common_name) {
        (Some(profile), Some(organization), Some(organizational_unit), Some(state), Some(common_name)) if violations.is_empty() => {
            let structure = igc::decode_structure(Some(&organizational_unit));
            let subject = SubjectFields { country: "FR".into(), state, organization, organizational_unit, common_name };
            Ok(ValidatedRequest { request: req.clone(), subject, profile, structure })
        }
        _ => Err(violations),
    }
}

fn unknown_profile(offer: Offer, usage: Usage) -> RuleViolation {
    let usages: Vec<&str> = igc::profiles().profiles.iter().filter(|p| p.offer == offer).map(|p| p.usage.as_str()).collect();
    violation("usage", "csr.profile_unknown", format!("l'offre {} n'a pas d'usage {} : choisissez {}", offer.as_str(), usage.as_str(), usages.join(", ")))
}

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

fn organization(raw: &str) -> Result<String, RuleViolation> {
    let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let field = "organization";
    // Surrounding line breaks from a paste are trimmed; one inside is refused.
    if has_control(raw.trim()) {
        return Err(violation(
            field,
            "csr.organization_chars",
            "la raison sociale contient un caractère de contrôle : retapez-la sans copier-coller de caractères invisibles".into(),
        ));
    }
    if value.is_empty() {
        return Err(violation(
            field,
            "csr.organization_empty",
            "indiquez la raison sociale de la structure (champ O du certificat), telle qu'elle figure au répertoire FINESS ou SIRENE".into(),
        ));
    }
    let count = value.chars().count();
    if count > UB_ORGANIZATION {
        return Err(violation(
            field,
            "csr.organization_too_long",
            format!("la raison sociale compte {count} caractères, un certificat en admet {UB_ORGANIZATION} au plus : abrégez-la"),
        ));
    }
    Ok(value)
}

/// The OU: "1" + FINESS or "3" + SIRET, from what was typed.
/// A structure identifier as the OU carries it ("1" + FINESS, "3" + SIRET), from what a
/// user types (with or without the prefix); None when it is not a valid one.
pub fn structure_ou(raw: &str) -> Option<String> {
    structure_id(raw).ok()
}

fn structure_id(raw: &str) -> Result<String, RuleViolation> {
    let field = "structure_id";
    let id: String = raw.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    let expected = "un FINESS (9 caractères, ex. 750712184), un SIRET (14 chiffres, ex. 18751275100020) ou l'identifiant tel qu'il figure dans l'OU (« 1 » + FINESS, « 3 » + SIRET)";
    if id.is_empty() {
        return Err(violation(field, "csr.structure_empty", format!("indiquez l'identifiant national de la structure : {expected}")));
    }
    if !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(violation(
            field,
            "csr.structure_format",
            format!("« {} » contient des caractères autres que lettres et chiffres : indiquez {expected}", raw.trim()),
        ));
    }
    let digits = id.chars().all(|c| c.is_ascii_digit());
    let ou = match (id.len(), id.as_bytes()[0]) {
        (9, _) => format!("1{id}"),
        (14, _) if digits => format!("3{id}"),
        (10, b'1') => id.clone(),
        (15, b'3') if digits => id.clone(),
        (_, b'4') if id.len() > 1 => {
            return Err(violation(
                field,
                "csr.structure_kind",
                "les identifiants « 4… » (cabinets de professionnels de santé) ne sont pas pris en charge pour les certificats de structure : indiquez le FINESS ou le SIRET de l'établissement".into(),
            ))
        }
        (14 | 15, _) if !digits => {
            return Err(violation(field, "csr.structure_format", format!("un SIRET ne compte que des chiffres : vérifiez « {} »", raw.trim())))
        }
        (len, _) => {
            return Err(violation(
                field,
                "csr.structure_format",
                format!("« {} » compte {len} caractères : un FINESS en a 9 et un SIRET 14 (10 et 15 avec le préfixe 1 ou 3 de l'OU)", raw.trim()),
            ))
        }
    };
    let structure: Structure = igc::decode_structure(Some(&ou));
    if structure.check == IdentifierCheck::Invalid {
        let number = structure.number.unwrap_or_default();
        let (what, where_) = match structure.kind {
            StructureKind::Siret => ("SIRET", "sur l'avis de situation SIRENE de l'établissement"),
            _ => ("FINESS", "dans le répertoire FINESS"),
        };
        return Err(violation(
            field,
            "csr.structure_check",
            format!("la clé de contrôle du {what} {number} est fausse (faute de frappe ?) : vérifiez le numéro {where_}"),
        ));
    }
    Ok(ou)
}

/// Compares names without case, accents or punctuation ("cote d or" = "Côte-d'Or").
fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ÿ' => 'y',
            'ç' => 'c',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// ST = "<Name> (<code>)" from a code, a name, or both.
fn department(raw: &str) -> Result<String, RuleViolation> {
    let field = "department";
    let input = raw.trim();
    let example = "indiquez le numéro du département où se trouve la structure (ex. 75, 2A, 971)";
    if input.is_empty() {
        return Err(violation(field, "csr.department_empty", example.into()));
    }
    let (code, name) = match igc::department_code(input) {
        Some(code) => (Some(code), Some(input[..input.rfind('(').unwrap_or(0)].trim())),
        None if input.len() <= 3 && input.starts_with(|c: char| c.is_ascii_digit()) => (Some(input.to_string()), None),
        None => (None, Some(input)),
    };
    let data = departements();
    let found = match code {
        Some(code) => {
            let code = if code.len() == 1 { format!("0{code}") } else { code.to_uppercase() };
            if let Some(retired) = data.retired.iter().find(|r| r.code == code) {
                return Err(violation(field, "csr.department_unknown", format!("le code {code} ne convient pas : {} ; {example}", retired.why_fr)));
            }
            let Some(found) = data.departements.iter().find(|d| d.code == code) else {
                return Err(violation(
                    field,
                    "csr.department_unknown",
                    format!("{code} n'est pas un code de département ou de collectivité d'outre-mer : {example}"),
                ));
            };
            if let Some(name) = name.filter(|n| !n.is_empty() && fold(n) != fold(&found.name)) {
                return Err(violation(
                    field,
                    "csr.department_mismatch",
                    format!("« {name} » n'est pas le nom du département {code} ({}) : corrigez le nom ou le numéro", found.name),
                ));
            }
            found
        }
        None => {
            let wanted = fold(name.unwrap_or_default());
            let Some(found) = data.departements.iter().find(|d| fold(&d.name) == wanted) else {
                return Err(violation(field, "csr.department_unknown", format!("« {input} » n'est pas un nom de département connu : {example}")));
            };
            found
        }
    };
    Ok(format!("{} ({})", found.name, found.code))
}

fn common_name(profile: &Profile, raw: &str) -> Result<String, RuleViolation> {
    match profile.cn_rule {
        CnRule::Teleservice => teleservice_cn(profile, raw),
        CnRule::Fqdn => fqdn_cn(profile, raw),
    }
}

use crate::procedure::names_token;

fn teleservice_cn(profile: &Profile, raw: &str) -> Result<String, RuleViolation> {
    let field = "common_name";
    let data = common_names();
    let rules = &data.teleservice_cn;
    if has_control(raw.trim()) {
        return Err(violation(
            field,
            "csr.cn_chars",
            "le nom contient un caractère de contrôle : retapez-le sans copier-coller de caractères invisibles".into(),
        ));
    }
    let cn = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if cn.is_empty() {
        let hint = suggested_common_names(profile.offer, profile.usage);
        let hint = if hint.is_empty() { String::new() } else { format!(" (ex. {})", hint.join(", ")) };
        return Err(violation(
            field,
            "csr.cn_empty",
            format!("indiquez le téléservice auquel ce certificat est destiné{hint} : un certificat par téléservice"),
        ));
    }
    if let Some(bad) = cn.chars().find(|c| !(c.is_alphanumeric() || *c == ' ' || rules.punctuation.contains(*c))) {
        return Err(violation(
            field,
            "csr.cn_chars",
            format!(
                "le caractère « {bad} » n'est pas admis dans le nom : lettres, chiffres, espaces et {} seulement",
                rules.punctuation.chars().map(String::from).collect::<Vec<_>>().join(" ")
            ),
        ));
    }
    let count = cn.chars().count();
    if count > UB_COMMON_NAME {
        return Err(violation(
            field,
            "csr.cn_too_long",
            format!("le nom compte {count} caractères, un certificat en admet {UB_COMMON_NAME} au plus : abrégez-le"),
        ));
    }
    for reserved in data.reserved.iter().filter(|r| r.offer == profile.offer && r.usages.contains(&profile.usage)) {
        if names_token(&cn, &reserved.token) {
            return match reserved.allowed.iter().find(|a| a.eq_ignore_ascii_case(&cn)) {
                Some(allowed) => Ok(allowed.clone()),
                None => Err(violation(
                    field,
                    &format!("csr.cn_{}", reserved.token.to_lowercase()),
                    format!("« {cn} » ne convient pas pour {} : {} ; choisissez {}", reserved.teleservice, reserved.why_fr, reserved.allowed.join(" ou ")),
                )),
            };
        }
    }
    Ok(cn)
}

/// A server's host name: lower case, no trailing dot, LDH labels, at least two labels, not
/// an IP address, a wildcard only where the profile's data allows it.
fn fqdn_cn(profile: &Profile, raw: &str) -> Result<String, RuleViolation> {
    let field = "common_name";
    let example = "indiquez le nom DNS complet du serveur, en minuscules (ex. serveur.ch-exemple.fr)";
    let host = raw.trim().to_lowercase();
    let host = host.strip_suffix('.').unwrap_or(&host).to_string();
    if host.is_empty() {
        return Err(violation(field, "csr.cn_empty", example.into()));
    }
    let count = host.chars().count();
    if count > UB_COMMON_NAME {
        return Err(violation(
            field,
            "csr.cn_too_long",
            format!("le nom compte {count} caractères, le CN d'un certificat en admet {UB_COMMON_NAME} au plus : choisissez un nom de serveur plus court"),
        ));
    }
    let bad = |why: String| Err(violation(field, "csr.cn_fqdn", format!("« {} » n'est pas un nom de serveur valide : {why} ; {example}", raw.trim())));
    if !host.is_ascii() {
        return bad("les lettres accentuées doivent être écrites sous leur forme ASCII (« xn--… »)".into());
    }
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 {
        return bad("il faut un nom de domaine complet, avec au moins un point".into());
    }
    for (i, label) in labels.iter().enumerate() {
        if *label == "*" && i == 0 {
            if profile.allow_wildcard {
                continue;
            }
            return Err(violation(field, "csr.cn_wildcard", format!("les noms génériques (« *. ») ne sont pas admis pour ce profil : {example}")));
        }
        if label.is_empty() {
            return bad("il contient deux points de suite ou commence par un point".into());
        }
        if label.len() > MAX_LABEL {
            return bad(format!("la partie « {label} » dépasse {MAX_LABEL} caractères"));
        }
        if let Some(c) = label.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-')) {
            let shown = if c == ' ' { "espace".to_string() } else { format!("« {c} »") };
            return bad(format!("le caractère {shown} n'est pas admis (lettres, chiffres, tirets et points seulement)"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return bad(format!("la partie « {label} » commence ou finit par un tiret"));
        }
    }
    let tld = labels.last().copied().unwrap_or_default();
    if tld.chars().all(|c| c.is_ascii_digit()) {
        return bad("une adresse IP ne peut pas servir de nom".into());
    }
    Ok(host)
}
