// @vitest-environment happy-dom
// ANS's procedure in the app (issue 14), against a simulated Tauri IPC: a signing
// certificate's usable end, the téléservice ties (shown, filtered, recorded), the "Avant de
// commander" guide and its habilitations (read-only too), the wizard's two routes and its
// habilitation warning, "Ouvrir la plateforme" with the order's environment, a new order
// after expiry, the revocation proposed, and the help in context.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { CertificateView } from './lib/bindings/CertificateView';
import type { Dashboard } from './lib/bindings/Dashboard';
import type { Habilitation } from './lib/bindings/Habilitation';
import type { HabilitationCheck } from './lib/bindings/HabilitationCheck';
import type { Order } from './lib/bindings/Order';
import type { OrderLink } from './lib/bindings/OrderLink';
import type { OrderRequest } from './lib/bindings/OrderRequest';
import {
  byTestId,
  certRows,
  choose,
  mockBackend,
  mountApp,
  resetApp,
  settle,
  textOf,
  typeInto,
  openDetails,
  openWizard,
  chooseRoute,
  switchTo,
  validated,
  type Backend,
  type IpcHandler,
} from './lib/ipc.test-support';
import { emptyDashboard, emptyReader, makeCert, makeOrder, makeOrderLink, makeOrderOptions, makeProcedure, makeTeleservices } from './lib/test-fixtures';

const SIGN_SHA = '5a'.repeat(32);
const EXPIRED_SHA = '6b'.repeat(32);
const ORDER_ID = 'cmd-20231001-11111111';

/** ORG SIGN as ANS issues it: the key may sign until 1 March, the certificate lasts until 31 March. */
const signing = makeCert({
  sha256: SIGN_SHA,
  cn: 'DMP SIGNATURE',
  usage: 'SIGN',
  not_after: '2027-03-31T12:00:00Z',
  private_key_usage_end: '2027-03-01T12:00:00Z',
  usable_until: '2027-03-01T12:00:00Z',
  days_left: 85,
  teleservices: ['DMP'],
  teleservices_recorded: false,
});
const insi = makeCert({
  sha256: '7c'.repeat(32),
  cn: 'INSI-AUTO',
  not_after: '2027-06-01T12:00:00Z',
  days_left: 177,
  teleservices: ['INSi'],
  teleservices_recorded: true,
  warnings: [{ code: 'teleservice.shared', message: 'another live certificate of the same usage also serves INSi (INSI-MANU)' }],
});
const untied = makeCert({ sha256: '8d'.repeat(32), cn: 'PORTAIL', not_after: '2028-01-01T12:00:00Z', days_left: 391 });

/** The expired order of 2023 behind the expired certificate. */
const link = (overrides: Partial<OrderLink> = {}) =>
  makeOrderLink({
    id: ORDER_ID,
    state: 'expired',
    history: [
      { state: 'key_generated', at: '2023-10-01T09:00:00Z' },
      { state: 'csr_exported', at: '2023-10-01T09:05:00Z' },
      { state: 'certificate_imported', at: '2023-10-03T14:00:00Z' },
      { state: 'expired', at: '2026-10-03T14:00:00Z' },
    ],
    can_renew: false,
    can_revoke: false,
    ...overrides,
  });

const expiredRequest: OrderRequest = {
  environment: 'PROD',
  offer: 'ORG',
  usage: 'AUTH_CLI',
  organization: 'CENTRE HOSPITALIER DE TEST',
  structure_id: '1750712184',
  department: '75',
  common_name: 'DMP',
};
const expiredCert = makeCert({
  sha256: EXPIRED_SHA,
  cn: 'DMP',
  status: 'expired',
  severity: 'critical',
  days_left: -60,
  not_after: '2026-10-03T12:00:00Z',
  order: link(),
});
const expiredOrder: Order = makeOrder({
  id: ORDER_ID,
  state: 'expired',
  request: expiredRequest,
  csr_pem: null,
  certificate_sha256: EXPIRED_SHA,
  not_after: '2026-10-03T12:00:00Z',
});

const recorded: Habilitation = { structure_id: '11B0073160', offer: 'ORG', usage: 'AUTH_CLI', teleservice: null, note: 'formulaire n°413 envoyé' };

let backend: Backend;
let handler: IpcHandler;
let current: Dashboard;
let orders: Order[];
let habilitations: Habilitation[];
let habilitationCheck: HabilitationCheck;

function dashboard(certificates: CertificateView[], overrides: Partial<Dashboard> = {}): Dashboard {
  return { ...emptyDashboard(), certificates, ...overrides };
}

