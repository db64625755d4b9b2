// The whole app against a simulated Tauri IPC (Tauri's own test mocks), for component
// tests. Test support only: the architecture test lets files named *.test-support.ts use
// @tauri-apps/api/mocks; the application talks through lib/api.ts.

import { clearMocks, mockIPC, mockWindows } from '@tauri-apps/api/mocks';
import { flushSync, mount, unmount } from 'svelte';

import App from '../App.svelte';

export type IpcCall = { cmd: string; args: Record<string, unknown> | undefined };
export type IpcHandler = (cmd: string, args: Record<string, unknown> | undefined) => unknown;

export interface Backend {
  /** Every command the UI invoked, in order (event plumbing included). */
  calls: IpcCall[];
  /** The commands invoked, without Tauri's event plumbing. */
  commands(): string[];
  /** The calls of one command. */
  callsOf(cmd: string): IpcCall[];
}

let mounted: Record<string, unknown> | null = null;

/** Answers every invoke with `handle` (read at each call, so a test may swap it). */
export function mockBackend(handle: () => IpcHandler): Backend {
  const calls: IpcCall[] = [];
  mockWindows('main');
  mockIPC(
    (cmd, args) => {
      const a = args as Record<string, unknown> | undefined;
      calls.push({ cmd, args: a });
      if (cmd.startsWith('plugin:event|')) return undefined;
      return handle()(cmd, a);
    },
    { shouldMockEvents: true },
  );
  return {
    calls,
    commands: () => calls.map((c) => c.cmd).filter((c) => !c.startsWith('plugin:event|')),
    callsOf: (cmd) => calls.filter((c) => c.cmd === cmd),
  };
}

/** Lets pending promises and Svelte's updates run. */
export async function settle(rounds = 5) {
  for (let i = 0; i < rounds; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    flushSync();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function mountApp(): Promise<HTMLElement> {
  const target = document.createElement('div');
  document.body.appendChild(target);
  mounted = mount(App, { target });
  await settle();
  return target;
}

export function resetApp() {
  if (mounted) unmount(mounted);
  mounted = null;
  document.body.innerHTML = '';
  clearMocks();
}

/** What a fake back end answers to a command a test did not expect. */
export function unexpected(cmd: string): never {
  throw { code: 'test.unexpected', message: cmd };
}

/** The dashboard's table rows in the DOM (the ones rendered: the table is windowed). */
export function certRows(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('[data-testid="cert-row"]')];
}

/** The text of the first element with this test id, blanks collapsed; undefined when absent. */
export function textOf(root: ParentNode, testid: string): string | undefined {
  return root.querySelector(`[data-testid="${testid}"]`)?.textContent?.replace(/\s+/g, ' ').trim();
}

export function byTestId<T extends HTMLElement = HTMLElement>(root: ParentNode, id: string): T {
  const found = root.querySelector<T>(`[data-testid="${id}"]`);
  if (found === null) throw new Error(`no [data-testid="${id}"]`);
  return found;
}

/** Opens one certificate's details from its row, as a click on its name does. */
export async function openDetails(root: HTMLElement, sha256: string): Promise<HTMLElement> {
  const row = certRows(root).find((r) => r.dataset.sha256 === sha256);
  if (row === undefined) throw new Error(`no row ${sha256}`);
  byTestId(row, 'cert-cn').querySelector('button')!.click();
  await settle();
  return byTestId(root, 'details-pane');
}

/** Types into a field as a user would (one input event). */
export function typeInto(field: HTMLInputElement | HTMLTextAreaElement, value: string) {
  field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
}

export function choose(field: HTMLSelectElement | HTMLInputElement, value?: string) {
  if (field instanceof HTMLInputElement) field.checked = true;
  else if (value !== undefined) field.value = value;
  field.dispatchEvent(new Event('change', { bubbles: true }));
  flushSync();
}

/** Shows one of the app's views, as its tab in the navigation does. */
export async function switchTo(root: HTMLElement, view: 'orders' | 'guide' | 'dashboard' | 'group') {
  byTestId(root, `nav-${view}`).click();
  await settle();
}

/** Opens the new request wizard from the orders view. */
export async function openWizard(root: HTMLElement): Promise<HTMLElement> {
  await switchTo(root, 'orders');
  byTestId(root, 'orders-new').click();
  await settle();
  return byTestId(root, 'order-wizard');
}

/** The wizard's route: the key pair made here (the CSR path) or on the platform. */
export async function chooseRoute(wizard: HTMLElement, route: 'local_key' | 'platform_key') {
  wizard.querySelector<HTMLButtonElement>(`[data-testid="wizard-route"][data-route="${route}"]`)!.click();
  await settle();
}

/** Waits past the wizard's debounce, then lets the answers render. */
export async function validated() {
  await sleep(300);
  await settle();
}
