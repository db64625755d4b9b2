//! `certisante order|import|export|secret`: the certificate lifecycle from the command line.
//! Plain output is for people; `--json` is the contract for scripts. Exit codes: 0 done,
//! 1 refused (an input or a state that does not allow it: the message says why and the
//! code names it), 3 the environment is in the way (no keystore, no registry).

use std::path::{Path, PathBuf};

use certisante_core::audit::Actor;
use certisante_core::csr::OrderRequest;
use certisante_core::igc::{Environment, Offer, Usage};
use certisante_core::install::P12Encryption;
use certisante_core::keys::{OsKeystore, SecretKind};
use certisante_core::lifecycle::{self, CsrDestination, InstallTarget, LifecycleError, Order, RevocationReason};
use certisante_core::registry::Registry;
use certisante_core::Sensitive;
use clap::{Args, Subcommand, ValueEnum};

use crate::{enum_text, open_registry, print_json};

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

const EXIT_REFUSED: u8 = 1;
const EXIT_TROUBLE: u8 = 3;

/// The error of a lifecycle command: its message, its code, the exit status.
pub struct Failure {
    pub message: String,
    pub exit: u8,
}

impl From<LifecycleError> for Failure {
    fn from(e: LifecycleError) -> Self {
        let mut message = format!("{e} ({})", e.code());
        if let LifecycleError::Invalid(violations) = &e {
            for v in violations {
                message.push_str(&format!("\n  - {}: {} ({})", v.field, v.message, v.code));
            }
        }
        let exit = if e.code().starts_with("keystore.") || e.code().starts_with("registry.") { EXIT_TROUBLE } else { EXIT_REFUSED };
        Self { message, exit }
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Self { message, exit: EXIT_TROUBLE }
    }
}

type Outcome = Result<u8, Failure>;

fn context() -> Result<(Registry, OsKeystore, Actor), Failure> {
    let registry = open_registry()?;
    let actor = lifecycle::current_actor(None);
    Ok((registry, OsKeystore::new(), actor))
}

fn request(args: &RequestArgs) -> OrderRequest {
    OrderRequest {
        environment: match args.env {
            EnvArg::Test => Environment::Test,
            EnvArg::Prod => Environment::Prod,
        },
        offer: match args.offer {
            OfferArg::Org => Offer::Org,
            OfferArg::Serv => Offer::Serv,
        },
        usage: match args.usage {
            UsageArg::AuthCli => Usage::AuthCli,
            UsageArg::Sign => Usage::Sign,
            UsageArg::Conf => Usage::Conf,
            UsageArg::SslServ => Usage::SslServ,
            UsageArg::Smime => Usage::Smime,
        },
        organization: args.org.clone(),
        structure_id: args.structure_id.clone(),
        department: args.state.clone(),
        common_name: args.cn.clone(),
    }
}

fn print_order(order: &Order, json: bool) -> Result<(), Failure> {
    if json {
        return print_json(order).map_err(Failure::from);
    }
    let r = &order.request;
    println!("{}  {}", order.id, enum_text(&order.state));
    println!("  {} {} {}  CN={}  O={}  OU={}  ST={}", enum_text(&r.environment), enum_text(&r.offer), enum_text(&r.usage), r.common_name, r.organization, r.structure_id, r.department);
    if let Some(sha) = &order.certificate_sha256 {
        let until = order.not_after.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
        println!("  certificate {sha}  until {until}");
    }
    for change in &order.history {
        println!("  {}  {}", change.at.format("%Y-%m-%d %H:%M:%S"), enum_text(&change.state));
    }
    Ok(())
}

fn write_csr(registry: &Registry, actor: &Actor, id: &str, out: Option<&Path>, overwrite: bool) -> Result<(), Failure> {
    match out {
        Some(path) => {
            lifecycle::export_csr(registry, actor, id, &CsrDestination::File { path: path.to_owned(), overwrite })?;
            eprintln!("CSR written to {}", path.display());
        }
        None => {}
    }
    Ok(())
}

