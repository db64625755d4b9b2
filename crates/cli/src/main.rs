//! `certisante`: the command line over CertiSanté's one API, for scripts and monitoring.
//! It parses arguments, calls `certisante_api`, and prints; nothing else. Its JSON output
//! and exit codes are a contract: 0 done, 1 refused (the message says why and ends with
//! its code), 3 the environment is in the way (no keystore, no registry, an unreadable
//! file); `status` and `doctor` have their own (Nagios).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use certisante_api::messages::{describe, describe_violation};
use certisante_api::model::*;
use certisante_api::{Api, Host};
use clap::{Args, Parser, Subcommand};

mod group;
mod orders;
mod settings;
mod supervision;
mod teleservices;
mod text;

use text::Lang;

#[derive(Parser)]
#[command(name = "certisante", version, about = "CertiSanté: IGC-Santé software certificates, found, classified and watched")]
struct Cli {
    /// A secretary's workstation: statuses and exports only; every key, certificate or
    /// order action is refused. Also on with CERTISANTE_READ_ONLY=1 or the app's setting.
    #[arg(long, global = true)]
    read_only: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List certificates of the given files and folders (the registry is not changed), or of the registry without PATH.
    List {
        /// Print one JSON object {"certificates": [...], "errors": [...]}, revocation status included.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV (semicolon-separated, UTF-8 with BOM), as the app's "Exporter CSV".
        #[arg(long)]
        csv: bool,
        #[command(flatten)]
        common: Common,
        paths: Vec<PathBuf>,
    },
    /// Write an iCalendar file with a renewal reminder for each certificate to renew, on
    /// the day its renewal should start (60 days before it stops being of use, by default).
    ExportCalendar {
        file: PathBuf,
        /// Days before expiry the reminder falls on.
        #[arg(long)]
        lead_days: Option<i64>,
        /// Language of the event texts: fr (default) or en.
        #[arg(long, default_value = "fr")]
        language: String,
        #[command(flatten)]
        common: Common,
        paths: Vec<PathBuf>,
    },
    /// One Nagios-style line; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (nothing read).
    Status {
        #[command(flatten)]
        common: Common,
        paths: Vec<PathBuf>,
    },
    /// Without a sub-command: one watching pass, as a scheduled task runs it (re-scan,
    /// revocation, desktop notifications where a session exists, e-mail and webhook
    /// alerts, the group registry when configured), then the Nagios line and exit code
    /// (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; an alert that could not be sent makes OK
    /// a WARNING). With one: manage the folders and files the registry watches.
    #[command(args_conflicts_with_subcommands = true)]
    Watch {
        #[command(subcommand)]
        action: Option<WatchAction>,
        #[command(flatten)]
        pass: supervision::WatchPassArgs,
    },
    /// Re-scan every watched folder and file (only changed files are parsed again).
    Scan {
        #[arg(long)]
        json: bool,
        /// Read again the files set aside because reading them stopped an earlier scan.
        #[arg(long)]
        retry_set_aside: bool,
    },
    /// Check, in order, what the card needs: PC/SC service, reader, card, PKCS#11 module,
    /// token, holder certificate; then whether the IGC-Santé platform answers. Exit 0 all
    /// fine, 1 a warning, 2 a failure.
    Doctor {
        #[arg(long)]
        json: bool,
        /// Skip the platform's addresses (no network access at all).
        #[arg(long)]
        offline: bool,
        #[command(flatten)]
        module: ModuleArg,
    },
    /// What the application sees of readers and cards.
    Card {
        #[command(subcommand)]
        action: CardAction,
    },
    /// The audit log of actions on keys, certificates, orders, watched paths and settings
    /// (append-only, hash-chained).
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
    },
    /// Order a certificate (key in the OS keystore, CSR for the portal), follow, renew, revoke.
    Order {
        #[command(subcommand)]
        action: orders::OrderAction,
    },
    /// Take back what the portal delivered: a certificate (matched to its order by key) or a .p12.
    Import {
        file: PathBuf,
        /// File holding the .p12 password (needed to move its key into the OS keystore).
        #[arg(long)]
        password_file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Install or export an order's certificate with its key: .p12, PEM files, NSS, the
    /// Windows store, the macOS keychain.
    Export(orders::ExportArgs),
    /// Install a .p12 file into a store: NSS, the Windows "My" store, the macOS keychain.
    InstallP12(orders::InstallP12Args),
    /// Keep or show again the revocation code and the .p12 password of an order.
    Secret {
        #[command(subcommand)]
        action: orders::SecretAction,
    },
    /// Revocation status of the registry's certificates (OCSP, CRL), cached in the registry.
    Revocation {
        #[command(subcommand)]
        action: RevocationAction,
    },
    /// The téléservices each certificate serves (ANS: one certificate per téléservice).
    Teleservice {
        #[command(subcommand)]
        action: teleservices::TeleserviceAction,
    },
    /// What the establishments' technical administrators are habilitated for (form n°413):
    /// an order outside it is warned about.
    Habilitation {
        #[command(subcommand)]
        action: teleservices::HabilitationAction,
    },
    /// The settings in force and what the machine policy forces (GPO, /etc/certisante/policy.json).
    Settings {
        #[command(subcommand)]
        action: settings::SettingsAction,
    },
    /// ANS's procedure before ordering: prerequisites, habilitation, order; forms and customer service.
    Procedure {
        #[arg(long)]
        json: bool,
    },
    /// The group inventory on PostgreSQL: init, publish, list, status, configure.
    Group {
        #[command(subcommand)]
        action: group::GroupAction,
    },
    /// Metrics in Prometheus's text format: on standard output (node_exporter's textfile
    /// collector), to a file, or served on /metrics with --listen.
    Metrics(supervision::MetricsArgs),
    /// E-mail and webhook alerts: send those due, settings, tests.
    Alerts {
        #[command(subcommand)]
        action: supervision::AlertsAction,
    },
}

