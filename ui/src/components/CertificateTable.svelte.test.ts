// @vitest-environment happy-dom
// The certificate table at group scale: only the rows on screen are in the DOM, scrolling
// moves the slice, and a selected row, the keyboard's target, shows however far down.

import { flushSync, mount, unmount } from 'svelte';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { CertificateView } from '../lib/bindings/CertificateView';
import { DEFAULT_SORT, type Sort } from '../lib/filters';
import { certRows } from '../lib/ipc.test-support';
import { syntheticCertificates } from '../lib/test-fixtures';
import CertificateTable from './CertificateTable.svelte';

const COUNT = 20_000;
const certificates = syntheticCertificates(COUNT);
/** happy-dom lays nothing out: the viewport is given a height, rows their rem height. */
const VIEWPORT_HEIGHT = 600;
const ROW_HEIGHT = 3.3 * 16;
const ON_SCREEN = Math.ceil(VIEWPORT_HEIGHT / ROW_HEIGHT);

const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.dataset.testid === 'cert-table-viewport' ? VIEWPORT_HEIGHT : 0;
    },
  });
});

afterAll(() => {
  if (original) Object.defineProperty(HTMLElement.prototype, 'clientHeight', original);
  else delete (HTMLElement.prototype as { clientHeight?: number }).clientHeight;
});

let component: Record<string, unknown> | null = null;

afterEach(() => {
  if (component) unmount(component);
  component = null;
  document.body.innerHTML = '';
});

function render(initial: readonly CertificateView[] = certificates) {
  // Raw: the app hands the table a derived list, never a deep proxy of 20,000 objects.
  let list = $state.raw(initial);
  let selectedSha = $state<string | null>(null);
  let revealRequest = $state(0);
  const props = {
    get certificates() {
      return list;
    },
    set certificates(next: readonly CertificateView[]) {
      list = next;
    },
    get selectedSha() {
      return selectedSha;
    },
    set selectedSha(next: string | null) {
      selectedSha = next;
    },
    get revealRequest() {
      return revealRequest;
    },
    set revealRequest(next: number) {
      revealRequest = next;
    },
    sort: DEFAULT_SORT as Sort,
    onSelect: (sha256: string) => (selectedSha = selectedSha === sha256 ? null : sha256),
    onSort: () => {},
  };
  const target = document.body.appendChild(document.createElement('div'));
  component = mount(CertificateTable, { target, props });
  flushSync();
  const viewport = target.querySelector<HTMLElement>('[data-testid="cert-table-viewport"]')!;
  return { props, target, viewport };
}

function indexes(root: ParentNode): number[] {
  return certRows(root).map((row) => Number(row.dataset.index));
}

function scrollTo(viewport: HTMLElement, top: number) {
  viewport.scrollTop = top;
  viewport.dispatchEvent(new Event('scroll'));
  flushSync();
}

/** True when row `index` shows whole in the viewport. */
function onScreen(viewport: HTMLElement, index: number): boolean {
  const top = index * ROW_HEIGHT;
  return top >= viewport.scrollTop && top + ROW_HEIGHT <= viewport.scrollTop + VIEWPORT_HEIGHT;
}

