// @vitest-environment happy-dom
// One certificate, everywhere (issue 11), against a simulated Tauri IPC: the status
// "replaced", the keystore and managed places, the certificate and its order linked both
// ways (state, history, the actions left opening the orders view's dialogs, the successor),
// the orders waiting for the portal, and the places a scan found gone.

import { emit } from '@tauri-apps/api/event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { CertificateView } from './lib/bindings/CertificateView';
import type { Dashboard } from './lib/bindings/Dashboard';
import type { Order } from './lib/bindings/Order';
import type { OrderLink } from './lib/bindings/OrderLink';
import type { PendingOrder } from './lib/bindings/PendingOrder';
import { byTestId, certRows, choose, mockBackend, mountApp, openDetails, resetApp, settle, textOf, typeInto, type Backend, type IpcHandler } from './lib/ipc.test-support';
import { emptyDashboard, emptyReader, makeCert, makeOrder, makeOrderLink, makeOrderOptions } from './lib/test-fixtures';

const OLD_SHA = '11'.repeat(32);
const NEW_SHA = '22'.repeat(32);
const ORDER_ID = 'cmd-20251001-11111111';
const RENEWAL_ID = 'cmd-20261120-22222222';

const link = (overrides: Partial<OrderLink> = {}) => makeOrderLink({ id: ORDER_ID, ...overrides });

const keystorePlace = {
  path: `private-key/${ORDER_ID}`,
  kind: 'keystore',
  format: 'der',
  position: 0,
  has_private_key: true,
  integrity: 'not_applicable',
  managed: true,
} as const;

/** Ordered, imported and installed through CertiSanté: no folder watched holds it. */
const ordered = makeCert({
  sha256: OLD_SHA,
  cn: 'DMP',
  paths: [],
  places: [keystorePlace],
  order: link(),
});
const scanned = makeCert({ sha256: '33'.repeat(32), cn: 'SCANNE' });

const installedOrder: Order = makeOrder({
  id: ORDER_ID,
  state: 'installed',
  request: { ...makeOrder().request, environment: 'PROD', common_name: 'DMP' },
  csr_pem: null,
  certificate_sha256: OLD_SHA,
  not_after: '2028-04-03T12:00:00Z',
});

const pending: PendingOrder[] = [
  {
    id: 'cmd-20261101-aaaaaaaa',
    state: 'csr_exported',
    request: { ...makeOrder().request, common_name: 'INSI-MANU', usage: 'SIGN' },
    since: '2026-11-01T10:00:00Z',
    days_waiting: 12,
  },
  {
    id: 'cmd-20261129-bbbbbbbb',
    state: 'key_generated',
    request: { ...makeOrder().request, common_name: 'INSI-AUTO' },
    since: '2026-11-29T10:00:00Z',
    days_waiting: 3,
  },
];

let backend: Backend;
let handler: IpcHandler;
let current: Dashboard;
let orders: Order[];

function dashboard(certificates: CertificateView[], overrides: Partial<Dashboard> = {}): Dashboard {
  return { ...emptyDashboard(), certificates, ...overrides };
}

function baseHandler(cmd: string): unknown {
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
  }
  throw { code: 'test.unexpected', message: cmd };
}

beforeEach(() => {
  current = dashboard([ordered, scanned]);
  orders = [installedOrder];
  handler = baseHandler;
  backend = mockBackend(() => handler);
});

afterEach(() => resetApp());


