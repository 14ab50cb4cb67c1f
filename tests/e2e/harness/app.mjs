// The app under test: the real binary in a real WebKit window on a private X display, driven
// through tauri-driver -> WebKitWebDriver. Journeys get an `App` with small, readable helpers.
import { execFile } from 'node:child_process';
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { formatViolations, runAxe } from './axe.mjs';
import { startDbusSession, startXvfb } from './display.mjs';
import { appBinaryPath, artifactsFolder, buildAppHint, demoProfilePath, repoRoot, slug } from './paths.mjs';
import { describePng } from './png.mjs';
import { freePort, startLoopbackHelper } from './processes.mjs';
import { ELEMENT_KEY, WebDriverError, WebDriverSession, driverIsReady } from './webdriver.mjs';

/** @typedef {import('./webdriver.mjs').ElementRef} ElementRef */
/** @typedef {string | ElementRef} Target  a CSS selector (waited for) or an element */

/** W3C WebDriver key codes for the keys journeys press. */
const KEYS = {
  Tab: '\uE004',
  Enter: '\uE007',
  Escape: '\uE00C',
  Space: ' ',
  Shift: '\uE008',
  ArrowUp: '\uE013',
  ArrowDown: '\uE015',
  ArrowLeft: '\uE012',
  ArrowRight: '\uE014',
  Home: '\uE011',
  End: '\uE010',
};

const DEFAULT_WAIT_MS = 10_000;

/**
 * @typedef {object} LaunchOptions
 * @property {string} name  the journey's name: used for log and artifact names
 * @property {string[]} [args]  extra command-line arguments for the app
 * @property {NodeJS.ProcessEnv} [env]  extra environment for the app (e.g. the council service URL)
 * @property {{ display: string, dbusAddress: string }} [desktop]  an X display and D-Bus session
 *   that outlive this launch (harness/computer.mjs: one computer, the app opened several times);
 *   without it each launch starts its own
 */

/**
 * Wrap a journey for `test()`: launch the app, run the journey, save a screenshot if it
 * fails, and always shut everything down.
 * @param {(app: App, t: import('node:test').TestContext) => Promise<void>} journey
 * @param {Omit<LaunchOptions, 'name'>} [options]
 * @returns {(t: import('node:test').TestContext) => Promise<void>}
 */
export function withApp(journey, options = {}) {
  return async (t) => {
    const app = await launchApp({ ...options, name: t.name });
    try {
      await journey(app, t);
    } catch (error) {
      // Best effort: the journey's own error is the one to report.
      await app.screenshot(`FAILED-${t.name}`).catch((shotError) => {
        t.diagnostic(`could not save a failure screenshot: ${shotError.message}`);
      });
      t.diagnostic(`logs: ${app.logs.app} ${app.logs.driver}`);
      throw error;
    } finally {
      await app.close();
    }
  };
}

/**
 * Start Xvfb, a D-Bus session and tauri-driver, then open the app in a WebDriver session.
 * @param {LaunchOptions} options
 * @returns {Promise<App>}
 */
