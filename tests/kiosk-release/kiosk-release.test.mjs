// The release kiosk window (issue 21, item 5). WebKit refuses WebDriver in an incognito webview,
// so tests/e2e/journeys/kiosk.test.mjs drives a debug build whose kiosk window is not incognito
// (src-tauri/window.rs). This test runs what ships: the app built with debug assertions off
// (`cargo build --profile kiosk-check`, see Cargo.toml), as a kiosk, under Xvfb, with no
// WebDriver anywhere. It is driven from the keyboard through xdotool (real key presses through
// the X server; the window's title says which screen shows):
//
//   Welcome -> skip link, Sign in -> the council's sign-in (the browser stand-in, as Chloe
//   Bennett, whose request for her own documents the finance team has just approved) -> Home,
//   after the first sync -> "See this payment explained line by line" -> the advice -> "Finish
//   and remove my information" -> Welcome; then the window's close button.
//
// Afterwards every file under the run's HOME, XDG folders and TMPDIR is searched for her data
// (name, email, client ID, address, postcode, references and amounts, read from the council's
// own database) and for anything that looks like a token: any hit fails. The search is shown to
// fail once per run on a planted file. The window must have been incognito (WebKit kept no
// website data on disk, though the app ran with the variable that makes a debug build's kiosk
// window drivable), and the council's grant must be revoked.
//
// Run by `bash .ci/kiosk-release-check`, which builds the binary first.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { councilProfile, startDemoCouncil } from '../e2e/harness/browser-council.mjs';
import { approveTheDemoPendingRequest } from '../e2e/harness/browser-console.mjs';
import { startDbusSession, startXvfb } from '../e2e/harness/display.mjs';
import { findWords, privateHomeFolders, snapshotFiles, tokenLookingStrings } from '../e2e/harness/leftovers.mjs';
import { artifactsFolder, repoRoot } from '../e2e/harness/paths.mjs';
import { startHelper } from '../e2e/harness/processes.mjs';
import { recordingBrowser } from '../e2e/harness/recording-browser.mjs';
import { KeyboardWindow } from '../e2e/harness/xdotool.mjs';

const run = promisify(execFile);

const CHLOE = { email: 'chloe.bennett@example.org', password: 'demo myself pebble orchard', clientId: '100577301' };
const WELCOME = /^See your care and support payments$/;

/** The binary `cargo build --profile kiosk-check` makes (or CFP_KIOSK_RELEASE_BINARY). */
function kioskReleaseBinary() {
  if (process.env.CFP_KIOSK_RELEASE_BINARY) return resolve(process.env.CFP_KIOSK_RELEASE_BINARY);
  const targetDir = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'cfp-target');
  return join(resolve(repoRoot, targetDir), 'kiosk-check', 'client-finance-portal');
}

/**
 * Pence as the app and its PDFs show them: "1,234.56", and without the comma, "1234.56".
 * @param {number} pence
 */
function amountTexts(pence) {
  const value = Math.abs(pence);
  const pounds = Math.floor(value / 100);
  const plain = `${pounds}.${String(value % 100).padStart(2, '0')}`;
  const grouped = `${pounds.toLocaleString('en-GB')}.${String(value % 100).padStart(2, '0')}`;
  return [...new Set([plain, grouped])];
}

/**
 * Chloe's data as the council holds it: what must not be left on the kiosk.
 * @param {string} database
 * @returns {Promise<Array<{ what: string, text: string }>>}
 */
