// The finance-team console in a real browser, with the keyboard alone, audited by axe-core.
//
// The real council service (its demo, with the built stylesheet) and Debian's Chromium through
// chromedriver. A citizen first asks for access through the real sign-in and API, so the queue
// holds two requests: the demo's own pending one is approved, the new one rejected with a reason.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { formatViolations, runAxe } from '../e2e/harness/axe.mjs';
import { walkTabOrder } from '../e2e/harness/keyboard.mjs';
import { repoRoot } from '../e2e/harness/paths.mjs';
import { httpProbe, startLoopbackHelper } from '../e2e/harness/processes.mjs';
import { driverIsReady, WebDriverSession } from '../e2e/harness/webdriver.mjs';

const ADMIN = { email: 'admin@council.example', password: 'demo admin thistle beacon' };
const CITIZEN = { email: 'sam.patel@example.org', password: 'demo lantern meadow copper' };
const CLIENT_ID = 'client-finance-portal-desktop';
// Nothing listens on the discard port: the browser stops at the redirect and we read the URL.
const REDIRECT_URI = 'http://127.0.0.1:9/callback';

const KEYS = { Tab: '\uE004', Enter: '\uE007', Space: ' ', ArrowDown: '\uE015' };

function serviceBinary() {
  if (process.env.CFP_COUNCIL_SERVICE) return resolve(process.env.CFP_COUNCIL_SERVICE);
  const target = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'cfp-target');
  return join(resolve(repoRoot, target), 'debug', 'council-service');
}

/** The browser as a keyboard user drives it, with what the harness's Tab walk needs. */
class Browser {
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

  /** Press Enter on the focused control and wait for the next page (its URL or heading changes). */
  async enterAndWait() {
    const before = await this.executeScript('return location.href + "|" + document.title;');
    await this.pressKey('Enter');
    for (let i = 0; i < 100; i += 1) {
      const now = await this.executeScript('return document.readyState === "complete" ? location.href + "|" + document.title : "";').catch(() => '');
      if (now && now !== before) return;
      await sleep(100);
    }
    assert.fail(`Enter on ${before} did not lead to another page`);
  }

  async heading() {
    return this.executeScript('return document.querySelector("h1")?.innerText ?? "";');
  }
}

/**
 * Audits the page: zero axe violations, and every Tab stop shows where focus is.
 * @param {Browser} browser
 * @param {string} name
 */
async function auditPage(browser, name) {
  const result = await runAxe(browser.session, `console-${name}`);
  assert.ok(result.passes > 10, `axe checked almost nothing on ${name} (${result.passes} rules passed)`);
  assert.deepEqual(result.violations, [], `axe found problems on ${name}:\n${formatViolations(result.violations)}`);
  const stops = await walkTabOrder(browser, { maxStops: 80 });
  assert.ok(stops.length >= 2, `${name}: the keyboard reaches only ${stops.length} controls`);
  const unseen = stops.filter((stop) => stop.indicators.length === 0).map((stop) => stop.description);
  assert.deepEqual(unseen, [], `${name}: focus is not visible on these Tab stops`);
}

let service;
let driver;
/** @type {Browser} */
let browser;
let dataDir;

before(async () => {
  const binary = serviceBinary();
  assert.ok(existsSync(binary), `No council service at ${binary}: cargo build -p council-service --bin council-service`);
  const assets = join(repoRoot, 'crates', 'council-kit', 'styles', 'dist');
  assert.ok(existsSync(join(assets, 'council.css')), `No stylesheet in ${assets}: cd crates/council-kit/styles && npm ci && npm run build`);
  dataDir = await mkdtemp(join(tmpdir(), 'council-console-e2e-'));
  service = await startLoopbackHelper({
    name: 'council-service',
    command: binary,
    args: (port) => ['demo', '--port', String(port), '--data-dir', dataDir, '--assets-dir', assets],
    probe: (port) => httpProbe(`http://127.0.0.1:${port}/.well-known/openid-configuration`),
    readyTimeoutMs: 60_000,
  });
  driver = await startLoopbackHelper({
    name: 'chromedriver',
    command: process.env.CHROMEDRIVER || 'chromedriver',
    args: (port) => [`--port=${port}`],
    probe: (port) => () => driverIsReady(`http://127.0.0.1:${port}`),
  });
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
  browser = new Browser(session);
});

