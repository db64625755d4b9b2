//! Alerts that reach people and systems beyond this desktop: e-mail (SMTP, to shared
//! mailboxes and to each establishment's recipients) and webhooks (a JSON POST with a
//! `text` field, as Teams, Mattermost and Slack incoming webhooks take it).
//!
//! Every message goes through the alert claims (`alerts::claim_on`), one channel per
//! recipient and per webhook: each threshold of each certificate reaches each of them
//! once, whichever process sends it (the app, the CLI, the scheduled `watch`). A message
//! that does not go out is released (sent again at the next run) and the channel's last
//! failure is kept (`alert_delivery_failures`) for the app and the CLI to show, until a
//! message goes out on that channel again.
//!
//! Secrets: the SMTP password and each webhook's URL (its token is in it) live in the OS
//! keystore, never in the settings, the audit log or a message. Their entries are named
//! `smtp-password/mail-<random>` and `webhook-url/<name>-<random>`, the random part drawn
//! once per registry and kept in the settings (`keystore_id`): two registries of one
//! account (a second data folder) never share or overwrite each other's secrets. A
//! service without a keystore (systemd) may hand them as credentials instead:
//! `$CREDENTIALS_DIRECTORY/smtp-password`, `$CREDENTIALS_DIRECTORY/webhook-url-<name>`.

pub mod mail;
mod message;
pub mod webhook;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::alerts::{self, Alert, Channel};
use crate::inventory::ScanOptions;
use crate::keys::{Keystore, KeystoreError, SecretKind, SecretName};
use crate::registry::{Registry, RegistryError};
use crate::settings::Settings;
use crate::view::CertificateView;
use crate::Sensitive;

pub use mail::MailOptions;
pub use webhook::WebhookOptions;

/// The table of the last failure per channel, the registry's migration 9.
pub(crate) const SCHEMA: crate::registry::Migration = crate::registry::Migration { owner: "notify", sql: include_str!("deliveries.sql") };

// ---------------------------------------------------------------- settings

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MailSecurity {
    /// Plain SMTP upgraded with STARTTLS, required (port 587 by default): a server that does
    /// not offer it is refused before anything is sent.
    Starttls,
    /// TLS from the first byte (SMTPS, port 465 by default).
    Tls,
    /// No TLS (an internal relay on port 25): allowed only without a login, so that no
    /// password ever travels in clear.
    Plain,
}

impl MailSecurity {
    pub fn default_port(self) -> u16 {
        match self {
            Self::Starttls => 587,
            Self::Tls => 465,
            Self::Plain => 25,
        }
    }
}

/// E-mail alerts: the server, the sender, the recipients. The password is in the OS
/// keystore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MailSettings {
    /// The SMTP server's name or address.
    pub host: String,
    /// Its port; none: the usual one for `security` (587, 465, 25).
    #[ts(type = "number | null")]
    pub port: Option<u16>,
    pub security: MailSecurity,
    /// The account to log in with; none: no login (a relay that trusts this workstation).
    pub username: Option<String>,
    /// The sender: `alertes@ch-exemple.fr` or `CertiSanté <alertes@ch-exemple.fr>`.
    pub from: String,
    /// Shared mailboxes, told about every certificate (ANS advises one, so that a warning
    /// does not depend on one person).
    pub recipients: Vec<String>,
    /// Recipients per establishment (structure identifier: the OU, FINESS or SIRET), told
    /// about that establishment's certificates.
    #[serde(default)]
    pub recipients_by_structure: BTreeMap<String, Vec<String>>,
    /// A PEM file of extra trust anchors for the server's certificate (an internal CA);
    /// the operating system's are trusted as well.
    #[serde(default)]
    pub ca_file: Option<String>,
    /// The id of the password's keystore entry (set by the API when a login is saved;
    /// what a front end sends here is ignored).
    #[serde(default)]
    pub keystore_id: Option<String>,
}

impl MailSettings {
    pub fn port(&self) -> u16 {
        self.port.unwrap_or_else(|| self.security.default_port())
    }

