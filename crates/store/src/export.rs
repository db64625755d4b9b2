//! What leaves the application for other tools: an iCalendar file with one renewal
//! reminder per certificate, and the dashboard as CSV or JSON. Pure functions of the
//! views; `write` puts the text on disk atomically.

use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::inventory::ScanReport;
use crate::revocation::RevocationState;
use crate::view::{CertificateView, Status};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Write(#[from] crate::install::InstallError),
    #[error("the export could not be serialized: {0}")]
    Serialize(String),
    #[error(transparent)]
    Registry(#[from] crate::registry::RegistryError),
}

certisante_pki::error_codes!(ExportError {
    Self::Serialize(_) => "export.serialize",
} wraps {
    Write(crate::install::InstallError),
    Registry(crate::registry::RegistryError),
});

/// The formats the dashboard can be exported to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// iCalendar (RFC 5545): one renewal reminder per certificate.
    Ics,
    /// Semicolon-separated, UTF-8 with a byte order mark: what a French spreadsheet opens.
    Csv,
    /// The same document as `certisante list --json`.
    Json,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Ics => "ics",
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }
}

/// Language of the texts written into exports ("fr" or "en").
fn is_english(language: &str) -> bool {
    language == "en"
}

/// The certificates a reminder makes sense for: end-entity certificates not yet expired
/// (a revoked one gets a reminder to replace it, today).
fn needs_reminder(view: &CertificateView) -> bool {
    !view.is_ca && view.status != Status::Expired
}

/// The day the renewal should start: `lead_days` before expiry, or today when that day
/// has already passed (a reminder in the past would go unseen) or the certificate is revoked.
pub fn renewal_date(view: &CertificateView, lead_days: i64, now: DateTime<Utc>) -> NaiveDate {
    if view.status == Status::Revoked {
        return now.date_naive();
    }
    let ideal = (view.usable_until - Duration::days(lead_days)).date_naive();
    ideal.max(now.date_naive())
}

/// One line on the certificate's revocation status, as last checked.
fn revocation_text(view: &CertificateView, en: bool) -> String {
    let r = &view.revocation;
    let day = |d: Option<DateTime<Utc>>| d.map(|d| d.format("%d/%m/%Y %H:%M UTC").to_string()).unwrap_or_else(|| "?".into());
    let source = r.source.map(|s| format!(" ({})", enum_text(&s).to_uppercase())).unwrap_or_default();
    match r.state {
        RevocationState::Good if en => format!("Revocation: not revoked{source}, checked {}", day(r.checked_at)),
        RevocationState::Good => format!("Révocation : non révoqué{source}, vérifié le {}", day(r.checked_at)),
        RevocationState::Revoked => {
            let reason = r.reason.map(|reason| if en { enum_text(&reason).replace('_', " ") } else { reason.label_fr().to_string() }).unwrap_or_default();
            if en {
                format!("Revocation: REVOKED on {} (reason: {reason}){source}", day(r.revoked_at))
            } else {
                format!("Révocation : RÉVOQUÉ le {} (motif : {reason}){source}", day(r.revoked_at))
            }
        }
        RevocationState::Unknown => {
            let why = r.error.as_ref().map(|e| format!(" ({})", e.code)).unwrap_or_default();
            if en {
                format!("Revocation: unknown{why}")
            } else {
                format!("Révocation : inconnue{why}")
            }
        }
    }
}

fn profile_text(view: &CertificateView) -> String {
    match (view.offer, view.usage) {
        (Some(offer), Some(usage)) => format!("{} {}", offer.as_str(), usage.as_str()),
        _ => String::new(),
    }
}

fn name_of(view: &CertificateView) -> &str {
    view.cn.as_deref().unwrap_or(&view.subject)
}

