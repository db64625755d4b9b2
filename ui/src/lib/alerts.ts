// The e-mail and webhook alert forms: the stored settings read into editable fields, and
// the fields checked before they are sent. Pure functions. The back end checks everything
// again (addresses, TLS, https): these checks only spare a round trip for what is plainly
// missing or malformed. The SMTP password and the webhook URLs never come back from the
// back end: they are in the OS keystore.

import type { DeliveryFailure } from './bindings/DeliveryFailure';
import { DEFAULT_MAIL_PORTS, WEBHOOK_NAME_PATTERN } from './bindings/defaults';
import type { MailSecurity } from './bindings/MailSecurity';
import type { MailSettings } from './bindings/MailSettings';
import type { Key } from './i18n';

export const MAIL_SECURITIES: readonly MailSecurity[] = ['starttls', 'tls', 'plain'];

/** The port used when none is given (the back end's, generated). */
export function defaultPort(security: MailSecurity): number {
  return DEFAULT_MAIL_PORTS[security];
}

export interface RecipientsOfStructure {
  /** The establishment's structure identifier (the OU: FINESS, SIRET…). */
  structure: string;
  /** Its addresses as typed, separated by commas, semicolons or lines. */
  addresses: string;
}

export interface MailForm {
  host: string;
  /** Empty: the usual port of `security`. */
  port: string;
  security: MailSecurity;
  /** Empty: no login (a relay that trusts this workstation). */
  username: string;
  /** Empty: the saved password is kept. Never filled from the back end. */
  password: string;
  from: string;
  /** The shared mailboxes as typed, separated by commas, semicolons or lines. */
  recipients: string;
  byStructure: RecipientsOfStructure[];
  /** Empty: the operating system's trust anchors only. */
  caFile: string;
}

export function emptyMailForm(): MailForm {
  return { host: '', port: '', security: 'starttls', username: '', password: '', from: '', recipients: '', byStructure: [], caFile: '' };
}

/** The stored e-mail settings as fields (the password field always empty). */
export function mailFormFrom(mail: MailSettings | null | undefined): MailForm {
  if (mail == null) return emptyMailForm();
  return {
    host: mail.host,
    port: mail.port === null ? '' : String(mail.port),
    security: mail.security,
    username: mail.username ?? '',
    password: '',
    from: mail.from,
    recipients: mail.recipients.join('\n'),
    byStructure: Object.entries(mail.recipients_by_structure).map(([structure, addresses]) => ({
      structure,
      addresses: (addresses ?? []).join(', '),
    })),
    caFile: mail.ca_file ?? '',
  };
}

/** Addresses typed in one field: split on commas, semicolons and line breaks, blanks dropped. */
export function splitAddresses(text: string): string[] {
  return text
    .split(/[,;\n\r]+/)
    .map((address) => address.trim())
    .filter((address) => address !== '');
}

/** Whether the saved settings hold a login whose password is in the OS keystore. */
export function passwordSaved(mail: MailSettings | null | undefined): boolean {
  return mail != null && mail.username !== null && mail.keystore_id !== null;
}

/** Whether the login fields apply: never without TLS (no password travels in clear). */
export function loginAllowed(security: MailSecurity): boolean {
  return security !== 'plain';
}

export type MailFormResult = { ok: true; mail: MailSettings; password: string | null } | { ok: false; error: Key };

/**
 * Checks the form and builds what `save_mail_settings` takes: the settings, and the
 * password only when one was typed (null keeps the saved one); without a login, no password.
 * A login without TLS is sent as typed: the back end refuses it (`notify.login_without_tls`)
 * rather than the form dropping it, which would delete the saved password.
 */
export function mailFromForm(form: MailForm): MailFormResult {
  const host = form.host.trim();
  if (host === '') return { ok: false, error: 'alertSettings.needHost' };
  let port: number | null = null;
  if (form.port.trim() !== '') {
    port = Number(form.port.trim());
    if (!Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, error: 'alertSettings.invalidPort' };
  }
  const from = form.from.trim();
  if (from === '') return { ok: false, error: 'alertSettings.needFrom' };
  const username = form.username.trim() !== '' ? form.username.trim() : null;
  const byStructure: Record<string, string[]> = {};
  for (const row of form.byStructure) {
    const structure = row.structure.trim();
    const addresses = splitAddresses(row.addresses);
    if (structure === '' && addresses.length === 0) continue;
    if (structure === '') return { ok: false, error: 'alertSettings.structureMissing' };
    if (addresses.length === 0) return { ok: false, error: 'alertSettings.structureNoAddress' };
    if (Object.prototype.hasOwnProperty.call(byStructure, structure)) return { ok: false, error: 'alertSettings.structureTwice' };
    byStructure[structure] = addresses;
  }
  const recipients = splitAddresses(form.recipients);
  if (recipients.length === 0 && Object.keys(byStructure).length === 0) return { ok: false, error: 'alertSettings.needRecipient' };
  const caFile = form.caFile.trim();
  return {
    ok: true,
    mail: {
      host,
      port,
      security: form.security,
      username,
      from,
      recipients,
      recipients_by_structure: byStructure,
      ca_file: caFile === '' ? null : caFile,
      // The back end keeps its own entry's id: what a front end sends here is ignored.
      keystore_id: null,
    },
    password: username !== null && form.password !== '' ? form.password : null,
  };
}

/** A webhook's name as the back end accepts it (its rule, generated): letters, digits, `-`, `_`, `.`, 64 at most. */
export function validWebhookName(name: string): boolean {
  return WEBHOOK_NAME_PATTERN.test(name);
}

/** The failure kept for a channel (`mail:<address>`, `webhook:<name>`), if any. */
export function failureOf(failures: readonly DeliveryFailure[], channel: string): DeliveryFailure | undefined {
  const wanted = channel.toLowerCase();
  return failures.find((failure) => failure.channel.toLowerCase() === wanted);
}

/** The failures of e-mail recipients (`mail:…` channels). */
export function mailFailures(failures: readonly DeliveryFailure[]): DeliveryFailure[] {
  return failures.filter((failure) => failure.channel.startsWith('mail:'));
}
