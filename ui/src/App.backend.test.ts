// @vitest-environment happy-dom
// Renders the whole screen against a simulated Tauri IPC (Tauri's own test mocks):
// checks the commands, their camelCase arguments, the events and what is shown.
// Only tests may use @tauri-apps/api/mocks; the application talks through lib/api.ts.

import { emit } from '@tauri-apps/api/event';
import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Dashboard } from './lib/bindings/Dashboard';
import { certRows as rows, mockBackend, mountApp as render, resetApp, settle, unexpected, type Backend, type IpcHandler } from './lib/ipc.test-support';
import { emptyReader, makeCert } from './lib/test-fixtures';

const expiredLongAgo = makeCert({
  sha256: '11'.repeat(32),
  cn: 'OLD-CERT',
  status: 'expired',
  severity: 'critical',
  days_left: -120,
  not_after: '2025-08-01T12:00:00Z',
  has_private_key: false,
});
const expiring = makeCert({
  sha256: '22'.repeat(32),
  cn: 'SIGN-HOPITAL',
  organization: 'Hôpital Saint-Éloi',
  usage: 'SIGN',
  status: 'expiring',
  severity: 'warning',
  days_left: 20,
  not_after: '2026-01-20T12:00:00Z',
});
const testCert = makeCert({
  sha256: '33'.repeat(32),
  cn: 'AUTH-TEST',
  environment: 'TEST',
  chain: { status: 'trusted', environment: 'TEST', path: ['AC TEST'] },
  not_after: '2028-04-03T12:00:00Z',
  days_left: 800,
  warnings: [{ code: 'igc.structure_id_invalid', message: 'check digit' }],
});

function dashboard(overrides: Partial<Dashboard> = {}): Dashboard {
  return {
    certificates: [expiredLongAgo, expiring, testCert],
    errors: [{ path: '/data/broken.p12', code: 'certs.p12_invalid', message: 'bad asn.1' }],
    watched: [
      { path: '/data', kind: 'folder', added_at: '2025-11-01T10:00:00Z', present: true },
      { path: '/media/usb/certs', kind: 'folder', added_at: '2025-11-02T10:00:00Z', present: false },
    ],
    settings: {
      language: 'fr',
      thresholds: { warn_days: 30, crit_days: 7 },
      hide_expired_after_days: 30,
      include_os_stores: true,
      pkcs11_module: null,
      read_only: false,
      start_at_login: false,
      run_in_background: true,
    },
    read_only: { enabled: false, forced: false },
    policy: { source: '/etc/certisante/policy.json', forced: [], values: {}, error: null },
    pending_orders: [],
    ...overrides,
  };
}

let backend: Backend;
let handler: IpcHandler;

beforeEach(() => {
  handler = (cmd) => {
    if (['get_dashboard', 'rescan', 'add_watched', 'remove_watched', 'save_settings'].includes(cmd)) {
      return dashboard();
    }
    if (cmd === 'card_status') {
      return emptyReader();
    }
    return unexpected(cmd);
  };
  backend = mockBackend(() => handler);
});

afterEach(() => resetApp());

