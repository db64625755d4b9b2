// Expiry alerts end to end: the real app (started directly, under run.sh's Xvfb) on a
// registry watching the fixtures (certificates ending in 400, 100, 80, 25, 5 and -3
// days), with a real notification server (certisante-notifyd) on a private D-Bus
// session bus. The first start sends exactly 4 notifications (90, 30, 7 days and the
// expiry); a click on one reaches the app; a second start sends none.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const bin = dirname(process.env.E2E_APP);
// A short path: a Unix socket's path has at most 107 bytes.
const work = mkdtempSync(join(tmpdir(), 'alerts-'));
const log = join(work, 'notifications.jsonl');
const children = [];
let bus;
let env;

/** Starts a program and collects its output; `lines` grows as it prints. */
function start(program, args, options = {}) {
  const child = spawn(program, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.output = '';
  const collect = (chunk) => {
    child.output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  // A program that could not start emits 'error' and maybe never 'exit': `stop` must not wait forever.
  child.exited = new Promise((resolve) => {
    child.on('exit', resolve);
    child.on('error', (error) => {
      child.output += `\n${error}`;
      resolve(null);
    });
  });
  children.push(child);
  return child;
}

async function until(what, check, timeoutMs = 60000, output = () => '') {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = check();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}\n${output()}`);
}

async function stop(child) {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
  }
  await child.exited;
}

function notifications() {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

/** Lines "certisante: alerts checked: N to show" the app printed. */
function checks(app) {
  return [...app.output.matchAll(/certisante: alerts checked: (\d+) to show/g)].map((m) => Number(m[1]));
}

before(async () => {
  // A bus of our own, its config listing no service directories (as
  // tests/harness/keyring.sh's): nothing is auto-started, not even GTK's accessibility
  // bus, whose activation would hang the app under Xvfb.
  const socket = join(work, 'bus');
  writeFileSync(
    join(work, 'bus.conf'),
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
  );
  bus = start('dbus-daemon', ['--config-file', join(work, 'bus.conf'), '--nofork', '--nopidfile', '--print-address=1']);
  const address = (await until('the bus address', () => bus.output.match(/^unix:\S+/m)))[0];

  mkdirSync(join(work, 'home'));
  mkdirSync(join(work, 'data'));
  env = {
    ...process.env,
    DBUS_SESSION_BUS_ADDRESS: address,
    HOME: join(work, 'home'),
    XDG_DATA_HOME: join(work, 'home/.local/share'),
    XDG_CONFIG_HOME: join(work, 'home/.config'),
    CERTISANTE_DATA_DIR: join(work, 'data'),
    CERTISANTE_EXTRA_ANCHORS: join(process.env.E2E_FIXTURES, 'anchors'),
  };
  const notifyd = start(join(bin, 'certisante-notifyd'), [log], { env });
  await until('the notification server', () => notifyd.output.includes('ready') || notifyd.exitCode !== null);
  assert.ok(notifyd.output.includes('ready'), `certisante-notifyd: ${notifyd.output}`);
  execFileSync(join(bin, 'certisante'), ['watch', 'add', join(process.env.E2E_FIXTURES, 'certs')], { env });
});

after(async () => {
  for (const child of children.reverse()) {
    await stop(child);
  }
  if (existsSync(log) && process.env.E2E_ARTIFACTS) {
    mkdirSync(process.env.E2E_ARTIFACTS, { recursive: true });
    copyFileSync(log, join(process.env.E2E_ARTIFACTS, 'alerts-notifications.jsonl'));
  }
  rmSync(work, { recursive: true, force: true });
});

function startApp() {
  return start(process.env.E2E_APP, [], { env });
}

const byCn = () => {
  const listed = JSON.parse(execFileSync(join(bin, 'certisante'), ['list', '--json'], { env }).toString());
  return new Map(listed.certificates.map((c) => [c.cn, c.sha256]));
};

test('the first start notifies each crossed threshold once; a click opens that certificate', async () => {
  const app = startApp();
  try {
    await until('4 notifications', () => notifications().length >= 4, 60000, () => app.output);
    await until('the check after the start scan', () => checks(app).length > 0, 60000, () => app.output);
    const sent = notifications();
    const seen = sent.map((n) => `${n.summary} | ${n.body}`).sort();
    assert.equal(sent.length, 4, seen.join('\n'));
    // 80 days: "90"; 25: "30"; 5: "7"; -3: expired. 400 and 100 days: nothing yet. The
    // signing certificate's 80 days are its key's (privateKeyUsagePeriod), not its own 110.
    const about = (cn) => sent.filter((n) => n.body.startsWith(`${cn} `) || n.body.startsWith(`La clé de ${cn} `));
    assert.match(
      about('MSSANTE SIGNATURE')[0]?.body ?? '',
      /^La clé de MSSANTE SIGNATURE ne pourra plus signer dans 7\d jours \(le \d\d\/\d\d\/\d{4}\) : renouvelez-le avant\.$/,
    );
    assert.match(about('INSI-AUTO')[0]?.body ?? '', /^INSI-AUTO expire dans 2\d jours/);
    assert.match(about('MSSANTE CHIFFREMENT')[0]?.body ?? '', /^MSSANTE CHIFFREMENT expire dans [45] jours/);
    assert.match(about('ROC')[0]?.body ?? '', /^ROC a expiré le \d\d\/\d\d\/\d{4}\.$/);
    assert.equal(about('ROC')[0].summary, 'Certificat expiré');
    assert.equal(about('INSI-AUTO')[0].summary, 'Certificat à renouveler');
    for (const n of sent) {
      assert.equal(n.app_name, 'CertiSanté');
      assert.deepEqual(n.actions, ['default', 'Ouvrir']);
    }

    // The click: the server emits ActionInvoked(id, "default"); the app opens that one.
    const clicked = about('INSI-AUTO')[0];
    execFileSync(
      'gdbus',
      ['call', '--session', '--dest', 'org.freedesktop.Notifications', '--object-path', '/org/freedesktop/Notifications',
        '--method', 'fr.certisante.Test.Notifications.Click', String(clicked.id)],
      { env },
    );
    const sha256 = byCn().get('INSI-AUTO');
    await until('the app to open the clicked certificate', () => app.output.includes(`notification clicked: opening certificate ${sha256}`));
  } finally {
    await stop(app);
  }
});

test('a second start sends no notification again', async () => {
  const app = startApp();
  try {
    // The check after the start scan said there was nothing to show.
    await until('the check after the start scan', () => checks(app).length > 0);
    assert.ok(checks(app).every((n) => n === 0), app.output);
    assert.equal(notifications().length, 4);
  } finally {
    await stop(app);
  }
});
