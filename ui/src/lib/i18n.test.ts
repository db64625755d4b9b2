import { describe, expect, it } from 'vitest';

import type { AuditAction } from './bindings/AuditAction';
import type { AuditProblem } from './bindings/AuditProblem';
import type { ChainStatus } from './bindings/ChainStatus';
import { ERROR_CODES } from './bindings/codes';
import {
  dictionaries,
  formatAge,
  formatDate,
  formatDaysLeft,
  formatFingerprint,
  knowsCode,
  LANGUAGES,
  translate,
  translateCode,
  translateViolation,
} from './i18n';
import { ORDER_STATES, REVOCATION_REASONS } from './orders';

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

describe('dictionaries', () => {
  it('have exactly the same keys in French and English', () => {
    const fr = Object.keys(dictionaries.fr).sort();
    const en = Object.keys(dictionaries.en).sort();
    expect(en).toEqual(fr);
    expect(fr.length).toBeGreaterThan(100);
  });

  it('have no empty string and the same placeholders in both languages', () => {
    for (const key of Object.keys(dictionaries.fr) as (keyof typeof dictionaries.fr)[]) {
      for (const lang of LANGUAGES) {
        expect(dictionaries[lang][key].trim(), `${lang} ${key}`).not.toBe('');
      }
      expect(placeholders(dictionaries.en[key]), key).toEqual(placeholders(dictionaries.fr[key]));
    }
  });

  it('have a French and an English text for every code the back end can give', () => {
    // ERROR_CODES is generated from Rust (every error enum's codes, the order rules', the
    // warnings'): a code added there without a text fails here.
    expect(ERROR_CODES.length).toBeGreaterThan(140);
    for (const code of ERROR_CODES) {
      expect(knowsCode(code), code).toBe(true);
      for (const lang of LANGUAGES) {
        expect(translateCode(lang, { code, message: '' }).trim(), `${lang} ${code}`).not.toBe('');
      }
      expect(translateCode('en', { code, message: '' }), code).not.toBe(translateCode('fr', { code, message: '' }));
    }
  });

  it('name every order state, revocation reason, audit action and problem, and rule', () => {
    const actions: AuditAction[] = [
      'order_created',
      'key_generated',
      'csr_exported',
      'certificate_imported',
      'installed',
      'exported',
      'renewed',
      'revoked',
      'secret_shown',
      'key_retired',
      'order_cancelled',
      'watch_added',
      'watch_removed',
      'settings_changed',
      'place_lost',
      'teleservices_recorded',
      'habilitation_recorded',
      'habilitation_removed',
    ];
    const problems: AuditProblem[] = ['edited', 'removed', 'reordered', 'head_mismatch'];
    const keys = [
      ...ORDER_STATES.map((s) => `orderState.${s}`),
      ...REVOCATION_REASONS.map((r) => `revocationReason.${r}`),
      ...actions.map((a) => `auditAction.${a}`),
      ...problems.map((p) => `audit.problem.${p}`),
      'actorKind.card_holder',
      'actorKind.os_user',
    ];
    for (const key of keys) {
      expect(Object.prototype.hasOwnProperty.call(dictionaries.fr, key), key).toBe(true);
    }
  });

  it('name every chain status', () => {
    // A record keyed by the generated type: a new status fails type checking until listed.
    const statuses: Record<ChainStatus, true> = {
      trusted: true,
      ca_expired: true,
      ca_not_yet_valid: true,
      signature_invalid: true,
      issuer_unknown: true,
      untrusted_root: true,
      issuer_not_ca: true,
      path_len_exceeded: true,
      unknown_critical_extension: true,
      invalid_extensions: true,
    };
    for (const status of Object.keys(statuses)) {
      for (const lang of LANGUAGES) {
        expect(Object.prototype.hasOwnProperty.call(dictionaries[lang], `chain.${status}`), `${lang} chain.${status}`).toBe(true);
      }
    }
  });
});

