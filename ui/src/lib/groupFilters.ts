// Search, filters and sorting of the Groupe view's rows (pure): by establishment,
// workstation, usage, status and environment, and words in the names. Built like the
// dashboard's (filters.ts) for 20,000 certificates: an index per answer of the back end,
// haystacks made on the first text search, a filter answered in one pass as a mask, sort
// orders computed once per key and kept.

import type { GroupRow } from './bindings/GroupRow';
import type { Status } from './bindings/Status';
import {
  normalize,
  parseEnvironmentFilter,
  parseStatusFilter,
  parseUsageFilter,
  tokenize,
  type EnvironmentFilter,
  type SortDirection,
  type StatusFilter,
  type UsageFilter,
} from './filters';

export { parseEnvironmentFilter, parseStatusFilter, parseUsageFilter };

/** 'all', or one value. */
export type Choice = 'all' | string;

export interface GroupFilters {
  text: string;
  /** A structure id (FINESS, SIRET...). */
  establishment: Choice;
  /** A workstation's name. */
  workstation: Choice;
  usage: UsageFilter;
  status: StatusFilter;
  environment: EnvironmentFilter;
}

export const NO_GROUP_FILTERS: GroupFilters = {
  text: '',
  establishment: 'all',
  workstation: 'all',
  usage: 'all',
  status: 'all',
  environment: 'all',
};

export function isFilteringGroup(filters: GroupFilters): boolean {
  return (
    filters.text.trim() !== '' ||
    filters.establishment !== 'all' ||
    filters.workstation !== 'all' ||
    filters.usage !== 'all' ||
    filters.status !== 'all' ||
    filters.environment !== 'all'
  );
}

export type GroupSortKey = 'default' | 'cn' | 'structure' | 'expiry' | 'workstations';
export interface GroupSort {
  key: GroupSortKey;
  direction: SortDirection;
}

export const DEFAULT_GROUP_SORT: GroupSort = { key: 'default', direction: 'asc' };

/** Ascending, descending, then back to the back end's order (soonest end first). */
export function nextGroupSort(current: GroupSort, key: Exclude<GroupSortKey, 'default'>): GroupSort {
  if (current.key !== key) return { key, direction: 'asc' };
  if (current.direction === 'asc') return { key, direction: 'desc' };
  return DEFAULT_GROUP_SORT;
}

/** The rows of one answer, prepared for search and sorting. */
export interface GroupIndex {
  readonly rows: readonly GroupRow[];
  readonly positions: ReadonlyMap<string, number>;
  /** Normalised names, made on the first text search. */
  haystacks: readonly string[] | null;
  readonly orders: Map<string, Int32Array>;
}

export function indexGroupRows(rows: readonly GroupRow[]): GroupIndex {
  return { rows, positions: new Map(rows.map((row, position) => [row.sha256, position])), haystacks: null, orders: new Map() };
}

function haystack(row: GroupRow): string {
  const fields = [row.cn, row.organization, row.structure_id, row.structure_number, row.sha256, ...row.workstations];
  return normalize(fields.filter((field): field is string => field !== null && field !== '').join('\n'));
}

function passes(row: GroupRow, filters: GroupFilters): boolean {
  if (filters.status !== 'all' && row.status !== filters.status) return false;
  if (filters.environment !== 'all' && row.environment !== filters.environment) return false;
  if (filters.usage === 'none' && row.usage !== null) return false;
  if (filters.usage !== 'all' && filters.usage !== 'none' && row.usage !== filters.usage) return false;
  if (filters.establishment !== 'all' && row.structure_id !== filters.establishment) return false;
  if (filters.workstation !== 'all' && !row.workstations.includes(filters.workstation)) return false;
  return true;
}

export interface GroupMatch {
  readonly mask: Uint8Array;
  readonly count: number;
}

/** The rows passing the filters, as a mask over the index's positions (one pass). */
export function matchGroupRows(index: GroupIndex, filters: GroupFilters): GroupMatch {
  const words = tokenize(filters.text);
  const rows = index.rows;
  const haystacks = words.length === 0 ? [] : (index.haystacks ??= rows.map(haystack));
  const mask = new Uint8Array(rows.length);
  let count = 0;
  for (let position = 0; position < rows.length; position++) {
    if (passes(rows[position], filters) && (words.length === 0 || words.every((word) => haystacks[position].includes(word)))) {
      mask[position] = 1;
      count += 1;
    }
  }
  return { mask, count };
}

function textKey(row: GroupRow, key: GroupSortKey): string | null {
  switch (key) {
    case 'cn':
      return row.cn;
    case 'structure':
      return row.organization ?? row.structure_id;
    case 'workstations':
      return row.workstations.join(', ');
    default:
      return null;
  }
}

function computeOrder(rows: readonly GroupRow[], sort: GroupSort, locale: string): Int32Array {
  const positions = Int32Array.from(rows.keys());
  if (sort.key === 'default') return sort.direction === 'asc' ? positions : positions.reverse();
  const sign = sort.direction === 'asc' ? 1 : -1;
  if (sort.key === 'expiry') {
    const times = Float64Array.from(rows, (row) => Date.parse(row.usable_until));
    return positions.sort((a, b) => sign * (times[a] - times[b]) || a - b);
  }
  const collator = new Intl.Collator(locale, { sensitivity: 'base', numeric: true });
  const keys = rows.map((row) => textKey(row, sort.key));
  // Missing values last in both directions; ties keep the back end's order.
  return positions.sort((a, b) => {
    const ka = keys[a];
    const kb = keys[b];
    if (ka === kb) return a - b;
    if (ka === null || ka === '') return 1;
    if (kb === null || kb === '') return -1;
    return sign * collator.compare(ka, kb) || a - b;
  });
}

/** The rows of `match` in the order of `sort` (orders computed once per key and kept). */
export function orderedGroupRows(index: GroupIndex, match: GroupMatch, sort: GroupSort, locale = 'fr'): GroupRow[] {
  const key = `${sort.key}:${sort.direction}:${locale}`;
  let order = index.orders.get(key);
  if (order === undefined) {
    order = computeOrder(index.rows, sort, locale);
    index.orders.set(key, order);
  }
  const out = new Array<GroupRow>(match.count);
  let next = 0;
  for (const position of order) {
    if (match.mask[position] === 1) out[next++] = index.rows[position];
  }
  return out;
}

/** The establishments (structure ids) of the rows, sorted. */
export function establishmentsOf(rows: readonly GroupRow[]): string[] {
  const ids = new Set<string>();
  for (const row of rows) if (row.structure_id !== null && row.structure_id !== '') ids.add(row.structure_id);
  return [...ids].sort();
}

/** How many rows have each status. */
export function countGroupByStatus(rows: readonly GroupRow[]): Record<Status, number> {
  const counts: Record<Status, number> = { valid: 0, expiring: 0, expired: 0, not_yet_valid: 0, revoked: 0, replaced: 0 };
  for (const row of rows) counts[row.status] += 1;
  return counts;
}