function baseHandler(cmd: string, args: Record<string, unknown> | undefined): unknown {
  switch (cmd) {
    case 'get_dashboard':
    case 'rescan':
      return current;
    case 'card_status':
      return emptyReader();
    case 'list_orders':
      return orders;
    case 'order_options':
      return makeOrderOptions();
    case 'validate_order':
      return [];
    case 'get_procedure':
      return makeProcedure();
    case 'list_teleservices':
      return makeTeleservices();
    case 'list_habilitations':
      return habilitations;
    case 'record_habilitation':
      habilitations = [...habilitations, args?.habilitation as Habilitation];
      return habilitations;
    case 'remove_habilitation':
      habilitations = habilitations.filter((h) => JSON.stringify(h) !== JSON.stringify(args?.habilitation));
      return habilitations;
    case 'check_habilitation':
      return habilitationCheck;
    case 'set_teleservices': {
      const ties = args?.teleservices as string[];
      current = dashboard(current.certificates.map((c) => (c.sha256 === args?.sha256 ? { ...c, teleservices: ties, teleservices_recorded: true } : c)));
      return current;
    }
  }
  throw { code: 'test.unexpected', message: cmd };
}

beforeEach(() => {
  current = dashboard([signing, insi, untied]);
  orders = [];
  habilitations = [recorded];
  habilitationCheck = { covered: true, establishment_recorded: true, warning: null };
  handler = baseHandler;
  backend = mockBackend(() => handler);
});

afterEach(() => resetApp());


function rowOf(root: HTMLElement, sha256: string): HTMLElement {
  return certRows(root).find((r) => r.dataset.sha256 === sha256)!;
}

describe('a signing certificate’s usable end', () => {
  it('shows in the table, sorted by it, with the certificate’s own end in the tooltip', async () => {
    const root = await mountApp();
    const cell = byTestId(rowOf(root, SIGN_SHA), 'cert-expiry');
    expect(cell.textContent).toContain('1 mars 2027');
    expect(cell.textContent).not.toContain('31 mars 2027');
    expect(textOf(cell, 'cert-key-end')).toBe('fin de la clé');
    expect(cell.title).toMatch(/^Clé de signature utilisable jusqu’au 1 mars 2027.*fin du certificat le 31 mars 2027/);
    // A certificate without a key period: its own end, no mark.
    expect(rowOf(root, untied.sha256).querySelector('[data-testid="cert-key-end"]')).toBeNull();

    // Sorted on the usable end: descending puts PORTAIL, then INSI-AUTO, then the signing one.
    const expiryHeader = [...root.querySelectorAll<HTMLButtonElement>('th button.sort')].find((b) => b.textContent?.includes('Expiration'))!;
    expiryHeader.click();
    expiryHeader.click();
    await settle();
    expect(certRows(root).map((r) => textOf(r, 'cert-cn')?.split(' ')[0])).toEqual(['PORTAIL', 'INSI-AUTO', 'DMP']);
  });

  it('shows both ends in the details, and why the earlier one counts', async () => {
    const root = await mountApp();
    const details = await openDetails(root, SIGN_SHA);
    expect(textOf(details, 'details-not-after')).toContain('31 mars 2027');
    expect(textOf(details, 'details-key-end')).toContain('1 mars 2027');
    expect(details.textContent).toContain('Clé de signature utilisable jusqu’au');
    expect(textOf(details, 'details-key-why')).toMatch(/privateKeyUsagePeriod.*la clé ne peut plus signer/);
    const other = await openDetails(root, untied.sha256);
    expect(other.querySelector('[data-testid="details-key-end"]')).toBeNull();
    expect(other.querySelector('[data-testid="details-key-why"]')).toBeNull();
  });

  it('says the same in English', async () => {
    const root = await mountApp();
    choose(byTestId<HTMLSelectElement>(root, 'language-select'), 'en');
    await settle();
    expect(textOf(rowOf(root, SIGN_SHA), 'cert-key-end')).toBe('key’s end');
    const details = await openDetails(root, SIGN_SHA);
    expect(details.textContent).toContain('Signing key usable until');
    expect(textOf(details, 'details-key-why')).toMatch(/may no longer sign/);
  });
});