pub fn order(action: OrderAction) -> Outcome {
    match action {
        OrderAction::New { request: args, csr_out, json } => {
            let (registry, keystore, actor) = context()?;
            let order = lifecycle::create_order(&registry, &keystore, &actor, request(&args))?;
            write_csr(&registry, &actor, &order.id, csr_out.as_deref(), false)?;
            if json {
                print_order(&lifecycle::get_order(&registry, &order.id)?, true)?;
            } else {
                println!("{}", order.id);
            }
            Ok(0)
        }
        OrderAction::List { json } => {
            let registry = open_registry()?;
            let orders = lifecycle::list_orders(&registry)?;
            if json {
                print_json(&orders)?;
            } else if orders.is_empty() {
                println!("no order");
            } else {
                for o in &orders {
                    let until = o.not_after.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "-".into());
                    println!("{}  {:<21} {} {:<8} {:<24} {until}", o.id, enum_text(&o.state), enum_text(&o.request.offer), enum_text(&o.request.usage), o.request.common_name);
                }
            }
            Ok(0)
        }
        OrderAction::Show { id, json } => {
            let registry = open_registry()?;
            print_order(&lifecycle::find_order(&registry, &id)?, json)?;
            Ok(0)
        }
        OrderAction::Csr { id, out, overwrite } => {
            let (registry, _, actor) = context()?;
            let order = lifecycle::find_order(&registry, &id)?;
            match out {
                Some(path) => write_csr(&registry, &actor, &order.id, Some(&path), overwrite)?,
                None => print!("{}", lifecycle::export_csr(&registry, &actor, &order.id, &CsrDestination::Stdout)?),
            }
            Ok(0)
        }
        OrderAction::Renew { id, csr_out, json } => {
            let (registry, keystore, actor) = context()?;
            let old = lifecycle::find_order(&registry, &id)?;
            let order = lifecycle::renew(&registry, &keystore, &actor, &old.id)?;
            write_csr(&registry, &actor, &order.id, csr_out.as_deref(), false)?;
            if json {
                print_order(&lifecycle::get_order(&registry, &order.id)?, true)?;
            } else {
                println!("{}", order.id);
            }
            Ok(0)
        }
        OrderAction::Revoke { id, reason, confirm_final } => {
            let (registry, keystore, actor) = context()?;
            let order = lifecycle::find_order(&registry, &id)?;
            let reason = match reason {
                ReasonArg::KeyCompromise => RevocationReason::KeyCompromise,
                ReasonArg::AffiliationChanged => RevocationReason::AffiliationChanged,
                ReasonArg::Superseded => RevocationReason::Superseded,
                ReasonArg::CessationOfOperation => RevocationReason::CessationOfOperation,
                ReasonArg::Unspecified => RevocationReason::Unspecified,
            };
            let order = lifecycle::revoke(&registry, &keystore, &actor, &order.id, reason, confirm_final)?;
            println!("{} revoked ({})", order.id, reason.label_fr());
            Ok(0)
        }
        OrderAction::Cancel { id } => {
            let (registry, keystore, actor) = context()?;
            let order = lifecycle::cancel(&registry, &keystore, &actor, &id)?;
            println!("{} cancelled", order.id);
            Ok(0)
        }
        OrderAction::Resume => {
            let (registry, keystore, actor) = context()?;
            for order in lifecycle::resume(&registry, &keystore, &actor)? {
                println!("{}  {}", order.id, enum_text(&order.state));
            }
            Ok(0)
        }
        OrderAction::Portal { env } => {
            let environment = if matches!(env, EnvArg::Test) { Environment::Test } else { Environment::Prod };
            match lifecycle::portal(environment).url {
                Some(url) => println!("{url}"),
                None => return Err(Failure { message: "the test platform's address is not known (not public): ask ANS's support".into(), exit: EXIT_REFUSED }),
            }
            Ok(0)
        }
    }
}

fn read_secret_file(path: &Path) -> Result<Sensitive<String>, Failure> {
    Sensitive::from_password_file(path).map_err(|e| Failure { message: format!("cannot read {}: {e}", path.display()), exit: EXIT_TROUBLE })
}

pub fn import(file: &Path, password_file: Option<&Path>, json: bool) -> Outcome {
    let bytes = std::fs::read(file).map_err(|e| Failure { message: format!("cannot read {}: {e}", file.display()), exit: EXIT_TROUBLE })?;
    let password = password_file.map(read_secret_file).transpose()?;
    let (registry, keystore, actor) = context()?;
    let outcome = lifecycle::import_file(&registry, &keystore, &actor, &bytes, &file.display().to_string(), password.as_ref())?;
    if json {
        print_json(&outcome)?;
    } else {
        for order in &outcome.orders {
            println!("{}  {}  {}", order.id, enum_text(&order.state), order.certificate_sha256.as_deref().unwrap_or(""));
        }
        for id in &outcome.already_imported {
            println!("{id}  already imported");
        }
    }
    Ok(0)
}

