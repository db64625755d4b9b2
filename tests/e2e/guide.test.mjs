// ANS's procedure in the real app: the "Avant de commander" guide (the three steps from the
// back end's data: forms 101/301/502 and what a mandataire may do, form 413 parts 4.1 and
// 4.2, the order), a habilitation recorded there; the order wizard's two routes offered as
// equals, the platform's (the .p12 it delivers, imported into a tracked order with the
// platform's key) and this workstation's (the CSR path, an order outside the recorded
// habilitations warned, not refused); the téléservice ties on the dashboard, filtered and
// recorded; a signing certificate's usable end. Screenshots in French and in English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from './webdriver.mjs';

const ARTIFACTS = process.env.E2E_ARTIFACTS;
const work = mkdtempSync(join(process.env.E2E_WORK ?? tmpdir(), 'guide-'));
let session;

const $ = (testid) => `[data-testid="${testid}"]`;

/** Screenshots after the webview painted what the DOM already has. */
const shot = (name) => session.paintedScreenshot(join(ARTIFACTS, `guide-${name}.png`));

async function click(testid) {
  await session.click(await session.waitFor(testid, () => session.find($(testid))));
}

/** A DOM click (what a label's click does): WebKitWebDriver's native click on some
 *  controls inside a modal <dialog> leaves them as they were. */
async function domClick(css) {
  await session.waitFor(css, () => session.find(css));
  await session.execute(`document.querySelector(arguments[0]).click()`, [css]);
}

async function typeIn(testid, text) {
  await session.type(await session.waitFor(testid, () => session.find($(testid))), text);
}

/** The visible text of an element (innerText: WebKitWebDriver reads some cells as empty). */
async function innerText(css) {
  return session.execute(`return document.querySelector(arguments[0])?.innerText ?? null`, [css]);
}

async function textOf(testid, timeoutMs) {
  return session.waitFor(`text of ${testid}`, async () => (await innerText($(testid))) || null, timeoutMs);
}

/** Shows a view by its tab, clicked again until it shows (the header may still lay out). */
async function view(name, testid) {
  return session.waitFor(`the ${name} view`, async () => {
    const [found] = await session.findAll($(testid));
    if (found) return found;
    await click(`nav-${name}`);
    return null;
  });
}

before(async () => {
  for (const name of ['E2E_APP', 'E2E_TESTPKI', 'E2E_PORTAL', 'E2E_ARTIFACTS']) {
    assert.ok(process.env[name], `${name} is set by tests/e2e/run.sh`);
  }
  session = await Session.start(process.env.E2E_APP);
  await session.waitFor('the title', async () => session.text(await session.find($('app-title'))));
});

after(async () => {
  await shot('last').catch(() => {});
  await session?.close();
});

