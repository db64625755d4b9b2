// The certificate lifecycle through the real app: a new TEST ORG AUTH_CLI request in the
// wizard (the INSi rule refused live, then met), the key made into the OS keystore (the
// harness's gnome-keyring), the order waiting for the portal on the dashboard, the CSR read
// from the page and signed by the test portal (`certisante-testpki portal sign`), the
// certificate imported through the path field and listed on the dashboard without any
// folder added, its details showing its order, installed as a .p12 (that OpenSSL opens)
// from those details, the new place listed, and the audit log verified intact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from './webdriver.mjs';

const ARTIFACTS = process.env.E2E_ARTIFACTS;
const work = mkdtempSync(join(process.env.E2E_WORK ?? tmpdir(), 'orders-'));
let session;

const $ = (testid) => `[data-testid="${testid}"]`;

/** Screenshots after the webview painted what the DOM already has. */
const shot = (name) => session.paintedScreenshot(join(ARTIFACTS, `orders-${name}.png`));

/** The dashboard's row of one certificate, once listed. */
async function rowOf(sha256, timeoutMs) {
  return session.waitFor(`the row of ${sha256}`, async () => {
    const [row] = await session.findAll(`${$('cert-row')}[data-sha256="${sha256}"]`);
    return row ?? null;
  }, timeoutMs);
}

/** Opens the details of one certificate from its row (a click on its row when open closes them). */
async function openDetails(sha256) {
  const [open] = await session.findAll(`${$('details-pane')}[data-sha256="${sha256}"]`);
  if (open) return open;
  const row = await rowOf(sha256);
  const [select] = await session.findAll('[data-testid="cert-cn"] button', row);
  await session.click(select);
  return session.waitFor('its details', async () => {
    const [pane] = await session.findAll(`${$('details-pane')}[data-sha256="${sha256}"]`);
    return pane ?? null;
  });
}

async function click(testid) {
  await session.click(await session.waitFor(testid, () => session.find($(testid))));
}

async function typeIn(testid, text) {
  await session.type(await session.waitFor(testid, () => session.find($(testid))), text);
}

/** The text of the first element with this test id, once it has some. */
async function textOf(testid, timeoutMs) {
  return session.waitFor(`text of ${testid}`, async () => {
    const [el] = await session.findAll($(testid));
    return el ? (await session.text(el)) || null : null;
  }, timeoutMs);
}

async function disabled(testid) {
  return session.execute(`return document.querySelector('${$(testid)}').disabled`);
}

before(async () => {
  for (const name of ['E2E_APP', 'E2E_TESTPKI', 'E2E_PORTAL', 'E2E_ARTIFACTS']) {
    assert.ok(process.env[name], `${name} is set by tests/e2e/run.sh`);
  }
  session = await Session.start(process.env.E2E_APP);
  await session.waitFor('the title', async () => session.text(await session.find($('app-title'))));
});

after(async () => {
  // The screen as the last step left it: what a failure looked like.
  await shot('last').catch(() => {});
  await session?.close();
});

let orderId;
let csrPem;
let certSha;
let watchedBefore;

