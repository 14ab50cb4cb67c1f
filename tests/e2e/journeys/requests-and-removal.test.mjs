// A person's own requests, and removing her data, in the real app against the real council (its
// demo), each checked by its effect at the council or on disk, and each state audited by axe in
// the real window. Chloe Bennett has two requests in the demo: one for her own documents,
// waiting for review, and one for her father George that the finance team refused.
//
//   1. She sees the refusal and its reason, withdraws her own request after the confirmation
//      step (the council's record says "withdrawn"), and corrects the refused request and sends
//      it again (the council's record is pending again, as version 2, with the corrected date).
//   2. Her session is ended at the council (its grant revoked, as signing out elsewhere or an
//      administrator would): the app's next call is refused and it says so plainly.
//   3. She signs in again, sets a passphrase (so the documents are kept in a file on this
//      computer), and removes her data after the confirmation step: the store's files are gone,
//      and the app is signed out.
//
// Needs the app and the council service built into $CARGO_TARGET_DIR/debug, and sqlite3.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { withApp } from '../harness/app.mjs';
import { councilProfile, startDemoCouncil } from '../harness/browser-council.mjs';
import { councilQuery, sqlText } from '../harness/council-db.mjs';
import { DEMO_ACCOUNTS, LONG_WAIT, signInEnv, signInThroughApp } from '../harness/sign-in.mjs';

const run = promisify(execFile);
const NO_PAYMENTS = /You cannot see any payments yet/;
const PASSPHRASE = 'orchard pebble lantern quay';

/**
 * Chloe's requests as the council holds them, by the requested person's given name.
 * @param {string} databasePath
 */
async function chloesRequests(databasePath) {
  const rows = await councilQuery(
    databasePath,
    `SELECT given_name AS name, state, version, date_of_birth AS born, evidence
       FROM finance_access_requests WHERE requester_email = ${sqlText(DEMO_ACCOUNTS.chloe.email)}`,
  );
  return Object.fromEntries(rows.map((row) => [String(row.name), row]));
}

/**
 * The link or button whose whole text (visually hidden words included) is `text`.
 * @param {import('../harness/app.mjs').App} app
 * @param {string} text
 */
async function byWholeText(app, text) {
  /** @type {any} */
  let found = null;
  await app.waitUntil(
    async () => {
      found = await app.executeScript(
        "return [...document.querySelectorAll('a, button')].find((e) => e.textContent.replace(/\\s+/g, ' ').trim() === arguments[0]) || null;",
        text,
      );
      return found !== null;
    },
    { ...LONG_WAIT, message: `no link or button "${text}" appeared` },
  );
  return found;
}

/**
 * Every file under a folder, relative to it.
 * @param {string} folder
 * @returns {Promise<string[]>}
 */
async function filesUnder(folder) {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => relative(folder, join(e.parentPath ?? e.path, e.name)));
}

