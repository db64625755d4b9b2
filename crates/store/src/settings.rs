//! User settings, stored in the registry as one JSON document, and the rules they follow
//! (thresholds, alert days).

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::machine_policy::MachinePolicy;
use crate::registry::{Registry, RegistryError};
use crate::view::Thresholds;

/// The most distant alert threshold accepted, in days (ten years).
pub const MAX_ALERT_DAYS: i64 = 3650;

/// Why a list of alert days is refused.
#[derive(Debug, thiserror::Error)]
pub enum AlertDaysError {
    #[error("alert days must be between 0 (the expiry day) and {MAX_ALERT_DAYS}: {0}")]
    DaysOutOfRange(i64),
    #[error("alert days listed twice: {0}")]
    DuplicateDays(i64),
}

certisante_pki::error_codes!(AlertDaysError {
    Self::DaysOutOfRange(_) => "alerts.days_out_of_range",
    Self::DuplicateDays(_) => "alerts.duplicate_days",
});

/// The shipped default alert days (`thresholds.alert_days` in profiles.json).
pub fn default_alert_days() -> Vec<i64> {
    crate::igc::profiles().thresholds.alert_days.clone()
}

/// Checks one list of alert days: each within 0..=MAX_ALERT_DAYS, none twice.
pub fn check_alert_days(days: &[i64]) -> Result<(), AlertDaysError> {
    let mut seen = BTreeSet::new();
    for &day in days {
        if !(0..=MAX_ALERT_DAYS).contains(&day) {
            return Err(AlertDaysError::DaysOutOfRange(day));
        }
        if !seen.insert(day) {
            return Err(AlertDaysError::DuplicateDays(day));
        }
    }
    Ok(())
}

/// Most distant first, as stored.
pub fn sort_alert_days(days: &mut Vec<i64>) {
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
}

/// User settings, stored in the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Settings {
    /// "fr" (default) or "en".
    pub language: String,
    pub thresholds: Thresholds,
    /// Hide certificates expired more than this many days ago (None: show all).
    #[ts(type = "number | null")]
    pub hide_expired_after_days: Option<i64>,
    /// Include the OS certificate stores (NSS, Windows, macOS) in scans.
    pub include_os_stores: bool,
    /// Path of the card's PKCS#11 module (Cryptolib CPS); None: its usual places.
    #[serde(default)]
    pub pkcs11_module: Option<String>,
    /// A secretary's workstation: the dashboard, statuses and exports only; no key, card
    /// or order action is offered (the app's `--read-only` flag forces it on).
    #[serde(default)]
    pub read_only: bool,
    /// Start with the session, hidden in the notification area (tray).
    #[serde(default)]
    pub start_at_login: bool,
    /// Closing the window keeps CertiSanté watching from the notification area.
    #[serde(default = "default_true")]
    pub run_in_background: bool,
    /// Days before expiry at which a notification is sent, most distant first (0: the
    /// expiry day). Optional in TypeScript so that settings built before it still type.
    #[serde(default = "default_alert_days")]
    #[ts(as = "Option<Vec<i32>>", optional)]
    pub alert_days: Vec<i64>,
    /// Per-establishment alert days, by structure identifier (the OU: FINESS, SIRET...);
    /// an empty list silences that establishment.
    #[serde(default)]
    #[ts(as = "Option<BTreeMap<String, Vec<i32>>>", optional)]
    pub alert_days_by_structure: BTreeMap<String, Vec<i64>>,
    /// Revocation servers on this machine or a private network may be asked (a lab, an
    /// internal mirror). Off: a certificate's URLs must not reach internal services.
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub revocation_private_networks: bool,
    /// The group inventory's PostgreSQL address (libpq-style, without password: that one
    /// lives in the OS keystore). None: no group. A deployment may force it
    /// (CERTISANTE_GROUP_DATABASE_URL, or the machine policy's GroupDatabaseUrl).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub group_database_url: Option<String>,
    /// The name this workstation publishes under; None: the computer's name.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub group_workstation: Option<String>,
    /// E-mail alerts (none: off). Changed only through its own actions (the password goes
    /// to the OS keystore): `save_settings` keeps what is stored.
    #[serde(default)]
    #[ts(optional)]
    pub mail: Option<crate::notify::MailSettings>,
    /// Webhooks told about every alert (their URLs are in the OS keystore). Same: changed
    /// through their own actions only.
    #[serde(default)]
    #[ts(as = "Option<Vec<crate::notify::WebhookSettings>>", optional)]
    pub webhooks: Vec<crate::notify::WebhookSettings>,
}

