// @vitest-environment happy-dom
// The e-mail and webhook alerts of the settings panel against a simulated Tauri IPC: the
// SMTP password and the webhook URLs are sent only when typed and never shown, removals
// are confirmed, the back end's refusals show by their code, tests say where they went,
// and a read-only workstation changes nothing.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Dashboard } from './lib/bindings/Dashboard';
import type { MailSettings } from './lib/bindings/MailSettings';
import type { WebhookSettings } from './lib/bindings/WebhookSettings';
import { byTestId, choose, mockBackend, mountApp, resetApp, settle, textOf, typeInto, type Backend } from './lib/ipc.test-support';
import { emptyDashboard, emptyReader } from './lib/test-fixtures';

const MAIL: MailSettings = {
  host: 'smtp.ch-exemple.fr',
  port: null,
  security: 'starttls',
  username: 'alertes@ch-exemple.fr',
  from: 'CertiSanté <alertes@ch-exemple.fr>',
  recipients: ['certificats@ch-exemple.fr'],
  recipients_by_structure: { '10B0123456': ['dsi@clinique-exemple.fr'] },
  ca_file: null,
  keystore_id: 'mail-3f2a',
};
const TEAMS: WebhookSettings = { name: 'teams-dsi', host: 'ght.webhook.office.com', ca_file: null, keystore_id: 'teams-dsi-9c1e' };
const TOKEN_URL = 'https://ght.webhook.office.com/webhookb2/SECRET-TOKEN';

type Refusal = { code: string; message: string };

let backend: Backend;
let current: Dashboard;
/** The refusal of the next call of a command, by command. */
let refusals: Record<string, Refusal>;
let testMailAnswer: string[];
/** What the native file picker answers (null: cancelled). */
let picked: string | null;

function withAlerts(mail: MailSettings | undefined, webhooks: WebhookSettings[], readOnly = false): Dashboard {
  const base = emptyDashboard();
  return { ...base, settings: { ...base.settings, mail, webhooks }, read_only: { enabled: readOnly, forced: false } };
}

beforeEach(() => {
  current = withAlerts(undefined, []);
  refusals = {};
  testMailAnswer = ['certificats@ch-exemple.fr', 'dsi@clinique-exemple.fr'];
  picked = null;
  backend = mockBackend(() => (cmd, args) => {
    const refusal = refusals[cmd];
    if (refusal) {
      delete refusals[cmd];
      throw refusal;
    }
    const a = args as Record<string, unknown>;
    const settings = current.settings;
    switch (cmd) {
      case 'get_dashboard':
      case 'rescan':
        return current;
      case 'card_status':
        return emptyReader();
      case 'save_mail_settings': {
        const mail = a.mail as MailSettings;
        current = { ...current, settings: { ...settings, mail: { ...mail, keystore_id: mail.username === null ? null : 'mail-new' } } };
        return current;
      }
      case 'remove_mail_settings':
        current = { ...current, settings: { ...settings, mail: undefined } };
        return current;
      case 'save_webhook': {
        const hook: WebhookSettings = { name: a.name as string, host: 'hooks.ch-exemple.fr', ca_file: a.caFile as string | null, keystore_id: 'k' };
        const others = (settings.webhooks ?? []).filter((w) => w.name !== hook.name);
        current = { ...current, settings: { ...settings, webhooks: [...others, hook] } };
        return current;
      }
      case 'remove_webhook':
        current = { ...current, settings: { ...settings, webhooks: (settings.webhooks ?? []).filter((w) => w.name !== a.name) } };
        return current;
      case 'test_mail':
        return a.to === null ? testMailAnswer : [a.to];
      case 'test_webhook':
        return null;
      case 'plugin:dialog|open':
        return picked;
    }
    throw { code: 'test.unexpected', message: cmd };
  });
});

afterEach(() => resetApp());

async function openAlerts(): Promise<HTMLElement> {
  const root = await mountApp();
  byTestId(root, 'settings-button').click();
  await settle();
  return byTestId(root, 'alert-settings');
}

