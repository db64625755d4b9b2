// The card, live, in the real app: the header indicator follows a virtual CPS card
// inserted into and removed from the harness pcscd's vpcd reader, and the PIN dialog
// shows the token's own warning after a wrong PIN (SoftHSM2 stands for the card's
// PKCS#11 side). The app never retries a PIN by itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Session } from './webdriver.mjs';

let session;

function insertCard(card) {
  const child = spawn(process.env.E2E_VCARD, ['insert', '--card', card, '--port', process.env.CERTISANTE_VPCD_PORT ?? '35963', '--wait', 'kill'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve(child));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`certisante-vcard exited with ${code}`)));
  });
}

async function indicatorState() {
  return session.attribute(await session.find('[data-testid="card-indicator"]'), 'data-state');
}

before(async () => {
  session = await Session.start(process.env.E2E_APP);
  await session.waitFor('the card indicator', async () => session.find('[data-testid="card-indicator"]'));
});

after(async () => {
  await session?.close();
});

test('the card indicator follows insertion and removal', async () => {
  await session.waitFor('no card', async () => ((await indicatorState()) === 'no_card' ? true : null));
  const card = await insertCard('cps3');
  const started = Date.now();
  await session.waitFor('the card', async () => ((await indicatorState()) === 'card' ? true : null));
  const insertedAfter = Date.now() - started;
  const text = await session.text(await session.find('[data-testid="card-indicator"]'));
  assert.match(text, /CPS3/);
  await session.screenshot(join(process.env.E2E_ARTIFACTS, 'card-inserted.png'));
  card.kill();
  await session.waitFor('the card removed', async () => ((await indicatorState()) === 'no_card' ? true : null));
  const unknown = await insertCard('unknown');
  await session.waitFor('an unrecognised card', async () => ((await indicatorState()) === 'unrecognized' ? true : null));
  unknown.kill();
  await session.waitFor('the card removed', async () => ((await indicatorState()) === 'no_card' ? true : null));
  console.log(`# card shown ${insertedAfter} ms after insertion (pcscd polls vpcd every 400 ms)`);
});

test('the PIN dialog shows the tries-left warning after a wrong PIN', async () => {
  const card = await insertCard('cps3');
  try {
    await session.waitFor('the holder', async () => (await session.text(await session.find('[data-testid="card-holder"]'))) || null);
    await session.click(await session.find('[data-testid="check-card-button"]'));
    await session.waitFor('the PIN dialog', async () => session.find('[data-testid="pin-dialog"]'));
    assert.equal((await session.findAll('[data-testid="pin-warning"]')).length, 0, 'no warning before any wrong PIN');
    await session.type(await session.find('[data-testid="pin-input"]'), '0000');
    await session.click(await session.find('[data-testid="pin-submit"]'));
    const error = await session.waitFor('the refusal', async () => session.text(await session.find('[data-testid="pin-error"]')));
    assert.ok(error.length > 0);
    const warning = await session.waitFor('the tries-left warning', async () => {
      const [w] = await session.findAll('[data-testid="pin-warning"]');
      return w ? session.text(w) : null;
    });
    assert.ok(warning.length > 0);
    assert.equal(await session.execute('return document.querySelector(\'[data-testid="pin-input"]\').value'), '', 'the PIN field is cleared');
    await session.screenshot(join(process.env.E2E_ARTIFACTS, 'pin-warning.png'));
    await session.type(await session.find('[data-testid="pin-input"]'), '1234');
    await session.click(await session.find('[data-testid="pin-submit"]'));
    const result = await session.waitFor('the check result', async () => {
      const [r] = await session.findAll('[data-testid="card-check-result"]');
      return r ? session.text(r) : null;
    });
    assert.match(result, /DUPONT|MARTIN/);
  } finally {
    card.kill();
  }
});
