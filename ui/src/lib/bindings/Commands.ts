// Generated from crates/api/src/commands.rs: do not edit. The commands the UI may call.
import type { AuditEntry } from './AuditEntry';
import type { AuditVerdict } from './AuditVerdict';
import type { CardCheck } from './CardCheck';
import type { CardStatus } from './CardStatus';
import type { Dashboard } from './Dashboard';
import type { DeliveryReport } from './DeliveryReport';
import type { Environment } from './Environment';
import type { ExportFormat } from './ExportFormat';
import type { GroupCertificateDetails } from './GroupCertificateDetails';
import type { GroupSettings } from './GroupSettings';
import type { GroupView } from './GroupView';
import type { Habilitation } from './Habilitation';
import type { HabilitationCheck } from './HabilitationCheck';
import type { ImportOutcome } from './ImportOutcome';
import type { InstallChoices } from './InstallChoices';
import type { InstallRequest } from './InstallRequest';
import type { MailSettings } from './MailSettings';
import type { Offer } from './Offer';
import type { Order } from './Order';
import type { OrderOptions } from './OrderOptions';
import type { OrderRequest } from './OrderRequest';
import type { Pkcs12Check } from './Pkcs12Check';
import type { Procedure } from './Procedure';
import type { PublishSummary } from './PublishSummary';
import type { RevocationReason } from './RevocationReason';
import type { RuleViolation } from './RuleViolation';
import type { SecretKind } from './SecretKind';
import type { Settings } from './Settings';
import type { Teleservice } from './Teleservice';
import type { Usage } from './Usage';

export interface Commands {
  // The dashboard in one call: certificates, read errors, watched paths, settings.
  get_dashboard: { args: Record<string, never>; result: Dashboard };
  add_watched: { args: { paths: Array<string> }; result: Dashboard };
  remove_watched: { args: { path: string }; result: Dashboard };
  rescan: { args: Record<string, never>; result: Dashboard };
  // Reads again the files a crash set aside, then scans.
  retry_set_aside: { args: Record<string, never>; result: Dashboard };
  save_settings: { args: { settings: Settings }; result: Dashboard };
  // Writes the dashboard to `path`; returns the path written.
  export_dashboard: { args: { format: ExportFormat; path: string }; result: string };
  // Asks every certificate's revocation status again, now.
  check_revocation: { args: Record<string, never>; result: Dashboard };
  check_pkcs12: { args: { path: string; password: string }; result: Pkcs12Check };
  card_status: { args: Record<string, never>; result: CardStatus };
  // Logs in once with the PIN (none on a PIN-pad reader), signs, logs out.
  check_card: { args: { slotId?: number | null; pin?: string | null }; result: CardCheck };
  order_options: { args: Record<string, never>; result: OrderOptions };
  validate_order: { args: { request: OrderRequest }; result: Array<RuleViolation> };
  suggested_names: { args: { offer: Offer; usage: Usage }; result: Array<string> };
  list_orders: { args: Record<string, never>; result: Array<Order> };
  create_order: { args: { request: OrderRequest }; result: Order };
  // Writes the CSR to `path`, or records that the UI copied it (no path).
  export_csr: { args: { id: string; path?: string | null }; result: string };
  import_certificate: { args: { path: string; password?: string | null }; result: ImportOutcome };
  // Where this computer can install the certificate of `request` (its OS's stores,
  // files everywhere), the default for its usage and user, and why.
  install_choices: { args: { request: OrderRequest }; result: InstallChoices };
  install_order: { args: { id: string; request: InstallRequest; password?: string | null }; result: Array<string> };
  renew_order: { args: { id: string }; result: Order };
  revoke_order: { args: { id: string; reason: RevocationReason; confirmed: boolean }; result: Order };
  cancel_order: { args: { id: string }; result: Order };
  save_secret: { args: { id: string; kind: SecretKind; value: string }; result: null };
  show_secret: { args: { id: string; kind: SecretKind; confirmed: boolean }; result: string };
  audit_log: { args: { limit?: number | null }; result: Array<AuditEntry> };
  audit_verify: { args: Record<string, never>; result: AuditVerdict };
  // Opens the IGC-Santé platform of `environment` in the default browser (the
  // procedure's card-authenticated address).
  open_portal: { args: { environment: Environment }; result: null };
  // ANS's procedure: steps, forms, roles, platform addresses, customer service, routes.
  get_procedure: { args: Record<string, never>; result: Procedure };
  list_teleservices: { args: Record<string, never>; result: Array<Teleservice> };
  // Records the téléservices a certificate serves (empty: none).
  set_teleservices: { args: { sha256: string; teleservices: Array<string> }; result: Dashboard };
  list_habilitations: { args: Record<string, never>; result: Array<Habilitation> };
  record_habilitation: { args: { habilitation: Habilitation }; result: Array<Habilitation> };
  remove_habilitation: { args: { habilitation: Habilitation }; result: Array<Habilitation> };
  // Whether a recorded habilitation covers an order (a warning when not, never a refusal).
  check_habilitation: { args: { request: OrderRequest; teleservice?: string | null }; result: HabilitationCheck };
  // The Groupe view: one row per certificate of the group, its workstations, this
  // workstation's backlog.
  group_view: { args: Record<string, never>; result: GroupView };
  // One certificate of the group in full, with each workstation's copy.
  group_certificate: { args: { sha256: string }; result: GroupCertificateDetails };
  group_settings: { args: Record<string, never>; result: GroupSettings };
  // Saves the group address and workstation name (null: none), and the password in the
  // OS keystore (null: unchanged; "": forgotten).
  save_group_settings: { args: { databaseUrl?: string | null; workstation?: string | null; password?: string | null }; result: GroupSettings };
  // Publishes this workstation's inventory now.
  publish_group: { args: Record<string, never>; result: PublishSummary };
  // E-mail alerts: the settings, and the SMTP password into the OS keystore (kept when none is given).
  save_mail_settings: { args: { mail: MailSettings; password?: string | null }; result: Dashboard };
  remove_mail_settings: { args: Record<string, never>; result: Dashboard };
  // A webhook; its URL (a token is in it) into the OS keystore (kept when none is given).
  save_webhook: { args: { name: string; url?: string | null; caFile?: string | null }; result: Dashboard };
  remove_webhook: { args: { name: string }; result: Dashboard };
  // A test e-mail to `to`, or to every recipient; returns where it went.
  test_mail: { args: { to?: string | null }; result: Array<string> };
  test_webhook: { args: { name: string }; result: null };
  // Sends the e-mail and webhook alerts due now.
  send_alerts: { args: Record<string, never>; result: DeliveryReport };
}

export type CommandName = keyof Commands;
