// @vitest-environment happy-dom
// The orders and the audit log against a simulated Tauri IPC: the commands of
// src-tauri/commands/orders.rs with their arguments, what each state offers, the wizard's
// live validation, the .p12 password asked once and never retried by the UI itself.

import { emit } from '@tauri-apps/api/event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Order } from './lib/bindings/Order';
import type { OrderRequest } from './lib/bindings/OrderRequest';
import type { RuleViolation } from './lib/bindings/RuleViolation';
import {
  byTestId,
  choose,
  mockBackend,
  mountApp,
  resetApp,
  settle,
  sleep,
  typeInto,
  openWizard,
  chooseRoute,
  validated,
  type Backend,
  type IpcHandler,
} from './lib/ipc.test-support';
import { CSR_PEM, emptyDashboard, emptyReader, makeOrder, makeOrderOptions, makeProcedure, makeTeleservices } from './lib/test-fixtures';

const awaiting = makeOrder();
const installed = makeOrder({
  id: 'cmd-20251001-11111111',
  state: 'installed',
  request: { ...awaiting.request, environment: 'PROD', common_name: 'DMP' },
  csr_pem: null,
  certificate_sha256: 'ab'.repeat(32),
  not_after: '2028-10-01T12:00:00Z',
});
const revoked = makeOrder({ id: 'cmd-20240101-22222222', state: 'revoked', revocation_reason: 'key_compromise', key_in_keystore: false });

/** The rules the fake back end applies: enough to drive the wizard. */
function rules(request: OrderRequest): RuleViolation[] {
  const out: RuleViolation[] = [];
  if (request.organization.trim() === '') {
    out.push({ field: 'organization', code: 'csr.organization_empty', message: 'indiquez la raison sociale de la structure' });
  }
  if (request.structure_id.trim() === '') {
    out.push({ field: 'structure_id', code: 'csr.structure_empty', message: 'indiquez l’identifiant national' });
  }
  if (request.department === '') {
    out.push({ field: 'department', code: 'csr.department_empty', message: 'indiquez le numéro du département' });
  }
  if (request.common_name === '') {
    out.push({ field: 'common_name', code: 'csr.cn_empty', message: 'indiquez le téléservice' });
  } else if (request.common_name.toUpperCase().startsWith('INSI') && !['INSI-AUTO', 'INSI-MANU'].includes(request.common_name)) {
    out.push({
      field: 'common_name',
      code: 'csr.cn_insi',
      message: `« ${request.common_name} » ne convient pas pour INSi : choisissez INSI-AUTO ou INSI-MANU`,
    });
  }
  return out;
}

let orders: Order[];
let backend: Backend;
let handler: IpcHandler;

function baseHandler(cmd: string, args: Record<string, unknown> | undefined): unknown {
  switch (cmd) {
    case 'get_dashboard':
      return emptyDashboard();
    case 'card_status':
      return emptyReader();
    case 'list_orders':
      return orders;
    case 'order_options':
      return makeOrderOptions();
    case 'validate_order':
      return rules(args?.request as OrderRequest);
    case 'audit_log':
      return [];
    case 'install_choices':
      return { places: ['nss', 'p12', 'pem_files'], recommended: 'nss', advice: 'browser' };
    case 'get_procedure':
      return makeProcedure();
    case 'list_teleservices':
      return makeTeleservices();
    case 'list_habilitations':
      return [];
    case 'check_habilitation':
      return { covered: true, establishment_recorded: true, warning: null };
  }
  throw { code: 'test.unexpected', message: cmd };
}

beforeEach(() => {
  orders = [awaiting, installed, revoked];
  handler = baseHandler;
  backend = mockBackend(() => handler);
});

afterEach(() => resetApp());

async function openOrders(): Promise<HTMLElement> {
  const root = await mountApp();
  byTestId(root, 'nav-orders').click();
  await settle();
  return root;
}

function items(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('[data-testid="order-item"]')];
}

function actionsOf(item: HTMLElement): string[] {
  return [...item.querySelectorAll<HTMLElement>('[data-testid^="order-action-"], [data-testid="open-portal"]')].map((b) =>
    b.dataset.testid === 'open-portal' ? 'open_portal' : b.dataset.testid!.replace('order-action-', ''),
  );
}

