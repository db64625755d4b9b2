import { describe, expect, it } from 'vitest';

import {
  countByStatus,
  countLongExpired,
  DEFAULT_SORT,
  filterCertificates,
  indexCertificates,
  isFiltering,
  matches,
  matchIndex,
  matchesText,
  nextSort,
  NO_FILTERS,
  normalize,
  orderedMatches,
  keyEndsFirst,
  parseEnvironmentFilter,
  parseStatusFilter,
  parseTeleserviceFilter,
  parseUsageFilter,
  sortCertificates,
  STATUSES,
  teleservicesOf,
  usableUntil,
  type Filters,
  type Sort,
} from './filters';
import type { CertificateView } from './bindings/CertificateView';
import { makeCert, syntheticCertificates } from './test-fixtures';

const hospital = makeCert({
  sha256: '0a1b2c3d'.repeat(8),
  cn: 'SIGN-HOPITAL',
  organization: 'Hôpital Saint-Éloi',
  structure_id: '1340780477',
  structure_number: '340780477',
  usage: 'SIGN',
  environment: 'PROD',
  status: 'expiring',
  severity: 'warning',
  days_left: 20,
  not_after: '2026-01-20T00:00:00Z',
  paths: ['C:\\Users\\admin\\Téléchargements\\sign.p12'],
  places: [],
});
const clinic = makeCert({
  sha256: 'ffee'.repeat(16),
  cn: 'auth.clinique.example',
  organization: 'Clinique du Parc',
  structure_id: '38552081900026',
  structure_kind: 'SIRET',
  structure_number: '55208190002',
  environment: 'TEST',
  offer: 'SERV',
  usage: 'SSL_SERV',
  issuer: 'CN=AC IGC-SANTE ELEMENTAIRE ORGANISATIONS TEST',
  status: 'valid',
  severity: 'ok',
  days_left: 700,
  not_after: '2027-12-01T00:00:00Z',
});
const oldExpired = makeCert({
  sha256: '1234'.repeat(16),
  cn: null,
  organization: null,
  structure_id: null,
  structure_number: null,
  environment: 'OTHER',
  offer: null,
  usage: null,
  issuer: 'CN=Some Other CA',
  status: 'expired',
  severity: 'critical',
  days_left: -120,
  not_after: '2025-08-01T00:00:00Z',
});
const recentExpired = makeCert({
  sha256: '5678'.repeat(16),
  cn: 'RECENT',
  status: 'expired',
  severity: 'critical',
  days_left: -5,
  not_after: '2025-11-25T00:00:00Z',
});
const future = makeCert({
  sha256: '9abc'.repeat(16),
  cn: 'FUTURE',
  status: 'not_yet_valid',
  severity: 'warning',
  days_left: 1100,
  not_after: '2029-01-01T00:00:00Z',
});

// The back end's order: soonest expiry first.
const all = [oldExpired, recentExpired, hospital, clinic, future];

function filters(overrides: Partial<Filters>): Filters {
  return { ...NO_FILTERS, ...overrides };
}

describe('filterCertificates', () => {
  it('keeps everything, in order, with no filter', () => {
    expect(filterCertificates(all, NO_FILTERS)).toEqual(all);
  });

  it('filters by status', () => {
    expect(filterCertificates(all, filters({ status: 'expired' }))).toEqual([oldExpired, recentExpired]);
    expect(filterCertificates(all, filters({ status: 'not_yet_valid' }))).toEqual([future]);
  });

  it('filters by usage, including certificates without a recognised usage', () => {
    expect(filterCertificates(all, filters({ usage: 'SSL_SERV' }))).toEqual([clinic]);
    expect(filterCertificates(all, filters({ usage: 'none' }))).toEqual([oldExpired]);
  });

  it('filters by environment', () => {
    expect(filterCertificates(all, filters({ environment: 'TEST' }))).toEqual([clinic]);
    expect(filterCertificates(all, filters({ environment: 'OTHER' }))).toEqual([oldExpired]);
  });

  it('hides certificates expired more than N days ago', () => {
    expect(filterCertificates(all, filters({ hideExpiredAfterDays: 30 }))).toEqual([
      recentExpired,
      hospital,
      clinic,
      future,
    ]);
    expect(filterCertificates(all, filters({ hideExpiredAfterDays: 0 }))).toEqual([hospital, clinic, future]);
    expect(countLongExpired(all, 30)).toBe(1);
    expect(countLongExpired(all, null)).toBe(0);
  });

  it('combines filters', () => {
    expect(filterCertificates(all, filters({ status: 'valid', environment: 'PROD' }))).toEqual([]);
    expect(filterCertificates(all, filters({ text: 'clinique', environment: 'TEST' }))).toEqual([clinic]);
  });
});

