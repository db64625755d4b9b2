//! Expiry alerts: which certificates crossed one of their alert thresholds (days before
//! expiry, per establishment) without having been notified for it. What was notified is
//! kept in `alert_claims`, per channel, so that each threshold is notified once per
//! certificate and channel, across restarts and across processes (the app and a second
//! instance, the CLI, the scheduled `certisante watch`).
//!
//! Channels ([`Channel`]): the desktop notification, each e-mail recipient, each webhook.
//! Each claims its thresholds on its own, so that a notification shown on the desktop never
//! stops the e-mail, and a recipient whose mailbox refused the message is tried again
//! without the others receiving it twice. The claim key is `(channel, sha256,
//! threshold_days)`, the channel written `desktop`, `mail:<address in lower case>` or
//! `webhook:<name>` (the name the administrator gave it, not its URL: a new URL for the
//! same webhook sends nothing twice).
//!
//! A desktop claim is final at once (shown or released at once). An e-mail or webhook
//! claim is held while the message goes out (`claimed_at`, a lease of [`CLAIM_LEASE`]),
//! then confirmed (`sent_at`) or released; a process killed in between leaves a lease that
//! runs out, and the next run sends it: at least once, never twice at the same time.
//!
//! Rules:
//! - a certificate is alerted when its whole days left until it stops being of use
//!   (`usable_until`: notAfter, or earlier its signing key's end) reach a
//!   threshold: 90 days left crosses 90, an expired certificate crosses 0;
//! - several thresholds crossed at once (a certificate first seen 5 days before its
//!   expiry) give ONE notification, for the most urgent of them, and all are recorded;
//! - CA certificates are never alerted; only certificates in the registry are considered;
//! - a certificate first seen more than `STALE_EXPIRY_DAYS` after its expiry is never
//!   alerted: an old file in a watched folder is history, not news. One that expired while
//!   the app was not running is still alerted once at the next start.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Local, Utc};
use rusqlite::params;
use serde::Serialize;

use crate::inventory::ScanOptions;
use crate::registry::{Registry, RegistryError};
use crate::settings::{AlertDaysError, Settings};
use crate::view::{self, CertificateView};

/// The `alerts_sent` table, the registry's migration number 5.
pub(crate) const SCHEMA: crate::registry::Migration = crate::registry::Migration { owner: "alerts", sql: include_str!("alerts.sql") };

/// `alert_claims` (claims per channel) replacing `alerts_sent`, whose rows become the
/// desktop channel's.
pub(crate) const CHANNELS_SCHEMA: crate::registry::Migration = crate::registry::Migration { owner: "alerts", sql: include_str!("alert_claims.sql") };

/// How long an e-mail or webhook claim holds before another process may take it over:
/// longer than any bounded send (connect, TLS, a few messages), short enough that a
/// killed run's alerts go out at the next hourly pass.
pub const CLAIM_LEASE: chrono::Duration = chrono::Duration::minutes(15);

/// An expired certificate first seen more than this many days after its expiry is not
/// alerted.
pub const STALE_EXPIRY_DAYS: i64 = 30;

#[derive(Debug, thiserror::Error)]
pub enum AlertsError {
    #[error(transparent)]
    Days(#[from] AlertDaysError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error("the alerts table cannot be used: {0}")]
    Database(#[from] rusqlite::Error),
}

certisante_pki::error_codes!(AlertsError {
    Self::Database(_) => "alerts.database",
} wraps {
    Days(AlertDaysError),
    Registry(RegistryError),
});

type Result<T> = std::result::Result<T, AlertsError>;

pub use crate::settings::{check_alert_days as check_days, default_alert_days as default_days, sort_alert_days as sort_days, MAX_ALERT_DAYS};

/// One notification to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    pub sha256: String,
    /// The most urgent threshold crossed: the one the notification is about.
    pub threshold_days: i64,
    /// Every threshold this notification stands for (recorded as sent together).
    pub covers: Vec<i64>,
    pub days_left: i64,
    /// When the certificate stops being of use (`CertificateView::usable_until`).
    pub ends_at: DateTime<Utc>,
    /// It ends because its key may no longer sign (privateKeyUsagePeriod), before notAfter.
    pub signing_key_end: bool,
    pub expired: bool,
    /// The common name, or the subject when there is none.
    pub cn: String,
}

impl Alert {
    /// The notification's title in "fr" (default) or "en".
    pub fn title(&self, language: &str) -> String {
        match (english(language), self.expired) {
            (false, false) => "Certificat à renouveler",
            (false, true) => "Certificat expiré",
            (true, false) => "Certificate to renew",
            (true, true) => "Certificate expired",
        }
        .to_string()
    }