describe('the status replaced', () => {
  const replaced = makeCert({
    sha256: OLD_SHA,
    cn: 'DMP',
    status: 'replaced',
    severity: 'ok',
    days_left: 20,
    order: link({ state: 'renewed', can_install: false, can_renew: false, replaced_by: { order_id: RENEWAL_ID, sha256: NEW_SHA, not_after: '2029-11-20T12:00:00Z' } }),
  });
  const successor = makeCert({ sha256: NEW_SHA, cn: 'DMP', days_left: 1090, not_after: '2029-11-20T12:00:00Z', order: link({ id: RENEWAL_ID }) });

  it('shows in the table in grey words, in the counts and the status filter, in French and English', async () => {
    current = dashboard([replaced, successor]);
    const root = await mountApp();
    const row = certRows(root).find((r) => r.dataset.sha256 === OLD_SHA)!;
    expect(row.dataset.status).toBe('replaced');
    expect(textOf(row, 'replaced-status')).toBe('Remplacé');
    expect(row.querySelector('.status-dot')?.getAttribute('aria-label')).toBe('Remplacé');
    expect(root.querySelector('.count-replaced')?.textContent?.replace(/\s+/g, ' ').trim()).toBe('Remplacé 1');
    const filter = byTestId<HTMLSelectElement>(root, 'filter-status');
    expect([...filter.options].map((o) => o.value)).toContain('replaced');
    choose(filter, 'replaced');
    await settle();
    expect(certRows(root).map((r) => r.dataset.sha256)).toEqual([OLD_SHA]);

    byTestId<HTMLSelectElement>(root, 'language-select').value = 'en';
    byTestId(root, 'language-select').dispatchEvent(new Event('change', { bubbles: true }));
    handler = (cmd) => (cmd === 'save_settings' ? current : baseHandler(cmd));
    await settle();
    expect(textOf(root, 'replaced-status')).toBe('Replaced');
  });

  it('says in the details what replaced it, and the link opens the successor', async () => {
    current = dashboard([replaced, successor]);
    const root = await mountApp();
    const details = await openDetails(root, OLD_SHA);
    expect(details.querySelector('.head')?.classList.contains('status-replaced')).toBe(true);
    const by = byTestId(details, 'details-replaced-by');
    expect(by.textContent).toContain('le certificat valable jusqu’au 20 nov. 2029');
    // Renewed: nothing left to install or renew; the old one may still be revoked.
    expect([...details.querySelectorAll<HTMLElement>('[data-testid^="details-order-"]')].map((b) => b.dataset.testid)).toEqual([
      'details-order-id',
      'details-order-state',
      'details-order-history',
      'details-order-revoke',
    ]);
    byTestId(by, 'details-successor').click();
    await settle();
    expect(byTestId(root, 'details-pane').dataset.sha256).toBe(NEW_SHA);
    expect(document.activeElement?.id).toBe('details-title');
  });

  it('says a renewal is under way, with its order’s state, until it is installed', async () => {
    current = dashboard([makeCert({ ...ordered, order: link({ renewal: { id: RENEWAL_ID, state: 'csr_exported' } }) })]);
    const root = await mountApp();
    const details = await openDetails(root, OLD_SHA);
    const renewal = byTestId(details, 'details-renewal');
    expect(renewal.textContent?.replace(/\s+/g, ' ').trim()).toBe(`Demande (CSR) exportée (commande ${RENEWAL_ID})`);
    expect(details.textContent).toContain('Renouvellement en cours');
    expect(details.querySelector('[data-testid="details-replaced-by"]')).toBeNull();
    // Not renewed twice: the renewal under way is the one to follow.
    expect(details.querySelector('[data-testid="details-order-renew"]')).toBeNull();
    expect(details.querySelector('[data-testid="details-order-install"]')).not.toBeNull();
    // The renewal's order opens on the orders view.
    byTestId(renewal, 'details-renewal-order').click();
    await settle();
    expect(byTestId(root, 'nav-orders').getAttribute('aria-current')).toBe('page');
  });
});

