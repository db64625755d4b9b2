// Hostile files in a watched folder never stop the app (issue 13). The folder holds what
// once aborted the whole process (nested indefinite-length DER, the same inside a PEM
// PKCS7 block), a length claiming 4 GiB, a link into /proc, a link to itself, a FIFO, and
// one good certificate. A scan by the CLI is then killed while reading that certificate
// (CERTISANTE_FAULT_ABORT_READING: an abort, as a stack overflow in a dependency would
// be): the app still starts, lists every other certificate, sets the file aside with its
// own code, and reads it again when asked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Session } from './webdriver.mjs';

const folder = mkdtempSync(join(process.env.E2E_WORK ?? tmpdir(), 'hostile-'));
const cli = (...args) => execFileSync(process.env.E2E_CLI, args, { encoding: 'utf8' }).trim();
let session;

/** Screenshots after the webview painted what the DOM already has (WebKit may lag). */
async function screenshot(name) {
  await session.paintedScreenshot(join(process.env.E2E_ARTIFACTS, name));
}

/** The unreadable files the page lists: [file name, code]. */
async function errors() {
  return session.execute(
    `return [...document.querySelectorAll('[data-testid="error-item"]')].map((li) => [li.querySelector('.path').textContent.trim().split('/').pop(), li.dataset.code])`,
  );
}

before(async () => {
  for (const name of ['E2E_APP', 'E2E_CLI', 'E2E_FIXTURES']) assert.ok(process.env[name], `${name} is set by tests/e2e/run.sh`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'bombe.der'), Buffer.alloc(1_000_000, Buffer.from([0x30, 0x80])));
  const nested = Buffer.alloc(200_000, Buffer.from([0x30, 0x80])).toString('base64').replace(/.{64}/g, '$&\n');
  writeFileSync(join(folder, 'bombe-p7.pem'), `-----BEGIN PKCS7-----\n${nested}\n-----END PKCS7-----\n`);
  writeFileSync(join(folder, 'longueur-4-gio.der'), Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0x00]));
  symlinkSync('/proc/self', join(folder, 'proc'));
  symlinkSync('.', join(folder, 'boucle'));
  assert.equal(spawnSync('mkfifo', [join(folder, 'tube')]).status, 0, 'mkfifo');
  copyFileSync(join(process.env.E2E_FIXTURES, 'certs', 'sign.pem'), join(folder, 'bon.pem'));

  // Everything else read first, so that only this folder's files are read by the scan below.
  cli('scan');
  cli('watch', 'add', folder);
  // A scan killed while reading bon.pem, as a crash in a parser would kill it.
  const killed = spawnSync(process.env.E2E_CLI, ['scan'], { env: { ...process.env, CERTISANTE_FAULT_ABORT_READING: 'bon.pem' }, encoding: 'utf8' });
  assert.notEqual(killed.status, 0, 'the scan was killed');
  assert.match(killed.stderr, /fault injected: aborting while reading .*bon\.pem/);

  session = await Session.start(process.env.E2E_APP);
});

after(async () => {
  await session?.close();
  // The other tests' registry as it was: the folder no longer watched.
  cli('watch', 'remove', folder);
});

test('the app starts, lists the other certificates and sets the killing file aside', async () => {
  await session.waitFor('the fixtures listed', async () => (await session.findAll('[data-testid="cert-row"]')).length >= 9);
  const listed = await session.waitFor('the hostile files reported', async () => {
    const found = await errors();
    return found.some(([name]) => name === 'bon.pem') && found.some(([name]) => name === 'bombe.der') ? found : null;
  });
  const codeOf = (name) => listed.find(([file]) => file === name)?.[1];
  // The file being read when the process died is set aside; so is any other whose reading
  // had started at that moment (files are read in parallel): nothing tells them apart.
  assert.equal(codeOf('bon.pem'), 'scan.set_aside', JSON.stringify(listed));
  for (const name of ['bombe.der', 'bombe-p7.pem', 'longueur-4-gio.der', 'proc']) {
    assert.ok(codeOf(name), `${name} is reported: ${JSON.stringify(listed)}`);
    assert.notEqual(codeOf(name), 'app.internal', `${name} has a code of its own`);
  }
  assert.equal(codeOf('proc'), 'scan.pseudo_filesystem');
  const setAside = listed.filter(([, code]) => code === 'scan.set_aside').length;
  // Open the list to see it, in French.
  await session.click(await session.find('[data-testid="errors-list"] summary'));
  const list = await session.text(await session.find('[data-testid="errors-list"]'));
  assert.match(list, new RegExp(`${setAside} fichier\\(s\\) mis de côté`));
  await session.execute(`document.querySelector('[data-testid="errors-list"]').scrollIntoView({ block: 'center' })`);
  await screenshot('hostile-1-set-aside.png');
});

test('the set-aside file is read again when asked', async () => {
  await session.click(await session.find('[data-testid="retry-set-aside"]'));
  const after = await session.waitFor('bon.pem read again', async () => {
    const found = await errors();
    return found.some(([name]) => name === 'bombe.der') && !found.some(([name]) => name === 'bon.pem') ? found : null;
  });
  assert.ok(!after.some(([, code]) => code === 'scan.set_aside'), JSON.stringify(after));
  const codeOf = (name) => after.find(([file]) => file === name)?.[1];
  assert.equal(codeOf('bombe.der'), 'certs.der_too_deep', 'read at last, refused with its own code');
  assert.equal(codeOf('bombe-p7.pem'), 'certs.der_too_deep');
  assert.equal(codeOf('longueur-4-gio.der'), 'certs.der_truncated');
  assert.equal(await session.findAll('[data-testid="retry-set-aside"]').then((found) => found.length), 0);
  // bon.pem holds the MSSANTE SIGNATURE certificate: one more place for it, no new row.
  const places = await session.execute(
    `return [...document.querySelectorAll('[data-testid="cert-row"]')].filter((row) => row.querySelector('[data-testid="cert-cn"]').innerText.trim() === 'MSSANTE SIGNATURE').length`,
  );
  assert.equal(places, 1);
  await session.execute(`document.querySelector('[data-testid="errors-list"]').scrollIntoView({ block: 'center' })`);
  await screenshot('hostile-2-read-again.png');
});