describe('matchesText', () => {
  it('searches CN, organisation, structure id, issuer and path, ignoring case and accents', () => {
    expect(matchesText(hospital, 'sign-hopital')).toBe(true);
    expect(matchesText(hospital, 'hopital saint-eloi')).toBe(true);
    expect(matchesText(hospital, '340780477')).toBe(true);
    expect(matchesText(hospital, '1340780477')).toBe(true);
    expect(matchesText(clinic, 'organisations test')).toBe(true);
    expect(matchesText(hospital, 'telechargements')).toBe(true);
    expect(matchesText(oldExpired, 'other ca')).toBe(true);
  });

  it('needs every word to match', () => {
    expect(matchesText(hospital, 'hopital parc')).toBe(false);
  });

  it('matches a SHA-256 prefix, with or without colons', () => {
    expect(matchesText(hospital, '0a1b2c3d0a')).toBe(true);
    expect(matchesText(hospital, '0A:1B:2C:3D')).toBe(true);
    expect(matchesText(hospital, '1b2c3d0a')).toBe(false);
    expect(matchesText(clinic, 'ff')).toBe(false);
  });

  it('matches all with an empty or blank query', () => {
    expect(matchesText(oldExpired, '')).toBe(true);
    expect(matchesText(oldExpired, '   ')).toBe(true);
  });

  it('normalises accents', () => {
    expect(normalize('Éloi Hôpital')).toBe('eloi hopital');
  });
});

describe('counts', () => {
  it('counts certificates by status', () => {
    expect(countByStatus(all)).toEqual({ valid: 1, expiring: 1, expired: 2, not_yet_valid: 1, revoked: 0, replaced: 0 });
  });

  it('counts and filters replaced certificates apart (their renewal is installed)', () => {
    const replaced = makeCert({ sha256: 'beef'.repeat(16), cn: 'REMPLACE', status: 'replaced', severity: 'ok', days_left: 40 });
    const list = [...all, replaced];
    expect(countByStatus(list).replaced).toBe(1);
    expect(countByStatus(list).valid).toBe(1);
    expect(STATUSES).toContain('replaced');
    expect(filterCertificates(list, filters({ status: 'replaced' }))).toEqual([replaced]);
    expect(filterCertificates(list, filters({ status: 'valid' }))).not.toContain(replaced);
    expect(parseStatusFilter('replaced')).toBe('replaced');
  });

  it('counts and filters revoked certificates apart, whatever their dates', () => {
    const revoked = makeCert({ sha256: 'dead'.repeat(16), cn: 'REVOQUE', status: 'revoked', severity: 'critical', days_left: 300 });
    const list = [...all, revoked];
    expect(countByStatus(list).revoked).toBe(1);
    expect(filterCertificates(list, filters({ status: 'revoked' }))).toEqual([revoked]);
    expect(filterCertificates(list, filters({ status: 'valid' }))).not.toContain(revoked);
    expect(parseStatusFilter('revoked')).toBe('revoked');
    // Hiding long-expired certificates never hides a revoked one.
    expect(filterCertificates([{ ...revoked, days_left: -500 }], filters({ hideExpiredAfterDays: 30 }))).toHaveLength(1);
  });

  it('knows when filters are active', () => {
    expect(isFiltering(NO_FILTERS)).toBe(false);
    expect(isFiltering(filters({ text: ' x ' }))).toBe(true);
    expect(isFiltering(filters({ hideExpiredAfterDays: 10 }))).toBe(false);
  });
});

describe('sorting', () => {
  it('keeps the back end order by default', () => {
    expect(sortCertificates(all, DEFAULT_SORT)).toEqual(all);
  });

  it('cycles ascending, descending, default', () => {
    let sort = nextSort(DEFAULT_SORT, 'cn');
    expect(sort).toEqual({ key: 'cn', direction: 'asc' });
    sort = nextSort(sort, 'cn');
    expect(sort).toEqual({ key: 'cn', direction: 'desc' });
    expect(nextSort(sort, 'cn')).toEqual(DEFAULT_SORT);
    expect(nextSort(sort, 'expiry')).toEqual({ key: 'expiry', direction: 'asc' });
  });

  it('sorts by name, missing names last', () => {
    const byName = sortCertificates(all, { key: 'cn', direction: 'asc' });
    expect(byName.map((c) => c.cn)).toEqual(['auth.clinique.example', 'FUTURE', 'RECENT', 'SIGN-HOPITAL', null]);
    const reversed = sortCertificates(all, { key: 'cn', direction: 'desc' });
    expect(reversed.map((c) => c.cn)).toEqual(['SIGN-HOPITAL', 'RECENT', 'FUTURE', 'auth.clinique.example', null]);
  });

  it('sorts by expiry date', () => {
    const latest = sortCertificates(all, { key: 'expiry', direction: 'desc' });
    expect(latest[0]).toBe(future);
    expect(latest[latest.length - 1]).toBe(oldExpired);
  });

  it('does not change its input', () => {
    const copy = [...all];
    sortCertificates(all, { key: 'cn', direction: 'desc' });
    expect(all).toEqual(copy);
  });
});

