// What the browser tests of the council service share: starting the demo service and Chromium
// (through chromedriver), a keyboard-only browser, the page audit, and the demo's outbox.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { formatViolations, runAxe } from '../e2e/harness/axe.mjs';
import { walkTabOrder } from '../e2e/harness/keyboard.mjs';
import { artifactsFolder, repoRoot, slug } from '../e2e/harness/paths.mjs';
import { httpProbe, startLoopbackHelper } from '../e2e/harness/processes.mjs';
import { driverIsReady, WebDriverSession } from '../e2e/harness/webdriver.mjs';

/** The desktop app, registered in the demo as a public native client. */
export const CLIENT_ID = 'client-finance-portal-desktop';
// Nothing listens on the discard port: the browser stops at the redirect and we read the URL.
export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

export const KEYS = { Tab: '\uE004', Enter: '\uE007', Space: ' ', ArrowDown: '\uE015', Backspace: '\uE003', Control: '\uE009' };

export function serviceBinary() {
  if (process.env.CFP_COUNCIL_SERVICE) return resolve(process.env.CFP_COUNCIL_SERVICE);
  const target = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'cfp-target');
  return join(resolve(repoRoot, target), 'debug', 'council-service');
}

/** The browser as a keyboard user drives it, with what the harness's Tab walk needs. */
export class Browser {
  /** @param {WebDriverSession} session */
  constructor(session) {
    this.session = session;
  }

  /** @param {keyof typeof KEYS} key */
  async pressKey(key) {
    const value = KEYS[key];
    await this.session.performActions([
      { type: 'key', id: 'keyboard', actions: [{ type: 'keyDown', value }, { type: 'keyUp', value }] },
    ]);
  }

  /** Types text into whatever has focus, one key at a time. */
  async type(text) {
    const actions = [...text].flatMap((value) => [
      { type: 'keyDown', value },
      { type: 'keyUp', value },
    ]);
    await this.session.performActions([{ type: 'key', id: 'keyboard', actions }]);
  }

  /** Empties the focused field as a person would: select all (Ctrl+A), then Backspace. */
  async clearFocused() {
    const ctrl = KEYS.Control;
    await this.session.performActions([
      {
        type: 'key',
        id: 'keyboard',
        actions: [
          { type: 'keyDown', value: ctrl },
          { type: 'keyDown', value: 'a' },
          { type: 'keyUp', value: 'a' },
          { type: 'keyUp', value: ctrl },
          { type: 'keyDown', value: KEYS.Backspace },
          { type: 'keyUp', value: KEYS.Backspace },
        ],
      },
    ]);
  }

  activeElement() {
    return this.session.activeElement();
  }

  /** @param {string} script @param {...unknown} args */
  executeScript(script, ...args) {
    return this.session.execute(script, args);
  }

  describe(element) {
    return this.executeScript(
      `const e = arguments[0];
       const text = (e.innerText || e.value || '').trim().slice(0, 60);
       return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (text ? ' "' + text + '"' : '');`,
      element,
    );
  }

  async open(url) {
    await this.session.command('POST', '/url', { url });
  }

  async url() {
    return this.session.command('GET', '/url');
  }

  async text() {
    return this.executeScript('return document.body.innerText;');
  }

  /**
   * Press Tab (from the top of the page) until the focused element matches `css` and, if given,
   * contains `text`. Fails if it is never reached: then a keyboard user could not reach it either.
   */
  async tabTo(css, text = '') {
    await this.executeScript('document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);');
    for (let stop = 0; stop < 60; stop += 1) {
      await this.pressKey('Tab');
      const reached = await this.executeScript(
        `const e = document.activeElement;
         return !!e && e.matches(arguments[0]) && (e.innerText || e.value || e.labels?.[0]?.innerText || '').includes(arguments[1]);`,
        css,
        text,
      );
      if (reached) return;
    }
    assert.fail(`Tab never reached ${css} ${JSON.stringify(text)} on ${await this.url()}`);
  }

  /**
   * Press Enter on the focused control and wait for the next page: a new document, even one at
   * the same address with the same title (a form shown again with another error).
   */
  async enterAndWait() {
    const before = await this.executeScript('window.__cfpOldPage = true; return location.href;');
    await this.pressKey('Enter');
    for (let i = 0; i < 100; i += 1) {
      const arrived = await this.executeScript('return document.readyState === "complete" && !window.__cfpOldPage;').catch(() => false);
      if (arrived) return;
      await sleep(100);
    }
    assert.fail(`Enter on ${before} did not lead to another page`);
  }