test('the guide shows the procedure’s three steps from the data, with forms, roles and sources', async () => {
  await view('guide', 'guide-view');
  const steps = await session.waitFor('the three steps', async () => {
    const found = await session.execute(`return [...document.querySelectorAll('${$('guide-step')}')].map((s) => [s.dataset.step, s.innerText])`);
    return found.length === 3 ? found : null;
  });
  assert.deepEqual(
    steps.map(([id]) => id),
    ['prerequisites', 'habilitation', 'order'],
  );
  const [prerequisites, habilitation, order] = steps.map(([, text]) => text);
  for (const form of ['n°101', 'n°301', 'n°502']) assert.match(prerequisites, new RegExp(form));
  assert.match(prerequisites, /carte CDE/);
  assert.match(prerequisites, /CPS, CPE ou CPA/);
  // What a mandataire may do.
  assert.match(prerequisites, /Mandataire/);
  assert.match(prerequisites, /réfection des codes confidentiels/);
  assert.match(habilitation, /n°413/);
  assert.match(habilitation, /partie 4\.1/);
  assert.match(habilitation, /partie 4\.2/);
  assert.match(habilitation, /ORG \(personne morale\)/);
  assert.match(habilitation, /courriel/);
  assert.match(order, /https:\/\/pfc-auth\.eservices\.esante\.gouv\.fr/);
  assert.match(order, /Générer la bi-clé sur la plateforme \(recommandé par l['’]ANS\)/);
  assert.match(order, /Source : /);
  const help = await textOf('guide-help');
  assert.match(help, /monserviceclient\.certificats@asipsante\.fr/);
  assert.match(help, /0 825 852 000/);
  assert.match(help, /chapitre 11/);
  await shot('1-steps-fr');
});

test('a habilitation is recorded in the guide', async () => {
  await view('guide', 'guide-view');
  await session.waitFor('the habilitation form', () => session.find($('habilitation-form')));
  // The offers come from order_options: wait for them before choosing.
  await session.waitFor('the offers', async () => ((await session.execute(`return document.querySelector('${$('habilitation-profile')}').options.length`)) > 0 ? true : null));
  await typeIn('habilitation-structure', '11B0073160');
  await session.selectOption('habilitation-profile', 'ORG/AUTH_CLI');
  await typeIn('habilitation-note', 'Formulaire n°413 envoyé le 2 décembre');
  await click('habilitation-add');
  const row = await session.waitFor('the habilitation listed', async () => (await innerText($('habilitations-table'))) || null);
  assert.match(row, /11B0073160/);
  assert.match(row, /ORG · AUTH_CLI/);
  assert.match(row, /Formulaire n°413 envoyé le 2 décembre/);
  await session.execute(`document.querySelector('${$('habilitations')}').scrollIntoView({ block: 'center' })`);
  await shot('2-habilitation-fr');
  await session.setLanguage('en');
  await session.waitFor('the guide in English', async () => ((await innerText($('guide-step'))) ?? '').includes('Prerequisites') || null);
  await session.execute(`window.scrollTo(0, 0)`);
  await shot('3-steps-en');
  await session.execute(`document.querySelector('${$('habilitations')}').scrollIntoView({ block: 'center' })`);
  await shot('4-habilitation-en');
  await session.setLanguage('fr');
});

test('the wizard offers the two routes as equals, and is reached from the orders view’s guide link too', async () => {
  await view('orders', 'orders-view');
  await click('orders-guide');
  await session.waitFor('the guide', () => session.find($('guide-view')));
  await view('orders', 'orders-view');
  await click('orders-new');
  await session.waitFor('the wizard', () => session.find($('order-wizard')));
  const routes = await session.waitFor('the two routes', async () => {
    const found = await session.execute(`return [...document.querySelectorAll('${$('wizard-route')}')].map((r) => [r.dataset.route, r.innerText])`);
    return found.length === 2 ? found : null;
  });
  assert.deepEqual(
    routes.map(([id]) => id),
    ['platform_key', 'local_key'],
  );
  assert.match(routes[0][1], /Générer la bi-clé sur la plateforme \(recommandé par l['’]ANS\)/);
  assert.match(routes[0][1], /\.p12/);
  assert.match(routes[1][1], /Générer la bi-clé sur ce poste/);
  assert.match(routes[1][1], /CSR/);
  assert.ok(await session.find($('wizard-guide-link')));
  await shot('5-wizard-routes-fr');
  await session.setLanguage('en');
  await session.waitFor('the routes in English', async () => ((await innerText($('wizard-routes'))) ?? '').includes('recommended by ANS') || null);
  await shot('6-wizard-routes-en');
  await session.setLanguage('fr');
});

test('the platform’s route: the steps there, then its .p12 imported into a tracked order with the platform’s key', async () => {
  await domClick(`${$('wizard-route')}[data-route="platform_key"]`);
  const steps = await textOf('wizard-platform-steps');
  assert.match(steps, /carte CPx/);
  assert.match(steps, /code de révocation/);
  assert.ok(await session.find(`${$('order-wizard')} ${$('open-portal')}`));
  const reminder = await session.waitFor('the habilitations recorded', async () => {
    const text = await innerText($('wizard-habilitations'));
    return text && /AUTH_CLI/.test(text) ? text : null;
  });
  assert.match(reminder, /ORG AUTH_CLI — 11B0073160/);
  assert.ok(await session.find($('wizard-import-p12')));
  await shot('7-wizard-platform-fr');
  await session.setLanguage('en');
  await session.waitFor('the platform steps in English', async () => ((await innerText($('wizard-platform-steps'))) ?? '').includes('CPx card') || null);
  await shot('8-wizard-platform-en');
  await session.setLanguage('fr');
  // The import button opens the native file picker, out of WebDriver's reach: the file the
  // platform delivered is imported through the import panel's path field instead (the same
  // import, the same tracked order).
  await click('wizard-cancel');
  const p12 = join(work, 'asip-p12-EL-TEST-ORG-AUTH_CLI-20261205-101500.p12');
  const passFile = join(work, 'p12.pass');
  writeFileSync(passFile, 'plateforme-2026\n', { mode: 0o600 });
  execFileSync(process.env.E2E_TESTPKI, [
    'portal', 'p12', process.env.E2E_PORTAL, '--offer', 'ORG', '--usage', 'AUTH_CLI', '--org', 'CLINIQUE DES LILAS',
    '--ou', '11B0073160', '--state', 'Paris (75)', '--cn', 'SAS', '--password-file', passFile, '--out', p12,
  ]);
  await typeIn('import-path', p12);
  await click('import-submit');
  await session.waitFor('the password dialog', () => session.find($('import-password-dialog')));
  await typeIn('import-password', 'plateforme-2026');
  await click('import-password-submit');
  await session.waitFor('the .p12 imported', async () => /Certificat importé pour la commande SAS/.test((await innerText($('import-result'))) ?? '') || null, 30000);
  const item = await session.waitFor('the platform’s order', async () =>
    session.execute(`return [...document.querySelectorAll('${$('order-item')}')].map((li) => li.innerText).find((text) => /^SAS/.test(text.trim())) ?? null`),
  );
  assert.match(item, /Bi-clé générée par la plateforme \(\.p12\)/);
  assert.match(item, /Certificat importé/i);
});

test('this workstation’s route: an order outside the recorded habilitations is warned, not refused', async () => {
  await click('orders-new');
  await domClick(`${$('wizard-route')}[data-route="local_key"]`);
  await session.waitFor('the profiles', () => session.find($('wizard-profile')));
  await domClick(`${$('wizard-profile')}[value="ORG/SIGN"]`);
  await domClick($('wizard-env-test'));
  await click('wizard-next');
  await typeIn('wizard-organization', 'CLINIQUE DES LILAS');
  await typeIn('wizard-structure-id', '11B0073160');
  await typeIn('wizard-department-search', '75');
  await session.waitFor('Paris chosen', async () =>
    (await session.execute(`return document.querySelector('${$('wizard-department')}').value`)) === '75' ? true : null,
  );
  await click('wizard-next');
  // ROC is suggested under SIGN (the procedure's example), with its téléservice.
  const chip = `${$('wizard-cn-suggestion')}[data-cn="ROC"]`;
  await session.waitFor('the ROC suggestion', () => session.find(chip));
  assert.match(await innerText(chip), /ROC/);
  await domClick(chip);
  assert.match(await textOf('wizard-cn-teleservice'), /Téléservice ROC/);
  // Only ORG AUTH_CLI is recorded: ORG SIGN is outside it, and said so.
  const warning = await textOf('wizard-habilitation-warning', 30000);
  assert.match(warning, /formulaire n°413/);
  assert.match(warning, /commander quand même/);
  await session.waitFor('the rules met', async () => ((await session.execute(`return document.querySelector('${$('wizard-generate')}').disabled`)) === false ? true : null));
  await shot('9-wizard-warning-fr');
  await session.setLanguage('en');
  await session.waitFor('the warning in English', async () => ((await innerText($('wizard-habilitation-warning'))) ?? '').includes('form n°413') || null);
  await shot('10-wizard-warning-en');
  await session.setLanguage('fr');
  await click('wizard-generate');
  assert.match(await textOf('wizard-created', 60000), /trousseau/);
  const orderId = await textOf('wizard-order-id');
  await click('wizard-finish');
  const item = await session.waitFor('the order listed', async () => innerText(`[data-order-id="${orderId}"]`));
  assert.match(item, /Bi-clé générée sur ce poste par CertiSanté/);
  assert.match(item, /ORG · SIGN/);
});

test('the téléservice ties: shown on the dashboard, filtered, recorded in the details', async () => {
  await view('dashboard', 'cert-table');
  const ties = await session.waitFor('the ties', async () => {
    const found = await session.execute(
      `return [...document.querySelectorAll('${$('cert-row')}')].map((row) => [row.querySelector('${$('cert-cn')} button').innerText.trim(), row.querySelector('${$('cert-teleservices')}')?.innerText.trim() ?? ''])`,
    );
    return found.some(([cn]) => cn === 'SAS') ? found : null;
  });
  const tieOf = (cn) => ties.find(([name]) => name === cn)?.[1] ?? '';
  assert.match(tieOf('ROC'), /ROC/);
  assert.match(tieOf('INSI-AUTO'), /INSi/);
  assert.match(tieOf('MSSANTE SIGNATURE'), /MSSante/);
  await shot('11-dashboard-ties-fr');

  await session.selectOption('filter-teleservice', 'INSi');
  await session.waitFor('only INSi', async () => {
    const cns = await session.execute(`return [...document.querySelectorAll('${$('cert-row')}')].map((row) => row.querySelector('${$('cert-cn')} button').innerText.trim())`);
    return cns.length > 0 && cns.every((cn) => cn.startsWith('INSI')) ? true : null;
  });
  await session.selectOption('filter-teleservice', 'all');

  // The signing certificate: its key may sign 30 days less than the certificate lasts.
  const sign = await session.waitFor('MSSANTE SIGNATURE', async () =>
    session.execute(`return [...document.querySelectorAll('${$('cert-row')}')].find((row) => row.querySelector('${$('cert-cn')} button').innerText.trim() === 'MSSANTE SIGNATURE')?.dataset.sha256 ?? null`),
  );
  assert.ok(await session.find(`[data-sha256="${sign}"] ${$('cert-key-end')}`));
  await domClick(`[data-sha256="${sign}"] ${$('cert-cn')} button`);
  await session.waitFor('its details', () => session.find(`${$('details-pane')}[data-sha256="${sign}"]`));
  assert.match(await textOf('details-key-end'), /\d{4}/);
  assert.match(await textOf('details-key-why'), /privateKeyUsagePeriod/);
  assert.match(await textOf('teleservices-origin'), /lu dans le nom \(CN\)/);
  await session.execute(`document.querySelector('${$('details-teleservices')}').scrollIntoView({ block: 'center' })`);
  await shot('12-details-sign-fr');

  // Recorded: MSSanté only (it was read from the CN until now).
  await click('teleservices-edit');
  await session.waitFor('the téléservices', () => session.find($('teleservice-choice')));
  await session.execute(
    `for (const box of document.querySelectorAll('${$('teleservice-choice')}')) if (box.checked !== (box.value === 'MSSante')) box.click();`,
  );
  await click('teleservices-save');
  await session.waitFor('recorded', async () => ((await innerText($('teleservices-origin'))) === 'enregistré' ? true : null));
  await session.execute(`document.querySelector('${$('details-teleservices')}').scrollIntoView({ block: 'center' })`);
  await shot('13-details-recorded-fr');
  await session.setLanguage('en');
  await session.waitFor('the details in English', async () => ((await innerText($('teleservices-origin'))) === 'recorded' ? true : null));
  assert.match(await textOf('details-key-why'), /may no longer sign/);
  await session.execute(`document.querySelector('${$('details-key-why')}').scrollIntoView({ block: 'center' })`);
  await shot('14-details-sign-en');
  await session.setLanguage('fr');
});