test('a new request: the INSi rule is shown live, then the key and the CSR are made', async () => {
  // Clicked again until the view shows: a click while the app still lays out its header
  // (the card bar appears) may miss.
  await session.waitFor('the orders view', async () => {
    const [view] = await session.findAll($('orders-view'));
    if (view) return view;
    await click('nav-orders');
    return null;
  });
  await shot('1-view');

  await click('orders-new');
  await session.waitFor('the wizard', () => session.find($('order-wizard')));
  // The key pair made on this workstation: the CSR path (the platform's route is the guide test's).
  await session.waitFor('the routes', () => session.find(`${$('wizard-route')}[data-route="local_key"]`));
  await session.execute(`document.querySelector('${$('wizard-route')}[data-route="local_key"]').click()`);
  await session.waitFor('the profiles', () => session.find($('wizard-profile')));
  // WebKitWebDriver's native click on this radio (in a modal <dialog>) is hit-tested onto
  // the input yet leaves it unchecked; a DOM click (what a label click does) selects it.
  await click('wizard-env-test');
  await session.execute(`const r = document.querySelector('${$('wizard-env-test')}'); if (!r.checked) r.click();`);
  assert.match(await textOf('wizard-test-warning'), /TEST/);
  await shot('2-wizard-offer');
  await click('wizard-next');

  await typeIn('wizard-organization', 'CLINIQUE DES LILAS');
  await typeIn('wizard-structure-id', '11B0073160');
  await typeIn('wizard-department-search', '75');
  await session.waitFor('Paris chosen', async () =>
    (await session.execute(`return document.querySelector('${$('wizard-department')}').value`)) === '75' ? true : null,
  );
  await shot('3-wizard-structure');
  await click('wizard-next');

  await typeIn('wizard-cn', 'INSI');
  // Validation runs once typing pauses: wait for the verdict on "INSI", not the empty CN's.
  const violation = await session.waitFor('the INSi rule', async () => {
    const [el] = await session.findAll($('violations-common_name'));
    const text = el ? await session.text(el) : '';
    return /INSI-AUTO ou INSI-MANU/.test(text) ? text : null;
  });
  assert.match(violation, /INSI-AUTO ou INSI-MANU/);
  assert.equal(await disabled('wizard-generate'), true, 'no key while a rule is broken');
  await shot('4-wizard-cn-refused');

  await typeIn('wizard-cn', 'INSI-AUTO');
  await session.waitFor('the rules met', async () => ((await disabled('wizard-generate')) === false ? true : null));
  assert.equal((await session.findAll($('violations-common_name'))).length, 0);
  await click('wizard-generate');
  const created = await textOf('wizard-created', 60000);
  assert.match(created, /trousseau/);
  orderId = await textOf('wizard-order-id');
  csrPem = await session.execute(`return document.querySelector('${$('csr-pem')}').value`);
  assert.match(csrPem, /^-----BEGIN CERTIFICATE REQUEST-----/);
  await shot('5-wizard-csr');
  await click('wizard-finish');
  await session.waitFor('the order in the list', async () => {
    const state = await session.execute(`return document.querySelector('[data-order-id="${orderId}"]')?.dataset.state ?? null`);
    return state === 'key_generated' ? true : null;
  });
});

test('the order waits for the portal on the dashboard, in its own section', async () => {
  assert.ok(orderId, 'the request was made');
  await click('nav-dashboard');
  const row = await session.waitFor('the pending order', async () => {
    const [found] = await session.findAll(`${$('pending-order')}[data-order-id="${orderId}"]`);
    return found ?? null;
  });
  const section = await session.find($('pending-orders'));
  assert.match(await session.text(section), /Commandes en attente de la plateforme/);
  const text = await session.text(row);
  assert.match(text, /INSI-AUTO/);
  assert.match(text, /Authentification client/);
  assert.match(text, /0 j/);
  assert.equal(await session.attribute(row, 'data-late'), 'false', 'made today: nothing to chase yet');
  watchedBefore = (await session.findAll($('watched-item'))).length;
  await session.execute(`document.querySelector('${$('pending-orders')}').scrollIntoView({ block: 'center' })`);
  await shot('pending-fr');
  await session.setLanguage('en');
  assert.match(await session.text(await session.find($('pending-orders'))), /Orders waiting for the platform/);
  await session.execute(`document.querySelector('${$('pending-orders')}').scrollIntoView({ block: 'center' })`);
  await shot('pending-en');
  await session.setLanguage('fr');
  await click('nav-orders');
  await session.waitFor('the orders view', () => session.find($('orders-view')));
});

test('the portal signs the CSR; its certificate is imported through the path field', async () => {
  assert.ok(csrPem, 'the request was made');
  const csr = join(work, 'request.csr');
  const cert = join(work, 'issued.pem');
  writeFileSync(csr, csrPem);
  execFileSync(process.env.E2E_TESTPKI, ['portal', 'sign', process.env.E2E_PORTAL, '--csr', csr, '--offer', 'ORG', '--usage', 'AUTH_CLI', '--chain', '--out', cert]);

  await typeIn('import-path', cert);
  await click('import-submit');
  const result = await textOf('import-result', 30000);
  assert.match(result, new RegExp(`Certificat importé pour la commande INSI-AUTO \\(${orderId}\\)`), result);
  const state = await session.waitFor('certificate imported', async () => {
    const [item] = await session.findAll(`[data-order-id="${orderId}"] ${$('order-state')}`);
    const text = item ? await session.text(item) : '';
    return /certificat importé/i.test(text) ? text : null;
  });
  assert.match(state, /certificat importé/i);
  // The order shows its certificate as the dashboard lists it.
  const link = await session.waitFor('the order’s certificate', async () => {
    const [found] = await session.findAll(`[data-order-id="${orderId}"] ${$('order-open-certificate')}`);
    return found ?? null;
  });
  certSha = await session.attribute(link, 'data-sha256');
  assert.match(certSha, /^[0-9a-f]{64}$/);
  assert.match(await session.text(await session.find(`[data-order-id="${orderId}"] ${$('order-certificate')}`)), /Certificat : Valide, dans [\d\s]+ j/);
  await shot('6-imported');
});

