// Kiosk mode on a shared computer (issue 8), in the real app against the real council service:
//
// 1. Nothing left behind: the app runs with its own HOME, XDG folders and TMPDIR under one
//    folder. A representative signs in, opens Margaret Okafor's advice, prints it through a
//    private CUPS with a CUPS-PDF queue, and presses "Finish and remove my information". No
//    file under that folder, during the session or after the app closed, holds her name, her
//    client ID, the user's email, the advice's amounts (taken from the screen) or the ID token.
// 2. The idle timeout (policy idle_minutes = 1): the warning dialog comes 20 seconds before,
//    "Stay signed in" keeps the session past the first expiry, then without input the session
//    ends, the welcome screen returns and the page holds no trace of the person.
// In both, the app's and tauri-driver's logs hold no name, email, client ID or token, the
// council's end-session page is opened, and axe-core audits every kiosk screen.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { App, withApp } from '../harness/app.mjs';
import { browserScriptPath, councilProfile, startDemoCouncil } from '../harness/browser-council.mjs';
import { startPrivateCups } from '../harness/cups.mjs';
import { findWords, newOrChanged, privateHomeFolders, snapshotFiles, tokenLookingStrings } from '../harness/leftovers.mjs';

const run = promisify(execFile);

const REPRESENTATIVE = { email: 'ruth.adeyemi@example.org', password: 'demo attorney willow harbour' };

/** Everyone Ruth acts for in the demo (crates/council-finance/src/demo.rs), for the log checks. */
const RUTHS_PEOPLE = [
  { name: 'Margaret Okafor', clientId: '100234567' },
  { name: 'Dennis Hartley', clientId: '100318842' },
  { name: 'Irene Hartley', clientId: '100318859' },
];

const LONG_WAIT = { timeoutMs: 60_000 };

/** @type {Awaited<ReturnType<typeof startDemoCouncil>>} */
let council;
/** @type {string} private to the test runner: browser scripts, the URLs "the browser" opened */
let scratch;

before(async () => {
  council = await startDemoCouncil({ name: 'kiosk' });
  scratch = await mkdtemp(join(tmpdir(), 'cfp-e2e-kiosk-scratch-'));
});

