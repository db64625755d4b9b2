//! The one read-only policy. Every action of the API declares what it touches; a
//! secretary's workstation (read-only) refuses every change, for every front end.
//!
//! - `Read`: statuses, lists, exports, revocation checks, the audit log. Always allowed.
//! - `Change`: keys, the card and its PIN, orders, imports, installs, kept secrets.
//!   Refused on a read-only workstation.
//! - `Admin`: what decides what the workstation does: watched paths, the PKCS#11 module (a
//!   native library the app loads), the OS stores, leaving read-only mode. Refused on a
//!   read-only workstation, except turning read-only off when only the setting (not the
//!   deployment) made it so.
//!
//! A deployment forces read-only with `--read-only`, `CERTISANTE_READ_ONLY=1` or the
//! machine policy; then nothing can turn it off from the application. The machine policy
//! (`certisante_store::machine_policy`) also forces other settings: a change to one of them
//! is refused (`policy.forced`) whatever the workstation's mode.

use serde::Serialize;
use ts_rs::TS;

use certisante_pki::ApiError;
use certisante_store::machine_policy::{MachinePolicy, PolicyState};
use certisante_store::settings::sort_alert_days;

use crate::error::AppError;
use crate::model::Settings;

/// The machine policy as the settings panel shows it: forced settings are disabled there,
/// with "imposé par la stratégie de l'ordinateur".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct MachinePolicyView {
    /// Where it is read: `HKLM\Software\Policies\CertiSante`, `/etc/certisante/policy.json`,
    /// or the macOS managed preferences.
    pub source: String,
    /// The settings it forces, by name: `read_only`, `watched_paths`, `alert_days`,
    /// `pkcs11_module`, `group_database_url`.
    pub forced: Vec<String>,
    /// The values it forces.
    pub values: MachinePolicy,
    /// Why it cannot be read (the workstation is then read-only until it is fixed).
    pub error: Option<ApiError>,
}

impl MachinePolicyView {
    pub fn of(state: &PolicyState) -> Self {
        Self {
            source: state.source.clone(),
            forced: state.policy.forced_settings().into_iter().map(str::to_owned).collect(),
            values: state.policy.clone(),
            error: state.error.clone().map(ApiError::from),
        }
    }
}

/// The settings a policy may force that differ between `before` and `after` (alert days
/// compared as stored: sorted, without repeats).
pub fn changed_settings(before: &Settings, after: &Settings) -> Vec<&'static str> {
    let days = |s: &Settings| {
        let mut days = s.alert_days.clone();
        sort_alert_days(&mut days);
        days
    };
    let mut changed = Vec::new();
    if before.read_only != after.read_only {
        changed.push("read_only");
    }
    if days(before) != days(after) {
        changed.push("alert_days");
    }
    if before.pkcs11_module != after.pkcs11_module {
        changed.push("pkcs11_module");
    }
    if before.group_database_url != after.group_database_url {
        changed.push("group_database_url");
    }
    changed
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Change,
    Admin,
}

/// Whether this workstation is read-only, and whether the deployment forced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct ReadOnly {
    /// No key, card or order action is offered.
    pub enabled: bool,
    /// Set by the deployment (`--read-only`, CERTISANTE_READ_ONLY=1, machine policy): the
    /// setting cannot turn it off.
    pub forced: bool,
}

impl ReadOnly {
    pub fn new(settings: &Settings, forced: bool) -> Self {
        Self { enabled: forced || settings.read_only, forced }
    }

    /// Refuses `access` when this workstation does not allow it.
    pub fn allow(self, access: Access) -> Result<(), AppError> {
        match access {
            Access::Read => Ok(()),
            Access::Change | Access::Admin if self.enabled => Err(AppError::ReadOnly),
            Access::Change | Access::Admin => Ok(()),
        }
    }

    /// Checks a settings change: preferences (language, thresholds, display) are always
    /// allowed; on a read-only workstation the only other change allowed is turning
    /// read-only off, and only when the deployment did not force it.
    pub fn allow_settings(self, before: &Settings, after: &Settings) -> Result<(), AppError> {
        let admin_changed = admin_fields(before) != admin_fields(after);
        if !self.enabled || (!admin_changed && before.read_only == after.read_only) {
            return Ok(());
        }
        if self.forced {
            return if admin_changed || before.read_only != after.read_only { Err(AppError::ReadOnlyForced("settings")) } else { Ok(()) };
        }
        // Read-only by the setting only: leaving it is the one admin change allowed, alone.
        if after.read_only || admin_changed {
            return Err(AppError::ReadOnly);
        }
        Ok(())
    }
}

