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
  const cns = await session.waitFor('the scanned certificates', async () => {
    const rows = await session.findAll('[data-testid="cert-row"]');
    const found = [];
    for (const row of rows) {
      const [cell] = await session.findAll('[data-testid="cert-cn"]', row);
      found.push((await session.text(cell)).trim());
    }
    return found.length >= 9 ? found : null;
  });
  assert.ok(cns.includes('DMP') && cns.includes('ROC'), `rows: ${cns.join(', ')}`);
  assert.equal(await session.execute('return document.title'), 'CertiSanté');
  await session.screenshot(join(process.env.E2E_ARTIFACTS, 'deb-dashboard.png'));
});