after(async () => {
  await council?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/**
 * "The browser" for one test. It notes every URL it is given in a file outside the app's
 * folders (the test checks that none carries a token or personal data), signs in with
 * harness/browser-signin.mjs, and opens any other page (the council's end-session page) with a
 * plain GET. The account is in this script, not in the app's environment, so no personal data
 * reaches the app except through the council.
 * @param {string} name
 */
async function kioskBrowser(name) {
  const urls = join(scratch, `${name}.urls`);
  const log = join(scratch, `${name}.browser.log`);
  const script = join(scratch, `${name}.browser.sh`);
  await writeFile(
    script,
    [
      '#!/bin/sh',
      `printf '%s\\n' "$1" >>'${urls}'`,
      'case "$1" in',
      `  *'/authorize'*) CFP_E2E_EMAIL='${REPRESENTATIVE.email}' CFP_E2E_PASSWORD='${REPRESENTATIVE.password}' \\`,
      `    CFP_E2E_BROWSER_LOG='${log}' exec "${process.execPath}" "${browserScriptPath}" "$1" ;;`,
      `  *) exec "${process.execPath}" -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1" ;;`,
      'esac',
      '',
    ].join('\n'),
    { mode: 0o700 },
  );
  return {
    script,
    /** @returns {Promise<URL[]>} every URL the app opened in the browser, in order */
    async opened() {
      const text = await readFile(urls, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => new URL(line));
    },
    /** What the sign-in stand-in did (paths and statuses only). */
    log: () => readFile(log, 'utf8').catch(() => '(the browser stand-in never ran)'),
  };
}

/**
 * Sign in from the welcome screen (kiosk: the council always asks for the password).
 * @param {App} app
 */
async function signIn(app) {
  await app.click(await app.waitForText('button', /^Sign in$/, LONG_WAIT));
  await app.waitUntil(
    async () =>
      (await app.findAll('.govuk-error-summary')).length > 0 ||
      /People you act for/.test(await app.text('h1').catch(() => '')),
    { ...LONG_WAIT, message: 'neither the home page nor a problem appeared after signing in' },
  );
  const problems = await app.findAll('.govuk-error-summary');
  assert.equal(problems.length, 0, `signing in failed: ${problems[0] ? await app.text(problems[0]) : ''}`);
  await app.waitForText('.govuk-summary-card__title', /^Margaret Okafor$/, LONG_WAIT);
}

/**
 * The kiosk parts every signed-in screen has: the banner and the Finish button.
 * @param {App} app
 */
async function assertKioskFrame(app) {
  assert.match(await app.text('.app-kiosk-banner'), /This is a shared computer\./);
  await app.waitForText('button', /^Finish and remove my information$/);
  assert.equal((await app.findAll('a[href="#sign-out"]')).length, 0, 'kiosk has no plain "Sign out" link');
}

/**
 * The authorization and end-session URLs the app opened, checked: kiosk sign-in asks for the
 * password every time, and signing out ends the council's session with an address that names
 * the app and carries nothing from the ID token (the browser's history keeps it).
 * @param {URL[]} opened
 */
function checkBrowserVisits(opened) {
  const signIns = opened.filter((url) => url.pathname.endsWith('/authorize'));
  assert.equal(signIns.length, 1, `one sign-in was opened in the browser: ${opened.map((u) => u.pathname)}`);
  assert.equal(signIns[0].searchParams.get('prompt'), 'login', 'kiosk sign-in asks for the password');
  assert.equal(signIns[0].searchParams.get('max_age'), '0', 'kiosk sign-in never reuses a council session');
  const endSessions = opened.filter((url) => url.pathname.endsWith('/logout'));
  assert.equal(endSessions.length, 1, "signing out opened the council's end-session page once");
  const endSession = endSessions[0];
  assert.equal(endSession.searchParams.get('client_id'), 'client-finance-portal-desktop');
  assert.equal(endSession.searchParams.get('id_token_hint'), null, 'the end-session address carries no ID token');
  for (const url of opened) {
    assert.deepEqual(tokenLookingStrings(url.href), [], `${url.pathname} carries a token-looking string`);
    for (const word of [REPRESENTATIVE.email, 'Adeyemi']) {
      assert.ok(!decodeURIComponent(url.href).includes(word), `${url.pathname} carries personal data`);
    }
  }
}

/**
 * The app's and tauri-driver's logs hold no name, email, client ID or token.
 * @param {{ app: string, driver: string }} logs
 * @param {string[]} tokens  known tokens, besides anything that looks like one
 */
async function checkLogs(logs, tokens) {
  const words = [
    REPRESENTATIVE.email,
    'Adeyemi',
    ...RUTHS_PEOPLE.flatMap((p) => [p.name, p.name.split(' ')[1], p.clientId]),
    ...tokens,
  ];
  for (const path of [logs.app, logs.driver]) {
    const text = await readFile(path, 'utf8');
    const lower = text.toLowerCase();
    const found = words.filter((word) => lower.includes(word.toLowerCase()));
    assert.deepEqual(found, [], `${path} holds personal data or a token`);
    assert.deepEqual(tokenLookingStrings(text), [], `${path} holds a token-looking string`);
  }
}

/**
 * The £ amounts on the screen now, as text without the pound sign (e.g. "1,250.00").
 * @param {App} app
 */
async function amountsOnScreen(app) {
  const text = await app.text('#main-content');
  return [...new Set([...text.matchAll(/£([\d,]+\.\d\d)/g)].map((m) => m[1]))];
}

/**
 * Wait for a new advice from the CUPS-PDF queue; returns its file name and number of pages,
 * and removes it. (CUPS-PDF re-distils each job through Ghostscript, which keeps the pages but
 * loses the fonts' text maps, so the printout's words cannot be read back.)
 * @param {string} folder
 * @param {number} since  ms since the epoch
 */
async function printedAdvice(folder, since) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    for (const name of await readdir(folder)) {
      if (!/^Remittance_advice.*\.pdf$/.test(name)) continue;
      const path = join(folder, name);
      if ((await stat(path)).mtimeMs < since) continue;
      // CUPS-PDF writes the file in place: wait until it reads as a whole PDF.
      const info = await run('pdfinfo', [path])
        .then((r) => r.stdout)
        .catch(() => '');
      const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? 0);
      if (pages > 0) {
        await rm(path, { force: true });
        return { name, pages };
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`No printed advice appeared in ${folder} within 60 s`);
}

// ---- 1. Nothing left behind ----

test('a kiosk session leaves no trace of the person in any file the app or WebKit can write', async (t) => {
  const cups = await startPrivateCups({ name: 'kiosk' });
  t.after(() => cups.stop());
  const profile = await councilProfile(council.url, { kiosk: true });
  const browser = await kioskBrowser('kiosk-files');

  // One folder holds the app's home, data, config, cache, state and temporary folders.
  const { root, folders, remove } = await privateHomeFolders('cfp-e2e-kiosk-root-');
  t.after(remove);

  /** @type {Array<{ what: string, text: string }>} what must not be found, read from the screen */
  const secrets = [];
  /** @type {import('../harness/leftovers.mjs').Snapshot} */
  let before = new Map();
  /** @type {string[]} */
  let duringSession = [];
  /** @type {{ app: string, driver: string } | undefined} */
  let logs;

  const journey = withApp(
    async (app) => {
      logs = app.logs;
      await app.waitForText('#main-content h1', /See your care and support payments/, LONG_WAIT);
      await assertKioskFrame(app);
      await app.audit('kiosk-welcome');
      // The app and WebKit have started: what they wrote so far is the baseline.
      before = await snapshotFiles(root);

      await signIn(app);
      await assertKioskFrame(app);
      await app.audit('kiosk-home');

      // Margaret's documents, then one advice.
      const link = await app.executeScript(
        "return [...document.querySelectorAll('a')].find((a) => a.textContent.replace(/\\s+/g, ' ').trim() === 'See documents for Margaret Okafor') || null;",
      );
      assert.ok(link, 'Home links to Margaret Okafor\'s documents');
      await app.click(link);
      await app.waitForText('.app-acting-for', /Acting for Margaret Okafor/);
      await app.waitForText('[data-testid=count]', /^Showing \d+ of \d+ documents$/, LONG_WAIT);
      await app.audit('kiosk-documents');
      await app.click(await app.waitFor('tbody a'));
      await app.waitForText('h2', /^How the total adds up$/, LONG_WAIT);
      await assertKioskFrame(app);
      await app.audit('kiosk-advice');

      // What a leak would look like, read from the screen.
      const advice = await app.text('#main-content');
      const clientId = /Client ID\s+(\d{6,})/.exec(advice)?.[1];
      assert.equal(clientId, RUTHS_PEOPLE[0].clientId, 'the advice shows her client ID');
      const amounts = await amountsOnScreen(app);
      assert.ok(amounts.length >= 3, `the advice shows amounts: ${amounts}`);
      const paid = (await app.text('[data-testid=total-paid]')).replace('£', '');
      assert.ok(amounts.includes(paid));
      secrets.push(
        { what: "the person's name", text: 'Margaret Okafor' },
        { what: "the person's family name", text: 'Okafor' },
        { what: "the person's client ID", text: clientId },
        { what: "the user's email", text: REPRESENTATIVE.email },
        { what: "the user's family name", text: 'Adeyemi' },
        ...amounts.flatMap((amount) => [
          { what: `the amount £${amount}`, text: amount },
          ...(amount.includes(',') ? [{ what: `the amount £${amount}`, text: amount.replaceAll(',', '') }] : []),
        ]),
      );

      // Print it: the kiosk offers printing, not saving.
      assert.match(await app.text('#main-content'), /You cannot save files on this computer\./);
      const buttons = String(await app.executeScript("return [...document.querySelectorAll('button')].map((b) => b.textContent.trim()).join('|');"));
      assert.doesNotMatch(buttons, /Save as/, 'no Save buttons on a kiosk');
      const printedAt = Date.now();
      await app.click(await app.waitForText('button', /^Print this advice$/));
      await app.waitForText('[role=status]', /Your computer is printing the advice\./, LONG_WAIT);
      const printed = await printedAdvice(cups.outputFolder, printedAt - 1_000);
      assert.ok(printed.pages >= 1, 'the printer produced the advice');
      assert.doesNotMatch(printed.name, /okafor|margaret|100234567/i, 'the job title names the kind of document only');
      await app.waitUntil(async () => (await cups.spooled()).length === 0, {
        message: 'with PreserveJobFiles No, CUPS keeps no copy of the job in its spool',
      });
      await app.audit('kiosk-printed');
      await app.screenshot('kiosk-printed');

      // Nothing of her is on disk even now, in the middle of the session.
      const now = await snapshotFiles(root);
      duringSession = await findWords(root, newOrChanged(before, now), secrets);

      // Finish: back to the welcome screen, which says everything is gone.
      await app.click(await app.waitForText('button', /^Finish and remove my information$/));
      await app.waitForText('#main-content h1', /See your care and support payments/, LONG_WAIT);
      await app.waitForText('.govuk-notification-banner--success', /Your information has been removed from this computer\./);
      await assertKioskFrame(app);
      const source = String(await app.executeScript('return document.documentElement.outerHTML;'));
      assert.doesNotMatch(source, /Okafor|Adeyemi|100234567/i, 'the welcome screen shows nothing of the session');
      await app.audit('kiosk-finished');
      await app.screenshot('kiosk-finished');
      // The end-session page opens in the browser as the app signs out; let it finish.
      await app.waitUntil(async () => (await browser.opened()).some((url) => url.pathname.endsWith('/logout')), {
        message: "the council's end-session page was not opened",
      });
    },
    { env: { ...folders, CFP_PROFILE: profile, BROWSER: browser.script, ...cups.env } },
  );
  try {
    await journey(t);
  } finally {
    t.diagnostic(`browser stand-in:\n${await browser.log()}`);
  }

  // The app has closed: whatever it or WebKit wrote on the way out is on disk now.
  checkBrowserVisits(await browser.opened());
  // The app held its tokens only in memory and showed them nowhere, so there is no known token
  // to search for: any token-looking string in any file fails below.
  /** @type {Array<{ what: string, text: string }>} */
  const tokens = [];
  // The search itself can find every word: a file outside the app's folders that holds them all.
  const canary = join(scratch, 'every-secret.txt');
  const everything = [...secrets, ...tokens];
  await writeFile(canary, everything.map((s) => s.text.toUpperCase()).join('\0'), { mode: 0o600 });
  assert.equal((await findWords(scratch, ['every-secret.txt'], everything)).length, everything.length);
  await rm(canary);

  const afterwards = await snapshotFiles(root);
  const changed = newOrChanged(before, afterwards);
  t.diagnostic(`${afterwards.size} files under the app's folders; new or changed during the session: ${changed.join(', ')}`);
  assert.ok(afterwards.size > 0, "the app and WebKit wrote into the test's folders (so the search below means something)");
  assert.deepEqual(duringSession, [], 'during the session, a file held personal data');
  const leftBehind = await findWords(root, [...afterwards.keys()], [...secrets, ...tokens]);
  assert.deepEqual(leftBehind, [], 'after the session, a file held personal data or a token');
  /** @type {string[]} */
  const tokenFiles = [];
  for (const path of afterwards.keys()) {
    const text = (await readFile(join(root, path)).catch(() => Buffer.alloc(0))).toString('latin1');
    if (tokenLookingStrings(text).length > 0) tokenFiles.push(path);
  }
  assert.deepEqual(tokenFiles, [], 'a file holds a token-looking string');
  assert.ok(logs, 'the app ran');
  await checkLogs(logs, []);
});

// ---- 2. The idle timeout ----

/**
 * The warning dialog as it shows now, or null.
 * @param {App} app
 */
async function idleDialog(app) {
  const [dialog] = await app.findAll('[role=alertdialog]');
  return dialog ?? null;
}

test('the kiosk idle timeout warns 20 seconds ahead, can be extended, then clears the session', async (t) => {
  const profile = await councilProfile(council.url, { kiosk: true, idleMinutes: 1 });
  const browser = await kioskBrowser('kiosk-idle');
  /** @type {{ app: string, driver: string } | undefined} */
  let logs;

  const journey = withApp(
    async (app) => {
      logs = app.logs;
      await signIn(app);
      assert.match(await app.text('#main-content'), /Margaret Okafor/);

      // No input from here on. The warning opens 20 seconds before the end of the minute.
      const dialog = await app.waitFor('[role=alertdialog]', { timeoutMs: 90_000 });
      const seenAt = Date.now();
      const shown = await app.text(dialog);
      assert.match(shown, /You will be signed out soon/);
      assert.match(shown, /This is because you have not used it for a while\./);
      const left = Number(/You will be signed out in (\d+) seconds?\./.exec(shown)?.[1]);
      assert.ok(left >= 18 && left <= 20, `the warning came ${left} s before the end (at least 20 s, less polling)`);
      assert.equal(await app.attribute(dialog, 'aria-modal'), 'true');
      const label = await app.executeScript(
        "return document.getElementById(arguments[0].getAttribute('aria-labelledby')).textContent.trim();",
        dialog,
      );
      assert.equal(label, 'You will be signed out soon', 'the dialog is named by its heading');
      const description = await app.executeScript(
        "return document.getElementById(arguments[0].getAttribute('aria-describedby')).textContent;",
        dialog,
      );
      assert.match(String(description), /You will be signed out in 20 seconds\./, 'screen readers hear the full 20 s');
      const stay = await app.waitForText('[role=alertdialog] button', /^Stay signed in$/);
      await app.waitUntil(async () => App.same(await app.activeElement(), stay), {
        message: 'focus did not move into the warning',
        timeoutMs: 5_000,
      });
      assert.ok(await app.executeScript("return document.querySelector('.app-page').inert === true;"), 'the page behind is inert');
      await app.audit('kiosk-idle-warning');
      await app.screenshot('kiosk-idle-warning');

      // Stay signed in, with the keyboard.
      await app.pressKey('Enter');
      const extendedAt = Date.now();
      await app.waitUntil(async () => (await idleDialog(app)) === null, { message: 'the warning did not close' });
      const firstExpiry = seenAt + left * 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstExpiry + 5_000 - Date.now())));
      assert.match(await app.text('#main-content h1'), /People you act for/, 'still signed in after the first expiry');
      assert.equal(await idleDialog(app), null);
      await assertKioskFrame(app);

      // Then, still without input, a whole new minute runs out.
      await app.waitFor('[role=alertdialog]', { timeoutMs: 60_000 });
      assert.ok(Date.now() - extendedAt >= 35_000, 'staying signed in gave a whole new period');
      await app.waitForText('#main-content h1', /See your care and support payments/, LONG_WAIT);
      await app.waitForText(
        '.govuk-notification-banner--success',
        /Your information has been removed from this computer\.[\s\S]*not used for 1 minute\./,
      );
      assert.equal(await idleDialog(app), null);
      const source = String(await app.executeScript('return document.documentElement.outerHTML;'));
      for (const trace of ['Okafor', 'Margaret', 'Adeyemi', REPRESENTATIVE.email, RUTHS_PEOPLE[0].clientId]) {
        assert.ok(!source.toLowerCase().includes(trace.toLowerCase()), `the page still holds "${trace}" after the timeout`);
      }
      await assertKioskFrame(app);
      await app.audit('kiosk-timed-out');
      await app.screenshot('kiosk-timed-out');
      await app.waitUntil(async () => (await browser.opened()).some((url) => url.pathname.endsWith('/logout')), {
        message: "the council's end-session page was not opened after the timeout",
      });
    },
    { env: { CFP_PROFILE: profile, BROWSER: browser.script } },
  );
  try {
    await journey(t);
  } finally {
    t.diagnostic(`browser stand-in:\n${await browser.log()}`);
  }
  checkBrowserVisits(await browser.opened());
  assert.ok(logs, 'the app ran');
  await checkLogs(logs, []);
});