function field<T extends HTMLElement = HTMLInputElement>(root: ParentNode, id: string): T {
  return byTestId<T>(root, id);
}

async function click(root: ParentNode, id: string) {
  byTestId(root, id).click();
  await settle();
}

function argsOf(cmd: string): Record<string, unknown> | undefined {
  return backend.callsOf(cmd).at(-1)?.args;
}

describe('e-mail alerts', () => {
  it('shows the saved settings, whether a password is saved, never the password', async () => {
    current = withAlerts(MAIL, [TEAMS]);
    const section = await openAlerts();
    expect(textOf(section, 'alert-mail-state')).toBe('Alertes par e-mail actives, par le serveur smtp.ch-exemple.fr:587.');
    expect(field(section, 'alert-mail-host').value).toBe('smtp.ch-exemple.fr');
    expect(field(section, 'alert-mail-port').value).toBe('');
    expect(field(section, 'alert-mail-port').placeholder).toBe('587');
    expect(field<HTMLSelectElement>(section, 'alert-mail-security').value).toBe('starttls');
    expect(field(section, 'alert-mail-username').value).toBe('alertes@ch-exemple.fr');
    expect(field(section, 'alert-mail-password').value).toBe('');
    expect(field(section, 'alert-mail-password').type).toBe('password');
    expect(textOf(section, 'alert-mail-password-state')).toContain('Un mot de passe est enregistré');
    expect(field(section, 'alert-mail-from').value).toBe('CertiSanté <alertes@ch-exemple.fr>');
    expect(field<HTMLTextAreaElement>(section, 'alert-mail-recipients').value).toBe('certificats@ch-exemple.fr');
    expect(field(section, 'alert-mail-structure').value).toBe('10B0123456');
    expect(field(section, 'alert-mail-structure-addresses').value).toBe('dsi@clinique-exemple.fr');
  });

  it('keeps the saved password when the field is left empty, sends it only when typed', async () => {
    current = withAlerts(MAIL, []);
    const section = await openAlerts();
    typeInto(field(section, 'alert-mail-host'), 'smtp2.ch-exemple.fr');
    await click(section, 'alert-mail-save');
    expect(argsOf('save_mail_settings')).toEqual({ mail: { ...MAIL, host: 'smtp2.ch-exemple.fr', keystore_id: null }, password: null });
    expect(textOf(section, 'alert-mail-notice')).toBe('Réglages e-mail enregistrés.');

    typeInto(field(section, 'alert-mail-password'), 'n0uveau');
    await click(section, 'alert-mail-save');
    expect(argsOf('save_mail_settings')!.password).toBe('n0uveau');
    // The password leaves the field once saved; the settings the app shows are the new ones.
    expect(field(section, 'alert-mail-password').value).toBe('');
    expect(field(section, 'alert-mail-host').value).toBe('smtp2.ch-exemple.fr');
  });

  it('sets up e-mail from nothing: implicit TLS, a port, a login, establishments', async () => {
    const section = await openAlerts();
    expect(textOf(section, 'alert-mail-state')).toBe('Alertes par e-mail désactivées.');
    expect(section.querySelector('[data-testid="alert-mail-remove"]')).toBeNull();
    expect(section.querySelector('[data-testid="alert-mail-test"]')).toBeNull();
    // No login yet: no password to type.
    expect(field(section, 'alert-mail-password').disabled).toBe(true);
    typeInto(field(section, 'alert-mail-host'), ' smtp.ch-exemple.fr ');
    choose(field<HTMLSelectElement>(section, 'alert-mail-security'), 'tls');
    expect(field(section, 'alert-mail-port').placeholder).toBe('465');
    typeInto(field(section, 'alert-mail-port'), '1465');
    typeInto(field(section, 'alert-mail-username'), 'alertes');
    typeInto(field(section, 'alert-mail-password'), 's3cret');
    typeInto(field(section, 'alert-mail-from'), 'alertes@ch-exemple.fr');
    typeInto(field<HTMLTextAreaElement>(section, 'alert-mail-recipients'), 'a@ch-exemple.fr, b@ch-exemple.fr\nc@ch-exemple.fr');
    await click(section, 'alert-mail-structure-add');
    expect(document.activeElement).toBe(field(section, 'alert-mail-structure'));
    typeInto(field(section, 'alert-mail-structure'), '10B0123456');
    typeInto(field(section, 'alert-mail-structure-addresses'), 'dsi@clinique.fr; rssi@clinique.fr');
    typeInto(field(section, 'alert-mail-ca-file'), '/etc/ssl/interne.pem');
    await click(section, 'alert-mail-save');
    expect(argsOf('save_mail_settings')).toEqual({
      mail: {
        host: 'smtp.ch-exemple.fr',
        port: 1465,
        security: 'tls',
        username: 'alertes',
        from: 'alertes@ch-exemple.fr',
        recipients: ['a@ch-exemple.fr', 'b@ch-exemple.fr', 'c@ch-exemple.fr'],
        recipients_by_structure: { '10B0123456': ['dsi@clinique.fr', 'rssi@clinique.fr'] },
        ca_file: '/etc/ssl/interne.pem',
        keystore_id: null,
      },
      password: 's3cret',
    });
    expect(textOf(section, 'alert-mail-state')).toBe('Alertes par e-mail actives, par le serveur smtp.ch-exemple.fr:1465.');
    expect(textOf(section, 'alert-mail-password-state')).toContain('Un mot de passe est enregistré');
  });

  it('never drops the login without TLS: the back end refuses it, and an emptied login is sent as none', async () => {
    current = withAlerts(MAIL, []);
    const section = await openAlerts();
    choose(field<HTMLSelectElement>(section, 'alert-mail-security'), 'plain');
    expect(textOf(section, 'alert-mail-password-state')).toContain('Sans TLS, aucun identifiant ni mot de passe');
    // Sent as typed (dropping it would delete the saved password): refused by its code.
    refusals.save_mail_settings = { code: 'notify.login_without_tls', message: 'a login needs TLS' };
    await click(section, 'alert-mail-save');
    expect(argsOf('save_mail_settings')).toMatchObject({ mail: { security: 'plain', username: 'alertes@ch-exemple.fr' } });
    expect(byTestId(section, 'alert-mail-notice').dataset.code).toBe('notify.login_without_tls');
    // The user empties the login: an internal relay without authentication.
    delete refusals.save_mail_settings;
    typeInto(field(section, 'alert-mail-username'), '');
    expect(field(section, 'alert-mail-password').disabled).toBe(true);
    await click(section, 'alert-mail-save');
    expect(argsOf('save_mail_settings')).toMatchObject({ mail: { security: 'plain', username: null }, password: null });
  });

  it('says what is missing before sending, and shows the back end’s refusal by its code', async () => {
    current = withAlerts(MAIL, []);
    const section = await openAlerts();
    typeInto(field<HTMLTextAreaElement>(section, 'alert-mail-recipients'), ' ');
    byTestId(section, 'alert-mail-structure-remove').click();
    await settle();
    await click(section, 'alert-mail-save');
    expect(backend.callsOf('save_mail_settings')).toEqual([]);
    expect(textOf(section, 'alert-mail-form-error')).toBe('Indiquez au moins un destinataire.');

    typeInto(field<HTMLTextAreaElement>(section, 'alert-mail-recipients'), 'certificats@ch-exemple.fr');
    refusals.save_mail_settings = { code: 'notify.password_missing', message: 'no SMTP password for alertes@ch-exemple.fr' };
    await click(section, 'alert-mail-save');
    expect(section.querySelector('[data-testid="alert-mail-form-error"]')).toBeNull();
    const notice = byTestId(section, 'alert-mail-notice');
    expect(notice.dataset.code).toBe('notify.password_missing');
    expect(notice.getAttribute('role')).toBe('alert');
    expect(textOf(section, 'alert-mail-notice-text')).toBe('Le mot de passe SMTP n’est pas dans le trousseau du système : enregistrez-le à nouveau.');
  });

  it('turns e-mail off only once confirmed', async () => {
    current = withAlerts(MAIL, []);
    const root = (await openAlerts()).ownerDocument.body;
    await click(root, 'alert-mail-remove');
    expect(backend.callsOf('remove_mail_settings')).toEqual([]);
    const dialog = byTestId(root, 'alert-mail-remove-dialog');
    expect(dialog.textContent).toContain('le mot de passe SMTP est retiré du trousseau');

    // A refusal stays in the dialog, by its code.
    refusals.remove_mail_settings = { code: 'app.read_only', message: 'read-only' };
    await click(root, 'alert-mail-remove-dialog-confirm');
    expect(byTestId(root, 'alert-mail-remove-dialog-error').dataset.code).toBe('app.read_only');

    await click(root, 'alert-mail-remove-dialog-confirm');
    expect(backend.callsOf('remove_mail_settings')).toHaveLength(2);
    expect(root.querySelector('[data-testid="alert-mail-remove-dialog"]')).toBeNull();
    expect(textOf(root, 'alert-mail-state')).toBe('Alertes par e-mail désactivées.');
    expect(textOf(root, 'alert-mail-notice')).toBe('Alertes par e-mail désactivées.');
    expect(field(root, 'alert-mail-host').value).toBe('');
  });

  it('sends a test e-mail and says where it went, or why it did not', async () => {
    current = withAlerts(MAIL, []);
    const section = await openAlerts();
    await click(section, 'alert-mail-test');
    expect(argsOf('test_mail')).toEqual({ to: null });
    expect(textOf(section, 'alert-mail-notice')).toBe('E-mail de test envoyé à : certificats@ch-exemple.fr, dsi@clinique-exemple.fr.');

    typeInto(field(section, 'alert-mail-test-to'), ' moi@ch-exemple.fr ');
    await click(section, 'alert-mail-test');
    expect(argsOf('test_mail')).toEqual({ to: 'moi@ch-exemple.fr' });
    expect(textOf(section, 'alert-mail-notice')).toBe('E-mail de test envoyé à : moi@ch-exemple.fr.');

    refusals.test_mail = { code: 'notify.mail_auth_refused', message: '535 5.7.8 authentication failed' };
    await click(section, 'alert-mail-test');
    expect(byTestId(section, 'alert-mail-notice').dataset.code).toBe('notify.mail_auth_refused');
    expect(textOf(section, 'alert-mail-notice-text')).toContain('a refusé l’identifiant ou le mot de passe');
  });
});