async function chloesData(database) {
  const query = async (/** @type {string} */ sql) =>
    (await run('sqlite3', ['-separator', '\t', database, sql])).stdout.split('\n').filter(Boolean);
  const person = `(SELECT person_id FROM finance_people WHERE client_id = '${CHLOE.clientId}')`;
  const [row] = await query(`SELECT given_name, family_name, address, postcode FROM finance_people WHERE client_id = '${CHLOE.clientId}';`);
  assert.ok(row, 'the demo council has Chloe Bennett in its records');
  const [given, family, address, postcode] = row.split('\t');
  const references = await query(`SELECT reference FROM finance_documents WHERE person_id = ${person};`);
  assert.ok(references.length > 0, 'the council publishes documents for Chloe');
  const amounts = await query(
    `SELECT net_pence FROM finance_remittances JOIN finance_documents USING (document_id) WHERE person_id = ${person}
     UNION SELECT amount_pence FROM finance_remittance_lines JOIN finance_documents USING (document_id)
       WHERE person_id = ${person} AND abs(amount_pence) >= 1000;`,
  );
  assert.ok(amounts.length > 0, "the council holds amounts paid to Chloe");
  return [
    { what: 'her name', text: `${given} ${family}` },
    { what: 'her family name', text: String(family) },
    { what: 'her email', text: CHLOE.email },
    { what: 'her client ID', text: CHLOE.clientId },
    { what: 'her address', text: String(address).split(',')[0] ?? '' },
    { what: 'her postcode', text: String(postcode) },
    ...references.map((reference) => ({ what: `the reference ${reference}`, text: reference })),
    ...amounts.flatMap((pence) => amountTexts(Number(pence)).map((text) => ({ what: `the amount £${text}`, text }))),
  ];
}

/**
 * Everything found under `root`: the words, and token-looking strings.
 * @param {string} root
 * @param {Array<{ what: string, text: string }>} words
 */
async function scan(root, words) {
  const files = [...(await snapshotFiles(root)).keys()];
  const found = await findWords(root, files, words);
  for (const path of files) {
    const text = (await readFile(join(root, path)).catch(() => Buffer.alloc(0))).toString('latin1');
    if (tokenLookingStrings(text).length > 0) found.push(`${path}: a token-looking string`);
  }
  return { files, found };
}