describe('places', () => {
  it('names the keystore entry and marks the places CertiSanté wrote', async () => {
    const installedFile = { path: '/srv/dmp.p12', kind: 'file', format: 'pkcs12', position: 0, has_private_key: true, integrity: 'not_applicable', managed: true } as const;
    const found = { ...installedFile, path: '/home/admin/copie.p12', integrity: 'unverified', managed: false } as const;
    current = dashboard([makeCert({ ...ordered, places: [keystorePlace, installedFile, found] })]);
    const root = await mountApp();
    const details = await openDetails(root, OLD_SHA);
    const places = [...details.querySelectorAll<HTMLElement>('[data-testid="place"]')];
    expect(places.map((p) => [p.dataset.kind, p.dataset.managed])).toEqual([
      ['keystore', 'true'],
      ['file', 'true'],
      ['file', 'false'],
    ]);
    expect(places[0].textContent).toContain(`private-key/${ORDER_ID}`);
    expect(places[0].textContent).toContain('Trousseau du système (clé privée)');
    // A keystore entry is no file: no format or position in it.
    expect(places[0].textContent).not.toContain('Position dans le fichier');
    expect(textOf(places[0], 'place-managed')).toBe('Écrit par CertiSanté, vérifié à chaque analyse');
    expect(textOf(places[1], 'place-managed')).toBe('Écrit par CertiSanté, vérifié à chaque analyse');
    expect(places[2].querySelector('[data-testid="place-managed"]')).toBeNull();
  });

  it('shows the places warnings of a managed certificate by their code', async () => {
    current = dashboard([
      makeCert({
        ...ordered,
        places: [],
        has_private_key: false,
        warnings: [
          { code: 'places.no_copy', message: 'installed nowhere' },
          { code: 'places.no_key', message: 'key nowhere' },
        ],
      }),
    ]);
    const root = await mountApp();
    const details = await openDetails(root, OLD_SHA);
    const warnings = [...details.querySelectorAll<HTMLElement>('[data-testid="cert-warning"]')];
    expect(warnings.map((w) => w.dataset.code)).toEqual(['places.no_copy', 'places.no_key']);
    expect(warnings[0].textContent).toContain('plus installé nulle part');
    expect(warnings[1].textContent).toContain('clé privée de ce certificat n’est plus nulle part');
    // Installing it again is the thing to do: put first.
    expect(byTestId(details, 'details-order-install').classList.contains('btn-primary')).toBe(true);
  });
});

