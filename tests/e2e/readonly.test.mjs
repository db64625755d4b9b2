// The real app on a secretary's workstation: started with `--read-only` (the flag a
// deployment's shortcut passes), it shows the dashboard, the statuses and the exports, and
// no key, card or order action: no orders or journal tab, no card bar, no PIN button, no
// .p12 password check. The exports' files themselves are checked by the CLI tests
// (crates/cli/tests/export.rs): the save dialog is native, out of WebDriver's reach.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Session } from './webdriver.mjs';

let session;

before(async () => {
  session = await Session.start(process.env.E2E_APP, ['--read-only']);
});

after(async () => {
  await session?.close();
});

/** Screenshots after the webview painted what the DOM already has (WebKit may lag). */
async function screenshot(name) {
  await session.paintedScreenshot(join(process.env.E2E_ARTIFACTS, name));
}

async function present(css) {
  return (await session.findAll(css)).length > 0;
}

test('the dashboard lists the certificates under a read-only badge', async () => {
  await session.waitFor('the scanned certificates', async () => (await session.findAll('[data-testid="cert-row"]')).length >= 9);
  const badge = await session.find('[data-testid="read-only-badge"]');
  assert.match(await session.text(badge), /Lecture seule/);
  assert.equal(await session.attribute(badge, 'title'), 'Poste en lecture seule : tableau de bord, états et exports uniquement');
  assert.ok(await present('[data-testid="nav-dashboard"]'));
  assert.ok(await present('[data-testid="nav-guide"]'), 'the guide is offered');
});

test('no key, card or order action is offered', async () => {
  for (const testid of ['nav-orders', 'nav-audit', 'card-indicator', 'check-card-button', 'pin-dialog']) {
    assert.equal(await present(`[data-testid="${testid}"]`), false, `${testid} is shown`);
  }
  // The details of a certificate kept in a password-protected .p12: the place is listed,
  // its password cannot be checked here. Searched by its file: the orders test may have
  // imported another DMP certificate, listed too.
  await session.type(await session.find('[data-testid="search-input"]'), 'dmp-portal');
  // The names are read from the page: WebKitWebDriver reports the table's text cells as
  // not displayed (their text reads empty). The file also holds its chain's CAs.
  const sha256 = await session.waitFor('the DMP certificate of dmp-portal.p12', async () => {
    const found = await session.execute(
      `return [...document.querySelectorAll('[data-testid="cert-row"]')].filter((row) => row.querySelector('[data-testid="cert-cn"]').innerText.trim() === 'DMP').map((row) => row.dataset.sha256)`,
    );
    const all = (await session.findAll('[data-testid="cert-row"]')).length;
    return found.length === 1 && all < 9 ? found[0] : null;
  });
  assert.ok(sha256, 'the DMP certificate is listed');
  const [select] = await session.findAll(`[data-testid="cert-row"][data-sha256="${sha256}"] [data-testid="cert-cn"] button`);
  await session.click(select);
  const pane = await session.waitFor('the details pane', async () => session.find('[data-testid="details-pane"]'));
  assert.equal((await session.text(await session.find('#details-title'))).trim(), 'DMP');
  const text = await session.text(pane);
  assert.match(text, /dmp-portal\.p12/);
  assert.match(text, /Non vérifiée \(mot de passe nécessaire\)/, 'the .p12 is one a password would check');
  assert.equal(await present('[data-testid="pkcs12-verify"]'), false, 'a .p12 password check is offered');
  assert.equal(await present('[data-testid="pkcs12-open"]'), false);
  // Statuses stay: the revocation section says what is known (nothing checked here).
  assert.match(await session.text(await session.find('[data-testid="revocation-answer"]')), /^Inconnu/);
  await screenshot('readonly-details.png');
  await session.click(await session.find('[data-testid="details-pane"] button.close'));
  await session.type(await session.find('[data-testid="search-input"]'), '');
});

test('the guide shows ANS’s procedure and the habilitations recorded, without any action', async () => {
  await session.click(await session.find('[data-testid="nav-guide"]'));
  const steps = await session.waitFor('the three steps', async () => {
    const found = await session.execute(`return [...document.querySelectorAll('[data-testid="guide-step"]')].map((s) => s.dataset.step)`);
    return found.length === 3 ? found : null;
  });
  assert.deepEqual(steps, ['prerequisites', 'habilitation', 'order']);
  assert.match(await session.execute(`return document.querySelector('[data-testid="guide-view"]').innerText`), /formulaire n°413/);
  // The records are listed (the list is allowed here); nothing changes them.
  await session.waitFor('the habilitations listed', async () =>
    (await present('[data-testid="habilitations-table"]')) || (await present('[data-testid="habilitations-none"]')) ? true : null,
  );
  for (const testid of ['habilitation-form', 'habilitation-remove', 'guide-new-order']) {
    assert.equal(await present(`[data-testid="${testid}"]`), false, `${testid} is shown`);
  }
  await session.execute(`document.querySelector('[data-testid="habilitations"]').scrollIntoView({ block: 'center' })`);
  await screenshot('readonly-guide.png');
  await session.click(await session.find('[data-testid="nav-dashboard"]'));
  await session.waitFor('the dashboard', async () => (await present('[data-testid="cert-row"]')) || null);
});

test('the exports and the revocation check are offered and enabled', async () => {
  const check = await session.find('[data-testid="check-revocation-button"]');
  assert.equal(await session.cmd('GET', `/element/${check}/enabled`), true);
  const button = await session.find('[data-testid="export-button"]');
  assert.equal(await session.cmd('GET', `/element/${button}/enabled`), true);
  await session.click(button);
  const items = {};
  for (const format of ['ics', 'csv', 'json']) {
    const item = await session.waitFor(`the ${format} export`, async () => session.find(`[data-testid="export-${format}"]`));
    assert.equal(await session.cmd('GET', `/element/${item}/enabled`), true, format);
    items[format] = (await session.text(item)).trim();
  }
  assert.deepEqual(items, { ics: 'Calendrier des renouvellements (.ics)', csv: 'Tableau (CSV)', json: 'Tableau (JSON)' });
  await screenshot('readonly.png');
  await session.click(button);
  assert.equal(await present('[data-testid="export-ics"]'), false, 'the menu closes');
});

test('the settings show the workstation forced read-only', async () => {
  await session.click(await session.find('[data-testid="settings-button"]'));
  const box = await session.waitFor('the read-only setting', async () => session.find('[data-testid="settings-read-only"]'));
  assert.equal(await session.cmd('GET', `/element/${box}/selected`), true);
  assert.equal(await session.cmd('GET', `/element/${box}/enabled`), false);
  assert.match(await session.text(await session.find('[data-testid="settings-read-only-hint"]')), /--read-only/);
  assert.equal(await present('[data-testid="settings-pkcs11-module"]'), false);
  await screenshot('readonly-settings.png');
});