fn default_true() -> bool {
    true
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            language: "fr".into(),
            thresholds: Thresholds::default(),
            hide_expired_after_days: None,
            include_os_stores: true,
            pkcs11_module: None,
            read_only: false,
            start_at_login: false,
            run_in_background: true,
            alert_days: default_alert_days(),
            alert_days_by_structure: BTreeMap::new(),
            revocation_private_networks: false,
            group_database_url: None,
            group_workstation: None,
            mail: None,
            webhooks: Vec::new(),
        }
    }
}

impl Settings {
    pub fn validate(&self) -> Result<(), RegistryError> {
        if !matches!(self.language.as_str(), "fr" | "en") {
            return Err(RegistryError::InvalidSetting(format!("language {:?} (fr or en)", self.language)));
        }
        let t = self.thresholds;
        if t.crit_days < 0 || t.warn_days < t.crit_days || t.warn_days > 3650 {
            return Err(RegistryError::InvalidSetting("thresholds: 0 ≤ critical ≤ warning ≤ 3650 days".into()));
        }
        if self.hide_expired_after_days.is_some_and(|d| d < 0) {
            return Err(RegistryError::InvalidSetting("hide_expired_after_days must be positive".into()));
        }
        let invalid = |e: AlertDaysError| RegistryError::InvalidSetting(e.to_string());
        check_alert_days(&self.alert_days).map_err(invalid)?;
        for (structure, days) in &self.alert_days_by_structure {
            if structure.trim().is_empty() {
                return Err(RegistryError::InvalidSetting("alert days: an establishment needs its structure identifier".into()));
            }
            check_alert_days(days).map_err(invalid)?;
        }
        if let Some(mail) = &self.mail {
            mail.validate().map_err(|e| RegistryError::InvalidSetting(e.to_string()))?;
        }
        crate::notify::check_webhooks(&self.webhooks).map_err(|e| RegistryError::InvalidSetting(e.to_string()))?;
        Ok(())
    }
}

impl Settings {
    /// These settings with what the machine policy forces put over them. (`WatchedPaths`
    /// is the watched list itself, `GroupDatabaseUrl` is read by the group code through
    /// `api::policy::group_database_url_forced`: not here.)
    pub fn with_policy(mut self, policy: &MachinePolicy) -> Self {
        if let Some(read_only) = policy.read_only {
            self.read_only = read_only;
        }
        if let Some(days) = &policy.alert_days {
            self.alert_days = days.clone();
            sort_alert_days(&mut self.alert_days);
        }
        if let Some(module) = &policy.pkcs11_module {
            self.pkcs11_module = Some(module.clone());
        }
        self
    }

    /// `self` with the saved values of the fields `policy` forces: the policy's values are
    /// never saved as the user's own.
    fn keeping_saved(mut self, saved: &Settings, policy: &MachinePolicy) -> Self {
        if policy.read_only.is_some() {
            self.read_only = saved.read_only;
        }
        if policy.alert_days.is_some() {
            self.alert_days = saved.alert_days.clone();
        }
        if policy.pkcs11_module.is_some() {
            self.pkcs11_module = saved.pkcs11_module.clone();
        }
        self
    }
}

impl Registry {
    /// The settings in force: the saved ones (the defaults when none were saved) with what
    /// the machine policy forces. A record that does not read is an error, never a silent
    /// reset: the defaults would turn read-only off.
    pub fn settings(&self) -> Result<Settings, RegistryError> {
        Ok(self.saved_settings()?.with_policy(&self.policy))
    }

    /// The settings as the user saved them, without the machine policy.
    pub fn saved_settings(&self) -> Result<Settings, RegistryError> {
        let value: Option<String> = self.read().query_row("SELECT value FROM settings WHERE key = 'settings'", [], |r| r.get(0)).optional()?;
        match value {
            None => Ok(Settings::default()),
            Some(text) => serde_json::from_str(&text).map_err(|e| RegistryError::CorruptSettings(e.to_string())),
        }
    }

    /// Saves the user's settings. The fields the machine policy forces keep their saved
    /// value (the caller refuses a change to them: `machine_policy::PolicyState::refuse_change`).
    pub fn save_settings(&self, settings: &Settings) -> Result<(), RegistryError> {
        settings.validate()?;
        let mut settings = match self.saved_settings() {
            Ok(saved) => settings.clone().keeping_saved(&saved, &self.policy),
            Err(_) => settings.clone(),
        };
        sort_alert_days(&mut settings.alert_days);
        settings.alert_days_by_structure.values_mut().for_each(sort_alert_days);
        let json = serde_json::to_string(&settings).expect("settings serialize");
        self.write(|tx| tx.execute("INSERT INTO settings (key, value) VALUES ('settings', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [json]))?;
        Ok(())
    }
}
