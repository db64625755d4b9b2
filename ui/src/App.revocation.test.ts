// @vitest-environment happy-dom
// Revocation on the screen: a revoked certificate is red and "Révoqué" in the table,
// counted and filtered apart; the details say what is known, its age, and a failure
// kept beside an older answer.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Dashboard } from './lib/bindings/Dashboard';
import { byTestId, choose, mockBackend, mountApp, resetApp, settle } from './lib/ipc.test-support';
import { emptyDashboard, emptyReader, makeCert } from './lib/test-fixtures';
import { unknownRevocation } from './lib/revocation';

const revoked = makeCert({
  sha256: '77'.repeat(32),
  cn: 'REVOQUE',
  status: 'revoked',
  severity: 'critical',
  days_left: 300,
  revocation: {
    ...unknownRevocation(),
    state: 'revoked',
    source: 'crl',
    revoked_at: '2026-11-12T09:30:00Z',
    reason: 'key_compromise',
    checked_at: new Date(Date.now() - 3 * 3_600_000).toISOString(),
  },
});
const keptGood = makeCert({
  sha256: '88'.repeat(32),
  cn: 'HORS-LIGNE',
  revocation: {
    ...unknownRevocation(),
    state: 'good',
    source: 'ocsp',
    checked_at: new Date(Date.now() - 2 * 86_400_000 - 3_600_000).toISOString(),
    error: { code: 'revocation.unreachable', message: 'connection refused', at: new Date().toISOString() },
    stale: true,
  },
});

let current: Dashboard;

beforeEach(() => {
  current = { ...emptyDashboard(), certificates: [revoked, keptGood] };
  mockBackend(() => (cmd) => {
    if (cmd === 'get_dashboard') return current;
    if (cmd === 'card_status') return emptyReader();
    throw { code: 'test.unexpected', message: cmd };
  });
});

afterEach(() => resetApp());

function rowOf(root: HTMLElement, sha: string): HTMLElement {
  return root.querySelector<HTMLElement>(`tr[data-sha256="${sha}"]`)!;
}

describe('revocation', () => {
  it('shows a revoked certificate as such in the table, the counts and the status filter', async () => {
    const root = await mountApp();
    const row = rowOf(root, revoked.sha256);
    expect(row.dataset.status).toBe('revoked');
    expect(byTestId(row, 'revoked-status').textContent).toBe('Révoqué');
    expect(root.querySelector('.count-revoked')?.textContent).toContain('1');
    choose(byTestId<HTMLSelectElement>(root, 'filter-status'), 'revoked');
    await settle();
    expect([...root.querySelectorAll<HTMLElement>('[data-testid="cert-row"]')].map((r) => r.dataset.sha256)).toEqual([revoked.sha256]);
  });

  it('says when and why in the details, and keeps an older answer beside a failure', async () => {
    const root = await mountApp();
    rowOf(root, revoked.sha256).querySelector<HTMLButtonElement>('button.select')!.click();
    await settle();
    expect(byTestId(root, 'revocation-answer').textContent?.trim()).toBe('Révoqué le 12 nov. 2026 — motif : compromission de la clé');

    rowOf(root, keptGood.sha256).querySelector<HTMLButtonElement>('button.select')!.click();
    await settle();
    expect(byTestId(root, 'revocation-answer').textContent?.trim()).toBe('Valide (OCSP), vérifié avant-hier');
    const problem = byTestId(root, 'revocation-problem');
    expect(problem.dataset.code).toBe('revocation.unreachable');
    expect(problem.textContent?.trim()).toBe(
      'Dernière vérification impossible (serveur injoignable) — la réponse obtenue avant-hier est conservée',
    );
  });
});

describe('checking revocation now', () => {
  it('asks the back end again and shows the new statuses (also in read-only mode)', async () => {
    const afterCheck: Dashboard = { ...current, certificates: [{ ...keptGood, status: 'revoked', severity: 'critical' }, revoked] };
    current = { ...current, read_only: { enabled: true, forced: true } };
    const backend = mockBackend(() => (cmd) => {
      if (cmd === 'get_dashboard') return current;
      if (cmd === 'check_revocation') return { ...afterCheck, read_only: current.read_only };
      throw { code: 'test.unexpected', message: cmd };
    });
    const root = await mountApp();
    expect(rowOf(root, keptGood.sha256).dataset.status).toBe('valid');
    byTestId(root, 'check-revocation-button').click();
    await settle();
    expect(backend.commands()).toContain('check_revocation');
    expect(rowOf(root, keptGood.sha256).dataset.status).toBe('revoked');
    expect(byTestId(root, 'notice-banner').textContent).toContain('Révocation vérifiée');
  });
});
