import { describe, expect, it } from 'vitest';

import type { LostPlace } from './bindings/LostPlace';
import { groupLostPlaces, isSerious, type ListedCertificate } from './lostPlaces';

const LEAF = 'aa'.repeat(32);
const CA = 'bb'.repeat(32);
const ORDER = 'cmd-20261205-00000001';

function lost(overrides: Partial<LostPlace> = {}): LostPlace {
  return { sha256: LEAF, kind: 'file', location: '/srv/dmp.p12', order_id: ORDER, last_copy: false, key_lost: false, ...overrides };
}

const listed: Record<string, ListedCertificate> = {
  [LEAF]: { cn: 'DMP', order: { id: ORDER } },
  [CA]: { cn: 'TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS', order: null },
};
const certificateOf = (sha256: string) => listed[sha256] ?? null;

describe('lost places', () => {
  it('make one line per place, the order’s certificate named and its chain counted', () => {
    const groups = groupLostPlaces(
      [lost({ last_copy: true }), lost({ sha256: CA, last_copy: true }), lost({ kind: 'keystore', location: `private-key/${ORDER}`, key_lost: true })],
      certificateOf,
    );
    expect(groups).toEqual([
      { kind: 'file', location: '/srv/dmp.p12', certificates: [{ sha256: LEAF, cn: 'DMP', orderId: ORDER, lastCopy: true, keyLost: false }], chain: 1 },
      { kind: 'keystore', location: `private-key/${ORDER}`, certificates: [{ sha256: LEAF, cn: 'DMP', orderId: ORDER, lastCopy: false, keyLost: true }], chain: 0 },
    ]);
    expect(isSerious(groups)).toBe(true);
  });

  it('name a certificate the dashboard does not list, and are serious only for an order’s own certificate', () => {
    const unknown = 'cc'.repeat(32);
    const groups = groupLostPlaces([lost({ sha256: unknown }), lost({ sha256: CA, last_copy: true })], certificateOf);
    expect(groups[0].certificates.map((c) => [c.sha256, c.cn])).toEqual([[unknown, null]]);
    expect(groups[0].chain).toBe(1);
    // The chain's last copy gone is no reason to alarm anyone: CA certificates are public.
    expect(isSerious(groups)).toBe(false);
    expect(isSerious(groupLostPlaces([], certificateOf))).toBe(false);
  });
});