test('the release kiosk window, driven from the keyboard, leaves nothing of the person on disk', async (t) => {
  const binary = kioskReleaseBinary();
  const council = await startDemoCouncil({ name: 'kiosk-release' });
  t.after(() => council.stop());
  await approveTheDemoPendingRequest(council.url);
  const words = await chloesData(council.databasePath);
  const liveGrants = async () =>
    Number(
      (
        await run('sqlite3', [
          council.databasePath,
          "SELECT count(*) FROM identity_grants WHERE client_id = 'client-finance-portal-desktop' AND revoked_at IS NULL;",
        ])
      ).stdout.trim(),
    );

  // One folder holds the app's home, data, config, cache, state and temporary folders.
  const { root, folders, remove } = await privateHomeFolders('cfp-kiosk-release-');
  t.after(remove);

  const xvfb = await startXvfb({ logName: 'kiosk-release.xvfb' });
  t.after(() => xvfb.helper.stop());
  const dbus = await startDbusSession({ logName: 'kiosk-release.dbus' });
  t.after(() => dbus.helper.stop());
  const browser = await recordingBrowser(CHLOE);
  t.after(() => browser.remove());
  const profile = await councilProfile(council.url, { kiosk: true });

  const app = await startHelper({
    name: 'client-finance-portal (kiosk-check build)',
    logName: 'kiosk-release.app',
    command: binary,
    cwd: folders.HOME,
    env: {
      PATH: process.env.PATH,
      LANG: 'C.UTF-8',
      ...folders,
      DISPLAY: xvfb.display,
      GDK_BACKEND: 'x11',
      DBUS_SESSION_BUS_ADDRESS: dbus.address,
      NO_AT_BRIDGE: '1',
      GSETTINGS_BACKEND: 'memory',
      CFP_PROFILE: profile,
      BROWSER: browser.script,
      // What tauri-driver sets. A debug build then gives its kiosk window WebKit's ordinary,
      // on-disk storage so WebDriver can drive it (src-tauri/window.rs); a release build must
      // ignore it and stay incognito, which the check of WebKit's folders below sees.
      TAURI_WEBVIEW_AUTOMATION: 'true',
    },
  });
  t.after(() => app.stop());
  const window = new KeyboardWindow(xvfb.display);

  try {
    // Welcome: the first Tab reaches the skip link, which takes focus to the main content;
    // the next Tab reaches "Sign in".
    await window.waitForScreen(WELCOME);
    await window.waitUntilStill();
    await window.press('Tab', 'Return', 'Tab', 'Return');
    await window.waitForScreen(/^Home$/);
    assert.equal(await browser.signIns(), 1, 'the app sent the person to the council to sign in, once');
    assert.equal(await liveGrants(), 1, 'the sign-in is a live grant at the council');

    // Home, once the first sync has drawn her latest payment: focus is on the heading, and the
    // next link is "See this payment explained line by line".
    await window.waitUntilStill({ quietMs: 3_000 });
    await window.press('Tab', 'Return');
    await window.waitForScreen(/^Document$/);
    await window.waitUntilStill();
    const shot = join(await artifactsFolder(), 'kiosk-release-document.png');
    await run('import', ['-window', 'root', shot], { env: { ...process.env, DISPLAY: xvfb.display } });

    // "Finish and remove my information" is two stops back from the heading (past the Back link).
    await window.press('shift+Tab', 'shift+Tab', 'Return');
    await window.waitForScreen(WELCOME);
    const waitFor = async (/** @type {() => Promise<boolean>} */ condition, /** @type {string} */ what) => {
      const deadline = Date.now() + 60_000;
      while (!(await condition())) {
        if (Date.now() > deadline) throw new Error(`${what} within 60 s`);
        await new Promise((done) => setTimeout(done, 200));
      }
    };
    await waitFor(async () => (await liveGrants()) === 0, 'Finish did not revoke the grant at the council');
    await waitFor(
      async () => (await browser.opened()).some((url) => url.pathname.endsWith('/logout')),
      "Finish did not open the council's end-session page",
    );

    // The window's close button; the app ends.
    await run('python3', [join(repoRoot, 'tests', 'e2e', 'harness', 'close-window.py'), 'Client Finance Portal'], {
      env: { ...process.env, DISPLAY: xvfb.display },
    });
    const exited = await Promise.race([app.exited, new Promise((done) => setTimeout(() => done(null), 30_000))]);
    assert.ok(exited, 'the app ended after its window was closed');
  } catch (error) {
    const failed = join(await artifactsFolder(), 'FAILED-kiosk-release.png');
    await run('import', ['-window', 'root', failed], { env: { ...process.env, DISPLAY: xvfb.display } }).catch(() => {});
    t.diagnostic(`screen: ${failed}; app log: ${app.logPath}\nbrowser stand-in:\n${await browser.log()}`);
    throw error;
  }

  // ---- Nothing of her on disk ----
  const { files, found } = await scan(root, words);
  t.diagnostic(`${files.length} files under the run's folders:\n${files.join('\n')}`);
  assert.deepEqual(found, [], 'a file under HOME, the XDG folders or TMPDIR holds her data or a token');
  // The webview was incognito. WebKit's context still makes a few empty salt files and an empty
  // HSTS list in the app's data folder, but only a webview on the ordinary, on-disk website data
  // store adds CacheStorage (and, when a page uses them, local storage, IndexedDB and cookies):
  // the same run of a debug build, whose window is not incognito with TAURI_WEBVIEW_AUTOMATION
  // set, shows CacheStorage/salt here.
  const onDiskStorage = files.filter((path) => /cachestorage|localstorage|indexeddb|cookies/i.test(path));
  assert.deepEqual(onDiskStorage, [], 'WebKit kept website data on disk: the kiosk webview was not incognito');
  // Her data is in no log either.
  const log = await readFile(app.logPath, 'utf8');
  const inLog = words.filter((word) => log.toLowerCase().includes(word.text.toLowerCase())).map((word) => word.what);
  assert.deepEqual(inLog, [], "the app's output holds her data");
  assert.deepEqual(tokenLookingStrings(log), [], "the app's output holds a token-looking string");

  // ---- The search can fail: a planted file is found, then removed ----
  const planted = join(folders.XDG_CACHE_HOME, 'planted-by-the-test.txt');
  await writeFile(planted, `${words[0]?.text.toUpperCase()} ${words.at(-1)?.text}\n`);
  const withPlant = await scan(root, words);
  assert.ok(withPlant.found.includes(`home/.cache/planted-by-the-test.txt: ${words[0]?.what}`), 'the search finds the planted file');
  assert.deepEqual(
    withPlant.found.filter((hit) => !hit.startsWith('home/.cache/planted-by-the-test.txt: ')),
    [],
    'and only it',
  );
  await rm(planted);
  assert.deepEqual((await scan(root, words)).found, [], 'with the plant removed, nothing is found again');
});