describe('a certificate’s order in its details', () => {
  it('shows the order’s state, its history with dates and the actions left', async () => {
    const root = await mountApp();
    const details = await openDetails(root, OLD_SHA);
    const order = byTestId(details, 'details-order');
    expect(order.dataset.orderId).toBe(ORDER_ID);
    expect(textOf(order, 'details-order-id')).toBe(ORDER_ID);
    expect(textOf(order, 'details-order-state')).toBe('Installé');
    const history = [...byTestId(order, 'details-order-history').querySelectorAll('li')].map((li) => li.textContent?.replace(/\s+/g, ' ').trim());
    expect(history).toHaveLength(4);
    expect(history[0]).toMatch(/^Bi-clé générée 1 oct\. 2025/);
    expect(history[3]).toMatch(/^Installé 3 oct\. 2025/);
    expect(order.querySelector('time')?.getAttribute('datetime')).toBe('2025-10-01T09:00:00Z');
    const group = order.querySelector('[role="group"]')!;
    expect(group.getAttribute('aria-label')).toBe(`Actions sur la commande ${ORDER_ID}`);
    expect([...group.querySelectorAll('button')].map((b) => b.textContent?.trim())).toEqual([
      'Installer…',
      'Renouveler',
      'Révoquer…',
      'Voir la commande',
    ]);
    // Installed already: installing again is offered, not put first.
    expect(byTestId(group as HTMLElement, 'details-order-install').classList.contains('btn-primary')).toBe(false);
    // Nothing asked of the orders until an action is chosen.
    expect(backend.callsOf('list_orders')).toEqual([]);
  });

  it('offers only what the order still allows', async () => {
    current = dashboard([makeCert({ ...ordered, order: link({ state: 'revoked', can_install: false, can_renew: false, can_revoke: false }) })]);
    const root = await mountApp();
    const details = await openDetails(root, OLD_SHA);
    expect(details.querySelectorAll('[data-testid^="details-order-install"], [data-testid^="details-order-renew"], [data-testid^="details-order-revoke"]')).toHaveLength(0);
    expect(textOf(details, 'details-order-state')).toBe('Révoqué');
    expect(details.querySelector('[data-testid="details-show-order"]')).not.toBeNull();
  });

  it('puts the install first once the certificate is imported', async () => {
    current = dashboard([makeCert({ ...ordered, order: link({ state: 'certificate_imported' }) })]);
    const root = await mountApp();
    const details = await openDetails(root, OLD_SHA);
    expect(byTestId(details, 'details-order-install').classList.contains('btn-primary')).toBe(true);
    expect(textOf(details, 'details-order-state')).toBe('Certificat importé');
  });

  it('installs through the orders view’s dialog; the new place shows once the dashboard is read again', async () => {
    handler = (cmd) => {
      if (cmd === 'install_order') {
        const written = { path: '/srv/dmp.p12', kind: 'file', format: 'pkcs12', position: 0, has_private_key: true, integrity: 'not_applicable', managed: true } as const;
        current = dashboard([makeCert({ ...ordered, places: [keystorePlace, written] }), scanned]);
        return ['/srv/dmp.p12'];
      }
      return baseHandler(cmd);
    };
    const root = await mountApp();
    const details = await openDetails(root, OLD_SHA);
    const readsBefore = backend.callsOf('get_dashboard').length;
    byTestId(details, 'details-order-install').click();
    await settle();
    expect(backend.callsOf('list_orders')).toHaveLength(1);
    const dialog = byTestId(root, 'install-dialog');
    expect(dialog.textContent).toContain('DMP');
    typeInto(byTestId(dialog, 'install-p12-path'), '/srv/dmp.p12');
    typeInto(byTestId(dialog, 'install-password'), 'S3cret!');
    typeInto(byTestId(dialog, 'install-password-confirm'), 'S3cret!');
    byTestId<HTMLFormElement>(dialog, 'install-submit').click();
    await settle(10);
    expect(backend.callsOf('install_order').map((c) => c.args)).toEqual([
      { id: ORDER_ID, request: { kind: 'p12', path: '/srv/dmp.p12', encryption: 'modern', overwrite: false }, password: 'S3cret!' },
    ]);
    expect(textOf(dialog, 'install-done')).toContain('/srv/dmp.p12');
    expect(backend.callsOf('get_dashboard').length).toBe(readsBefore + 1);
    const places = [...byTestId(root, 'details-pane').querySelectorAll<HTMLElement>('[data-testid="place"]')];
    expect(places.map((p) => p.textContent?.includes('/srv/dmp.p12'))).toEqual([false, true]);
    byTestId(root, 'install-close').click();
    await settle();
    expect(root.querySelector('[data-testid="install-dialog"]')).toBeNull();
  });

  it('renews and revokes through the orders view’s dialogs', async () => {
    const renewal = makeOrder({ id: RENEWAL_ID, state: 'key_generated', renews: ORDER_ID });
    handler = (cmd) => {
      if (cmd === 'renew_order') return renewal;
      if (cmd === 'revoke_order') return { ...installedOrder, state: 'revoked' };
      return baseHandler(cmd);
    };
    const root = await mountApp();
    let details = await openDetails(root, OLD_SHA);
    byTestId(details, 'details-order-renew').click();
    await settle(10);
    expect(backend.callsOf('renew_order').map((c) => c.args)).toEqual([{ id: ORDER_ID }]);
    const renew = byTestId(root, 'renew-dialog');
    expect(textOf(renew, 'renew-done')).toContain('nouvelle bi-clé');
    expect(byTestId(renew, 'csr-panel').dataset.csrFor).toBe(RENEWAL_ID);
    renew.querySelector<HTMLButtonElement>('.modal-head .close')!.click();
    await settle();

    details = byTestId(root, 'details-pane');
    byTestId(details, 'details-order-revoke').click();
    await settle();
    const revoke = byTestId(root, 'revoke-dialog');
    choose(byTestId(revoke, 'revoke-understood'));
    byTestId(revoke, 'revoke-submit').click();
    await settle(10);
    expect(backend.callsOf('revoke_order').map((c) => c.args)).toEqual([{ id: ORDER_ID, reason: 'superseded', confirmed: true }]);
    expect(root.querySelector('[data-testid="revoke-dialog"]')).toBeNull();
  });

  it('switches to the orders view on that order', async () => {
    const root = await mountApp();
    const details = await openDetails(root, OLD_SHA);
    byTestId(details, 'details-show-order').click();
    await settle(8);
    expect(byTestId(root, 'nav-orders').getAttribute('aria-current')).toBe('page');
    const item = root.querySelector<HTMLElement>(`[data-testid="order-item"][data-order-id="${ORDER_ID}"]`)!;
    expect(item.classList.contains('highlighted')).toBe(true);
    expect(document.activeElement).toBe(item);
  });

  it('shows the order’s state and history on a read-only workstation, and no action', async () => {
    current = dashboard([ordered], { read_only: { enabled: true, forced: true } });
    const root = await mountApp();
    const details = await openDetails(root, OLD_SHA);
    expect(textOf(details, 'details-order-state')).toBe('Installé');
    expect(byTestId(details, 'details-order-history').querySelectorAll('li')).toHaveLength(4);
    expect(details.querySelector('[data-testid="details-order"] button')).toBeNull();
    expect(backend.callsOf('list_orders')).toEqual([]);
  });
});