#[derive(Subcommand)]
enum RevocationAction {
    /// Ask the OCSP responders and CRLs about every certificate whose cached answer is due;
    /// prints each certificate's state, source and the age of its answer. Exit 0.
    Refresh {
        /// Ask again about every certificate and download every CRL again.
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// The entries, oldest first.
    List {
        #[arg(long)]
        json: bool,
        /// Only the last N entries.
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Check the hash chain: exit 0 intact, 1 broken (first bad entry and what is wrong),
    /// 3 no registry.
    Verify {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct ModuleArg {
    /// Path of the PKCS#11 module (default: CERTISANTE_PKCS11_MODULE, then Cryptolib CPS's usual places).
    #[arg(long)]
    pkcs11_module: Option<PathBuf>,
}

#[derive(Subcommand)]
enum CardAction {
    /// Readers, their state, the card's ATR and type.
    Readers {
        #[arg(long)]
        json: bool,
    },
    /// The card's token, read without the PIN: label, holder, card type, certificates.
    Info {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        module: ModuleArg,
    },
}

#[derive(Args)]
struct Common {
    /// Warning threshold in days before expiry (default 30).
    #[arg(long)]
    warn_days: Option<i64>,
    /// Critical threshold in days before expiry (default 7).
    #[arg(long)]
    crit_days: Option<i64>,
    /// File holding the password of the PKCS#12 files (verifies their integrity).
    #[arg(long)]
    p12_password_file: Option<PathBuf>,
}

#[derive(Subcommand)]
enum WatchAction {
    Add {
        paths: Vec<PathBuf>,
    },
    Remove {
        paths: Vec<PathBuf>,
    },
    List {
        #[arg(long)]
        json: bool,
    },
}

/// Exit code of a refusal: the input or the state does not allow it.
const EXIT_REFUSED: u8 = 1;
/// Exit code for usage and environment errors (matches Nagios UNKNOWN for `status`).
const EXIT_TROUBLE: u8 = 3;

/// How a command ended badly: what to print, and the exit code.
pub struct Failure {
    pub message: String,
    pub exit: u8,
}

impl Failure {
    /// An error of the API, in the user's language. Refusals (a rule, a state, a wrong
    /// password, read-only) exit 1; what the environment is missing (keystore, registry,
    /// an unreadable file) exits 3.
    pub fn from_api(error: ApiError, lang: Lang, refusable: bool) -> Self {
        let trouble = ["keystore.", "registry.", "app.io", "app.no_registry", "app.internal"].iter().any(|p| error.code.starts_with(p));
        let exit = if error.code.starts_with("app.read_only") || (refusable && !trouble) { EXIT_REFUSED } else { EXIT_TROUBLE };
        Self { message: describe(&error, lang), exit }
    }

    /// A broken order request, rule by rule.
    pub fn invalid_request(error: ApiError, violations: &[RuleViolation], lang: Lang) -> Self {
        let mut failure = Self::from_api(error, lang, true);
        for violation in violations {
            failure.message.push_str(&format!("\n  - {}", describe_violation(violation, lang)));
        }
        failure
    }
}

type Outcome = Result<u8, Failure>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let context = Context::new(cli.read_only);
    match run(cli.command, &context) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            eprintln!("certisante: {}", failure.message);
            ExitCode::from(failure.exit)
        }
    }
}

/// What every command needs: the host, and the language to speak.
pub struct Context {
    host: Host,
    pub lang: Lang,
}

impl Context {
    fn new(read_only_flag: bool) -> Self {
        let host = Host::os(read_only_flag);
        // The language is the registry's setting; an absent or unreadable registry speaks French.
        let lang = Api::open_existing(host.clone()).and_then(|api| api.settings()).map(|s| Lang::from_setting(&s.language)).unwrap_or(Lang::Fr);
        Self { host, lang }
    }