after(async () => {
  await browser?.session.delete().catch(() => {});
  await driver?.helper.stop();
  await service?.helper.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A citizen signs in through the identity pages (code + PKCE) and asks for access by the API. */
async function citizenAsksForAccess() {
  const base = service.url;
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    scope: 'openid email profile',
    state: 'console-e2e',
    nonce: 'n-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  await browser.open(`${base}/authorize?${query}`);
  await browser.tabTo('input#email');
  await browser.type(CITIZEN.email);
  await browser.tabTo('input#password');
  await browser.type(CITIZEN.password);
  await browser.pressKey('Enter');
  let callback = '';
  for (let i = 0; i < 100 && !callback.startsWith(REDIRECT_URI); i += 1) {
    await sleep(100);
    callback = await browser.url();
  }
  const code = new URL(callback).searchParams.get('code');
  assert.ok(code, `no code in ${callback}`);
  const tokens = await fetch(`${base}/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: CLIENT_ID,
      code_verifier: verifier,
    }),
  }).then((r) => r.json());
  assert.ok(tokens.access_token, JSON.stringify(tokens));
  const response = await fetch(`${base}/api/v1/access-requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      relationship: 'deputy',
      person: { givenName: 'Imogen', familyName: 'Unknown', dateOfBirth: '1950-06-01', postcode: 'WR2 4AA' },
      evidence: 'Court of Protection order 1234567',
    }),
  });
  assert.equal(response.status, 201, await response.text());
}

/** The emails in the demo's outbox (each is one .eml file), quoted-printable undone. */
async function outbox() {
  const folder = join(dataDir, 'outbox');
  const names = (await readdir(folder).catch(() => [])).filter((n) => n.endsWith('.eml')).sort();
  const texts = await Promise.all(names.map((n) => readFile(join(folder, n), 'utf8')));
  return texts.map((text) =>
    text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16))),
  );
}