    /// Every recipient once (compared without case), shared mailboxes first.
    pub fn all_recipients(&self) -> Vec<String> {
        let mut seen = BTreeSet::new();
        self.recipients
            .iter()
            .chain(self.recipients_by_structure.values().flatten())
            .filter(|address| seen.insert(address.trim().to_lowercase()))
            .map(|address| address.trim().to_owned())
            .collect()
    }

    /// Checks what can be checked without the network: addresses, host, port, and no login
    /// without TLS.
    pub fn validate(&self) -> Result<()> {
        let invalid = |why: String| Err(NotifyError::InvalidMailSettings(why));
        let host = self.host.trim();
        if host.is_empty() || host.len() > 253 || host.chars().any(|c| c.is_whitespace() || c.is_control() || c == '/') {
            return invalid(format!("server name {:?}", self.host));
        }
        if self.port == Some(0) {
            return invalid("port 0".into());
        }
        if self.security == MailSecurity::Plain && self.username.is_some() {
            return Err(NotifyError::LoginWithoutTls);
        }
        if self.username.as_deref().is_some_and(|u| u.trim().is_empty() || u.chars().any(char::is_control)) {
            return invalid("empty login".into());
        }
        mail::parse_sender(&self.from)?;
        for address in self.recipients.iter().chain(self.recipients_by_structure.values().flatten()) {
            mail::parse_address(address)?;
        }
        for (structure, addresses) in &self.recipients_by_structure {
            if structure.trim().is_empty() {
                return invalid("recipients of an establishment need its structure identifier".into());
            }
            if addresses.is_empty() {
                return invalid(format!("no recipient for the establishment {structure}"));
            }
        }
        if self.all_recipients().is_empty() {
            return Err(NotifyError::NoRecipient);
        }
        if let Some(path) = &self.ca_file {
            check_ca_file_path(path)?;
        }
        Ok(())
    }
}

/// One webhook. Its URL is in the OS keystore (a token is in it); `host` is what may be
/// shown of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WebhookSettings {
    /// The webhook's name, its channel: `teams-dsi`, `mattermost`... Letters, digits, `-`,
    /// `_`, `.`, at most 64.
    pub name: String,
    /// The URL's host, for display.
    pub host: String,
    /// A PEM file of extra trust anchors for an internal server; the OS's are trusted too.
    #[serde(default)]
    pub ca_file: Option<String>,
    /// The id of the URL's keystore entry (set by the API).
    #[serde(default)]
    pub keystore_id: String,
}

/// A webhook's name: ASCII letters, digits and these, at most WEBHOOK_NAME_MAX bytes (the UI's
/// check is generated from both: `ui/src/lib/bindings/defaults.ts`).
pub const WEBHOOK_NAME_PUNCTUATION: &str = "-_.";
pub const WEBHOOK_NAME_MAX: usize = 64;

/// Checks a webhook's name (it names its channel and its keystore entry).
pub fn check_webhook_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= WEBHOOK_NAME_MAX
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || WEBHOOK_NAME_PUNCTUATION.as_bytes().contains(&b));
    if ok {
        Ok(())
    } else {
        Err(NotifyError::InvalidWebhook(format!("name {name:?}: letters, digits, '-', '_' and '.', 64 at most")))
    }
}

/// Checks the path of a trust anchors file (`ca_file`): a full path, since the app, the CLI
/// and the scheduled task each run in a folder of their own.
pub fn check_ca_file_path(path: &str) -> Result<()> {
    if path.trim().is_empty() || !Path::new(path).is_absolute() {
        return Err(NotifyError::CaFileNotFullPath(path.into()));
    }
    Ok(())
}

/// Checks that a trust anchors file can be used now, read and parsed as sending does (when
/// it is set: a typo or a wrong file is told at once, not at the first alert).
pub fn check_ca_file(path: &str) -> Result<()> {
    check_ca_file_path(path)?;
    if webhook::ca_anchors(path)?.is_empty() {
        return Err(NotifyError::CaFile { path: path.into(), reason: "no PEM certificate in it".into() });
    }
    Ok(())
}

