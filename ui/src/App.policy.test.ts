// @vitest-environment happy-dom
// Settings forced by the computer's policy (a GPO's HKLM\Software\Policies\CertiSante,
// /etc/certisante/policy.json): shown disabled, « imposé par la stratégie de l'ordinateur »,
// and what is sent back leaves them as they are (the back end refuses a change anyway).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Dashboard } from './lib/bindings/Dashboard';
import { byTestId, mockBackend, mountApp, resetApp, settle, typeInto, type Backend } from './lib/ipc.test-support';
import { emptyDashboard, emptyReader } from './lib/test-fixtures';

const FORCED = 'Imposé par la stratégie de l’ordinateur';

function forcedDashboard(): Dashboard {
  const base = emptyDashboard();
  return {
    ...base,
    settings: { ...base.settings, alert_days: [90, 30, 7], pkcs11_module: 'C:\\Windows\\System32\\cps3_pkcs11_w64.dll' },
    watched: [{ path: 'C:\\Certificats', kind: 'folder', added_at: '2026-01-05T08:00:00Z', present: true }],
    policy: {
      source: 'HKLM\\Software\\Policies\\CertiSante',
      forced: ['watched_paths', 'alert_days', 'pkcs11_module'],
      values: { WatchedPaths: ['C:\\Certificats'], AlertDays: [90, 30, 7], Pkcs11Module: 'C:\\Windows\\System32\\cps3_pkcs11_w64.dll' },
      error: null,
    },
  };
}

let backend: Backend;
let current: Dashboard;

beforeEach(() => {
  current = forcedDashboard();
  backend = mockBackend(() => (cmd) => {
    if (cmd === 'get_dashboard' || cmd === 'rescan' || cmd === 'save_settings') return current;
    if (cmd === 'card_status') return emptyReader();
    throw { code: 'test.unexpected', message: cmd };
  });
});

afterEach(() => resetApp());

describe('settings forced by the computer’s policy', () => {
  it('shows them disabled with the reason, and sends them back unchanged', async () => {
    const root = await mountApp();
    byTestId(root, 'settings-button').click();
    await settle();
    const days = byTestId<HTMLInputElement>(root, 'settings-alert-days');
    expect(days.disabled).toBe(true);
    expect(days.value).toBe('90, 30, 7');
    expect(byTestId(root, 'settings-alert-days-hint').textContent?.trim()).toBe(FORCED);
    const module = byTestId<HTMLInputElement>(root, 'settings-pkcs11-module');
    expect(module.disabled).toBe(true);
    expect(byTestId(root, 'settings-pkcs11-module-hint').textContent).toContain(FORCED);
    // Not forced: still the user's.
    expect(byTestId<HTMLInputElement>(root, 'settings-read-only').disabled).toBe(false);
    typeInto(byTestId(root, 'settings-warn-days'), '45');
    byTestId(root, 'settings-save').click();
    await settle();
    const sent = backend.callsOf('save_settings')[0].args?.settings as { alert_days: number[]; pkcs11_module: string; thresholds: { warn_days: number } };
    expect(sent.alert_days).toEqual([90, 30, 7]);
    expect(sent.pkcs11_module).toBe('C:\\Windows\\System32\\cps3_pkcs11_w64.dll');
    expect(sent.thresholds.warn_days).toBe(45);
  });

  it('forced watched folders: listed, with no way to add or remove one', async () => {
    const root = await mountApp();
    expect(byTestId(root, 'watched-forced').textContent).toContain(FORCED);
    expect(root.querySelector('[data-testid="watched-remove"]')).toBeNull();
    expect(byTestId<HTMLButtonElement>(root, 'add-folder-button').disabled).toBe(true);
    expect(byTestId<HTMLButtonElement>(root, 'add-file-button').disabled).toBe(true);
  });

  it('read-only forced by the policy says so', async () => {
    current = { ...forcedDashboard(), read_only: { enabled: true, forced: true } };
    current.policy = { ...current.policy, forced: ['read_only'], values: { ReadOnly: true } };
    const root = await mountApp();
    byTestId(root, 'settings-button').click();
    await settle();
    const box = byTestId<HTMLInputElement>(root, 'settings-read-only');
    expect(box.disabled && box.checked).toBe(true);
    expect(byTestId(root, 'settings-read-only-hint').textContent?.trim()).toBe(FORCED);
  });
});