describe('navigation', () => {
  it('keeps the dashboard as home and switches to the orders and the log', async () => {
    const root = await mountApp();
    expect(byTestId(root, 'nav-dashboard').getAttribute('aria-current')).toBe('page');
    expect(root.querySelector('[data-testid="scan-button"]')).not.toBeNull();
    byTestId(root, 'nav-orders').click();
    await settle();
    expect(byTestId(root, 'nav-orders').getAttribute('aria-current')).toBe('page');
    expect(root.querySelector('[data-testid="orders-view"]')).not.toBeNull();
    // The scan buttons belong to the dashboard.
    expect(root.querySelector('[data-testid="scan-button"]')).toBeNull();
    byTestId(root, 'nav-audit').click();
    await settle();
    expect(root.querySelector('[data-testid="audit-view"]')).not.toBeNull();
    expect(backend.commands()).toContain('audit_log');
  });
});

describe('orders view', () => {
  it('lists the orders with their French state, environment and the actions of their state', async () => {
    const root = await openOrders();
    const [first, second, third] = items(root);
    expect(items(root).map((i) => i.dataset.state)).toEqual(['csr_exported', 'installed', 'revoked']);
    expect(byTestId(first, 'order-state').textContent).toBe('Demande (CSR) exportée');
    expect(byTestId(second, 'order-state').textContent).toBe('Installé');
    expect(byTestId(third, 'order-state').textContent).toBe('Révoqué');
    expect(byTestId(first, 'order-env').textContent).toBe('TEST');
    expect(byTestId(first, 'order-env').classList.contains('env-TEST')).toBe(true);
    expect(byTestId(second, 'order-expiry').textContent).toContain('1 oct. 2028');
    expect(actionsOf(first)).toEqual(['view_csr', 'open_portal', 'import', 'secrets', 'cancel']);
    expect(actionsOf(second)).toEqual(['install', 'renew', 'revoke', 'secrets']);
    expect(actionsOf(third)).toEqual([]);
    expect(third.textContent).toContain('Compromission de la clé');
  });

  it('lists the orders again when the back end says they changed', async () => {
    const root = await openOrders();
    expect(items(root).length).toBe(3);
    orders = [makeOrder({ id: 'cmd-resumed', state: 'key_generated' }), ...orders];
    await emit('orders-updated', null);
    await settle();
    expect(items(root).map((i) => i.dataset.orderId)[0]).toBe('cmd-resumed');
  });

  it('shows the CSR and records a save to the path chosen in the save dialog', async () => {
    handler = (cmd, args) => {
      if (cmd === 'plugin:dialog|save') return '/home/admin/insi.csr';
      if (cmd === 'export_csr') return CSR_PEM;
      return baseHandler(cmd, args);
    };
    const root = await openOrders();
    byTestId(items(root)[0], 'order-action-view_csr').click();
    await settle();
    const dialog = byTestId(root, 'csr-dialog');
    expect(byTestId<HTMLTextAreaElement>(dialog, 'csr-pem').value).toBe(CSR_PEM);
    byTestId(dialog, 'csr-save').click();
    await settle();
    expect(backend.callsOf('export_csr').map((c) => c.args)).toEqual([{ id: awaiting.id, path: '/home/admin/insi.csr' }]);
    expect(byTestId(dialog, 'csr-outcome').textContent).toContain('/home/admin/insi.csr');
  });

  it('explains that the TEST platform address is unknown', async () => {
    handler = (cmd, args) => {
      if (cmd === 'open_portal') throw { code: 'lifecycle.portal_unknown', message: 'adresse non publique' };
      return baseHandler(cmd, args);
    };
    const root = await openOrders();
    byTestId(items(root)[0], 'open-portal').click();
    await settle();
    expect(backend.callsOf('open_portal').map((c) => c.args)).toEqual([{ environment: 'TEST' }]);
    expect(byTestId(items(root)[0], 'portal-error').textContent).toContain('support de l’ANS');
  });

  it('cancels an order only after the confirmation', async () => {
    handler = (cmd, args) => {
      if (cmd === 'cancel_order') {
        orders = [{ ...awaiting, state: 'cancelled' }, installed, revoked];
        return orders[0];
      }
      return baseHandler(cmd, args);
    };
    const root = await openOrders();
    byTestId(items(root)[0], 'order-action-cancel').click();
    await settle();
    expect(backend.callsOf('cancel_order')).toEqual([]);
    byTestId(root, 'cancel-dialog-confirm').click();
    await settle();
    expect(backend.callsOf('cancel_order').map((c) => c.args)).toEqual([{ id: awaiting.id }]);
    expect(items(root)[0].dataset.state).toBe('cancelled');
    expect(root.querySelector('[data-testid="cancel-dialog"]')).toBeNull();
  });

  it('installs a .p12 with the password sent once and never kept in the fields', async () => {
    handler = (cmd, args) => {
      if (cmd === 'install_order') return ['/srv/insi.p12'];
      return baseHandler(cmd, args);
    };
    const root = await openOrders();
    byTestId(items(root)[1], 'order-action-install').click();
    await settle();
    const dialog = byTestId(root, 'install-dialog');
    // This computer's places, from the back end, with the default for the usage and why.
    expect(backend.callsOf('install_choices').map((c) => c.args)).toEqual([{ request: installed.request }]);
    expect([...dialog.querySelectorAll<HTMLInputElement>('[data-testid^="install-target-"]')].map((r) => [r.value, r.checked])).toEqual([
      ['nss', true],
      ['p12', false],
      ['pem_files', false],
    ]);
    expect(byTestId(dialog, 'install-advice').textContent).toContain('Firefox');
    choose(byTestId<HTMLInputElement>(dialog, 'install-target-p12'));
    typeInto(byTestId(dialog, 'install-p12-path'), '/srv/insi.p12');
    typeInto(byTestId(dialog, 'install-password'), 'S3cret!');
    typeInto(byTestId(dialog, 'install-password-confirm'), 'other');
    byTestId(dialog, 'install-submit').click();
    await settle();
    expect(backend.callsOf('install_order')).toEqual([]);
    expect(byTestId(dialog, 'install-problem').textContent).toBe('Les deux mots de passe ne sont pas identiques.');
    expect(byTestId<HTMLInputElement>(dialog, 'install-password').value).toBe('');

    typeInto(byTestId(dialog, 'install-password'), 'S3cret!');
    typeInto(byTestId(dialog, 'install-password-confirm'), 'S3cret!');
    choose(byTestId(dialog, 'install-legacy'));
    byTestId(dialog, 'install-submit').click();
    await settle();
    expect(backend.callsOf('install_order').map((c) => c.args)).toEqual([
      { id: installed.id, request: { kind: 'p12', path: '/srv/insi.p12', encryption: 'legacy', overwrite: false }, password: 'S3cret!' },
    ]);
    expect(byTestId<HTMLInputElement>(dialog, 'install-password').value).toBe('');
    expect(byTestId<HTMLInputElement>(dialog, 'install-password-confirm').value).toBe('');
    expect(byTestId(dialog, 'install-done').textContent).toContain('/srv/insi.p12');
  });

  it('offers the Windows stores on Windows, the one the usage calls for first, and installs there', async () => {
    handler = (cmd, args) => {
      if (cmd === 'install_choices')
        return { places: ['windows_user', 'windows_machine', 'p12', 'pem_files'], recommended: 'windows_machine', advice: 'windows_unattended' };
      if (cmd === 'install_order') return [];
      return baseHandler(cmd, args);
    };
    const root = await openOrders();
    byTestId(items(root)[1], 'order-action-install').click();
    await settle();
    const dialog = byTestId(root, 'install-dialog');
    const radios = [...dialog.querySelectorAll<HTMLInputElement>('[data-testid^="install-target-"]')];
    expect(radios.map((r) => r.closest('label')!.textContent!.trim())).toEqual([
      'Magasin Windows de l’utilisateur',
      'Magasin Windows de l’ordinateur (services sous un compte système)',
      'Fichier .p12 (certificat et clé protégés par un mot de passe)',
      'Fichiers PEM dans un dossier (clé, certificat, chaîne)',
    ]);
    expect(radios.find((r) => r.checked)?.value).toBe('windows_machine');
    expect(byTestId(dialog, 'install-advice').textContent).toContain('INSI-AUTO');
    expect(byTestId(dialog, 'install-store-hint').textContent).toContain('administrateur');
    expect(dialog.querySelector('[data-testid="install-password"]')).toBeNull();
    byTestId(dialog, 'install-submit').click();
    await settle();
    expect(backend.callsOf('install_order').map((c) => c.args)).toEqual([
      { id: installed.id, request: { kind: 'windows_store', location: 'local_machine' }, password: null },
    ]);

    choose(byTestId<HTMLInputElement>(dialog, 'install-target-windows_user'));
    expect(byTestId(dialog, 'install-store-hint').textContent).toContain('non exportable');
    byTestId(dialog, 'install-submit').click();
    await settle();
    expect(backend.callsOf('install_order')[1].args?.request).toEqual({ kind: 'windows_store', location: 'current_user' });
  });

  it('records a revocation only once the finality is acknowledged', async () => {
    handler = (cmd, args) => {
      if (cmd === 'revoke_order') return { ...installed, state: 'revoked' };
      return baseHandler(cmd, args);
    };
    const root = await openOrders();
    byTestId(items(root)[1], 'order-action-revoke').click();
    await settle();
    const dialog = byTestId(root, 'revoke-dialog');
    expect(byTestId<HTMLButtonElement>(dialog, 'revoke-submit').disabled).toBe(true);
    choose(byTestId<HTMLSelectElement>(dialog, 'revoke-reason'), 'key_compromise');
    choose(byTestId(dialog, 'revoke-understood'));
    byTestId(dialog, 'revoke-submit').click();
    await settle();
    expect(backend.callsOf('revoke_order').map((c) => c.args)).toEqual([{ id: installed.id, reason: 'key_compromise', confirmed: true }]);
    expect(byTestId(root, 'orders-notice').textContent).toContain('Révocation de DMP enregistrée');
  });

  it('shows a kept secret only after an explicit confirmation', async () => {
    handler = (cmd, args) => {
      if (cmd === 'save_secret') return null;
      if (cmd === 'show_secret') return 'REVOC-1234';
      return baseHandler(cmd, args);
    };
    const root = await openOrders();
    byTestId(items(root)[1], 'order-action-secrets').click();
    await settle();
    const dialog = byTestId(root, 'secret-dialog');
    typeInto(byTestId(dialog, 'secret-value'), 'REVOC-1234');
    byTestId(dialog, 'secret-save').click();
    await settle();
    expect(backend.callsOf('save_secret').map((c) => c.args)).toEqual([{ id: installed.id, kind: 'revocation_code', value: 'REVOC-1234' }]);
    expect(byTestId<HTMLInputElement>(dialog, 'secret-value').value).toBe('');

    byTestId(dialog, 'secret-show').click();
    await settle();
    expect(backend.callsOf('show_secret')).toEqual([]);
    byTestId(dialog, 'secret-show-confirm').click();
    await settle();
    expect(backend.callsOf('show_secret').map((c) => c.args)).toEqual([{ id: installed.id, kind: 'revocation_code', confirmed: true }]);
    expect(byTestId<HTMLInputElement>(dialog, 'secret-shown').value).toBe('REVOC-1234');
  });

  it('renews with a new key and shows the new request', async () => {
    const renewal = makeOrder({ id: 'cmd-20261129-33333333', state: 'key_generated', renews: installed.id });
    handler = (cmd, args) => {
      if (cmd === 'renew_order') return renewal;
      return baseHandler(cmd, args);
    };
    const root = await openOrders();
    byTestId(items(root)[1], 'order-action-renew').click();
    await settle();
    expect(backend.callsOf('renew_order').map((c) => c.args)).toEqual([{ id: installed.id }]);
    const dialog = byTestId(root, 'renew-dialog');
    expect(byTestId(dialog, 'renew-done').textContent).toContain('nouvelle bi-clé');
    expect(byTestId(dialog, 'csr-panel').dataset.csrFor).toBe(renewal.id);
  });
});

