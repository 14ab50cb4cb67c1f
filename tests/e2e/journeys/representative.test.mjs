// A representative's journey, end to end: the real app and the real council service (its demo)
// on loopback. Ruth Adeyemi acts for three people with a Lasting Power of Attorney. She signs in,
// asks for access to a fourth person, a member of the finance team approves it in the console,
// the person appears after "Check for new documents", and she reads Margaret Okafor's advices
// with an 'Adj' line and with an 'MA' line (the demo has them in different payments), each
// explained, then switches person. Every screen is audited by axe-core.
//
// Needs the app's Rust side (sign-in, sync, documents, access requests: crates/portal) and the
// council service, both built into $CARGO_TARGET_DIR/debug.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkAdviceAgainstCouncil } from '../harness/advice-sums.mjs';
import { withApp } from '../harness/app.mjs';
import { ConsoleBrowser, DEMO_REVIEWER } from '../harness/browser-console.mjs';
import { browserScriptPath, councilProfile, startDemoCouncil } from '../harness/browser-council.mjs';
import { artifactsFolder } from '../harness/paths.mjs';

const REPRESENTATIVE = { email: 'ruth.adeyemi@example.org', password: 'demo attorney willow harbour' };

/** A person in the demo's records whom Ruth does not act for yet (crates/council-finance/src/demo.rs). */
const NEW_PERSON = {
  givenName: 'Thomas',
  familyName: 'Bright',
  birth: { day: '15', month: '1', year: '1979' },
  postcode: 'WR5 3AB',
  clientId: '100452210',
  evidence: 'The council finance officer Sam Hill agreed on 2 March 2026',
};

const LONG_WAIT = { timeoutMs: 60_000 };

/**
 * In the finance team's console, approve the pending request for the person called `name`.
 * @param {string} councilUrl
 * @param {string} name
 */
async function approveRequestFor(councilUrl, name) {
  const staff = new ConsoleBrowser(councilUrl);
  await staff.signIn(DEMO_REVIEWER);
  const queue = await staff.page('/console');
  const row = queue.split('<tr').find((r) => r.includes(name));
  const id = row && /href="\/console\/requests\/([^"/?#]+)"/.exec(row)?.[1];
  assert.ok(id, `the console's queue lists the request for ${name}`);
  assert.match(await staff.page(`/console/requests/${id}`), /Approve access/, 'the details match the records');
  await staff.approve(id);
  assert.ok(!(await staff.pendingRequestIds()).includes(id), 'the request has left the queue');
}

/**
 * On a person's Documents screen: search for `words`, expect one advice, and open it.
 * @param {import('../harness/app.mjs').App} app
 * @param {string} words
 */
async function openOnlySearchResult(app, words) {
  await app.waitForText('[data-testid=count]', /^Showing \d+ of \d+ documents$/, LONG_WAIT);
  await app.type('#search', words);
  await app.click(await app.waitForText('button', /^Show documents$/));
  await app.waitForText('[data-testid=count]', /^Showing 1 of \d+ documents$/);
  await app.click(await app.waitFor('tbody a'));
  await app.waitForText('h2', /^How the total adds up$/, LONG_WAIT);
}

// ---- The journey ----

