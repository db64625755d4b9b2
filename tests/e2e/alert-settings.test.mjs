// The e-mail and webhook alert settings through the real app, against the test command's
// SMTP server (tests/harness/smtp.sh: STARTTLS, AUTH, a test CA) and webhook receiver
// (tests/harness/webhook.sh, HTTPS with a test CA), both exported by run.sh: a user fills
// Réglages → Alertes par e-mail et webhook, the password and the webhook URL go to the OS
// keystore (never the settings), a test e-mail and a test webhook message really arrive;
// screenshots in French and English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from './webdriver.mjs';

const ARTIFACTS = process.env.E2E_ARTIFACTS;
const $ = (testid) => `[data-testid="${testid}"]`;
const recipient = `dsi-${process.pid}@ch-test.fr`;
const hookPath = `/ok/e2e-${process.pid}`;
let session;
let smtp;
let webhook;

/** A harness's env file (`export NAME='value'` lines) as an object. */
function harnessEnv(dir) {
  const env = {};
  for (const line of readFileSync(join(dir, 'env'), 'utf8').split('\n')) {
    const match = /^export ([A-Z_]+)='(.*)'$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  return env;
}

const cli = (...args) => execFileSync(process.env.E2E_CLI, args, { encoding: 'utf8' }).trim();

async function shot(name) {
  await session.paintedScreenshot(join(ARTIFACTS, `alert-settings-${name}.png`));
}

/** Clears a field, then types into it. */
async function fill(testid, text) {
  await session.execute(`const i = document.querySelector('[data-testid="${testid}"]'); i.value = ''; i.dispatchEvent(new Event('input', { bubbles: true }));`);
  await session.type(await session.find($(testid)), text);
}

/** The success line of a notice slot, or the coded error shown there. */
const notice = (testid) =>
  session.waitFor(`the ${testid}`, async () => {
    const found = await session.execute(
      `const n = document.querySelector('[data-testid="${testid}"]');
       return n ? { code: n.dataset.code ?? null, text: n.textContent.replace(/\\s+/g, ' ').trim() } : null`,
    );
    return found;
  }, 30000);

/** The messages the SMTP server accepted for `to` (their envelopes). */
const mailsTo = (to) =>
  readdirSync(smtp.SMTP_MAIL_DIR)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(join(smtp.SMTP_MAIL_DIR, name), 'utf8')))
    .filter((envelope) => JSON.stringify(envelope).includes(to));

before(async () => {
  for (const name of ['E2E_APP', 'E2E_CLI', 'E2E_ARTIFACTS', 'CERTISANTE_SMTP_HARNESS', 'CERTISANTE_WEBHOOK_HARNESS']) {
    assert.ok(process.env[name], `${name} is set by tests/e2e/run.sh`);
  }
  smtp = harnessEnv(process.env.CERTISANTE_SMTP_HARNESS);
  webhook = harnessEnv(process.env.CERTISANTE_WEBHOOK_HARNESS);
  session = await Session.start(process.env.E2E_APP);
  await session.waitFor('the title', async () => session.text(await session.find($('app-title'))));
});

after(async () => {
  await shot('last').catch(() => {});
  await session?.close();
  // The app's registry is shared by the e2e tests that follow: no alert left configured
  // (only what is there is removed, so a failure to remove it fails the test).
  const left = JSON.parse(cli('alerts', 'show', '--json'));
  for (const hook of left.webhooks) cli('alerts', 'webhook', 'remove', hook.name);
  if (left.mail) cli('alerts', 'mail', 'remove');
});