describe('the new request wizard', () => {
  /** The wizard, on the route of a key pair made here. */
  async function openLocalWizard(): Promise<HTMLElement> {
    const wizard = await openWizard(await mountApp());
    await chooseRoute(wizard, 'local_key');
    return wizard;
  }

  async function fillStructure(wizard: HTMLElement) {
    byTestId(wizard, 'wizard-next').click();
    await settle();
    typeInto(byTestId(wizard, 'wizard-organization'), 'CLINIQUE DES LILAS');
    typeInto(byTestId(wizard, 'wizard-structure-id'), '11B0073160');
    typeInto(byTestId(wizard, 'wizard-department-search'), '75');
    await validated();
    expect(byTestId<HTMLSelectElement>(wizard, 'wizard-department').value).toBe('75');
    byTestId(wizard, 'wizard-next').click();
    await settle();
  }

  it('marks unconfirmed profiles and TEST, with PROD by default', async () => {
    const wizard = await openLocalWizard();
    const profiles = [...wizard.querySelectorAll<HTMLElement>('[data-testid="wizard-profile"]')].map((p) => p.closest('label')!.textContent!);
    expect(profiles[0]).not.toContain('valeurs non confirmées');
    expect(profiles[1]).toContain('valeurs non confirmées');
    expect(byTestId<HTMLInputElement>(wizard, 'wizard-env-prod').checked).toBe(true);
    expect(wizard.querySelector('[data-testid="wizard-test-warning"]')).toBeNull();
    choose(byTestId(wizard, 'wizard-env-test'));
    expect(byTestId(wizard, 'wizard-test-warning').textContent).toContain('TEST');
  });

  it('shows each rule under its field and keeps the button disabled while any remains', async () => {
    const wizard = await openLocalWizard();
    choose(byTestId(wizard, 'wizard-env-test'));
    // Leaving the structure step with empty fields shows why, and stays.
    byTestId(wizard, 'wizard-next').click();
    await settle();
    byTestId(wizard, 'wizard-next').click();
    await validated();
    expect(byTestId(wizard, 'violations-organization').textContent).toBe('Indiquez la raison sociale de la structure');
    expect(wizard.querySelector('[data-testid="wizard-cn"]')).toBeNull();
    byTestId(wizard, 'wizard-back').click();
    await settle();

    await fillStructure(wizard);
    const cn = byTestId<HTMLInputElement>(wizard, 'wizard-cn');
    const suggestions = [...wizard.querySelectorAll('[data-testid="wizard-cn-suggestion"] .chip-name')].map((c) => c.textContent);
    expect(suggestions).toEqual(['INSI-AUTO', 'INSI-MANU', 'DMP']);
    // Each suggestion shows the téléservice it is for.
    const teleservices = [...wizard.querySelectorAll('[data-testid="wizard-cn-suggestion"] .chip-teleservice')].map((c) => c.textContent);
    expect(teleservices).toEqual(['INSi', 'INSi', 'DMP']);

    typeInto(cn, 'INSI');
    expect(byTestId<HTMLButtonElement>(wizard, 'wizard-generate').disabled).toBe(true);
    await validated();
    expect(byTestId(wizard, 'violations-common_name').textContent).toBe(
      '« INSI » ne convient pas pour INSi : choisissez INSI-AUTO ou INSI-MANU',
    );
    expect(cn.getAttribute('aria-invalid')).toBe('true');
    expect(byTestId<HTMLButtonElement>(wizard, 'wizard-generate').disabled).toBe(true);

    // A suggestion chip fills the name; the rule is met.
    (wizard.querySelectorAll<HTMLButtonElement>('[data-testid="wizard-cn-suggestion"]')[0]).click();
    await validated();
    expect(wizard.querySelector('[data-testid="violations-common_name"]')).toBeNull();
    expect(byTestId<HTMLButtonElement>(wizard, 'wizard-generate').disabled).toBe(false);
  });

  it('translates the rules by code in English', async () => {
    const root = await mountApp();
    choose(byTestId<HTMLSelectElement>(root, 'language-select'), 'en');
    byTestId(root, 'nav-orders').click();
    await settle();
    byTestId(root, 'orders-new').click();
    await settle();
    const wizard = byTestId(root, 'order-wizard');
    await chooseRoute(wizard, 'local_key');
    await fillStructure(wizard);
    typeInto(byTestId(wizard, 'wizard-cn'), 'INSI');
    await validated();
    expect(byTestId(wizard, 'violations-common_name').textContent).toBe('INSi accepts two names only: INSI-AUTO or INSI-MANU.');
  });

  it('generates the key, then shows the request with its actions', async () => {
    let answer: (order: Order) => void = () => {};
    handler = (cmd, args) => {
      if (cmd === 'create_order') return new Promise<Order>((resolve) => (answer = resolve));
      return baseHandler(cmd, args);
    };
    const wizard = await openLocalWizard();
    choose(byTestId(wizard, 'wizard-env-test'));
    await fillStructure(wizard);
    typeInto(byTestId(wizard, 'wizard-cn'), 'INSI-AUTO');
    await validated();
    byTestId(wizard, 'wizard-generate').click();
    await settle();
    expect(byTestId(wizard, 'wizard-progress').textContent).toContain('Génération de la bi-clé RSA 2048…');
    // What was typed, as makeOrder's TEST ORG AUTH_CLI INSI-AUTO request.
    expect(backend.callsOf('create_order').map((c) => c.args)).toEqual([{ request: makeOrder().request }]);
    answer(makeOrder({ state: 'key_generated' }));
    await settle();
    expect(byTestId(wizard, 'wizard-created').textContent).toContain('trousseau');
    expect(byTestId<HTMLTextAreaElement>(wizard, 'csr-pem').value).toBe(CSR_PEM);
    expect(wizard.querySelector('[data-testid="open-portal"]')).not.toBeNull();
    // The list behind shows the new order.
    expect(backend.callsOf('list_orders').length).toBeGreaterThanOrEqual(2);
  });

  it('says nothing was created when the keystore is locked', async () => {
    handler = (cmd, args) => {
      if (cmd === 'create_order') throw { code: 'keystore.locked', message: 'collection verrouillée' };
      return baseHandler(cmd, args);
    };
    const wizard = await openLocalWizard();
    await fillStructure(wizard);
    typeInto(byTestId(wizard, 'wizard-cn'), 'INSI-MANU');
    await validated();
    byTestId(wizard, 'wizard-generate').click();
    await settle();
    expect(byTestId(wizard, 'wizard-error').dataset.code).toBe('keystore.locked');
    expect(byTestId(wizard, 'wizard-error').textContent).toContain('déverrouillez-le');
    expect(wizard.textContent).toContain('Rien n’a été créé');
    expect(byTestId<HTMLButtonElement>(wizard, 'wizard-generate').disabled).toBe(false);
  });
});

