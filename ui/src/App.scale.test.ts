// @vitest-environment happy-dom
// The whole screen with a group's worth of certificates: the table keeps only a window of
// rows in the DOM, and a certificate opened from a notification far down the list shows,
// selected, with its details.

import { emit } from '@tauri-apps/api/event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Dashboard } from './lib/bindings/Dashboard';
import { byTestId, certRows, mockBackend, mountApp, resetApp, settle, typeInto, unexpected } from './lib/ipc.test-support';
import { emptyDashboard, emptyReader, syntheticCertificates } from './lib/test-fixtures';

const certificates = syntheticCertificates(5000);
let current: Dashboard;

beforeEach(() => {
  current = { ...emptyDashboard(), certificates };
  mockBackend(() => (cmd) => {
    if (cmd === 'get_dashboard') return current;
    if (cmd === 'card_status') return emptyReader();
    return unexpected(cmd);
  });
});

afterEach(() => resetApp());

describe('a group of establishments (5,000 certificates)', () => {
  it('keeps a window of rows in the DOM and counts them all', async () => {
    const root = await mountApp();
    expect(certRows(root).length).toBeLessThan(60);
    expect(root.querySelector('[data-testid="cert-table"]')?.getAttribute('aria-rowcount')).toBe('5001');
  });

  it('opens a certificate far down the list from a notification: its row shows, selected', async () => {
    const root = await mountApp();
    const far = certificates[4990];
    await emit('open-certificate', far.sha256);
    await settle();
    expect(byTestId(root, 'details-pane').getAttribute('data-sha256')).toBe(far.sha256);
    const row = root.querySelector<HTMLElement>(`tr[data-sha256="${far.sha256}"]`);
    expect(row?.classList.contains('selected')).toBe(true);
    expect(row?.getAttribute('aria-rowindex')).toBe('4992');
    expect(certRows(root).length).toBeLessThan(60);
  });

  it('finds a certificate by its name among all, and gives the focus back to its row', async () => {
    const root = await mountApp();
    const far = certificates[4321];
    typeInto(byTestId<HTMLInputElement>(root, 'search-input'), far.cn!);
    await settle();
    expect(certRows(root).map((row) => row.dataset.sha256)).toEqual([far.sha256]);
    certRows(root)[0].querySelector<HTMLButtonElement>('button.select')!.click();
    await settle();
    typeInto(byTestId<HTMLInputElement>(root, 'search-input'), '');
    await settle();
    // The filter is gone: the selected row is far down again, and closing the details
    // brings it into view with the focus.
    byTestId(root, 'details-pane').querySelector<HTMLButtonElement>('button.close')!.click();
    await settle();
    expect(document.activeElement?.closest('tr')?.getAttribute('data-sha256')).toBe(far.sha256);
  });
});
