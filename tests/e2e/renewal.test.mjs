// A renewal and a lost copy through the real app. The orders are made with `certisante`
// (the same registry and keyring as the app; the orders test drives the wizard itself) and
// signed by the test portal: a certificate close to its expiry shows its renewal under
// way, then, once the renewal is installed, the status "Remplacé" and a link to its
// successor; the successor's only .p12 deleted, a scan says so loudly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from './webdriver.mjs';

const ARTIFACTS = process.env.E2E_ARTIFACTS;
const work = mkdtempSync(join(process.env.E2E_WORK ?? tmpdir(), 'renewal-'));
const $ = (testid) => `[data-testid="${testid}"]`;
let session;

const cli = (...args) => execFileSync(process.env.E2E_CLI, args, { encoding: 'utf8' }).trim();
const sign = (csr, out, days) =>
  execFileSync(process.env.E2E_TESTPKI, [
    'portal', 'sign', process.env.E2E_PORTAL, '--csr', csr, '--offer', 'ORG', '--usage', 'AUTH_CLI', '--chain', '--out', out,
    ...(days === undefined ? [] : ['--days', String(days)]),
  ]);
const importCert = (file) => JSON.parse(cli('import', file, '--json')).orders[0].certificate_sha256;

/** Screenshots after the webview painted what the DOM already has. */
const shot = (name) => session.paintedScreenshot(join(ARTIFACTS, `renewal-${name}.png`));

/** The details of one certificate, opened from its row unless they show already. */
async function openDetails(sha256) {
  const [open] = await session.findAll(`${$('details-pane')}[data-sha256="${sha256}"]`);
  if (open) return open;
  const row = await session.waitFor(`the row of ${sha256}`, async () => (await session.findAll(`${$('cert-row')}[data-sha256="${sha256}"]`))[0] ?? null);
  const [select] = await session.findAll('[data-testid="cert-cn"] button', row);
  await session.click(select);
  return session.waitFor('its details', async () => (await session.findAll(`${$('details-pane')}[data-sha256="${sha256}"]`))[0] ?? null);
}

/** A scan from the header's button; resolves once the row of `sha256` has `status`. */
async function scanUntil(sha256, check) {
  await session.click(await session.find($('scan-button')));
  return session.waitFor('the scan’s dashboard', async () => {
    const status = await session.execute(`return document.querySelector('[data-testid="cert-row"][data-sha256="${sha256}"]')?.dataset.status ?? null`);
    return check(status) ? status : null;
  }, 30000);
}

let orderId;
let oldSha;
let renewalId;
let newSha;
const pass = join(work, 'pass');

before(async () => {
  for (const name of ['E2E_APP', 'E2E_CLI', 'E2E_TESTPKI', 'E2E_PORTAL', 'E2E_ARTIFACTS']) {
    assert.ok(process.env[name], `${name} is set by tests/e2e/run.sh`);
  }
  // An order whose certificate expires in 20 days, installed as a .p12, and its renewal
  // asked: the CSR handed out, nothing back from the portal yet.
  const csr = join(work, 'first.csr');
  orderId = cli('order', 'new', '--env', 'test', '--offer', 'ORG', '--usage', 'AUTH_CLI', '--org', 'CLINIQUE DES LILAS', '--structure-id', '11B0073160', '--state', '75', '--cn', 'INSI-MANU', '--csr-out', csr);
  sign(csr, join(work, 'first.pem'), 20);
  oldSha = importCert(join(work, 'first.pem'));
  writeFileSync(pass, 'Renouvellement-2026\n', { mode: 0o600 });
  cli('export', orderId, '--p12', join(work, 'first.p12'), '--password-file', pass);
  renewalId = cli('order', 'renew', orderId, '--csr-out', join(work, 'renewal.csr'));

  session = await Session.start(process.env.E2E_APP);
  await session.waitFor('the title', async () => session.text(await session.find($('app-title'))));
});

after(async () => {
  await shot('last').catch(() => {});
  await session?.close();
});

test('a certificate close to its expiry shows its renewal under way', async () => {
  const pane = await openDetails(oldSha);
  assert.equal(await session.attribute(await session.find(`${$('cert-row')}[data-sha256="${oldSha}"]`), 'data-status'), 'expiring');
  const renewal = await session.find($('details-renewal'));
  assert.equal(await session.attribute(renewal, 'data-state'), 'csr_exported');
  assert.equal(await session.text(renewal), `Demande (CSR) exportée (commande ${renewalId})`);
  assert.match(await session.text(pane), /Renouvellement en cours/);
  await session.execute(`document.querySelector('${$('details-order')}').scrollIntoView({ block: 'start' })`);
  await shot('1-under-way');
});

