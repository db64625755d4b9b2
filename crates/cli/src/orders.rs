//! `certisante order|import|export|install-p12|secret`: the certificate lifecycle from the
//! command line. Plain output is for people; `--json` is the contract for scripts. Exit
//! codes: 0 done, 1 refused (an input or a state that does not allow it: the message says
//! why and the code names it), 3 the environment is in the way (no keystore, no registry).

use std::path::{Path, PathBuf};

use certisante_api::model::*;
use certisante_api::Api;
use clap::{Args, Subcommand, ValueEnum};

use crate::{enum_text, print_json, read_secret_file, text, Context, Failure};

#[derive(Subcommand)]
pub enum OrderAction {
    /// Check the request, make the key (into the OS keystore) and the CSR; prints the order id.
    New {
        #[command(flatten)]
        request: RequestArgs,
        /// Write the CSR (PEM) here, ready for the portal.
        #[arg(long)]
        csr_out: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Every order, newest first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One order with its history (by id, or by its certificate's SHA-256).
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Write the order's CSR again (or print it).
    Csr {
        id: String,
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        overwrite: bool,
    },
    /// A new order prefilled from an existing one, with a new key.
    Renew {
        id: String,
        #[arg(long)]
        csr_out: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Record a revocation made on the portal: final; the key is retired.
    Revoke {
        id: String,
        #[arg(long, value_enum)]
        reason: ReasonArg,
        /// Say that you know revocation cannot be undone.
        #[arg(long)]
        confirm_final: bool,
    },
    /// Abandon an order that has no certificate yet (its key is deleted).
    Cancel { id: String },
    /// Finish the orders a crash interrupted.
    Resume,
    /// The IGC-Santé platform's address.
    Portal {
        #[arg(long, value_enum, default_value = "prod")]
        env: EnvArg,
    },
}

#[derive(Args)]
pub struct RequestArgs {
    #[arg(long, value_enum)]
    offer: OfferArg,
    #[arg(long, value_enum)]
    usage: UsageArg,
    /// Raison sociale (O).
    #[arg(long)]
    org: String,
    /// Identifiant national de structure: FINESS (9) or SIRET (14), with or without its 1/3 prefix.
    #[arg(long)]
    structure_id: String,
    /// Département: code ("75", "2A", "971") or "Paris (75)".
    #[arg(long)]
    state: String,
    #[arg(long)]
    cn: String,
    #[arg(long, value_enum, default_value = "prod")]
    env: EnvArg,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OfferArg {
    #[value(name = "ORG", alias = "org")]
    Org,
    #[value(name = "SERV", alias = "serv")]
    Serv,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum UsageArg {
    #[value(name = "AUTH_CLI", alias = "auth_cli")]
    AuthCli,
    #[value(name = "SIGN", alias = "sign")]
    Sign,
    #[value(name = "CONF", alias = "conf")]
    Conf,
    #[value(name = "SSL_SERV", alias = "ssl_serv")]
    SslServ,
    #[value(name = "S/MIME", alias = "smime")]
    Smime,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum EnvArg {
    Test,
    Prod,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReasonArg {
    KeyCompromise,
    AffiliationChanged,
    Superseded,
    CessationOfOperation,
    Unspecified,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SecretArg {
    RevocationCode,
    P12Password,
}

#[derive(Args)]
pub struct ExportArgs {
    /// Order id (or its certificate's SHA-256).
    id: String,
    /// Write a .p12 protected by the password in --password-file.
    #[arg(long, group = "target")]
    p12: Option<PathBuf>,
    /// With --p12: 3DES/SHA-1 for older Java and Windows clients (default PBES2/AES-256).
    #[arg(long, requires = "p12")]
    legacy: bool,
    #[arg(long)]
    password_file: Option<PathBuf>,
    /// Write key.pem (mode 0600), certificate, chain and full chain into this folder.
    #[arg(long, group = "target")]
    pem: Option<PathBuf>,
    /// Install into an NSS database (default: ~/.pki/nssdb).
    #[arg(long, group = "target", num_args = 0..=1, default_missing_value = "")]
    nss: Option<PathBuf>,
    #[arg(long)]
    overwrite: bool,
}

/// `certisante install-p12`: a .p12 file (the portal's, or one exported) into a store.
#[derive(Args)]
pub struct InstallP12Args {
    file: PathBuf,
    #[arg(long)]
    password_file: PathBuf,
    /// An NSS database (default: ~/.pki/nssdb).
    #[arg(long, group = "store", num_args = 0..=1, default_missing_value = "")]
    nss: Option<PathBuf>,
    /// The Windows "My" store of the current user or of the machine (Windows only).
    #[arg(long, group = "store", value_enum)]
    windows_store: Option<StoreArg>,
    /// The login keychain (macOS only).
    #[arg(long, group = "store")]
    macos_keychain: bool,
    /// NSS nickname (default: the certificate's CN).
    #[arg(long)]
    nickname: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum StoreArg {
    User,
    Machine,
}

#[derive(Subcommand)]
pub enum SecretAction {
    /// Keep the revocation code or the .p12 password in the OS keystore.
    Set {
        id: String,
        #[arg(long, value_enum)]
        kind: SecretArg,
        /// File holding the secret (never on the command line).
        #[arg(long)]
        value_file: PathBuf,
    },
    /// Show a kept secret (audited).
    Show {
        id: String,
        #[arg(long, value_enum)]
        kind: SecretArg,
        /// Confirm that the secret may be shown on this screen.
        #[arg(long)]
        yes: bool,
    },
}

type Outcome = Result<u8, Failure>;

impl From<OfferArg> for Offer {
    fn from(offer: OfferArg) -> Self {
        match offer {
            OfferArg::Org => Offer::Org,
            OfferArg::Serv => Offer::Serv,
        }
    }
}

impl From<UsageArg> for Usage {
    fn from(usage: UsageArg) -> Self {
        match usage {
            UsageArg::AuthCli => Usage::AuthCli,
            UsageArg::Sign => Usage::Sign,
            UsageArg::Conf => Usage::Conf,
            UsageArg::SslServ => Usage::SslServ,
            UsageArg::Smime => Usage::Smime,
        }
    }
}

fn request(args: &RequestArgs) -> OrderRequest {
    OrderRequest {
        environment: match args.env {
            EnvArg::Test => Environment::Test,
            EnvArg::Prod => Environment::Prod,
        },
        offer: args.offer.into(),
        usage: args.usage.into(),
        organization: args.org.clone(),
        structure_id: args.structure_id.clone(),
        department: args.state.clone(),
        common_name: args.cn.clone(),
    }
}

fn print_order(order: &Order, json: bool, context: &Context) -> Result<(), Failure> {
    if json {
        return print_json(order);
    }
    let r = &order.request;
    println!("{}  {}", order.id, enum_text(&order.state));
    println!(
        "  {} {} {}  CN={}  O={}  OU={}  ST={}",
        enum_text(&r.environment),
        enum_text(&r.offer),
        enum_text(&r.usage),
        r.common_name,
        r.organization,
        r.structure_id,
        r.department
    );
    if let Some(sha) = &order.certificate_sha256 {
        let until = order.not_after.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
        println!("{}", text::certificate_until(context.lang, sha, &until));
    }
    for change in &order.history {
        println!("  {}  {}", change.at.format("%Y-%m-%d %H:%M:%S"), enum_text(&change.state));
    }
    Ok(())
}

fn write_csr(api: &Api, id: &str, out: Option<&Path>, overwrite: bool, context: &Context) -> Result<(), Failure> {
    if let Some(path) = out {
        api.export_csr(id, &CsrDestination::File { path: path.to_owned(), overwrite }).map_err(|e| context.fail(e, true))?;
        eprintln!("{}", text::csr_written(context.lang, path));
    }
    Ok(())
}

/// Every rule of the request, checked before anything is made, each broken one printed.
fn checked_request(args: &RequestArgs, context: &Context) -> Result<OrderRequest, Failure> {
    let request = request(args);
    let violations = certisante_api::validate_order(&request);
    if violations.is_empty() {
        return Ok(request);
    }
    let summary = ApiError::new("lifecycle.invalid_request", format!("the request is incomplete or invalid ({} point(s) to correct)", violations.len()));
    Err(Failure::invalid_request(summary, &violations, context.lang))
}

pub fn order(action: OrderAction, context: &Context) -> Outcome {
    let refused = |e: ApiError| context.fail(e, true);
    match action {
        OrderAction::New { request: args, csr_out, json } => {
            let request = checked_request(&args, context)?;
            let api = context.api(true)?;
            // A warning, never a refusal: the records may be incomplete, and ANS decides.
            if let Ok(check) = api.check_habilitation(&request, None) {
                if let Some(code) = check.warning {
                    eprintln!("{}", text::warning(context.lang, &code));
                }
            }
            let order = api.create_order(request).map_err(refused)?;
            write_csr(&api, &order.id, csr_out.as_deref(), false, context)?;
            if json {
                print_order(&api.find_order(&order.id).map_err(refused)?, true, context)?;
            } else {
                println!("{}", order.id);
            }
            Ok(0)
        }
        OrderAction::List { json } => {
            let orders = context.api(true)?.list_orders().map_err(refused)?;
            if json {
                print_json(&orders)?;
            } else if orders.is_empty() {
                println!("{}", text::no_order(context.lang));
            } else {
                for o in &orders {
                    let until = o.not_after.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "-".into());
                    println!(
                        "{}  {:<21} {} {:<8} {:<24} {until}",
                        o.id,
                        enum_text(&o.state),
                        enum_text(&o.request.offer),
                        enum_text(&o.request.usage),
                        o.request.common_name
                    );
                }
            }
            Ok(0)
        }
        OrderAction::Show { id, json } => {
            let order = context.api(true)?.find_order(&id).map_err(refused)?;
            print_order(&order, json, context)?;
            Ok(0)
        }
        OrderAction::Csr { id, out, overwrite } => {
            let api = context.api(true)?;
            match out {
                Some(path) => write_csr(&api, &id, Some(&path), overwrite, context)?,
                None => print!("{}", api.export_csr(&id, &CsrDestination::Stdout).map_err(refused)?),
            }
            Ok(0)
        }
        OrderAction::Renew { id, csr_out, json } => {
            let api = context.api(true)?;
            let order = api.renew_order(&id).map_err(refused)?;
            write_csr(&api, &order.id, csr_out.as_deref(), false, context)?;
            if json {
                print_order(&api.find_order(&order.id).map_err(refused)?, true, context)?;
            } else {
                println!("{}", order.id);
            }
            Ok(0)
        }
        OrderAction::Revoke { id, reason, confirm_final } => {
            let reason = match reason {
                ReasonArg::KeyCompromise => RevocationReason::KeyCompromise,
                ReasonArg::AffiliationChanged => RevocationReason::AffiliationChanged,
                ReasonArg::Superseded => RevocationReason::Superseded,
                ReasonArg::CessationOfOperation => RevocationReason::CessationOfOperation,
                ReasonArg::Unspecified => RevocationReason::Unspecified,
            };
            let order = context.api(true)?.revoke_order(&id, reason, confirm_final).map_err(refused)?;
            println!("{}", text::revoked(context.lang, &order.id, reason.label_fr()));
            Ok(0)
        }
        OrderAction::Cancel { id } => {
            let order = context.api(true)?.cancel_order(&id).map_err(refused)?;
            println!("{}", text::cancelled(context.lang, &order.id));
            // Its CSR may be on the platform already: a certificate issued from it must be revoked.
            if order.history.iter().any(|change| change.state == OrderState::CsrExported) {
                println!("{}", text::revoke_after_cancel(context.lang));
            }
            Ok(0)
        }
        OrderAction::Resume => {
            for order in context.api(true)?.resume_orders().map_err(refused)? {
                println!("{}  {}", order.id, enum_text(&order.state));
            }
            Ok(0)
        }
        OrderAction::Portal { env } => {
            let environment = if matches!(env, EnvArg::Test) { Environment::Test } else { Environment::Prod };
            println!("{}", certisante_api::portal_url(environment).map_err(refused)?);
            Ok(0)
        }
    }
}

pub fn import(file: &Path, password_file: Option<&Path>, json: bool, context: &Context) -> Outcome {
    let password = password_file.map(read_secret_file).transpose()?;
    let outcome = context.api(true)?.import_certificate(file, password.as_ref()).map_err(|e| context.fail(e, true))?;
    if json {
        print_json(&outcome)?;
    } else {
        for order in &outcome.orders {
            println!("{}  {}  {}", order.id, enum_text(&order.state), order.certificate_sha256.as_deref().unwrap_or(""));
        }
        for id in &outcome.already_imported {
            println!("{}", text::already_imported(context.lang, id));
        }
    }
    Ok(0)
}

pub fn export(args: ExportArgs, context: &Context) -> Outcome {
    let bad = |message: &str| context.fail(ApiError::new("app.bad_request", message), true);
    let target = if let Some(path) = args.p12 {
        let file = args.password_file.ok_or_else(|| bad("--p12 needs --password-file"))?;
        let encryption = if args.legacy { P12Encryption::Legacy } else { P12Encryption::Modern };
        InstallTarget::P12 { path, password: read_secret_file(&file)?, encryption, overwrite: args.overwrite }
    } else if let Some(dir) = args.pem {
        InstallTarget::PemFiles { dir, overwrite: args.overwrite }
    } else if let Some(db) = args.nss {
        let request = InstallRequest::Nss { db_dir: db.display().to_string() };
        InstallTarget::from_request(request, None).map_err(|e| context.fail(e.into(), true))?
    } else {
        return Err(bad("say where: --p12 FILE, --pem DIR or --nss [DIR]"));
    };
    for path in context.api(true)?.install_order(&args.id, &target).map_err(|e| context.fail(e, true))? {
        println!("{}", path.display());
    }
    Ok(0)
}

pub fn install_p12(args: InstallP12Args, context: &Context) -> Outcome {
    let password = read_secret_file(&args.password_file)?;
    let target = if let Some(db) = args.nss {
        let nickname = args.nickname.unwrap_or_else(|| args.file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "CertiSanté".into()));
        P12Store::Nss { db_dir: (!db.as_os_str().is_empty()).then_some(db), nickname }
    } else if let Some(store) = args.windows_store {
        P12Store::Windows(match store {
            StoreArg::User => WindowsStore::CurrentUser,
            StoreArg::Machine => WindowsStore::LocalMachine,
        })
    } else if args.macos_keychain {
        P12Store::MacKeychain
    } else {
        return Err(context.fail(ApiError::new("app.bad_request", "say where: --nss [DIR], --windows-store user|machine or --macos-keychain"), true));
    };
    let store = context.api(true)?.install_p12(&args.file, &password, &target).map_err(|e| context.fail(e, true))?;
    println!("{}", text::installed_into(context.lang, &store));
    Ok(0)
}

pub fn secret(action: SecretAction, context: &Context) -> Outcome {
    let refused = |e: ApiError| context.fail(e, true);
    let kind = |k: SecretArg| match k {
        SecretArg::RevocationCode => SecretKind::RevocationCode,
        SecretArg::P12Password => SecretKind::P12Password,
    };
    let api = context.api(true)?;
    match action {
        SecretAction::Set { id, kind: k, value_file } => {
            let value = read_secret_file(&value_file)?;
            api.save_secret(&id, kind(k), &value).map_err(refused)?;
            println!("{}", text::kept_in_keystore(context.lang));
        }
        SecretAction::Show { id, kind: k, yes } => {
            let value = api.show_secret(&id, kind(k), yes).map_err(refused)?;
            println!("{}", value.expose());
        }
    }
    Ok(0)
}