test('e-mail alerts are set in the settings, the password kept in the keystore, and a test e-mail arrives', async () => {
  await session.click(await session.find($('settings-button')));
  await session.waitFor('the alert settings', async () => (await session.findAll($('alert-settings')))[0] ?? null);
  await session.execute(`document.querySelector('[data-testid="alert-settings"]').scrollIntoView({ block: 'start' })`);
  assert.equal(await session.text(await session.find($('alert-mail-state'))), 'Alertes par e-mail désactivées.');

  await fill('alert-mail-host', smtp.SMTP_HOST);
  // Implicit TLS (SMTPS): not the form's default.
  await session.selectOption('alert-mail-security', 'tls');
  await fill('alert-mail-port', smtp.SMTP_SMTPS_PORT);
  await fill('alert-mail-username', smtp.SMTP_USER);
  await fill('alert-mail-password', smtp.SMTP_PASSWORD);
  await fill('alert-mail-from', `CertiSanté <${smtp.SMTP_USER}>`);
  await fill('alert-mail-recipients', recipient);
  await fill('alert-mail-ca-file', smtp.SMTP_CA);
  await session.click(await session.find($('alert-mail-save')));
  const saved = await notice('alert-mail-notice');
  assert.equal(saved.code, null, `saved without error: ${saved.text}`);

  // The settings hold the server and the recipient, never the password (the keystore does).
  const settings = cli('alerts', 'show', '--json');
  assert.match(settings, new RegExp(recipient.replace(/[.]/g, '\\.')));
  assert.ok(!settings.includes(smtp.SMTP_PASSWORD), 'no password in the settings');
  await session.waitFor('the password shown as saved', async () => {
    const text = await session.execute(`return document.querySelector('[data-testid="alert-mail-password-state"]')?.textContent ?? ''`);
    return text.includes('Un mot de passe est enregistré') ? text : null;
  });

  const before = mailsTo(recipient).length;
  await session.click(await session.find($('alert-mail-test')));
  const tested = await session.waitFor('the test e-mail’s outcome', async () => {
    const found = await notice('alert-mail-notice');
    return /test/i.test(found.text) || found.code ? found : null;
  });
  assert.equal(tested.code, null, `test e-mail without error: ${tested.text}`);
  assert.match(tested.text, new RegExp(recipient.replace(/[.]/g, '\\.')));
  await session.waitFor('the message at the SMTP server', async () => (mailsTo(recipient).length > before ? true : null), 15000);
  await session.execute(`document.querySelector('[data-testid="alert-mail"]').scrollIntoView({ block: 'start' })`);
  await shot('0-mail-fr');
});

test('a webhook is added (its URL into the keystore, shown by host only) and its test message arrives', async () => {
  const url = `${webhook.WEBHOOK_HTTPS_URL}${hookPath}`;
  await fill('alert-webhook-name', 'equipe-dsi');
  await fill('alert-webhook-url', url);
  await fill('alert-webhook-ca-file', webhook.WEBHOOK_CA);
  await session.click(await session.find($('alert-webhook-save')));
  const saved = await notice('alert-webhook-notice');
  assert.equal(saved.code, null, `saved without error: ${saved.text}`);
  const listed = await session.waitFor('the webhook listed', async () => {
    const text = await session.execute(`return document.querySelector('[data-testid="alert-webhooks"]')?.textContent ?? ''`);
    return text.includes('equipe-dsi') ? text : null;
  });
  assert.ok(!listed.includes(hookPath), 'the URL (its token) is never shown');
  assert.ok(!cli('alerts', 'show', '--json').includes(hookPath), 'no webhook URL in the settings');

  const count = () => Number(execFileSync('bash', ['tests/harness/webhook.sh', 'count', process.env.CERTISANTE_WEBHOOK_HARNESS, hookPath], { encoding: 'utf8' }).trim());
  const before = count();
  await session.execute(`[...document.querySelectorAll('[data-testid="alert-webhook"]')].find((w) => w.textContent.includes('equipe-dsi')).querySelector('[data-testid="alert-webhook-test"]').click()`);
  const tested = await session.waitFor('the test message’s outcome', async () => {
    const found = await notice('alert-webhook-notice');
    return /test/i.test(found.text) || found.code ? found : null;
  });
  assert.equal(tested.code, null, `test message without error: ${tested.text}`);
  await session.waitFor('the request at the receiver', async () => (count() > before ? true : null), 15000);
  await session.execute(`document.querySelector('[data-testid="alert-webhooks"]').scrollIntoView({ block: 'center' })`);
  await shot('1-webhook-fr');
  await session.setLanguage('en');
  await session.execute(`document.querySelector('[data-testid="alert-mail"]').scrollIntoView({ block: 'start' })`);
  await shot('2-mail-en');
  await session.setLanguage('fr');
});