describe('issue 11 texts', () => {
  it('name the replaced status, the keystore place and the managed places in both languages', () => {
    expect(translate('fr', 'status.replaced')).toBe('Remplacé');
    expect(translate('en', 'status.replaced')).toBe('Replaced');
    expect(translate('fr', 'place.keystore')).toBe('Trousseau du système (clé privée)');
    expect(translate('en', 'place.keystore')).toBe('OS keystore (private key)');
    expect(translate('fr', 'details.managed')).toBe('Écrit par CertiSanté, vérifié à chaque analyse');
    expect(translate('en', 'details.managed')).toBe('Written by CertiSanté, checked at every scan');
    expect(translate('fr', 'pending.title')).toBe('Commandes en attente de la plateforme');
    expect(translate('en', 'auditAction.place_lost')).toBe('Place gone');
  });

  it('translate the places warnings by their code', () => {
    expect(translateCode('fr', { code: 'places.no_copy', message: 'x' })).toMatch(/plus installé nulle part/);
    expect(translateCode('en', { code: 'places.no_key', message: 'x' })).toMatch(/private key is nowhere/);
  });
});

describe('issue 14: the procedure’s words', () => {
  const texts = (lang: 'fr' | 'en') => Object.values(dictionaries[lang]);

  it('calls the cards CPx, never every card a CPS card, and names the CDE as the legal representative’s', () => {
    for (const text of texts('fr')) expect(text, text).not.toMatch(/carte CPS(?! «)/i);
    for (const text of texts('en')) expect(text, text).not.toMatch(/CPS card/i);
    expect(translate('fr', 'settings.card')).toBe('Carte CPx');
    expect(translate('en', 'settings.card')).toBe('CPx card');
    expect(translate('fr', 'card.checkUnavailable')).toMatch(/CPx \(CPS, CPE, CPA ou CDE\)/);
    expect(translate('fr', 'cardType.CDE')).toMatch(/représentant légal/);
    expect(translate('fr', 'cardType.CDE')).not.toMatch(/CPE/);
    expect(translate('en', 'cardType.CDE')).toMatch(/legal representative/);
  });

  it('names the offers as the procedure does, the key pair a bi-clé, and the platform a platform', () => {
    expect(translate('fr', 'offer.ORG')).toBe('ORG (personne morale)');
    expect(translate('fr', 'offer.SERV')).toBe('SERV (serveur applicatif)');
    expect(translate('en', 'offer.ORG')).toBe('ORG (legal entity)');
    expect(translate('en', 'offer.SERV')).toBe('SERV (application server)');
    expect(translate('fr', 'wizard.generate')).toMatch(/bi-clé/);
    expect(translate('en', 'wizard.generate')).toMatch(/key pair/);
    expect(translate('fr', 'orders.keyOrigin.portal_p12')).toBe('Bi-clé générée par la plateforme (.p12)');
    for (const text of texts('fr')) expect(text, text).not.toMatch(/portail/i);
    for (const text of texts('en')) expect(text, text).not.toMatch(/\bportal\b/i);
  });

  it('says that an expired certificate needs a new order, and where the help is', () => {
    expect(translate('fr', 'renewal.afterExpiry')).toMatch(/après expiration, il faut une nouvelle commande/i);
    expect(translate('en', 'renewal.afterExpiry')).toMatch(/a new order is needed/);
    expect(translate('fr', 'help.title')).toBe('Besoin d’aide ?');
    expect(translate('fr', 'nav.guide')).toBe('Avant de commander');
  });
});

describe('translateViolation', () => {
  const insi = { field: 'common_name', code: 'csr.cn_insi', message: '« INSI » ne convient pas pour INSi : choisissez INSI-AUTO ou INSI-MANU' };

  it('shows the back end French message in French, capitalised', () => {
    expect(translateViolation('fr', insi)).toBe('« INSI » ne convient pas pour INSi : choisissez INSI-AUTO ou INSI-MANU');
    expect(translateViolation('fr', { ...insi, message: 'indiquez la raison sociale' })).toBe('Indiquez la raison sociale');
  });

  it('translates by code in English, and keeps the message for an unknown code', () => {
    expect(translateViolation('en', insi)).toBe('INSi accepts two names only: INSI-AUTO or INSI-MANU.');
    expect(translateViolation('en', { ...insi, code: 'csr.brand_new', message: 'nouveau' })).toBe('Nouveau');
  });
});