export async function launchApp(options) {
  const binary = appBinaryPath();
  await access(binary, constants.X_OK).catch(() => {
    throw new Error(`The app binary is missing: ${binary}\nBuild it with: ${buildAppHint}`);
  });
  /** @type {Array<() => Promise<void>>} undone in reverse order by App.close */
  const cleanups = [];
  const undo = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    // Shorter than slug's limit, so the helpers' suffixes (.driver, .xvfb) survive and each
    // helper gets a log of its own.
    const name = slug(options.name).slice(0, 64);
    // A fresh home for the app's data, config and cache: tests never see each other's state.
    const home = await mkdtemp(join(tmpdir(), 'cfp-e2e-'));
    cleanups.push(() => rm(home, { recursive: true, force: true }));

    // WebKitWebDriver does not keep the app's output; a tiny wrapper sends it to a log, so a
    // crash of the app says why.
    const appLog = join(await artifactsFolder('logs'), `${name}-app.log`);
    const launcher = join(home, 'launch-app.sh');
    await writeFile(launcher, '#!/bin/sh\nexec "$CFP_E2E_APP" "$@" >>"$CFP_E2E_APP_LOG" 2>&1\n', { mode: 0o755 });

    let desktop = options.desktop;
    if (!desktop) {
      const xvfb = await startXvfb({ logName: `${name}.xvfb` });
      cleanups.push(() => xvfb.helper.stop());
      const dbus = await startDbusSession({ logName: `${name}.dbus` });
      cleanups.push(() => dbus.helper.stop());
      desktop = { display: xvfb.display, dbusAddress: dbus.address };
    }

    const env = {
      ...process.env,
      DISPLAY: desktop.display,
      GDK_BACKEND: 'x11',
      WAYLAND_DISPLAY: '',
      DBUS_SESSION_BUS_ADDRESS: desktop.dbusAddress,
      // No accessibility bus in a headless session; without this GTK waits for one.
      NO_AT_BRIDGE: '1',
      GSETTINGS_BACKEND: 'memory',
      XDG_CONFIG_HOME: join(home, 'config'),
      XDG_DATA_HOME: join(home, 'data'),
      XDG_CACHE_HOME: join(home, 'cache'),
      XDG_STATE_HOME: join(home, 'state'),
      CFP_PROFILE: demoProfilePath,
      CFP_E2E_APP: binary,
      CFP_E2E_APP_LOG: appLog,
      ...options.env,
    };
    const nativePort = await freePort();
    const driver = await startLoopbackHelper({
      name: 'tauri-driver',
      logName: `${name}.driver`,
      command: 'tauri-driver',
      args: (port) => ['--port', String(port), '--native-port', String(nativePort)],
      probe: (port) => () => driverIsReady(`http://127.0.0.1:${port}`),
      env,
    });
    cleanups.push(() => driver.helper.stop());

    const session = await WebDriverSession.create(
      driver.url,
      { alwaysMatch: { 'tauri:options': { application: launcher, args: options.args ?? [] } } },
      60_000,
    ).catch(async (error) => {
      throw await driver.helper.failure(`could not open the app (${error.message}); app log: ${appLog}`);
    });
    cleanups.push(async () => {
      await session.delete().catch(() => {
        // The driver is stopped next, which closes the app anyway.
      });
    });
    await session.setTimeouts({ script: 30_000, pageLoad: 30_000, implicit: 0 });
    return new App(session, undo, { app: appLog, driver: driver.helper.logPath }, desktop.display);
  } catch (error) {
    await undo();
    throw error;
  }
}

/** The app window as a journey sees it. */
export class App {
  /**
   * @param {WebDriverSession} session
   * @param {() => Promise<void>} close
   * @param {{ app: string, driver: string }} logs  where the app's and the driver's output go
   * @param {string} display  the private X display the app's window is on
   */
  constructor(session, close, logs, display) {
    this.session = session;
    this.logs = logs;
    this.closeAll = close;
    this.closed = false;
    this.display = display;
  }

  /**
   * Press the window's close button (the X in its title bar), as a window manager passes it
   * on: WM_DELETE_WINDOW to the app's window (harness/close-window.py). WebDriver's own
   * "Close Window" only destroys the webview and never asks the window to close.
   * @param {string} [title]
   */
  async pressCloseButton(title = 'Client Finance Portal') {
    const script = join(repoRoot, 'tests', 'e2e', 'harness', 'close-window.py');
    await promisify(execFile)('python3', [script, title], {
      env: { ...process.env, DISPLAY: this.display },
      timeout: 10_000,
    });
  }

  /** Close the app and stop every helper process. Safe to call twice. */
  async close() {
    if (this.closed) return;
    this.closed = true;
    await this.closeAll();
  }

  /**
   * The first element matching a CSS selector, now; fails if there is none.
   * @param {string} selector
   * @returns {Promise<ElementRef>}
   */
  async find(selector) {
    try {
      return await this.session.findElement(selector);
    } catch (error) {
      if (error instanceof WebDriverError && error.error === 'no such element') {
        throw new Error(`No element matches \`${selector}\``);
      }
      throw error;
    }
  }

