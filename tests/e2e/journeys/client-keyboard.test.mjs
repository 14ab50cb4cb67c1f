// A client's journey with the keyboard alone, in the real app against the real council service:
// sign in (the browser's part done by harness/browser-signin.mjs), Home, open the latest payment,
// back, Settings, sign out. Every screen is audited by axe-core and photographed, and after every
// move focus must be on the new page's heading.
//
// The client: in the demo data, Chloe Bennett has asked to see her own documents; the journey
// first approves that request in the finance-team console (as the demo reviewer), so she signs
// in as a client with her own payments. (The demo's alex.morgan@example.org has no access to any
// documents, so Home would have no payment to open.)
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { App, withApp } from '../harness/app.mjs';
import { browserScriptPath, councilProfile, startDemoCouncil } from '../harness/browser-council.mjs';
import { approveTheDemoPendingRequest } from '../harness/browser-console.mjs';

const CLIENT = { email: 'chloe.bennett@example.org', password: 'demo myself pebble orchard' };

/** Signing in, then the first sync, can take a while on a cold debug build. */
const SLOW_MS = 60_000;

/** @type {Awaited<ReturnType<typeof startDemoCouncil>>} */
let council;
/** @type {string} */
let scratch;

before(async () => {
  council = await startDemoCouncil({ name: 'client-keyboard' });
  await approveTheDemoPendingRequest(council.url);
  scratch = await mkdtemp(join(tmpdir(), 'cfp-e2e-client-'));
});

after(async () => {
  await council?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/**
 * Press Tab (or Shift+Tab) until focus is on an element whose description matches.
 * @param {App} app
 * @param {RegExp} pattern  matched against `app.describe`, e.g. /^button.* "Sign in"$/
 * @param {{ shift?: boolean, maxStops?: number }} [options]
 */
async function tabTo(app, pattern, { shift = false, maxStops = 60 } = {}) {
  /** @type {string[]} */
  const seen = [];
  for (let stop = 0; stop < maxStops; stop += 1) {
    await app.pressKey('Tab', { shift });
    const element = await app.activeElement();
    const description = await app.describe(element);
    if (pattern.test(description)) return element;
    seen.push(description);
  }
  throw new Error(`${shift ? 'Shift+Tab' : 'Tab'} did not reach ${pattern}; it reached:\n${seen.join('\n')}`);
}

/**
 * Wait for the page whose <h1> matches, then check the router put focus on it.
 * @param {App} app
 * @param {RegExp} heading
 * @param {number} [timeoutMs]
 */
async function arriveAt(app, heading, timeoutMs = 15_000) {
  const h1 = await app.waitForText('#main-content h1', heading, { timeoutMs });
  await app.waitUntil(async () => App.same(await app.activeElement(), h1), {
    message: `focus did not move to the heading ${heading}`,
    timeoutMs: 5_000,
  });
  return h1;
}

/**
 * Audit and photograph the screen as it is now.
 * @param {App} app
 * @param {string} name
 */
async function check(app, name) {
  await app.audit(`client-keyboard-${name}`);
  await app.screenshot(`client-keyboard-${name}`);
}

test('a client signs in, opens their latest payment, changes nothing in settings and signs out, with the keyboard alone', async (t) => {
  const profile = await councilProfile(council.url);
  const browserLog = join(scratch, 'browser.log');
  const journey = withApp(
    async (app) => {
      // Welcome
      // At start nothing has focus yet (like a web page): Tab begins at the skip link.
      await app.waitForText('#main-content h1', /See your care and support payments/, { timeoutMs: SLOW_MS });
      assert.match(await app.text('body'), /Demo County Council/);
      await check(app, 'welcome');

      // Sign in: the browser stand-in signs in at the council and returns to the app.
      await tabTo(app, /^button\.govuk-button.* "Sign in"$/);
      await app.pressKey('Enter');

      // Home: a client sees their own latest payment once the first sync has run.
      await arriveAt(app, /Your payments|You cannot see any payments yet/, SLOW_MS);
      await app.waitForText('a', /^See this payment explained line by line$/, { timeoutMs: SLOW_MS });
      await app.waitForText('#main-content h1', /Your payments/);
      await app.waitUntil(async () => !(await app.text('.app-sync-status')).includes('Checking for new documents.'), {
        message: 'the first sync did not finish',
        timeoutMs: SLOW_MS,
      });
      assert.match(await app.text('#main-content'), /Amount paid\s+£[\d,]+\.\d\d/);
      assert.match(await app.text('#main-content'), /Updated (just now|\d+ minutes? ago)/);
      await check(app, 'home');

      // The latest payment, explained.
      await tabTo(app, /"See this payment explained line by line"$/);
      await app.pressKey('Enter');
      await app.waitUntil(async () => !/^Home - /.test(String(await app.executeScript('return document.title;'))), {
        message: 'the payment did not open',
      });
      const paymentHeading = await app.waitFor('#main-content h1');
      await app.waitUntil(async () => App.same(await app.activeElement(), paymentHeading), {
        message: "focus did not move to the payment's heading",
      });
      await check(app, 'payment');

      // Back to Home with the Back link (before the main content: Shift+Tab from the heading).
      await tabTo(app, /^a\.govuk-back-link "Back"$/, { shift: true });
      await app.pressKey('Enter');
      await arriveAt(app, /Your payments/);

      // Settings, from the links under the header.
      await tabTo(app, /"Settings"$/, { shift: true });
      await app.pressKey('Enter');
      await arriveAt(app, /Settings/);
      await app.waitForText('button', /^Sign out$/);
      await check(app, 'settings');

      // Sign out: back to Welcome, which says so.
      await tabTo(app, /^button.* "Sign out"$/);
      await app.pressKey('Enter');
      await arriveAt(app, /See your care and support payments/);
      await app.waitForText('.govuk-notification-banner', /You have signed out\./);
      await check(app, 'signed-out');
    },
    {
      env: {
        CFP_PROFILE: profile,
        BROWSER: `${process.execPath} ${browserScriptPath}`,
        CFP_E2E_EMAIL: CLIENT.email,
        CFP_E2E_PASSWORD: CLIENT.password,
        CFP_E2E_BROWSER_LOG: browserLog,
      },
    },
  );
  try {
    await journey(t);
  } finally {
    const log = await readFile(browserLog, 'utf8').catch(() => '(the browser stand-in never ran)');
    t.diagnostic(`browser stand-in:\n${log}`);
  }
});
