// The one boundary between the UI and the Rust back end. This is the only module that
// imports `@tauri-apps/*`; the rest of the UI imports from here. Every failure leaves
// this module as an `ApiError` ({ code, message }) so the UI can translate by code.

import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { open, save } from '@tauri-apps/plugin-dialog';

import type { ApiError } from './bindings/ApiError';
import type { AuditEntry } from './bindings/AuditEntry';
import type { AuditVerdict } from './bindings/AuditVerdict';
import type { CardCheck } from './bindings/CardCheck';
import type { CardEvent } from './bindings/CardEvent';
import type { CardStatus } from './bindings/CardStatus';
import type { CommandName, Commands } from './bindings/Commands';
import type { Dashboard } from './bindings/Dashboard';
import type { DeliveryReport } from './bindings/DeliveryReport';
import type { Environment } from './bindings/Environment';
import type { ExportFormat } from './bindings/ExportFormat';
import type { GroupCertificateDetails } from './bindings/GroupCertificateDetails';
import type { GroupSettings } from './bindings/GroupSettings';
import type { GroupView } from './bindings/GroupView';
import type { Habilitation } from './bindings/Habilitation';
import type { HabilitationCheck } from './bindings/HabilitationCheck';
import type { ImportOutcome } from './bindings/ImportOutcome';
import type { InstallChoices } from './bindings/InstallChoices';
import type { InstallRequest } from './bindings/InstallRequest';
import type { MailSettings } from './bindings/MailSettings';
import type { Offer } from './bindings/Offer';
import type { Order } from './bindings/Order';
import type { OrderOptions } from './bindings/OrderOptions';
import type { OrderRequest } from './bindings/OrderRequest';
import type { Pkcs12Check } from './bindings/Pkcs12Check';
import type { PublishSummary } from './bindings/PublishSummary';
import type { Procedure } from './bindings/Procedure';
import type { RevocationReason } from './bindings/RevocationReason';
import type { RuleViolation } from './bindings/RuleViolation';
import type { ScanProgress } from './bindings/ScanProgress';
import type { ScanSummary } from './bindings/ScanSummary';
import type { SecretKind } from './bindings/SecretKind';
import type { Settings } from './bindings/Settings';
import type { Teleservice } from './bindings/Teleservice';
import type { Usage } from './bindings/Usage';

export type { ApiError };

/** Code of the error every call fails with when the page runs outside Tauri. */
export const NO_BACKEND = 'app.no_backend';
/** Code given to a rejection that is not an `ApiError`. */
export const UNKNOWN = 'app.unknown';

/** File extensions offered by the "add files" dialog. */
export const CERTIFICATE_EXTENSIONS = ['pem', 'crt', 'cer', 'der', 'p7b', 'p7c', 'p12', 'pfx'];