  /**
   * Every element matching a CSS selector, now (maybe none).
   * @param {string} selector
   */
  findAll(selector) {
    return this.session.findElements(selector);
  }

  /**
   * Wait until an element matching the selector exists (and, by default, is displayed).
   * @param {string} selector
   * @param {{ timeoutMs?: number, visible?: boolean }} [options]
   * @returns {Promise<ElementRef>}
   */
  async waitFor(selector, { timeoutMs = DEFAULT_WAIT_MS, visible = true } = {}) {
    /** @type {ElementRef | undefined} */
    let found;
    await this.waitUntil(
      async () => {
        const [element] = await this.session.findElements(selector);
        if (element && (!visible || (await this.session.isDisplayed(element)))) found = element;
        return found !== undefined;
      },
      { timeoutMs, message: `\`${selector}\` did not appear${visible ? ' (visible)' : ''}` },
    );
    return /** @type {ElementRef} */ (found);
  }

  /**
   * Wait for a displayed element matching the selector whose text matches, e.g.
   * `app.waitForText('button', /^Sign in$/)`.
   * @param {string} selector
   * @param {RegExp} pattern
   * @param {{ timeoutMs?: number }} [options]
   * @returns {Promise<ElementRef>}
   */
  async waitForText(selector, pattern, { timeoutMs = DEFAULT_WAIT_MS } = {}) {
    /** @type {ElementRef | undefined} */
    let found;
    await this.waitUntil(
      async () => {
        for (const element of await this.session.findElements(selector)) {
          if (pattern.test((await this.session.text(element)).trim()) && (await this.session.isDisplayed(element))) {
            found = element;
            return true;
          }
        }
        return false;
      },
      { timeoutMs, message: `no displayed \`${selector}\` with text ${pattern} appeared` },
    );
    return /** @type {ElementRef} */ (found);
  }

