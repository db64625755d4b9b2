//! `certisante settings show|set`: the settings in force and what the machine policy forces
//! (a GPO, /etc/certisante/policy.json, a macOS profile). A forced setting cannot be
//! changed (`policy.forced`), from here as from the app: the API refuses it.

use certisante_api::model::*;
use clap::{Subcommand, ValueEnum};

use crate::{print_json, text, Context, Failure};

type Outcome = Result<u8, Failure>;

#[derive(Subcommand)]
pub enum SettingsAction {
    /// The settings in force, each forced one marked, and the machine policy's source.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Change one setting.
    Set {
        #[arg(value_enum)]
        setting: SettingArg,
        /// read-only: true|false; alert-days: "90,30,7,0"; pkcs11-module: a full path ("" for
        /// Cryptolib CPS's usual places); language: fr|en.
        value: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SettingArg {
    ReadOnly,
    AlertDays,
    Pkcs11Module,
    Language,
}

/// `settings show --json`: the contract for scripts.
#[derive(serde::Serialize)]
struct SettingsDocument<'a> {
    settings: &'a Settings,
    policy: &'a MachinePolicyView,
    read_only: ReadOnly,
}

pub fn settings(action: SettingsAction, context: &Context) -> Outcome {
    let refused = |e: ApiError| context.fail(e, true);
    let api = context.api(true)?;
    match action {
        SettingsAction::Show { json } => {
            let settings = api.settings().map_err(refused)?;
            let policy = api.machine_policy();
            let read_only = api.read_only().map_err(refused)?;
            if json {
                print_json(&SettingsDocument { settings: &settings, policy: &policy, read_only })?;
                return Ok(0);
            }
            let forced = |name: &str| if policy.forced.iter().any(|f| f == name) { text::forced_by_policy(context.lang) } else { String::new() };
            let days: Vec<String> = settings.alert_days.iter().map(i64::to_string).collect();
            let watched: Vec<String> = api.watched().map_err(refused)?.into_iter().map(|w| w.path).collect();
            println!("read_only          {}{}", read_only.enabled, forced("read_only"));
            println!("alert_days         {}{}", days.join(","), forced("alert_days"));
            println!("pkcs11_module      {}{}", settings.pkcs11_module.as_deref().unwrap_or("-"), forced("pkcs11_module"));
            println!("watched_paths      {}{}", watched.join(" ; "), forced("watched_paths"));
            if let Some(url) = &policy.values.group_database_url {
                println!("group_database_url {url}{}", forced("group_database_url"));
            }
            println!("language           {}", settings.language);
            println!("{}", text::policy_source(context.lang, &policy.source, policy.forced.len()));
            if let Some(error) = &policy.error {
                println!("{}", certisante_api::messages::describe(error, context.lang));
            }
            Ok(0)
        }
        SettingsAction::Set { setting, value } => {
            let mut settings = api.settings().map_err(refused)?;
            let invalid = |why: &str| context.fail(ApiError::new("app.bad_request", why), true);
            match setting {
                SettingArg::ReadOnly => {
                    settings.read_only = match value.trim() {
                        "true" | "1" | "yes" => true,
                        "false" | "0" | "no" => false,
                        _ => return Err(invalid("read-only: true or false")),
                    }
                }
                SettingArg::AlertDays => {
                    settings.alert_days = certisante_api::parse_days(&value).map_err(|why| invalid(&why))?;
                }
                SettingArg::Pkcs11Module => settings.pkcs11_module = (!value.trim().is_empty()).then(|| value.trim().to_owned()),
                SettingArg::Language => settings.language = value.trim().to_owned(),
            }
            let saved = api.save_settings(&settings).map_err(refused)?;
            let shown = match setting {
                SettingArg::ReadOnly => saved.read_only.to_string(),
                SettingArg::AlertDays => saved.alert_days.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
                SettingArg::Pkcs11Module => saved.pkcs11_module.unwrap_or_default(),
                SettingArg::Language => saved.language,
            };
            println!("{}", text::setting_saved(context.lang, setting_name(setting), &shown));
            Ok(0)
        }
    }
}

fn setting_name(setting: SettingArg) -> &'static str {
    match setting {
        SettingArg::ReadOnly => "read_only",
        SettingArg::AlertDays => "alert_days",
        SettingArg::Pkcs11Module => "pkcs11_module",
        SettingArg::Language => "language",
    }
}