describe('the certificate table at group scale', () => {
  it('renders only the rows on screen (and a few more) of 20,000, as a table of 20,001 rows', () => {
    const { target } = render();
    const rows = certRows(target);
    expect(rows.length).toBeGreaterThanOrEqual(ON_SCREEN);
    expect(rows.length).toBeLessThanOrEqual(ON_SCREEN + 20);
    expect(indexes(target)[0]).toBe(0);
    const table = target.querySelector('table')!;
    expect(table.getAttribute('aria-rowcount')).toBe(String(COUNT + 1));
    expect(target.querySelector('thead tr')!.getAttribute('aria-rowindex')).toBe('1');
    expect(rows.map((row) => Number(row.getAttribute('aria-rowindex')))).toEqual(rows.map((_, i) => i + 2));
    // The rows not rendered keep their room, so the scroll bar is the whole list's.
    const below = target.querySelector<HTMLElement>('[data-testid="rows-below"] td')!;
    expect(parseFloat(below.style.height)).toBeCloseTo((COUNT - rows.length) * ROW_HEIGHT, 0);
    expect(target.querySelector('[data-testid="rows-above"]')).toBeNull();
  });

  it('changes the rendered slice as the table scrolls', () => {
    const { target, viewport } = render();
    scrollTo(viewport, 10_000 * ROW_HEIGHT);
    const shown = indexes(target);
    expect(shown).toContain(10_000);
    expect(shown).toContain(10_000 + ON_SCREEN - 1);
    expect(shown.length).toBeLessThanOrEqual(ON_SCREEN + 20);
    expect(shown[0]).toBeGreaterThan(9_950);
    const row = target.querySelector<HTMLElement>('tr[data-index="10000"]')!;
    expect(row.dataset.sha256).toBe(certificates[10_000].sha256);
    expect(row.getAttribute('aria-rowindex')).toBe('10002');
    const above = target.querySelector<HTMLElement>('[data-testid="rows-above"] td')!;
    expect(parseFloat(above.style.height)).toBeCloseTo(shown[0] * ROW_HEIGHT, 0);

    scrollTo(viewport, (COUNT - 5) * ROW_HEIGHT);
    expect(indexes(target).at(-1)).toBe(COUNT - 1);
    expect(target.querySelector('[data-testid="rows-below"]')).toBeNull();
  });

  it('scrolls a row selected far down into view (a notification opened it)', () => {
    const { props, target, viewport } = render();
    props.selectedSha = certificates[15_000].sha256;
    flushSync();
    const row = target.querySelector<HTMLElement>(`tr[data-sha256="${certificates[15_000].sha256}"]`);
    expect(row?.classList.contains('selected')).toBe(true);
    expect(onScreen(viewport, 15_000)).toBe(true);

    // Scrolled away, then asked again: it comes back.
    scrollTo(viewport, 0);
    expect(target.querySelector('tr[data-index="15000"]')).toBeNull();
    props.revealRequest += 1;
    flushSync();
    expect(target.querySelector('tr[data-index="15000"]')?.classList.contains('selected')).toBe(true);
    expect(onScreen(viewport, 15_000)).toBe(true);
  });

  it('moves the keyboard focus to rows not rendered yet (arrows, page down, end, home)', () => {
    const { target, viewport } = render();
    const focused = () => Number(document.activeElement?.closest<HTMLElement>('tr')?.dataset.index);
    const press = (key: string) => {
      document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
      flushSync();
    };
    target.querySelector<HTMLButtonElement>('tr[data-index="0"] button.select')!.focus();
    press('ArrowDown');
    expect(focused()).toBe(1);
    press('End');
    expect(focused()).toBe(COUNT - 1);
    expect(onScreen(viewport, COUNT - 1)).toBe(true);
    press('ArrowUp');
    expect(focused()).toBe(COUNT - 2);
    press('Home');
    expect(focused()).toBe(0);
    expect(viewport.scrollTop).toBe(0);
    press('PageDown');
    expect(focused()).toBeGreaterThanOrEqual(ON_SCREEN - 2);
    expect(onScreen(viewport, focused())).toBe(true);
    // Enter or a click on the focused row's button selects it.
    document.activeElement!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    flushSync();
    expect(target.querySelector(`tr[data-index="${focused()}"]`)?.classList.contains('selected')).toBe(true);
  });

  it('renders a new list (a filter, a sort) by its window only', () => {
    const { props, target } = render();
    props.certificates = certificates.filter((_, i) => i % 3 === 0);
    flushSync();
    expect(certRows(target).length).toBeLessThanOrEqual(ON_SCREEN + 20);
    expect(target.querySelector('table')!.getAttribute('aria-rowcount')).toBe(String(Math.ceil(COUNT / 3) + 1));
    props.certificates = [...props.certificates].reverse();
    flushSync();
    expect(certRows(target)[0].dataset.sha256).toBe(props.certificates[0].sha256);
  });
});