/// Checks the webhooks of a settings document: valid names, each once, full CA paths.
pub fn check_webhooks(webhooks: &[WebhookSettings]) -> Result<()> {
    let mut seen = BTreeSet::new();
    for webhook in webhooks {
        check_webhook_name(&webhook.name)?;
        if let Some(path) = &webhook.ca_file {
            check_ca_file_path(path)?;
        }
        if !seen.insert(webhook.name.as_str()) {
            return Err(NotifyError::InvalidWebhook(format!("{} is named twice", webhook.name)));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- errors

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("e-mail alerts are not configured")]
    MailNotConfigured,
    #[error("no webhook named {0}")]
    UnknownWebhook(String),
    #[error("invalid e-mail settings: {0}")]
    InvalidMailSettings(String),
    #[error("a login needs TLS (STARTTLS or implicit TLS): a password is never sent in clear")]
    LoginWithoutTls,
    #[error("no recipient: give at least one address")]
    NoRecipient,
    #[error("not a valid e-mail address: {0}")]
    InvalidAddress(String),
    #[error("invalid webhook: {0}")]
    InvalidWebhook(String),
    #[error("the webhook's address must use https (plain http only to this machine): its token would travel in clear")]
    WebhookNotHttps,
    #[error("the SMTP password of {0} is not in the OS keystore: set it again")]
    PasswordMissing(String),
    #[error("the URL of webhook {0} is not in the OS keystore: add the webhook again")]
    WebhookUrlMissing(String),
    #[error("the trust anchors file {path} cannot be used: {reason}")]
    CaFile { path: String, reason: String },
    #[error("the trust anchors file {0:?} must be given by its full path")]
    CaFileNotFullPath(String),
    #[error("the SMTP server {server} cannot be reached: {reason}")]
    MailUnreachable { server: String, reason: String },
    #[error("the SMTP server {server} did not answer in time")]
    MailTimeout { server: String },
    #[error("secure connection to the SMTP server {server} failed: {reason}")]
    MailTls { server: String, reason: String },
    #[error("the SMTP server {server} refused the login: {reply}")]
    MailAuthRefused { server: String, reply: String },
    #[error("the SMTP server {server} requires a login: {reply}")]
    MailAuthRequired { server: String, reply: String },
    #[error("the SMTP server {server} refused the message to {recipient}: {reply}")]
    MailRejected { server: String, recipient: String, reply: String },
    #[error("the SMTP server {server} deferred the message to {recipient}: {reply}")]
    MailDeferred { server: String, recipient: String, reply: String },
    #[error("the e-mail could not be sent through {server}: {reason}")]
    MailFailed { server: String, reason: String },
    #[error("webhook {name} ({host}) cannot be reached: {reason}")]
    WebhookUnreachable { name: String, host: String, reason: String },
    #[error("webhook {name} ({host}) did not answer in time")]
    WebhookTimeout { name: String, host: String },
    #[error("webhook {name} ({host}) answered HTTP {status}")]
    WebhookStatus { name: String, host: String, status: u16 },
    #[error("the delivery records cannot be used: {0}")]
    Database(#[from] rusqlite::Error),
    #[error(transparent)]
    Keystore(#[from] KeystoreError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Alerts(#[from] alerts::AlertsError),
}

certisante_pki::error_codes!(NotifyError {
    Self::MailNotConfigured => "notify.mail_not_configured",
    Self::UnknownWebhook(_) => "notify.webhook_unknown",
    Self::InvalidMailSettings(_) => "notify.invalid_mail_settings",
    Self::LoginWithoutTls => "notify.login_without_tls",
    Self::NoRecipient => "notify.no_recipient",
    Self::InvalidAddress(_) => "notify.invalid_address",
    Self::InvalidWebhook(_) => "notify.invalid_webhook",
    Self::WebhookNotHttps => "notify.webhook_not_https",
    Self::PasswordMissing(_) => "notify.password_missing",
    Self::WebhookUrlMissing(_) => "notify.webhook_url_missing",
    Self::CaFile { .. } => "notify.ca_file",
    Self::CaFileNotFullPath(_) => "notify.ca_file_not_full_path",
    Self::MailUnreachable { .. } => "notify.mail_unreachable",
    Self::MailTimeout { .. } => "notify.mail_timeout",
    Self::MailTls { .. } => "notify.mail_tls",
    Self::MailAuthRefused { .. } => "notify.mail_auth_refused",
    Self::MailAuthRequired { .. } => "notify.mail_auth_required",
    Self::MailRejected { .. } => "notify.mail_rejected",
    Self::MailDeferred { .. } => "notify.mail_deferred",
    Self::MailFailed { .. } => "notify.mail_failed",
    Self::WebhookUnreachable { .. } => "notify.webhook_unreachable",
    Self::WebhookTimeout { .. } => "notify.webhook_timeout",
    Self::WebhookStatus { .. } => "notify.webhook_status",
    Self::Database(_) => "notify.database",
} wraps {
    Keystore(KeystoreError),
    Registry(RegistryError),
    Alerts(alerts::AlertsError),
});

impl NotifyError {
    /// A failure of the server or of this workstation's settings, not of one message: the
    /// other messages of the pass would fail the same way, so they are not tried.
    fn stops_the_channel(&self) -> bool {
        !matches!(self, Self::MailRejected { .. } | Self::MailDeferred { .. })
    }
}

type Result<T> = std::result::Result<T, NotifyError>;

// ---------------------------------------------------------------- secrets

/// A new keystore id: `prefix-` and 16 random hexadecimal digits.
pub fn new_keystore_id(prefix: &str) -> String {
    let mut bytes = [0u8; 8];
    // Without the OS's randomness the time is unique enough for a name (not a secret).
    if getrandom::fill(&mut bytes).is_err() {
        bytes = (Utc::now().timestamp_nanos_opt().unwrap_or_default() as u64).to_le_bytes();
    }
    format!("{prefix}-{}", hex::encode(bytes))
}

/// The keystore entry of the SMTP password.
pub fn smtp_password_name(keystore_id: &str) -> SecretName {
    SecretName::new(SecretKind::SmtpPassword, keystore_id)
}

/// The keystore entry of a webhook's URL.
pub fn webhook_url_name(keystore_id: &str) -> SecretName {
    SecretName::new(SecretKind::WebhookUrl, keystore_id)
}

/// A secret of the alert settings: a systemd credential when the service was given one,
/// else the OS keystore.
fn secret(keystore: &dyn Keystore, name: &SecretName, credential: &str) -> Result<Option<Sensitive<String>>> {
    if let Some(dir) = std::env::var_os("CREDENTIALS_DIRECTORY").filter(|d| !d.is_empty()) {
        let path = Path::new(&dir).join(credential);
        if path.is_file() {
            let text = crate::files::read_secret_file(&path).map_err(|e| KeystoreError::Failed { detail: format!("{credential}: {e}") })?;
            return Ok(Some(text));
        }
    }
    Ok(keystore.get(name)?.map(|bytes| Sensitive::new(String::from_utf8_lossy(bytes.expose()).trim_end_matches(['\r', '\n']).to_owned())))
}

pub(crate) fn smtp_password(keystore: &dyn Keystore, settings: &MailSettings) -> Result<Option<Sensitive<String>>> {
    match &settings.keystore_id {
        Some(id) => secret(keystore, &smtp_password_name(id), "smtp-password"),
        None => Ok(None),
    }
}

pub(crate) fn webhook_url(keystore: &dyn Keystore, webhook: &WebhookSettings) -> Result<Sensitive<String>> {
    let missing = || NotifyError::WebhookUrlMissing(webhook.name.clone());
    if webhook.keystore_id.is_empty() {
        return Err(missing());
    }
    secret(keystore, &webhook_url_name(&webhook.keystore_id), &format!("webhook-url-{}", webhook.name))?.ok_or_else(missing)
}

/// Reads a PEM file of extra trust anchors (bounded: a few certificates).
fn read_ca_file(path: &str) -> Result<Vec<u8>> {
    const MAX_CA_FILE: u64 = 1024 * 1024;
    crate::files::read_bounded(Path::new(path), MAX_CA_FILE).map_err(|e| NotifyError::CaFile { path: path.into(), reason: e.to_string() })
}

// ---------------------------------------------------------------- reports

/// One alert that went out on one channel.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Delivery {
    /// `mail:<address>` or `webhook:<name>`.
    pub channel: String,
    pub sha256: String,
    pub cn: String,
    #[ts(type = "number")]
    pub threshold_days: i64,
    #[ts(type = "number")]
    pub days_left: i64,
}

/// One alert that did not go out (it is tried again at the next run).
#[derive(Debug, Clone, Serialize, TS)]
pub struct FailedDelivery {
    pub channel: String,
    pub sha256: String,
    pub cn: String,
    #[ts(type = "number")]
    pub threshold_days: i64,
    pub code: String,
    pub message: String,
}

/// What a sending pass did.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct DeliveryReport {
    pub sent: Vec<Delivery>,
    pub failed: Vec<FailedDelivery>,
}

/// The last failure of a channel still configured, until a message goes out on it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DeliveryFailure {
    pub channel: String,
    pub code: String,
    pub message: String,
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
    /// When this channel started failing.
    #[ts(type = "string")]
    pub since: DateTime<Utc>,
    /// Alerts that did not go out at the last try.
    pub pending: u32,
}