/// An iCalendar document with one all-day event per certificate to renew, on the day its
/// renewal should start, with a reminder at 9:00 that day. Each event's UID is derived
/// from the certificate, so importing a newer export updates the events instead of
/// duplicating them.
pub fn calendar(views: &[CertificateView], lead_days: i64, language: &str, now: DateTime<Utc>) -> String {
    let en = is_english(language);
    let mut out = String::new();
    let mut line = |text: &str| push_folded(&mut out, text);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line(&format!("PRODID:-//CertiSanté//CertiSanté {}//{}", env!("CARGO_PKG_VERSION"), if en { "EN" } else { "FR" }));
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line(&format!("X-WR-CALNAME:{}", escape(if en { "CertiSanté: certificate renewals" } else { "CertiSanté : renouvellements de certificats" })));
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    for view in views.iter().filter(|v| needs_reminder(v)) {
        let start = renewal_date(view, lead_days, now);
        let expiry = view.not_after.format("%d/%m/%Y");
        let key_end = view.private_key_usage_end.filter(|end| *end < view.not_after);
        let profile = profile_text(view);
        let name = name_of(view);
        let profile = if profile.is_empty() { String::new() } else { format!(" ({profile})") };
        let summary = match (view.status == Status::Revoked, en) {
            (false, true) => format!("Renew the certificate {name}{profile}"),
            (false, false) => format!("Renouveler le certificat {name}{profile}"),
            (true, true) => format!("Replace the revoked certificate {name}{profile}"),
            (true, false) => format!("Remplacer le certificat révoqué {name}{profile}"),
        };
        let mut description = Vec::new();
        if en {
            description.push(format!("The certificate {name} expires on {expiry} (UTC {}).", view.not_after.format("%Y-%m-%d %H:%M")));
            if let Some(end) = key_end {
                description.push(format!(
                    "Its key may no longer sign after {} (UTC {}): renew it before that day.",
                    end.format("%d/%m/%Y"),
                    end.format("%Y-%m-%d %H:%M")
                ));
            }
            description.push("Order its renewal on the IGC-Santé platform with the card, then import and install it with CertiSanté.".to_string());
            description.push(format!("ANS renews a certificate only while it is active: after {expiry}, a new order is needed."));
        } else {
            description.push(format!("Le certificat {name} expire le {expiry} (UTC {}).", view.not_after.format("%Y-%m-%d %H:%M")));
            if let Some(end) = key_end {
                description.push(format!(
                    "Sa clé ne pourra plus signer après le {} (UTC {}) : renouvelez-le avant.",
                    end.format("%d/%m/%Y"),
                    end.format("%Y-%m-%d %H:%M")
                ));
            }
            description
                .push("Commandez son renouvellement sur la plateforme IGC-Santé avec la carte, puis importez-le et installez-le avec CertiSanté.".to_string());
            description.push(format!("L'ANS ne renouvelle un certificat que tant qu'il est actif : après le {expiry}, il faudra une nouvelle commande."));
        }
        description.push(revocation_text(view, en));
        if let Some(org) = &view.organization {
            description.push(format!(
                "{}{org}{}",
                if en { "Organisation: " } else { "Structure : " },
                view.structure_id.as_deref().map(|s| format!(" ({s})")).unwrap_or_default()
            ));
        }
        if !view.paths.is_empty() {
            description.push(format!("{}{}", if en { "Found in: " } else { "Emplacement : " }, view.paths.join(", ")));
        }
        description.push(format!("SHA-256 : {}", view.sha256));
        line("BEGIN:VEVENT");
        line(&format!("UID:{}-renewal@certisante", view.sha256));
        line(&format!("DTSTAMP:{stamp}"));
        line(&format!("DTSTART;VALUE=DATE:{}", start.format("%Y%m%d")));
        line(&format!("DTEND;VALUE=DATE:{}", (start + Duration::days(1)).format("%Y%m%d")));
        line(&format!("SUMMARY:{}", escape(&summary)));
        line(&format!("X-CERTISANTE-REVOCATION:{}", enum_text(&view.revocation.state)));
        line(&format!("DESCRIPTION:{}", escape(&description.join("\n"))));
        line("CATEGORIES:CertiSanté");
        line("TRANSP:TRANSPARENT");
        line("BEGIN:VALARM");
        line("ACTION:DISPLAY");
        line(&format!("DESCRIPTION:{}", escape(&summary)));
        line("TRIGGER;RELATED=START:PT9H");
        line("END:VALARM");
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

/// RFC 5545 TEXT escaping.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line folded at 75 octets (never inside a UTF-8 character), CRLF-ended.
fn push_folded(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

/// The dashboard as CSV: one line per certificate, semicolon-separated, dates ISO 8601,
/// UTF-8 with a byte order mark (Excel in French reads it right). Cells that a spreadsheet
/// would take for a formula are prefixed with an apostrophe.
pub fn csv(views: &[CertificateView], language: &str) -> String {
    let en = is_english(language);
    let header: &[&str] = if en {
        &[
            "common_name",
            "organisation",
            "structure_id",
            "environment",
            "offer",
            "usage",
            "not_before",
            "not_after",
            "usable_until",
            "days_left",
            "status",
            "revocation",
            "revoked_at",
            "revocation_reason",
            "revocation_checked_at",
            "private_key",
            "sha256",
            "issuer",
            "places",
        ]
    } else {
        &[
            "nom_commun",
            "structure",
            "identifiant_structure",
            "environnement",
            "offre",
            "usage",
            "debut_validite",
            "fin_validite",
            "utilisable_jusqu_au",
            "jours_restants",
            "statut",
            "revocation",
            "revoque_le",
            "motif_revocation",
            "revocation_verifiee_le",
            "cle_privee",
            "sha256",
            "emetteur",
            "emplacements",
        ]
    };
    let mut out = String::from("\u{feff}");
    push_csv_row(&mut out, header.iter().map(|h| h.to_string()));
    let date = |d: Option<DateTime<Utc>>| d.map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string()).unwrap_or_default();
    for v in views {
        let revocation = &v.revocation;
        push_csv_row(
            &mut out,
            [
                v.cn.clone().unwrap_or_default(),
                v.organization.clone().unwrap_or_default(),
                v.structure_id.clone().unwrap_or_default(),
                enum_text(&v.environment),
                v.offer.map(|o| o.as_str().to_string()).unwrap_or_default(),
                v.usage.map(|u| u.as_str().to_string()).unwrap_or_default(),
                date(Some(v.not_before)),
                date(Some(v.not_after)),
                date(Some(v.usable_until)),
                v.days_left.to_string(),
                enum_text(&v.status),
                enum_text(&revocation.state),
                date(revocation.revoked_at),
                revocation.reason.as_ref().map(enum_text).unwrap_or_default(),
                date(revocation.checked_at),
                if v.has_private_key { "1".into() } else { "0".into() },
                v.sha256.clone(),
                v.issuer.clone(),
                v.paths.join(" | "),
            ]
            .into_iter(),
        );
    }
    out
}

fn push_csv_row(out: &mut String, cells: impl Iterator<Item = String>) {
    let mut first = true;
    for cell in cells {
        if !first {
            out.push(';');
        }
        first = false;
        let cell = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err() { format!("'{cell}") } else { cell };
        if cell.contains([';', '"', '\n', '\r']) || cell.starts_with(' ') || cell.ends_with(' ') {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&cell);
        }
    }
    out.push_str("\r\n");
}

fn enum_text<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// The export's text in the given format.
pub fn render(report: &ScanReport, format: ExportFormat, language: &str, now: DateTime<Utc>) -> Result<String, ExportError> {
    Ok(match format {
        ExportFormat::Ics => calendar(&report.certificates, crate::igc::profiles().renewal.lead_days, language, now),
        ExportFormat::Csv => csv(&report.certificates, language),
        ExportFormat::Json => {
            let mut text = serde_json::to_string_pretty(report).map_err(|e| ExportError::Serialize(e.to_string()))?;
            text.push('\n');
            text
        }
    })
}

/// Writes an export atomically: the file is either the previous one or the whole new one.
pub fn write(path: &Path, text: &str) -> Result<(), ExportError> {
    Ok(crate::install::write_file_atomically(path, text.as_bytes(), false, true)?)
}

/// The registry's dashboard, in the user's language and thresholds, written to `path`.
pub fn export_registry(registry: &crate::registry::Registry, format: ExportFormat, path: &Path) -> Result<(), ExportError> {
    let settings = registry.settings()?;
    let options = crate::inventory::ScanOptions { thresholds: settings.thresholds, ..Default::default() };
    let report = registry.list(&options)?;
    write(path, &render(&report, format, &settings.language, Utc::now())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_never_splits_a_character_and_keeps_lines_within_75_octets() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "é".repeat(100));
        push_folded(&mut out, &long);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, long);
    }

    #[test]
    fn text_escaping_follows_rfc_5545() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn csv_cells_are_quoted_and_formulas_neutralised() {
        let mut out = String::new();
        push_csv_row(&mut out, ["a;b".to_string(), "say \"hi\"".into(), "=cmd()".into(), "-3".into(), "plain".into()].into_iter());
        assert_eq!(out, "\"a;b\";\"say \"\"hi\"\"\";'=cmd();-3;plain\r\n");
    }
}
