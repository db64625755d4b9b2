// What the details pane says of a certificate's revocation: the cached answer (good,
// revoked with its date and reason, unknown and why), its age, and the last failure kept
// beside an older answer. Pure: texts are keys with their parameters, already formatted.

import type { CrlReason } from './bindings/CrlReason';
import type { RevocationState } from './bindings/RevocationState';
import type { RevocationStatus } from './bindings/RevocationStatus';
import { formatAge, formatDate, translate, translateCode, type Key, type Lang, type Params } from './i18n';

/** RFC 5280's reasons, in their code order. */
export const CRL_REASONS: readonly CrlReason[] = [
  'unspecified',
  'key_compromise',
  'ca_compromise',
  'affiliation_changed',
  'superseded',
  'cessation_of_operation',
  'certificate_hold',
  'remove_from_crl',
  'privilege_withdrawn',
  'aa_compromise',
];

export interface Line {
  key: Key;
  params?: Params;
}

export interface RevocationText {
  state: RevocationState;
  /** What is known: "Valide (OCSP), vérifié il y a 3 heures", "Révoqué le …", "Inconnu : …". */
  answer: Line;
  /** The last check failed, or the answer is past its next update: said beside the answer. */
  problem: Line | null;
}

/** Builds the texts in `lang`; `now` gives the ages. */
export function describeRevocation(lang: Lang, status: RevocationStatus, now: Date = new Date()): RevocationText {
  const source = status.source === null ? '' : translate(lang, `revocation.source.${status.source}`);
  const age = status.checked_at === null ? null : formatAge(lang, status.checked_at, now);
  const failure = status.error === null ? null : translateCode(lang, status.error);
  let answer: Line;
  switch (status.state) {
    case 'good':
      answer = age === null ? { key: 'revocation.good', params: { source } } : { key: 'revocation.goodChecked', params: { source, age } };
      break;
    case 'revoked': {
      const reason = translate(lang, `crlReason.${status.reason ?? 'unspecified'}`);
      answer =
        status.revoked_at === null
          ? { key: 'revocation.revokedNoDate', params: { reason } }
          : { key: 'revocation.revoked', params: { date: formatDate(lang, status.revoked_at), reason } };
      break;
    }
    case 'unknown':
      if (age !== null) answer = { key: 'revocation.unknownAnswer', params: { source, age } };
      else if (failure !== null) answer = { key: 'revocation.unknownFailed', params: { error: failure } };
      else answer = { key: 'revocation.neverChecked' };
      break;
  }
  let problem: Line | null = null;
  if (failure !== null && age !== null) {
    problem = { key: 'revocation.failedKept', params: { error: failure, age } };
  } else if (status.stale && status.state !== 'unknown') {
    problem =
      status.next_update === null
        ? { key: 'revocation.staleNoDate' }
        : { key: 'revocation.stale', params: { date: formatDate(lang, status.next_update) } };
  }
  return { state: status.state, answer, problem };
}

/** A revocation status with nothing known (never checked). */
export function unknownRevocation(): RevocationStatus {
  return {
    state: 'unknown',
    source: null,
    revoked_at: null,
    reason: null,
    checked_at: null,
    this_update: null,
    next_update: null,
    error: null,
    stale: false,
  };
}
