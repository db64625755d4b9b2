// @vitest-environment happy-dom
// The Groupe view at group scale: 20,000 certificates of 500 workstations, filtered by
// establishment, workstation, usage, status, environment and words, as the view does it.
// Run on demand (not part of `npm test`): `npm run bench`. Target: a filter answers
// within 100 ms (the whole change: filter, order, rows rendered).

import { flushSync } from 'svelte';
import { bench, describe } from 'vitest';

import { groupView, syntheticRows } from '../src/lib/group-fixtures';
import { DEFAULT_GROUP_SORT, indexGroupRows, matchGroupRows, NO_GROUP_FILTERS, orderedGroupRows, type GroupFilters } from '../src/lib/groupFilters';
import { byTestId, choose, mockBackend, mountApp, settle, typeInto } from '../src/lib/ipc.test-support';
import { emptyDashboard, emptyReader } from '../src/lib/test-fixtures';

const COUNT = 20_000;
const rows = syntheticRows(COUNT, 500);
const index = indexGroupRows(rows);
matchGroupRows(index, { ...NO_GROUP_FILTERS, text: 'x' });
const filters = (overrides: Partial<GroupFilters>): GroupFilters => ({ ...NO_GROUP_FILTERS, ...overrides });
const options = { time: 1500, warmupIterations: 3 };

describe('filter the 20,000 certificates of a group', () => {
  bench('one workstation', () => void orderedGroupRows(index, matchGroupRows(index, filters({ workstation: 'POSTE-123' })), DEFAULT_GROUP_SORT), options);
  bench('one establishment + status expiring', () => void orderedGroupRows(index, matchGroupRows(index, filters({ establishment: '1310000007', status: 'expiring' })), DEFAULT_GROUP_SORT), options);
  bench('usage SIGN + environment PROD', () => void orderedGroupRows(index, matchGroupRows(index, filters({ usage: 'SIGN', environment: 'PROD' })), DEFAULT_GROUP_SORT), options);
  bench('search two words ("cert-01 poste-01")', () => void orderedGroupRows(index, matchGroupRows(index, filters({ text: 'cert-01 poste-01' })), DEFAULT_GROUP_SORT), options);
  bench('sort by workstations, first time', () => void orderedGroupRows({ ...index, orders: new Map() }, matchGroupRows(index, NO_GROUP_FILTERS), { key: 'workstations', direction: 'asc' }, 'fr-FR'), options);
});

describe('the Groupe view with 20,000 certificates (happy-dom): one change, table updated', () => {
  let screen: Promise<HTMLElement> | null = null;
  let root: HTMLElement;
  let turn = 0;

  async function mountOnce(): Promise<void> {
    screen ??= (async () => {
      const dashboard = { ...emptyDashboard(), group_database_url: 'postgresql://bench@localhost/bench' };
      const view = groupView(rows);
      mockBackend(() => (cmd) => (cmd === 'get_dashboard' ? dashboard : cmd === 'card_status' ? emptyReader() : cmd === 'group_view' ? view : null));
      const mounted = await mountApp();
      byTestId(mounted, 'nav-group').click();
      await settle();
      if (mounted.querySelectorAll('[data-testid="group-row"]').length === 0) throw new Error('the table did not render');
      return mounted;
    })();
    root = await screen;
  }

  const screenOptions = { ...options, setup: mountOnce };

  bench(
    'choose a workstation, then all of them again',
    () => {
      choose(byTestId<HTMLSelectElement>(root, 'group-filter-workstation'), turn++ % 2 === 0 ? 'POSTE-042' : 'all');
      flushSync();
    },
    screenOptions,
  );

  bench(
    'type a search, then clear it',
    () => {
      typeInto(byTestId<HTMLInputElement>(root, 'group-search'), turn++ % 2 === 0 ? 'hospitalier 7' : '');
      flushSync();
    },
    screenOptions,
  );
});