// ---------------------------------------------------------------- sending

/// What a pass needs besides the registry: the keystore and the bounds.
pub struct SendOptions {
    pub mail: MailOptions,
    pub webhook: WebhookOptions,
    /// This workstation's name, told in every message.
    pub workstation: String,
    /// Extra trust anchors the listing classifies with (as `ScanOptions::extra_anchors`;
    /// by default `CERTISANTE_EXTRA_ANCHORS`): a message names the certificate's profile.
    pub extra_anchors: Option<std::path::PathBuf>,
}

impl Default for SendOptions {
    fn default() -> Self {
        Self {
            mail: MailOptions::default(),
            webhook: WebhookOptions::default(),
            workstation: workstation_name(),
            extra_anchors: crate::trust::extra_anchors_from_env(),
        }
    }
}

/// This computer's name (the workstation messages and metrics speak of).
pub fn workstation_name() -> String {
    hostname::get().ok().and_then(|h| h.into_string().ok()).unwrap_or_default()
}

/// Sends the alerts due by e-mail and webhook, each channel claiming its own thresholds.
/// A message that fails is released (tried again at the next run) and its channel's
/// failure recorded; a failure of the server stops that channel for this pass.
pub fn send_due(registry: &Registry, keystore: &dyn Keystore, now: DateTime<Utc>, options: &SendOptions) -> Result<DeliveryReport> {
    let settings = registry.settings()?;
    let mut report = DeliveryReport::default();
    if settings.mail.is_none() && settings.webhooks.is_empty() {
        return Ok(report);
    }
    let listing =
        registry.list(&ScanOptions { thresholds: settings.thresholds, now, extra_anchors: options.extra_anchors.clone(), ..ScanOptions::default() })?;
    let certificates = &listing.certificates;
    let by_hash: HashMap<&str, &CertificateView> = certificates.iter().map(|c| (c.sha256.as_str(), c)).collect();

    if let Some(mail_settings) = &settings.mail {
        // The sender is made once, and only when a message is due (no keystore access and
        // no connection otherwise). A failure of the server stops every recipient's
        // messages for this pass.
        let mut mailer: Option<Result<mail::Mailer>> = None;
        let mut stopped: Option<Coded> = None;
        for recipient in mail_settings.all_recipients() {
            let channel = Channel::mail(&recipient);
            let concerned: Vec<CertificateView> = certificates.iter().filter(|c| concerns(mail_settings, &recipient, c)).cloned().collect();
            let due = alerts::due_on(registry, &channel, &concerned, &settings, now)?;
            let won = alerts::claim_on(registry, &channel, &due, now)?;
            let mut failures = Vec::new();
            for alert in &won {
                let outcome = match &stopped {
                    Some(coded) => Err(coded.clone()),
                    None => match mailer.get_or_insert_with(|| mail::Mailer::new(mail_settings, keystore, &options.mail)) {
                        Err(error) => Err(coded(error)),
                        Ok(sender) => {
                            let text = message::Notice::new(alert, by_hash[alert.sha256.as_str()], &settings, &options.workstation);
                            match sender.send(&recipient, &text.mail_subject(), &text.mail_body(), &alert.sha256) {
                                Ok(()) => Ok(()),
                                Err(error) => {
                                    if error.stops_the_channel() {
                                        stopped = Some(coded(&error));
                                    }
                                    Err(coded(&error))
                                }
                            }
                        }
                    },
                };
                record(registry, &channel, alert, outcome, now, &mut report, &mut failures)?;
            }
            settle(registry, &channel, &due, &won, failures, now)?;
        }
    }

    for webhook_settings in &settings.webhooks {
        let channel = Channel::webhook(&webhook_settings.name);
        let due = alerts::due_on(registry, &channel, certificates, &settings, now)?;
        let won = alerts::claim_on(registry, &channel, &due, now)?;
        let mut failures = Vec::new();
        // Retries are the webhook's own (bounded); once they are spent, the rest waits
        // for the next run.
        let mut stopped: Option<Coded> = None;
        let mut url: Option<Result<Sensitive<String>>> = None;
        for alert in &won {
            let outcome = match &stopped {
                Some(coded) => Err(coded.clone()),
                None => match url.get_or_insert_with(|| webhook_url(keystore, webhook_settings)) {
                    Err(error) => Err(coded(error)),
                    Ok(url) => {
                        let text = message::Notice::new(alert, by_hash[alert.sha256.as_str()], &settings, &options.workstation);
                        webhook::post(webhook_settings, url, &text.webhook_payload(), &options.webhook).map_err(|error| {
                            stopped = Some(coded(&error));
                            coded(&error)
                        })
                    }
                },
            };
            record(registry, &channel, alert, outcome, now, &mut report, &mut failures)?;
        }
        settle(registry, &channel, &due, &won, failures, now)?;
    }
    Ok(report)
}