test('the renewal installed, the old certificate is replaced: grey, no action, a link to its successor', async () => {
  sign(join(work, 'renewal.csr'), join(work, 'renewal.pem'));
  newSha = importCert(join(work, 'renewal.pem'));
  cli('export', renewalId, '--p12', join(work, 'renewal.p12'), '--password-file', pass);
  assert.equal(await scanUntil(oldSha, (status) => status === 'replaced'), 'replaced');

  const row = await session.find(`${$('cert-row')}[data-sha256="${oldSha}"]`);
  assert.equal(await session.text((await session.findAll($('replaced-status'), row))[0]), 'Remplacé');
  assert.match(await session.text(await session.find('.count-replaced')), /Remplacé\s+1/);
  await openDetails(oldSha);
  const by = await session.waitFor('the successor', async () => (await session.findAll($('details-successor')))[0] ?? null);
  assert.equal(await session.attribute(by, 'data-sha256'), newSha);
  assert.match(await session.text(by), /^le certificat valable jusqu’au /);
  assert.equal(await session.text(await session.find($('details-order-state'))), 'Renouvelé');
  // Renewed: not renewed again (its renewal exists); it may still be exported or revoked.
  assert.equal((await session.findAll($('details-order-renew'))).length, 0);
  assert.equal((await session.findAll($('details-order-revoke'))).length, 1);
  await session.execute(`document.querySelector('${$('details-order')}').scrollIntoView({ block: 'start' })`);
  await shot('2-replaced-fr');
  await session.setLanguage('en');
  assert.match(await session.text(await session.find($('details-successor'))), /^the certificate valid until /);
  await shot('2-replaced-en');
  await session.setLanguage('fr');

  await session.click(await session.find($('details-successor')));
  const pane = await session.waitFor('the successor’s details', async () => (await session.findAll(`${$('details-pane')}[data-sha256="${newSha}"]`))[0] ?? null);
  assert.equal(await session.text(await session.find($('details-order-id'))), renewalId);
  assert.equal(await session.text(await session.find($('details-order-state'))), 'Installé');
  assert.ok(pane);
});

test('the successor’s only .p12 deleted, the scan says the last copy is gone', async () => {
  rmSync(join(work, 'renewal.p12'));
  await session.click(await session.find($('scan-button')));
  const notice = await session.waitFor('the notice', async () => (await session.findAll($('places-lost')))[0] ?? null, 30000);
  assert.equal(await session.attribute(notice, 'data-serious'), 'true');
  assert.equal(await session.attribute(notice, 'role'), 'alert');
  const text = await session.text(notice);
  assert.match(text, /Des emplacements écrits par CertiSanté ont disparu/);
  assert.match(text, /renewal\.p12/);
  assert.match(text, new RegExp(`INSI-MANU — commande ${renewalId}`));
  assert.match(text, /C’était la dernière copie de ce certificat/);
  const cert = await session.find(`${$('places-lost')} ${$('place-lost-certificate')}`);
  assert.equal(await session.attribute(cert, 'data-sha256'), newSha);
  await shot('3-lost');
  // The certificate itself says it too, until it is installed again.
  const pane = await openDetails(newSha);
  const warnings = await session.execute(`return [...document.querySelectorAll('[data-testid="cert-warning"]')].map((w) => w.dataset.code)`);
  assert.ok(warnings.includes('places.no_copy'), `${warnings}`);
  assert.ok(pane);
  // Below 1400 px the details slide over the page's right side: closed first, as a user would.
  await session.click(await session.find(`${$('details-pane')} button.close`));
  // The row took the focus back and scrolled into view: the notice may be under the sticky
  // header; it is brought to the middle of the window first, as a user would scroll to it.
  await session.execute(`window.scrollTo(0, 0)`);
  await session.execute(`document.querySelector('${$('places-lost')} button.close').scrollIntoView({ block: 'center' })`);
  await session.click(await session.find(`${$('places-lost')} button.close`));
  assert.equal((await session.findAll($('places-lost'))).length, 0);
});