test('the imported certificate is on the dashboard without any folder added, its details show its order', async () => {
  assert.ok(certSha, 'the certificate was imported');
  // From the order to its certificate: the dashboard, its details open.
  await session.click(await session.find(`[data-order-id="${orderId}"] ${$('order-open-certificate')}`));
  const pane = await session.waitFor('its details', async () => {
    const [found] = await session.findAll(`${$('details-pane')}[data-sha256="${certSha}"]`);
    return found ?? null;
  });
  await rowOf(certSha);
  assert.equal((await session.findAll($('watched-item'))).length, watchedBefore, 'no folder was added');
  assert.equal((await session.findAll(`${$('pending-order')}[data-order-id="${orderId}"]`)).length, 0, 'no longer waiting');
  const order = await session.find(`${$('details-pane')} ${$('details-order')}`);
  assert.equal(await session.attribute(order, 'data-order-id'), orderId);
  assert.equal(await session.text(await session.find($('details-order-state'))), 'Certificat importé');
  const history = await session.text(await session.find($('details-order-history')));
  for (const state of ['Bi-clé générée', 'Certificat importé']) assert.match(history, new RegExp(state));
  // Its only place so far: the key's entry in the OS keystore, written by CertiSanté.
  const places = await session.execute(
    `return [...document.querySelectorAll('[data-testid="details-pane"] [data-testid="place"]')].map((p) => [p.dataset.kind, p.dataset.managed, p.innerText])`,
  );
  assert.equal(places.length, 1, JSON.stringify(places));
  assert.deepEqual(places[0].slice(0, 2), ['keystore', 'true']);
  assert.match(places[0][2], /private-key\//);
  assert.match(places[0][2], /Écrit par CertiSanté, vérifié à chaque analyse/);
  assert.ok(pane);
  await session.execute(`document.querySelector('${$('details-order')}').scrollIntoView({ block: 'start' })`);
  await shot('details-order-fr');
  await session.setLanguage('en');
  assert.equal(await session.text(await session.find($('details-order-state'))), 'Certificate imported');
  await session.execute(`document.querySelector('${$('details-order')}').scrollIntoView({ block: 'start' })`);
  await shot('details-order-en');
  await session.setLanguage('fr');
});

test('installed from its details as a .p12 that OpenSSL opens with the password; the new place is listed', async () => {
  const p12 = join(work, 'insi-auto.p12');
  const password = 'Lilas-e2e-2026!';
  await openDetails(certSha);
  await click('details-order-install');
  await session.waitFor('the install dialog', () => session.find($('install-dialog')));
  // The back end's list for Linux (NSS, files), and for INSI-AUTO (calls without a user)
  // the PEM files a service reads, with the reason.
  await textOf('install-advice', 10000);
  const offered = await session.execute(
    `return [...document.querySelectorAll('[data-testid^="install-target-"]')].map((r) => r.value + (r.checked ? '*' : ''))`,
  );
  assert.deepEqual(offered, ['nss', 'p12', 'pem_files*']);
  await click('install-target-p12');
  await typeIn('install-p12-path', p12);
  await typeIn('install-password', password);
  await typeIn('install-password-confirm', password);
  await shot('7-install');
  await click('install-submit');
  const done = await textOf('install-done', 30000);
  assert.match(done, /insi-auto\.p12/);
  assert.equal(await session.execute(`return document.querySelector('${$('install-password')}').value`), '', 'the password is not kept');
  await shot('8-installed');
  assert.ok(existsSync(p12), `${p12} was written`);
  const passFile = join(work, 'p12.pass');
  writeFileSync(passFile, password, { mode: 0o600 });
  execFileSync('openssl', ['pkcs12', '-noout', '-in', p12, '-passin', `file:${passFile}`], { stdio: 'pipe' });
  await click('install-close');
  // The .p12 written is a place of the certificate now, checked at every scan.
  const place = await session.waitFor('the .p12 among the places', async () => {
    const found = await session.execute(
      `return [...document.querySelectorAll('[data-testid="details-pane"] [data-testid="place"]')].map((p) => [p.dataset.kind, p.dataset.managed, p.innerText]).find((p) => p[2].includes('insi-auto.p12')) ?? null`,
    );
    return found;
  });
  assert.deepEqual(place.slice(0, 2), ['file', 'true']);
  assert.match(place[2], /Écrit par CertiSanté/);
  assert.equal(await session.text(await session.find($('details-order-state'))), 'Installé');
  await session.execute(`document.querySelector('[data-testid="details-pane"] [data-testid="place"]:last-child').scrollIntoView({ block: 'center' })`);
  await shot('8b-place-added');
  await click('nav-orders');
  await session.waitFor('the order installed', async () => {
    const state = await session.execute(`return document.querySelector('[data-order-id="${orderId}"]')?.dataset.state ?? null`);
    return state === 'installed' ? true : null;
  });
});

test('a portal .p12: the password is asked, a wrong one is said so, the key moves into the keystore', async () => {
  const p12 = join(work, 'asip-p12-EL-TEST-ORG-AUTH_CLI.p12');
  const passFile = join(work, 'portal.pass');
  writeFileSync(passFile, 'portail-2026\n', { mode: 0o600 });
  execFileSync(process.env.E2E_TESTPKI, [
    'portal', 'p12', process.env.E2E_PORTAL, '--offer', 'ORG', '--usage', 'AUTH_CLI', '--org', 'CLINIQUE DES LILAS',
    '--ou', '11B0073160', '--state', 'Paris (75)', '--cn', 'DMP', '--password-file', passFile, '--out', p12,
  ]);
  await click('nav-orders');
  await typeIn('import-path', p12);
  await click('import-submit');
  await session.waitFor('the password dialog', () => session.find($('import-password-dialog')));
  await typeIn('import-password', 'pas-le-bon');
  await click('import-password-submit');
  assert.match(await textOf('import-password-error', 30000), /Mot de passe incorrect/);
  assert.equal(await session.execute(`return document.querySelector('${$('import-password')}').value`), '', 'the wrong password is not kept');
  await shot('10-p12-wrong-password');
  await typeIn('import-password', 'portail-2026');
  await click('import-password-submit');
  // The newest result comes first; the earlier import's stays below it.
  await session.waitFor('the .p12 imported', async () => {
    const [first] = await session.findAll($('import-result'));
    return first && /Certificat importé pour la commande DMP/.test(await session.text(first)) ? true : null;
  }, 30000);
  assert.equal((await session.findAll($('import-password-dialog'))).length, 0);
  const item = await session.waitFor('the portal order', async () => {
    const found = await session.execute(
      `return [...document.querySelectorAll('${$('order-item')}')].map((li) => li.innerText).find((text) => text.includes('DMP')) ?? null`,
    );
    return found;
  });
  assert.match(item, /Bi-clé générée par la plateforme \(\.p12\)/);
  assert.match(item, /Certificat importé/i);
  await shot('11-p12-imported');
});

test('the audit log shows each step and verifies intact', async () => {
  await click('nav-audit');
  const actions = await session.waitFor('the audit entries', async () => {
    const found = await session.execute(
      `return [...document.querySelectorAll('${$('audit-row')}')].map((row) => row.dataset.action)`,
    );
    return found.includes('exported') ? found : null;
  });
  for (const action of ['order_created', 'key_generated', 'certificate_imported', 'exported']) {
    assert.ok(actions.includes(action), `${action} in ${actions}`);
  }
  const table = await session.text(await session.find($('audit-table')));
  assert.match(table, /utilisateur du système|titulaire de la carte/);
  await click('audit-verify');
  const verdict = await textOf('audit-verdict');
  assert.match(verdict, /Journal intact : \d+ entrée/);
  await shot('12-audit');
});