pub fn export(args: ExportArgs) -> Outcome {
    let (registry, keystore, actor) = context()?;
    let order = lifecycle::find_order(&registry, &args.id)?;
    let target = if let Some(path) = args.p12 {
        let file = args.password_file.ok_or_else(|| Failure { message: "--p12 needs --password-file".into(), exit: EXIT_REFUSED })?;
        let encryption = if args.legacy { P12Encryption::Legacy } else { P12Encryption::Modern };
        InstallTarget::P12 { path, password: read_secret_file(&file)?, encryption, overwrite: args.overwrite }
    } else if let Some(dir) = args.pem {
        InstallTarget::PemFiles { dir, overwrite: args.overwrite }
    } else if let Some(db) = args.nss {
        let db_dir = if db.as_os_str().is_empty() {
            certisante_core::install::default_nss_db().ok_or_else(|| Failure { message: "no home folder for the default NSS database: give --nss DIR".into(), exit: EXIT_TROUBLE })?
        } else {
            db
        };
        InstallTarget::Nss { db_dir }
    } else {
        return Err(Failure { message: "say where: --p12 FILE, --pem DIR or --nss [DIR]".into(), exit: EXIT_REFUSED });
    };
    for path in lifecycle::install(&registry, &keystore, &actor, &order.id, &target)? {
        println!("{}", path.display());
    }
    Ok(0)
}

pub fn install_p12(args: InstallP12Args) -> Outcome {
    use certisante_core::install;
    let bytes = std::fs::read(&args.file).map_err(|e| Failure { message: format!("cannot read {}: {e}", args.file.display()), exit: EXIT_TROUBLE })?;
    let p12 = Sensitive::new(bytes);
    let password = read_secret_file(&args.password_file)?;
    let refused = |e: install::InstallError| Failure { message: format!("{e} ({})", e.code()), exit: EXIT_REFUSED };
    if let Some(db) = args.nss {
        let db_dir = if db.as_os_str().is_empty() {
            install::default_nss_db().ok_or_else(|| Failure { message: "no home folder for the default NSS database: give --nss DIR".into(), exit: EXIT_TROUBLE })?
        } else {
            db
        };
        let nickname = args.nickname.unwrap_or_else(|| args.file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "CertiSanté".into()));
        install::install_nss(&db_dir, &p12, &password, &nickname).map_err(refused)?;
        println!("installed into sql:{}", db_dir.display());
        return Ok(0);
    }
    if let Some(store) = args.windows_store {
        #[cfg(windows)]
        {
            let location = match store {
                StoreArg::User => install::WindowsStore::CurrentUser,
                StoreArg::Machine => install::WindowsStore::LocalMachine,
            };
            install::install_windows(&p12, &password, location).map_err(refused)?;
            println!("installed into the {} \"My\" store", if matches!(store, StoreArg::User) { "CurrentUser" } else { "LocalMachine" });
            return Ok(0);
        }
        #[cfg(not(windows))]
        {
            let _ = store;
            return Err(Failure { message: "--windows-store exists on Windows only".into(), exit: EXIT_REFUSED });
        }
    }
    if args.macos_keychain {
        #[cfg(target_os = "macos")]
        {
            install::install_macos(&p12, &password).map_err(refused)?;
            println!("installed into the login keychain");
            return Ok(0);
        }
        #[cfg(not(target_os = "macos"))]
        return Err(Failure { message: "--macos-keychain exists on macOS only".into(), exit: EXIT_REFUSED });
    }
    Err(Failure { message: "say where: --nss [DIR], --windows-store user|machine or --macos-keychain".into(), exit: EXIT_REFUSED })
}

pub fn secret(action: SecretAction) -> Outcome {
    let (registry, keystore, actor) = context()?;
    let kind = |k: SecretArg| match k {
        SecretArg::RevocationCode => SecretKind::RevocationCode,
        SecretArg::P12Password => SecretKind::P12Password,
    };
    match action {
        SecretAction::Set { id, kind: k, value_file } => {
            let value = read_secret_file(&value_file)?;
            let order = lifecycle::find_order(&registry, &id)?;
            lifecycle::save_secret(&registry, &keystore, &order.id, kind(k), &value)?;
            println!("kept in the OS keystore");
        }
        SecretAction::Show { id, kind: k, yes } => {
            let order = lifecycle::find_order(&registry, &id)?;
            let value = lifecycle::show_secret(&registry, &keystore, &actor, &order.id, kind(k), yes)?;
            println!("{}", value.expose());
        }
    }
    Ok(0)
}