describe('import', () => {
  it('asks the .p12 password once, never retries by itself, and lets the user retype', async () => {
    const passwords: Array<string | null> = [];
    handler = (cmd, args) => {
      if (cmd === 'import_certificate') {
        passwords.push(args?.password as string | null);
        if (args?.password === null) throw { code: 'import.password_required', message: 'mot de passe nécessaire' };
        if (args?.password !== 'right') throw { code: 'certs.p12_bad_password', message: 'mac' };
        const imported = makeOrder({ id: 'cmd-p12', state: 'certificate_imported', key_origin: 'portal_p12' });
        orders = [imported, ...orders];
        return { orders: [imported], already_imported: [] };
      }
      return baseHandler(cmd, args);
    };
    const root = await openOrders();
    typeInto(byTestId(root, 'import-path'), '/mnt/partage/asip-p12-EL-TEST-ORG-AUTH_CLI.p12');
    byTestId(root, 'import-submit').click();
    await settle();
    expect(passwords).toEqual([null]);
    const dialog = byTestId(root, 'import-password-dialog');
    expect(dialog.textContent).toContain('asip-p12-EL-TEST-ORG-AUTH_CLI.p12');

    typeInto(byTestId(dialog, 'import-password'), 'wrong');
    byTestId(dialog, 'import-password-submit').click();
    await settle();
    await sleep(50);
    await settle();
    expect(passwords).toEqual([null, 'wrong']);
    expect(byTestId(dialog, 'import-password-error').textContent).toContain('Mot de passe incorrect');
    expect(byTestId<HTMLInputElement>(dialog, 'import-password').value).toBe('');

    typeInto(byTestId(dialog, 'import-password'), 'right');
    byTestId(dialog, 'import-password-submit').click();
    await settle();
    expect(passwords).toEqual([null, 'wrong', 'right']);
    expect(root.querySelector('[data-testid="import-password-dialog"]')).toBeNull();
    expect(byTestId(root, 'import-result').textContent).toContain('Certificat importé pour la commande INSI-AUTO (cmd-p12)');
    expect(items(root)[0].dataset.orderId).toBe('cmd-p12');
  });

  it('imports files dropped on the orders view and says which order got its certificate, or that it already had it', async () => {
    const paths: string[] = [];
    handler = (cmd, args) => {
      if (cmd === 'import_certificate') {
        paths.push(args?.path as string);
        if (args?.path === '/tmp/again.pem') return { orders: [], already_imported: [awaiting.id] };
        if (args?.path === '/tmp/other.pem') throw { code: 'import.no_matching_key', message: 'aucune clé' };
        return { orders: [{ ...awaiting, state: 'certificate_imported' }], already_imported: [] };
      }
      if (cmd === 'add_watched') throw { code: 'test.unexpected', message: 'a drop on the orders view must not watch' };
      return baseHandler(cmd, args);
    };
    const root = await openOrders();
    await emit('tauri://drag-drop', { paths: ['/tmp/issued.pem', '/tmp/again.pem', '/tmp/other.pem'], position: { x: 1, y: 1 } });
    await settle(10);
    expect(paths).toEqual(['/tmp/issued.pem', '/tmp/again.pem', '/tmp/other.pem']);
    const results = [...root.querySelectorAll<HTMLElement>('[data-testid="import-result"]')];
    expect(results.map((r) => r.dataset.kind)).toEqual(['failed', 'already', 'imported']);
    expect(results[0].textContent).toContain('ne correspond à aucune clé de CertiSanté');
    expect(results[1].textContent).toContain('Déjà importé');
    expect(results[2].textContent).toContain('INSI-AUTO');
    expect(backend.callsOf('add_watched')).toEqual([]);
  });
});

