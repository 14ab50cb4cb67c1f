// Home as most people have it (issue 21, item 3), in the real app against the real council
// service: one computer (harness/computer.mjs) with the GNOME keyring unlocked on its D-Bus
// session, as a desktop login leaves it, and the app opened three times on the same folders.
//
// 1. Owen Price (a deputy for Thomas Bright in the demo) signs in and reads Thomas's documents. The store's key is in the
//    keyring (read back through the Secret Service with secret-tool), and no file under the
//    computer's home holds the key, the person's name, references or amounts, or a token; the
//    store does not read as plain SQLite.
// 2. The app is closed with its window's close button and opened again: Home and the same
//    documents, without the browser being sent to the council again; a check for new documents
//    works with the kept (refreshed) session.
// 3. A passphrase is set in Settings (the keyring entry goes), the app is closed and opened
//    again: it asks for the passphrase, refuses a wrong one in plain words (keeping the
//    documents), and the right one opens the same documents, again without signing in.
import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { App } from '../harness/app.mjs';
import { councilProfile, startDemoCouncil } from '../harness/browser-council.mjs';
import { startComputer } from '../harness/computer.mjs';
import { findWords, snapshotFiles, tokenLookingStrings } from '../harness/leftovers.mjs';
import { recordingBrowser } from '../harness/recording-browser.mjs';

const LONG_WAIT = { timeoutMs: 60_000 };
/** What the searches of the disk looked at, for the test's report. */
const diagnostics = /** @type {string[]} */ ([]);
const DEPUTY = { email: 'owen.price@example.org', password: 'demo deputy granite lantern', name: 'Owen Price' };
/** The one person Owen acts for (crates/council-finance/src/demo.rs). */
const PERSON = { name: 'Thomas Bright', clientId: '100452210' };
const PASSPHRASE = 'harbour lantern copper meadow';
/** tauri.conf.json's identifier names the app's data folder; documents.db is the store. */
const STORE_FILE = ['org.clientfinanceportal.desktop', 'documents.db'];

/** @type {Awaited<ReturnType<typeof startDemoCouncil>>} */
let council;

before(async () => {
  council = await startDemoCouncil({ name: 'home-restart' });
});

after(async () => {
  await council?.stop();
});

/**
 * Sign in from the welcome screen as Owen; wait for his Home.
 * @param {App} app
 */
async function signIn(app) {
  await app.click(await app.waitForText('button', /^Sign in$/, LONG_WAIT));
  await app.waitUntil(
    async () =>
      (await app.findAll('.govuk-error-summary')).length > 0 ||
      /People you act for/.test(await app.text('#main-content h1').catch(() => '')),
    { ...LONG_WAIT, message: 'neither Home nor a problem appeared after signing in' },
  );
  const problems = await app.findAll('.govuk-error-summary');
  assert.equal(problems.length, 0, `signing in failed: ${problems[0] ? await app.text(problems[0]) : ''}`);
}

/**
 * From Home, open Thomas's documents and read the list: each row's cells.
 * @param {App} app
 * @returns {Promise<{ count: string, rows: string[][] }>}
 */
async function readDocuments(app) {
  await app.waitForText('#main-content h1', /People you act for/, LONG_WAIT);
  await app.waitForText('.govuk-summary-card__title', new RegExp(`^${PERSON.name}$`), LONG_WAIT);
  await app.click(await app.linkByText(`See documents for ${PERSON.name}`));
  await app.waitForText('.app-acting-for', new RegExp(`Acting for ${PERSON.name}`));
  const count = await app.text(await app.waitForText('[data-testid=count]', /^Showing \d+ of \d+ documents$/, LONG_WAIT));
  const rows = /** @type {string[][]} */ (
    await app.executeScript(
      "return [...document.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent.replace(/\\s+/g, ' ').trim()));",
    )
  );
  return { count, rows };
}

/**
 * Close the app as a person does (the window's close button), wait until the window is gone,
 * then end the WebDriver session and its helpers.
 * @param {App} app
 */
async function closeApp(app) {
  await app.pressCloseButton();
  await app.waitUntil(
    async () => {
      try {
        await app.session.title();
        return false;
      } catch {
        return true;
      }
    },
    { ...LONG_WAIT, message: 'the app did not close after its close button was pressed' },
  );
  await app.close();
}

/**
 * The person's data, as the test saw it on screen, for the search of the disk.
 * @param {{ rows: string[][] }} documents
 */