describe('téléservice ties', () => {
  it('show in the table, read from the CN or recorded', async () => {
    const root = await mountApp();
    const read = byTestId(rowOf(root, SIGN_SHA), 'cert-teleservices');
    expect(read.textContent).toContain('DMP');
    expect(read.dataset.recorded).toBe('false');
    expect(read.title).toBe('lu dans le nom (CN), non enregistré');
    expect(byTestId(rowOf(root, insi.sha256), 'cert-teleservices').dataset.recorded).toBe('true');
    expect(rowOf(root, untied.sha256).querySelector('[data-testid="cert-teleservices"]')).toBeNull();
  });

  it('filter the dashboard: one téléservice, or none', async () => {
    const root = await mountApp();
    const select = byTestId<HTMLSelectElement>(root, 'filter-teleservice');
    expect([...select.options].map((o) => o.value)).toEqual(['all', 'DMP', 'INSi', 'none']);
    choose(select, 'INSi');
    await settle();
    expect(certRows(root).map((r) => r.dataset.sha256)).toEqual([insi.sha256]);
    choose(select, 'none');
    await settle();
    expect(certRows(root).map((r) => r.dataset.sha256)).toEqual([untied.sha256]);
    choose(select, 'all');
    await settle();
    expect(certRows(root)).toHaveLength(3);
  });

  it('are recorded from the details (read from the list), with ANS’s warnings beside them', async () => {
    const root = await mountApp();
    const warned = await openDetails(root, insi.sha256);
    const section = byTestId(warned, 'details-teleservices');
    expect(textOf(section, 'teleservices-origin')).toBe('enregistré');
    const warning = byTestId(section, 'cert-warning');
    expect(warning.dataset.code).toBe('teleservice.shared');
    expect(warning.textContent).toMatch(/un certificat par téléservice/);

    const details = await openDetails(root, SIGN_SHA);
    expect(textOf(details, 'teleservices-origin')).toBe('lu dans le nom (CN), non enregistré');
    // Nothing asked until the user changes them.
    expect(backend.callsOf('list_teleservices')).toEqual([]);
    byTestId(details, 'teleservices-edit').click();
    await settle();
    const boxes = [...details.querySelectorAll<HTMLInputElement>('[data-testid="teleservice-choice"]')];
    expect(boxes.map((b) => b.value)).toEqual(['DMP', 'INSi', 'ROC', 'MSSante', 'SAS']);
    expect(boxes.filter((b) => b.checked).map((b) => b.value)).toEqual(['DMP']);
    choose(boxes[2]);
    byTestId(details, 'teleservices-save').click();
    await settle();
    expect(backend.callsOf('set_teleservices').map((c) => c.args)).toEqual([{ sha256: SIGN_SHA, teleservices: ['DMP', 'ROC'] }]);
    expect(textOf(byTestId(root, 'details-pane'), 'teleservices-origin')).toBe('enregistré');
    expect(byTestId(root, 'notice-banner').textContent).toContain('Téléservices de DMP SIGNATURE enregistrés.');
    expect(byTestId(rowOf(root, SIGN_SHA), 'cert-teleservices').textContent).toContain('ROC');
  });

  it('are shown, not changed, on a read-only workstation', async () => {
    current = dashboard([signing], { read_only: { enabled: true, forced: true } });
    const root = await mountApp();
    const details = await openDetails(root, SIGN_SHA);
    expect(byTestId(details, 'details-teleservices').textContent).toContain('DMP');
    expect(details.querySelector('[data-testid="teleservices-edit"]')).toBeNull();
  });
});

