// A small W3C WebDriver client (plain HTTP to tauri-driver), enough for our tests.
import { writeFile } from 'node:fs/promises';

// tauri-driver on E2E_DRIVER_PORT (run.sh starts it there; 4444 by default, CI's).
const BASE = process.env.E2E_WEBDRIVER ?? `http://127.0.0.1:${process.env.E2E_DRIVER_PORT || 4444}`;

// A command that gets no answer fails after this long (E2E_CALL_TIMEOUT_MS), naming itself,
// instead of holding the test until node's own timeout.
const CALL_TIMEOUT_MS = Number(process.env.E2E_CALL_TIMEOUT_MS || 120000);

async function call(method, path, body) {
  let response;
  try {
    response = await fetch(`${BASE}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
  } catch (e) {
    if (e.name === 'TimeoutError') throw new Error(`${method} ${path}: no answer in ${CALL_TIMEOUT_MS} ms`);
    throw e;
  }
  const json = await response.json();
  if (!response.ok || json.value?.error) {
    throw new Error(`${method} ${path}: ${JSON.stringify(json.value ?? json)}`);
  }
  return json.value;
}

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class Session {
  /** `args`: the app's command-line arguments (tauri-driver hands them to WebKitWebDriver). */
  static async start(application, args = []) {
    const value = await call('POST', '/session', {
      capabilities: { alwaysMatch: { 'tauri:options': { application, args } } },
    });
    return new Session(value.sessionId);
  }

  constructor(id) {
    this.id = id;
  }

  cmd(method, path, body) {
    return call(method, `/session/${this.id}${path}`, body);
  }

  async findAll(css, from) {
    const path = from ? `/element/${from}/elements` : '/elements';
    const found = await this.cmd('POST', path, { using: 'css selector', value: css });
    return found.map((e) => e[ELEMENT]);
  }

  async find(css) {
    const [first] = await this.findAll(css);
    if (!first) throw new Error(`no element ${css}`);
    return first;
  }

  text(element) {
    return this.cmd('GET', `/element/${element}/text`);
  }

  attribute(element, name) {
    return this.cmd('GET', `/element/${element}/attribute/${name}`);
  }

  click(element) {
    return this.cmd('POST', `/element/${element}/click`, {});
  }

  async type(element, text) {
    await this.cmd('POST', `/element/${element}/clear`, {});
    if (text) await this.cmd('POST', `/element/${element}/value`, { text });
  }

  execute(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  async waitFor(what, check, timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      try {
        last = await check();
        if (last) return last;
      } catch (e) {
        last = e;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out waiting for ${what} (last: ${last})`);
  }

  async screenshot(file) {
    const png = await this.#whileRepainting(() => this.cmd('GET', '/screenshot'));
    await writeFile(file, Buffer.from(png, 'base64'));
  }

  /**
   * Runs `command` (a screenshot) while the page repaints a transparent pixel every 50 ms.
   * WebKitGTK takes a WebDriver screenshot after the page's next painted frame. Without
   * accelerated compositing (the app's mode on Linux) WebKit does not force that frame: on a
   * still page (no caret blinking, nothing changing) none ever comes and the command never
   * answers. The pixel's colour changes between two fully transparent ones: the page
   * repaints, and nothing shows in the picture.
   */
  async #whileRepainting(command) {
    await this.execute(
      `if (!window.__e2eRepaint) {
         const pixel = document.createElement('div');
         pixel.setAttribute('aria-hidden', 'true');
         pixel.style.cssText = 'position: fixed; right: 0; bottom: 0; width: 1px; height: 1px; pointer-events: none; z-index: 2147483647';
         document.body.append(pixel);
         let odd = false;
         const timer = setInterval(() => {
           odd = !odd;
           pixel.style.backgroundColor = odd ? 'rgba(255, 255, 255, 0)' : 'rgba(0, 0, 0, 0)';
         }, 50);
         window.__e2eRepaint = { pixel, timer };
       }`,
    );
    try {
      return await command();
    } finally {
      // Best effort: a failed command's own error is the one to report.
      await this.execute(
        `const r = window.__e2eRepaint;
         if (r) { clearInterval(r.timer); r.pixel.remove(); delete window.__e2eRepaint; }`,
      ).catch(() => {});
    }
  }

  /** A screenshot once the webview painted what the DOM already has (WebKit may lag). */
  async paintedScreenshot(file) {
    await this.cmd('POST', '/execute/async', {
      // An explicit result: WebKitWebDriver once failed to parse the undefined that
      // setTimeout(done) hands over ("Could not parse script result").
      script: 'const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => done(true), 300)));',
      args: [],
    });
    await this.screenshot(file);
  }

  /** Sets the <select> of `testid` to `value` as a user's choice does (its change event). */
  async selectOption(testid, value) {
    const chosen = await this.execute(
      `const s = document.querySelector('[data-testid="${testid}"]');
       s.value = arguments[0];
       s.dispatchEvent(new Event('change', { bubbles: true }));
       return s.value;`,
      [value],
    );
    // A value that is no option leaves the select empty: say so rather than test nothing.
    if (chosen !== value) throw new Error(`${testid}: no option ${JSON.stringify(value)}`);
  }

  /** Switches the app's language (a stored setting) and waits for the page to say it. */
  async setLanguage(lang) {
    await this.selectOption('language-select', lang);
    await this.waitFor(`the page in ${lang}`, async () => ((await this.execute('return document.documentElement.lang')) === lang ? true : null));
  }

  /** A picture of one element only (scrolled into view first). */
  async elementScreenshot(element, file) {
    const png = await this.#whileRepainting(() => this.cmd('GET', `/element/${element}/screenshot`));
    await writeFile(file, Buffer.from(png, 'base64'));
  }

  close() {
    return this.cmd('DELETE', '');
  }
}
