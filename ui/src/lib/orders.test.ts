import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { OrderRequest } from './bindings/OrderRequest';
import type { OrderState } from './bindings/OrderState';
import type { RuleViolation } from './bindings/RuleViolation';
import {
  awaitsCertificate,
  createLiveValidator,
  csrWentOut,
  emptyRequest,
  fold,
  ORDER_STATES,
  orderActions,
  searchDepartments,
  settledDepartment,
  stateTone,
  stepIsValid,
  suggestionOf,
  violationsOf,
  wizardStepKeys,
} from './orders';
import { makeOrderOptions } from './test-fixtures';

function actionsIn(state: OrderState, extra: Partial<Parameters<typeof orderActions>[0]> = {}) {
  return orderActions({ state, csr_pem: '-----BEGIN CERTIFICATE REQUEST-----', key_in_keystore: true, renewed_by: null, ...extra });
}

describe('orderActions', () => {
  it('offers the CSR, the portal, the import, the secrets and cancelling while the certificate is awaited', () => {
    const awaiting = ['view_csr', 'open_portal', 'import', 'secrets', 'cancel'];
    expect(actionsIn('key_generated')).toEqual(awaiting);
    expect(actionsIn('csr_exported')).toEqual(awaiting);
    // A portal .p12 order never had a CSR.
    expect(actionsIn('csr_exported', { csr_pem: null })).toEqual(['open_portal', 'import', 'secrets', 'cancel']);
  });

  it('offers install, renew, revoke and the secrets once the certificate is in', () => {
    expect(actionsIn('certificate_imported')).toEqual(['install', 'renew', 'revoke', 'secrets']);
    expect(actionsIn('installed')).toEqual(['install', 'renew', 'revoke', 'secrets']);
  });

  it('does not renew twice, nor install without the key', () => {
    expect(actionsIn('installed', { renewed_by: 'cmd-2' })).toEqual(['install', 'revoke', 'secrets']);
    expect(actionsIn('renewed', { renewed_by: 'cmd-2' })).toEqual(['install', 'revoke', 'secrets']);
    expect(actionsIn('installed', { key_in_keystore: false })).toEqual(['renew', 'revoke', 'secrets']);
  });

  it('never renews an expired certificate (ANS: a new order), and offers nothing on a revoked or cancelled order', () => {
    expect(actionsIn('expired')).toEqual(['new_order', 'secrets']);
    expect(actionsIn('expired')).not.toContain('renew');
    expect(actionsIn('expired', { renewed_by: 'cmd-2' })).toEqual(['secrets']);
    expect(actionsIn('revoked')).toEqual([]);
    expect(actionsIn('cancelled')).toEqual([]);
    expect(actionsIn('draft')).toEqual(['cancel']);
  });

  it('knows when an order’s CSR went out to the platform (cancelling it is then not enough)', () => {
    const at = '2026-11-29T10:00:00Z';
    expect(csrWentOut({ state: 'key_generated', history: [{ state: 'key_generated', at }] })).toBe(false);
    expect(csrWentOut({ state: 'csr_exported', history: [] })).toBe(true);
    expect(csrWentOut({ state: 'key_generated', history: [{ state: 'key_generated', at }, { state: 'csr_exported', at }] })).toBe(true);
  });

  it('gives every state a tone and knows which states await the certificate', () => {
    expect(ORDER_STATES.length).toBe(9);
    expect(ORDER_STATES.filter(awaitsCertificate)).toEqual(['key_generated', 'csr_exported']);
    expect(ORDER_STATES.map(stateTone)).toEqual(['pending', 'pending', 'pending', 'ready', 'done', 'ended', 'danger', 'danger', 'ended']);
  });
});

const violations: RuleViolation[] = [
  { field: 'organization', code: 'csr.organization_empty', message: 'indiquez la raison sociale' },
  { field: 'common_name', code: 'csr.cn_insi', message: '« INSI » ne convient pas pour INSi' },
];

describe('wizard steps', () => {
  it('says which step has problems', () => {
    expect(stepIsValid(violations, 0)).toBe(true);
    expect(stepIsValid(violations, 1)).toBe(false);
    expect(stepIsValid(violations, 2)).toBe(false);
    expect(violationsOf(violations, 'common_name').map((v) => v.code)).toEqual(['csr.cn_insi']);
  });

  it('starts from a PROD ORG AUTH_CLI request', () => {
    expect(emptyRequest()).toMatchObject({ environment: 'PROD', offer: 'ORG', usage: 'AUTH_CLI', common_name: '' });
  });
});

