//! `certisante group ...`: the group inventory on PostgreSQL. Parse, call the API, print.
//! Exit codes: 0 done; 1 refused (read-only, not the owner of the workstation name, denied);
//! 3 the environment is in the way (no address, server unreachable: the changes wait in
//! the backlog, a login refused, TLS); `status` has Nagios's own (0 OK, 1 WARNING,
//! 2 CRITICAL, 3 UNKNOWN).

use std::path::PathBuf;

use certisante_api::model::*;
use clap::Subcommand;

use crate::text::Lang;
use crate::{print_json, print_with, read_secret_file, Context, Failure, Outcome, EXIT_TROUBLE};

#[derive(Subcommand)]
pub enum GroupAction {
    /// Create or migrate the group database's schema, roles (certisante_publisher,
    /// certisante_reader) and row-level security. Run as the database's administrator.
    Init {
        /// libpq-style address, e.g. postgresql://admin@pg.ght.local/certisante?sslmode=verify-full&sslrootcert=ca.pem
        #[arg(long)]
        database: String,
        #[arg(long)]
        json: bool,
    },
    /// Publish this workstation's inventory (certificates, places, statuses, orders; never a
    /// key, a password, a revocation code or a PIN). Incremental: nothing changed, almost
    /// nothing sent. Server unreachable: the changes wait here, the next run sends them.
    Publish {
        /// Default: the group address saved in the settings.
        #[arg(long)]
        database: Option<String>,
        /// Default: the name saved in the settings, else the computer's name.
        #[arg(long)]
        workstation: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The whole group's certificates: with --json the same document as `list --json`, each
    /// certificate with the workstations holding it (places name theirs), plus the workstations.
    List {
        #[arg(long)]
        json: bool,
        #[arg(long)]
        database: Option<String>,
        #[arg(long)]
        warn_days: Option<i64>,
        #[arg(long)]
        crit_days: Option<i64>,
    },
    /// One Nagios line over the whole group; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    /// A workstation silent for more than 7 days is a WARNING.
    Status {
        #[arg(long)]
        database: Option<String>,
        #[arg(long)]
        warn_days: Option<i64>,
        #[arg(long)]
        crit_days: Option<i64>,
    },
    /// Save the group address and the workstation name in the settings, and the password
    /// (read from a file, never from the command line) in this user's OS keystore.
    Configure {
        /// The address, without password (empty: no group; absent: unchanged).
        #[arg(long)]
        database: Option<String>,
        /// The name to publish under (empty: the computer's; absent: unchanged).
        #[arg(long)]
        workstation: Option<String>,
        #[arg(long, conflicts_with = "forget_password")]
        password_file: Option<PathBuf>,
        #[arg(long)]
        forget_password: bool,
        #[arg(long)]
        json: bool,
    },
}

/// Refusals exit 1 (what was asked is not allowed); the rest, the environment, exits 3.
fn fail(context: &Context, error: ApiError) -> Failure {
    const REFUSALS: &[&str] = &[
        "group.not_owner",
        "group.denied",
        "group.invalid_address",
        "group.invalid_workstation",
        "group.password_in_address",
        "group.address_forced",
        "group.newer_schema",
        "app.bad_request",
    ];
    let refused = REFUSALS.contains(&error.code.as_str());
    context.fail(error, refused)
}

fn pick(lang: Lang, fr: String, en: String) -> String {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

fn thresholds(context: &Context, warn_days: Option<i64>, crit_days: Option<i64>) -> Result<Option<Thresholds>, Failure> {
    if warn_days.is_none() && crit_days.is_none() {
        return Ok(None);
    }
    let saved = context.api(false)?.settings().map_err(|e| fail(context, e))?.thresholds;
    Ok(Some(Thresholds { warn_days: warn_days.unwrap_or(saved.warn_days), crit_days: crit_days.unwrap_or(saved.crit_days) }))
}

pub fn group(action: GroupAction, context: &Context) -> Outcome {
    let lang = context.lang;
    match action {
        GroupAction::Init { database, json } => {
            let report = context.api(false)?.group_init(Some(&database)).map_err(|e| fail(context, e))?;
            if json {
                print_json(&report)?;
            } else if report.from_version == report.to_version {
                println!(
                    "{}",
                    pick(
                        lang,
                        format!("{} : schéma à jour (version {})", report.server, report.to_version),
                        format!("{}: schema up to date (version {})", report.server, report.to_version)
                    )
                );
            } else {
                println!(
                    "{}",
                    pick(
                        lang,
                        format!("{} : schéma version {} → {} (groupe {})", report.server, report.from_version, report.to_version, report.group_id),
                        format!("{}: schema version {} → {} (group {})", report.server, report.from_version, report.to_version, report.group_id)
                    )
                );
            }
            Ok(0)
        }
        GroupAction::Publish { database, workstation, json } => {
            let summary = context.api(false)?.publish_group(database.as_deref(), workstation.as_deref()).map_err(|e| fail(context, e))?;
            if json {
                print_json(&summary)?;
            } else {
                println!("{}", publish_line(&summary, lang));
            }
            match (&summary.outcome, &summary.error) {
                (PublishOutcome::Queued, Some(error)) => {
                    eprintln!("certisante: {}", certisante_api::messages::describe(error, lang));
                    Ok(EXIT_TROUBLE)
                }
                _ => Ok(0),
            }
        }
        GroupAction::List { json, database, warn_days, crit_days } => {
            let thresholds = thresholds(context, warn_days, crit_days)?;
            let api = context.api(false)?;
            if json {
                let listing = api.group_list_json(database.as_deref(), thresholds).map_err(|e| fail(context, e))?;
                print_with(|out| listing.write_json(out))?;
            } else {
                print_table(&api.group_list(database.as_deref(), thresholds).map_err(|e| fail(context, e))?)?;
            }
            Ok(0)
        }
        GroupAction::Status { database, warn_days, crit_days } => {
            let thresholds = thresholds(context, warn_days, crit_days)?;
            match context.api(false)?.group_status(database.as_deref(), thresholds) {
                Ok(status) => {
                    println!("{}", status.nagios_line());
                    Ok(status.exit_code)
                }
                Err(e) => {
                    // Nagios: the reason on the one line, UNKNOWN.
                    println!("CERTISANTE GROUP UNKNOWN - {} ({})", e.message, e.code);
                    Ok(3)
                }
            }
        }
        GroupAction::Configure { database, workstation, password_file, forget_password, json } => {
            let api = context.api(false)?;
            let password = match (password_file, forget_password) {
                (Some(file), _) => Some(read_secret_file(&file)?),
                (None, true) => Some(Sensitive::new(String::new())),
                (None, false) => None,
            };
            let saved = api.save_group_settings(database.as_deref(), workstation.as_deref(), password.as_ref()).map_err(|e| fail(context, e))?;
            if json {
                print_json(&saved)?;
            } else {
                let address = saved.database_url.clone().unwrap_or_else(|| "-".into());
                let name = saved.workstation.clone().unwrap_or_else(|| saved.default_workstation.clone());
                let password = if saved.password_saved { pick(lang, "enregistré".into(), "saved".into()) } else { pick(lang, "aucun".into(), "none".into()) };
                println!(
                    "{}",
                    pick(
                        lang,
                        format!("groupe : {address}\nposte : {name}\nmot de passe dans le trousseau : {password}"),
                        format!("group: {address}\nworkstation: {name}\npassword in the keystore: {password}")
                    )
                );
            }
            Ok(0)
        }
    }
}

fn publish_line(summary: &PublishSummary, lang: Lang) -> String {
    let reconciled =
        if summary.reconciled { pick(lang, " (état du serveur relu d'abord)".into(), " (server state read back first)".into()) } else { String::new() };
    match summary.outcome {
        PublishOutcome::Unchanged => pick(
            lang,
            format!(
                "{} → {} : rien de changé ({} certificats, {} commandes){reconciled}",
                summary.workstation, summary.server, summary.certificates, summary.orders
            ),
            format!(
                "{} → {}: nothing changed ({} certificates, {} orders){reconciled}",
                summary.workstation, summary.server, summary.certificates, summary.orders
            ),
        ),
        PublishOutcome::Published => pick(
            lang,
            format!(
                "{} → {} : {} envoyé(s), {} retiré(s) ({} certificats, {} commandes){reconciled}",
                summary.workstation, summary.server, summary.sent, summary.removed, summary.certificates, summary.orders
            ),
            format!(
                "{} → {}: {} sent, {} removed ({} certificates, {} orders){reconciled}",
                summary.workstation, summary.server, summary.sent, summary.removed, summary.certificates, summary.orders
            ),
        ),
        PublishOutcome::Queued => pick(
            lang,
            format!(
                "{} → {} : serveur injoignable, {} changement(s) en attente, envoyés à la prochaine publication",
                summary.workstation, summary.server, summary.pending
            ),
            format!("{} → {}: server unreachable, {} change(s) waiting, sent at the next publication", summary.workstation, summary.server, summary.pending),
        ),
    }
}

fn print_table(listing: &GroupListing) -> Result<(), Failure> {
    println!("{:<12} {:<11} {:<6} {:>6}  {:<5} {:<30} {:<16} WORKSTATIONS", "STATUS", "ENDS", "ENV", "DAYS", "KEY", "CN", "STRUCTURE");
    for raw in &listing.certificates {
        let c: serde_json::Value = serde_json::from_str(raw.get()).map_err(|e| Failure { message: e.to_string(), exit: EXIT_TROUBLE })?;
        let text = |field: &str| c[field].as_str().unwrap_or("-").to_owned();
        let workstations: Vec<&str> = c["workstations"].as_array().map(|a| a.iter().filter_map(|w| w.as_str()).collect()).unwrap_or_default();
        println!(
            "{:<12} {:<11} {:<6} {:>6}  {:<5} {:<30} {:<16} {}",
            text("status"),
            text("usable_until").get(..10).unwrap_or("-"),
            text("environment"),
            c["days_left"].as_i64().unwrap_or_default(),
            if c["has_private_key"].as_bool().unwrap_or(false) { "yes" } else { "no" },
            text("cn"),
            text("structure_id"),
            workstations.join(", ")
        );
    }
    for w in &listing.workstations {
        let stale = if w.stale { " (silent)" } else { "" };
        eprintln!("workstation {}: {} certificates, last contact {}{stale}", w.name, w.certificates, w.last_contact_at.format("%Y-%m-%d %H:%M UTC"));
    }
    for e in &listing.errors {
        eprintln!("error: {}: {}: {} ({})", e.workstation, e.path, e.message, e.code);
    }
    Ok(())
}