    /// The registry (created when needed). `refusable`: a command whose errors are refusals.
    pub fn api(&self, refusable: bool) -> Result<Api, Failure> {
        Api::open(self.host.clone()).map_err(|e| self.fail(e, refusable))
    }

    /// The registry only if it exists (reading must not create one).
    fn existing_api(&self) -> Result<Api, Failure> {
        Api::open_existing(self.host.clone()).map_err(|e| self.fail(e, false))
    }

    pub fn host(&self) -> &Host {
        &self.host
    }

    pub fn fail(&self, error: ApiError, refusable: bool) -> Failure {
        Failure::from_api(error, self.lang, refusable)
    }
}

fn run(command: Command, context: &Context) -> Outcome {
    let lang = context.lang;
    let trouble = |e: ApiError| context.fail(e, false);
    match command {
        Command::Order { action } => orders::order(action, context),
        Command::Import { file, password_file, json } => orders::import(&file, password_file.as_deref(), json, context),
        Command::Export(args) => orders::export(args, context),
        Command::InstallP12(args) => orders::install_p12(args, context),
        Command::Secret { action } => orders::secret(action, context),
        Command::Teleservice { action } => teleservices::teleservice(action, context),
        Command::Habilitation { action } => teleservices::habilitation(action, context),
        Command::Procedure { json } => teleservices::procedure(json, context),
        Command::Settings { action } => settings::settings(action, context),
        Command::Group { action } => group::group(action, context),
        Command::List { json, csv, common, paths } => {
            let report = report(&common, &paths, context)?;
            // The registry's list also names the orders waiting for the portal.
            let pending = if paths.is_empty() { Some(context.api(false)?.pending_orders().map_err(trouble)?) } else { None };
            if json {
                print_json(&ListDocument { report: &report, pending_orders: pending.as_deref() })?;
            } else if csv {
                print!("{}", certisante_api::csv(&report, "fr"));
            } else {
                print_table(&report);
                print_pending(pending.as_deref().unwrap_or_default(), lang);
            }
            Ok(0)
        }
        Command::ExportCalendar { file, lead_days, language, common, paths } => {
            if !matches!(language.as_str(), "fr" | "en") {
                return Err(Failure { message: format!("unknown language {language:?} (fr or en)"), exit: EXIT_TROUBLE });
            }
            let report = report(&common, &paths, context)?;
            let lead = lead_days.unwrap_or_else(certisante_api::renewal_lead_days);
            let events = certisante_api::export_calendar(&report, &file, lead, &language).map_err(trouble)?;
            println!("{}", text::reminders_written(lang, events, &file));
            Ok(0)
        }
        Command::Status { common, paths } => {
            let report = report(&common, &paths, context)?;
            let status = certisante_api::nagios_status(&report, thresholds(&common, None), &[]);
            println!("{}", status.line);
            Ok(status.code)
        }
        Command::Metrics(args) => supervision::metrics(args, context),
        Command::Alerts { action } => supervision::alerts(action, context),
        Command::Watch { action: None, pass } => supervision::watch_pass(pass, context),
        Command::Watch { action: Some(action), .. } => {
            match action {
                WatchAction::Add { paths } => {
                    let mut api = context.api(false)?;
                    for watched in api.add_watched(&paths).map_err(trouble)? {
                        println!("{}", text::watching(lang, &watched.path));
                    }
                }
                WatchAction::Remove { paths } => {
                    let mut api = context.api(false)?;
                    for path in paths {
                        api.remove_watched(&path).map_err(trouble)?;
                        println!("{}", text::no_longer_watching(lang, &path.display().to_string()));
                    }
                }
                WatchAction::List { json } => {
                    let watched = context.api(false)?.watched().map_err(trouble)?;
                    if json {
                        print_json(&watched)?;
                    } else {
                        for w in watched {
                            println!("{}{}", w.path, if w.present { String::new() } else { text::missing(lang) });
                        }
                    }
                }
            }
            Ok(0)
        }
        Command::Doctor { json, offline, module } => {
            let report = certisante_api::doctor(module.pkcs11_module.as_deref(), !offline);
            if json {
                print_json(&report)?;
            } else {
                for c in &report.checks {
                    // A problem with a code reads in the registry's language (French by
                    // default), saying what to do; the check's own words follow as detail.
                    let coded = c.code.as_deref().filter(|_| c.outcome >= CheckOutcome::Warning).and_then(|code| certisante_api::messages::text(code, lang));
                    let (message, follow) = match coded {
                        Some(text) if lang == Lang::Fr => (text.to_owned(), Some(c.message.clone())),
                        Some(text) => (text.to_owned(), c.fix.clone().or_else(|| Some(c.message.clone()))),
                        None => (c.message.clone(), c.fix.clone()),
                    };
                    println!("[{:<7}] {:<18} {}", enum_text(&c.outcome).to_uppercase(), c.id, message);
                    if let Some(follow) = follow {
                        println!("          {:<18} → {follow}", "");
                    }
                }
            }
            Ok(match report.outcome {
                CheckOutcome::Ok | CheckOutcome::Skipped => 0,
                CheckOutcome::Warning => 1,
                CheckOutcome::Failed => 2,
            })
        }
        Command::Card { action: CardAction::Readers { json } } => {
            let readers = certisante_api::card_readers().map_err(trouble)?;
            if json {
                print_json(&readers)?;
            } else if readers.is_empty() {
                println!("{}", text::no_reader(lang));
            } else {
                for r in readers {
                    let card = r.card.map(|c| c.label_en).unwrap_or_else(|| "-".into());
                    println!("{}: {} {} [{}]", r.name, enum_text(&r.status), card, r.atr.unwrap_or_default());
                }
            }
            Ok(0)
        }
        Command::Card { action: CardAction::Info { json, module } } => {
            let view = certisante_api::card_info(module.pkcs11_module.as_deref()).map_err(trouble)?;
            if json {
                print_json(&view)?;
            } else {
                println!("module: {}", view.module.path);
                if view.tokens.is_empty() {
                    println!("{}", text::no_card(lang));
                }
                for t in &view.tokens {
                    let holder = t.holder.as_ref();
                    println!(
                        "{} — {} ({})",
                        t.details.label.as_deref().unwrap_or("?"),
                        holder.and_then(|h| h.name.clone()).unwrap_or_else(|| text::unknown_holder(lang)),
                        holder.map(|h| enum_text(&h.card_type)).unwrap_or_default()
                    );
                    for c in &t.certificates {
                        let until = c.not_after.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
                        println!("  {} {:<14} {}  {}", c.id, enum_text(&c.role), text::until(lang, &until), c.subject.as_deref().unwrap_or(""));
                    }
                }
            }
            Ok(0)
        }
        Command::Audit { action: AuditCommand::List { json, limit } } => {
            let entries = context.existing_api()?.audit_log(limit).map_err(trouble)?;
            if json {
                print_json(&entries)?;
            } else {
                for e in &entries {
                    println!(
                        "{:>6}  {}  {:<11} {:<20} {:<22} {}  {}",
                        e.seq,
                        e.at.format("%Y-%m-%d %H:%M:%S"),
                        enum_text(&e.actor.kind),
                        e.actor.name,
                        enum_text(&e.action),
                        e.object,
                        e.details
                    );
                }
            }
            Ok(0)
        }
        Command::Audit { action: AuditCommand::Verify { json } } => {
            let verdict = context.existing_api()?.audit_verify().map_err(trouble)?;
            if json {
                print_json(&verdict)?;
            } else if verdict.ok {
                println!("{}", text::audit_intact(lang, verdict.entries));
            } else {
                let seq = verdict.first_bad_seq.map(|s| s.to_string()).unwrap_or_else(|| "-".into());
                let problem = verdict.problem.map_or("unknown problem", |p| p.describe());
                println!("{}", text::audit_broken(lang, &seq, problem, &verdict.problem.map(|p| enum_text(&p)).unwrap_or_default()));
            }
            Ok(if verdict.ok { 0 } else { EXIT_REFUSED })
        }
        Command::Scan { json, retry_set_aside } => {
            let mut api = context.api(false)?;
            if retry_set_aside {
                api.retry_set_aside().map_err(trouble)?;
            }
            let summary = api.rescan(&|_| {}).map_err(trouble)?;
            if json {
                print_json(&summary)?;
            } else {
                println!("{}", text::scan_summary(lang, summary.files_seen, summary.files_parsed, summary.files_unchanged, summary.errors));
            }
            Ok(0)
        }
        Command::Revocation { action: RevocationAction::Refresh { force, json } } => {
            let now = chrono::Utc::now();
            let summary = context.api(false)?.refresh_revocation(force, &|_| {}).map_err(trouble)?;
            if json {
                print_json(&summary)?;
            } else {
                for c in &summary.certificates {
                    let status = &c.status;
                    let source = status.source.map(|s| enum_text(&s)).unwrap_or_else(|| "-".into());
                    let age = status.checked_at.map(|at| text::ago(lang, &age(now - at))).unwrap_or_else(|| text::never(lang));
                    let mut line = format!("{:<30} {:<8} {:<5} {age}", c.name, enum_text(&status.state), source);
                    if let (Some(at), Some(reason)) = (status.revoked_at, status.reason) {
                        line.push_str(&text::revoked_on(lang, &at.format("%Y-%m-%d %H:%M UTC").to_string(), &enum_text(&reason)));
                    }
                    if let Some(error) = &status.error {
                        line.push_str(&format!("  [{}: {}]", error.code, error.message));
                    }
                    if !c.checked {
                        line.push_str(&text::cached(lang));
                    }
                    println!("{line}");
                }
                println!("{}", text::refresh_summary(lang, summary.checked, summary.crls_downloaded, summary.failures));
            }
            Ok(0)
        }
    }
}

/// `list --json`: the certificates and read errors, and (from the registry) the orders
/// waiting for the portal.
#[derive(serde::Serialize)]
struct ListDocument<'a> {
    #[serde(flatten)]
    report: &'a ScanReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    pending_orders: Option<&'a [PendingOrder]>,
}