test("a person withdraws one request, corrects a refused one, outlives an ended session, and removes her data", async (t) => {
  const council = await startDemoCouncil({ name: 'requests-and-removal' });
  t.after(() => council.stop());
  const profile = await councilProfile(council.url);
  const signIn = await signInEnv('requests-and-removal', DEMO_ACCOUNTS.chloe);
  t.after(() => signIn.cleanup());
  // The app's data folder, where it keeps the store, so the test can see it go.
  const data = await mkdtemp(join(tmpdir(), 'cfp-e2e-data-'));
  t.after(() => rm(data, { recursive: true, force: true }));

  const journey = withApp(
    async (app) => {
      await signInThroughApp(app, NO_PAYMENTS);
      const before = await chloesRequests(council.databasePath);
      assert.equal(before.Chloe?.state, 'pending', 'the demo has her own request waiting');
      assert.equal(before.George?.state, 'rejected', "the demo has her father's request refused");

      // ---- 1. Her requests: the refused one, with the council's reason ----
      await app.click(await app.waitForText('a', /^Your requests$/));
      await app.waitForText('#main-content h1', /Your requests$/);
      const george = await app.waitForText('[data-testid=request]', /^George Bennett/, LONG_WAIT);
      assert.match(await app.text(george), /Why it was not approved\s+We could not find a record with these details\./);
      await app.audit('requests-refused');
      await app.screenshot('requests-refused');

      // Withdraw her own request, after the confirmation step.
      await app.click(await byWholeText(app, 'Withdraw the request for Chloe Bennett'));
      await app.waitForText(
        '#main-content h1',
        /Are you sure you want to withdraw your request to see the documents of Chloe Bennett\?/,
      );
      await app.audit('withdraw-confirm');
      await app.click(await app.waitForText('button', /^Yes, withdraw this request$/));
      await app.waitForText('.govuk-notification-banner', /You withdrew your request for Chloe Bennett\./, LONG_WAIT);
      assert.equal((await chloesRequests(council.databasePath)).Chloe?.state, 'withdrawn', 'the council has it withdrawn');
      await app.audit('withdrawn');

      // A new request sent empty: the problems, audited as an error state.
      await app.click(await app.waitForText('a', /^Request access for another person$/));
      await app.click(await app.waitForText('button', /^Send request$/, LONG_WAIT));
      const problems = await app.text(await app.waitFor('.govuk-error-summary'));
      assert.match(problems, /^There is a problem/, `the problems are summarised: ${problems}`);
      await app.audit('request-access-errors');
      await app.click(await app.waitForText('a.govuk-back-link', /^Back$/));
      await app.waitForText('#main-content h1', /Your requests$/);

      // Correct the refused request (the date of birth, as the reason asks) and send it again.
      await app.click(await byWholeText(app, 'Correct and send again the request for George Bennett'));
      await app.waitForText('button', /^Send the request again$/, LONG_WAIT);
      assert.equal(await app.executeScript("return document.getElementById('givenName').value;"), 'George', 'the form is filled in');
      await app.type('#birthYear', '1951');
      await app.click(await app.waitForText('button', /^Send the request again$/));
      await app.waitForText('#main-content h1', /^Request sent$/, LONG_WAIT);
      const george2 = (await chloesRequests(council.databasePath)).George;
      assert.equal(george2?.state, 'pending', 'the council has the corrected request waiting for review again');
      assert.equal(george2?.version, 2, 'as a second version of the same request');
      assert.equal(george2?.born, '1951-04-12', 'with the corrected date of birth');
      await app.audit('request-sent-again');
      await app.click(await app.waitForText('a', /^See all your requests$/));
      await app.waitForText('[data-testid=request]', /^George Bennett[\s\S]*Waiting for review/, LONG_WAIT);
      assert.doesNotMatch(await app.text('#main-content'), /Why it was not approved/, 'the refusal is behind it now');

      // ---- 2. The session ends at the council: the next call is refused ----
      await councilRevokesGrants(council.databasePath);
      await app.click(await app.waitForText('a', /^Home$/));
      await app.click(await app.waitForText('button', /^Check for new documents$/, LONG_WAIT));
      // Signed out, told why in plain words, at Welcome (before the fix the stale "Everything is
      // up to date." stayed on a Home that could fetch nothing).
      const ended = await app.waitForText('.govuk-notification-banner', /Your sign-in has ended\. Please sign in again\./, LONG_WAIT);
      assert.doesNotMatch(await app.text(ended), /unauthori[sz]ed|401|token|grant/i, 'no jargon');
      await app.waitForText('button', /^Sign in$/);
      await app.audit('session-ended');
      await app.screenshot('session-ended');

      // ---- 3. Sign in again, keep the documents in a file, then remove them ----
      await signInThroughApp(app, NO_PAYMENTS);
      await app.click(await app.waitForText('.app-session-bar a', /^Settings$/));
      await app.type(await app.waitFor('#passphrase'), PASSPHRASE);
      await app.type('#confirm', PASSPHRASE);
      await app.click(await app.waitForText('button', /^Save passphrase$/));
      await app.waitForText('.govuk-notification-banner', /Your passphrase is set\./, LONG_WAIT);
      const kept = await filesUnder(data);
      assert.ok(kept.some((f) => f.endsWith('documents.db')), `the store is a file now: ${kept.join(', ')}`);
      assert.ok(kept.some((f) => f.endsWith('documents.db.key')), `with its key file: ${kept.join(', ')}`);

      await app.click(await app.waitForText('button', /^Remove my data$/));
      await app.waitForText('#remove-confirm-title', /Are you sure you want to remove your data\?/);
      await app.audit('remove-data-confirm');
      await app.screenshot('remove-data-confirm');
      await app.click(await app.waitForText('button', /^Yes, remove my data$/));
      await app.waitForText('.govuk-notification-banner', /Your data has been removed from this computer\./, LONG_WAIT);
      const left = (await filesUnder(data)).filter((f) => /documents\.db/.test(f));
      assert.deepEqual(left, [], 'nothing of the store is left on this computer');
      await app.waitForText('button', /^Sign in$/);
      await app.audit('data-removed');
    },
    { env: { CFP_PROFILE: profile, ...signIn.env, XDG_DATA_HOME: data } },
  );
  await journey(t);
});

/**
 * Revoke every live grant of Chloe's account at the council, as signing out on another device
 * or an administrator would; the finance API checks the grant on every call.
 * @param {string} databasePath
 */
async function councilRevokesGrants(databasePath) {
  const now = Math.floor(Date.now() / 1000);
  await run(
    'sqlite3',
    [
      databasePath,
      `UPDATE identity_grants SET revoked_at = ${now} WHERE revoked_at IS NULL AND account_id =
         (SELECT id FROM identity_accounts WHERE email = ${sqlText(DEMO_ACCOUNTS.chloe.email)});
       SELECT changes();`,
    ],
    { timeout: 10_000 },
  ).then(({ stdout }) => assert.ok(Number(stdout.trim()) >= 1, 'the council had a live grant to revoke'));
}