describe('the "Avant de commander" guide', () => {
  it('shows the three steps from the procedure’s data, with forms, roles, routes, addresses and sources', async () => {
    const root = await mountApp();
    await switchTo(root, 'guide');
    expect(byTestId(root, 'nav-guide').getAttribute('aria-current')).toBe('page');
    const steps = [...root.querySelectorAll<HTMLElement>('[data-testid="guide-step"]')];
    expect(steps.map((s) => s.dataset.step)).toEqual(['prerequisites', 'habilitation', 'order']);
    expect(steps[0].querySelector('h3')?.textContent).toBe('1. Prérequis');
    expect([...steps[0].querySelectorAll<HTMLElement>('[data-testid="guide-form"]')].map((f) => f.dataset.form)).toEqual(['101', '301', '502']);
    expect(textOf(steps[0], 'guide-form')).toMatch(/^Sinon, à envoyer : Formulaire n°101/);
    const mandataire = steps[0].querySelector<HTMLElement>('[data-testid="guide-role"][data-role="mandataire"]')!;
    expect(mandataire.textContent).toContain('demander la réfection des codes confidentiels perdus');
    expect(mandataire.textContent).toContain('révoquer des certificats');
    expect(steps[1].textContent).toMatch(/formulaire n°413 : la partie 4\.1 nomme le téléservice, la partie 4\.2 l'offre/);
    expect(steps[1].textContent).toContain('averti par courriel');
    expect([...steps[2].querySelectorAll<HTMLElement>('[data-testid="guide-route"]')].map((r) => r.dataset.route)).toEqual(['platform_key', 'local_key']);
    const opened = steps[2].querySelector<HTMLElement>('[data-testid="guide-platform"][data-opened="true"]')!;
    expect(opened.textContent).toContain('https://pfc-auth.eservices.esante.gouv.fr');
    expect(opened.textContent).toContain('Source : ANS (ex-ASIP Santé), « Procédure de commande');
    expect(steps.every((s) => /Source : /.test(s.textContent ?? ''))).toBe(true);
    const help = byTestId(root, 'guide-help');
    expect(help.textContent).toContain('monserviceclient.certificats@asipsante.fr');
    expect(help.textContent).toContain('0 825 852 000');
    expect(help.textContent).toContain('du lundi au vendredi de 8 h à 20 h, le samedi de 8 h à 14 h');
    expect(help.textContent).toMatch(/chapitre 5 \(Prérequis\).*chapitre 8\.4\.3.*chapitre 11 \(Révocation\)/);
    expect(byTestId(root, 'guide-sources').textContent).toContain('ASIP_IGC-Sante_Guide-IHM');
  });

  it('lists, records and removes the establishment’s habilitations', async () => {
    const root = await mountApp();
    await switchTo(root, 'guide');
    const rows = () => [...root.querySelectorAll<HTMLElement>('[data-testid="habilitation"]')];
    const cells = (row: HTMLElement) => [...row.querySelectorAll('td')].map((td) => td.textContent?.trim());
    expect(rows().map(cells)).toEqual([['11B0073160', 'ORG · AUTH_CLI', 'Tous', 'formulaire n°413 envoyé', 'Retirer']]);
    typeInto(byTestId(root, 'habilitation-structure'), '750712184');
    choose(byTestId<HTMLSelectElement>(root, 'habilitation-profile'), 'SERV/SMIME');
    choose(byTestId<HTMLSelectElement>(root, 'habilitation-teleservice'), 'MSSante');
    typeInto(byTestId(root, 'habilitation-note'), 'M. Martin');
    byTestId(root, 'habilitation-add').click();
    await settle();
    expect(backend.callsOf('record_habilitation').map((c) => c.args)).toEqual([
      { habilitation: { structure_id: '750712184', offer: 'SERV', usage: 'SMIME', teleservice: 'MSSante', note: 'M. Martin' } },
    ]);
    expect(rows()).toHaveLength(2);
    expect(rows()[1].textContent).toContain('MSSanté (messagerie sécurisée de santé)');
    expect(byTestId(root, 'habilitations-notice').textContent).toContain('Habilitation enregistrée.');

    rows()[0].querySelector<HTMLButtonElement>('[data-testid="habilitation-remove"]')!.click();
    await settle();
    expect(backend.callsOf('remove_habilitation').map((c) => c.args)).toEqual([{ habilitation: recorded }]);
    expect(rows()).toHaveLength(1);
  });

  it('says why a habilitation is refused, by its code', async () => {
    handler = (cmd, args) => {
      if (cmd === 'record_habilitation') throw { code: 'habilitation.structure_invalid', message: 'x' };
      return baseHandler(cmd, args);
    };
    const root = await mountApp();
    await switchTo(root, 'guide');
    typeInto(byTestId(root, 'habilitation-structure'), 'abc');
    byTestId(root, 'habilitation-add').click();
    await settle();
    expect(byTestId(root, 'habilitation-error').dataset.code).toBe('habilitation.structure_invalid');
    expect(byTestId(root, 'habilitation-error').textContent).toContain('FINESS (9 caractères) ou le SIRET (14 chiffres)');
  });

  it('is reached from the orders view, and its "Nouvelle commande" opens the wizard', async () => {
    const root = await mountApp();
    await switchTo(root, 'orders');
    byTestId(root, 'orders-guide').click();
    await settle();
    expect(root.querySelector('[data-testid="guide-view"]')).not.toBeNull();
    byTestId(root, 'guide-new-order').click();
    await settle();
    expect(byTestId(root, 'nav-orders').getAttribute('aria-current')).toBe('page');
    expect(root.querySelector('[data-testid="order-wizard"]')).not.toBeNull();
  });

  it('shows in English', async () => {
    const root = await mountApp();
    choose(byTestId<HTMLSelectElement>(root, 'language-select'), 'en');
    await switchTo(root, 'guide');
    const steps = [...root.querySelectorAll<HTMLElement>('[data-testid="guide-step"]')];
    expect(steps[0].querySelector('h3')?.textContent).toBe('1. Prerequisites');
    expect(textOf(steps[0], 'guide-form')).toMatch(/^Otherwise, send: Form n°101/);
    expect(byTestId(root, 'guide-help').textContent).toContain('Monday to Friday 8:00–20:00, Saturday 8:00–14:00');
    expect(byTestId(root, 'nav-guide').textContent).toBe('Before ordering');
  });

  it('is offered on a read-only workstation, without any action nor any order command', async () => {
    current = dashboard([signing], { read_only: { enabled: true, forced: true } });
    const root = await mountApp();
    expect(root.querySelector('[data-testid="nav-orders"]')).toBeNull();
    await switchTo(root, 'guide');
    expect(root.querySelectorAll('[data-testid="guide-step"]')).toHaveLength(3);
    expect(root.querySelectorAll('[data-testid="habilitation"]')).toHaveLength(1);
    for (const testid of ['habilitation-form', 'habilitation-remove', 'guide-new-order']) {
      expect(root.querySelector(`[data-testid="${testid}"]`), testid).toBeNull();
    }
    for (const cmd of ['order_options', 'list_orders', 'record_habilitation', 'remove_habilitation', 'card_status']) {
      expect(backend.callsOf(cmd), cmd).toEqual([]);
    }
    expect(backend.callsOf('list_habilitations')).toHaveLength(1);
  });
});

describe('the wizard’s two routes', () => {
  it('offers both routes as equals, each with its trade-off, and the guide', async () => {
    const root = await mountApp();
    const wizard = await openWizard(root);
    const routes = [...wizard.querySelectorAll<HTMLElement>('[data-testid="wizard-route"]')];
    expect(routes.map((r) => r.dataset.route)).toEqual(['platform_key', 'local_key']);
    expect(routes[0].textContent).toContain("Générer la bi-clé sur la plateforme (recommandé par l'ANS)");
    expect(routes[0].textContent).toContain('délivre un fichier .p12');
    expect(routes[1].textContent).toContain('Générer la bi-clé sur ce poste');
    expect(routes[1].textContent).toContain('La clé privée ne quitte jamais ce poste');
    // Neither is chosen beforehand, nor given the focus.
    expect(wizard.querySelector('[data-testid="wizard-profile"]')).toBeNull();
    expect(document.activeElement).toBe(byTestId(wizard, 'wizard-routes'));
    byTestId(wizard, 'wizard-guide-link').click();
    await settle();
    expect(root.querySelector('[data-testid="order-wizard"]')).toBeNull();
    expect(root.querySelector('[data-testid="guide-view"]')).not.toBeNull();
  });

  it('the platform’s route: its steps, the habilitations recorded, then the .p12 it delivers imported into a tracked order', async () => {
    const p12 = '/home/admin/Téléchargements/asip-p12-EL-PROD-ORG-AUTH_CLI-20261205-101500.p12';
    const imported = makeOrder({ id: 'cmd-p12', state: 'certificate_imported', key_origin: 'portal_p12', csr_pem: null });
    handler = (cmd, args) => {
      if (cmd === 'plugin:dialog|open') return p12;
      if (cmd === 'open_portal') return null;
      if (cmd === 'import_certificate') {
        if (args?.password === null) throw { code: 'import.password_required', message: 'mot de passe nécessaire' };
        orders = [imported];
        return { orders: [imported], already_imported: [] };
      }
      return baseHandler(cmd, args);
    };
    const root = await mountApp();
    const wizard = await openWizard(root);
    await chooseRoute(wizard, 'platform_key');
    expect([...wizard.querySelectorAll('.steps li')].map((li) => li.textContent?.trim().replace(/^\d+\s*/, ''))).toEqual(['Bi-clé', 'Sur la plateforme', 'Import du .p12']);
    expect(textOf(wizard, 'wizard-platform-steps')).toContain('retirez-le : vous choisissez un code de révocation');
    expect(textOf(wizard, 'wizard-habilitations')).toContain('ORG AUTH_CLI — 11B0073160');
    // "Ouvrir la plateforme" opens the environment chosen here.
    byTestId(wizard, 'open-portal').click();
    await settle();
    choose(byTestId(wizard, 'wizard-env-test'));
    byTestId(wizard, 'open-portal').click();
    await settle();
    expect(backend.callsOf('open_portal').map((c) => c.args)).toEqual([{ environment: 'PROD' }, { environment: 'TEST' }]);

    byTestId(wizard, 'wizard-import-p12').click();
    await settle();
    expect(root.querySelector('[data-testid="order-wizard"]')).toBeNull();
    expect(backend.callsOf('plugin:dialog|open')).toHaveLength(1);
    expect(backend.callsOf('import_certificate').map((c) => c.args)).toEqual([{ path: p12, password: null }]);
    typeInto(byTestId(root, 'import-password'), 'plateforme');
    byTestId(root, 'import-password-submit').click();
    await settle();
    expect(backend.callsOf('import_certificate').at(-1)?.args).toEqual({ path: p12, password: 'plateforme' });
    const item = byTestId(root, 'order-item');
    expect(item.dataset.orderId).toBe('cmd-p12');
    expect(item.textContent).toContain('Bi-clé générée par la plateforme (.p12)');
  });

  it('the platform’s route says when no habilitation is recorded', async () => {
    habilitations = [];
    const root = await mountApp();
    const wizard = await openWizard(root);
    await chooseRoute(wizard, 'platform_key');
    expect(textOf(wizard, 'wizard-habilitations')).toContain('Aucune habilitation n’est enregistrée');
  });

  it('this workstation’s route warns before an order outside the recorded habilitations, and still makes it', async () => {
    habilitationCheck = { covered: false, establishment_recorded: true, warning: 'habilitation.not_recorded' };
    handler = (cmd, args) => {
      if (cmd === 'create_order') return makeOrder({ state: 'key_generated' });
      return baseHandler(cmd, args);
    };
    const root = await mountApp();
    const wizard = await openWizard(root);
    await chooseRoute(wizard, 'local_key');
    expect([...wizard.querySelectorAll('.steps li')].map((li) => li.textContent?.trim().replace(/^\d+\s*/, ''))).toEqual([
      'Bi-clé',
      'Offre et environnement',
      'Structure',
      'Nom du certificat',
      'Demande (CSR)',
    ]);
    byTestId(wizard, 'wizard-next').click();
    await validated();
    typeInto(byTestId(wizard, 'wizard-organization'), 'CLINIQUE DES LILAS');
    typeInto(byTestId(wizard, 'wizard-structure-id'), '11B0073160');
    typeInto(byTestId(wizard, 'wizard-department-search'), '75');
    await validated();
    byTestId(wizard, 'wizard-next').click();
    await validated();
    // A suggestion names its téléservice, which the check is asked about.
    wizard.querySelector<HTMLButtonElement>('[data-testid="wizard-cn-suggestion"][data-cn="DMP"]')!.click();
    await validated();
    expect(textOf(wizard, 'wizard-cn-teleservice')).toBe('Téléservice DMP : Dossier médical partagé : authentification de la structure');
    const asked = backend.callsOf('check_habilitation').at(-1)?.args as { request: OrderRequest; teleservice: string | null };
    expect(asked.teleservice).toBe('DMP');
    expect(asked.request).toMatchObject({ offer: 'ORG', usage: 'AUTH_CLI', structure_id: '11B0073160', common_name: 'DMP' });
    const warning = byTestId(wizard, 'wizard-habilitation-warning');
    expect(warning.dataset.code).toBe('habilitation.not_recorded');
    expect(warning.textContent).toContain('Aucune habilitation enregistrée ne couvre cette commande');
    expect(warning.textContent).toContain('vous pouvez commander quand même');
    // A warning, not a block.
    expect(byTestId<HTMLButtonElement>(wizard, 'wizard-generate').disabled).toBe(false);
    byTestId(wizard, 'wizard-generate').click();
    await settle();
    expect(backend.callsOf('create_order')).toHaveLength(1);
    const commands = backend.commands();
    expect(commands.lastIndexOf('check_habilitation')).toBeLessThan(commands.indexOf('create_order'));
    expect(root.querySelector('[data-testid="wizard-created"]')).not.toBeNull();
  });

  it('says nothing when a recorded habilitation covers the order', async () => {
    const root = await mountApp();
    const wizard = await openWizard(root);
    await chooseRoute(wizard, 'local_key');
    byTestId(wizard, 'wizard-next').click();
    await validated();
    typeInto(byTestId(wizard, 'wizard-organization'), 'CLINIQUE DES LILAS');
    typeInto(byTestId(wizard, 'wizard-structure-id'), '11B0073160');
    typeInto(byTestId(wizard, 'wizard-department-search'), '75');
    await validated();
    byTestId(wizard, 'wizard-next').click();
    await validated();
    typeInto(byTestId(wizard, 'wizard-cn'), 'INSI-AUTO');
    await validated();
    expect(backend.callsOf('check_habilitation').length).toBeGreaterThan(0);
    expect(wizard.querySelector('[data-testid="wizard-habilitation-warning"]')).toBeNull();
  });

  it('offers the help: ANS’s customer service, the user guide’s chapters, under an error too', async () => {
    handler = (cmd, args) => {
      if (cmd === 'create_order') throw { code: 'keystore.locked', message: 'verrouillé' };
      return baseHandler(cmd, args);
    };
    const root = await mountApp();
    const wizard = await openWizard(root);
    await chooseRoute(wizard, 'local_key');
    const help = byTestId(wizard, 'wizard-help');
    expect(help.querySelector('summary')?.textContent).toBe('Besoin d’aide ?');
    expect(help.textContent).toContain('monserviceclient.certificats@asipsante.fr');
    expect(help.textContent).toContain('chapitre 5 (Prérequis)');
    byTestId(wizard, 'wizard-next').click();
    await validated();
    typeInto(byTestId(wizard, 'wizard-organization'), 'CLINIQUE DES LILAS');
    typeInto(byTestId(wizard, 'wizard-structure-id'), '11B0073160');
    typeInto(byTestId(wizard, 'wizard-department-search'), '75');
    await validated();
    byTestId(wizard, 'wizard-next').click();
    await validated();
    typeInto(byTestId(wizard, 'wizard-cn'), 'INSI-AUTO');
    await validated();
    byTestId(wizard, 'wizard-generate').click();
    await settle();
    const errorHelp = byTestId(byTestId(wizard, 'wizard-error'), 'wizard-error-help');
    expect(errorHelp.textContent).toContain('0 825 852 000');
  });
});

describe('renewal as ANS does it', () => {
  it('offers no renewal of an expired certificate, says why, and opens a new order prefilled from it', async () => {
    current = dashboard([expiredCert]);
    orders = [expiredOrder];
    const root = await mountApp();
    const details = await openDetails(root, EXPIRED_SHA);
    expect(details.querySelector('[data-testid="details-order-renew"]')).toBeNull();
    const note = byTestId(details, 'details-new-order-needed');
    expect(note.textContent).toContain('Après expiration, il faut une nouvelle commande.');
    expect(note.textContent).toContain('L\'ANS ne renouvelle un certificat que tant qu\'il est actif');
    byTestId(details, 'details-order-new_order').click();
    await settle();
    expect(byTestId(root, 'nav-orders').getAttribute('aria-current')).toBe('page');
    const wizard = byTestId(root, 'order-wizard');
    await chooseRoute(wizard, 'local_key');
    expect(byTestId<HTMLInputElement>(wizard, 'wizard-env-prod').checked).toBe(true);
    byTestId(wizard, 'wizard-next').click();
    await validated();
    expect(byTestId<HTMLInputElement>(wizard, 'wizard-organization').value).toBe('CENTRE HOSPITALIER DE TEST');
    expect(byTestId<HTMLInputElement>(wizard, 'wizard-structure-id').value).toBe('1750712184');
    expect(byTestId<HTMLSelectElement>(wizard, 'wizard-department').value).toBe('75');
  });

  it('in the orders view too: "Nouvelle commande" instead of "Renouveler"', async () => {
    current = dashboard([expiredCert]);
    orders = [expiredOrder];
    const root = await mountApp();
    await switchTo(root, 'orders');
    const item = byTestId(root, 'order-item');
    expect(item.querySelector('[data-testid="order-action-renew"]')).toBeNull();
    expect(textOf(item, 'order-new-order-needed')).toContain('il faut une nouvelle commande');
    byTestId(item, 'order-action-new_order').click();
    await settle();
    const wizard = byTestId(root, 'order-wizard');
    await chooseRoute(wizard, 'local_key');
    byTestId(wizard, 'wizard-next').click();
    await validated();
    expect(byTestId<HTMLInputElement>(wizard, 'wizard-organization').value).toBe('CENTRE HOSPITALIER DE TEST');
  });

  it('still renews a certificate while it is active', async () => {
    current = dashboard([makeCert({ ...expiredCert, status: 'valid', severity: 'ok', days_left: 30, order: link({ state: 'installed', can_renew: true }) })]);
    const root = await mountApp();
    const details = await openDetails(root, EXPIRED_SHA);
    expect(details.querySelector('[data-testid="details-order-renew"]')).not.toBeNull();
    expect(details.querySelector('[data-testid="details-new-order-needed"]')).toBeNull();
  });
});

describe('revocation proposed', () => {
  const awaiting = makeOrder({ id: 'cmd-awaiting', state: 'csr_exported' });
  const fresh = makeOrder({ id: 'cmd-fresh', state: 'key_generated', history: [{ state: 'key_generated', at: '2026-11-29T10:00:00Z' }] });

  it('after an import that does not match its order: the guided revocation of the order, with chapter 11', async () => {
    orders = [awaiting];
    handler = (cmd, args) => {
      if (cmd === 'import_certificate') throw { code: 'import.mismatch', message: 'CN : commandé INSI-AUTO, délivré INSI-MANU' };
      if (cmd === 'revoke_order') return { ...awaiting, state: 'revoked' };
      return baseHandler(cmd, args);
    };
    const root = await mountApp();
    await switchTo(root, 'orders');
    typeInto(byTestId(root, 'import-path'), '/tmp/wrong.pem');
    byTestId(root, 'import-submit').click();
    await settle();
    const proposal = byTestId(root, 'import-revoke-proposal');
    expect(proposal.textContent).toContain('Un certificat délivré par erreur doit être révoqué');
    expect(textOf(proposal, 'import-revoke-help-chapters')).toContain('chapitre 11 (Révocation)');
    byTestId(proposal, 'import-revoke').click();
    await settle();
    const dialog = byTestId(root, 'revoke-dialog');
    expect(textOf(dialog, 'revoke-help-chapters')).toContain('chapitre 11');
    choose(byTestId(dialog, 'revoke-understood'));
    byTestId(dialog, 'revoke-submit').click();
    await settle();
    expect(backend.callsOf('revoke_order').map((c) => c.args)).toEqual([{ id: awaiting.id, reason: 'superseded', confirmed: true }]);
  });

  it('before cancelling an order whose CSR went out; not for one that never left', async () => {
    orders = [awaiting, fresh];
    const root = await mountApp();
    await switchTo(root, 'orders');
    const [sent, kept] = [...root.querySelectorAll<HTMLElement>('[data-testid="order-item"]')];
    byTestId(kept, 'order-action-cancel').click();
    await settle();
    expect(byTestId(root, 'cancel-dialog').querySelector('[data-testid="cancel-revoke-proposal"]')).toBeNull();
    byTestId(root, 'cancel-dialog').querySelector<HTMLButtonElement>('.modal-foot .btn:not(.btn-danger), footer .btn:not(.btn-danger)')?.click();
    await settle();

    byTestId(sent, 'order-action-cancel').click();
    await settle();
    const proposal = byTestId(byTestId(root, 'cancel-dialog'), 'cancel-revoke-proposal');
    expect(proposal.textContent).toContain('l’annulation ne suffit pas');
    expect(byTestId(proposal, 'cancel-help').textContent).toContain('chapitre 11');
    byTestId(proposal, 'cancel-revoke').click();
    await settle();
    expect(root.querySelector('[data-testid="cancel-dialog"]')).toBeNull();
    expect(byTestId(root, 'revoke-dialog').textContent).toContain('INSI-AUTO');
    expect(backend.callsOf('cancel_order')).toEqual([]);
  });
});

describe('"Ouvrir la plateforme"', () => {
  it('opens the platform of the order’s environment through open_portal', async () => {
    orders = [makeOrder({ id: 'cmd-prod', request: { ...makeOrder().request, environment: 'PROD' } }), makeOrder({ id: 'cmd-test' })];
    handler = (cmd, args) => (cmd === 'open_portal' ? null : baseHandler(cmd, args));
    const root = await mountApp();
    await switchTo(root, 'orders');
    const [prod, test] = [...root.querySelectorAll<HTMLElement>('[data-testid="order-item"]')];
    byTestId(prod, 'open-portal').click();
    byTestId(test, 'open-portal').click();
    await settle();
    expect(backend.callsOf('open_portal').map((c) => c.args)).toEqual([{ environment: 'PROD' }, { environment: 'TEST' }]);
    expect(byTestId(prod, 'open-portal').textContent?.trim()).toBe('Ouvrir la plateforme IGC-Santé');
  });
});