describe('an order’s certificate in the orders view', () => {
  it('shows its status and days left, and opens it on the dashboard', async () => {
    const awaiting = makeOrder();
    orders = [awaiting, installedOrder];
    const root = await mountApp();
    byTestId(root, 'nav-orders').click();
    await settle();
    const items = [...root.querySelectorAll<HTMLElement>('[data-testid="order-item"]')];
    expect(items[0].querySelector('[data-testid="order-certificate"]')).toBeNull();
    const certificate = byTestId(items[1], 'order-certificate');
    expect(certificate.dataset.status).toBe('valid');
    expect(certificate.textContent).toContain('Certificat : Valide, dans 400 j');
    byTestId(certificate, 'order-open-certificate').click();
    await settle();
    expect(byTestId(root, 'nav-dashboard').getAttribute('aria-current')).toBe('page');
    expect(byTestId(root, 'details-pane').dataset.sha256).toBe(OLD_SHA);
  });

  it('has the dashboard read again when an import gives an order its certificate', async () => {
    const awaiting = makeOrder();
    orders = [awaiting];
    current = dashboard([], { pending_orders: [{ ...pending[1], id: awaiting.id }] });
    handler = (cmd) => {
      if (cmd === 'import_certificate') {
        orders = [{ ...awaiting, state: 'certificate_imported', certificate_sha256: OLD_SHA }];
        current = dashboard([makeCert({ ...ordered, order: link({ id: awaiting.id, state: 'certificate_imported' }) })]);
        return { orders, already_imported: [] };
      }
      return baseHandler(cmd);
    };
    const root = await mountApp();
    expect(certRows(root)).toHaveLength(0);
    byTestId(root, 'nav-orders').click();
    await settle();
    typeInto(byTestId(root, 'import-path'), '/tmp/issued.pem');
    byTestId(root, 'import-submit').click();
    await settle(10);
    expect(textOf(root, 'order-certificate')).toContain('Certificat : Valide');
    byTestId(root, 'nav-dashboard').click();
    await settle();
    // Listed without any folder watched; no longer waiting.
    expect(certRows(root).map((r) => r.dataset.sha256)).toEqual([OLD_SHA]);
    expect(root.querySelector('[data-testid="pending-orders"]')).toBeNull();
    expect(backend.callsOf('add_watched')).toEqual([]);
  });
});

describe('orders waiting for the portal', () => {
  it('show as their own section, the ones waiting beyond 7 days to chase', async () => {
    current = dashboard([scanned], { pending_orders: pending });
    const root = await mountApp();
    const section = byTestId(root, 'pending-orders');
    expect(section.querySelector('h2')?.textContent?.replace(/\s+/g, ' ').trim()).toBe('Commandes en attente de la plateforme (2)');
    expect(section.getAttribute('aria-labelledby')).toBe(section.querySelector('h2')?.id);
    const rows = [...section.querySelectorAll<HTMLElement>('[data-testid="pending-order"]')];
    expect(rows.map((r) => r.dataset.late)).toEqual(['true', 'false']);
    expect(rows[0].textContent).toContain('INSI-MANU');
    expect(rows[0].textContent).toContain('Signature');
    expect(rows[0].textContent).toContain('1 nov. 2026');
    expect(rows[0].textContent).toContain('Demande (CSR) exportée');
    expect(textOf(rows[0], 'pending-days')).toBe('12 j à relancer');
    expect(textOf(rows[1], 'pending-days')).toBe('3 j');
    expect(rows[1].querySelector('[data-testid="pending-chase"]')).toBeNull();
    // The CN leads to the order.
    byTestId(rows[0], 'pending-open').click();
    await settle(8);
    expect(byTestId(root, 'nav-orders').getAttribute('aria-current')).toBe('page');
  });

  it('show with no certificate at all, in English too', async () => {
    current = dashboard([], { pending_orders: pending, settings: { ...emptyDashboard().settings, language: 'en' } });
    const root = await mountApp();
    const section = byTestId(root, 'pending-orders');
    expect(section.querySelector('h2')?.textContent).toContain('Orders waiting for the platform');
    expect(textOf(section, 'pending-days')).toBe('12 d to chase');
  });

  it('show on a read-only workstation as information only', async () => {
    current = dashboard([scanned], { pending_orders: pending, read_only: { enabled: true, forced: true } });
    const root = await mountApp();
    const section = byTestId(root, 'pending-orders');
    expect(section.querySelectorAll('[data-testid="pending-order"]')).toHaveLength(2);
    expect(section.querySelector('button')).toBeNull();
    expect(backend.callsOf('list_orders')).toEqual([]);
  });

  it('do not show when none waits', async () => {
    const root = await mountApp();
    expect(root.querySelector('[data-testid="pending-orders"]')).toBeNull();
  });
});

