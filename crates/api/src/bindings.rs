//! TypeScript declarations of every type that crosses the UI boundary, the command table,
//! and the codes the UI must translate. `tests/bindings.rs` fails when
//! `ui/src/lib/bindings/` differs from this.

use ts_rs::TS;

use crate::model::*;

/// Every generated file, by name, sorted.
pub fn typescript_bindings() -> std::io::Result<Vec<(String, String)>> {
    let dir = std::env::temp_dir().join(format!("certisante-bindings-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let export = |r: Result<(), ts_rs::ExportError>| r.map_err(|e| std::io::Error::other(e.to_string()));
    export(Dashboard::export_all_to(&dir))?;
    export(ApiError::export_all_to(&dir))?;
    export(Pkcs12Check::export_all_to(&dir))?;
    export(ExportFormat::export_all_to(&dir))?;
    export(ScanProgress::export_all_to(&dir))?;
    export(ScanReport::export_all_to(&dir))?;
    export(ScanSummary::export_all_to(&dir))?;
    export(CardStatus::export_all_to(&dir))?;
    export(CardCheck::export_all_to(&dir))?;
    export(CardEvent::export_all_to(&dir))?;
    export(DoctorReport::export_all_to(&dir))?;
    export(OrderRequest::export_all_to(&dir))?;
    export(RuleViolation::export_all_to(&dir))?;
    export(SubjectFields::export_all_to(&dir))?;
    export(P12Encryption::export_all_to(&dir))?;
    export(WindowsStore::export_all_to(&dir))?;
    export(AuditEntry::export_all_to(&dir))?;
    export(AuditVerdict::export_all_to(&dir))?;
    export(SecretKind::export_all_to(&dir))?;
    export(Order::export_all_to(&dir))?;
    export(OrderOptions::export_all_to(&dir))?;
    export(ImportOutcome::export_all_to(&dir))?;
    export(InstallRequest::export_all_to(&dir))?;
    export(InstallChoices::export_all_to(&dir))?;
    export(RevocationReason::export_all_to(&dir))?;
    export(RefreshSummary::export_all_to(&dir))?;
    export(RevocationProgress::export_all_to(&dir))?;
    export(Procedure::export_all_to(&dir))?;
    export(Teleservice::export_all_to(&dir))?;
    export(Habilitation::export_all_to(&dir))?;
    export(HabilitationCheck::export_all_to(&dir))?;
    export(GroupView::export_all_to(&dir))?;
    export(GroupCertificateDetails::export_all_to(&dir))?;
    export(GroupSettings::export_all_to(&dir))?;
    export(PublishSummary::export_all_to(&dir))?;
    export(GroupListing::export_all_to(&dir))?;
    export(DeliveryReport::export_all_to(&dir))?;
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        files.push((name, std::fs::read_to_string(&path)?));
    }
    std::fs::remove_dir_all(&dir)?;
    files.push(("Commands.ts".into(), crate::commands::typescript()));
    files.push(("codes.ts".into(), codes_module()));
    files.push(("errorTexts.ts".into(), crate::messages::typescript()));
    files.push(("defaults.ts".into(), defaults_module()));
    files.sort();
    Ok(files)
}

/// `defaults.ts`: the defaults the UI shows before any setting is saved (from the data), and
/// the back end's rules the alert form checks before sending (the SMTP ports, webhook names).
fn defaults_module() -> String {
    use certisante_store::notify::{MailSecurity, WEBHOOK_NAME_MAX, WEBHOOK_NAME_PUNCTUATION};
    let settings = Settings::default();
    let ports: Vec<String> = [MailSecurity::Starttls, MailSecurity::Tls, MailSecurity::Plain]
        .iter()
        .map(|s| format!("{}: {}", serde_json::to_value(s).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(), s.default_port()))
        .collect();
    // Inside a character class `.` and `_` are themselves, and so is `-` when last.
    let mut punctuation: Vec<char> = WEBHOOK_NAME_PUNCTUATION.chars().collect();
    punctuation.sort_by_key(|c| *c == '-');
    let punctuation: String = punctuation.into_iter().collect();
    format!(
        "// Generated from crates/api/src/bindings.rs: do not edit. Defaults from the profile data and the back end's rules.\n\
         export const DEFAULT_ALERT_DAYS: readonly number[] = {:?};\n\
         export const DEFAULT_RENEWAL_LEAD_DAYS = {};\n\
         /** The SMTP port used when none is given (`MailSecurity::default_port`). */\n\
         export const DEFAULT_MAIL_PORTS = {{ {} }} as const;\n\
         /** A webhook's name as the back end accepts it (`check_webhook_name`). */\n\
         export const WEBHOOK_NAME_PATTERN = /^[A-Za-z0-9{}]{{1,{}}}$/;\n",
        settings.alert_days,
        crate::renewal_lead_days(),
        ports.join(", "),
        punctuation,
        WEBHOOK_NAME_MAX
    )
}

/// `codes.ts`: every code the back end (and the UI itself) can give.
fn codes_module() -> String {
    let codes: Vec<String> = crate::error::all_codes().iter().map(|c| format!("  '{c}',\n")).collect();
    format!(
        "// Generated from crates/api/src/error.rs: do not edit. Every error and warning code; the UI has a\n// French and an English text for each (i18n.test.ts).\nexport const ERROR_CODES = [\n{}] as const;\n\nexport type ErrorCode = (typeof ERROR_CODES)[number];\n",
        codes.concat()
    )
}
