import { describe, expect, it } from 'vitest';

import type { AuditAction } from './bindings/AuditAction';
import type { AuditProblem } from './bindings/AuditProblem';
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

/** Every error or warning code the back end is documented to send. */
const BACKEND_CODES = [
  'certs.p12_bad_password',
  'registry.path_not_found',
  'certs.unrecognized_format',
  'certs.der_truncated',
  'certs.pem_invalid',
  'certs.empty_file',
  'certs.file_too_large',
  'certs.p12_password_required',
  'certs.p12_partly_encrypted',
  'certs.no_certificate',
  'certs.certificate_invalid',
  'certs.pkcs7_invalid',
  'certs.p12_invalid',
  'certs.p12_unsupported',
  'certs.io',
  'stores.unreadable',
  'registry.database',
  'registry.invalid_setting',
  'registry.not_watched',
  'igc.forged_issuer',
  'igc.unverified_issuer',
  'igc.structure_id_invalid',
  'app.no_backend',
  'app.internal',
  'card.pcsc_unavailable',
  'card.no_reader',
  'card.no_card',
  'card.pcsc_error',
  'token.pin_incorrect',
  'token.pin_locked',
  'token.pin_length',
  'token.pin_required',
  'token.pin_expired',
  'token.card_removed',
  'token.no_token',
  'token.module_not_found',
  'token.module_not_loadable',
  'token.already_logged_in',
  'token.not_logged_in',
  'token.key_not_found',
  'token.key_always_authenticate',
  'token.key_cannot_sign',
  'token.mechanism_mismatch',
  'token.mechanism_unsupported',
  'token.pkcs11_error',
  'token.login_cancelled',
  'install.key_invalid',
  'install.key_mismatch',
  'install.chain_invalid',
  'install.password_invalid',
  'install.invalid_name',
  'install.p12_bad_password',
  'install.p12_failed',
  'install.exists',
  'install.disk_full',
  'install.permission_denied',
  'install.io',
  'install.nss_tool_missing',
  'install.nss_failed',
  'install.windows_store',
  'install.macos_keychain',
  'audit.secret_in_details',
  // The lifecycle (orders, import, keys, keystore): src-tauri/commands/orders.rs.
  'keystore.unavailable',
  'keystore.locked',
  'keystore.too_large',
  'keystore.corrupt',
  'keystore.invalid_name',
  'keystore.failed',
  'keys.unsupported',
  'keys.invalid',
  'keys.generation_failed',
  'keys.signer_failed',
  'csr.key_not_accepted',
  'csr.build_failed',
  'csr.unreadable',
  'csr.not_a_csr',
  'lifecycle.invalid_request',
  'lifecycle.unknown_order',
  'lifecycle.wrong_state',
  'lifecycle.key_missing',
  'lifecycle.revocation_not_confirmed',
  'lifecycle.secret_not_confirmed',
  'lifecycle.no_secret',
  'lifecycle.io',
  'lifecycle.bad_install_request',
  'lifecycle.portal_unknown',
  'import.no_leaf',
  'import.no_matching_key',
  'import.chain_not_verified',
  'import.mismatch',
  'import.password_required',
  'import.key_without_certificate',
  'import.unknown_profile',
  'app.open_failed',
  // Issue 5: read-only workstation, exports.
  'app.read_only',
  'export.serialize',
  // Alerts (crates/core/src/alerts.rs).
  'alerts.days_out_of_range',
  'alerts.duplicate_days',
  'alerts.database',
  // Revocation (crates/core/src/revocation): kept failures, shown in the details.
  'revocation.no_source',
  'revocation.issuer_unknown',
  'revocation.certificate_invalid',
  'revocation.unreachable',
  'revocation.timeout',
  'revocation.http_status',
  'revocation.too_large',
  'revocation.crl_invalid',
  'revocation.crl_bad_signature',
  'revocation.crl_wrong_issuer',
  'revocation.crl_expired',
  'revocation.crl_not_yet_valid',
  'revocation.ocsp_invalid',
  'revocation.ocsp_refused',
  'revocation.ocsp_bad_signature',
  'revocation.ocsp_wrong_certificate',
  'revocation.ocsp_expired',
  'revocation.ocsp_not_yet_valid',
  'revocation.database',
];

/** The codes of the order rules (crates/core/src/csr/rules.rs), shown under their fields. */
const VIOLATION_CODES = [
  'csr.environment',
  'csr.profile_unknown',
  'csr.organization_chars',
  'csr.organization_empty',
  'csr.organization_too_long',
  'csr.structure_empty',
  'csr.structure_format',
  'csr.structure_kind',
  'csr.structure_check',
  'csr.department_empty',
  'csr.department_unknown',
  'csr.department_mismatch',
  'csr.cn_chars',
  'csr.cn_empty',
  'csr.cn_too_long',
  'csr.cn_insi',
  'csr.cn_fqdn',
  'csr.cn_wildcard',
];

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

  it('translate every documented back-end code', () => {
    for (const code of BACKEND_CODES) {
      expect(knowsCode(code), code).toBe(true);
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
    ];
    const problems: AuditProblem[] = ['edited', 'removed', 'reordered', 'head_mismatch'];
    const keys = [
      ...ORDER_STATES.map((s) => `orderState.${s}`),
      ...REVOCATION_REASONS.map((r) => `revocationReason.${r}`),
      ...actions.map((a) => `auditAction.${a}`),
      ...problems.map((p) => `audit.problem.${p}`),
      ...VIOLATION_CODES.map((c) => `violation.${c}`),
      'actorKind.card_holder',
      'actorKind.os_user',
    ];
    for (const key of keys) {
      expect(Object.prototype.hasOwnProperty.call(dictionaries.fr, key), key).toBe(true);
    }
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