describe('translate', () => {
  it('fills placeholders and formats numbers for the language', () => {
    expect(translate('fr', 'progress.count', { done: 3, total: 1200 })).toBe('3 / 1\u202f200 fichiers');
    expect(translate('en', 'progress.count', { done: 3, total: 1200 })).toBe('3 / 1,200 files');
  });

  it('leaves unknown placeholders as they are', () => {
    expect(translate('en', 'days.in')).toBe('in {n} d');
  });
});

describe('translateCode', () => {
  it('translates a known code and ignores the message', () => {
    expect(translateCode('fr', { code: 'certs.p12_bad_password', message: 'mac verify failure' })).toBe(
      'Mot de passe incorrect pour ce fichier PKCS#12.',
    );
    expect(translateCode('en', { code: 'registry.path_not_found', message: 'x' })).toBe('No such file or folder.');
  });

  it('falls back to the back end message for unknown codes', () => {
    expect(translateCode('fr', { code: 'certs.brand_new', message: 'something new' })).toBe('something new');
    expect(translateCode('en', { code: 'app.unknown', message: '' })).toBe('An unexpected error occurred.');
  });

  it('does not treat inherited properties as codes', () => {
    expect(translateCode('en', { code: 'constructor', message: 'raw' })).toBe('raw');
  });
});

describe('formatting', () => {
  it('formats dates in the selected language', () => {
    expect(formatDate('fr', '2028-04-03T12:00:00Z')).toBe('3 avr. 2028');
    expect(formatDate('en', '2028-04-03T12:00:00Z')).toBe('3 Apr 2028');
    expect(formatDate('fr', 'not a date')).toBe('not a date');
  });

  it('says how many days are left or since when it expired', () => {
    expect(formatDaysLeft('fr', 12, false)).toBe('dans 12 j');
    expect(formatDaysLeft('fr', -3, true)).toBe('expiré depuis 3 j');
    expect(formatDaysLeft('en', 12, false)).toBe('in 12 d');
    expect(formatDaysLeft('en', -3, true)).toBe('expired 3 d ago');
    expect(formatDaysLeft('fr', 0, false)).toBe('expire aujourd’hui');
    expect(formatDaysLeft('fr', 0, true)).toBe('expiré aujourd’hui');
  });

  it('groups fingerprints in colon-separated pairs', () => {
    expect(formatFingerprint('ab01cd')).toBe('AB:01:CD');
  });
});

describe('formatAge', () => {
  const now = new Date('2026-12-03T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();

  it('says how long ago, in words, in both languages', () => {
    expect(formatAge('fr', ago(20_000), now)).toBe('à l’instant');
    expect(formatAge('en', ago(20_000), now)).toBe('just now');
    expect(formatAge('fr', ago(5 * 60_000), now)).toBe('il y a 5 minutes');
    expect(formatAge('fr', ago(3 * 3_600_000 + 59 * 60_000), now)).toBe('il y a 3 heures');
    expect(formatAge('en', ago(3 * 3_600_000), now)).toBe('3 hours ago');
    expect(formatAge('fr', ago(2 * 86_400_000), now)).toBe('avant-hier');
    expect(formatAge('fr', ago(3 * 86_400_000), now)).toBe('il y a 3 jours');
    expect(formatAge('en', ago(86_400_000), now)).toBe('yesterday');
    expect(formatAge('fr', ago(65 * 86_400_000), now)).toBe('il y a 2 mois');
    expect(formatAge('en', ago(800 * 86_400_000), now)).toBe('2 years ago');
  });

  it('reads a time slightly in the future as just now, and keeps an unreadable one', () => {
    expect(formatAge('fr', new Date(now.getTime() + 30_000).toISOString(), now)).toBe('à l’instant');
    expect(formatAge('en', 'never', now)).toBe('never');
  });
});
