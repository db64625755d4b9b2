//! The group inventory's actions (crates/group does the work): set the database up, publish
//! this workstation's inventory, read the whole group, configure the address and password.
//!
//! Policy:
//! - `group_init`: Admin (it creates roles and tables on the group's server).
//! - `publish_group`: Change. A read-only workstation (a secretary's) does not publish:
//!   `publish_group_if_configured` quietly does nothing there.
//! - `group_list`, `group_view`, `group_certificate`, `group_status`, `group_settings`:
//!   Read, allowed everywhere: a secretary's workstation may view the group.
//! - `save_group_settings`: Admin (where the inventory goes, and a secret); the address
//!   cannot be changed when the deployment forces it.
//!
//! The address: the one given (the CLI's `--database`; to publish, only the deployment's
//! when it forces one), else the deployment's
//! (CERTISANTE_GROUP_DATABASE_URL, or the machine policy's GroupDatabaseUrl), else the `group_database_url`
//! setting. The password: the address's own (CLI only: never saved), else PGPASSWORD, else
//! the OS keystore (`group-password/<login id>`), else the PostgreSQL password file.

use std::time::Duration;

use chrono::Utc;
use serde::Serialize;
use ts_rs::TS;

use certisante_devices::keys::{SecretKind, SecretName};
use certisante_group::publish::{self, PublishOutcome, PublishSummary};
use certisante_group::read::{self, GroupCertificateDetails, GroupListing, GroupRows, GroupStatus, ReadOptions};
use certisante_group::schema::{self, InitReport};
use certisante_group::{pgpass, snapshot, Address, GroupError};
use certisante_pki::view::Thresholds;
use certisante_pki::Sensitive;
use certisante_store::group_outbox::GroupBacklog;
use certisante_store::lifecycle;

use crate::model::{ApiError, Settings};
use crate::policy::{self, Access};
use crate::{Api, Result};

/// The group settings as the app's settings panel shows them.
#[derive(Debug, Clone, Serialize, TS)]
pub struct GroupSettings {
    /// The address in use (without password), None when no group is configured.
    pub database_url: Option<String>,
    /// Set by the deployment: not editable here.
    pub forced: bool,
    /// The name this workstation publishes under, when not the computer's.
    pub workstation: Option<String>,
    /// The computer's name (the default).
    pub default_workstation: String,
    /// A password for this address is in the OS keystore.
    pub password_saved: bool,
    /// The OS keystore could not be asked (the password may still come from elsewhere).
    pub keystore_error: Option<ApiError>,
    /// The backlog and the last publications.
    pub backlog: GroupBacklog,
}

/// How often a front end publishes in the background: hourly (and after each scan, and when
/// the group settings change: the front end wakes it then).
pub const GROUP_PUBLISH_PERIOD: Duration = Duration::from_secs(3600);
/// While the server is away and changes wait: every five minutes.
pub const GROUP_PUBLISH_RETRY: Duration = Duration::from_secs(300);

/// One background publication: what it did, why it failed, and when to publish next.
#[derive(Debug)]
pub struct BackgroundPublication {
    /// None: no group configured, or a read-only workstation (nothing to do).
    pub summary: Option<PublishSummary>,
    /// Refused or failed (the backlog keeps the changes): the next attempt is the usual one.
    pub error: Option<ApiError>,
    /// When to publish again, unless woken before.
    pub next_in: Duration,
}

impl BackgroundPublication {
    /// Whether a front end should tell the user (something was sent, or it now waits).
    pub fn worth_announcing(&self) -> bool {
        self.summary.as_ref().is_some_and(|s| s.outcome != PublishOutcome::Unchanged)
    }
}

/// What the Groupe view shows: the rows, the workstations, and this workstation's backlog.
#[derive(Debug, Clone, Serialize, TS)]
pub struct GroupView {
    /// The database read (without password).
    pub server: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub rows: GroupRows,
    /// When it was read.
    #[ts(type = "string")]
    pub read_at: chrono::DateTime<Utc>,
    pub backlog: GroupBacklog,
}

/// What an address is for: publishing is held to the deployment's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AddressUse {
    Publish,
    Other,
}

/// Two addresses of the same login on the same database (passwords aside).
fn same_address(a: &str, b: &str) -> bool {
    a == b || matches!((Address::parse(a), Address::parse(b)), (Ok(a), Ok(b)) if a.redacted() == b.redacted())
}

impl Api {
    /// The address: given, forced by the deployment, or the setting's. Where the deployment
    /// forces it, this workstation publishes there and nowhere else: another address given to
    /// publish is refused. An administrator's `init` and a reader's `list` or `status` may
    /// name another database (they write nothing of this workstation's).
    fn group_address(&self, given: Option<&str>, purpose: AddressUse) -> Result<Address> {
        let forced = policy::group_database_url_forced(&self.host.policy.policy);
        let text = match (given, forced) {
            (Some(given), Some(forced)) if purpose == AddressUse::Publish && !same_address(given, &forced) => return Err(GroupError::AddressForced.into()),
            (Some(given), _) => given.to_owned(),
            (None, Some(forced)) => forced,
            (None, None) => self.registry.settings()?.group_database_url.ok_or(GroupError::NotConfigured)?,
        };
        Ok(Address::parse(&text)?)
    }

