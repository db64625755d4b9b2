//! Supervision: what reaches people and systems beyond the window. Metrics for Prometheus,
//! the Nagios status line, e-mail and webhook alerts and their settings, and the watching
//! pass a scheduled task runs without the app (`certisante watch`). Every action here is
//! an `Api` method (or a function without the registry), with the same policy and error
//! model as the rest.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use certisante_devices::desktop::{self, DesktopError};
use certisante_store::alerts::Alert;
use certisante_store::audit::{self, AuditAction};
use certisante_store::inventory::ScanOptions;
use certisante_store::metrics::{self, http};
use certisante_store::notify::{self, webhook, DeliveryFailure, DeliveryReport, MailSettings, NotifyError, SendOptions, WebhookSettings};

use crate::model::*;
use crate::policy::Access;
use crate::{Api, AppError, Host, Result};

/// The application's name in desktop notifications, and its desktop entry (its icon).
const APP_NAME: &str = "CertiSanté";
const DESKTOP_ENTRY: &str = "certisante";

// ---------------------------------------------------------------- Nagios

/// One Nagios-style line and its exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct NagiosStatus {
    pub line: String,
    pub code: u8,
}

/// The status of `report`'s certificates: the worst severity decides; nothing read is
/// UNKNOWN. `problems` (alerts that could not be sent, a step that failed) make an OK
/// status a WARNING and are named in the line.
pub fn nagios_status(report: &ScanReport, thresholds: Thresholds, problems: &[String]) -> NagiosStatus {
    let certs = &report.certificates;
    let count = |pred: &dyn Fn(&CertificateView) -> bool| certs.iter().filter(|c| pred(c)).count();
    let expired = count(&|c| c.status == Status::Expired);
    let critical = count(&|c| c.severity == Severity::Critical && c.status != Status::Expired);
    let warning = count(&|c| c.severity == Severity::Warning);
    let errors = report.errors.len();
    let soonest = certs.iter().filter(|c| c.status != Status::Expired).min_by_key(|c| c.days_left);
    let min_days = soonest.map(|c| c.days_left.to_string()).unwrap_or_default();
    let perf = format!(
        "certificates={} expired={expired} critical={critical} warning={warning} errors={errors} min_days_left={min_days};{};{}",
        certs.len(),
        thresholds.warn_days,
        thresholds.crit_days
    );
    let also = if problems.is_empty() { String::new() } else { format!("; {}", problems.join("; ")) };
    if certs.is_empty() {
        let why = if errors > 0 { format!("nothing could be read ({errors} errors)") } else { "no certificate found".into() };
        return NagiosStatus { line: format!("CERTISANTE UNKNOWN - {why}{also} | {perf}"), code: 3 };
    }
    let worst = certs.iter().map(|c| c.severity).max().unwrap_or(Severity::Ok);
    let name = |c: &CertificateView| c.cn.clone().unwrap_or_else(|| c.subject.clone());
    let (label, code) = match worst {
        Severity::Critical => ("CRITICAL", 2),
        Severity::Warning => ("WARNING", 1),
        Severity::Ok if !problems.is_empty() => ("WARNING", 1),
        Severity::Ok => ("OK", 0),
    };
    let detail = match (expired, soonest) {
        (0, Some(c)) => format!("{} certificates, soonest expiry in {} days ({})", certs.len(), c.days_left, name(c)),
        (n, _) => format!("{} certificates, {n} expired", certs.len()),
    };
    NagiosStatus { line: format!("CERTISANTE {label} - {detail}{also} | {perf}"), code }
}

// ---------------------------------------------------------------- metrics

/// The registry's metrics in Prometheus's text format.
fn registry_metrics(api: &Api) -> Result<String> {
    if api.group_configured()? {
        return group_metrics(api);
    }
    let start = Instant::now();
    let settings = api.registry.settings()?;
    let report = api.registry.list(&ScanOptions { thresholds: settings.thresholds, ..ScanOptions::default() })?;
    let sources = api.registry.source_health()?;
    Ok(metrics::render(&report.certificates, &sources, &notify::workstation_name(), start.elapsed().as_secs_f64()))
}

/// The group inventory's metrics: every workstation's certificates (a series per
/// workstation holding one), and each workstation as a source (`workstation:NAME`): up
/// while it publishes (not silent for a week), its read errors.
fn group_metrics(api: &Api) -> Result<String> {
    let start = Instant::now();
    let listing = api.group_list(None, None)?;
    let mut series = Vec::with_capacity(listing.certificates.len());
    for document in &listing.certificates {
        // The group's documents are bounded when read; one that does not parse is skipped.
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(document.get()) {
            series.extend(metrics::CertificateSeries::of_group_document(&value));
        }
    }
    let sources: Vec<metrics::SourceHealth> = listing
        .workstations
        .iter()
        .map(|w| metrics::SourceHealth { source: format!("workstation:{}", w.name), up: !w.stale, read_errors: u64::from(w.errors) })
        .collect();
    Ok(metrics::render_series(&series, &sources, start.elapsed().as_secs_f64()))
}

