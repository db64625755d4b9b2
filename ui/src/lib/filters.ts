// Search, filters and optional sorting of the dashboard's certificates. Pure functions:
// the back end already sorts by soonest expiry, and the default keeps that order.

import type { CertificateView } from './bindings/CertificateView';
import type { Environment } from './bindings/Environment';
import type { Status } from './bindings/Status';
import type { Usage } from './bindings/Usage';

export const STATUSES: readonly Status[] = ['valid', 'expiring', 'expired', 'not_yet_valid', 'revoked'];
export const USAGES: readonly Usage[] = ['AUTH_CLI', 'SIGN', 'CONF', 'SSL_SERV', 'SMIME'];
export const ENVIRONMENTS: readonly Environment[] = ['PROD', 'TEST', 'OTHER'];

export type StatusFilter = 'all' | Status;
/** 'none': certificates whose IGC-Santé usage was not recognised. */
export type UsageFilter = 'all' | 'none' | Usage;
export type EnvironmentFilter = 'all' | Environment;

export interface Filters {
  text: string;
  status: StatusFilter;
  usage: UsageFilter;
  environment: EnvironmentFilter;
  /** Hide certificates expired more than this many days ago (null: hide none). */
  hideExpiredAfterDays: number | null;
}

export const NO_FILTERS: Filters = {
  text: '',
  status: 'all',
  usage: 'all',
  environment: 'all',
  hideExpiredAfterDays: null,
};

/** Lower case, without accents, so "Hopital" finds "Hôpital". */
export function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
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

function searchableText(cert: CertificateView): string {
  const fields = [
    cert.cn,
    cert.organization,
    cert.structure_id,
    cert.structure_number,
    cert.issuer,
    ...cert.paths,
    ...cert.places.map((place) => place.path),
  ];
  return normalize(fields.filter((field): field is string => field !== null && field !== '').join('\n'));
}

/** A fingerprint query matches the start of the SHA-256 (colons and spaces ignored). */
function matchesFingerprint(cert: CertificateView, word: string): boolean {
  // Only words written entirely in hex (with optional ':' separators) count as a
  // fingerprint, and at least 4 hex digits, so "ca" does not match a quarter of all rows.
  if (!/^[0-9a-f:]+$/.test(word)) {
    return false;
  }
  const prefix = hexOnly(word);
  return prefix.length >= 4 && hexOnly(cert.sha256).startsWith(prefix);
}

export function matchesText(cert: CertificateView, query: string): boolean {
  const words = tokenize(query);
  if (words.length === 0) {
    return true;
  }
  const haystack = searchableText(cert);
  return words.every((word) => haystack.includes(word) || matchesFingerprint(cert, word));
}

/** True for a certificate that expired more than `days` days ago. */
export function isLongExpired(cert: CertificateView, days: number | null): boolean {
  return days !== null && cert.status === 'expired' && -cert.days_left > days;
}

export function matches(cert: CertificateView, filters: Filters): boolean {
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
  if (isLongExpired(cert, filters.hideExpiredAfterDays)) {
    return false;
  }
  return matchesText(cert, filters.text);
}

/** The certificates that pass every filter, in their original order. */
export function filterCertificates(certs: readonly CertificateView[], filters: Filters): CertificateView[] {
  return certs.filter((cert) => matches(cert, filters));
}

/** How many certificates the "hide long expired" option alone hides. */
export function countLongExpired(certs: readonly CertificateView[], days: number | null): number {
  return certs.filter((cert) => isLongExpired(cert, days)).length;
}

export function isFiltering(filters: Filters): boolean {
  return (
    filters.text.trim() !== '' || filters.status !== 'all' || filters.usage !== 'all' || filters.environment !== 'all'
  );
}

/** How many certificates have each status. */
export function countByStatus(certs: readonly CertificateView[]): Record<Status, number> {
  const counts: Record<Status, number> = { valid: 0, expiring: 0, expired: 0, not_yet_valid: 0, revoked: 0 };
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

function expiryTime(cert: CertificateView): number {
  const time = Date.parse(cert.not_after);
  return Number.isNaN(time) ? cert.days_left * 86_400_000 : time;
}

/**
 * The certificates in the chosen order (a new array; stable, so ties keep the back
 * end's order). Missing names and organisations sort last in both directions.
 */
export function sortCertificates(certs: readonly CertificateView[], sort: Sort, locale = 'fr'): CertificateView[] {
  const list = [...certs];
  if (sort.key === 'default') {
    return sort.direction === 'asc' ? list : list.reverse();
  }
  const collator = new Intl.Collator(locale, { sensitivity: 'base', numeric: true });
  const sign = sort.direction === 'asc' ? 1 : -1;
  const byText = (a: string | null, b: string | null): number => {
    if (a === b) return 0;
    if (a === null || a === '') return 1;
    if (b === null || b === '') return -1;
    return sign * collator.compare(a, b);
  };
  const key = sort.key;
  const compare = (a: CertificateView, b: CertificateView): number => {
    switch (key) {
      case 'cn':
        return byText(a.cn, b.cn);
      case 'structure':
        return byText(a.organization, b.organization) || byText(a.structure_id, b.structure_id);
      case 'expiry':
        return sign * (expiryTime(a) - expiryTime(b));
    }
  };
  return list.sort(compare);
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

/** Reads an environment filter from a form value ('all' for anything unknown). */
export function parseEnvironmentFilter(value: string): EnvironmentFilter {
  return (ENVIRONMENTS as readonly string[]).includes(value) ? (value as Environment) : 'all';
}
