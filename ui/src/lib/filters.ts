// Search, filters and optional sorting of the dashboard's certificates. Pure functions:
// the back end already sorts by soonest expiry, and the default keeps that order.
//
// Built for 20,000 certificates: an index per dashboard keeps what the search reads (a
// normalised haystack per certificate, made on the first search); matchIndex() then
// answers a filter in one pass, and orderedMatches() a sort with orders computed once per
// key, direction and locale (the collator runs once per dashboard, not on every keystroke).

import type { CertificateView } from './bindings/CertificateView';
import type { Environment } from './bindings/Environment';
import type { Status } from './bindings/Status';
import type { Usage } from './bindings/Usage';

export const STATUSES: readonly Status[] = ['valid', 'expiring', 'expired', 'not_yet_valid', 'revoked', 'replaced'];
export const USAGES: readonly Usage[] = ['AUTH_CLI', 'SIGN', 'CONF', 'SSL_SERV', 'SMIME'];
export const ENVIRONMENTS: readonly Environment[] = ['PROD', 'TEST', 'OTHER'];

export type StatusFilter = 'all' | Status;
/** 'none': certificates whose IGC-Santé usage was not recognised. */
export type UsageFilter = 'all' | 'none' | Usage;
export type EnvironmentFilter = 'all' | Environment;
/** A téléservice id (`teleservices.json`), 'none': certificates tied to none. */
export type TeleserviceFilter = 'all' | 'none' | string;

export interface Filters {
  text: string;
  status: StatusFilter;
  usage: UsageFilter;
  environment: EnvironmentFilter;
  teleservice: TeleserviceFilter;
  /** Hide certificates expired more than this many days ago (null: hide none). */
  hideExpiredAfterDays: number | null;
}

export const NO_FILTERS: Filters = {
  text: '',
  status: 'all',
  usage: 'all',
  environment: 'all',
  teleservice: 'all',
  hideExpiredAfterDays: null,
};

/** Lower case, without accents, so "Hopital" finds "Hôpital". */
export function normalize(text: string): string {
  // Most fields are plain ASCII: only the others need the (slow) decomposition.
  const plain = /[^\u0000-\u007f]/.test(text) ? text.normalize('NFD').replace(/[\u0300-\u036f]/g, '') : text;
  return plain.toLowerCase();
}

function hexOnly(text: string): string {
  return text.toLowerCase().replace(/[^0-9a-f]/g, '');
}

/** Splits a query into words; every word must be found in one of the searched fields. */
export function tokenize(query: string): string[] {
  return normalize(query)
    .split(/\s+/)
    .filter((word) => word !== '');
}

/** What the search reads of one certificate. */
interface Searchable {
  /** The searched fields, normalised, one per line. */
  haystack: string;
  /** The SHA-256 as bare lower-case hex. */
  hex: string;
}

function searchable(cert: CertificateView): Searchable {
  const fields = [
    cert.cn,
    cert.organization,
    cert.structure_id,
    cert.structure_number,
    cert.issuer,
    ...(cert.teleservices ?? []),
    ...cert.paths,
    ...cert.places.map((place) => place.path),
  ];
  return {
    haystack: normalize(fields.filter((field): field is string => field !== null && field !== '').join('\n')),
    hex: hexOnly(cert.sha256),
  };
}

/** One word of a query: found in the haystack, or as the start of the SHA-256. */
interface QueryWord {
  text: string;
  /** Only words written entirely in hex (':' allowed), at least 4 digits, count as a fingerprint. */
  fingerprint: string | null;
}

function parseQuery(query: string): QueryWord[] {
  return tokenize(query).map((text) => {
    const prefix = /^[0-9a-f:]+$/.test(text) ? hexOnly(text) : '';
    // At least 4 hex digits, so "ca" does not match a quarter of all rows.
    return { text, fingerprint: prefix.length >= 4 ? prefix : null };
  });
}

function matchesWords(item: Searchable, words: readonly QueryWord[]): boolean {
  return words.every(
    (word) => item.haystack.includes(word.text) || (word.fingerprint !== null && item.hex.startsWith(word.fingerprint)),
  );
}

export function matchesText(cert: CertificateView, query: string): boolean {
  const words = parseQuery(query);
  return words.length === 0 || matchesWords(searchable(cert), words);
}

/** True for a certificate that expired more than `days` days ago. */
export function isLongExpired(cert: CertificateView, days: number | null): boolean {
  return days !== null && cert.status === 'expired' && -cert.days_left > days;
}

function passesChoices(cert: CertificateView, filters: Filters): boolean {
  if (filters.status !== 'all' && cert.status !== filters.status) {
    return false;
  }
  if (filters.usage === 'none' && cert.usage !== null) {
    return false;
  }
  if (filters.usage !== 'all' && filters.usage !== 'none' && cert.usage !== filters.usage) {
    return false;
  }
  if (filters.environment !== 'all' && cert.environment !== filters.environment) {
    return false;
  }
  if (!passesTeleservice(cert.teleservices ?? [], filters.teleservice ?? 'all')) {
    return false;
  }
  return !isLongExpired(cert, filters.hideExpiredAfterDays);
}