describe('webhooks', () => {
  it('lists the webhooks by name and host, never their URL', async () => {
    current = withAlerts(undefined, [TEAMS, { ...TEAMS, name: 'mattermost', host: 'mm.ght.local', ca_file: '/etc/ssl/ght.pem' }]);
    const section = await openAlerts();
    const rows = [...section.querySelectorAll<HTMLElement>('[data-testid="alert-webhook"]')];
    expect(rows.map((row) => row.dataset.name)).toEqual(['teams-dsi', 'mattermost']);
    expect(rows[0].textContent).toContain('vers ght.webhook.office.com');
    expect(rows[1].textContent).toContain('autorité : /etc/ssl/ght.pem');
    expect(section.textContent).not.toContain('webhookb2');
  });

  it('adds a webhook with its URL, which leaves the field once saved', async () => {
    const section = await openAlerts();
    expect(textOf(section, 'alert-webhooks-none')).toBe('Aucun webhook.');
    expect(field(section, 'alert-webhook-url').type).toBe('password');

    // Checked before sending: a name the back end would refuse, no URL for a new webhook.
    typeInto(field(section, 'alert-webhook-name'), 'teams dsi');
    await click(section, 'alert-webhook-save');
    expect(textOf(section, 'alert-webhook-form-error')).toContain('Nom de webhook invalide');
    typeInto(field(section, 'alert-webhook-name'), 'teams-dsi');
    await click(section, 'alert-webhook-save');
    expect(textOf(section, 'alert-webhook-form-error')).toBe('Donnez l’adresse (URL) du nouveau webhook.');
    expect(backend.callsOf('save_webhook')).toEqual([]);

    // The back end's refusal by its code (http to another machine).
    typeInto(field(section, 'alert-webhook-url'), 'http://ght.webhook.office.com/x');
    refusals.save_webhook = { code: 'notify.webhook_not_https', message: 'http://… not https' };
    await click(section, 'alert-webhook-save');
    expect(byTestId(section, 'alert-webhook-notice').dataset.code).toBe('notify.webhook_not_https');
    expect(field(section, 'alert-webhook-url').value).toBe('http://ght.webhook.office.com/x');

    typeInto(field(section, 'alert-webhook-url'), TOKEN_URL);
    typeInto(field(section, 'alert-webhook-ca-file'), '/etc/ssl/ght.pem');
    await click(section, 'alert-webhook-save');
    expect(argsOf('save_webhook')).toEqual({ name: 'teams-dsi', url: TOKEN_URL, caFile: '/etc/ssl/ght.pem' });
    expect(textOf(section, 'alert-webhook-notice')).toBe('Webhook teams-dsi enregistré.');
    expect(field(section, 'alert-webhook-url').value).toBe('');
    expect(field(section, 'alert-webhook-name').value).toBe('');
    expect([...section.querySelectorAll<HTMLElement>('[data-testid="alert-webhook"]')].map((row) => row.dataset.name)).toEqual(['teams-dsi']);
  });

  it('picks a CA file with the native picker; a cancelled picker changes nothing', async () => {
    const section = await openAlerts();
    picked = '/etc/ssl/ght.pem';
    await click(section, 'alert-webhook-ca-choose');
    expect(field(section, 'alert-webhook-ca-file').value).toBe('/etc/ssl/ght.pem');
    picked = null;
    await click(section, 'alert-webhook-ca-choose');
    expect(field(section, 'alert-webhook-ca-file').value).toBe('/etc/ssl/ght.pem');
    picked = '/etc/ssl/interne.pem';
    await click(section, 'alert-mail-ca-choose');
    expect(field(section, 'alert-mail-ca-file').value).toBe('/etc/ssl/interne.pem');
    expect(backend.callsOf('plugin:dialog|open')).toHaveLength(3);
  });

  it('changes a webhook keeping its URL when none is typed', async () => {
    current = withAlerts(undefined, [{ ...TEAMS, ca_file: '/etc/ssl/old.pem' }]);
    const section = await openAlerts();
    await click(section, 'alert-webhook-edit');
    expect(section.querySelector('[data-testid="alert-webhook-name"]')).toBeNull();
    expect(byTestId(section, 'alert-webhook-form').textContent).toContain('Modifier le webhook teams-dsi');
    expect(byTestId(section, 'alert-webhook-form').textContent).toContain('Vide : l’adresse enregistrée est gardée.');
    expect(document.activeElement).toBe(field(section, 'alert-webhook-url'));
    expect(field(section, 'alert-webhook-ca-file').value).toBe('/etc/ssl/old.pem');
    typeInto(field(section, 'alert-webhook-ca-file'), '');
    await click(section, 'alert-webhook-save');
    expect(argsOf('save_webhook')).toEqual({ name: 'teams-dsi', url: null, caFile: null });
  });

  it('removes a webhook only once confirmed', async () => {
    current = withAlerts(undefined, [TEAMS]);
    const root = (await openAlerts()).ownerDocument.body;
    await click(root, 'alert-webhook-remove');
    expect(backend.callsOf('remove_webhook')).toEqual([]);
    expect(byTestId(root, 'alert-webhook-remove-dialog').textContent).toContain('Retirer le webhook teams-dsi ?');
    await click(root, 'alert-webhook-remove-dialog-confirm');
    expect(argsOf('remove_webhook')).toEqual({ name: 'teams-dsi' });
    expect(root.querySelector('[data-testid="alert-webhook-remove-dialog"]')).toBeNull();
    expect(root.querySelector('[data-testid="alert-webhook"]')).toBeNull();
    expect(textOf(root, 'alert-webhook-notice')).toBe('Webhook teams-dsi retiré.');
  });

  it('tests a webhook and reports the result, or the coded error', async () => {
    current = withAlerts(undefined, [TEAMS]);
    const section = await openAlerts();
    await click(section, 'alert-webhook-test');
    expect(argsOf('test_webhook')).toEqual({ name: 'teams-dsi' });
    expect(textOf(section, 'alert-webhook-notice')).toBe('Message de test envoyé au webhook teams-dsi.');
    refusals.test_webhook = { code: 'notify.webhook_status', message: 'HTTP 404' };
    await click(section, 'alert-webhook-test');
    expect(byTestId(section, 'alert-webhook-notice').dataset.code).toBe('notify.webhook_status');
    expect(byTestId(section, 'alert-webhook-test').textContent?.trim()).toBe('Tester');
  });
});

