import { describe, expect, it } from 'vitest';

import type { RevocationStatus } from './bindings/RevocationStatus';
import { dictionaries, translate, type Lang } from './i18n';
import { CRL_REASONS, describeRevocation, unknownRevocation } from './revocation';

const now = new Date('2026-12-03T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();

function status(overrides: Partial<RevocationStatus>): RevocationStatus {
  return { ...unknownRevocation(), ...overrides };
}

/** The texts as the details pane shows them. */
function texts(lang: Lang, revocation: RevocationStatus): [string, string | null] {
  const described = describeRevocation(lang, revocation, now);
  return [
    translate(lang, described.answer.key, described.answer.params),
    described.problem === null ? null : translate(lang, described.problem.key, described.problem.params),
  ];
}

describe('revocation texts', () => {
  it('a good answer with its source and age', () => {
    const good = status({ state: 'good', source: 'ocsp', checked_at: hoursAgo(3) });
    expect(texts('fr', good)).toEqual(['Valide (OCSP), vérifié il y a 3 heures', null]);
    expect(texts('en', good)).toEqual(['Valid (OCSP), checked 3 hours ago', null]);
  });

  it('a revocation with its date and translated reason', () => {
    const revoked = status({
      state: 'revoked',
      source: 'crl',
      revoked_at: '2026-11-12T09:30:00Z',
      reason: 'key_compromise',
      checked_at: hoursAgo(1),
    });
    expect(texts('fr', revoked)).toEqual(['Révoqué le 12 nov. 2026 — motif : compromission de la clé', null]);
    expect(texts('en', revoked)[0]).toBe('Revoked on 12 Nov 2026 — reason: key compromise');
    expect(texts('fr', { ...revoked, reason: null, revoked_at: null })[0]).toBe('Révoqué — motif : non précisé');
  });

  it('unknown: never checked, or why not', () => {
    expect(texts('fr', unknownRevocation())).toEqual(['Inconnu : pas encore vérifié', null]);
    const failed = status({ error: { code: 'revocation.unreachable', message: 'connection refused', at: hoursAgo(0) } });
    expect(texts('fr', failed)).toEqual(['Inconnu : serveur injoignable', null]);
    const unknownToServer = status({ source: 'ocsp', checked_at: hoursAgo(5) });
    expect(texts('en', unknownToServer)[0]).toBe('Unknown: the server (OCSP) does not know this certificate (answer obtained 5 hours ago)');
  });

  it('offline: the last known answer stays, with its age and the failure', () => {
    const kept = status({
      state: 'good',
      source: 'ocsp',
      checked_at: hoursAgo(72),
      error: { code: 'revocation.unreachable', message: 'x', at: hoursAgo(0) },
      stale: true,
    });
    expect(texts('fr', kept)).toEqual([
      'Valide (OCSP), vérifié il y a 3 jours',
      'Dernière vérification impossible (serveur injoignable) — la réponse obtenue il y a 3 jours est conservée',
    ]);
    expect(texts('en', kept)[1]).toBe('Last check failed (server unreachable) — the answer obtained 3 days ago is kept');
  });

  it('an answer past its next update is said to be outdated', () => {
    const stale = status({ state: 'good', source: 'crl', checked_at: hoursAgo(30), next_update: '2026-12-02T10:00:00Z', stale: true });
    expect(texts('fr', stale)[1]).toBe('Réponse périmée (mise à jour attendue le 2 déc. 2026) : conservée en attendant une nouvelle vérification');
  });

  it('names every RFC 5280 reason in both languages', () => {
    for (const reason of CRL_REASONS) {
      expect(Object.prototype.hasOwnProperty.call(dictionaries.fr, `crlReason.${reason}`), reason).toBe(true);
    }
  });
});