test('a representative asks for access to a new person, is approved, and reads explained Adj and MA lines', async (t) => {
  const council = await startDemoCouncil({ name: 'representative' });
  t.after(() => council.stop());
  const profile = await councilProfile(council.url);
  // The app opens "the browser" with $BROWSER; this one signs in over HTTP as Ruth would.
  const work = await mkdtemp(join(tmpdir(), 'cfp-e2e-representative-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  const browser = join(work, 'browser.sh');
  await writeFile(browser, `#!/bin/sh\nexec "${process.execPath}" "${browserScriptPath}" "$@"\n`, { mode: 0o755 });
  const browserLog = join(await artifactsFolder('logs'), 'representative.browser.log');

  const journey = withApp(
    async (app) => {
      // Sign in.
      await app.click(await app.waitForText('button', /^Sign in$/));
      await app.waitUntil(
        async () =>
          (await app.findAll('.govuk-error-summary')).length > 0 ||
          /People you act for/.test(await app.text('h1').catch(() => '')),
        { ...LONG_WAIT, message: 'neither the home page nor a problem appeared after signing in' },
      );
      const problems = await app.findAll('.govuk-error-summary');
      assert.equal(problems.length, 0, `signing in failed: ${problems[0] ? await app.text(problems[0]) : ''}`);
      await app.waitForText('.govuk-summary-card__title', /^Margaret Okafor$/, LONG_WAIT);
      await app.audit('representative-home');
      await app.screenshot('representative-home');

      // Ask for access to Thomas Bright, as his nominated financial representative.
      await app.click(await app.waitForText('a', /^Request access for someone$/));
      await app.waitForText('h1', /Request access/);
      // GOV.UK radios draw their own circle over a transparent input: press the label, as a person would.
      await app.click(await app.waitFor('label[for="relationship-nominatedFinancialRepresentative"]'));
      await app.waitForText('#relationship-nominatedFinancialRepresentative-reveal', /^Have this ready:/);
      await app.type('#givenName', NEW_PERSON.givenName);
      await app.type('#familyName', NEW_PERSON.familyName);
      await app.type('#birthDay', NEW_PERSON.birth.day);
      await app.type('#birthMonth', NEW_PERSON.birth.month);
      await app.type('#birthYear', NEW_PERSON.birth.year);
      await app.type('#postcode', NEW_PERSON.postcode);
      await app.type('#clientId', NEW_PERSON.clientId);
      await app.type('#evidence', NEW_PERSON.evidence);
      await app.audit('request-access');
      await app.click(await app.waitForText('button', /^Send request$/));
      await app.waitForText('h1', /^Request sent$/, LONG_WAIT);
      assert.match(await app.text('.govuk-panel'), /Thomas Bright/);
      await app.audit('request-sent');
      await app.screenshot('request-sent');

      await app.click(await app.waitForText('a', /^See all your requests$/));
      await app.waitForText('.govuk-summary-card', /Thomas Bright[\s\S]*Waiting for review/);
      await app.audit('your-requests');

      // The finance team approves it in the console.
      await approveRequestFor(council.url, 'Thomas Bright');

      // Thomas appears after checking for new documents.
      await app.click(await app.waitForText('a', /^Home$/));
      await app.click(await app.waitForText('button', /^Check for new documents$/));
      await app.waitForText('.govuk-summary-card__title', /^Thomas Bright$/, LONG_WAIT);
      await app.audit('representative-home-after-approval');

      // Margaret's documents.
      await app.click(await app.linkByText('See documents for Margaret Okafor'));
      await app.waitForText('h1', /Documents/);
      await app.waitForText('.app-acting-for', /Acting for Margaret Okafor/);
      await app.waitForText('[data-testid=count]', /^Showing \d+ of \d+ documents$/, LONG_WAIT);
      await app.audit('documents');
      // The advice with the 'Adj' line (the demo's backdated rise in contribution).
      await openOnlySearchResult(app, 'Adj');
      const adj = await app.text('#main-content');
      assert.match(adj, /Rate adjustment \(Adj\)/, "the advice has a group for its 'Adj' line");
      assert.match(adj, /'Adj' means a rate adjustment\./, "the 'Adj' line is explained");
      assert.match(adj, /Takes £[\d,]+\.\d\d off the payment/, 'each line says in words what it does');
      assert.match(adj, /What changed since the last payment/);
      // The totals sentence and "What changed", against sums computed from the council's records.
      const reference = await app.executeScript(
        "const dt = [...document.querySelectorAll('dt')].find((e) => e.textContent.trim() === 'Reference'); return dt ? dt.nextElementSibling.textContent.trim() : '';",
      );
      await app.click(await app.waitForText('a.govuk-back-link', /^Back$/));
      await checkAdviceAgainstCouncil(app, council.databasePath, reference);
      await app.audit('advice-adj');
      await app.screenshot('advice-adj');

      // The advice with the 'MA' line, and the finance team's own note about it.
      await app.click(await app.waitForText('a.govuk-back-link', /^Back$/));
      await openOnlySearchResult(app, 'bank charges');
      const ma = await app.text('#main-content');
      assert.match(ma, /Manual adjustment \(MA\)/, "the advice has a group for its 'MA' line");
      assert.match(ma, /'MA' means a manual adjustment\./, "the 'MA' line is explained");
      assert.match(ma, /The finance team's note\s+"?.*Refund of the bank's charges/, "the MA line shows the finance team's note");
      await app.audit('advice-ma');
      await app.screenshot('advice-ma');

      // Switch person from the banner.
      await app.click(await app.waitForText('.app-acting-for summary', /Switch person/));
      await app.click(await app.waitForText('.app-acting-for a', /^Dennis Hartley$/));
      await app.waitForText('.app-acting-for', /Acting for Dennis Hartley/);
      await app.waitForText('[data-testid=count]', /^Showing \d+ of \d+ documents$/, LONG_WAIT);
      await app.audit('documents-switched');
      await app.screenshot('documents-switched');
    },
    {
      env: {
        CFP_PROFILE: profile,
        BROWSER: browser,
        CFP_E2E_EMAIL: REPRESENTATIVE.email,
        CFP_E2E_PASSWORD: REPRESENTATIVE.password,
        CFP_E2E_BROWSER_LOG: browserLog,
      },
    },
  );
  await journey(t);
});