function passesTeleservice(ties: readonly string[], wanted: TeleserviceFilter): boolean {
  if (wanted === 'all') return true;
  if (wanted === 'none') return ties.length === 0;
  return ties.includes(wanted);
}

export function matches(cert: CertificateView, filters: Filters): boolean {
  return passesChoices(cert, filters) && matchesText(cert, filters.text);
}

/** The certificates of one dashboard, prepared for search and sorting. */
export interface CertificateIndex {
  readonly certificates: readonly CertificateView[];
  /** A certificate's position by its SHA-256. */
  readonly positions: ReadonlyMap<string, number>;
  /** The haystacks, made on the first text search (a dashboard nobody searches costs none). */
  searchable: readonly Searchable[] | null;
  /** Sort orders (positions) computed so far, by key, direction and locale. */
  readonly orders: Map<string, Int32Array>;
}

export function indexCertificates(certs: readonly CertificateView[]): CertificateIndex {
  return {
    certificates: certs,
    positions: new Map(certs.map((cert, position) => [cert.sha256, position])),
    searchable: null,
    orders: new Map(),
  };
}

/** The certificates that pass the filters, as a mask over the index's positions. */
export interface IndexMatch {
  readonly mask: Uint8Array;
  readonly count: number;
}

export function matchIndex(index: CertificateIndex, filters: Filters): IndexMatch {
  const words = parseQuery(filters.text);
  const certificates = index.certificates;
  const haystacks = words.length === 0 ? [] : (index.searchable ??= certificates.map(searchable));
  const mask = new Uint8Array(certificates.length);
  let count = 0;
  for (let position = 0; position < certificates.length; position++) {
    if (passesChoices(certificates[position], filters) && (words.length === 0 || matchesWords(haystacks[position], words))) {
      mask[position] = 1;
      count += 1;
    }
  }
  return { mask, count };
}

/** The certificates that pass every filter, in their original order. */
export function filterCertificates(certs: readonly CertificateView[], filters: Filters): CertificateView[] {
  const { mask } = matchIndex(indexCertificates(certs), filters);
  return certs.filter((_, position) => mask[position] === 1);
}

/** How many certificates the "hide long expired" option alone hides. */
export function countLongExpired(certs: readonly CertificateView[], days: number | null): number {
  return certs.filter((cert) => isLongExpired(cert, days)).length;
}

export function isFiltering(filters: Filters): boolean {
  return (
    filters.text.trim() !== '' ||
    filters.status !== 'all' ||
    filters.usage !== 'all' ||
    filters.environment !== 'all' ||
    (filters.teleservice ?? 'all') !== 'all'
  );
}

/** How many certificates have each status. */
export function countByStatus(certs: readonly CertificateView[]): Record<Status, number> {
  const counts: Record<Status, number> = { valid: 0, expiring: 0, expired: 0, not_yet_valid: 0, revoked: 0, replaced: 0 };
  for (const cert of certs) {
    counts[cert.status] += 1;
  }
  return counts;
}

export type SortKey = 'default' | 'cn' | 'structure' | 'expiry';
export type SortDirection = 'asc' | 'desc';
export interface Sort {
  key: SortKey;
  direction: SortDirection;
}

export const DEFAULT_SORT: Sort = { key: 'default', direction: 'asc' };

/** The next sort when a column header is clicked: ascending, descending, then back to default. */
export function nextSort(current: Sort, key: Exclude<SortKey, 'default'>): Sort {
  if (current.key !== key) {
    return { key, direction: 'asc' };
  }
  if (current.direction === 'asc') {
    return { key, direction: 'desc' };
  }
  return DEFAULT_SORT;
}

/**
 * When the certificate stops being of use: `usable_until`, the earlier of its own end and
 * its signing key's (an ORG SIGN key may not sign for its last month). A back end from
 * before the key period sends only `not_after`.
 */
export function usableUntil(cert: CertificateView): string {
  return cert.usable_until ?? cert.not_after;
}

/** True when the signing key's period ends before the certificate does. */
export function keyEndsFirst(cert: CertificateView): boolean {
  const key = cert.private_key_usage_end;
  return key !== null && key !== undefined && Date.parse(key) < Date.parse(cert.not_after);
}

function expiryTime(cert: CertificateView): number {
  const time = Date.parse(usableUntil(cert));
  return Number.isNaN(time) ? cert.days_left * 86_400_000 : time;
}

/**
 * Each certificate's rank for one text field in the collator's order: equal ranks for
 * values the collator finds equal, -1 for a missing value.
 */
