// The orders screen's rules, from the back end's Order and RuleViolation: which actions an
// order offers in each state, which wizard step owns which field, the département search,
// and the debounced live validation. Pure module: no Svelte, no Tauri.

import type { DepartmentChoice } from './bindings/DepartmentChoice';
import type { KeyRoute } from './bindings/KeyRoute';
import type { NameSuggestion } from './bindings/NameSuggestion';
import type { Order } from './bindings/Order';
import type { OrderRequest } from './bindings/OrderRequest';
import type { OrderState } from './bindings/OrderState';
import type { ProfileChoice } from './bindings/ProfileChoice';
import type { RevocationReason } from './bindings/RevocationReason';
import type { RuleViolation } from './bindings/RuleViolation';

/** What the user can do with an order; also the i18n key suffix (`action.<id>`). */
export type OrderAction = 'view_csr' | 'open_portal' | 'import' | 'cancel' | 'install' | 'renew' | 'new_order' | 'revoke' | 'secrets';

/** The state's look in the list. */
export type StateTone = 'pending' | 'ready' | 'done' | 'ended' | 'danger';

export const ORDER_STATES: readonly OrderState[] = [
  'draft',
  'key_generated',
  'csr_exported',
  'certificate_imported',
  'installed',
  'renewed',
  'revoked',
  'expired',
  'cancelled',
];

/** The portal's reasons, in the order the revocation dialog lists them. */
export const REVOCATION_REASONS: readonly RevocationReason[] = [
  'key_compromise',
  'affiliation_changed',
  'superseded',
  'cessation_of_operation',
  'unspecified',
];

/**
 * An order's CSR went out to the platform (its history says so): a certificate may have
 * been issued from it, so cancelling it is not enough, the certificate must be revoked.
 */
export function csrWentOut(order: Pick<Order, 'state' | 'history'>): boolean {
  return order.state === 'csr_exported' || order.history.some((change) => change.state === 'csr_exported');
}

/** Waiting for the portal's certificate: the key exists, no certificate yet (as the core says). */
export function awaitsCertificate(state: OrderState): boolean {
  return state === 'key_generated' || state === 'csr_exported';
}

/**
 * The actions an order offers, in the order the list shows them. Mirrors what the core
 * accepts, minus what makes no sense to offer: renewing an order already renewed (its
 * renewal exists), revoking or installing an expired certificate, anything on a revoked or
 * cancelled order.
 */
export function orderActions(order: Pick<Order, 'state' | 'csr_pem' | 'key_in_keystore' | 'renewed_by'>): OrderAction[] {
  const actions: OrderAction[] = [];
  switch (order.state) {
    case 'draft':
      // A draft only exists after a crash between the order and its key; the core takes it
      // up at the next start. Until then it can only be abandoned.
      return ['cancel'];
    case 'key_generated':
    case 'csr_exported':
      if (order.csr_pem !== null) actions.push('view_csr');
      actions.push('open_portal', 'import', 'secrets', 'cancel');
      return actions;
    case 'certificate_imported':
    case 'installed':
    case 'renewed':
      if (order.key_in_keystore) actions.push('install');
      if (order.state !== 'renewed' && order.renewed_by === null) actions.push('renew');
      actions.push('revoke', 'secrets');
      return actions;
    case 'expired':
      return order.renewed_by === null ? ['new_order', 'secrets'] : ['secrets'];
    case 'revoked':
    case 'cancelled':
      return [];
  }
}

export function stateTone(state: OrderState): StateTone {
  switch (state) {
    case 'draft':
    case 'key_generated':
    case 'csr_exported':
      return 'pending';
    case 'certificate_imported':
      return 'ready';
    case 'installed':
      return 'done';
    case 'renewed':
    case 'cancelled':
      return 'ended';
    case 'revoked':
    case 'expired':
      return 'danger';
  }
}

// ---------------------------------------------------------------- the wizard

/** The request's fields, as RuleViolation.field names them. */
export type RequestField = 'environment' | 'usage' | 'organization' | 'structure_id' | 'department' | 'common_name';

/** The fields each step of the wizard asks for (step 1 is index 0). */
export const WIZARD_STEPS: readonly (readonly RequestField[])[] = [
  ['environment', 'usage'],
  ['organization', 'structure_id', 'department'],
  ['common_name'],
];

export function emptyRequest(): OrderRequest {
  return {
    environment: 'PROD',
    offer: 'ORG',
    usage: 'AUTH_CLI',
    organization: '',
    structure_id: '',
    department: '',
    common_name: '',
  };
}