fn print_pending(pending: &[PendingOrder], lang: Lang) {
    if pending.is_empty() {
        return;
    }
    println!();
    println!("{}", text::pending_heading(lang, pending.len()));
    for order in pending {
        let r = &order.request;
        println!(
            "  {}  {:<13} {} {} {:<24} {}",
            order.id,
            enum_text(&order.state),
            enum_text(&r.offer),
            enum_text(&r.usage),
            r.common_name,
            text::waiting_days(lang, order.days_waiting)
        );
    }
}

fn thresholds(common: &Common, saved: Option<Thresholds>) -> Thresholds {
    let base = saved.unwrap_or_default();
    Thresholds { warn_days: common.warn_days.unwrap_or(base.warn_days), crit_days: common.crit_days.unwrap_or(base.crit_days) }
}

/// Scans PATHs, or reads the registry when none is given.
fn report(common: &Common, paths: &[PathBuf], context: &Context) -> Result<ScanReport, Failure> {
    let password = common.p12_password_file.as_deref().map(read_secret_file).transpose()?;
    if paths.is_empty() {
        let api = context.api(false)?;
        let saved = api.settings().map_err(|e| context.fail(e, false))?.thresholds;
        return api.list(Some(thresholds(common, Some(saved)))).map_err(|e| context.fail(e, false));
    }
    Ok(certisante_api::scan_paths(paths, Some(thresholds(common, None)), password))
}