  /**
   * Poll until the condition holds; fail with `message` when time runs out.
   * @param {() => Promise<boolean> | boolean} condition
   * @param {{ timeoutMs?: number, intervalMs?: number, message: string }} options
   */
  async waitUntil(condition, { timeoutMs = DEFAULT_WAIT_MS, intervalMs = 100, message }) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await holdsYet(condition)) return;
      if (Date.now() > deadline) throw new Error(`${message} within ${timeoutMs} ms`);
      await sleep(intervalMs);
    }
  }

  /**
   * The link whose whole text (visually hidden words included) is `text`, waiting for it. For
   * links such as "See documents<hidden> for Margaret Okafor</hidden>" that repeat on a screen.
   * @param {string} text
   * @param {{ timeoutMs?: number }} [options]
   * @returns {Promise<ElementRef>}
   */
  async linkByText(text, { timeoutMs = DEFAULT_WAIT_MS } = {}) {
    /** @type {ElementRef | null} */
    let found = null;
    await this.waitUntil(
      async () => {
        found = /** @type {ElementRef | null} */ (
          await this.executeScript(
            "return [...document.querySelectorAll('a')].find((a) => a.textContent.replace(/\\s+/g, ' ').trim() === arguments[0]) || null;",
            text,
          )
        );
        return found !== null;
      },
      { timeoutMs, message: `no link "${text}" appeared` },
    );
    return /** @type {ElementRef} */ (/** @type {unknown} */ (found));
  }

  /**
   * @param {Target} target
   * @returns {Promise<ElementRef>}
   */
  async resolve(target) {
    return typeof target === 'string' ? this.waitFor(target) : target;
  }

  /** @param {Target} target */
  async click(target) {
    await this.session.click(await this.resolve(target));
  }

  /**
   * Type into a field, replacing what is there unless `append` is set.
   * @param {Target} target
   * @param {string} text
   * @param {{ append?: boolean }} [options]
   */
  async type(target, text, { append = false } = {}) {
    const element = await this.resolve(target);
    if (!append) await this.session.clear(element);
    await this.session.sendKeys(element, text);
  }

  /**
   * The rendered text of an element.
   * @param {Target} target
   */
  async text(target) {
    try {
      return await this.session.text(await this.resolve(target));
    } catch (error) {
      // A selector's element can be replaced as the screen re-renders: find it again, once.
      if (typeof target === 'string' && isStaleElement(error)) return this.session.text(await this.resolve(target));
      throw error;
    }
  }

  /**
   * @param {Target} target
   * @param {string} name
   */
  async attribute(target, name) {
    // Read it in the page: WebKitWebDriver answers some attributes (href) with the resolved property.
    return this.executeScript('return arguments[0].getAttribute(arguments[1]);', await this.resolve(target), name);
  }

  /**
   * Press and release a key on the keyboard, as a person would (WebDriver actions).
   * @param {keyof typeof KEYS} key
   * @param {{ shift?: boolean }} [options]
   */
  async pressKey(key, { shift = false } = {}) {
    const code = KEYS[key];
    if (!code) throw new Error(`Unknown key ${key}; known: ${Object.keys(KEYS).join(', ')}`);
    const down = shift ? [{ type: 'keyDown', value: KEYS.Shift }] : [];
    const up = shift ? [{ type: 'keyUp', value: KEYS.Shift }] : [];
    await this.session.performActions([
      {
        type: 'key',
        id: 'keyboard',
        actions: [...down, { type: 'keyDown', value: code }, { type: 'keyUp', value: code }, ...up],
      },
    ]);
  }

  /** The element that has keyboard focus (the body when nothing has). */
  activeElement() {
    return this.session.activeElement();
  }

  /**
   * Run a function body in the page (`arguments` holds args; elements may be passed).
   * @param {string} script
   * @param {...unknown} args
   */
  executeScript(script, ...args) {
    return this.session.execute(script, args);
  }

  /**
   * Do two element references point at the same element?
   * @param {ElementRef} a
   * @param {ElementRef} b
   */
  static same(a, b) {
    return a[ELEMENT_KEY] === b[ELEMENT_KEY];
  }

  /**
   * A short description of an element for assertion messages, e.g. `a.govuk-skip-link "Skip to main content"`.
   * @param {ElementRef} element
   * @returns {Promise<string>}
   */
  describe(element) {
    return this.executeScript(
      `const e = arguments[0];
       const classes = [...e.classList].map((c) => '.' + c).join('');
       const text = (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 60);
       return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + classes + (text ? ' "' + text + '"' : '');`,
      element,
    );
  }

  /**
   * Save a PNG of the window to tests/artifacts/NAME.png; fails if the window looks blank.
   * @param {string} name
   * @returns {Promise<string>} the file's path
   */
  async screenshot(name) {
    // Two animation frames: the picture then shows the DOM as it is now, not the last paint.
    await this.session.executeAsync('const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));');
    const png = await this.session.screenshot();
    const path = join(await artifactsFolder(), `${slug(name)}.png`);
    await writeFile(path, png);
    const { width, height, distinctPixels } = describePng(png);
    if (width < 200 || height < 200 || distinctPixels < 3) {
      throw new Error(`The screenshot ${path} looks blank (${width}x${height}, ${distinctPixels} colours)`);
    }
    return path;
  }

  /**
   * Audit the page with axe-core against WCAG 2.2 A and AA; fails listing every violation.
   * @param {string} name  names the saved results, tests/artifacts/axe-NAME.json
   */
  async audit(name) {
    const result = await runAxe(this.session, name);
    if (result.passes === 0) throw new Error(`axe-core checked no rule on "${name}": is the page empty?`);
    if (result.violations.length > 0) {
      throw new Error(
        `Accessibility audit "${name}": ${result.violations.length} WCAG 2.2 A/AA violation(s):\n` +
          formatViolations(result.violations),
      );
    }
    return result;
  }
}

/**
 * The condition's answer, or false when the page changed under it (an element found a moment
 * ago was replaced as the screen re-rendered): the next poll looks again.
 * @param {() => Promise<boolean> | boolean} condition
 */
async function holdsYet(condition) {
  try {
    return await condition();
  } catch (error) {
    if (isStaleElement(error)) return false;
    throw error;
  }
}

/** @param {unknown} error */
function isStaleElement(error) {
  return error instanceof WebDriverError && /stale element reference/.test(error.message);
}
