// The real app under Xvfb through WebDriver: it starts, re-scans the watched folder of
// generated certificates, lists them soonest expiry first, filters, shows details.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Session } from './webdriver.mjs';

let session;

before(async () => {
  session = await Session.start(process.env.E2E_APP);
});

after(async () => {
  await session?.close();
});

/** The CNs of the rows, in order. Read from the page: WebKitWebDriver reports the table's
 *  text cells as not displayed, and their WebDriver text reads empty. */
async function rowCns() {
  return session.execute(
    `return [...document.querySelectorAll('[data-testid="cert-row"]')].map((row) => row.querySelector('[data-testid="cert-cn"]').innerText.trim())`,
  );
}

test('the dashboard lists the watched certificates, soonest expiry first', async () => {
  const title = await session.waitFor('the title', async () => session.text(await session.find('[data-testid="app-title"]')));
  assert.match(title, /CertiSanté/);
  const cns = await session.waitFor('the scanned certificates', async () => {
    const found = await rowCns();
    return found.length >= 9 ? found : null;
  });
  assert.deepEqual(cns.slice(0, 7), [
    'ROC',
    'MSSANTE CHIFFREMENT',
    'INSI-AUTO',
    'MSSANTE SIGNATURE',
    'portail.ch-test.fr',
    'FAUX SAS',
    'DMP',
  ]);
  await session.screenshot(join(process.env.E2E_ARTIFACTS, 'dashboard.png'));
});

test('environment badges tell TEST from a forged IGC-Santé issuer', async () => {
  const rows = await session.findAll('[data-testid="cert-row"]');
  const badges = [];
  for (const row of rows.slice(0, 7)) {
    const [badge] = await session.findAll('[data-testid="env-badge"]', row);
    badges.push((await session.text(badge)).trim().toUpperCase());
  }
  assert.equal(badges[6], 'TEST', 'DMP chains to the test anchor');
  assert.notEqual(badges[5], 'TEST', 'the forged certificate is not TEST');
  const statuses = [];
  for (const row of rows.slice(0, 3)) statuses.push(await session.attribute(row, 'data-status'));
  assert.deepEqual(statuses, ['expired', 'expiring', 'expiring']);
});

test('unreadable files are listed as errors, the rest still shows', async () => {
  const items = await session.findAll('[data-testid="error-item"]');
  const texts = [];
  for (const item of items) texts.push(await session.text(item));
  const joined = texts.join('\n');
  for (const name of ['truncated.cer', 'empty.pem', 'broken.pem']) assert.match(joined, new RegExp(name.replace('.', '\\.')));
});

test('search and filters narrow the list', async () => {
  const search = await session.find('[data-testid="search-input"]');
  await session.type(search, 'INSI');
  await session.waitFor('one row for INSI', async () => ((await rowCns()).join() === 'INSI-AUTO' ? true : null));
  await session.type(search, '');
  await session.execute(
    `const i = document.querySelector('[data-testid="search-input"]'); i.value = ''; i.dispatchEvent(new Event('input', { bubbles: true }));`,
  );
  await session.waitFor('all rows back', async () => ((await rowCns()).length >= 9 ? true : null));
  await session.selectOption('filter-status', 'expired');
  await session.waitFor('the expired one', async () => ((await rowCns()).join() === 'ROC' ? true : null));
  await session.selectOption('filter-status', 'all');
  await session.selectOption('filter-usage', 'SSL_SERV');
  await session.waitFor('the server certificate', async () => ((await rowCns()).join() === 'portail.ch-test.fr' ? true : null));
  await session.selectOption('filter-usage', 'all');
  await session.screenshot(join(process.env.E2E_ARTIFACTS, 'filtered.png'));
});

test('the details pane shows the chain verdict and every place', async () => {
  const rows = await session.findAll('[data-testid="cert-row"]');
  const cns = await rowCns();
  const [select] = await session.findAll('[data-testid="cert-cn"] button', rows[cns.indexOf('DMP')]);
  await session.click(select);
  const pane = await session.waitFor('the details pane', async () => session.find('[data-testid="details-pane"]'));
  const text = await session.text(pane);
  assert.match(text, /TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS/);
  assert.match(text, /dmp-portal\.p12/);
  assert.match(text, /11B0073160/);
  await session.screenshot(join(process.env.E2E_ARTIFACTS, 'details.png'));
});