/// Reads a password or secret from a file (never from the command line).
pub fn read_secret_file(path: &Path) -> Result<Sensitive<String>, Failure> {
    certisante_api::read_secret_file(path).map_err(|e| Failure::from_api(e, Lang::Fr, false))
}

/// "12 min", "3 h", "2 d".
fn age(elapsed: chrono::Duration) -> String {
    match elapsed.num_minutes().max(0) {
        m if m < 60 => format!("{m} min"),
        m if m < 48 * 60 => format!("{} h", m / 60),
        m => format!("{} d", m / (24 * 60)),
    }
}

/// The revocation column: the state, `*` when it is the last known answer only, `-` never checked.
fn revocation_cell(c: &CertificateView) -> String {
    let r = &c.revocation;
    match (r.state, r.checked_at, &r.error) {
        (RevocationState::Unknown, None, None) => "-".into(),
        (state, _, _) => format!("{}{}", enum_text(&state), if r.stale { "*" } else { "" }),
    }
}

fn print_table(report: &ScanReport) {
    println!("{:<12} {:<9} {:<11} {:<6} {:>6}  {:<5} {:<14} {:<30} STRUCTURE", "STATUS", "REVOC", "ENDS", "ENV", "DAYS", "KEY", "PROFILE", "CN");
    let mut key_ends_first = false;
    for c in &report.certificates {
        let profile = match (c.offer, c.usage) {
            (Some(o), Some(u)) => format!("{} {}", enum_text(&o), enum_text(&u)),
            _ => "-".into(),
        };
        // A signing key's usage period may end before the certificate: that end counts.
        let key_end = c.usable_until < c.not_after;
        key_ends_first |= key_end;
        println!(
            "{:<12} {:<9} {:<11} {:<6} {:>6}  {:<5} {:<14} {:<30} {}",
            enum_text(&c.status),
            revocation_cell(c),
            format!("{}{}", c.usable_until.format("%Y-%m-%d"), if key_end { " *" } else { "" }),
            enum_text(&c.environment),
            c.days_left,
            if c.has_private_key { "yes" } else { "no" },
            profile,
            c.cn.as_deref().unwrap_or("-"),
            c.structure_id.as_deref().unwrap_or("-"),
        );
    }
    if key_ends_first {
        println!("* the key's usage period (privateKeyUsagePeriod) ends before the certificate: it may no longer sign after that day");
    }
    for e in &report.errors {
        eprintln!("error: {}: {} ({})", e.path, e.message, e.code);
    }
}

/// Pretty JSON and a newline on stdout, streamed (a `list` of thousands of certificates
/// is tens of MB: never built in memory).
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value)
        .map_err(|e| e.to_string())
        .and_then(|()| out.write_all(b"\n").and_then(|()| out.flush()).map_err(|e| e.to_string()))
        .map_err(|message| Failure { message, exit: EXIT_TROUBLE })
}

/// Writes to standard output as `write` goes (a large text is never held whole).
pub fn print_with(write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    write(&mut out).and_then(|()| out.flush()).map_err(|e| Failure { message: e.to_string(), exit: EXIT_TROUBLE })
}

pub fn enum_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}