  /** Waits until the browser is at an address starting with `prefix` (one it cannot load). */
  async waitForUrl(prefix) {
    let url = '';
    for (let i = 0; i < 100 && !url.startsWith(prefix); i += 1) {
      await sleep(100);
      url = await this.url();
    }
    assert.ok(url.startsWith(prefix), `the browser is at ${url}, not ${prefix}…`);
    return url;
  }

  async heading() {
    return this.executeScript('return document.querySelector("h1")?.innerText ?? "";');
  }
}

/**
 * Audits the page: zero axe violations, and every Tab stop shows where focus is. Returns the
 * Tab stops. `name` names the artifacts (axe-NAME.json, and NAME.png if `screenshot`).
 * @param {Browser} browser
 * @param {string} name
 * @param {{ screenshot?: boolean }} [options]
 */
export async function auditPage(browser, name, { screenshot = false } = {}) {
  if (screenshot) {
    await writeFile(join(await artifactsFolder(), `${slug(name)}.png`), await browser.session.screenshot());
  }
  const result = await runAxe(browser.session, name);
  assert.ok(result.passes > 10, `axe checked almost nothing on ${name} (${result.passes} rules passed)`);
  assert.deepEqual(result.violations, [], `axe found problems on ${name}:\n${formatViolations(result.violations)}`);
  const stops = await walkTabOrder(browser, { maxStops: 80 });
  assert.ok(stops.length >= 2, `${name}: the keyboard reaches only ${stops.length} controls`);
  const unseen = stops.filter((stop) => stop.indicators.length === 0).map((stop) => stop.description);
  assert.deepEqual(unseen, [], `${name}: focus is not visible on these Tab stops`);
  return stops;
}

/**
 * The real `council-service demo` on a free loopback port, with the built stylesheet, keeping
 * its database and outbox in a new temporary folder (`dataDir`).
 */
export async function startDemoService(prefix = 'council-e2e-') {
  const binary = serviceBinary();
  assert.ok(existsSync(binary), `No council service at ${binary}: cargo build -p council-service --bin council-service`);
  const assets = join(repoRoot, 'crates', 'council-kit', 'styles', 'dist');
  assert.ok(existsSync(join(assets, 'council.css')), `No stylesheet in ${assets}: cd crates/council-kit/styles && npm ci && npm run build`);
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const service = await startLoopbackHelper({
    name: 'council-service',
    command: binary,
    args: (port) => ['demo', '--port', String(port), '--data-dir', dataDir, '--assets-dir', assets],
    probe: (port) => httpProbe(`http://127.0.0.1:${port}/.well-known/openid-configuration`),
    readyTimeoutMs: 60_000,
  });
  return {
    url: service.url,
    dataDir,
    async stop() {
      await service.helper.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium (headless) through chromedriver, as a keyboard-only {@link Browser}. */
export async function startBrowser() {
  const driver = await startLoopbackHelper({
    name: 'chromedriver',
    command: process.env.CHROMEDRIVER || 'chromedriver',
    args: (port) => [`--port=${port}`],
    probe: (port) => () => driverIsReady(`http://127.0.0.1:${port}`),
  });
  try {
    const session = await WebDriverSession.create(
      driver.url,
      {
        alwaysMatch: {
          browserName: 'chrome',
          'goog:chromeOptions': {
            binary: process.env.CHROMIUM || '/usr/bin/chromium',
            args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--window-size=1280,1000'],
          },
        },
      },
      60_000,
    );
    await session.setTimeouts({ script: 30_000, pageLoad: 30_000 });
    const browser = new Browser(session);
    return {
      browser,
      async stop() {
        await session.delete().catch(() => {});
        await driver.helper.stop();
      },
    };
  } catch (error) {
    await driver.helper.stop();
    throw error;
  }
}

/** The emails in the demo's outbox (each is one .eml file), oldest first, quoted-printable undone. */
export async function outbox(dataDir) {
  const folder = join(dataDir, 'outbox');
  const names = (await readdir(folder).catch(() => [])).filter((n) => n.endsWith('.eml')).sort();
  const texts = await Promise.all(names.map((n) => readFile(join(folder, n), 'utf8')));
  return texts.map((text) =>
    text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16))),
  );
}