describe('alerts: failures, read-only, English', () => {
  it('shows each channel’s last delivery failure by its code', async () => {
    current = {
      ...withAlerts(MAIL, [TEAMS]),
      delivery_failures: [
        { channel: 'mail:certificats@ch-exemple.fr', code: 'notify.mail_timeout', message: 'timeout', at: '2026-12-05T08:00:00Z', since: '2026-12-04T08:00:00Z', pending: 2 },
        { channel: 'webhook:teams-dsi', code: 'notify.webhook_status', message: 'HTTP 500', at: '2026-12-05T08:00:00Z', since: '2026-12-05T08:00:00Z', pending: 1 },
      ],
    };
    const section = await openAlerts();
    expect(byTestId(section, 'alert-mail-failures').textContent).toContain('E-mail à certificats@ch-exemple.fr');
    const codes = [...section.querySelectorAll<HTMLElement>('[data-testid="alert-failure"]')].map((f) => f.dataset.code);
    expect(codes).toEqual(['notify.mail_timeout', 'notify.webhook_status']);
    expect(byTestId(section, 'alert-webhook').textContent).toContain('(1 alerte(s) en attente)');
  });

  it('changes nothing on a read-only workstation; tests still go out', async () => {
    current = withAlerts(MAIL, [TEAMS], true);
    const section = await openAlerts();
    expect(section.querySelector('[data-testid="alert-settings-read-only"]')).not.toBeNull();
    const fields = [...section.querySelectorAll<HTMLInputElement>('input, select, textarea')].filter((f) => f.dataset.testid !== 'alert-mail-test-to');
    expect(fields.length).toBe(10);
    expect(fields.filter((f) => !f.disabled).map((f) => f.dataset.testid)).toEqual([]);
    for (const id of [
      'alert-mail-save',
      'alert-mail-remove',
      'alert-mail-structure-add',
      'alert-mail-structure-remove',
      'alert-mail-ca-choose',
      'alert-webhook-edit',
      'alert-webhook-remove',
    ]) {
      expect(field<HTMLButtonElement>(section, id).disabled, id).toBe(true);
    }
    // Nothing to add: no webhook form at all.
    expect(section.querySelector('[data-testid="alert-webhook-form"]')).toBeNull();
    expect(field<HTMLButtonElement>(section, 'alert-mail-test').disabled).toBe(false);
    expect(field<HTMLButtonElement>(section, 'alert-webhook-test').disabled).toBe(false);
    await click(section, 'alert-webhook-test');
    expect(backend.commands().filter((c) => /^(save|remove)_(mail_settings|webhook)$/.test(c))).toEqual([]);
  });

  it('speaks English when the app does', async () => {
    current = withAlerts(MAIL, [TEAMS]);
    current = { ...current, settings: { ...current.settings, language: 'en' } };
    const section = await openAlerts();
    expect(section.querySelector('legend')?.textContent).toBe('E-mail and webhook alerts');
    expect(textOf(section, 'alert-mail-password-state')).toContain('A password is saved in the OS keystore');
    expect(byTestId(section, 'alert-webhook').textContent).toContain('to ght.webhook.office.com');
  });
});