/// The settings that decide what the workstation does (see the module's documentation),
/// and where its inventory goes (the group database and the name published under).
#[allow(clippy::type_complexity)]
fn admin_fields(settings: &Settings) -> (&Option<String>, bool, bool, &Option<String>, &Option<String>) {
    (&settings.pkcs11_module, settings.include_os_stores, settings.revocation_private_networks, &settings.group_database_url, &settings.group_workstation)
}

/// Environment variable that forces the read-only view (a deployment's shortcut or policy).
pub const READ_ONLY_ENV: &str = "CERTISANTE_READ_ONLY";

/// The command-line flag of a secretary's workstation shortcut (app and CLI).
pub const READ_ONLY_FLAG: &str = "--read-only";

pub fn read_only_forced_by_env() -> bool {
    std::env::var(READ_ONLY_ENV).is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes"))
}

/// Environment variable that forces the group database's address (a deployment's; the
/// machine policy's `GroupDatabaseUrl` will set the same), over the `group_database_url`
/// setting.
pub const GROUP_DATABASE_URL_ENV: &str = "CERTISANTE_GROUP_DATABASE_URL";

/// The group address the deployment forces, if any: the environment's
/// (`CERTISANTE_GROUP_DATABASE_URL`, e.g. a service's unit), else the machine policy's
/// `GroupDatabaseUrl`.
pub fn group_database_url_forced(machine: &MachinePolicy) -> Option<String> {
    std::env::var(GROUP_DATABASE_URL_ENV).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()).or_else(|| machine.group_database_url.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(read_only: bool) -> Settings {
        Settings { read_only, ..Settings::default() }
    }

    #[test]
    fn changes_are_refused_on_a_read_only_workstation() {
        let off = ReadOnly::new(&settings(false), false);
        assert!(off.allow(Access::Change).is_ok() && off.allow(Access::Admin).is_ok());
        let on = ReadOnly::new(&settings(true), false);
        assert!(on.allow(Access::Read).is_ok());
        assert_eq!(on.allow(Access::Change).unwrap_err().code(), "app.read_only");
        assert_eq!(on.allow(Access::Admin).unwrap_err().code(), "app.read_only");
        assert!(ReadOnly::new(&settings(false), true).enabled);
    }

    #[test]
    fn settings_changes_follow_the_policy() {
        let on = settings(true);
        let by_setting = ReadOnly::new(&on, false);
        let forced = ReadOnly::new(&on, true);
        let mut language = on.clone();
        language.language = "en".into();
        assert!(by_setting.allow_settings(&on, &language).is_ok(), "a preference");
        assert!(forced.allow_settings(&on, &language).is_ok(), "a preference, even forced");
        let off = settings(false);
        assert!(by_setting.allow_settings(&on, &off).is_ok(), "leaving a read-only setting");
        assert_eq!(forced.allow_settings(&on, &off).unwrap_err().code(), "app.read_only_forced");
        let mut module = on.clone();
        module.pkcs11_module = Some("/tmp/evil.so".into());
        assert_eq!(by_setting.allow_settings(&on, &module).unwrap_err().code(), "app.read_only");
        assert_eq!(forced.allow_settings(&on, &module).unwrap_err().code(), "app.read_only_forced");
        let mut leave_and_load = off.clone();
        leave_and_load.pkcs11_module = Some("/tmp/evil.so".into());
        assert_eq!(by_setting.allow_settings(&on, &leave_and_load).unwrap_err().code(), "app.read_only", "leaving is a change of its own");
        let mut group = on.clone();
        group.group_database_url = Some("postgresql://ailleurs.example/inventaire".into());
        assert_eq!(by_setting.allow_settings(&on, &group).unwrap_err().code(), "app.read_only", "where the inventory goes is an admin setting");
        let mut renamed = on.clone();
        renamed.group_workstation = Some("POSTE-B".into());
        assert_eq!(forced.allow_settings(&on, &renamed).unwrap_err().code(), "app.read_only_forced");
        let writable = ReadOnly::new(&off, false);
        assert!(writable.allow_settings(&off, &leave_and_load).is_ok());
        assert!(writable.allow_settings(&off, &on).is_ok(), "turning read-only on");
    }
}
