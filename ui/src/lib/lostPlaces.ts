// The places a scan found gone, as the notice says them: one line per place (a .p12 holds
// the order's certificate and its chain: one file, one line), the order's own certificate
// named, its chain only counted. Pure module.

import type { LostPlace } from './bindings/LostPlace';
import type { PlaceKind } from './bindings/PlaceKind';

/** What the notice needs to know of a listed certificate. */
export interface ListedCertificate {
  cn: string | null;
  order: { id: string } | null;
}

export interface LostCertificate {
  sha256: string;
  cn: string | null;
  orderId: string;
  lastCopy: boolean;
  keyLost: boolean;
}

export interface LostLocation {
  kind: PlaceKind;
  location: string;
  /** The certificates the place held that their order is about (usually one). */
  certificates: LostCertificate[];
  /** The chain's certificates the place held too (CA certificates: public, only counted). */
  chain: number;
}

/**
 * Groups the lost places by place. A certificate the dashboard lists without an order (a CA
 * of the chain) is counted as chain; one it does not list is named (it may be the order's).
 */
export function groupLostPlaces(lost: readonly LostPlace[], certificateOf: (sha256: string) => ListedCertificate | null): LostLocation[] {
  const groups = new Map<string, LostLocation>();
  for (const place of lost) {
    const key = `${place.kind}\n${place.location}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { kind: place.kind, location: place.location, certificates: [], chain: 0 };
      groups.set(key, group);
    }
    const listed = certificateOf(place.sha256);
    if (listed !== null && listed.order?.id !== place.order_id) {
      group.chain += 1;
    } else {
      group.certificates.push({ sha256: place.sha256, cn: listed?.cn ?? null, orderId: place.order_id, lastCopy: place.last_copy, keyLost: place.key_lost });
    }
  }
  return [...groups.values()];
}

/** A last copy or a key gone: the certificate may be unusable, the notice says it loudly. */
export function isSerious(groups: readonly LostLocation[]): boolean {
  return groups.some((group) => group.certificates.some((cert) => cert.lastCopy || cert.keyLost));
}