/// The metrics of files and folders, read without the registry.
pub fn metrics_of_paths(paths: &[PathBuf], p12_password: Option<Sensitive<String>>) -> String {
    let start = Instant::now();
    let report = crate::scan_paths(paths, None, p12_password);
    let sources = metrics::path_health(paths, &report.errors);
    metrics::render(&report.certificates, &sources, &notify::workstation_name(), start.elapsed().as_secs_f64())
}

/// What `/metrics` is made of: the registry, or PATHs read at each scrape.
pub enum MetricsSource {
    Registry(Host),
    Paths { paths: Vec<PathBuf>, p12_password: Option<Sensitive<String>> },
}

/// `certisante metrics --listen`: the bounded HTTP server of `/metrics`.
pub struct MetricsEndpoint {
    server: http::MetricsServer,
    source: MetricsSource,
}

impl MetricsEndpoint {
    /// Listens on `address` (`HOST:PORT`, port 0: any free one). Read-only: allowed everywhere.
    pub fn bind(address: &str, source: MetricsSource) -> Result<Self> {
        Ok(Self { server: http::MetricsServer::bind(address, http::Limits::default())?, source })
    }

    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.server.local_addr()
    }

    /// Serves until the process ends; each scrape reads the registry (or the PATHs) again.
    pub fn serve(self) -> Result<()> {
        match self.source {
            MetricsSource::Registry(host) => {
                // One session for the server's life; SQLite gives each read the last commit.
                let api = Api::open(host)?;
                self.server.serve(&mut || registry_metrics(&api).map_err(|e| format!("{} ({})", e.message, e.code)));
            }
            MetricsSource::Paths { paths, p12_password } => {
                // Each scrape gets its own copy of the password (the scan consumes it; dropped, it is zeroized).
                self.server.serve(&mut || Ok(metrics_of_paths(&paths, p12_password.as_ref().map(|p| Sensitive::new(p.expose().clone())))));
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- the watching pass

/// What a watching pass does besides the registry's defaults.
#[derive(Debug, Clone, Default)]
pub struct WatchOptions {
    /// Show desktop notifications when this process has a session bus.
    pub desktop: bool,
}

/// What the desktop step of a pass did.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct DesktopReport {
    /// Notifications shown (certificate, threshold).
    pub shown: Vec<ShownAlert>,
    /// Why none was tried (`desktop.no_session`, `desktop.unsupported`), if so.
    pub skipped: Option<String>,
    /// A notification that could not be shown (released: tried again next time).
    pub failed: Vec<ApiError>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ShownAlert {
    pub sha256: String,
    pub cn: String,
    #[ts(type = "number")]
    pub threshold_days: i64,
}

/// Revocation figures of a pass.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RevocationFigures {
    pub checked: u32,
    pub crls_downloaded: u32,
    pub failures: u32,
}

/// Everything one `certisante watch` pass did, and the Nagios status it ends with.
#[derive(Debug, Clone, Serialize, TS)]
pub struct WatchReport {
    pub scan: Option<ScanSummary>,
    pub revocation: Option<RevocationFigures>,
    pub desktop: DesktopReport,
    pub deliveries: DeliveryReport,
    /// The group inventory's publication (none without a group or on a read-only
    /// workstation); a server that is away leaves the changes queued, and says why.
    pub group: Option<PublishSummary>,
    /// Steps that failed (the pass went on with the next one).
    pub problems: Vec<ApiError>,
    pub status: NagiosStatus,
}

impl Api {
    /// The registry's metrics in Prometheus's text format (node_exporter's textfile
    /// collector reads this).
    pub fn metrics(&self) -> Result<String> {
        registry_metrics(self)
    }

    /// One watching pass, as a scheduled task runs it without the app: re-scan, refresh
    /// revocation (what is due), desktop notifications where a session exists, e-mail
    /// and webhook alerts, the group registry when one is configured; then the Nagios
    /// status. A step that fails is reported and the pass goes on.
    pub fn watch_once(&mut self, options: &WatchOptions) -> Result<WatchReport> {
        let mut problems: Vec<ApiError> = Vec::new();
        let scan = self.rescan(&|_| {}).map_err(|e| problems.push(e)).ok();
        let revocation = self
            .refresh_revocation(false, &|_| {})
            .map(|s| RevocationFigures { checked: s.checked, crls_downloaded: s.crls_downloaded, failures: s.failures })
            .map_err(|e| problems.push(e))
            .ok();
        let now = Utc::now();
        let desktop = if options.desktop { self.show_desktop_alerts(now).unwrap_or_else(failed_desktop) } else { DesktopReport::default() };
        let deliveries = self.send_alerts(now).unwrap_or_else(|e| {
            problems.push(e);
            DeliveryReport::default()
        });
        let group = self.publish_group_if_configured().unwrap_or_else(|e| {
            problems.push(e);
            None
        });
        // Queued: the server is away and the changes wait; the pass says so (a WARNING).
        if let Some(why) = group.as_ref().and_then(|published| published.error.clone()) {
            problems.push(why);
        }
        let report = self.list(None)?;
        let mut named: Vec<String> = problems.iter().map(|p| p.code.clone()).collect();
        if !deliveries.failed.is_empty() {
            let mut codes: Vec<&str> = deliveries.failed.iter().map(|f| f.code.as_str()).collect();
            codes.dedup();
            named.push(format!("{} alerts not sent ({})", deliveries.failed.len(), codes.join(", ")));
        }
        if !desktop.failed.is_empty() {
            named.push(format!("{} desktop notifications not shown", desktop.failed.len()));
        }
        let status = nagios_status(&report, self.registry.settings()?.thresholds, &named);
        Ok(WatchReport { scan, revocation, desktop, deliveries, group, problems, status })
    }

    /// Claims the desktop alerts due and shows them, when this process has a session.
    fn show_desktop_alerts(&self, now: DateTime<Utc>) -> Result<DesktopReport> {
        let mut report = DesktopReport::default();
        if !desktop::session_likely() {
            report.skipped =
                Some(if cfg!(all(unix, not(target_os = "macos"))) { DesktopError::NoSession } else { DesktopError::Unsupported }.code().to_owned());
            return Ok(report);
        }
        let language = self.registry.settings()?.language;
        let won = self.claim_alerts(now)?;
        let mut unshown: Vec<Alert> = Vec::new();
        for alert in won {
            if report.skipped.is_some() {
                unshown.push(alert);
                continue;
            }
            match desktop::notify(APP_NAME, DESKTOP_ENTRY, &alert.title(&language), &alert.body(&language)) {
                Ok(_) => report.shown.push(ShownAlert { sha256: alert.sha256.clone(), cn: alert.cn.clone(), threshold_days: alert.threshold_days }),
                Err(e @ (DesktopError::NoSession | DesktopError::Unsupported)) => {
                    report.skipped = Some(e.code().to_owned());
                    unshown.push(alert);
                }
                Err(e) => {
                    report.failed.push(e.into());
                    unshown.push(alert);
                }
            }
        }
        self.release_alerts(&unshown)?;
        Ok(report)
    }

    // ------------------------------------------------------------ e-mail and webhooks

    /// Sends the alerts due by e-mail and webhook (each recipient and each webhook
    /// claims its own thresholds). A message that fails is released, tried again at the
    /// next run, and its channel's failure kept for `delivery_failures`. Allowed
    /// everywhere: it tells, it changes nothing.
    pub fn send_alerts(&self, now: DateTime<Utc>) -> Result<DeliveryReport> {
        Ok(notify::send_due(&self.registry, self.host.keystore.as_ref(), now, &SendOptions::default())?)
    }

    /// The last failure of each recipient or webhook still configured, until a message
    /// goes out there again.
    pub fn delivery_failures(&self) -> Result<Vec<DeliveryFailure>> {
        Ok(notify::failures(&self.registry)?)
    }

    /// Saves the e-mail settings, and the SMTP password into the OS keystore when one is
    /// given (kept when not; removed when there is no login any more). Audited, without
    /// the password.
    pub fn save_mail_settings(&self, mut mail: MailSettings, password: Option<&Sensitive<String>>) -> Result<Settings> {
        self.allow(Access::Admin)?;
        mail.validate()?;
        if let Some(path) = &mail.ca_file {
            notify::check_ca_file(path)?;
        }
        let keystore = self.host.keystore.as_ref();
        let stored = self.registry.settings()?.mail;
        let stored_id = stored.as_ref().and_then(|m| m.keystore_id.clone());
        let stored_user = stored.and_then(|m| m.username);
        let id = stored_id.clone().unwrap_or_else(|| notify::new_keystore_id("mail"));
        match (&mail.username, password) {
            (Some(_), Some(password)) => {
                if password.expose().is_empty() {
                    return Err(AppError::BadRequest("empty SMTP password".into()).into());
                }
                keystore.put(&notify::smtp_password_name(&id), &Sensitive::new(password.expose().as_bytes().to_vec()))?;
            }
            (Some(user), None) => {
                // The saved password is another login's: it would fail at the first alert.
                if stored_user.as_deref() != Some(user.as_str()) || keystore.get(&notify::smtp_password_name(&id))?.is_none() {
                    return Err(NotifyError::PasswordMissing(user.clone()).into());
                }
            }
            (None, Some(_)) => return Err(AppError::BadRequest("a password without a login: give the login too".into()).into()),
            (None, None) => {
                if let Some(stored) = &stored_id {
                    keystore.delete(&notify::smtp_password_name(stored))?;
                }
            }
        }
        mail.keystore_id = mail.username.is_some().then_some(id);
        self.change_delivery_settings(password.is_some(), |settings| settings.mail = Some(mail))
    }

    /// Turns e-mail alerts off and removes the SMTP password from the OS keystore.
    pub fn remove_mail_settings(&self) -> Result<Settings> {
        self.allow(Access::Admin)?;
        if let Some(id) = self.registry.settings()?.mail.and_then(|m| m.keystore_id) {
            self.host.keystore.delete(&notify::smtp_password_name(&id))?;
        }
        self.change_delivery_settings(true, |settings| settings.mail = None)
    }

    /// Adds or changes a webhook; its URL (a token is in it) goes to the OS keystore
    /// (required for a new webhook, kept when not given).
    pub fn save_webhook(&self, name: &str, url: Option<&Sensitive<String>>, ca_file: Option<String>) -> Result<Settings> {
        self.allow(Access::Admin)?;
        notify::check_webhook_name(name)?;
        if let Some(path) = &ca_file {
            notify::check_ca_file(path)?;
        }
        let settings = self.registry.settings()?;
        let existing = settings.webhooks.iter().find(|w| w.name == name);
        let keystore_id = existing.map(|w| w.keystore_id.clone()).filter(|id| !id.is_empty()).unwrap_or_else(|| notify::new_keystore_id(name));
        let host = match (url, existing) {
            (Some(url), _) => {
                let host = webhook::check_url(url.expose())?;
                self.host.keystore.put(&notify::webhook_url_name(&keystore_id), &Sensitive::new(url.expose().trim().as_bytes().to_vec()))?;
                host
            }
            (None, Some(existing)) => existing.host.clone(),
            (None, None) => return Err(NotifyError::WebhookUrlMissing(name.to_owned()).into()),
        };
        let webhook = WebhookSettings { name: name.to_owned(), host, ca_file, keystore_id };
        self.change_delivery_settings(url.is_some(), move |settings| match settings.webhooks.iter_mut().find(|w| w.name == webhook.name) {
            Some(slot) => *slot = webhook,
            None => settings.webhooks.push(webhook),
        })
    }

    /// Removes a webhook and its URL.
    pub fn remove_webhook(&self, name: &str) -> Result<Settings> {
        self.allow(Access::Admin)?;
        let settings = self.registry.settings()?;
        let webhook = settings.webhooks.iter().find(|w| w.name == name).ok_or_else(|| NotifyError::UnknownWebhook(name.to_owned()))?;
        if !webhook.keystore_id.is_empty() {
            self.host.keystore.delete(&notify::webhook_url_name(&webhook.keystore_id))?;
        }
        self.change_delivery_settings(true, |settings| settings.webhooks.retain(|w| w.name != name))
    }

    /// Sends a test e-mail to `to`, or to every recipient; returns where it went.
    pub fn test_mail(&self, to: Option<&str>) -> Result<Vec<String>> {
        Ok(notify::test_mail(&self.registry, self.host.keystore.as_ref(), to, &SendOptions::default())?)
    }

    /// Posts a test message to the webhook `name`.
    pub fn test_webhook(&self, name: &str) -> Result<()> {
        Ok(notify::test_webhook(&self.registry, self.host.keystore.as_ref(), name, &SendOptions::default())?)
    }

    /// Applies `change` to the stored settings, saves them and audits what changed
    /// (`secret_changed`: a password or URL went to the keystore; never its value).
    fn change_delivery_settings(&self, secret_changed: bool, change: impl FnOnce(&mut Settings)) -> Result<Settings> {
        let before = self.registry.settings()?;
        let mut after = before.clone();
        change(&mut after);
        self.registry.save_settings(&after)?;
        let saved = self.registry.settings()?;
        let mut changes = crate::settings_changes(&before, &saved);
        if secret_changed {
            changes.insert("keystore_secret_changed".into(), serde_json::Value::Bool(true));
        }
        if !changes.is_empty() {
            self.registry.audit_append(&audit::os_user_actor(), AuditAction::SettingsChanged, "settings", serde_json::Value::Object(changes))?;
        }
        Ok(saved)
    }
}

fn failed_desktop(error: ApiError) -> DesktopReport {
    DesktopReport { failed: vec![error], ..DesktopReport::default() }
}