describe('audit view', () => {
  it('lists the entries newest first with the actor kind, and verifies the chain', async () => {
    handler = (cmd, args) => {
      if (cmd === 'audit_log') {
        return [
          { seq: 1, at: '2026-11-29T10:00:00Z', actor: { kind: 'os_user', name: 'admin' }, action: 'order_created', object: 'cmd-1', details: { cn: 'INSI-AUTO' }, prev_hash: '0', hash: 'a' },
          { seq: 2, at: '2026-11-29T10:01:00Z', actor: { kind: 'card_holder', name: 'Jean DUPONT' }, action: 'csr_exported', object: 'cmd-1', details: { to: 'clipboard' }, prev_hash: 'a', hash: 'b' },
        ];
      }
      if (cmd === 'audit_verify') return { entries: 2, ok: false, first_bad_seq: 2, problem: 'edited' };
      return baseHandler(cmd, args);
    };
    const root = await mountApp();
    byTestId(root, 'nav-audit').click();
    await settle();
    expect(backend.callsOf('audit_log').map((c) => c.args)).toEqual([{ limit: 500 }]);
    const rows = [...root.querySelectorAll<HTMLElement>('[data-testid="audit-row"]')];
    expect(rows.map((r) => r.dataset.action)).toEqual(['csr_exported', 'order_created']);
    expect(rows[0].textContent).toContain('titulaire de la carte');
    expect(rows[0].textContent).toContain('Demande (CSR) exportée');
    expect(rows[1].textContent).toContain('utilisateur du système');
    byTestId(root, 'audit-verify').click();
    await settle();
    expect(byTestId(root, 'audit-verdict').textContent).toContain('Journal altéré à l’entrée n° 2');
  });
});
