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

/** Runs a change in the page and waits until the next frame is rendered: the rows painted. Returns
 * [total, script]: the script's share is the change's handlers and the UI's update (the
 * microtasks after it), the rest is style, layout and paint. */
async function timed(script) {
  return session.cmd('POST', '/execute/async', {
    script: `const done = arguments[arguments.length - 1];
      const started = performance.now();
      ${script}
      let scripted = 0;
      // After the UI's update (Svelte flushes in a microtask queued by the change).
      queueMicrotask(() => queueMicrotask(() => (scripted = performance.now() - started)));
      // Painted: a task queued from the next frame's callbacks runs once that frame is
      // rendered (style, layout, paint); waiting for a second frame would add a whole one.
      requestAnimationFrame(() => setTimeout(() => done([performance.now() - started, scripted]), 0));`,
    args: [],
  });
}

const choose = (testid, value) =>
  `const s = document.querySelector('${$(testid)}'); s.value = ${JSON.stringify(value)}; s.dispatchEvent(new Event('change', { bubbles: true }));`;
const search = (value) => `const i = document.querySelector('${$('group-search')}'); i.value = ${JSON.stringify(value)}; i.dispatchEvent(new Event('input', { bubbles: true }));`;

const session = await Session.start(process.env.BENCH_APP_BIN);
try {
  await session.waitFor('the Groupe tab', async () => (await session.findAll($('nav-group')))[0] ?? null, 60000);
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
  await new Promise((resolve) => setTimeout(resolve, 3000));
  memory('dashboard, before the Groupe view');
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
  memory('view open');
  const times = [];
  const measure = async (kind, script) => times.push([kind, ...(await timed(script))]);
  for (let i = 0; i < 10; i++) {
    await measure('workstation', choose('group-filter-workstation', `POSTE-${String(i * 37).padStart(3, '0')}`));
    await measure('workstation', choose('group-filter-workstation', 'all'));
    await measure('status', choose('group-filter-status', 'expiring'));
    await measure('status', choose('group-filter-status', 'all'));
    await measure('search', search(`cert-${i}`));
    await measure('search', search(''));
    // The floor of this measure: the next frame, with nothing changed.
    await measure('no change', '');
  }
  const at = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.round((p / 100) * (sorted.length - 1)))];
  const sorted = (rows, column) => rows.map((row) => row[column]).sort((a, b) => a - b);
  const totals = sorted(times.filter((row) => row[0] !== 'no change'), 1);
  console.log(
    `filter → rows painted: p50 ${at(totals, 50).toFixed(0)} ms, p99 ${at(totals, 99).toFixed(0)} ms, max ${totals.at(-1).toFixed(0)} ms over ${totals.length} changes (goal < 100 ms)`,
  );
  for (const kind of ['workstation', 'status', 'search', 'no change']) {
    const rows = times.filter((row) => row[0] === kind);
    console.log(`  … ${kind.padEnd(11)} p50 ${at(sorted(rows, 1), 50).toFixed(0)} ms, of which the script (handlers, the UI's update) ${at(sorted(rows, 2), 50).toFixed(0)} ms`);
  }
  memory('after filtering');
} finally {
  await session.close();
}