describe('parsing form values', () => {
  it('accepts known values and falls back to all', () => {
    expect(parseStatusFilter('expired')).toBe('expired');
    expect(parseStatusFilter('bogus')).toBe('all');
    expect(parseUsageFilter('none')).toBe('none');
    expect(parseUsageFilter('CONF')).toBe('CONF');
    expect(parseUsageFilter('x')).toBe('all');
    expect(parseEnvironmentFilter('TEST')).toBe('TEST');
    expect(parseEnvironmentFilter('test')).toBe('all');
  });
});

/** The sort as first written (a comparator on the certificates): the index must agree. */
function referenceSort(certs: readonly CertificateView[], sort: Sort, locale: string): CertificateView[] {
  const list = [...certs];
  if (sort.key === 'default') return sort.direction === 'asc' ? list : list.reverse();
  const collator = new Intl.Collator(locale, { sensitivity: 'base', numeric: true });
  const sign = sort.direction === 'asc' ? 1 : -1;
  const missing = (value: string | null) => value === null || value === '';
  const byText = (a: string | null, b: string | null): number => {
    if (missing(a) && missing(b)) return 0;
    if (missing(a)) return 1;
    if (missing(b)) return -1;
    return sign * collator.compare(a!, b!);
  };
  const time = (cert: CertificateView) => Date.parse(cert.not_after);
  return list.sort((a, b) => {
    switch (sort.key) {
      case 'cn':
        return byText(a.cn, b.cn);
      case 'structure':
        return byText(a.organization, b.organization) || byText(a.structure_id, b.structure_id);
      default:
        return sign * (time(a) - time(b));
    }
  });
}

describe('the index (group scale)', () => {
  const certs = syntheticCertificates(3000);
  const index = indexCertificates(certs);
  const sorts: Sort[] = (['default', 'cn', 'structure', 'expiry'] as const).flatMap((key) =>
    (['asc', 'desc'] as const).map((direction) => ({ key, direction })),
  );
  const cases: Filters[] = [
    NO_FILTERS,
    filters({ text: 'saint etienne' }),
    filters({ text: 'HOPITAL insi' }),
    filters({ text: '0000 0b' }),
    filters({ status: 'expired', hideExpiredAfterDays: 30 }),
    filters({ usage: 'none', environment: 'TEST' }),
  ];

  it('filters as the plain functions do', () => {
    for (const f of cases) {
      const match = matchIndex(index, f);
      const kept = certs.filter((_, position) => match.mask[position] === 1);
      expect(kept, f.text).toEqual(certs.filter((cert) => matches(cert, f)));
      expect(match.count).toBe(kept.length);
    }
  });

  it('sorts as a comparator on the certificates would, stable, missing values last', () => {
    const match = matchIndex(index, filters({ text: 'de' }));
    const kept = certs.filter((_, position) => match.mask[position] === 1);
    for (const sort of sorts) {
      expect(orderedMatches(index, match, sort, 'fr-FR'), `${sort.key} ${sort.direction}`).toEqual(referenceSort(kept, sort, 'fr-FR'));
    }
  });

  it('computes each order once per dashboard, key, direction and locale, and the haystacks on the first search', () => {
    const fresh = indexCertificates(certs);
    const all = matchIndex(fresh, NO_FILTERS);
    orderedMatches(fresh, all, { key: 'cn', direction: 'asc' });
    orderedMatches(fresh, matchIndex(fresh, filters({ text: 'lyon' })), { key: 'cn', direction: 'asc' });
    expect(fresh.orders.size).toBe(1);
    orderedMatches(fresh, all, { key: 'cn', direction: 'desc' });
    orderedMatches(fresh, all, { key: 'cn', direction: 'desc' }, 'en-GB');
    expect(fresh.orders.size).toBe(3);
    expect(fresh.positions.get(certs[1234].sha256)).toBe(1234);
    // The haystacks wait for the first text search.
    const unsearched = indexCertificates(certs);
    orderedMatches(unsearched, matchIndex(unsearched, filters({ status: 'expired' })), { key: 'cn', direction: 'asc' });
    expect(unsearched.searchable).toBeNull();
    matchIndex(unsearched, filters({ text: 'lyon' }));
    expect(unsearched.searchable).toHaveLength(certs.length);
  });
});


