// @vitest-environment happy-dom
// The Groupe view against a simulated Tauri IPC: offered when a group is configured (also
// on a read-only workstation, which does not publish), its rows windowed, the filters by
// establishment, workstation, usage, status and environment, the details asked for on
// selection (where the certificate lives), and the group settings (the password passed
// through, the dashboard read again).

import { emit } from '@tauri-apps/api/event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Dashboard } from './lib/bindings/Dashboard';
import type { GroupSettings } from './lib/bindings/GroupSettings';
import type { PublishSummary } from './lib/bindings/PublishSummary';
import { groupDetails, groupView, makeRow, syntheticRows } from './lib/group-fixtures';
import { byTestId, choose, mockBackend, mountApp, resetApp, settle, textOf, typeInto, type Backend } from './lib/ipc.test-support';
import { emptyDashboard, emptyReader } from './lib/test-fixtures';

const URL = 'postgresql://poste@pg.ght.local:5432/certisante?sslmode=verify-full';
let backend: Backend;
let current: Dashboard;
let rows = syntheticRows(3000, 60);
let refusal: { code: string; message: string } | null;

function settings(overrides: Partial<GroupSettings> = {}): GroupSettings {
  return {
    database_url: null,
    forced: false,
    workstation: null,
    default_workstation: 'pc-accueil',
    password_saved: false,
    keystore_error: null,
    backlog: { pending: 0, oldest_queued_at: null, last_attempt_at: null, last_success_at: null, last_failure: null },
    ...overrides,
  };
}

beforeEach(() => {
  current = { ...emptyDashboard(), group_database_url: URL };
  rows = syntheticRows(3000, 60);
  refusal = null;
  backend = mockBackend(() => (cmd, args) => {
    if (cmd === 'get_dashboard' || cmd === 'rescan') return current;
    if (cmd === 'card_status') return emptyReader();
    if (cmd === 'group_view') {
      if (refusal) throw refusal;
      return groupView(rows);
    }
    if (cmd === 'group_certificate') return groupDetails(rows.find((r) => r.sha256 === (args as { sha256: string }).sha256)!);
    if (cmd === 'group_settings') return settings();
    if (cmd === 'save_group_settings') {
      const a = args as { databaseUrl: string | null; workstation: string | null; password: string | null };
      current = { ...current, group_database_url: a.databaseUrl };
      return settings({ database_url: a.databaseUrl, workstation: a.workstation, password_saved: a.password !== null });
    }
    if (cmd === 'publish_group') {
      const summary: PublishSummary = {
        workstation: 'pc-accueil',
        server: URL,
        outcome: 'queued',
        sent: 0,
        removed: 0,
        pending: 3,
        certificates: 2,
        orders: 0,
        reconciled: false,
        error: { code: 'group.unreachable', message: 'down' },
        duration_ms: 12,
      };
      return summary;
    }
    throw { code: 'test.unexpected', message: cmd };
  });
});

afterEach(() => resetApp());

async function openGroup(root: HTMLElement) {
  byTestId(root, 'nav-group').click();
  await settle();
}

/** The "N sur M affiché(s)" counts, as numbers (the French format groups thousands). */
function shown(root: HTMLElement): [number, number] {
  const [count, total] = textOf(root, 'group-shown')!.replace(/[\s\u202f]/g, '').match(/\d+/g)!.map(Number);
  return [count, total];
}

function shownRows(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('[data-testid="group-row"]')];
}