/** True when the page runs inside the Tauri webview (the IPC bridge is present). */
export function hasBackend(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** True for a value that already has the `ApiError` shape. */
export function isApiError(value: unknown): value is ApiError {
  return isRecord(value) && typeof value.code === 'string' && typeof value.message === 'string';
}

/** Turns any rejection into an `ApiError`; unknown shapes get the code "app.unknown". */
export function toApiError(error: unknown): ApiError {
  if (isApiError(error)) {
    return { code: error.code, message: error.message };
  }
  if (typeof error === 'string') {
    return { code: UNKNOWN, message: error };
  }
  if (error instanceof Error) {
    return { code: UNKNOWN, message: error.message };
  }
  if (isRecord(error) && typeof error.message === 'string') {
    return { code: UNKNOWN, message: error.message };
  }
  let message: string;
  try {
    message = JSON.stringify(error) ?? String(error);
  } catch {
    message = String(error);
  }
  return { code: UNKNOWN, message };
}

function noBackend(): ApiError {
  return { code: NO_BACKEND, message: 'The CertiSanté back end is not available (page opened outside the application).' };
}

/** A command's arguments, none for a command that takes none. */
type ArgsOf<K extends CommandName> = Commands[K]['args'] extends Record<string, never> ? [] : [Commands[K]['args']];

/**
 * Calls a back-end command. Its name, arguments and result come from the table generated
 * from Rust (`bindings/Commands.ts`): calling a command that does not exist, or with
 * arguments of the wrong shape, fails the type check.
 */
async function call<K extends CommandName>(command: K, ...args: ArgsOf<K>): Promise<Commands[K]['result']> {
  if (!hasBackend()) {
    throw noBackend();
  }
  try {
    return await invoke<Commands[K]['result']>(command, args[0]);
  } catch (error) {
    throw toApiError(error);
  }
}

export function getDashboard(): Promise<Dashboard> {
  return call('get_dashboard');
}

/** Adds files or folders to the watched list, scans them and returns the new dashboard. */
export function addWatched(paths: string[]): Promise<Dashboard> {
  return call('add_watched', { paths });
}

export function removeWatched(path: string): Promise<Dashboard> {
  return call('remove_watched', { path });
}

export function retrySetAside(): Promise<Dashboard> {
  return call('retry_set_aside');
}

export function rescan(): Promise<Dashboard> {
  return call('rescan');
}

export function saveSettings(settings: Settings): Promise<Dashboard> {
  return call('save_settings', { settings });
}

/**
 * Verifies a PKCS#12 file's MAC with its password. The password is passed straight
 * through to the back end: it is neither logged nor kept here.
 */
export function checkPkcs12(path: string, password: string): Promise<Pkcs12Check> {
  return call('check_pkcs12', { path, password });
}

/** The readers, the card in them and what its middleware says, read without any PIN. */
export function cardStatus(): Promise<CardStatus> {
  return call('card_status');
}

/**
 * Checks the card: one login with `pin` (null when the reader's pad or the middleware's
 * own window asks for it), one signature, one logout. Called once per user action and
 * never retried here. The PIN is passed straight through: neither logged nor kept.
 */
export function checkCard(slotId: number | null, pin: string | null): Promise<CardCheck> {
  return call('check_card', { slotId, pin });
}

/**
 * Writes the dashboard to `path` (chosen with `pickSavePath`): renewal reminders as an
 * .ics calendar, or the table as CSV or JSON. Allowed on a read-only workstation.
 * Resolves to the path written.
 */
export function exportDashboard(format: ExportFormat, path: string): Promise<string> {
  return call('export_dashboard', { format, path });
}

/**
 * Asks every certificate's revocation status again now (OCSP, then the CRLs), and
 * resolves to the new dashboard. Allowed on a read-only workstation (statuses).
 */
export function checkRevocation(): Promise<Dashboard> {
  return call('check_revocation');
}

/** Runs a Tauri call other than a command (a dialog, a listener) with the same failures. */
async function bridged<T>(work: () => Promise<T>): Promise<T> {
  if (!hasBackend()) {
    throw noBackend();
  }
  try {
    return await work();
  } catch (error) {
    throw toApiError(error);
  }
}

/** Opens the native folder picker; resolves to the chosen folders ([] when cancelled). */
export async function pickFolders(title: string): Promise<string[]> {
  return (await bridged(() => open({ directory: true, multiple: true, title }))) ?? [];
}

/** Opens the native file picker on certificate files ([] when cancelled). */
export async function pickFiles(title: string, filterName: string): Promise<string[]> {
  const chosen = await bridged(() =>
    open({ multiple: true, title, filters: [{ name: filterName, extensions: CERTIFICATE_EXTENSIONS }] }),
  );
  return chosen ?? [];
}

/** Opens the native picker for one folder; null when cancelled. */
export function pickFolder(title: string): Promise<string | null> {
  return bridged(() => open({ directory: true, multiple: false, title }));
}

/** Opens the native picker for one certificate file; null when cancelled. */
export function pickFile(title: string, filterName: string): Promise<string | null> {
  return bridged(() => open({ multiple: false, title, filters: [{ name: filterName, extensions: CERTIFICATE_EXTENSIONS }] }));
}

/**
 * Opens the native "save as" dialog; resolves to the path chosen (null when cancelled).
 * Nothing is written here: the back end writes the file.
 */
export function pickSavePath(title: string, defaultPath: string, filterName: string, extensions: string[]): Promise<string | null> {
  return bridged(() => save({ title, defaultPath, filters: [{ name: filterName, extensions }] }));
}

export type Unsubscribe = () => void;

/** Everything the back end pushes to the UI. */
export interface BackendEvents {
  scanStarted: () => void;
  scanProgress: (progress: ScanProgress) => void;
  scanFinished: (summary: ScanSummary) => void;
  dashboardUpdated: (dashboard: Dashboard) => void;
  /** Files are dragged over the window (true) or left it / were dropped (false). */
  dragHover: (hovering: boolean) => void;
  /** Files or folders were dropped on the window. */
  filesDropped: (paths: string[]) => void;
}

/**
 * Listens to the back end's scan events and to drag and drop on the window.
 * Resolves to a function that stops every listener.
 */
export async function subscribe(handlers: BackendEvents): Promise<Unsubscribe> {
  if (!hasBackend()) {
    throw noBackend();
  }
  const unlisteners: UnlistenFn[] = [];
  const stop: Unsubscribe = () => {
    for (const unlisten of unlisteners.splice(0)) {
      unlisten();
    }
  };
  try {
    unlisteners.push(await listen<null>('scan-started', () => handlers.scanStarted()));
    unlisteners.push(await listen<ScanProgress>('scan-progress', (event) => handlers.scanProgress(event.payload)));
    unlisteners.push(await listen<ScanSummary>('scan-finished', (event) => handlers.scanFinished(event.payload)));
    unlisteners.push(await listen<Dashboard>('dashboard-updated', (event) => handlers.dashboardUpdated(event.payload)));
    unlisteners.push(await onDragDrop({ hover: handlers.dragHover, drop: handlers.filesDropped }));
  } catch (error) {
    stop();
    throw toApiError(error);
  }
  return stop;
}

/**
 * Listens to the back end's `card-event` (readers and cards coming and going, the PC/SC
 * service stopping or coming back). Resolves to a function that stops listening.
 */
export function onCardEvent(handler: (event: CardEvent) => void): Promise<Unsubscribe> {
  return bridged(() => listen<CardEvent>('card-event', (event) => handler(event.payload)));
}

/**
 * Listens to `orders-updated`: the back end changed orders by itself (at start, it takes
 * up orders a crash interrupted). Resolves to a function that stops listening.
 */
export function onOrdersUpdated(handler: () => void): Promise<Unsubscribe> {
  return bridged(() => listen<null>('orders-updated', () => handler()));
}

/**
 * Listens to `open-certificate`: a notification about a certificate was clicked; the
 * payload is its SHA-256. Resolves to a function that stops listening.
 */
export function onOpenCertificate(handler: (sha256: string) => void): Promise<Unsubscribe> {
  return bridged(() => listen<string>('open-certificate', (event) => handler(event.payload)));
}

export interface DragDropHandlers {
  /** Files are dragged over the window (true) or left it / were dropped (false). */
  hover: (hovering: boolean) => void;
  /** Files or folders were dropped on the window: their paths (never empty). */
  drop: (paths: string[]) => void;
}

/**
 * Listens to files dragged and dropped on the window (the webview gives paths, which a
 * browser's drop event does not). Resolves to a function that stops listening.
 */
export function onDragDrop(handlers: DragDropHandlers): Promise<Unsubscribe> {
  return bridged(() =>
    getCurrentWebview().onDragDropEvent((event) => {
      const payload = event.payload;
      if (payload.type === 'enter' || payload.type === 'over') {
        handlers.hover(true);
      } else if (payload.type === 'leave') {
        handlers.hover(false);
      } else if (payload.type === 'drop') {
        handlers.hover(false);
        if (payload.paths.length > 0) {
          handlers.drop(payload.paths);
        }
      }
    }),
  );
}

// ---------------------------------------------------------------- orders (src-tauri/commands/orders.rs)

/** What the order wizard offers: profiles, départements, portals. */
export function orderOptions(): Promise<OrderOptions> {
  return call('order_options');
}

/** Every broken rule of a request at once; [] when it is valid. */
export function validateOrder(request: OrderRequest): Promise<RuleViolation[]> {
  return call('validate_order', { request });
}

export function suggestedNames(offer: Offer, usage: Usage): Promise<string[]> {
  return call('suggested_names', { offer, usage });
}

/** Every order, newest first (certificates past their end are marked expired on the way). */
export function listOrders(): Promise<Order[]> {
  return call('list_orders');
}

/** Validates, makes the key (into the OS keystore) and the CSR. */
export function createOrder(request: OrderRequest): Promise<Order> {
  return call('create_order', { request });
}

/**
 * Writes the CSR to `path`, or, with null, records that the UI copied it to the
 * clipboard. Resolves to the CSR (PEM).
 */
export function exportCsr(id: string, path: string | null): Promise<string> {
  return call('export_csr', { id, path });
}

/**
 * Imports a certificate (or a portal .p12) from `path`. `password` is the .p12's, typed by
 * the user after an `import.password_required`; passed straight through, never kept or
 * logged here, and never retried by this module.
 */
export function importCertificate(path: string, password: string | null): Promise<ImportOutcome> {
  return call('import_certificate', { path, password });
}

/** Where this computer can install the certificate of `request`, the default and why. */
export function installChoices(request: OrderRequest): Promise<InstallChoices> {
  return call('install_choices', { request });
}

/**
 * Installs or exports an order's certificate with its key; resolves to the paths written.
 * `password` protects a .p12 (null for the other targets); passed straight through.
 */
export function installOrder(id: string, request: InstallRequest, password: string | null): Promise<string[]> {
  return call('install_order', { id, request, password });
}

/** A new order prefilled from this one, with a new key. */
export function renewOrder(id: string): Promise<Order> {
  return call('renew_order', { id });
}

/** Records a revocation made on the portal; final, so `confirmed` must be true. */
export function revokeOrder(id: string, reason: RevocationReason, confirmed: boolean): Promise<Order> {
  return call('revoke_order', { id, reason, confirmed });
}

/** Abandons an order without a certificate; its key is deleted. */
export function cancelOrder(id: string): Promise<Order> {
  return call('cancel_order', { id });
}

/** Keeps a revocation code or a .p12 password in the OS keystore. `value` is passed straight through. */
export function saveSecret(id: string, kind: SecretKind, value: string): Promise<void> {
  return call('save_secret', { id, kind, value }).then(() => undefined);
}

/** A kept secret, after the user confirmed (the back end audits the showing). */
export function showSecret(id: string, kind: SecretKind, confirmed: boolean): Promise<string> {
  return call('show_secret', { id, kind, confirmed });
}

/** The last `limit` entries of the audit log (all with null), oldest first. */
export function auditLog(limit: number | null): Promise<AuditEntry[]> {
  return call('audit_log', { limit });
}

/** Checks the audit log's hash chain. */
export function auditVerify(): Promise<AuditVerdict> {
  return call('audit_verify');
}

/** Opens the environment's IGC-Santé platform in the default browser. */
export function openPortal(environment: Environment): Promise<void> {
  return call('open_portal', { environment }).then(() => undefined);
}

// ---------------------------------------------------------------- the group inventory (src-tauri/commands/group.rs)

/** The Groupe view: one row per certificate of the group, its workstations, this workstation's backlog. */
export function groupView(): Promise<GroupView> {
  return call('group_view');
}

/** One certificate of the group in full, with each workstation's copy (where it lives). */
export function groupCertificate(sha256: string): Promise<GroupCertificateDetails> {
  return call('group_certificate', { sha256 });
}

/** The group address and name in use, whether a password is saved (never the password), the backlog. */
export function groupSettings(): Promise<GroupSettings> {
  return call('group_settings');
}

/**
 * Saves the group address and the workstation name (null: unchanged; '': none), and the
 * password in the OS keystore (null: unchanged; '': forgotten). The password is passed
 * straight through: neither logged nor kept here.
 */
export function saveGroupSettings(databaseUrl: string | null, workstation: string | null, password: string | null): Promise<GroupSettings> {
  return call('save_group_settings', { databaseUrl, workstation, password });
}

/** Publishes this workstation's inventory now. */
export function publishGroup(): Promise<PublishSummary> {
  return call('publish_group');
}

/**
 * Listens to `group-published`: a publication in the background did something (sent
 * changes, or found the server away). Resolves to a function that stops listening.
 */
export function onGroupPublished(handler: (summary: PublishSummary) => void): Promise<Unsubscribe> {
  return bridged(() => listen<PublishSummary>('group-published', (event) => handler(event.payload)));
}

// ---------------------------------------------------------------- the procedure (src-tauri/commands/procedure.rs)

/**
 * ANS's procedure as data, each fact with its source: the platform's addresses, the three
 * steps, the forms, the roles, the two key-pair routes, customer service, the user guide's
 * chapters, what to do about a locked PIN and after expiry. Allowed on a read-only workstation.
 */
export function getProcedure(): Promise<Procedure> {
  return call('get_procedure');
}

/** The téléservices a certificate may serve (DMP, INSi, ROC, MSSanté, SAS…). */
export function listTeleservices(): Promise<Teleservice[]> {
  return call('list_teleservices');
}

/** Records the téléservices a certificate serves (an empty list: none); the new dashboard. */
export function setTeleservices(sha256: string, teleservices: string[]): Promise<Dashboard> {
  return call('set_teleservices', { sha256, teleservices });
}

/** What the establishments' technical administrators are habilitated for (form n°413). */
export function listHabilitations(): Promise<Habilitation[]> {
  return call('list_habilitations');
}

/** Records a habilitation (or its note); resolves to every habilitation recorded. */
export function recordHabilitation(habilitation: Habilitation): Promise<Habilitation[]> {
  return call('record_habilitation', { habilitation });
}

export function removeHabilitation(habilitation: Habilitation): Promise<Habilitation[]> {
  return call('remove_habilitation', { habilitation });
}

/**
 * Whether a recorded habilitation covers an order about to be made: a warning when not,
 * never a refusal. `teleservice`: the one its CN suggestion named (else read from the CN).
 */
export function checkHabilitation(request: OrderRequest, teleservice: string | null): Promise<HabilitationCheck> {
  return call('check_habilitation', { request, teleservice });
}

// ---------------------------------------------------------------- e-mail and webhook alerts

/** Saves the e-mail settings; `password` (when given) goes to the OS keystore, never to the settings. */
export function saveMailSettings(mail: MailSettings, password: string | null): Promise<Dashboard> {
  return call('save_mail_settings', { mail, password });
}

export function removeMailSettings(): Promise<Dashboard> {
  return call('remove_mail_settings');
}

/** Adds or changes a webhook; `url` (a token is in it) goes to the OS keystore. */
export function saveWebhook(name: string, url: string | null, caFile: string | null): Promise<Dashboard> {
  return call('save_webhook', { name, url, caFile });
}

export function removeWebhook(name: string): Promise<Dashboard> {
  return call('remove_webhook', { name });
}

/** A test e-mail to `to`, or to every recipient; resolves with where it went. */
export function testMail(to: string | null): Promise<string[]> {
  return call('test_mail', { to });
}

export function testWebhook(name: string): Promise<void> {
  return call('test_webhook', { name }).then(() => undefined);
}

/** Sends the e-mail and webhook alerts due now. */
export function sendAlerts(): Promise<DeliveryReport> {
  return call('send_alerts');
}