test('the console works with the keyboard alone and has no axe violations', async () => {
  await citizenAsksForAccess();
  const mailBefore = (await outbox()).length;
  const base = service.url;

  // Sign in.
  await browser.open(`${base}/console/sign-in`);
  assert.equal(await browser.heading(), 'Sign in to the finance team console');
  await auditPage(browser, 'sign-in');
  await browser.tabTo('input#email');
  await browser.type(ADMIN.email);
  await browser.tabTo('input#password');
  await browser.type(ADMIN.password);
  await browser.enterAndWait();

  // The queue: two requests, the demo's and the citizen's.
  assert.equal(await browser.heading(), 'Requests to review');
  assert.match(await browser.text(), /2 waiting, oldest first/);
  await auditPage(browser, 'queue');

  // Reject the citizen's request: first without a reason (an error), then with one.
  await browser.tabTo('a[href^="/console/requests/"]', 'Imogen Unknown');
  await browser.enterAndWait();
  assert.equal(await browser.heading(), 'Request for Imogen Unknown');
  await auditPage(browser, 'request-without-match');
  await browser.tabTo('button', 'Reject request');
  await browser.enterAndWait();
  assert.match(await browser.text(), /There is a problem[\s\S]*Choose a reason/);
  await auditPage(browser, 'request-with-error');
  // Focus goes to the radios' group with Tab; arrows choose within it.
  await browser.tabTo('input[type=radio][name=reason]');
  await browser.pressKey('Space');
  await browser.pressKey('ArrowDown');
  const chosen = await browser.executeScript('return document.querySelector("input[name=reason]:checked")?.value;');
  assert.equal(chosen, '1', 'the second reason is chosen with the arrow key');
  await browser.tabTo('textarea#details');
  await browser.type('Please send the court order number again.');
  await browser.tabTo('button', 'Reject request');
  await browser.enterAndWait();
  assert.match(await browser.text(), /The request was rejected and the requester was emailed the reason/);
  await auditPage(browser, 'queue-after-reject');

  // Approve the demo's pending request.
  assert.match(await browser.text(), /1 waiting, oldest first/);
  await browser.tabTo('a[href^="/console/requests/"]', 'Review');
  await browser.enterAndWait();
  const approvedName = (await browser.heading()).replace('Request for ', '');
  await auditPage(browser, 'request');
  await browser.tabTo('button', 'Approve access');
  await browser.enterAndWait();
  assert.match(await browser.text(), /The request was approved and the requester was emailed/);
  assert.match(await browser.text(), /There are no requests waiting for review/);

  // Remove someone's access with a reason (admins only).
  await browser.tabTo('a', 'People with access');
  await browser.enterAndWait();
  await auditPage(browser, 'access');
  await browser.tabTo('a[href^="/console/access/"]', approvedName);
  await browser.enterAndWait();
  await auditPage(browser, 'remove-access');
  await browser.tabTo('input[type=radio]');
  await browser.pressKey('Space');
  await browser.tabTo('button', 'Remove access');
  await browser.enterAndWait();
  assert.match(await browser.text(), /Access was removed and the requester was emailed the reason/);

  // The audit log shows each decision.
  await browser.tabTo('a', 'Audit log');
  await browser.enterAndWait();
  assert.equal(await browser.heading(), 'Audit log');
  const log = await browser.executeScript('return document.querySelector("table")?.innerText ?? "";');
  for (const action of ['Request rejected', 'Request approved', 'Access removed', 'Staff signed in']) {
    assert.ok(log.includes(action), `the audit log shows "${action}"`);
  }
  assert.ok(!/\b(staff|account):/.test(log), 'people are shown by name, not by stored id');
  await auditPage(browser, 'audit');

  // Filter the log to one person by their client ID, typed into the filter form (a GET form).
  const clientId = log.match(new RegExp(`${approvedName} \\(client ID (\\d{9})\\)`))?.[1];
  assert.ok(clientId, `the log names ${approvedName} with their client ID`);
  await browser.tabTo('input#client_id');
  await browser.type(clientId);
  await browser.tabTo('button', 'Show entries');
  await browser.enterAndWait();
  assert.ok((await browser.url()).includes(`client_id=${clientId}`));
  // The table's text only: the filter form's options name every action too.
  const filtered = await browser.executeScript('return document.querySelector("table")?.innerText ?? "";');
  assert.match(filtered, new RegExp(`Entries about ${approvedName} \\(client ID ${clientId}\\), newest first`));
  assert.match(filtered, /Access removed/);
  assert.ok(!filtered.includes('Request rejected'), 'the other person\'s rejection is not shown');
  await auditPage(browser, 'audit-filtered');
  // A person's name in the table is a link to their entries too; "Clear the filter" goes back.
  await browser.tabTo('a', 'Clear the filter');
  await browser.enterAndWait();
  assert.ok((await browser.url()).endsWith('/console/audit'));

  // Each decision emailed its requester.
  const mail = (await outbox()).slice(mailBefore);
  assert.equal(mail.length, 3, 'rejected, approved and removed: one email each');
  assert.ok(mail.some((m) => m.includes(CITIZEN.email) && m.includes('Please send the court order number again.')));
});

test('the audit can fail: axe finds a problem planted in the page', async () => {
  await browser.open(`${service.url}/console/sign-in`);
  await browser.executeScript('const img = document.createElement("img"); img.src = "/nothing.png"; document.querySelector("main").append(img);');
  const result = await runAxe(browser.session, 'console-planted-problem');
  assert.ok(
    result.violations.some((v) => v.id === 'image-alt'),
    `axe missed an image without alt text: ${result.violations.map((v) => v.id).join(', ')}`,
  );
});
