//! The text of every code, in French and English (`assets/messages.json`): what the CLI
//! prints and what the UI shows (generated into its bindings). One place for both.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::{ApiError, RuleViolation};

/// The languages of the product; French first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    /// "en" is English; anything else is French, the default.
    pub fn from_setting(language: &str) -> Self {
        if language == "en" {
            Self::En
        } else {
            Self::Fr
        }
    }
}

#[derive(Debug, Deserialize)]
struct Text {
    fr: String,
    en: String,
}

fn catalog() -> &'static BTreeMap<String, Text> {
    static CATALOG: OnceLock<BTreeMap<String, Text>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let raw: BTreeMap<String, serde_json::Value> = serde_json::from_str(include_str!("../assets/messages.json")).expect("messages.json is valid");
        raw.into_iter().filter(|(code, _)| !code.starts_with('_')).filter_map(|(code, v)| serde_json::from_value(v).ok().map(|t| (code, t))).collect()
    })
}

/// The text of `code` in `lang`, if the catalog has one.
pub fn text(code: &str, lang: Lang) -> Option<&'static str> {
    catalog().get(code).map(|t| match lang {
        Lang::Fr => t.fr.as_str(),
        Lang::En => t.en.as_str(),
    })
}

/// Every code the catalog has a text for.
pub fn catalog_codes() -> Vec<&'static str> {
    catalog().keys().map(String::as_str).collect()
}

/// An error as a person reads it: the code's text in `lang`, then the detail the error
/// carries (paths, names, values), then the code. The code comes last, in parentheses,
/// so that scripts find it at the end of the line.
pub fn describe(error: &ApiError, lang: Lang) -> String {
    match text(&error.code, lang) {
        Some(text) if text.trim_end_matches('.') != error.message.trim_end_matches('.') => format!("{text}\n  {} ({})", error.message, error.code),
        _ => format!("{} ({})", error.message, error.code),
    }
}

/// A broken order rule: in French the rule's own message (it names the value typed), in
/// English the code's text.
pub fn describe_violation(violation: &RuleViolation, lang: Lang) -> String {
    let message = match (lang, text(&violation.code, lang)) {
        (Lang::En, Some(text)) => text.to_owned(),
        _ => violation.message.clone(),
    };
    format!("{}: {} ({})", violation.field, message, violation.code)
}

/// `errorTexts.ts`: the catalog for the UI.
pub(crate) fn typescript() -> String {
    let mut out = String::from(
        "// Generated from crates/api/assets/messages.json: do not edit. The text of every error and\n// warning code, in French and English.\nexport const ERROR_TEXTS: Record<string, { fr: string; en: string }> = {\n",
    );
    for (code, text) in catalog() {
        out.push_str(&format!("  '{code}': {{ fr: {}, en: {} }},\n", js_string(&text.fr), js_string(&text.en)));
    }
    out.push_str("};\n");
    out
}

fn js_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_french_and_an_english_text_and_every_text_a_code() {
        let codes = crate::error::all_codes();
        let missing: Vec<&String> =
            codes.iter().filter(|c| text(c, Lang::Fr).is_none_or(str::is_empty) || text(c, Lang::En).is_none_or(str::is_empty)).collect();
        assert!(missing.is_empty(), "codes without a text in assets/messages.json: {missing:?}");
        let stale: Vec<&str> = catalog_codes().into_iter().filter(|c| !codes.iter().any(|k| k == c)).collect();
        assert!(stale.is_empty(), "texts of codes no error gives: {stale:?}");
    }

    #[test]
    fn errors_read_in_the_chosen_language_with_the_code_last() {
        let error = ApiError::new("certs.p12_bad_password", "wrong password for this PKCS#12 file (integrity check failed)");
        let fr = describe(&error, Lang::Fr);
        assert!(fr.starts_with("Mot de passe incorrect") && fr.ends_with("(certs.p12_bad_password)"), "{fr}");
        assert!(describe(&error, Lang::En).starts_with("Wrong password"));
        let unknown = ApiError::new("x.unknown", "something");
        assert_eq!(describe(&unknown, Lang::En), "something (x.unknown)");
    }
}