function personalWords({ rows }) {
  /** @type {Array<{ what: string, text: string }>} */
  const words = [
    { what: "the person's name", text: PERSON.name },
    { what: "the person's client ID", text: PERSON.clientId },
    { what: "the user's name", text: DEPUTY.name },
    { what: "the user's email", text: DEPUTY.email },
  ];
  for (const row of rows) {
    const [, , reference, amount] = row;
    if (reference && reference !== 'None') words.push({ what: `the reference ${reference}`, text: reference });
    const figure = /£([\d,]+\.\d\d)/.exec(amount ?? '')?.[1];
    if (figure) {
      words.push({ what: `the amount £${figure}`, text: figure });
      if (figure.includes(',')) words.push({ what: `the amount £${figure}`, text: figure.replaceAll(',', '') });
    }
  }
  return words;
}

/**
 * Search every file under the computer's folder for the words and for token-looking strings.
 * @param {string} root
 * @param {Array<{ what: string, text: string }>} words
 */
async function readableOnDisk(root, words) {
  const files = [...(await snapshotFiles(root)).keys()];
  assert.ok(files.length > 0, 'the app wrote files (so the search means something)');
  const found = await findWords(root, files, words);
  diagnostics.push(`${files.length} files searched: ${files.join(', ')}`);
  for (const path of files) {
    const text = (await readFile(join(root, path)).catch(() => Buffer.alloc(0))).toString('latin1');
    if (tokenLookingStrings(text).length > 0) found.push(`${path}: a token-looking string`);
  }
  return found;
}

/**
 * The first 16 bytes of a file: a plain SQLite database starts "SQLite format 3\0".
 * @param {string} path
 */
async function header(path) {
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(16), 0, 16, 0);
    return buffer.subarray(0, bytesRead).toString('latin1');
  } finally {
    await file.close();
  }
}

