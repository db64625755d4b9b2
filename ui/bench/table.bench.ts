// @vitest-environment happy-dom
// The dashboard at group scale: 20,000 synthetic certificates, filtered and sorted as the
// table does it. Run on demand (not part of `npm test`): `npm run bench`.
// Target: a filter answers within 100 ms (the whole keystroke: filter, order, table).

import { flushSync } from 'svelte';
import { bench, describe } from 'vitest';

import type { CertificateView } from '../src/lib/bindings/CertificateView';
import {
  DEFAULT_SORT,
  indexCertificates,
  matchIndex,
  NO_FILTERS,
  normalize,
  orderedMatches,
  type CertificateIndex,
  type Filters,
  type Sort,
} from '../src/lib/filters';
import { byTestId, certRows, mockBackend, mountApp, settle, typeInto } from '../src/lib/ipc.test-support';
import { emptyDashboard, emptyReader, syntheticCertificates } from '../src/lib/test-fixtures';

const COUNT = 20_000;
const certificates = syntheticCertificates(COUNT);
const index = indexCertificates(certificates);
const all = matchIndex(index, NO_FILTERS);
// The steady state: the haystacks made by a first search, as after the first keystroke.
matchIndex(index, { ...NO_FILTERS, text: 'x' });
const filters = (overrides: Partial<Filters>): Filters => ({ ...NO_FILTERS, ...overrides });
const byName: Sort = { key: 'cn', direction: 'asc' };

/** The same certificates with nothing computed yet: what a first search or sort costs. */
function fresh(): CertificateIndex {
  return { ...index, searchable: null, orders: new Map() };
}

/** The search as it was before the index: every certificate normalised on every keystroke. */
function searchWithoutIndex(certs: readonly CertificateView[], query: string): CertificateView[] {
  const words = normalize(query).split(/\s+/).filter(Boolean);
  return certs.filter((cert) => {
    const fields = [cert.cn, cert.organization, cert.structure_id, cert.structure_number, cert.issuer, ...cert.paths, ...cert.places.map((p) => p.path)];
    const haystack = normalize(fields.filter((f): f is string => f !== null && f !== '').join('\n'));
    return words.every((word) => haystack.includes(word));
  });
}

/** The name sort as it was before: the collator on every comparison, on every change. */
function sortByNameWithoutIndex(certs: readonly CertificateView[]): CertificateView[] {
  const collator = new Intl.Collator('fr-FR', { sensitivity: 'base', numeric: true });
  return [...certs].sort((a, b) => {
    if (a.cn === b.cn) return 0;
    if (a.cn === null || a.cn === '') return 1;
    if (b.cn === null || b.cn === '') return -1;
    return collator.compare(a.cn, b.cn);
  });
}

const options = { time: 1500, warmupIterations: 3 };

describe('filter 20,000 certificates', () => {
  bench('search one word ("lyon")', () => void orderedMatches(index, matchIndex(index, filters({ text: 'lyon' })), DEFAULT_SORT), options);
  bench('search two words, accents ("hôpital insi")', () => void orderedMatches(index, matchIndex(index, filters({ text: 'hôpital insi' })), DEFAULT_SORT), options);
  bench('search, nothing found ("zzzz")', () => void orderedMatches(index, matchIndex(index, filters({ text: 'zzzz' })), DEFAULT_SORT), options);
  bench('search a fingerprint ("00003a")', () => void orderedMatches(index, matchIndex(index, filters({ text: '00003a' })), DEFAULT_SORT), options);
  bench('status expired + hide long expired', () => void orderedMatches(index, matchIndex(index, filters({ status: 'expired', hideExpiredAfterDays: 30 })), DEFAULT_SORT), options);
  bench('search "lyon", sorted by name (order cached)', () => void orderedMatches(index, matchIndex(index, filters({ text: 'lyon' })), byName, 'fr-FR'), options);
  bench('first search after a new dashboard (makes the haystacks)', () => {
    const first = fresh();
    void orderedMatches(first, matchIndex(first, filters({ text: 'lyon' })), DEFAULT_SORT);
  }, options);
  bench('index a new dashboard (positions by SHA-256)', () => void indexCertificates(certificates), options);
  bench('before the index: search "lyon" re-normalising every certificate', () => void searchWithoutIndex(certificates, 'lyon'), options);
});

describe('sort 20,000 certificates', () => {
  bench('by name, first time (collator ranks)', () => void orderedMatches(fresh(), all, byName, 'fr-FR'), options);
  bench('by structure, first time', () => void orderedMatches(fresh(), all, { key: 'structure', direction: 'asc' }, 'fr-FR'), options);
  bench('by expiry, first time', () => void orderedMatches(fresh(), all, { key: 'expiry', direction: 'desc' }, 'fr-FR'), options);
  bench('by name again (order cached)', () => void orderedMatches(index, all, byName, 'fr-FR'), options);
  bench('before the index: by name with the collator on every change', () => void sortByNameWithoutIndex(certificates), options);
});

describe('the whole screen with 20,000 certificates (happy-dom): one keystroke, table updated', () => {
  let screen: Promise<{ root: HTMLElement; search: HTMLInputElement }> | null = null;
  let root: HTMLElement;
  let search: HTMLInputElement;
  let turn = 0;

  // Bench files run no beforeAll before their benches: the app is mounted in `setup`, once.
  async function mountOnce(): Promise<void> {
    screen ??= (async () => {
      const dashboard = { ...emptyDashboard(), certificates };
      mockBackend(() => (cmd) => (cmd === 'get_dashboard' ? dashboard : cmd === 'card_status' ? emptyReader() : null));
      const mounted = await mountApp();
      await settle();
      if (certRows(mounted).length === 0) throw new Error('the table did not render');
      return { root: mounted, search: byTestId<HTMLInputElement>(mounted, 'search-input') };
    })();
    ({ root, search } = await screen);
  }

  const screenOptions = { ...options, setup: mountOnce };

  bench(
    'type a search, then clear it (filter, order, rows rendered)',
    () => {
      // Two different queries in turn, so that every iteration filters again.
      typeInto(search, turn++ % 2 === 0 ? 'saint-etienne' : '');
      flushSync();
    },
    screenOptions,
  );

  bench(
    'click "Nom" to sort (ascending, descending, back to default)',
    () => {
      root.querySelector<HTMLButtonElement>('th button.sort')!.click();
      flushSync();
    },
    screenOptions,
  );
});
