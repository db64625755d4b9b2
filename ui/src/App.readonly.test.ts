// @vitest-environment happy-dom
// The read-only workstation, the exports and a clicked notification, against a simulated
// Tauri IPC: no key, card or order command is ever called in read-only mode, exports go
// through the save dialog to `export_dashboard`, `open-certificate` shows that certificate.

import { emit } from '@tauri-apps/api/event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Dashboard } from './lib/bindings/Dashboard';
import { byTestId, choose, mockBackend, mountApp, resetApp, settle, typeInto, type Backend, type IpcHandler } from './lib/ipc.test-support';
import { emptyDashboard, emptyReader, makeCert } from './lib/test-fixtures';

const p12 = makeCert({ sha256: '44'.repeat(32), cn: 'TELESERVICE' });
const expiredLongAgo = makeCert({
  sha256: '55'.repeat(32),
  cn: 'OLD-CERT',
  status: 'expired',
  severity: 'critical',
  days_left: -400,
  has_private_key: false,
});
const other = makeCert({ sha256: '66'.repeat(32), cn: 'AUTRE', usage: 'SIGN' });

function dashboardWith(readOnly: { enabled: boolean; forced: boolean }): Dashboard {
  const base = emptyDashboard();
  return {
    ...base,
    certificates: [p12, expiredLongAgo, other],
    settings: { ...base.settings, hide_expired_after_days: 30, read_only: readOnly.enabled && !readOnly.forced },
    read_only: readOnly,
  };
}

/** Commands that only a workstation with keys and a card may call. */
const KEY_CARD_ORDER_COMMANDS = ['card_status', 'check_card', 'check_pkcs12', 'list_orders', 'audit_log', 'order_options'];

let backend: Backend;
let handler: IpcHandler;
let current: Dashboard;

beforeEach(() => {
  current = dashboardWith({ enabled: true, forced: true });
  handler = (cmd) => {
    if (cmd === 'get_dashboard' || cmd === 'rescan') return current;
    if (cmd === 'card_status') return emptyReader();
    throw { code: 'test.unexpected', message: cmd };
  };
  backend = mockBackend(() => handler);
});

afterEach(() => resetApp());

describe('read-only workstation', () => {
  it('shows the dashboard and its badge, and no key, card or order action', async () => {
    const root = await mountApp();
    await settle();
    expect(root.querySelectorAll('[data-testid="cert-row"]')).toHaveLength(2);
    const badge = byTestId(root, 'read-only-badge');
    expect(badge.textContent).toContain('Lecture seule');
    expect(badge.title).toBe('Poste en lecture seule : tableau de bord, états et exports uniquement');
    expect(root.querySelector('[data-testid="nav-orders"]')).toBeNull();
    expect(root.querySelector('[data-testid="nav-audit"]')).toBeNull();
    expect(root.querySelector('[data-testid="card-indicator"]')).toBeNull();
    expect(root.querySelector('[data-testid="check-card-button"]')).toBeNull();

    // The details of a .p12 offer no password check.
    byTestId(root.querySelector('[data-sha256="' + p12.sha256 + '"]')!, 'cert-cn').querySelector('button')!.click();
    await settle();
    const details = byTestId(root, 'details-pane');
    expect(details.querySelector('[data-testid="pkcs12-verify"]')).toBeNull();
    expect(details.querySelector('input[type="password"]')).toBeNull();

    // A card event is not followed by a card read either.
    await emit('card-event', { kind: 'reader_added', reader: 'x' });
    await settle();
    for (const cmd of KEY_CARD_ORDER_COMMANDS) expect(backend.callsOf(cmd), cmd).toEqual([]);
  });

  it('forced read-only: the setting is shown ticked and cannot be turned off', async () => {
    const root = await mountApp();
    byTestId(root, 'settings-button').click();
    await settle();
    const box = byTestId<HTMLInputElement>(root, 'settings-read-only');
    expect(box.checked).toBe(true);
    expect(box.disabled).toBe(true);
    expect(byTestId(root, 'settings-read-only-hint').textContent).toContain('--read-only');
    // No card module setting on a read-only workstation.
    expect(root.querySelector('[data-testid="settings-pkcs11-module"]')).toBeNull();
  });

  it('turning the setting on leaves the orders view and forgets the card', async () => {
    current = dashboardWith({ enabled: false, forced: false });
    handler = (cmd, args) => {
      if (cmd === 'save_settings') {
        current = dashboardWith({ enabled: true, forced: false });
        return current;
      }
      if (cmd === 'list_orders') return [];
      if (cmd === 'get_dashboard' || cmd === 'rescan') return current;
      if (cmd === 'card_status') return emptyReader();
      throw { code: 'test.unexpected', message: `${cmd} ${JSON.stringify(args)}` };
    };
    const root = await mountApp();
    expect(backend.callsOf('card_status')).toHaveLength(1);
    expect(byTestId(root, 'card-indicator')).toBeTruthy();
    byTestId(root, 'nav-orders').click();
    await settle();
    expect(byTestId(root, 'nav-orders').getAttribute('aria-current')).toBe('page');

    byTestId(root, 'settings-button').click();
    await settle();
    const box = byTestId<HTMLInputElement>(root, 'settings-read-only');
    expect(box.disabled).toBe(false);
    box.checked = true;
    choose(box);
    byTestId(root, 'settings-save').click();
    await settle();
    expect((backend.callsOf('save_settings')[0].args?.settings as { read_only: boolean }).read_only).toBe(true);
    expect(root.querySelector('[data-testid="nav-orders"]')).toBeNull();
    expect(byTestId(root, 'nav-dashboard').getAttribute('aria-current')).toBe('page');
    expect(root.querySelector('[data-testid="card-indicator"]')).toBeNull();
    expect(root.querySelectorAll('[data-testid="cert-row"]')).toHaveLength(2);
  });
});