    /// The notification's text in "fr" (default) or "en", dates in local time.
    pub fn body(&self, language: &str) -> String {
        let local = self.ends_at.with_timezone(&Local);
        let date = local.format("%d/%m/%Y");
        let cn = &self.cn;
        let days = self.days_left;
        let plural = if days > 1 { "s" } else { "" };
        if self.signing_key_end {
            return match (english(language), self.expired) {
                (false, true) => format!("La clé de {cn} ne peut plus signer depuis le {date} (période d'usage de la clé terminée)."),
                (false, false) => format!("La clé de {cn} ne pourra plus signer dans {days} jour{plural} (le {date}) : renouvelez-le avant."),
                (true, true) => format!("{cn}'s key may no longer sign since {date} (its key usage period ended)."),
                (true, false) => format!("{cn}'s key may no longer sign in {days} day{plural} ({date}): renew it before."),
            };
        }
        match (english(language), self.expired, days) {
            (false, true, _) => format!("{cn} a expiré le {date}."),
            (false, false, 0) => format!("{cn} expire dans moins d'un jour (le {date} à {}).", local.format("%H:%M")),
            (false, false, _) => format!("{cn} expire dans {days} jour{plural} (le {date})."),
            (true, true, _) => format!("{cn} expired on {date}."),
            (true, false, 0) => format!("{cn} expires in less than a day ({date} at {}).", local.format("%H:%M")),
            (true, false, _) => format!("{cn} expires in {days} day{plural} ({date})."),
        }
    }
}

fn english(language: &str) -> bool {
    language == "en"
}

/// The alert days that apply to a certificate: its establishment's, or the general ones.
pub fn days_for<'a>(settings: &'a Settings, structure_id: Option<&str>) -> &'a [i64] {
    structure_id.and_then(|id| settings.alert_days_by_structure.get(id)).unwrap_or(&settings.alert_days)
}

/// Where an alert goes; each channel claims thresholds apart (see the module's notes).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    /// The desktop notification of this registry's session (the app, or `watch` where a
    /// session bus exists).
    Desktop,
    /// One e-mail recipient, the address in lower case.
    Mail(String),
    /// One webhook, by the name it was given.
    Webhook(String),
}

impl Channel {
    /// The e-mail channel of `address` (compared without case: the same mailbox however
    /// it is typed).
    pub fn mail(address: &str) -> Self {
        Self::Mail(address.trim().to_lowercase())
    }

    pub fn webhook(name: &str) -> Self {
        Self::Webhook(name.to_owned())
    }

    /// The key stored in `alert_claims.channel`: `desktop`, `mail:<address>`, `webhook:<name>`.
    pub fn key(&self) -> String {
        match self {
            Self::Desktop => "desktop".into(),
            Self::Mail(address) => format!("mail:{address}"),
            Self::Webhook(name) => format!("webhook:{name}"),
        }
    }

    /// Reads a key back (`None` for a key of no known kind).
    pub fn from_key(key: &str) -> Option<Self> {
        match key.split_once(':') {
            None if key == "desktop" => Some(Self::Desktop),
            Some(("mail", address)) => Some(Self::Mail(address.to_owned())),
            Some(("webhook", name)) => Some(Self::Webhook(name.to_owned())),
            _ => None,
        }
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.key())
    }
}

/// Claim times are written in one fixed format (whole seconds, `Z`), so that SQLite
/// compares them as text.
fn claim_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The desktop alerts due now for the registry's certificates. Pure: nothing is recorded
/// (see `claim`).
pub fn due(registry: &Registry, now: DateTime<Utc>) -> Result<Vec<Alert>> {
    let settings = registry.settings()?;
    let report = registry.list(&ScanOptions { thresholds: settings.thresholds, now, ..ScanOptions::default() })?;
    due_on(registry, &Channel::Desktop, &report.certificates, &settings, now)
}

/// The alerts due now on `channel` among `certificates` (the listing, or the part of it a
/// recipient is told about). Pure: nothing is recorded (see `claim_on`).
pub fn due_on(registry: &Registry, channel: &Channel, certificates: &[CertificateView], settings: &Settings, now: DateTime<Utc>) -> Result<Vec<Alert>> {
    Ok(due_among(certificates, settings, &sent_on(registry, channel, now)?, now))
}