/**
 * The wizard's steps as the list on top names them: where the key pair is made first, then
 * either the CSR path's four steps, or the platform's two (the .p12 it delivers imported).
 */
export function wizardStepKeys(route: KeyRoute | null): readonly WizardStepKey[] {
  switch (route) {
    case null:
      return ['wizard.stepRoute'];
    case 'local_key':
      return ['wizard.stepRoute', 'wizard.step1', 'wizard.step2', 'wizard.step3', 'wizard.step4'];
    case 'platform_key':
      return ['wizard.stepRoute', 'wizard.stepPlatform', 'wizard.stepImport'];
  }
}

export type WizardStepKey =
  | 'wizard.stepRoute'
  | 'wizard.step1'
  | 'wizard.step2'
  | 'wizard.step3'
  | 'wizard.step4'
  | 'wizard.stepPlatform'
  | 'wizard.stepImport';

/** The suggestion a CN is (the téléservice it names), if it is one of the profile's. */
export function suggestionOf(profile: Pick<ProfileChoice, 'suggestions'> | null, commonName: string): NameSuggestion | null {
  return profile?.suggestions?.find((s) => s.cn === commonName) ?? null;
}

/** The violations about one field. */
export function violationsOf(violations: readonly RuleViolation[], field: RequestField): RuleViolation[] {
  return violations.filter((v) => v.field === field);
}

/** True when a step's fields break no rule (the Next button's condition). */
export function stepIsValid(violations: readonly RuleViolation[], step: number): boolean {
  const fields = WIZARD_STEPS[step] ?? [];
  return !violations.some((v) => (fields as readonly string[]).includes(v.field));
}

/** The profile of an offer and usage, if the options list it. */
export function findProfile(profiles: readonly ProfileChoice[], request: Pick<OrderRequest, 'offer' | 'usage'>): ProfileChoice | null {
  return profiles.find((p) => p.offer === request.offer && p.usage === request.usage) ?? null;
}

/** Lower case, no accents, punctuation as spaces: "cote d or" finds "Côte-d'Or". */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * The départements matching what was typed: a code that starts with it ("97" → 971…976),
 * or a name that contains it, accents and case aside. Empty query: all of them.
 */
export function searchDepartments(departments: readonly DepartmentChoice[], query: string): DepartmentChoice[] {
  const wanted = fold(query);
  if (wanted === '') return [...departments];
  const code = query.trim().toUpperCase();
  return departments.filter((d) => d.code.toUpperCase().startsWith(code) || fold(d.name).includes(wanted));
}

/**
 * The département a search settles on by itself: the exact code typed, or the only match.
 * Null while the choice is still open.
 */
export function settledDepartment(matches: readonly DepartmentChoice[], query: string): DepartmentChoice | null {
  const code = query.trim().toUpperCase();
  return matches.find((d) => d.code.toUpperCase() === code) ?? (matches.length === 1 ? matches[0] : null);
}

export interface LiveValidator<Q = OrderRequest> {
  /** Asks for a validation of `request` after the delay; a newer call replaces it. */
  soon(request: Q): void;
  /** Validates now (no delay) and resolves once the answer is applied. */
  now(request: Q): Promise<void>;
  dispose(): void;
}

/**
 * Validates the request as the user types: one call once typing pauses for `delayMs`, and
 * only the newest answer is applied (an older call that answers late is dropped). Also
 * asks other questions of the request the same way (whether a habilitation covers it).
 */
export function createLiveValidator<Q extends object = OrderRequest, A = RuleViolation[]>(
  validate: (request: Q) => Promise<A>,
  apply: (answer: A) => void,
  fail: (error: unknown) => void,
  delayMs = 250,
): LiveValidator<Q> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let latest = 0;
  let disposed = false;

  async function run(request: Q): Promise<void> {
    const ticket = ++latest;
    try {
      const answer = await validate(request);
      if (!disposed && ticket === latest) apply(answer);
    } catch (error) {
      if (!disposed && ticket === latest) fail(error);
    }
  }

  function cancelTimer() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  return {
    soon(request) {
      cancelTimer();
      // A snapshot: the form keeps changing while the timer runs.
      const snapshot = { ...request };
      timer = setTimeout(() => {
        timer = null;
        void run(snapshot);
      }, delayMs);
    },
    now(request) {
      cancelTimer();
      return run({ ...request });
    },
    dispose() {
      disposed = true;
      cancelTimer();
    },
  };
}
