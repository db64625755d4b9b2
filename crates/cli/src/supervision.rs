//! `certisante metrics`, `certisante alerts ...` and the watching pass (`certisante watch`
//! without a sub-command): parse, call the API, print.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use certisante_api::model::*;
use certisante_api::{MetricsEndpoint, MetricsSource, WatchOptions};
use clap::{Args, Subcommand, ValueEnum};

use crate::text;
use crate::{print_json, read_secret_file, Context, Failure, Outcome, EXIT_REFUSED, EXIT_TROUBLE};

#[derive(Args)]
pub struct MetricsArgs {
    /// Serve the metrics on http://ADDRESS:PORT/metrics (e.g. 127.0.0.1:9464) instead of
    /// printing them; each scrape reads the registry (or the PATHs) again.
    #[arg(long, value_name = "ADDRESS:PORT")]
    listen: Option<String>,
    /// Write them to FILE atomically (node_exporter's textfile collector never reads half
    /// a file) instead of standard output.
    #[arg(long, value_name = "FILE", conflicts_with = "listen")]
    output: Option<PathBuf>,
    /// File holding the password of the PKCS#12 files among the PATHs.
    #[arg(long)]
    p12_password_file: Option<PathBuf>,
    /// Files and folders to read (without them: the registry).
    paths: Vec<PathBuf>,
}

pub fn metrics(args: MetricsArgs, context: &Context) -> Outcome {
    let trouble = |e: ApiError| context.fail(e, false);
    let password = args.p12_password_file.as_deref().map(read_secret_file).transpose()?;
    if let Some(address) = &args.listen {
        let source = if args.paths.is_empty() {
            MetricsSource::Registry(context.host().clone())
        } else {
            MetricsSource::Paths { paths: args.paths.clone(), p12_password: password }
        };
        let endpoint = MetricsEndpoint::bind(address, source).map_err(trouble)?;
        let bound = endpoint.local_addr().map(|a| a.to_string()).unwrap_or_else(|| address.clone());
        // On standard error: tests and service logs read the port picked for port 0 here.
        eprintln!("{}", text::metrics_listening(context.lang, &format!("http://{bound}/metrics")));
        endpoint.serve().map_err(trouble)?;
        return Ok(0);
    }
    let exposition =
        if args.paths.is_empty() { context.api(false)?.metrics().map_err(trouble)? } else { certisante_api::metrics_of_paths(&args.paths, password) };
    match &args.output {
        Some(file) => certisante_api::write_text_file(file, &exposition).map_err(trouble)?,
        None => print!("{exposition}"),
    }
    Ok(0)
}

#[derive(Args, Default)]
pub struct WatchPassArgs {
    /// Print what the pass did as one JSON object (status, scan, revocation, alerts sent
    /// and failed).
    #[arg(long)]
    json: bool,
    /// Do not show desktop notifications, even with a session bus.
    #[arg(long)]
    no_desktop: bool,
}

/// `certisante watch`: one pass, then the Nagios exit code.
pub fn watch_pass(args: WatchPassArgs, context: &Context) -> Outcome {
    let lang = context.lang;
    let mut api = context.api(false)?;
    let report = api.watch_once(&WatchOptions { desktop: !args.no_desktop }).map_err(|e| context.fail(e, false))?;
    if args.json {
        print_json(&report)?;
        return Ok(report.status.code);
    }
    println!("{}", report.status.line);
    if let Some(scan) = &report.scan {
        println!("{}", text::scan_summary(lang, scan.files_seen, scan.files_parsed, scan.files_unchanged, scan.errors));
    }
    if let Some(r) = &report.revocation {
        println!("{}", text::refresh_summary(lang, r.checked, r.crls_downloaded, r.failures));
    }
    for shown in &report.desktop.shown {
        println!("{}", text::desktop_shown(lang, &shown.cn, shown.threshold_days));
    }
    if let Some(code) = &report.desktop.skipped {
        println!("{}", text::desktop_skipped(lang, code));
    }
    for failed in &report.desktop.failed {
        println!("{}", text::desktop_failed(lang, &failed.message, &failed.code));
    }
    for sent in &report.deliveries.sent {
        println!("{}", text::alert_sent(lang, &sent.channel, &sent.cn, sent.threshold_days));
    }
    for failed in &report.deliveries.failed {
        println!("{}", text::alert_not_sent(lang, &failed.channel, &failed.cn, failed.threshold_days, &failed.message, &failed.code));
    }
    if let Some(published) = report.group.as_ref().filter(|p| p.outcome != PublishOutcome::Queued) {
        println!("{}", text::group_published(lang, published.certificates));
    }
    for problem in &report.problems {
        println!("{}", text::step_failed(lang, &problem.message, &problem.code));
    }
    Ok(report.status.code)
}