/// The thresholds already notified on `channel` (or being notified, within a lease), by
/// certificate.
pub fn sent_on(registry: &Registry, channel: &Channel, now: DateTime<Utc>) -> Result<HashMap<String, BTreeSet<i64>>> {
    let conn = registry.read();
    let mut stmt = conn.prepare("SELECT sha256, threshold_days FROM alert_claims WHERE channel = ?1 AND (sent_at IS NOT NULL OR claimed_at > ?2)")?;
    let mut out: HashMap<String, BTreeSet<i64>> = HashMap::new();
    for row in stmt.query_map(params![channel.key(), claim_time(now - CLAIM_LEASE)], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (sha256, days) = row?;
        out.entry(sha256).or_default().insert(days);
    }
    Ok(out)
}

/// The rules, on listed certificates and what was already sent.
pub fn due_among(certificates: &[CertificateView], settings: &Settings, sent: &HashMap<String, BTreeSet<i64>>, now: DateTime<Utc>) -> Vec<Alert> {
    let nothing = BTreeSet::new();
    let mut alerts = Vec::new();
    // A replaced certificate's renewal is installed: nothing left to do about it.
    for cert in certificates.iter().filter(|c| !c.is_ca && c.status != view::Status::Replaced) {
        // TODO(revocation): once CertificateView carries its revocation status, a newly
        // revoked certificate gets one alert of its own here (a reserved threshold key).
        let end = cert.usable_until;
        let expired = now > end;
        let first_seen = cert.first_seen.unwrap_or(now);
        if expired && (first_seen - end).num_days() > STALE_EXPIRY_DAYS {
            continue;
        }
        let days_left = view::days_left(end, now);
        let already = sent.get(&cert.sha256).unwrap_or(&nothing);
        let mut covers: Vec<i64> =
            days_for(settings, cert.structure_id.as_deref()).iter().copied().filter(|&t| days_left <= t && !already.contains(&t)).collect();
        sort_days(&mut covers);
        let Some(&threshold_days) = covers.last() else { continue };
        alerts.push(Alert {
            sha256: cert.sha256.clone(),
            threshold_days,
            covers,
            days_left,
            ends_at: end,
            signing_key_end: end < cert.not_after,
            expired,
            cn: cert.cn.clone().unwrap_or_else(|| cert.subject.clone()),
        });
    }
    alerts.sort_by(|a, b| a.days_left.cmp(&b.days_left).then_with(|| a.sha256.cmp(&b.sha256)));
    alerts
}

/// Records the desktop alerts as shown, in one write transaction, and returns those this
/// process won: an alert another process (or an earlier call) already recorded is left
/// out, so that two processes never both notify. Show the returned ones; `release` those
/// that could not be shown.
pub fn claim(registry: &Registry, alerts: &[Alert], now: DateTime<Utc>) -> Result<Vec<Alert>> {
    claim_on(registry, &Channel::Desktop, alerts, now)
}

/// Claims `alerts` on `channel` in one write transaction and returns those this process
/// won. A desktop claim is recorded as sent at once; an e-mail or webhook claim is held
/// for [`CLAIM_LEASE`]: `confirm_on` once the message went out, `release_on` if it did not.
/// A lease that ran out (a process killed while sending) is taken over.
pub fn claim_on(registry: &Registry, channel: &Channel, alerts: &[Alert], now: DateTime<Utc>) -> Result<Vec<Alert>> {
    let key = channel.key();
    let claimed_at = claim_time(now);
    let sent_at = (*channel == Channel::Desktop).then(|| claimed_at.clone());
    let expired = claim_time(now - CLAIM_LEASE);
    // IMMEDIATE (every registry write is): the write lock is taken before the first
    // insert, so the check and the record cannot interleave with another process's.
    registry.write(|tx| {
        let mut won = Vec::new();
        for alert in alerts {
            let take = |days: i64| {
                tx.execute(
                    "INSERT INTO alert_claims (channel, sha256, threshold_days, claimed_at, sent_at) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (channel, sha256, threshold_days) DO UPDATE SET claimed_at = excluded.claimed_at, sent_at = excluded.sent_at
                     WHERE alert_claims.sent_at IS NULL AND alert_claims.claimed_at <= ?6",
                    params![key, alert.sha256, days, claimed_at, sent_at, expired],
                )
            };
            if take(alert.threshold_days)? == 0 {
                continue;
            }
            for &days in alert.covers.iter().filter(|&&d| d != alert.threshold_days) {
                take(days)?;
            }
            won.push(alert.clone());
        }
        Ok(won)
    })
}

