//! Every sentence the CLI prints for people, in French (the default) and English, following
//! the language setting. The one place they are written. JSON output, table headers and the
//! Nagios line are contracts for scripts and stay as they are in every language.

use std::path::Path;

pub use certisante_api::messages::Lang;

fn pick(lang: Lang, fr: String, en: String) -> String {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

pub fn watching(lang: Lang, path: &str) -> String {
    pick(lang, format!("surveillé : {path}"), format!("watching {path}"))
}

pub fn no_longer_watching(lang: Lang, path: &str) -> String {
    pick(lang, format!("n'est plus surveillé : {path}"), format!("no longer watching {path}"))
}

pub fn missing(lang: Lang) -> String {
    pick(lang, "  (introuvable)".into(), "  (missing)".into())
}

pub fn forced_by_policy(lang: Lang) -> String {
    pick(lang, "  (imposé par la stratégie de l'ordinateur)".into(), "  (forced by the computer's policy)".into())
}

pub fn policy_source(lang: Lang, source: &str, forced: usize) -> String {
    pick(
        lang,
        format!("stratégie de l'ordinateur : {source} ({forced} réglage(s) imposé(s))"),
        format!("computer policy: {source} ({forced} setting(s) forced)"),
    )
}

pub fn setting_saved(lang: Lang, setting: &str, value: &str) -> String {
    pick(lang, format!("réglage enregistré : {setting} = {value}"), format!("setting saved: {setting} = {value}"))
}

pub fn no_reader(lang: Lang) -> String {
    pick(lang, "aucun lecteur".into(), "no reader".into())
}

pub fn no_card(lang: Lang) -> String {
    pick(lang, "aucune carte".into(), "no card".into())
}

pub fn unknown_holder(lang: Lang) -> String {
    pick(lang, "porteur inconnu".into(), "unknown holder".into())
}

pub fn until(lang: Lang, date: &str) -> String {
    pick(lang, format!("jusqu'au {date}"), format!("until {date}"))
}

pub fn audit_intact(lang: Lang, entries: i64) -> String {
    pick(lang, format!("journal d'audit intact : {entries} entrées"), format!("audit log intact: {entries} entries"))
}

pub fn audit_broken(lang: Lang, seq: &str, problem: &str, code: &str) -> String {
    pick(lang, format!("journal d'audit ROMPU à l'entrée {seq} : {problem} ({code})"), format!("audit log BROKEN at entry {seq}: {problem} ({code})"))
}

pub fn scan_summary(lang: Lang, seen: u32, parsed: u32, unchanged: u32, errors: u32) -> String {
    pick(
        lang,
        format!("{seen} fichiers vus, {parsed} lus, {unchanged} inchangés, {errors} erreurs"),
        format!("{seen} files seen, {parsed} parsed, {unchanged} unchanged, {errors} errors"),
    )
}

pub fn ago(lang: Lang, age: &str) -> String {
    pick(lang, format!("il y a {age}"), format!("{age} ago"))
}

pub fn never(lang: Lang) -> String {
    pick(lang, "jamais".into(), "never".into())
}

pub fn revoked_on(lang: Lang, date: &str, reason: &str) -> String {
    pick(lang, format!("  révoqué le {date} ({reason})"), format!("  revoked {date} ({reason})"))
}

pub fn cached(lang: Lang) -> String {
    pick(lang, "  (en cache)".into(), "  (cached)".into())
}

pub fn refresh_summary(lang: Lang, checked: u32, crls: u32, failures: u32) -> String {
    pick(
        lang,
        format!("{checked} vérifiés, {crls} CRL téléchargées, {failures} échecs"),
        format!("{checked} checked, {crls} CRLs downloaded, {failures} failures"),
    )
}

pub fn reminders_written(lang: Lang, events: usize, file: &Path) -> String {
    pick(
        lang,
        format!("{events} rappels de renouvellement écrits dans {}", file.display()),
        format!("{events} renewal reminders written to {}", file.display()),
    )
}

pub fn no_order(lang: Lang) -> String {
    pick(lang, "aucune commande".into(), "no order".into())
}

pub fn certificate_until(lang: Lang, sha256: &str, until: &str) -> String {
    pick(lang, format!("  certificat {sha256}  jusqu'au {until}"), format!("  certificate {sha256}  until {until}"))
}

pub fn csr_written(lang: Lang, path: &Path) -> String {
    pick(lang, format!("CSR écrite dans {}", path.display()), format!("CSR written to {}", path.display()))
}

pub fn revoked(lang: Lang, id: &str, reason: &str) -> String {
    pick(lang, format!("{id} révoquée ({reason})"), format!("{id} revoked ({reason})"))
}

pub fn cancelled(lang: Lang, id: &str) -> String {
    pick(lang, format!("{id} annulée"), format!("{id} cancelled"))
}

pub fn already_imported(lang: Lang, id: &str) -> String {
    pick(lang, format!("{id}  déjà importé"), format!("{id}  already imported"))
}

pub fn kept_in_keystore(lang: Lang) -> String {
    pick(lang, "conservé dans le trousseau du système".into(), "kept in the OS keystore".into())
}

pub fn installed_into(lang: Lang, store: &str) -> String {
    pick(lang, format!("installé dans {store}"), format!("installed into {store}"))
}

pub fn pending_heading(lang: Lang, count: usize) -> String {
    pick(lang, format!("Commandes en attente de la plateforme ({count}) :"), format!("Orders waiting for the platform ({count}):"))
}

pub fn waiting_days(lang: Lang, days: i64) -> String {
    pick(lang, format!("en attente depuis {days} j"), format!("waiting for {days} d"))
}

/// A text the data holds in both languages.
pub fn pick_name(lang: Lang, fr: &str, en: &str) -> String {
    pick(lang, fr.to_owned(), en.to_owned())
}

/// A warning by its code (the catalog's text), on stderr: the command goes on.
pub fn warning(lang: Lang, code: &str) -> String {
    let text = certisante_api::messages::text(code, lang).unwrap_or(code);
    pick(lang, format!("avertissement : {text} ({code})"), format!("warning: {text} ({code})"))
}

pub fn teleservices_recorded(lang: Lang, certificate: &str, ties: &[String]) -> String {
    match ties.is_empty() {
        true => pick(lang, format!("{certificate} : ne sert aucun téléservice"), format!("{certificate}: serves no téléservice")),
        false => pick(lang, format!("{certificate} : sert {}", ties.join(", ")), format!("{certificate}: serves {}", ties.join(", "))),
    }
}

pub fn no_habilitation(lang: Lang) -> String {
    pick(lang, "aucune habilitation enregistrée (formulaire n°413)".into(), "no habilitation recorded (form n°413)".into())
}

pub fn habilitation_recorded(lang: Lang, structure_id: &str) -> String {
    pick(lang, format!("habilitation enregistrée pour {structure_id}"), format!("habilitation recorded for {structure_id}"))
}

pub fn habilitation_removed(lang: Lang, removed: bool) -> String {
    match removed {
        true => pick(lang, "habilitation retirée".into(), "habilitation removed".into()),
        false => pick(lang, "aucune habilitation de ce type n'était enregistrée".into(), "no such habilitation was recorded".into()),
    }
}

pub fn otherwise_form(lang: Lang, number: &str) -> String {
    pick(lang, format!(" (sinon : formulaire n°{number})"), format!(" (otherwise: form n°{number})"))
}

pub fn platform_line(lang: Lang, url: &str) -> String {
    pick(lang, format!("Plateforme IGC-Santé (accès par carte CPx) : {url}"), format!("IGC-Santé platform (CPx card access): {url}"))
}

pub fn customer_service(lang: Lang, email: &str, phone: &str, hours: &str) -> String {
    pick(
        lang,
        format!("Service client des certificats de l'ANS : {email}, {phone} ({hours})"),
        format!("ANS certificate customer service: {email}, {phone} ({hours})"),
    )
}

pub fn revoke_after_cancel(lang: Lang) -> String {
    pick(
        lang,
        "Sa demande (CSR) a pu être déposée sur la plateforme : si un certificat a été délivré, révoquez-le sur la plateforme IGC-Santé (guide utilisateur, chapitre 11), puis enregistrez la révocation avec « certisante order revoke ».".into(),
        "Its request (CSR) may already be on the platform: if a certificate was issued, revoke it on the IGC-Santé platform (user guide, chapter 11), then record the revocation with \"certisante order revoke\".".into(),
    )
}
// ---------------------------------------------------------------- supervision

pub fn metrics_listening(lang: Lang, url: &str) -> String {
    pick(lang, format!("métriques servies sur {url}"), format!("serving metrics on {url}"))
}

/// `mail:dsi@x` → "e-mail dsi@x", `webhook:teams` → "webhook teams".
fn channel(lang: Lang, key: &str) -> String {
    match key.split_once(':') {
        Some(("mail", address)) => format!("e-mail {address}"),
        Some(("webhook", name)) => format!("webhook {name}"),
        _ => pick(lang, format!("canal {key}"), format!("channel {key}")),
    }
}

pub fn alert_sent(lang: Lang, key: &str, cn: &str, threshold: i64) -> String {
    let to = channel(lang, key);
    pick(lang, format!("alerte envoyée ({to}) : {cn}, seuil {threshold} jours"), format!("alert sent ({to}): {cn}, {threshold}-day threshold"))
}

pub fn alert_not_sent(lang: Lang, key: &str, cn: &str, threshold: i64, message: &str, code: &str) -> String {
    let to = channel(lang, key);
    pick(
        lang,
        format!("ÉCHEC de l'alerte ({to}) : {cn}, seuil {threshold} jours : {message} ({code}) ; nouvel essai au prochain passage"),
        format!("alert NOT sent ({to}): {cn}, {threshold}-day threshold: {message} ({code}); tried again at the next run"),
    )
}

pub fn nothing_due(lang: Lang) -> String {
    pick(lang, "aucune alerte à envoyer".into(), "no alert to send".into())
}

pub fn desktop_shown(lang: Lang, cn: &str, threshold: i64) -> String {
    pick(lang, format!("notification affichée : {cn}, seuil {threshold} jours"), format!("notification shown: {cn}, {threshold}-day threshold"))
}

pub fn desktop_skipped(lang: Lang, code: &str) -> String {
    pick(lang, format!("notifications du bureau : pas de session de bureau ici ({code})"), format!("desktop notifications: no desktop session here ({code})"))
}

pub fn desktop_failed(lang: Lang, message: &str, code: &str) -> String {
    pick(lang, format!("ÉCHEC d'une notification du bureau : {message} ({code})"), format!("desktop notification NOT shown: {message} ({code})"))
}

pub fn group_published(lang: Lang, count: u32) -> String {
    pick(lang, format!("registre de groupe : {count} certificats publiés"), format!("group registry: {count} certificates published"))
}

pub fn step_failed(lang: Lang, message: &str, code: &str) -> String {
    pick(lang, format!("ÉCHEC d'une étape : {message} ({code})"), format!("a step FAILED: {message} ({code})"))
}

pub fn mail_off(lang: Lang) -> String {
    pick(lang, "alertes par e-mail : désactivées".into(), "e-mail alerts: off".into())
}

pub fn mail_summary(lang: Lang, server: &str, security: &str, user: Option<&str>, from: &str) -> String {
    let login = user.map(|u| format!(", {u}")).unwrap_or_default();
    pick(
        lang,
        format!("alertes par e-mail : {server} ({security}{login}), expéditeur {from}"),
        format!("e-mail alerts: {server} ({security}{login}), sender {from}"),
    )
}

pub fn webhook_summary(lang: Lang, name: &str, host: &str) -> String {
    pick(lang, format!("webhook {name} : {host}"), format!("webhook {name}: {host}"))
}

pub fn delivery_failure(lang: Lang, key: &str, message: &str, code: &str, since: &str, pending: u32) -> String {
    let to = channel(lang, key);
    pick(
        lang,
        format!("ÉCHEC ({to}) depuis le {since} : {message} ({code}) ; {pending} alertes en attente"),
        format!("FAILING ({to}) since {since}: {message} ({code}); {pending} alerts waiting"),
    )
}

pub fn mail_saved(lang: Lang, recipients: usize) -> String {
    pick(lang, format!("alertes par e-mail enregistrées : {recipients} destinataires"), format!("e-mail alerts saved: {recipients} recipients"))
}

pub fn mail_removed(lang: Lang) -> String {
    pick(lang, "alertes par e-mail désactivées".into(), "e-mail alerts turned off".into())
}

pub fn test_mail_sent(lang: Lang, to: &str) -> String {
    pick(lang, format!("message d'essai envoyé à {to}"), format!("test message sent to {to}"))
}

pub fn webhook_saved(lang: Lang, name: &str) -> String {
    pick(lang, format!("webhook {name} enregistré"), format!("webhook {name} saved"))
}

pub fn webhook_removed(lang: Lang, name: &str) -> String {
    pick(lang, format!("webhook {name} supprimé"), format!("webhook {name} removed"))
}

pub fn test_webhook_sent(lang: Lang, name: &str) -> String {
    pick(lang, format!("message d'essai envoyé au webhook {name}"), format!("test message posted to webhook {name}"))
}