// ---- 3. The window's close button ----

/**
 * The council's grants (one sign-in of one account to this app) that still work: a revoked
 * grant's refresh token is refused and its access tokens get 401 from the finance API (the API
 * checks the grant on every call). Read from the council's own database.
 */
async function liveGrants() {
  const { stdout } = await run('sqlite3', [
    council.databasePath,
    "SELECT count(*) FROM identity_grants WHERE client_id = 'client-finance-portal-desktop' AND revoked_at IS NULL;",
  ]);
  return Number(stdout.trim());
}

test("closing the kiosk window with its close button revokes the tokens and ends the council's session", async (t) => {
  const profile = await councilProfile(council.url, { kiosk: true });
  const browser = await kioskBrowser('kiosk-close');
  const grantsBefore = await liveGrants();
  /** @type {{ app: string, driver: string } | undefined} */
  let logs;

  const journey = withApp(
    async (app) => {
      logs = app.logs;
      await signIn(app);
      assert.match(await app.text('#main-content'), /Margaret Okafor/);
      assert.equal(await liveGrants(), grantsBefore + 1, 'the sign-in is a live grant at the council');

      // The person walks away with the window's close button, not "Finish".
      await app.pressCloseButton();
      await app.waitUntil(async () => (await liveGrants()) === grantsBefore, {
        ...LONG_WAIT,
        message: 'the council still honours the tokens after the window closed',
      });
      await app.waitUntil(async () => (await browser.opened()).some((url) => url.pathname.endsWith('/logout')), {
        ...LONG_WAIT,
        message: "the council's end-session page was not opened when the window closed",
      });
    },
    { env: { CFP_PROFILE: profile, BROWSER: browser.script } },
  );
  try {
    await journey(t);
  } finally {
    t.diagnostic(`browser stand-in:\n${await browser.log()}`);
  }
  checkBrowserVisits(await browser.opened());
  assert.ok(logs, 'the app ran');
  await checkLogs(logs, []);
});