/// Records claimed alerts as sent on `channel` (the message went out).
pub fn confirm_on(registry: &Registry, channel: &Channel, alerts: &[Alert], now: DateTime<Utc>) -> Result<()> {
    let (key, sent_at) = (channel.key(), claim_time(now));
    registry.write(|tx| {
        for alert in alerts {
            for &days in &alert.covers {
                tx.execute(
                    "UPDATE alert_claims SET sent_at = ?4 WHERE channel = ?1 AND sha256 = ?2 AND threshold_days = ?3",
                    params![key, alert.sha256, days, sent_at],
                )?;
            }
        }
        Ok(())
    })
}

/// Forgets claimed desktop alerts that could not be shown (no notification service), so
/// that the next check tries them again.
pub fn release(registry: &Registry, alerts: &[Alert]) -> Result<()> {
    release_on(registry, &Channel::Desktop, alerts)
}

/// Forgets claims on `channel` whose message did not go out: the next run tries again. An
/// e-mail or webhook threshold already confirmed is kept.
pub fn release_on(registry: &Registry, channel: &Channel, alerts: &[Alert]) -> Result<()> {
    let key = channel.key();
    let desktop = *channel == Channel::Desktop;
    registry.write(|tx| {
        for alert in alerts {
            for &days in &alert.covers {
                tx.execute(
                    "DELETE FROM alert_claims WHERE channel = ?1 AND sha256 = ?2 AND threshold_days = ?3 AND (?4 OR sent_at IS NULL)",
                    params![key, alert.sha256, days, desktop],
                )?;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn days_are_checked_and_sorted() {
        assert!(check_days(&[90, 30, 7, 0]).is_ok());
        assert!(check_days(&[]).is_ok());
        assert_eq!(check_days(&[30, 30]).unwrap_err().code(), "alerts.duplicate_days");
        assert_eq!(check_days(&[-1]).unwrap_err().code(), "alerts.days_out_of_range");
        assert_eq!(check_days(&[MAX_ALERT_DAYS + 1]).unwrap_err().code(), "alerts.days_out_of_range");
        let mut days = vec![7, 90, 0, 30];
        sort_days(&mut days);
        assert_eq!(days, [90, 30, 7, 0]);
        assert_eq!(default_days(), [90, 60, 30, 7, 0], "ANS e-mails at 60 days: ours come before and after");
    }

    fn alert(days_left: i64, expired: bool) -> Alert {
        let not_after = Utc.with_ymd_and_hms(2026, 12, 28, 12, 0, 0).unwrap();
        Alert { sha256: "ab".into(), threshold_days: 30, covers: vec![30], days_left, ends_at: not_after, signing_key_end: false, expired, cn: "DMP".into() }
    }

    #[test]
    fn texts_say_when_in_both_languages() {
        let soon = alert(25, false);
        assert_eq!(soon.title("fr"), "Certificat à renouveler");
        assert!(soon.body("fr").starts_with("DMP expire dans 25 jours (le "), "{}", soon.body("fr"));
        assert!(soon.body("en").starts_with("DMP expires in 25 days ("), "{}", soon.body("en"));
        assert!(alert(1, false).body("fr").contains("dans 1 jour (le"));
        assert!(alert(0, false).body("fr").contains("moins d'un jour"));
        let gone = alert(-3, true);
        assert_eq!((gone.title("fr").as_str(), gone.title("en").as_str()), ("Certificat expiré", "Certificate expired"));
        assert!(gone.body("fr").starts_with("DMP a expiré le "));
    }

    #[test]
    fn structures_have_their_own_days() {
        let mut settings = Settings::default();
        settings.alert_days_by_structure.insert("10B0123456".into(), vec![60]);
        assert_eq!(days_for(&settings, Some("10B0123456")), [60]);
        assert_eq!(days_for(&settings, Some("other")), [90, 60, 30, 7, 0]);
        assert_eq!(days_for(&settings, None), [90, 60, 30, 7, 0]);
        let mut invalid = settings.clone();
        invalid.alert_days_by_structure.insert("10B0123456".into(), vec![7, 7]);
        assert_eq!(invalid.validate().unwrap_err().code(), "registry.invalid_setting");
        assert!(settings.validate().is_ok());
    }

    #[test]
    fn old_settings_get_the_default_days() {
        let old = r#"{"language":"fr","thresholds":{"warn_days":30,"crit_days":7},"hide_expired_after_days":null,"include_os_stores":true}"#;
        let settings: Settings = serde_json::from_str(old).unwrap();
        assert_eq!(settings.alert_days, [90, 60, 30, 7, 0]);
        assert!(settings.alert_days_by_structure.is_empty());
    }
}
