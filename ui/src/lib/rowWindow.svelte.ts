// The rows a long table renders: only those on screen, and a few more (20,000
// certificates would hold hundreds of megabytes of DOM). Every row has the same height, so
// a row's place is computed and spacer rows stand for the others. Shared by the dashboard's
// table and the Groupe view's: the component binds `viewport` and `head`, renders
// `range.start`..`range.end`, and hands scroll and keyboard events here.

import { flushSync } from 'svelte';

/** The rows' fixed height (CSS --row-height). */
export const ROW_HEIGHT_REM = 3.3;
/** Rows rendered beyond each edge of the viewport, so that scrolling shows no gap. */
const OVERSCAN = 8;
/** Before layout (or without one), the viewport counts as this many rows high. */
const ROWS_WITHOUT_LAYOUT = 20;

export class RowWindow {
  viewport = $state<HTMLElement | undefined>();
  head = $state<HTMLElement | undefined>();
  scrollTop = $state(0);
  rowHeight = $state(ROW_HEIGHT_REM * 16);
  #viewportHeight = $state(0);
  #headHeight = $state(0);

  constructor(count: () => number) {
    this.#count = count;
  }
  /** How many rows the table has now (read reactively). */
  readonly #count: () => number;

  readonly #pageHeight = $derived(this.#viewportHeight > 0 ? this.#viewportHeight : ROWS_WITHOUT_LAYOUT * this.rowHeight);
  /** Rows a viewport holds below the sticky header. */
  readonly pageRows = $derived(Math.max(1, Math.floor((this.#pageHeight - this.#headHeight) / this.rowHeight)));
  /** The rows to render: [start, end). */
  readonly range = $derived.by(() => {
    const total = this.#count();
    const first = Math.min(total, Math.floor(Math.max(0, this.scrollTop) / this.rowHeight));
    return {
      start: Math.max(0, first - OVERSCAN),
      end: Math.min(total, first + Math.ceil(this.#pageHeight / this.rowHeight) + 1 + OVERSCAN),
    };
  });
  /** Heights of the spacer rows above and below the rendered ones, in pixels. */
  readonly above = $derived(this.range.start * this.rowHeight);
  readonly below = $derived.by(() => (this.#count() - this.range.end) * this.rowHeight);

  measure() {
    const viewport = this.viewport;
    if (viewport === undefined) return;
    this.#viewportHeight = viewport.clientHeight;
    this.#headHeight = this.head?.offsetHeight ?? 0;
    const row = viewport.querySelector<HTMLElement>('tr.row');
    const fontSize = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    this.rowHeight = row !== null && row.offsetHeight > 0 ? row.offsetHeight : ROW_HEIGHT_REM * fontSize;
    this.scrollTop = viewport.scrollTop;
  }

  /** For onMount: measures now and whenever the viewport is resized; returns the cleanup. */
  observe(): (() => void) | undefined {
    this.measure();
    if (typeof ResizeObserver === 'undefined' || this.viewport === undefined) return undefined;
    const observer = new ResizeObserver(() => this.measure());
    observer.observe(this.viewport);
    return () => observer.disconnect();
  }

  readonly onScroll = () => {
    if (this.viewport !== undefined) this.scrollTop = this.viewport.scrollTop;
  };

  /** Back to the first rows when the table now ends above the scroll position (a filter). */
  keepInRows() {
    const viewport = this.viewport;
    if (viewport !== undefined && viewport.scrollTop > this.#count() * this.rowHeight) {
      viewport.scrollTop = 0;
      this.scrollTop = 0;
    }
  }

  /** Scrolls the table (not the page) so that row `index` shows whole below the header. */
  scrollToIndex(index: number) {
    const viewport = this.viewport;
    if (viewport === undefined) return;
    const top = index * this.rowHeight;
    const bottom = top + this.rowHeight;
    const visible = this.#pageHeight - this.#headHeight;
    let next = viewport.scrollTop;
    if (top < next) next = top;
    else if (bottom > next + visible) next = bottom - visible;
    if (next !== viewport.scrollTop) viewport.scrollTop = next;
    // The scroll event comes later; the slice must hold the row now.
    this.scrollTop = next;
  }

  rowAt(index: number): HTMLElement | null {
    return this.viewport?.querySelector<HTMLElement>(`tr[data-index="${index}"]`) ?? null;
  }

  /** Scrolls to row `index`, renders it, and gives its select button the keyboard focus. */
  focusRow(index: number) {
    this.scrollToIndex(index);
    flushSync();
    this.rowAt(index)?.querySelector<HTMLButtonElement>('button.select')?.focus();
  }

  /** A key on row `index`'s button moves like a list: arrows, page up and down, home, end. */
  onRowKeydown(event: KeyboardEvent, index: number) {
    const target = this.#targetIndex(event.key, index);
    if (target === null) return;
    event.preventDefault();
    this.focusRow(Math.max(0, Math.min(this.#count() - 1, target)));
  }

  #targetIndex(key: string, index: number): number | null {
    switch (key) {
      case 'ArrowDown':
        return index + 1;
      case 'ArrowUp':
        return index - 1;
      case 'PageDown':
        return index + this.pageRows;
      case 'PageUp':
        return index - this.pageRows;
      case 'Home':
        return 0;
      case 'End':
        return this.#count() - 1;
      default:
        return null;
    }
  }
}
