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
