// The Groupe view through the real app, on the PostgreSQL of the test command
// (tests/harness/postgres.sh; run.sh exports its env): a database initialised and two
// workstations published with `certisante group` (their own registries), then the app
// configured like a user would (Réglages → Inventaire du groupe: address, password into
// the OS keystore) and publishing by itself in the background, the Groupe tab, both
// workstations' certificates, the filters, where a certificate lives; screenshots in French
// and English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from './webdriver.mjs';

const ARTIFACTS = process.env.E2E_ARTIFACTS;
const work = mkdtempSync(join(process.env.E2E_WORK ?? tmpdir(), 'group-'));
const $ = (testid) => `[data-testid="${testid}"]`;
const database = `e2e_group_${process.pid}`;
const roles = [`${database}_accueil`, `${database}_serveur`, `${database}_app`];
let session;

const psql = (db, sql) =>
  execFileSync(join(process.env.PG_BIN, 'psql'), ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', `postgresql://${process.env.PG_SUPERUSER}@/${db}?host=${process.env.PG_SOCKET_DIR}&port=${process.env.PG_PORT}`, '-c', sql], {
    encoding: 'utf8',
  }).trim();
const tls = (role, password) =>
  `postgresql://${role}${password ? `:${password}` : ''}@127.0.0.1:${process.env.PG_PORT}/${database}?sslmode=verify-full&sslrootcert=${process.env.PG_CA}`;
/** `certisante` on a workstation of its own (its own registry), or the app's (data null). */
const cli = (data, ...args) =>
  execFileSync(process.env.E2E_CLI, args, { encoding: 'utf8', env: data === null ? process.env : { ...process.env, CERTISANTE_DATA_DIR: data } }).trim();

/** Screenshots after the webview painted what the DOM already has (WebKit may lag). */
async function shot(name) {
  await session.paintedScreenshot(join(ARTIFACTS, `group-${name}.png`));
}

/** The rendered rows' names and workstations, read in the page (WebKitWebDriver reports table cells' text empty). */
const rows = () =>
  session.execute(
    `return [...document.querySelectorAll('[data-testid="group-row"]')].map((row) => ({
       cn: row.querySelector('[data-testid="group-cn"]').textContent.trim(),
       workstations: row.querySelector('[data-testid="group-workstations"]').getAttribute('title'),
       status: row.dataset.status,
     }))`,
  );
const shown = () => session.execute(`return document.querySelector('[data-testid="group-shown"]')?.textContent.replace(/\\s+/g, ' ').trim() ?? null`);

before(async () => {
  for (const name of ['E2E_APP', 'E2E_CLI', 'E2E_FIXTURES', 'E2E_ARTIFACTS', 'PG_BIN', 'PG_PORT', 'PG_CA', 'PG_SOCKET_DIR']) {
    assert.ok(process.env[name], `${name} is set by tests/e2e/run.sh`);
  }
  psql('postgres', `CREATE DATABASE ${database}`);
  cli(join(work, 'admin'), 'group', 'init', '--database', `postgresql://${process.env.PG_SUPERUSER}@/${database}?host=${process.env.PG_SOCKET_DIR}&port=${process.env.PG_PORT}`);
  psql(database, `CREATE ROLE ${roles[0]} LOGIN PASSWORD 'accueil-pw' IN ROLE certisante_publisher`);
  psql(database, `CREATE ROLE ${roles[1]} LOGIN PASSWORD 'serveur-pw' IN ROLE certisante_publisher`);
  // The app's own role publishes its workstation and reads the group.
  psql(database, `CREATE ROLE ${roles[2]} LOGIN PASSWORD 'app-pw' IN ROLE certisante_publisher, certisante_reader`);

  // Two workstations: the reception desk holds every fixture, the web server two of them.
  const certs = join(process.env.E2E_FIXTURES, 'certs');
  const accueil = join(work, 'accueil');
  cli(accueil, 'watch', 'add', certs);
  cli(accueil, 'scan');
  cli(accueil, 'group', 'publish', '--database', tls(roles[0], 'accueil-pw'), '--workstation', 'POSTE-ACCUEIL');
  const serveur = join(work, 'serveur');
  mkdirSync(join(serveur, 'certs'), { recursive: true });
  for (const file of ['dmp.pem', 'ssl.pem']) copyFileSync(join(certs, file), join(serveur, 'certs', file));
  cli(serveur, 'watch', 'add', join(serveur, 'certs'));
  cli(serveur, 'scan');
  cli(serveur, 'group', 'publish', '--database', tls(roles[1], 'serveur-pw'), '--workstation', 'SRV-WEB');

  session = await Session.start(process.env.E2E_APP);
  await session.waitFor('the title', async () => session.text(await session.find($('app-title'))));
});