#[derive(Subcommand)]
pub enum AlertsAction {
    /// Send the alerts due now by e-mail and webhook (each threshold once per recipient
    /// and webhook). Exit 0 when every message went out, 1 when one did not (it is tried
    /// again at the next run).
    Send {
        #[arg(long)]
        json: bool,
    },
    /// The e-mail and webhook settings, and the last failure of each recipient or webhook.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// E-mail alerts: the SMTP server, the sender, the recipients.
    Mail {
        #[command(subcommand)]
        action: MailAction,
    },
    /// Webhooks (Teams, Mattermost, Slack incoming webhooks, or any tool taking JSON).
    Webhook {
        #[command(subcommand)]
        action: WebhookAction,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SecurityArg {
    /// STARTTLS, required (port 587 by default).
    Starttls,
    /// TLS from the first byte (SMTPS, port 465 by default).
    Tls,
    /// No TLS (an internal relay, port 25 by default): only without --user.
    Plain,
}

#[derive(Subcommand)]
pub enum MailAction {
    /// Set the e-mail settings (all of them: what is not given is not kept, except the
    /// password already in the OS keystore).
    Set {
        /// The SMTP server.
        #[arg(long)]
        host: String,
        #[arg(long)]
        port: Option<u16>,
        #[arg(long, value_enum, default_value = "starttls")]
        security: SecurityArg,
        /// The login; its password comes from --password-file (or stays as saved).
        #[arg(long)]
        user: Option<String>,
        /// File holding the SMTP password (saved into the OS keystore, never on a command line).
        #[arg(long)]
        password_file: Option<PathBuf>,
        /// The sender: an address, or "Name <address>".
        #[arg(long)]
        from: String,
        /// A shared mailbox told about every certificate (repeat for more).
        #[arg(long = "to", value_name = "ADDRESS")]
        to: Vec<String>,
        /// Recipients of one establishment: STRUCTURE_ID=ADDRESS[,ADDRESS...] (repeat for more).
        #[arg(long = "to-structure", value_name = "STRUCTURE=ADDRESSES")]
        to_structure: Vec<String>,
        /// A PEM file of extra trust anchors for the server (an internal CA).
        #[arg(long)]
        ca_file: Option<PathBuf>,
    },
    /// Turn e-mail alerts off (and remove the password from the OS keystore).
    Remove,
    /// Send a test message to ADDRESS, or to every recipient.
    Test {
        #[arg(long = "to", value_name = "ADDRESS")]
        to: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum WebhookAction {
    /// Add or change a webhook; its URL is read from a file (a token is in it) and kept
    /// in the OS keystore.
    Add {
        /// A name of your choice: teams-dsi, mattermost... (letters, digits, - _ .).
        name: String,
        /// File holding the webhook's URL (https; optional when changing a webhook).
        #[arg(long)]
        url_file: Option<PathBuf>,
        /// A PEM file of extra trust anchors for an internal server.
        #[arg(long)]
        ca_file: Option<PathBuf>,
    },
    Remove {
        name: String,
    },
    /// Post a test message to the webhook.
    Test {
        name: String,
    },
}

fn absolute(path: &Path) -> String {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()).display().to_string()
}

/// `--to-structure 10B0000001=a@x,b@x` into the map, repeated flags merged.
fn structures(values: &[String]) -> Result<BTreeMap<String, Vec<String>>, Failure> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for value in values {
        let Some((structure, addresses)) = value.split_once('=') else {
            return Err(Failure { message: format!("--to-structure {value:?}: STRUCTURE_ID=ADDRESS[,ADDRESS...]"), exit: EXIT_TROUBLE });
        };
        out.entry(structure.trim().to_owned()).or_default().extend(addresses.split(',').map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()));
    }
    Ok(out)
}

pub fn alerts(action: AlertsAction, context: &Context) -> Outcome {
    let lang = context.lang;
    let refused = |e: ApiError| context.fail(e, true);
    let trouble = |e: ApiError| context.fail(e, false);
    match action {
        AlertsAction::Send { json } => {
            let api = context.api(false)?;
            let report = api.send_alerts(chrono::Utc::now()).map_err(trouble)?;
            if json {
                print_json(&report)?;
            } else {
                for sent in &report.sent {
                    println!("{}", text::alert_sent(lang, &sent.channel, &sent.cn, sent.threshold_days));
                }
                for failed in &report.failed {
                    println!("{}", text::alert_not_sent(lang, &failed.channel, &failed.cn, failed.threshold_days, &failed.message, &failed.code));
                }
                if report.sent.is_empty() && report.failed.is_empty() {
                    println!("{}", text::nothing_due(lang));
                }
            }
            Ok(if report.failed.is_empty() { 0 } else { EXIT_REFUSED })
        }
        AlertsAction::Show { json } => {
            let api = context.api(false)?;
            let settings = api.settings().map_err(trouble)?;
            let failures = api.delivery_failures().map_err(trouble)?;
            if json {
                print_json(&serde_json::json!({ "mail": settings.mail, "webhooks": settings.webhooks, "failures": failures }))?;
                return Ok(0);
            }
            match &settings.mail {
                None => println!("{}", text::mail_off(lang)),
                Some(mail) => {
                    println!(
                        "{}",
                        text::mail_summary(
                            lang,
                            &format!("{}:{}", mail.host, mail.port()),
                            &crate::enum_text(&mail.security),
                            mail.username.as_deref(),
                            &mail.from
                        )
                    );
                    for recipient in &mail.recipients {
                        println!("  → {recipient}");
                    }
                    for (structure, recipients) in &mail.recipients_by_structure {
                        println!("  → {structure}: {}", recipients.join(", "));
                    }
                }
            }
            for webhook in &settings.webhooks {
                println!("{}", text::webhook_summary(lang, &webhook.name, &webhook.host));
            }
            for failure in &failures {
                println!(
                    "{}",
                    text::delivery_failure(
                        lang,
                        &failure.channel,
                        &failure.message,
                        &failure.code,
                        &failure.since.format("%Y-%m-%d %H:%M UTC").to_string(),
                        failure.pending
                    )
                );
            }
            Ok(if failures.is_empty() { 0 } else { EXIT_REFUSED })
        }
        AlertsAction::Mail { action: MailAction::Set { host, port, security, user, password_file, from, to, to_structure, ca_file } } => {
            let password = password_file.as_deref().map(read_secret_file).transpose()?;
            let mail = MailSettings {
                host,
                port,
                security: match security {
                    SecurityArg::Starttls => MailSecurity::Starttls,
                    SecurityArg::Tls => MailSecurity::Tls,
                    SecurityArg::Plain => MailSecurity::Plain,
                },
                username: user,
                from,
                recipients: to,
                recipients_by_structure: structures(&to_structure)?,
                ca_file: ca_file.as_deref().map(absolute),
                // The API keeps the stored entry's id (or draws one): not the CLI's to say.
                keystore_id: None,
            };
            let saved = context.api(true)?.save_mail_settings(mail, password.as_ref()).map_err(refused)?;
            let count = saved.mail.map(|m| m.all_recipients().len()).unwrap_or_default();
            println!("{}", text::mail_saved(lang, count));
            Ok(0)
        }
        AlertsAction::Mail { action: MailAction::Remove } => {
            context.api(true)?.remove_mail_settings().map_err(refused)?;
            println!("{}", text::mail_removed(lang));
            Ok(0)
        }
        AlertsAction::Mail { action: MailAction::Test { to } } => {
            let sent_to = context.api(true)?.test_mail(to.as_deref()).map_err(refused)?;
            println!("{}", text::test_mail_sent(lang, &sent_to.join(", ")));
            Ok(0)
        }
        AlertsAction::Webhook { action: WebhookAction::Add { name, url_file, ca_file } } => {
            let url = url_file.as_deref().map(read_secret_file).transpose()?;
            context.api(true)?.save_webhook(&name, url.as_ref(), ca_file.as_deref().map(absolute)).map_err(refused)?;
            println!("{}", text::webhook_saved(lang, &name));
            Ok(0)
        }
        AlertsAction::Webhook { action: WebhookAction::Remove { name } } => {
            context.api(true)?.remove_webhook(&name).map_err(refused)?;
            println!("{}", text::webhook_removed(lang, &name));
            Ok(0)
        }
        AlertsAction::Webhook { action: WebhookAction::Test { name } } => {
            context.api(true)?.test_webhook(&name).map_err(refused)?;
            println!("{}", text::test_webhook_sent(lang, &name));
            Ok(0)
        }
    }
}