    /// Whether a group is configured (the setting or the deployment).
    pub fn group_configured(&self) -> Result<bool> {
        Ok(policy::group_database_url_forced(&self.host.policy.policy).is_some() || self.registry.settings()?.group_database_url.is_some())
    }

    fn group_secret_name(address: &Address) -> SecretName {
        SecretName::new(SecretKind::GroupPassword, address.login_id())
    }

    /// The password to log in with, from the first place that has one.
    fn group_password(&self, address: &Address) -> Result<Option<Sensitive<String>>> {
        if let Some(password) = &address.password {
            return Ok(Some(Sensitive::new(password.expose().clone())));
        }
        if let Some(password) = std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty()) {
            return Ok(Some(Sensitive::new(password)));
        }
        // No keystore (a service without a session): the password file may still have it.
        if let Ok(Some(bytes)) = self.host.keystore.get(&Self::group_secret_name(address)) {
            return Ok(Some(Sensitive::new(String::from_utf8_lossy(bytes.expose()).into_owned())));
        }
        Ok(pgpass::lookup(address))
    }

    fn connect_group(&self, address: &Address) -> Result<certisante_group::Session> {
        let password = self.group_password(address)?;
        Ok(certisante_group::connect(address, password.as_ref())?)
    }

    fn group_read_options(&self, thresholds: Option<Thresholds>) -> Result<ReadOptions> {
        let thresholds = match thresholds {
            Some(t) => t,
            None => self.registry.settings()?.thresholds,
        };
        Ok(ReadOptions { thresholds, now: Utc::now() })
    }

    /// The name to publish under: given, the setting's, or the computer's.
    fn group_workstation(&self, given: Option<&str>) -> Result<String> {
        let name = match given {
            Some(name) => name.trim().to_owned(),
            None => self.registry.settings()?.group_workstation.unwrap_or_else(publish::host_name),
        };
        publish::check_workstation(&name)?;
        Ok(name)
    }

    /// `group init`: creates or migrates the group database's schema and roles.
    pub fn group_init(&self, database: Option<&str>) -> Result<InitReport> {
        self.allow(Access::Admin)?;
        let address = self.group_address(database, AddressUse::Other)?;
        let session = self.connect_group(&address)?;
        Ok(schema::init(&session)?)
    }

    /// Publishes this workstation's inventory (idempotent, incremental). An unreachable
    /// server is not an error: the summary says `queued`, and the next publication sends
    /// the backlog.
    pub fn publish_group(&self, database: Option<&str>, workstation: Option<&str>) -> Result<PublishSummary> {
        self.allow(Access::Change)?;
        let address = self.group_address(database, AddressUse::Publish)?;
        let workstation = self.group_workstation(workstation)?;
        let settings = self.registry.settings()?;
        let report = crate::dashboard::registry_report(&self.registry, &settings)?;
        let orders = lifecycle::list_orders(&self.registry)?;
        let items = snapshot::items(&workstation, &report, &orders);
        let password = self.group_password(&address)?;
        Ok(publish::publish(&self.registry, &address, password.as_ref(), &workstation, &items)?)
    }

    /// For the background watch and the supervision loop: publishes when a group is
    /// configured and this workstation may publish; None otherwise (no group, or a
    /// read-only workstation).
    pub fn publish_group_if_configured(&self) -> Result<Option<PublishSummary>> {
        if !self.group_configured()? || self.read_only()?.enabled {
            return Ok(None);
        }
        self.publish_group(None, None).map(Some)
    }

    /// The background publisher's step (the app's thread loops on it): publishes when a
    /// group is configured, and says when to publish next: sooner while the server is away.
    pub fn publish_group_in_background(&self) -> BackgroundPublication {
        match self.publish_group_if_configured() {
            Ok(summary) => {
                let queued = summary.as_ref().is_some_and(|s| s.outcome == PublishOutcome::Queued);
                BackgroundPublication { summary, error: None, next_in: if queued { GROUP_PUBLISH_RETRY } else { GROUP_PUBLISH_PERIOD } }
            }
            Err(error) => BackgroundPublication { summary: None, error: Some(error), next_in: GROUP_PUBLISH_PERIOD },
        }
    }

    /// `group list`: every certificate of the group (`list --json`'s shape, with the
    /// workstations holding each), its read errors and pending orders, its workstations.
    pub fn group_list(&self, database: Option<&str>, thresholds: Option<Thresholds>) -> Result<GroupListing> {
        let (session, options, _) = self.group_reader(database, thresholds)?;
        Ok(read::list(&session, &options)?)
    }

    /// `group list --json`: `group_list` as read, written as JSON text (one certificate per
    /// line) by `RawListing::write_json`, its documents as the server holds them, without
    /// parsing them again.
    pub fn group_list_json(&self, database: Option<&str>, thresholds: Option<Thresholds>) -> Result<read::RawListing> {
        let (session, options, _) = self.group_reader(database, thresholds)?;
        Ok(read::raw_list(&session, &options)?)
    }

    /// A checked session to read the group, the time and thresholds to read it with, and
    /// its address.
    fn group_reader(&self, database: Option<&str>, thresholds: Option<Thresholds>) -> Result<(certisante_group::Session, ReadOptions, Address)> {
        self.allow(Access::Read)?;
        let options = self.group_read_options(thresholds)?;
        let address = self.group_address(database, AddressUse::Other)?;
        let session = self.connect_group(&address)?;
        schema::check(&session)?;
        Ok((session, options, address))
    }

    /// The Groupe view: one row per certificate (details on demand), the workstations.
    pub fn group_view(&self) -> Result<GroupView> {
        let (session, options, address) = self.group_reader(None, None)?;
        let rows = read::rows(&session, &options)?;
        Ok(GroupView { server: address.redacted(), rows, read_at: options.now, backlog: self.registry.group_backlog()? })
    }

    /// One certificate of the group in full, with every workstation's copy.
    pub fn group_certificate(&self, sha256: &str) -> Result<GroupCertificateDetails> {
        self.allow(Access::Read)?;
        let sha256 = sha256.trim().to_ascii_lowercase();
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(crate::AppError::BadRequest(format!("not a SHA-256: {sha256:?}")).into());
        }
        let options = self.group_read_options(None)?;
        let address = self.group_address(None, AddressUse::Other)?;
        let session = self.connect_group(&address)?;
        read::certificate(&session, &sha256, &options)?
            .ok_or_else(|| crate::AppError::BadRequest(format!("no workstation of the group holds the certificate {sha256}")).into())
    }

    /// `group status`: the whole group's Nagios status.
    pub fn group_status(&self, database: Option<&str>, thresholds: Option<Thresholds>) -> Result<GroupStatus> {
        let (session, options, _) = self.group_reader(database, thresholds)?;
        Ok(read::status(&session, &options)?)
    }

    /// The group settings, the password's presence (never the password) and the backlog.
    pub fn group_settings(&self) -> Result<GroupSettings> {
        let settings = self.registry.settings()?;
        let forced = policy::group_database_url_forced(&self.host.policy.policy);
        let text = forced.clone().or(settings.group_database_url.clone());
        let address = text.as_deref().map(Address::parse).transpose()?;
        let (password_saved, keystore_error) = match &address {
            None => (false, None),
            Some(address) => match self.host.keystore.get(&Self::group_secret_name(address)) {
                Ok(found) => (found.is_some(), None),
                Err(e) => (false, Some(ApiError::from(e))),
            },
        };
        Ok(GroupSettings {
            database_url: address.as_ref().map(Address::redacted),
            forced: forced.is_some(),
            workstation: settings.group_workstation,
            default_workstation: publish::host_name(),
            password_saved,
            keystore_error,
            backlog: self.registry.group_backlog()?,
        })
    }

    /// Saves the group address and the workstation name in the settings (None: unchanged;
    /// empty: no group, the computer's name), and the password in the OS keystore (None:
    /// unchanged; empty: forgotten). An address carrying a password is refused: the
    /// settings never hold one. A forced address cannot be changed.
    pub fn save_group_settings(&self, database_url: Option<&str>, workstation: Option<&str>, password: Option<&Sensitive<String>>) -> Result<GroupSettings> {
        self.allow(Access::Admin)?;
        let before = self.registry.settings()?;
        let forced = policy::group_database_url_forced(&self.host.policy.policy);
        let url_setting = match (database_url.map(str::trim), &forced) {
            (None, _) => before.group_database_url.clone(),
            (Some(url), Some(forced)) => {
                if !url.is_empty() && !same_address(url, forced) {
                    return Err(GroupError::AddressForced.into());
                }
                before.group_database_url.clone()
            }
            (Some(""), None) => None,
            (Some(url), None) => {
                if Address::parse(url)?.password.is_some() {
                    return Err(GroupError::PasswordInAddress.into());
                }
                Some(url.to_owned())
            }
        };
        let workstation_setting = match workstation.map(str::trim) {
            None => before.group_workstation.clone(),
            Some("") => None,
            Some(name) => {
                publish::check_workstation(name)?;
                Some(name.to_owned())
            }
        };
        let after = Settings { group_database_url: url_setting.clone(), group_workstation: workstation_setting, ..before.clone() };
        if after != before {
            self.save_settings(&after)?;
        }
        let address = forced.or(url_setting).map(|text| Address::parse(&text)).transpose()?;
        if let Some(password) = password {
            let target = address.ok_or(GroupError::NotConfigured)?;
            let name = Self::group_secret_name(&target);
            if password.expose().is_empty() {
                self.host.keystore.delete(&name)?;
            } else {
                self.host.keystore.put(&name, &Sensitive::new(password.expose().as_bytes().to_vec()))?;
            }
        }
        self.group_settings()
    }
}