describe('App with the back end', () => {
  it('lists the certificates in the back end order, hiding long-expired ones', async () => {
    const root = await render();
    expect(backend.commands().sort()).toEqual(['card_status', 'get_dashboard']);
    expect(root.querySelector('[data-testid="empty-state"]')).toBeNull();
    expect(rows(root).map((row) => row.dataset.sha256)).toEqual([expiring.sha256, testCert.sha256]);
    expect(rows(root).map((row) => row.dataset.status)).toEqual(['expiring', 'valid']);

    const [first, second] = rows(root);
    expect(first.querySelector('[data-testid="cert-cn"]')?.textContent?.trim()).toBe('SIGN-HOPITAL');
    expect(first.querySelector('[data-testid="days-left"]')?.textContent?.trim()).toBe('dans 20 j');
    expect(first.querySelector('[data-testid="env-badge"]')?.textContent?.trim()).toBe('PROD');
    expect(second.querySelector('[data-testid="env-badge"]')?.textContent?.trim()).toBe('TEST');
    expect(second.textContent).toContain('3 avr. 2028');
    expect(first.textContent).toContain('ORG · SIGN');

    // Unticking the option shows the certificate that expired 120 days ago.
    root.querySelector<HTMLInputElement>('[data-testid="filter-hide-expired"]')!.click();
    flushSync();
    expect(rows(root).length).toBe(3);
    expect(rows(root)[0].querySelector('[data-testid="days-left"]')?.textContent?.trim()).toBe('expiré depuis 120 j');
  });

  it('searches and filters', async () => {
    const root = await render();
    const search = root.querySelector<HTMLInputElement>('[data-testid="search-input"]')!;
    search.value = 'hopital';
    search.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    expect(rows(root).map((row) => row.dataset.sha256)).toEqual([expiring.sha256]);

    search.value = '';
    search.dispatchEvent(new Event('input', { bubbles: true }));
    const env = root.querySelector<HTMLSelectElement>('[data-testid="filter-environment"]')!;
    env.value = 'TEST';
    env.dispatchEvent(new Event('change', { bubbles: true }));
    flushSync();
    expect(rows(root).map((row) => row.dataset.sha256)).toEqual([testCert.sha256]);
  });

  it('shows the e-mail and webhook alerts that could not be sent, by their code', async () => {
    const failures: Dashboard['delivery_failures'] = [
      {
        channel: 'mail:dsi@ch-exemple.fr',
        code: 'notify.mail_auth_refused',
        message: 'the SMTP server smtp.ch-exemple.fr refused the login: 535',
        at: '2026-12-05T09:00:00Z',
        since: '2026-12-04T08:00:00Z',
        pending: 2,
      },
      { channel: 'webhook:teams-dsi', code: 'notify.webhook_status', message: 'webhook teams-dsi answered HTTP 500', at: '2026-12-05T09:00:00Z', since: '2026-12-05T09:00:00Z', pending: 1 },
    ];
    let withFailures = true;
    handler = (cmd) => {
      if (cmd === 'get_dashboard' || cmd === 'rescan') return dashboard(withFailures ? { delivery_failures: failures } : {});
      if (cmd === 'card_status') return emptyReader();
      return unexpected(cmd);
    };
    const root = await render();
    const banner = root.querySelector('[data-testid="delivery-failures"]');
    expect(banner?.textContent).toContain('Des alertes n’ont pas pu être envoyées (2)');
    const items = [...root.querySelectorAll<HTMLElement>('[data-testid="delivery-failure"]')];
    expect(items.map((item) => item.dataset.code)).toEqual(['notify.mail_auth_refused', 'notify.webhook_status']);
    expect(items[0].textContent).toContain('E-mail à dsi@ch-exemple.fr');
    expect(items[0].textContent).toContain('Le serveur SMTP a refusé l’identifiant ou le mot de passe');
    expect(items[0].textContent).toContain('2 alerte(s) en attente');
    expect(items[1].textContent).toContain('Webhook teams-dsi');
    // Once a message went out again, the back end forgets the failure: the banner goes.
    withFailures = false;
    await emit('dashboard-updated', dashboard());
    await settle();
    expect(root.querySelector('[data-testid="delivery-failures"]')).toBeNull();
  });

  it('lists unreadable files and watched paths, translated', async () => {
    const root = await render();
    const items = root.querySelectorAll('[data-testid="error-item"]');
    expect(items.length).toBe(1);
    expect(items[0].textContent).toContain('/data/broken.p12');
    expect(items[0].textContent).toContain('Fichier PKCS#12 invalide ou endommagé.');
    const watched = root.querySelectorAll<HTMLElement>('[data-testid="watched-item"]');
    expect([...watched].map((item) => item.dataset.present)).toEqual(['true', 'false']);
    expect(watched[1].textContent).toContain('Introuvable');

    watched[1].querySelector<HTMLButtonElement>('[data-testid="watched-remove"]')!.click();
    await settle();
    expect(backend.calls.at(-1)).toEqual({ cmd: 'remove_watched', args: { path: '/media/usb/certs' } });
  });

  it('offers to read again the files an interrupted scan set aside', async () => {
    const setAside = { path: '/data/bombe.der', code: 'scan.set_aside', message: 'reading it stopped an earlier scan' };
    handler = (cmd) => {
      if (['get_dashboard', 'retry_set_aside'].includes(cmd)) return dashboard({ errors: cmd === 'get_dashboard' ? [setAside] : [] });
      if (cmd === 'card_status') return emptyReader();
      return unexpected(cmd);
    };
    const root = await render();
    const item = root.querySelector<HTMLElement>('[data-testid="error-item"]')!;
    expect(item.dataset.code).toBe('scan.set_aside');
    expect(root.querySelector('[data-testid="errors-list"]')?.textContent).toContain('1 fichier(s) mis de côté');
    root.querySelector<HTMLButtonElement>('[data-testid="retry-set-aside"]')!.click();
    await settle();
    expect(backend.calls.at(-1)).toEqual({ cmd: 'retry_set_aside', args: {} });
    expect(root.querySelector('[data-testid="retry-set-aside"]')).toBeNull();
  });

  it('shows the details and checks a PKCS#12 password without keeping it', async () => {
    const root = await render();
    rows(root)[1].querySelector<HTMLButtonElement>('[data-testid="cert-cn"] button')!.click();
    flushSync();
    const pane = root.querySelector<HTMLElement>('[data-testid="details-pane"]')!;
    expect(pane.dataset.sha256).toBe(testCert.sha256);
    expect(pane.textContent).toContain('La clé de contrôle de l’identifiant de structure (FINESS/SIRET) est incorrecte.');
    expect(pane.textContent).toContain('/home/user/Documents/certs/teleservice.p12');

    handler = (cmd, args) => {
      if (cmd === 'check_pkcs12' && args?.password === 'right') {
        return { integrity: 'verified', certificates: 1, has_private_key: true };
      }
      throw { code: 'certs.p12_bad_password', message: 'mac mismatch' };
    };
    pane.querySelector<HTMLButtonElement>('[data-testid="pkcs12-open"]')!.click();
    flushSync();
    const input = pane.querySelector<HTMLInputElement>('[data-testid="pkcs12-password"]')!;
    input.value = 'wrong';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    pane.querySelector<HTMLButtonElement>('[data-testid="pkcs12-submit"]')!.click();
    await settle();
    expect(backend.calls.at(-1)).toEqual({
      cmd: 'check_pkcs12',
      args: { path: '/home/user/Documents/certs/teleservice.p12', password: 'wrong' },
    });
    expect(input.value).toBe('');
    expect(pane.querySelector('[data-testid="pkcs12-error"]')?.textContent).toBe(
      'Mot de passe incorrect pour ce fichier PKCS#12.',
    );

    input.value = 'right';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    pane.querySelector<HTMLButtonElement>('[data-testid="pkcs12-submit"]')!.click();
    await settle();
    expect(input.value).toBe('');
    expect(pane.querySelector('[data-testid="pkcs12-result"]')?.textContent).toContain('intégrité du fichier vérifiée');
    expect(pane.querySelector('[data-testid="pkcs12-error"]')).toBeNull();
  });

  it('shows scan progress from events while a re-scan runs', async () => {
    const root = await render();
    let finish: (value: Dashboard) => void = () => {};
    handler = (cmd) => {
      if (cmd === 'rescan') return new Promise<Dashboard>((resolve) => (finish = resolve));
      return dashboard();
    };
    root.querySelector<HTMLButtonElement>('[data-testid="scan-button"]')!.click();
    await emit('scan-started');
    await emit('scan-progress', { done: 3, total: 10, current: '/data/a.p12' });
    await settle();
    const progress = root.querySelector('[data-testid="scan-progress"]');
    expect(progress?.textContent).toContain('3 / 10 fichiers');
    expect(progress?.textContent).toContain('/data/a.p12');

    await emit('scan-finished', { files_seen: 10, files_parsed: 2, files_unchanged: 8, errors: 1 });
    finish(dashboard({ certificates: [] }));
    await settle();
    expect(root.querySelector('[data-testid="scan-progress"]')).toBeNull();
    expect(root.querySelector('[data-testid="empty-state"]')).not.toBeNull();
  });

  it('replaces the dashboard pushed after the start-up scan', async () => {
    const root = await render();
    await emit('dashboard-updated', dashboard({ certificates: [testCert], errors: [] }));
    await settle();
    expect(rows(root).map((row) => row.dataset.sha256)).toEqual([testCert.sha256]);
    expect(root.querySelector('[data-testid="errors-list"]')).toBeNull();
  });

  it('adds dropped files to the watched list', async () => {
    await render();
    await emit('tauri://drag-drop', { paths: ['/tmp/a.pem', '/tmp/certs'], position: { x: 1, y: 1 } });
    await settle();
    expect(backend.calls.at(-1)).toEqual({ cmd: 'add_watched', args: { paths: ['/tmp/a.pem', '/tmp/certs'] } });
  });

  it('saves settings with plain numbers and the current language', async () => {
    const root = await render();
    root.querySelector<HTMLButtonElement>('[data-testid="settings-button"]')!.click();
    flushSync();
    const warn = root.querySelector<HTMLInputElement>('[data-testid="settings-warn-days"]')!;
    warn.value = '60';
    warn.dispatchEvent(new Event('input', { bubbles: true }));
    const module = root.querySelector<HTMLInputElement>('[data-testid="settings-pkcs11-module"]')!;
    expect(module.value).toBe('');
    expect(module.placeholder).toContain('libcps3_pkcs11');
    root.querySelector<HTMLButtonElement>('[data-testid="settings-save"]')!.click();
    await settle();
    expect(backend.calls.at(-1)).toEqual({
      cmd: 'save_settings',
      args: {
        settings: {
          language: 'fr',
          thresholds: { warn_days: 60, crit_days: 7 },
          hide_expired_after_days: 30,
          include_os_stores: true,
          pkcs11_module: null,
          read_only: false,
          start_at_login: false,
          run_in_background: true,
          alert_days: [90, 60, 30, 7, 0],
          alert_days_by_structure: {},
        },
      },
    });
    expect(root.querySelector('[data-testid="settings-panel"]')).toBeNull();

    // A module path typed in the settings is sent trimmed.
    root.querySelector<HTMLButtonElement>('[data-testid="settings-button"]')!.click();
    flushSync();
    const again = root.querySelector<HTMLInputElement>('[data-testid="settings-pkcs11-module"]')!;
    again.value = ' /opt/cryptolib/libcps3_pkcs11_lux.so ';
    again.dispatchEvent(new Event('input', { bubbles: true }));
    root.querySelector<HTMLButtonElement>('[data-testid="settings-save"]')!.click();
    await settle();
    expect(backend.calls.at(-1)?.cmd).toBe('save_settings');
    expect((backend.calls.at(-1)?.args?.settings as { pkcs11_module: string | null }).pkcs11_module).toBe(
      '/opt/cryptolib/libcps3_pkcs11_lux.so',
    );
  });

  it('shows a translated error when a command fails', async () => {
    handler = (cmd) => {
      if (cmd === 'get_dashboard') throw { code: 'registry.database', message: 'disk I/O error' };
      throw { code: 'x', message: 'y' };
    };
    const root = await render();
    expect(root.querySelector('[data-testid="notice-banner"]')?.textContent).toContain(
      'La base de données de CertiSanté est inutilisable.',
    );
    expect(root.querySelector('[data-testid="empty-state"]')).not.toBeNull();
  });
});