/// Whether `recipient` is told about `cert`: a shared mailbox about all, an
/// establishment's recipient about its own.
fn concerns(settings: &MailSettings, recipient: &str, cert: &CertificateView) -> bool {
    let same = |a: &String| a.trim().eq_ignore_ascii_case(recipient);
    settings.recipients.iter().any(same)
        || cert.structure_id.as_deref().and_then(|id| settings.recipients_by_structure.get(id)).is_some_and(|list| list.iter().any(same))
}

/// (code, message) of a failure, as the report and the failure record keep it.
type Coded = (String, String);

fn coded(error: &NotifyError) -> Coded {
    (error.code().to_owned(), error.to_string())
}

/// Confirms or releases one claimed alert and notes it in the report.
fn record(
    registry: &Registry,
    channel: &Channel,
    alert: &Alert,
    outcome: std::result::Result<(), Coded>,
    now: DateTime<Utc>,
    report: &mut DeliveryReport,
    failures: &mut Vec<Coded>,
) -> Result<()> {
    match outcome {
        Ok(()) => {
            alerts::confirm_on(registry, channel, std::slice::from_ref(alert), now)?;
            report.sent.push(Delivery {
                channel: channel.key(),
                sha256: alert.sha256.clone(),
                cn: alert.cn.clone(),
                threshold_days: alert.threshold_days,
                days_left: alert.days_left,
            });
        }
        Err((code, message)) => {
            alerts::release_on(registry, channel, std::slice::from_ref(alert))?;
            report.failed.push(FailedDelivery {
                channel: channel.key(),
                sha256: alert.sha256.clone(),
                cn: alert.cn.clone(),
                threshold_days: alert.threshold_days,
                code: code.clone(),
                message: message.clone(),
            });
            failures.push((code, message));
        }
    }
    Ok(())
}

