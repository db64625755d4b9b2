// bench/group.sh with BENCH_APP=1: the real app (under Xvfb, through tauri-driver) with
// the Groupe view open on every certificate of the bench's database; prints the memory of
// the app and of WebKit's processes, and the time a filter takes to show its rows.
// Not a test. Needs BENCH_APP_BIN, E2E_WEBDRIVER, and the group address in the
// environment (CERTISANTE_GROUP_DATABASE_URL and PGPASSWORD, set by bench/group.sh).
import { readFileSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { Session } from '../tests/e2e/webdriver.mjs';

const $ = (testid) => `[data-testid="${testid}"]`;

/** Every process whose ancestor is `root`, with the root: [pid, name, rss kB, pss kB]. */
function tree(root) {
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(after[1]));
    } catch {
      // Gone.
    }
  }
  const inside = (pid) => {
    for (let p = pid, depth = 0; p > 1 && depth < 64; p = parents.get(p) ?? 0, depth++) if (p === root) return true;
    return false;
  };
  return [...parents.keys()].filter(inside).map((pid) => {
    const name = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    const field = (text, key) => Number((text.match(new RegExp(`^${key}:\\s+(\\d+)`, 'm')) ?? [0, 0])[1]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    let pss = 0;
    try {
      pss = field(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
    } catch {
      // Not readable.
    }
    return [pid, name, field(status, 'VmRSS'), pss];
  });
}

/** The bench's app: its executable is BENCH_APP_BIN (others may run an app of the same name from another build). */
function appPid() {
  const wanted = realpathSync(process.env.BENCH_APP_BIN);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/exe`) === wanted) return Number(entry);
    } catch {
      // Gone.
    }
  }
  throw new Error('the app is not running');
}

/** Runs a change in the page and waits two frames after it: the rows are painted. */
async function timed(script) {
  return session.cmd('POST', '/execute/async', {
    script: `const done = arguments[arguments.length - 1];
      const started = performance.now();
      ${script}
      requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - started)));`,
    args: [],
  });
}

const choose = (testid, value) =>
  `const s = document.querySelector('${$(testid)}'); s.value = ${JSON.stringify(value)}; s.dispatchEvent(new Event('change', { bubbles: true }));`;
const search = (value) => `const i = document.querySelector('${$('group-search')}'); i.value = ${JSON.stringify(value)}; i.dispatchEvent(new Event('input', { bubbles: true }));`;

const session = await Session.start(process.env.BENCH_APP_BIN);
try {
  await session.waitFor('the Groupe tab', async () => (await session.findAll($('nav-group')))[0] ?? null, 60000);
  const opened = Date.now();
  await session.click(await session.find($('nav-group')));
  const total = await session.waitFor('the rows', async () => {
    const text = await session.execute(`return document.querySelector('${$('group-shown')}')?.textContent ?? null`);
    return text;
  }, 120000);
  console.log(`Groupe view shown in ${Date.now() - opened} ms (${total.replace(/\s+/g, ' ').trim()})`);
  const inDom = await session.execute(`return document.querySelectorAll('${$('group-row')}').length`);
  console.log(`rows in the DOM (only those on screen, and a few more): ${inDom}`);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const memory = (label) => {
    const processes = tree(appPid());
    let rss = 0;
    let pss = 0;
    for (const [pid, name, r, p] of processes) {
      console.log(`  ${label}: ${name.padEnd(22)} pid ${String(pid).padEnd(7)} RSS ${(r / 1024).toFixed(0).padStart(5)} MB  PSS ${(p / 1024).toFixed(0).padStart(5)} MB`);
      rss += r;
      pss += p;
    }
    console.log(`  ${label}: app + WebKit together: RSS ${(rss / 1024).toFixed(0)} MB, PSS ${(pss / 1024).toFixed(0)} MB (goal < 400 MB)`);
  };
  memory('view open');
  const times = [];
  for (let i = 0; i < 10; i++) {
    times.push(await timed(choose('group-filter-workstation', `POSTE-${String(i * 37).padStart(3, '0')}`)));
    times.push(await timed(choose('group-filter-workstation', 'all')));
    times.push(await timed(choose('group-filter-status', 'expiring')));
    times.push(await timed(choose('group-filter-status', 'all')));
    times.push(await timed(search(`cert-${i}`)));
    times.push(await timed(search('')));
  }
  times.sort((a, b) => a - b);
  const at = (p) => times[Math.min(times.length - 1, Math.round((p / 100) * (times.length - 1)))];
  console.log(`filter → rows painted: p50 ${at(50).toFixed(0)} ms, p99 ${at(99).toFixed(0)} ms, max ${times.at(-1).toFixed(0)} ms over ${times.length} changes (goal < 100 ms)`);
  memory('after filtering');
} finally {
  await session.close();
}
