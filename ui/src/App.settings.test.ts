// @vitest-environment happy-dom
// The settings of issue 5 against a simulated Tauri IPC: alert days (global and per
// establishment), start at login, keep running in the notification area.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Dashboard } from './lib/bindings/Dashboard';
import type { Settings } from './lib/bindings/Settings';
import { byTestId, choose, mockBackend, mountApp, resetApp, settle, typeInto, type Backend } from './lib/ipc.test-support';
import { emptyDashboard, emptyReader } from './lib/test-fixtures';

let backend: Backend;
let current: Dashboard;
let refusal: { code: string; message: string } | null;

beforeEach(() => {
  current = emptyDashboard();
  refusal = null;
  backend = mockBackend(() => (cmd, args) => {
    if (cmd === 'get_dashboard' || cmd === 'rescan') return current;
    if (cmd === 'card_status') return emptyReader();
    if (cmd === 'save_settings') {
      if (refusal) throw refusal;
      current = { ...current, settings: (args as { settings: Settings }).settings };
      return current;
    }
    throw { code: 'test.unexpected', message: cmd };
  });
});

afterEach(() => resetApp());

async function openSettings(root: HTMLElement) {
  byTestId(root, 'settings-button').click();
  await settle();
}

function saved(): Settings {
  return backend.callsOf('save_settings').at(-1)!.args!.settings as Settings;
}

describe('settings: alerts and the notification area', () => {
  it('saves the alert days, an establishment’s own days, and the background options', async () => {
    const root = await mountApp();
    await openSettings(root);
    const days = byTestId<HTMLInputElement>(root, 'settings-alert-days');
    expect(days.value).toBe('90, 60, 30, 7, 0');
    expect(days.placeholder).toBe('90, 60, 30, 7, 0');
    typeInto(days, '60, 15, 0');
    byTestId(root, 'settings-override-add').click();
    await settle();
    const [structure] = root.querySelectorAll<HTMLInputElement>('[data-testid="settings-override-structure"]');
    expect(document.activeElement).toBe(structure);
    typeInto(structure, '10B0123456');
    typeInto(root.querySelector<HTMLInputElement>('[data-testid="settings-override-days"]')!, '');
    expect(root.querySelector('[data-testid="settings-override-days"]')!.getAttribute('aria-label')).toBe(
      'Jours d’alerte pour 10B0123456',
    );
    const login = byTestId<HTMLInputElement>(root, 'settings-start-at-login');
    login.checked = true;
    choose(login);
    byTestId(root, 'settings-save').click();
    await settle();
    expect(saved()).toMatchObject({
      alert_days: [60, 15, 0],
      alert_days_by_structure: { '10B0123456': [] },
      start_at_login: true,
      run_in_background: true,
      read_only: false,
    });

    // Opened again: what was saved, and an establishment can be removed.
    await openSettings(root);
    expect(byTestId<HTMLInputElement>(root, 'settings-override-structure').value).toBe('10B0123456');
    byTestId(root, 'settings-override-remove').click();
    await settle();
    expect(root.querySelector('[data-testid="settings-override"]')).toBeNull();
    byTestId(root, 'settings-save').click();
    await settle();
    expect(saved().alert_days_by_structure).toEqual({});
  });

  it('says what is wrong before sending, and shows the back end’s refusal by code', async () => {
    const root = await mountApp();
    await openSettings(root);
    typeInto(byTestId<HTMLInputElement>(root, 'settings-alert-days'), '90, 5000');
    byTestId(root, 'settings-save').click();
    await settle();
    expect(backend.callsOf('save_settings')).toEqual([]);
    expect(root.querySelector('[data-testid="settings-panel"] [role="alert"]')?.textContent).toContain('de 0 à 3650');

    typeInto(byTestId<HTMLInputElement>(root, 'settings-alert-days'), '90');
    refusal = { code: 'alerts.days_out_of_range', message: 'alert day 90 out of range' };
    byTestId(root, 'settings-save').click();
    await settle();
    expect(byTestId(root, 'notice-banner').querySelector('[data-code]')?.getAttribute('data-code')).toBe('alerts.days_out_of_range');
  });
});