describe('exports', () => {
  it('asks where to save, then has the back end write the calendar (also in read-only mode)', async () => {
    handler = (cmd, args) => {
      if (cmd === 'plugin:dialog|save') return '/home/secretariat/renouvellements.ics';
      if (cmd === 'export_dashboard') return (args as { path: string }).path;
      if (cmd === 'get_dashboard') return current;
      throw { code: 'test.unexpected', message: cmd };
    };
    const root = await mountApp();
    byTestId(root, 'export-button').click();
    await settle();
    expect(byTestId(root, 'export-ics').textContent).toContain('Calendrier des renouvellements (.ics)');
    expect(byTestId(root, 'export-csv').textContent).toContain('Tableau (CSV)');
    byTestId(root, 'export-ics').click();
    await settle();
    const dialog = backend.callsOf('plugin:dialog|save')[0].args as { options: { defaultPath: string; filters: { extensions: string[] }[] } };
    expect(dialog.options.defaultPath).toBe('certisante-renouvellements.ics');
    expect(dialog.options.filters[0].extensions).toEqual(['ics']);
    expect(backend.callsOf('export_dashboard').map((c) => c.args)).toEqual([
      { format: 'ics', path: '/home/secretariat/renouvellements.ics' },
    ]);
    expect(byTestId(root, 'notice-banner').textContent).toContain('Export enregistré : /home/secretariat/renouvellements.ics');
  });

  it('writes nothing when the dialog is cancelled, and translates a write error', async () => {
    let chosen: string | null = null;
    handler = (cmd) => {
      if (cmd === 'plugin:dialog|save') return chosen;
      if (cmd === 'export_dashboard') throw { code: 'install.permission_denied', message: 'EACCES' };
      if (cmd === 'get_dashboard') return current;
      throw { code: 'test.unexpected', message: cmd };
    };
    const root = await mountApp();
    byTestId(root, 'export-button').click();
    await settle();
    byTestId(root, 'export-csv').click();
    await settle();
    expect(backend.callsOf('export_dashboard')).toEqual([]);
    expect(root.querySelector('[data-testid="notice-banner"]')).toBeNull();

    chosen = '/protected/certificats.csv';
    byTestId(root, 'export-button').click();
    await settle();
    byTestId(root, 'export-csv').click();
    await settle();
    expect(backend.callsOf('export_dashboard').map((c) => c.args)).toEqual([{ format: 'csv', path: '/protected/certificats.csv' }]);
    const notice = byTestId(root, 'notice-banner');
    expect(notice.querySelector('[data-code]')?.getAttribute('data-code')).toBe('install.permission_denied');
    expect(notice.textContent).not.toContain('EACCES');
  });
});

describe('a clicked notification (open-certificate)', () => {
  it('goes back to the dashboard, clears the filters hiding it and opens its details', async () => {
    current = dashboardWith({ enabled: false, forced: false });
    handler = (cmd) => {
      if (cmd === 'get_dashboard' || cmd === 'rescan') return current;
      if (cmd === 'card_status') return emptyReader();
      if (cmd === 'list_orders') return [];
      throw { code: 'test.unexpected', message: cmd };
    };
    const root = await mountApp();
    typeInto(byTestId<HTMLInputElement>(root, 'search-input'), 'AUTRE');
    byTestId(root, 'nav-orders').click();
    await settle();

    await emit('open-certificate', expiredLongAgo.sha256);
    await settle();
    expect(byTestId(root, 'nav-dashboard').getAttribute('aria-current')).toBe('page');
    expect(byTestId(root, 'details-pane').getAttribute('data-sha256')).toBe(expiredLongAgo.sha256);
    expect(byTestId<HTMLInputElement>(root, 'search-input').value).toBe('');
    const row = root.querySelector(`tr[data-sha256="${expiredLongAgo.sha256}"]`);
    expect(row?.classList.contains('selected')).toBe(true);
  });

  it('opens a certificate the dashboard lists only later (start-up scan)', async () => {
    const listed = current;
    current = { ...listed, certificates: [] };
    const root = await mountApp();
    await emit('open-certificate', other.sha256);
    await settle();
    expect(root.querySelector('[data-testid="details-pane"]')).toBeNull();
    await emit('dashboard-updated', listed);
    await settle();
    expect(byTestId(root, 'details-pane').getAttribute('data-sha256')).toBe(other.sha256);
  });
});