describe('département search', () => {
  const all = [
    { code: '2A', name: 'Corse-du-Sud' },
    { code: '21', name: "Côte-d'Or" },
    { code: '75', name: 'Paris' },
    { code: '971', name: 'Guadeloupe' },
    { code: '974', name: 'La Réunion' },
  ];

  it('finds by code prefix or by name, accents and case aside', () => {
    expect(searchDepartments(all, '97').map((d) => d.code)).toEqual(['971', '974']);
    expect(searchDepartments(all, 'cote d or').map((d) => d.code)).toEqual(['21']);
    expect(searchDepartments(all, 'REUNION').map((d) => d.code)).toEqual(['974']);
    expect(searchDepartments(all, '').length).toBe(5);
    expect(fold("Côte-d'Or")).toBe('cote d or');
  });

  it('settles on an exact code or a single match only', () => {
    expect(settledDepartment(searchDepartments(all, '75'), '75')?.name).toBe('Paris');
    expect(settledDepartment(searchDepartments(all, '2a'), '2a')?.code).toBe('2A');
    expect(settledDepartment(searchDepartments(all, '97'), '97')).toBeNull();
    expect(settledDepartment(searchDepartments(all, 'guadel'), 'guadel')?.code).toBe('971');
  });
});

describe('createLiveValidator', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('validates once typing pauses, with the last request typed', async () => {
    const seen: OrderRequest[] = [];
    const applied: RuleViolation[][] = [];
    const validator = createLiveValidator(
      async (request) => {
        seen.push(request);
        return request.common_name === 'INSI' ? violations.slice(1) : [];
      },
      (v) => applied.push(v),
      () => {},
      250,
    );
    const request = emptyRequest();
    for (const cn of ['I', 'IN', 'INS', 'INSI']) {
      request.common_name = cn;
      validator.soon(request);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(250);
    expect(seen.map((r) => r.common_name)).toEqual(['INSI']);
    expect(applied).toEqual([violations.slice(1)]);
    validator.dispose();
  });

  it('drops an answer that a newer validation overtook', async () => {
    const answers: Array<(v: RuleViolation[]) => void> = [];
    const applied: RuleViolation[][] = [];
    const validator = createLiveValidator(
      () => new Promise<RuleViolation[]>((resolve) => answers.push(resolve)),
      (v) => applied.push(v),
      () => {},
    );
    const first = validator.now(emptyRequest());
    const second = validator.now(emptyRequest());
    answers[1]([]);
    answers[0](violations);
    await Promise.all([first, second]);
    expect(applied).toEqual([[]]);
  });

  it('asks other questions the same way (whether a habilitation covers the request)', async () => {
    const asked: Array<string | null> = [];
    const answers: boolean[] = [];
    const checker = createLiveValidator<{ request: OrderRequest; teleservice: string | null }, boolean>(
      async (query) => {
        asked.push(query.teleservice);
        return query.teleservice === 'INSi';
      },
      (covered) => answers.push(covered),
      () => {},
    );
    checker.soon({ request: emptyRequest(), teleservice: 'DMP' });
    checker.soon({ request: emptyRequest(), teleservice: 'INSi' });
    await vi.advanceTimersByTimeAsync(300);
    expect(asked).toEqual(['INSi']);
    expect(answers).toEqual([true]);
    checker.dispose();
  });
});

describe('the wizard’s routes and suggestions', () => {
  it('names the steps of each route: the key pair first, then the CSR path or the platform’s', () => {
    expect(wizardStepKeys(null)).toEqual(['wizard.stepRoute']);
    expect(wizardStepKeys('local_key')).toEqual(['wizard.stepRoute', 'wizard.step1', 'wizard.step2', 'wizard.step3', 'wizard.step4']);
    expect(wizardStepKeys('platform_key')).toEqual(['wizard.stepRoute', 'wizard.stepPlatform', 'wizard.stepImport']);
  });

  it('knows the téléservice a suggested name is for', () => {
    const [authCli] = makeOrderOptions().profiles;
    expect(suggestionOf(authCli, 'INSI-MANU')?.teleservice).toBe('INSi');
    expect(suggestionOf(authCli, 'DMP')?.teleservice).toBe('DMP');
    expect(suggestionOf(authCli, 'AUTRE')).toBeNull();
    expect(suggestionOf(null, 'DMP')).toBeNull();
  });
});