describe('places a scan found gone', () => {
  const summary = { files_seen: 3, files_parsed: 0, files_unchanged: 3, errors: 0 };

  it('are said after the scan, loudly when the last copy or the key went with them', async () => {
    const root = await mountApp();
    await emit('scan-started');
    await emit('scan-finished', {
      ...summary,
      places_lost: [
        { sha256: OLD_SHA, kind: 'file', location: '/srv/dmp.p12', order_id: ORDER_ID, last_copy: true, key_lost: false },
        // A certificate of the chain in the same .p12 (listed without an order): counted only.
        { sha256: scanned.sha256, kind: 'file', location: '/srv/dmp.p12', order_id: ORDER_ID, last_copy: true, key_lost: false },
        { sha256: OLD_SHA, kind: 'keystore', location: `private-key/${ORDER_ID}`, order_id: ORDER_ID, last_copy: false, key_lost: true },
      ],
    });
    await settle();
    const notice = byTestId(root, 'places-lost');
    expect(notice.getAttribute('role')).toBe('alert');
    expect(notice.dataset.serious).toBe('true');
    expect(notice.textContent).toContain('Des emplacements écrits par CertiSanté ont disparu');
    const items = [...notice.querySelectorAll<HTMLElement>('[data-testid="place-lost"]')];
    expect(items).toHaveLength(2);
    expect(items[0].textContent).toContain('Fichier /srv/dmp.p12');
    expect(items[0].textContent).toContain(`DMP — commande ${ORDER_ID}`);
    expect(textOf(items[0], 'place-lost-last-copy')).toContain('dernière copie');
    expect(items[0].querySelector('[data-testid="place-lost-key"]')).toBeNull();
    expect(items[1].textContent).toContain('Trousseau du système (clé privée)');
    expect(textOf(items[1], 'place-lost-key')).toContain('clé privée n’était plus qu’à cet endroit');
    expect(items[0].querySelectorAll('[data-testid="place-lost-certificate"]')).toHaveLength(1);
    expect(items[0].textContent).toContain('et 1 certificat(s) de sa chaîne de certification');
    // The certificate named opens its details.
    const open = items[0].querySelector<HTMLButtonElement>('[data-testid="place-lost-certificate"] button')!;
    expect(open.getAttribute('aria-label')).toBe('Ouvrir les détails de DMP');
    open.click();
    await settle();
    expect(byTestId(root, 'details-pane').dataset.sha256).toBe(OLD_SHA);
    notice.querySelector<HTMLButtonElement>('button.close')!.click();
    await settle();
    expect(root.querySelector('[data-testid="places-lost"]')).toBeNull();
  });

  it('are a plain notice when other copies remain, and nothing is said when none is gone', async () => {
    const root = await mountApp();
    await emit('scan-finished', { ...summary, places_lost: [] });
    await settle();
    expect(root.querySelector('[data-testid="places-lost"]')).toBeNull();
    await emit('scan-finished', {
      ...summary,
      places_lost: [{ sha256: OLD_SHA, kind: 'nss', location: '/home/admin/.pki/nssdb', order_id: ORDER_ID, last_copy: false, key_lost: false }],
    });
    await settle();
    const notice = byTestId(root, 'places-lost');
    expect(notice.getAttribute('role')).toBe('status');
    expect(notice.dataset.serious).toBe('false');
    expect(notice.textContent).toContain('Magasin NSS (Firefox) /home/admin/.pki/nssdb');
    // A later scan that finds nothing more keeps the notice until it is dismissed.
    await emit('scan-finished', { ...summary, places_lost: [] });
    await settle();
    expect(root.querySelector('[data-testid="places-lost"]')).not.toBeNull();
  });
});