describe('the usable end (a signing key may stop before its certificate)', () => {
  // ORG SIGN: the key may sign until 1 March, the certificate lasts until 31 March.
  const signing = makeCert({
    sha256: 'de'.repeat(32),
    cn: 'DMP SIGNATURE',
    usage: 'SIGN',
    not_after: '2027-03-31T00:00:00Z',
    private_key_usage_end: '2027-03-01T00:00:00Z',
    usable_until: '2027-03-01T00:00:00Z',
    days_left: 80,
  });
  // Ends on 15 March: after the key's end, before the certificate's.
  const between = makeCert({ sha256: 'df'.repeat(32), cn: 'BETWEEN', not_after: '2027-03-15T00:00:00Z', days_left: 94 });

  it('is the earlier of the two ends, and says when the key’s comes first', () => {
    expect(usableUntil(signing)).toBe('2027-03-01T00:00:00Z');
    expect(keyEndsFirst(signing)).toBe(true);
    expect(usableUntil(between)).toBe('2027-03-15T00:00:00Z');
    expect(keyEndsFirst(between)).toBe(false);
    // A key period ending with the certificate (or after it) changes nothing.
    expect(keyEndsFirst({ ...between, private_key_usage_end: '2027-03-15T00:00:00Z' })).toBe(false);
    // A back end from before the key period sends not_after only.
    const old = { ...between, usable_until: undefined } as unknown as CertificateView;
    expect(usableUntil(old)).toBe('2027-03-15T00:00:00Z');
  });

  it('orders the expiry column by it, not by the certificate’s own end', () => {
    expect(sortCertificates([between, signing], { key: 'expiry', direction: 'asc' }).map((c) => c.cn)).toEqual(['DMP SIGNATURE', 'BETWEEN']);
    expect(sortCertificates([signing, between], { key: 'expiry', direction: 'desc' }).map((c) => c.cn)).toEqual(['BETWEEN', 'DMP SIGNATURE']);
  });
});

describe('the téléservice filter', () => {
  const dmp = makeCert({ sha256: 'd1'.repeat(32), cn: 'DMP', teleservices: ['DMP'] });
  const both = makeCert({ sha256: 'd2'.repeat(32), cn: 'DEUX', teleservices: ['DMP', 'ROC'], teleservices_recorded: true });
  const none = makeCert({ sha256: 'd3'.repeat(32), cn: 'AUCUN', teleservices: [] });
  const certs = [dmp, both, none];

  it('keeps the certificates tied to a téléservice, or to none', () => {
    expect(filterCertificates(certs, filters({ teleservice: 'DMP' })).map((c) => c.cn)).toEqual(['DMP', 'DEUX']);
    expect(filterCertificates(certs, filters({ teleservice: 'ROC' })).map((c) => c.cn)).toEqual(['DEUX']);
    expect(filterCertificates(certs, filters({ teleservice: 'none' })).map((c) => c.cn)).toEqual(['AUCUN']);
    expect(filterCertificates(certs, filters({ teleservice: 'all' }))).toEqual(certs);
    expect(isFiltering(filters({ teleservice: 'ROC' }))).toBe(true);
    // Combined with the others, through the index too.
    const index = indexCertificates(certs);
    expect(matchIndex(index, filters({ teleservice: 'DMP', text: 'deux' })).count).toBe(1);
  });

  it('lists the téléservices served, each once, and reads the filter from the form', () => {
    expect(teleservicesOf(certs)).toEqual(['DMP', 'ROC']);
    expect(parseTeleserviceFilter('ROC', ['DMP', 'ROC'])).toBe('ROC');
    expect(parseTeleserviceFilter('none', ['DMP'])).toBe('none');
    expect(parseTeleserviceFilter('SAS', ['DMP'])).toBe('all');
  });

  it('finds a certificate by the téléservice it serves', () => {
    expect(matchesText(both, 'roc')).toBe(true);
    expect(matchesText(none, 'roc')).toBe(false);
  });
});