/// The channel's failure record after a pass: the last failure kept when one happened,
/// forgotten when everything due went out (or nothing was due any more).
fn settle(registry: &Registry, channel: &Channel, due: &[Alert], won: &[Alert], failures: Vec<Coded>, now: DateTime<Utc>) -> Result<()> {
    let key = channel.key();
    match failures.last() {
        Some((code, message)) => registry.write(|tx| {
            tx.execute(
                "INSERT INTO alert_delivery_failures (channel, code, message, failed_at, first_failed_at, pending) VALUES (?1, ?2, ?3, ?4, ?4, ?5)
                 ON CONFLICT (channel) DO UPDATE SET code = excluded.code, message = excluded.message, failed_at = excluded.failed_at, pending = excluded.pending",
                params![key, code, message, now.to_rfc3339(), failures.len() as i64],
            )
        })?,
        // Another process holding the claims due here has them in hand: leave its record.
        None if won.len() == due.len() => registry.write(|tx| tx.execute("DELETE FROM alert_delivery_failures WHERE channel = ?1", [&key]))?,
        None => 0,
    };
    Ok(())
}

/// The last failure of each channel still configured.
pub fn failures(registry: &Registry) -> Result<Vec<DeliveryFailure>> {
    let settings = registry.settings()?;
    let mut configured: BTreeSet<String> = settings.webhooks.iter().map(|w| Channel::webhook(&w.name).key()).collect();
    if let Some(mail) = &settings.mail {
        configured.extend(mail.all_recipients().iter().map(|r| Channel::mail(r).key()));
    }
    let conn = registry.read();
    let mut statement = conn.prepare("SELECT channel, code, message, failed_at, first_failed_at, pending FROM alert_delivery_failures ORDER BY channel")?;
    let rows = statement.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?, r.get::<_, i64>(5)?))
    })?;
    let time = |text: &str| DateTime::parse_from_rfc3339(text).map(|d| d.with_timezone(&Utc)).unwrap_or_default();
    let mut out = Vec::new();
    for row in rows {
        let (channel, code, message, at, since, pending) = row?;
        if configured.contains(&channel) {
            out.push(DeliveryFailure { channel, code, message, at: time(&at), since: time(&since), pending: pending.clamp(0, u32::MAX as i64) as u32 });
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- tests of a configuration

/// Sends a test message to `to`, or to every recipient. Returns the addresses it went to.
pub fn test_mail(registry: &Registry, keystore: &dyn Keystore, to: Option<&str>, options: &SendOptions) -> Result<Vec<String>> {
    let settings = registry.settings()?;
    let mail_settings = settings.mail.as_ref().ok_or(NotifyError::MailNotConfigured)?;
    let recipients = match to {
        Some(address) => {
            mail::parse_address(address)?;
            vec![address.trim().to_owned()]
        }
        None => mail_settings.all_recipients(),
    };
    let sender = mail::Mailer::new(mail_settings, keystore, &options.mail)?;
    let (subject, body) = message::test_mail(&settings.language, &options.workstation, mail_settings);
    for recipient in &recipients {
        sender.send(recipient, &subject, &body, "test")?;
    }
    Ok(recipients)
}

/// Posts a test message to the webhook named `name`.
pub fn test_webhook(registry: &Registry, keystore: &dyn Keystore, name: &str, options: &SendOptions) -> Result<()> {
    let settings = registry.settings()?;
    let webhook_settings = settings.webhooks.iter().find(|w| w.name == name).ok_or_else(|| NotifyError::UnknownWebhook(name.to_owned()))?;
    let url = webhook_url(keystore, webhook_settings)?;
    webhook::post(webhook_settings, &url, &message::test_webhook(&settings.language, &options.workstation), &options.webhook)
}

/// The settings' alert configuration as it is kept when other settings are saved: only
/// the actions of this module change it.
pub fn keep_delivery_settings(stored: &Settings, incoming: &mut Settings) {
    incoming.mail = stored.mail.clone();
    incoming.webhooks = stored.webhooks.clone();
}
