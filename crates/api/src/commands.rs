//! The commands the desktop UI may call, named once: their arguments and results, as the
//! JSON that crosses the boundary. `ui/src/lib/bindings/Commands.ts` is generated from this
//! table (a test fails when it is stale), and `ui/src/lib/api.ts` calls commands through
//! it, so the UI's type check fails when it calls a command that does not exist or with
//! arguments of the wrong shape. The shell's IPC test checks that it serves every one.
//!
//! Argument names are written as the shell's Rust parameters; Tauri (and the generated
//! TypeScript) uses them in camelCase. Secrets (passwords, the PIN) travel as strings and
//! arrive in the shell as `Sensitive<String>`.

use ts_rs::{TypeVisitor, TS};

use crate::model::*;

/// A secret as it crosses the boundary (the shell receives it as `Sensitive<String>`).
type Secret = String;

macro_rules! ui_commands {
    ($( $(#[doc = $doc:literal])* $name:ident ( $($arg:ident : $ty:ty),* $(,)? ) -> $result:ty; )*) => {
        /// Every command the UI may call.
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];

        /// The TypeScript module `Commands.ts`: a map from each command to its arguments
        /// and result.
        pub fn typescript() -> String {
            let mut imports = Imports::default();
            let mut body = String::new();
            $(
                let docs: &[&str] = &[$($doc),*];
                for line in docs {
                    body.push_str(&format!("  //{line}\n"));
                }
                let args: Vec<String> = vec![$(argument(stringify!($arg), imports.type_of::<$ty>())),*];
                let args = if args.is_empty() { "Record<string, never>".to_string() } else { format!("{{ {} }}", args.join("; ")) };
                body.push_str(&format!("  {}: {{ args: {}; result: {} }};\n", stringify!($name), args, imports.type_of::<$result>()));
            )*
            format!(
                "// Generated from crates/api/src/commands.rs: do not edit. The commands the UI may call.\n{}\nexport interface Commands {{\n{}}}\n\nexport type CommandName = keyof Commands;\n",
                imports.render(),
                body
            )
        }
    };
}

ui_commands! {
    /// The dashboard in one call: certificates, read errors, watched paths, settings.
    get_dashboard() -> Dashboard;
    add_watched(paths: Vec<String>) -> Dashboard;
    remove_watched(path: String) -> Dashboard;
    rescan() -> Dashboard;
    /// Reads again the files a crash set aside, then scans.
    retry_set_aside() -> Dashboard;
    save_settings(settings: Settings) -> Dashboard;
    /// Writes the dashboard to `path`; returns the path written.
    export_dashboard(format: ExportFormat, path: String) -> String;
    /// Asks every certificate's revocation status again, now.
    check_revocation() -> Dashboard;
    check_pkcs12(path: String, password: Secret) -> Pkcs12Check;
    card_status() -> CardStatus;
    /// Logs in once with the PIN (none on a PIN-pad reader), signs, logs out.
    check_card(slot_id: Option<u32>, pin: Option<Secret>) -> CardCheck;
    order_options() -> OrderOptions;
    validate_order(request: OrderRequest) -> Vec<RuleViolation>;
    suggested_names(offer: Offer, usage: Usage) -> Vec<String>;
    list_orders() -> Vec<Order>;
    create_order(request: OrderRequest) -> Order;
    /// Writes the CSR to `path`, or records that the UI copied it (no path).
    export_csr(id: String, path: Option<String>) -> String;
    import_certificate(path: String, password: Option<Secret>) -> ImportOutcome;
    /// Where this computer can install the certificate of `request` (its OS's stores,
    /// files everywhere), the default for its usage and user, and why.
    install_choices(request: OrderRequest) -> InstallChoices;
    install_order(id: String, request: InstallRequest, password: Option<Secret>) -> Vec<String>;
    renew_order(id: String) -> Order;
    revoke_order(id: String, reason: RevocationReason, confirmed: bool) -> Order;
    cancel_order(id: String) -> Order;
    save_secret(id: String, kind: SecretKind, value: Secret) -> ();
    show_secret(id: String, kind: SecretKind, confirmed: bool) -> String;
    audit_log(limit: Option<usize>) -> Vec<AuditEntry>;
    audit_verify() -> AuditVerdict;
    /// Opens the IGC-Santé platform of `environment` in the default browser (the
    /// procedure's card-authenticated address).
    open_portal(environment: Environment) -> ();
    /// ANS's procedure: steps, forms, roles, platform addresses, customer service, routes.
    get_procedure() -> Procedure;
    list_teleservices() -> Vec<Teleservice>;
    /// Records the téléservices a certificate serves (empty: none).
    set_teleservices(sha256: String, teleservices: Vec<String>) -> Dashboard;
    list_habilitations() -> Vec<Habilitation>;
    record_habilitation(habilitation: Habilitation) -> Vec<Habilitation>;
    remove_habilitation(habilitation: Habilitation) -> Vec<Habilitation>;
    /// Whether a recorded habilitation covers an order (a warning when not, never a refusal).
    check_habilitation(request: OrderRequest, teleservice: Option<String>) -> HabilitationCheck;
    /// The Groupe view: one row per certificate of the group, its workstations, this
    /// workstation's backlog.
    group_view() -> GroupView;
    /// One certificate of the group in full, with each workstation's copy.
    group_certificate(sha256: String) -> GroupCertificateDetails;
    group_settings() -> GroupSettings;
    /// Saves the group address and workstation name (null: none), and the password in the
    /// OS keystore (null: unchanged; "": forgotten).
    save_group_settings(database_url: Option<String>, workstation: Option<String>, password: Option<Secret>) -> GroupSettings;
    /// Publishes this workstation's inventory now.
    publish_group() -> PublishSummary;
    /// E-mail alerts: the settings, and the SMTP password into the OS keystore (kept when none is given).
    save_mail_settings(mail: MailSettings, password: Option<Secret>) -> Dashboard;
    remove_mail_settings() -> Dashboard;
    /// A webhook; its URL (a token is in it) into the OS keystore (kept when none is given).
    save_webhook(name: String, url: Option<Secret>, ca_file: Option<String>) -> Dashboard;
    remove_webhook(name: String) -> Dashboard;
    /// A test e-mail to `to`, or to every recipient; returns where it went.
    test_mail(to: Option<String>) -> Vec<String>;
    test_webhook(name: String) -> ();
    /// Sends the e-mail and webhook alerts due now.
    send_alerts() -> DeliveryReport;
}

/// The types a command's signature names, to import from their binding files.
#[derive(Default)]
struct Imports(std::collections::BTreeSet<String>);

impl Imports {
    /// The TypeScript type of `T`, noting the declared types it names.
    fn type_of<T: TS + 'static + ?Sized>(&mut self) -> String {
        self.visit::<T>();
        T::name()
    }

    fn render(&self) -> String {
        self.0.iter().map(|name| format!("import type {{ {name} }} from './{name}';\n")).collect()
    }
}