test('home: the key in the keyring, documents kept across a restart, then a passphrase across a restart', async (t) => {
  const computer = await startComputer({ name: 'home-restart', keyring: true });
  t.after(() => computer.stop());
  const browser = await recordingBrowser(DEPUTY);
  t.after(() => browser.remove());
  const env = { CFP_PROFILE: await councilProfile(council.url), BROWSER: browser.script };
  const storePath = join(computer.folders.XDG_DATA_HOME, ...STORE_FILE);
  /** @type {string[]} */
  const appLogs = [];

  /**
   * One launch of the app on this computer; always closed, with a screenshot on failure.
   * @param {string} name
   * @param {(app: App) => Promise<void>} steps
   */
  async function launch(name, steps) {
    const app = await computer.openApp({ name, env });
    appLogs.push(app.logs.app);
    try {
      await steps(app);
    } catch (error) {
      await app.screenshot(`FAILED-${name}`).catch(() => {});
      t.diagnostic(`logs: ${app.logs.app} ${app.logs.driver}\nbrowser:\n${await browser.log()}`);
      throw error;
    } finally {
      await app.close();
    }
  }

  // ---- 1. First launch: sign in, read the documents, the key in the keyring ----
  /** @type {Awaited<ReturnType<typeof readDocuments>>} */
  let first = { count: '', rows: [] };
  await launch('home-restart-first', async (app) => {
    await signIn(app);
    first = await readDocuments(app);
    assert.ok(first.rows.length >= 2, `the client has documents: ${first.count}`);
    await app.click(await app.waitForText('.app-session-bar a', /^Settings$/));
    await app.waitForText('#main-content h1', /Settings/);
    assert.doesNotMatch(await app.text('#main-content'), /You have a passphrase\./, 'no passphrase yet');
    await app.audit('home-restart-settings-keychain');
    await closeApp(app);
  });
  assert.equal(await browser.signIns(), 1, 'the first launch sent the person to the council once');

  const account = `store:${storePath}`;
  const key = await computer.keychainSecret(account);
  assert.match(key ?? '', /^[0-9a-f]{64}$/, `the keyring holds the store's key under "${account}"`);
  assert.deepEqual(await computer.keychainSecrets(), [key], 'one keyring entry, the store key');
  assert.ok((await stat(storePath)).size > 0, 'the documents are kept in the store file');
  assert.notEqual(await header(storePath), 'SQLite format 3\0', 'the store is encrypted, not plain SQLite');

  const words = [
    ...personalWords(first),
    { what: 'the store key', text: /** @type {string} */ (key) },
    { what: 'the store key (as raw bytes in hex, upper case)', text: /** @type {string} */ (key).toUpperCase() },
  ];
  // The search can find each word: all of them, upper-cased, in a file outside the computer.
  const canaryFolder = await mkdtemp(join(tmpdir(), 'cfp-e2e-canary-'));
  t.after(() => rm(canaryFolder, { recursive: true, force: true }));
  await writeFile(join(canaryFolder, 'all'), words.map((word) => word.text.toUpperCase()).join('\0'));
  assert.equal((await findWords(canaryFolder, ['all'], words)).length, words.length, 'the search finds every word');
  assert.deepEqual(await readableOnDisk(computer.root, words), [], 'after the first launch, a file holds readable personal data, a key or a token');

  // ---- 2. Opened again: Home and the same documents, no new sign-in ----
  await launch('home-restart-second', async (app) => {
    const again = await readDocuments(app);
    assert.equal(again.count, first.count, 'the same number of documents after the restart');
    assert.deepEqual(again.rows, first.rows, 'the same documents after the restart');
    // The kept session still works at the council (refreshed if its access token expired).
    await app.click(await app.waitForText('a', /^Home$/));
    await app.click(await app.waitForText('button', /^Check for new documents$/, LONG_WAIT));
    await app.waitUntil(async () => !(await app.text('.app-sync-status')).includes('Checking for new documents'), {
      ...LONG_WAIT,
      message: 'the check for new documents did not end',
    });
    const status = await app.text('.app-sync-status');
    assert.doesNotMatch(status, /Offline|sign in again|problem/i, `the check worked with the kept session: ${status}`);
    await app.audit('home-restart-after-restart');
    await app.screenshot('home-restart-after-restart');

    // ---- 3a. A passphrase instead of the keyring ----
    await app.click(await app.waitForText('.app-session-bar a', /^Settings$/));
    await app.type(await app.waitFor('#passphrase'), PASSPHRASE);
    await app.type('#confirm', PASSPHRASE);
    await app.click(await app.waitForText('button', /^Save passphrase$/));
    await app.waitForText('.govuk-notification-banner', /Your passphrase is set\./, LONG_WAIT);
    await closeApp(app);
  });
  assert.equal(await browser.signIns(), 1, 'opening the app again did not send the person to the council');
  assert.deepEqual(await computer.keychainSecrets(), [], 'with a passphrase, the key left the keyring');
  const storeSize = (await stat(storePath)).size;

  // ---- 3b. Opened again: locked; a wrong passphrase refused plainly; the right one opens ----
  await launch('home-restart-passphrase', async (app) => {
    await app.waitForText('#main-content h1', /Unlock the app$/, LONG_WAIT);
    await app.type(await app.waitFor('#passphrase'), 'not the passphrase at all');
    await app.click(await app.waitForText('button', /^Unlock$/));
    const wrong = await app.text(await app.waitForText('.govuk-error-summary', /passphrase/i, LONG_WAIT));
    assert.match(wrong, /That passphrase is not right\./, `a plain error: "${wrong}"`);
    assert.doesNotMatch(wrong, /storeLocked|invalidInput|argon|sqlcipher|decrypt|error code/i, 'no jargon');
    assert.match(await app.text('#main-content h1'), /Unlock the app$/, 'still locked');
    assert.ok((await stat(storePath)).size >= storeSize, 'a wrong passphrase deletes nothing');
    await app.audit('home-restart-wrong-passphrase');

    await app.type('#passphrase', PASSPHRASE);
    await app.click(await app.waitForText('button', /^Unlock$/));
    const unlocked = await readDocuments(app);
    assert.deepEqual(unlocked.rows, first.rows, 'the passphrase opens the same documents');
    await app.screenshot('home-restart-unlocked');
    await closeApp(app);
  });
  assert.equal(await browser.signIns(), 1, 'unlocking did not need a new sign-in');
  assert.deepEqual(await computer.keychainSecrets(), [], 'the keyring stays empty');

  // Nothing readable on disk at the end either (the key is now wrapped by the passphrase).
  const passphraseWords = [...words, { what: 'the passphrase', text: PASSPHRASE }];
  assert.deepEqual(await readableOnDisk(computer.root, passphraseWords), [], 'at the end, a file holds readable personal data, a key, the passphrase or a token');
  for (const line of diagnostics) t.diagnostic(line);
  for (const log of appLogs) {
    const text = await readFile(log, 'utf8');
    const found = passphraseWords.filter((word) => text.toLowerCase().includes(word.text.toLowerCase())).map((word) => word.what);
    assert.deepEqual(found, [], `${log} holds personal data or secrets`);
    assert.deepEqual(tokenLookingStrings(text), [], `${log} holds a token-looking string`);
  }
});