function textRanks(certs: readonly CertificateView[], field: (cert: CertificateView) => string | null, collator: Intl.Collator): Int32Array {
  const ranks = new Int32Array(certs.length).fill(-1);
  const present: number[] = [];
  certs.forEach((cert, position) => {
    const value = field(cert);
    if (value !== null && value !== '') present.push(position);
  });
  present.sort((a, b) => collator.compare(field(certs[a])!, field(certs[b])!));
  let rank = -1;
  let previous: string | null = null;
  for (const position of present) {
    const value = field(certs[position])!;
    if (previous === null || collator.compare(previous, value) !== 0) rank += 1;
    ranks[position] = rank;
    previous = value;
  }
  return ranks;
}

/**
 * All positions in the order of `sort`: stable (ties keep the back end's order), missing
 * names and organisations last in both directions.
 */
function computeOrder(certs: readonly CertificateView[], sort: Sort, locale: string): Int32Array {
  const positions = Int32Array.from(certs.keys());
  if (sort.key === 'default') {
    return sort.direction === 'asc' ? positions : positions.reverse();
  }
  const sign = sort.direction === 'asc' ? 1 : -1;
  const byRank = (ranks: Int32Array, a: number, b: number): number => {
    const ra = ranks[a];
    const rb = ranks[b];
    if (ra === rb) return 0;
    if (ra < 0) return 1;
    if (rb < 0) return -1;
    return sign * (ra - rb);
  };
  const collator = new Intl.Collator(locale, { sensitivity: 'base', numeric: true });
  let compare: (a: number, b: number) => number;
  switch (sort.key) {
    case 'cn': {
      const cn = textRanks(certs, (cert) => cert.cn, collator);
      compare = (a, b) => byRank(cn, a, b);
      break;
    }
    case 'structure': {
      const organization = textRanks(certs, (cert) => cert.organization, collator);
      const structureId = textRanks(certs, (cert) => cert.structure_id, collator);
      compare = (a, b) => byRank(organization, a, b) || byRank(structureId, a, b);
      break;
    }
    case 'expiry': {
      const times = Float64Array.from(certs, expiryTime);
      compare = (a, b) => sign * (times[a] - times[b]);
      break;
    }
  }
  return positions.sort((a, b) => compare(a, b) || a - b);
}

function sortOrder(index: CertificateIndex, sort: Sort, locale: string): Int32Array {
  const key = `${sort.key}:${sort.direction}:${locale}`;
  let order = index.orders.get(key);
  if (order === undefined) {
    order = computeOrder(index.certificates, sort, locale);
    index.orders.set(key, order);
  }
  return order;
}

/** The certificates of `match`, in the order of `sort` (a new array). */
export function orderedMatches(index: CertificateIndex, match: IndexMatch, sort: Sort, locale = 'fr'): CertificateView[] {
  const order = sortOrder(index, sort, locale);
  const out = new Array<CertificateView>(match.count);
  let next = 0;
  for (const position of order) {
    if (match.mask[position] === 1) out[next++] = index.certificates[position];
  }
  return out;
}

/**
 * The certificates in the chosen order (a new array; stable, so ties keep the back
 * end's order). Missing names and organisations sort last in both directions.
 */
export function sortCertificates(certs: readonly CertificateView[], sort: Sort, locale = 'fr'): CertificateView[] {
  const index = indexCertificates(certs);
  return orderedMatches(index, { mask: new Uint8Array(certs.length).fill(1), count: certs.length }, sort, locale);
}

/** Reads a status filter from a form value ('all' for anything unknown). */
export function parseStatusFilter(value: string): StatusFilter {
  return (STATUSES as readonly string[]).includes(value) ? (value as Status) : 'all';
}

/** Reads a usage filter from a form value ('all' for anything unknown). */
export function parseUsageFilter(value: string): UsageFilter {
  if (value === 'none') return 'none';
  return (USAGES as readonly string[]).includes(value) ? (value as Usage) : 'all';
}

/** Reads a téléservice filter from a form value: one of `known`, 'none', else 'all'. */
export function parseTeleserviceFilter(value: string, known: readonly string[]): TeleserviceFilter {
  if (value === 'none') return 'none';
  return known.includes(value) ? value : 'all';
}

/** The téléservices the certificates are tied to, each once, sorted. */
export function teleservicesOf(certs: readonly CertificateView[]): string[] {
  const seen = new Set<string>();
  for (const cert of certs) for (const id of cert.teleservices ?? []) seen.add(id);
  return [...seen].sort((a, b) => a.localeCompare(b, 'fr', { sensitivity: 'base' }));
}

/** Reads an environment filter from a form value ('all' for anything unknown). */
export function parseEnvironmentFilter(value: string): EnvironmentFilter {
  return (ENVIRONMENTS as readonly string[]).includes(value) ? (value as Environment) : 'all';
}