impl TypeVisitor for Imports {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_some() {
            self.0.insert(T::ident());
        }
        // Vec<Order>, Option<Settings>...: the declared types inside.
        T::visit_generics(self);
    }
}

/// `name: type`, optional (`name?:`) when the type admits null: Tauri reads a missing
/// argument as `None`.
fn argument(name: &str, ts_type: String) -> String {
    let optional = if ts_type.ends_with(" | null") { "?" } else { "" };
    format!("{}{optional}: {ts_type}", camel_case(name))
}

fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_typed_with_their_imports() {
        let ts = typescript();
        assert!(ts.contains("import type { Dashboard } from './Dashboard';"), "{ts}");
        assert!(ts.contains("  check_card: { args: { slotId?: number | null; pin?: string | null }; result: CardCheck };"), "{ts}");
        assert!(ts.contains("  rescan: { args: Record<string, never>; result: Dashboard };"), "{ts}");
        assert!(ts.contains("  list_orders: { args: Record<string, never>; result: Array<Order> };"), "{ts}");
        assert!(ts.contains("  save_secret: { args: { id: string; kind: SecretKind; value: string }; result: null };"), "{ts}");
        assert_eq!(NAMES.len(), ts.matches("; result: ").count());
        assert_eq!(camel_case("slot_id"), "slotId");
    }
}
