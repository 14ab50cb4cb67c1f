// "Create an account" in the real app, against the real council (its demo): the app opens the
// council's registration in "the browser" (harness/browser-create-account.mjs fills it in and
// confirms the email with the code the council sent to its outbox), and comes back signed in as
// the new person. Checked at the council: the account exists, its email is confirmed, and this
// app holds a live grant for it. Then the council goes away: "Check for new documents" says the
// app is offline, and that state is audited by axe in the real window.
//
// Needs the app and the council service built into $CARGO_TARGET_DIR/debug, and sqlite3.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { withApp } from '../harness/app.mjs';
import { councilProfile, startDemoCouncil } from '../harness/browser-council.mjs';
import { councilQuery, sqlText } from '../harness/council-db.mjs';
import { repoRoot } from '../harness/paths.mjs';
import { LONG_WAIT, signInEnv, signInThroughApp } from '../harness/sign-in.mjs';

const createAccountScript = join(repoRoot, 'tests', 'e2e', 'harness', 'browser-create-account.mjs');

test('a new person creates an account from the app and is signed in with it; offline is then said plainly', async (t) => {
  const council = await startDemoCouncil({ name: 'create-account' });
  t.after(() => council.stop());
  const profile = await councilProfile(council.url);
  const person = {
    givenName: 'Priya',
    familyName: 'Raman-Hughes',
    address: '7 Sansome Walk, Worcester',
    postcode: 'WR1 1LH',
    email: `priya.${randomBytes(4).toString('hex')}@example.org`,
    password: 'violet harbour copper kestrel',
  };
  const browser = await signInEnv('create-account', { email: person.email, password: person.password }, createAccountScript);
  t.after(() => browser.cleanup());

  const journey = withApp(
    async (app) => {
      assert.deepEqual(
        await councilQuery(council.databasePath, `SELECT id FROM identity_accounts WHERE email = ${sqlText(person.email)}`),
        [],
        'no such account before',
      );
      await app.waitForText('#main-content h1', /See your care and support payments/, LONG_WAIT);
      await signInThroughApp(app, /You cannot see any payments yet/, { selector: 'a', text: /^Create an account$/ });
      assert.match(await app.text('#main-content'), new RegExp(`${person.givenName} ${person.familyName}`), 'Home names the new person');

      const [account] = await councilQuery(
        council.databasePath,
        `SELECT a.given_name AS given, a.email_verified AS confirmed,
                (SELECT COUNT(*) FROM identity_grants g
                  WHERE g.account_id = a.id AND g.client_id = 'client-finance-portal-desktop' AND g.revoked_at IS NULL) AS grants
           FROM identity_accounts a WHERE a.email = ${sqlText(person.email)}`,
      );
      assert.equal(account?.given, person.givenName, 'the council made the account');
      assert.equal(account?.confirmed, 1, 'with its email address confirmed');
      assert.equal(account?.grants, 1, 'and the app holds one live sign-in for it');
      await app.audit('create-account-home');
      await app.screenshot('create-account-home');

      // ---- The council goes away: offline, said plainly ----
      await council.helper.stop();
      await app.click(await app.waitForText('button', /^Check for new documents$/));
      await app.waitForText('.app-sync-status', /Offline\s+You are offline\. You can still see everything saved on this computer\./, LONG_WAIT);
      await app.audit('offline');
      await app.screenshot('offline');
    },
    {
      env: {
        CFP_PROFILE: profile,
        ...browser.env,
        CFP_E2E_NEW_ACCOUNT: JSON.stringify(person),
        CFP_E2E_OUTBOX: join(dirname(council.databasePath), 'outbox'),
      },
    },
  );
  await journey(t);
});