after(async () => {
  await shot('last').catch(() => {});
  await session?.close();
  // The app's registry is shared by the e2e tests that follow: no group left configured.
  for (const args of [['--forget-password'], ['--database', '', '--workstation', '']]) {
    try {
      cli(null, 'group', 'configure', ...args);
    } catch {
      // No group was configured.
    }
  }
  try {
    psql('postgres', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    for (const role of roles) psql('postgres', `DROP ROLE IF EXISTS ${role}`);
  } catch {
    // Left for the harness's stop.
  }
});

test('the group is configured in the settings: address, name, password kept in the keystore', async () => {
  assert.equal((await session.findAll($('nav-group'))).length, 0, 'no Groupe tab without a group');
  await session.click(await session.find($('settings-button')));
  await session.click(await session.waitFor('the group settings', async () => (await session.findAll($('group-settings-open')))[0] ?? null));
  const address = await session.waitFor('the address field', async () => (await session.findAll($('group-settings-address')))[0] ?? null);
  await session.type(address, tls(roles[2]));
  await session.type(await session.find($('group-settings-workstation')), 'POSTE-DSI');
  await session.type(await session.find($('group-settings-password')), 'app-pw');
  await session.click(await session.find($('group-settings-save')));
  const state = await session.waitFor('the password saved', async () => {
    const text = await session.execute(`return document.querySelector('[data-testid="group-settings-password-state"]')?.textContent ?? ''`);
    // Not merely "enregistré dans le trousseau": the text before saving ("Aucun mot de passe
    // enregistré dans le trousseau…") says that too.
    return text.includes('Un mot de passe est enregistré') ? text : null;
  });
  assert.match(state, /Un mot de passe est enregistré/);
  await session.execute(`document.querySelector('[data-testid="group-settings"]').scrollIntoView({ block: 'center' })`);
  await shot('0-settings-fr');
  const settings = JSON.parse(cli(null, 'group', 'configure', '--json'));
  assert.equal(settings.password_saved, true);
  assert.ok(!settings.database_url.includes('app-pw'), 'no password in the settings');
  await session.click(await session.find($('settings-button')));
});

test('the app publishes its own workstation by itself once the group is configured', async () => {
  // Nobody asks: saving the settings wakes the background publisher.
  // Done once the server holds the row and the app has recorded its success.
  const owner = await session.waitFor('POSTE-DSI published and acknowledged', async () => {
    const found = psql(database, `SELECT owner FROM certisante.workstations WHERE name = 'POSTE-DSI'`);
    const backlog = JSON.parse(cli(null, 'group', 'configure', '--json')).backlog;
    return found !== '' && backlog.pending === 0 && backlog.last_success_at ? found : null;
  }, 30000);
  assert.equal(owner, roles[2], 'published under the app’s own role');
});

test('the Groupe view lists both workstations’ certificates, filters them, and shows where each lives', async () => {
  await session.click(await session.waitFor('the Groupe tab', async () => (await session.findAll($('nav-group')))[0] ?? null));
  const listed = await session.waitFor('the group’s rows', async () => {
    const found = await rows();
    return found.length >= 5 ? found : null;
  }, 30000);
  // The app's own registry (shared with the other e2e tests) may hold DMP too.
  const dmp = listed.find((row) => row.cn === 'DMP');
  assert.match(dmp?.workstations ?? '', /^POSTE-ACCUEIL, (POSTE-DSI, )?SRV-WEB$/, JSON.stringify(listed));
  assert.ok(listed.some((row) => row.cn === 'ROC' && row.status === 'expired'));
  await shot('1-view-fr');

  await session.selectOption('group-filter-workstation', 'SRV-WEB');
  const onServer = await session.waitFor('the server’s certificates', async () => {
    const found = await rows();
    return found.every((row) => row.workstations.includes('SRV-WEB')) ? found : null;
  });
  assert.deepEqual(onServer.map((row) => row.cn).filter((cn) => ['DMP', 'portail.ch-test.fr'].includes(cn)).sort(), ['DMP', 'portail.ch-test.fr']);
  await session.selectOption('group-filter-usage', 'SSL_SERV');
  assert.deepEqual((await rows()).map((row) => row.cn), ['portail.ch-test.fr']);
  assert.match(await shown(), /^1 sur /);
  await session.click(await session.find($('group-reset')));
  await session.selectOption('group-filter-status', 'expired');
  assert.ok((await rows()).every((row) => row.status === 'expired'));
  await session.click(await session.find($('group-reset')));

  // Where DMP lives: both workstations, each with its places.
  await session.execute(`[...document.querySelectorAll('[data-testid="group-cn"]')].find((b) => b.textContent.trim() === 'DMP').click()`);
  const holders = await session.waitFor('DMP’s workstations', async () => {
    const found = await session.execute(`return [...document.querySelectorAll('[data-testid="group-holder"]')].map((h) => h.dataset.workstation)`);
    return found.length >= 2 ? found : null;
  });
  assert.deepEqual(holders.filter((name) => name !== 'POSTE-DSI'), ['POSTE-ACCUEIL', 'SRV-WEB']);
  const places = await session.execute(`return document.querySelector('[data-testid="group-holders"]').textContent`);
  assert.match(places, /dmp\.pem/);
  await shot('2-details-fr');

  await session.setLanguage('en');
  assert.equal(await session.execute(`return document.querySelector('#group-title').textContent.trim()`), 'Group inventory');
  assert.match(await session.execute(`return document.querySelector('[data-testid="group-details"]').textContent`), /Where it lives/);
  await shot('2-details-en');
  await session.setLanguage('fr');
});
