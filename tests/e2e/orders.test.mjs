// The certificate lifecycle through the real app: a new TEST ORG AUTH_CLI request in the
// wizard (the INSi rule refused live, then met), the key made into the OS keystore (the
// harness's gnome-keyring), the CSR read from the page and signed by the test portal
// (`certisante-testpki portal sign`), the certificate imported through the path field,
// installed as a .p12 that OpenSSL opens, and the audit log verified intact.
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

const shot = (name) => session.screenshot(join(ARTIFACTS, `orders-${name}.png`));
const $ = (testid) => `[data-testid="${testid}"]`;

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

test('a new request: the INSi rule is shown live, then the key and the CSR are made', async () => {
  await click('nav-orders');
  await session.waitFor('the orders view', () => session.find($('orders-view')));
  await shot('1-view');

  await click('orders-new');
  await session.waitFor('the wizard', () => session.find($('order-wizard')));
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
  await shot('6-imported');
});

test('installed as a .p12 that OpenSSL opens with the password', async () => {
  const p12 = join(work, 'insi-auto.p12');
  const password = 'Lilas-e2e-2026!';
  await session.click(await session.find(`[data-order-id="${orderId}"] ${$('order-action-install')}`));
  await session.waitFor('the install dialog', () => session.find($('install-dialog')));
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
  assert.match(item, /Clé générée par la plateforme \(\.p12\)/);
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
