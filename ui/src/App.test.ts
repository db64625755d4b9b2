// @vitest-environment happy-dom
// Renders the whole screen outside Tauri: the product must show its empty state and
// the "no back end" banner, never mock data.

import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';

import { mountApp as render, resetApp } from './lib/ipc.test-support';

// No mockBackend(): every call fails with app.no_backend, as in a plain browser.
afterEach(() => resetApp());

describe('App without a back end', () => {
  it('shows the title, the empty state and the no-back-end banner in French', async () => {
    const root = await render();
    expect(root.querySelector('[data-testid="app-title"]')?.textContent).toBe('CertiSanté');
    expect(root.querySelector('[data-testid="empty-state"]')?.textContent).toContain('plateforme IGC-Santé');
    expect(root.querySelector('[data-testid="no-backend-banner"]')).not.toBeNull();
    expect(root.querySelector('[data-testid="scan-button"]')?.textContent).toContain('Analyser à nouveau');
    expect(root.querySelectorAll('[data-testid="cert-row"]').length).toBe(0);
    expect(root.querySelector('[data-testid="scan-progress"]')).toBeNull();
    for (const id of ['add-folder-button', 'add-file-button', 'language-select']) {
      expect(root.querySelector(`[data-testid="${id}"]`), id).not.toBeNull();
    }
  });

  it('switches to English from the language selector', async () => {
    const root = await render();
    const select = root.querySelector<HTMLSelectElement>('[data-testid="language-select"]')!;
    select.value = 'en';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    flushSync();
    expect(root.querySelector('[data-testid="scan-button"]')?.textContent).toContain('Scan again');
    expect(root.querySelector('[data-testid="empty-state"]')?.textContent).toContain('No certificates yet');
    expect(document.documentElement.lang).toBe('en');
  });

  it('opens the settings with the default thresholds', async () => {
    const root = await render();
    root.querySelector<HTMLButtonElement>('[data-testid="settings-button"]')!.click();
    flushSync();
    expect(root.querySelector<HTMLInputElement>('[data-testid="settings-warn-days"]')?.value).toBe('30');
    expect(root.querySelector<HTMLInputElement>('[data-testid="settings-crit-days"]')?.value).toBe('7');
  });
});
