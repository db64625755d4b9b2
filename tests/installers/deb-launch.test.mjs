// The installed .deb's app (/usr/bin/certisante-app, release build) under Xvfb through
// WebDriver: its window opens on the dashboard and lists the watched certificates.
// Run by tests/installers/deb.sh (tauri-driver on $E2E_WEBDRIVER).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Session } from '../e2e/webdriver.mjs';

let session;

before(async () => {
  session = await Session.start(process.env.DEB_APP);
});

after(async () => {
  await session?.close();
});

test('the installed app opens on the dashboard with the watched certificates', async () => {
  const title = await session.waitFor('the title', async () => session.text(await session.find('[data-testid="app-title"]')));
  assert.match(title, /CertiSanté/);
  // The names are read in the page: WebKitWebDriver gives table cells' text as empty.
  const cns = await session.waitFor('the scanned certificates', async () => {
    const found = await session.execute(
      `return [...document.querySelectorAll('[data-testid="cert-row"] [data-testid="cert-cn"]')].map((cell) => cell.textContent.trim())`,
    );
    return found.length >= 9 ? found : null;
  });
  assert.ok(cns.includes('DMP') && cns.includes('ROC'), `rows: ${cns.join(', ')}`);
  assert.equal(await session.execute('return document.title'), 'CertiSanté');
  await session.screenshot(join(process.env.E2E_ARTIFACTS, 'deb-dashboard.png'));
});