describe('the Groupe view', () => {
  it('is offered only when a group is configured', async () => {
    current = emptyDashboard();
    const root = await mountApp();
    expect(root.querySelector('[data-testid="nav-group"]')).toBeNull();
    expect(backend.commands()).not.toContain('group_view');
  });

  it('shows the group windowed, and filters by establishment, workstation, usage, status and environment', async () => {
    const root = await mountApp();
    await openGroup(root);
    expect(backend.callsOf('group_view')).toHaveLength(1);
    const rendered = shownRows(root);
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.length).toBeLessThan(100);
    expect(root.querySelector('[data-testid="group-table"]')!.getAttribute('aria-rowcount')).toBe('3001');
    expect(shown(root)).toEqual([3000, 3000]);

    choose(byTestId<HTMLSelectElement>(root, 'group-filter-workstation'), 'POSTE-007');
    expect(shown(root)).toEqual([50, 3000]);
    expect(shownRows(root).every((row) => row.querySelector('[data-testid="group-workstations"]')!.textContent!.includes('POSTE-007'))).toBe(true);
    choose(byTestId<HTMLSelectElement>(root, 'group-filter-status'), 'expired');
    expect(shownRows(root).every((row) => row.dataset.status === 'expired')).toBe(true);
    byTestId(root, 'group-reset').click();
    await settle();
    choose(byTestId<HTMLSelectElement>(root, 'group-filter-establishment'), '1310000003');
    expect(shown(root)).toEqual([60, 3000]);
    choose(byTestId<HTMLSelectElement>(root, 'group-filter-usage'), 'SIGN');
    choose(byTestId<HTMLSelectElement>(root, 'group-filter-environment'), 'TEST');
    const [narrowed] = shown(root);
    expect(narrowed).toBeLessThan(60);
    expect(shownRows(root).every((row) => row.dataset.environment === 'TEST')).toBe(true);
    byTestId(root, 'group-reset').click();
    await settle();
    typeInto(byTestId<HTMLInputElement>(root, 'group-search'), 'CERT-00042');
    expect(shownRows(root).map((row) => row.querySelector('[data-testid="group-cn"]')!.textContent)).toEqual(['CERT-00042']);
  });

  it('asks for a certificate’s details when selected: every workstation and place holding it', async () => {
    rows = [makeRow({ sha256: 'cd'.repeat(32), cn: 'ROC', workstations: ['POSTE-A', 'SRV-WEB'] }), ...syntheticRows(10)];
    const root = await mountApp();
    await openGroup(root);
    byTestId(root, 'group-cn').click();
    await settle();
    expect(backend.callsOf('group_certificate').at(-1)!.args).toEqual({ sha256: 'cd'.repeat(32) });
    expect(textOf(root, 'group-details-cn')).toBe('ROC');
    const holders = [...root.querySelectorAll<HTMLElement>('[data-testid="group-holder"]')].map((h) => h.dataset.workstation);
    expect(holders).toEqual(['POSTE-A', 'SRV-WEB']);
    expect(textOf(root, 'group-holders')).toContain('/srv/SRV-WEB/dmp.p12');
  });

  it('says why the group cannot be read, and publishes on demand', async () => {
    refusal = { code: 'group.unreachable', message: 'the group database cannot be reached' };
    const root = await mountApp();
    await openGroup(root);
    expect(byTestId(root, 'group-error').dataset.code).toBe('group.unreachable');
    byTestId(root, 'group-publish').click();
    await settle();
    expect(backend.callsOf('publish_group')).toHaveLength(1);
    expect(textOf(root, 'group-published')).toBe('Base du groupe injoignable : 3 changement(s) en attente, publiés plus tard.');
  });

  it('reads the group again when a background publication sent changes', async () => {
    const root = await mountApp();
    await openGroup(root);
    await emit('group-published', { outcome: 'published', sent: 2, removed: 0, pending: 0 });
    await settle();
    expect(backend.callsOf('group_view')).toHaveLength(2);
    expect(textOf(root, 'group-published')).toBe('Publié : 2 envoyé(s), 0 retiré(s).');
  });

  it('is viewed, not published, on a read-only workstation', async () => {
    current = { ...current, read_only: { enabled: true, forced: true } };
    const root = await mountApp();
    await openGroup(root);
    expect(shownRows(root).length).toBeGreaterThan(0);
    expect(root.querySelector('[data-testid="group-publish"]')).toBeNull();
  });
});

describe('the group settings', () => {
  it('save the address and name, pass the password through, and offer the Groupe view', async () => {
    current = emptyDashboard();
    const root = await mountApp();
    byTestId(root, 'settings-button').click();
    await settle();
    expect(backend.commands()).not.toContain('group_settings');
    byTestId(root, 'group-settings-open').click();
    await settle();
    expect(backend.callsOf('group_settings')).toHaveLength(1);
    expect(byTestId<HTMLInputElement>(root, 'group-settings-workstation').placeholder).toBe('pc-accueil');
    typeInto(byTestId<HTMLInputElement>(root, 'group-settings-address'), URL);
    typeInto(byTestId<HTMLInputElement>(root, 'group-settings-workstation'), 'POSTE-ACCUEIL');
    typeInto(byTestId<HTMLInputElement>(root, 'group-settings-password'), 's3cret');
    byTestId(root, 'group-settings-save').click();
    await settle();
    expect(backend.callsOf('save_group_settings')[0].args).toEqual({ databaseUrl: URL, workstation: 'POSTE-ACCUEIL', password: 's3cret' });
    expect(byTestId<HTMLInputElement>(root, 'group-settings-password').value).toBe('');
    expect(textOf(root, 'group-settings-password-state')).toContain('Un mot de passe est enregistré');
    expect(backend.callsOf('get_dashboard').length).toBeGreaterThan(1);
    expect(root.querySelector('[data-testid="nav-group"]')).not.toBeNull();
  });
});
