// Offline in the middle of a journey (issue 21, item 4), in the real app against the real council
// service. The representative Ruth Adeyemi signs in and is on Home when the council's server
// goes away (the service is stopped). The app says it is offline; she still reads Margaret
// Okafor's advice, makes a statement of her payments, and asks for access to Thomas Bright,
// which the app keeps to send later. The council comes back on the same port with the same data
// and, with no further input from her, the app sends the request (the council's database then
// holds it exactly once) and "Offline" goes. Every offline screen is audited by axe-core.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withApp } from '../harness/app.mjs';
import { councilProfile } from '../harness/browser-council.mjs';
import { startRestartableCouncil } from '../harness/council-restartable.mjs';
import { recordingBrowser } from '../harness/recording-browser.mjs';

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
/** How long the app may take to notice the council is back by itself (it retries while offline). */
const BACK_ONLINE_WAIT = { timeoutMs: 120_000 };

/**
 * @param {import('../harness/app.mjs').App} app
 */
async function offlineTagShown(app) {
  const tags = await app.findAll('.app-sync-status .govuk-tag');
  for (const tag of tags) if ((await app.text(tag)).trim() === 'Offline') return true;
  return false;
}

test('offline mid-journey: documents, a statement and a queued request, then the queue is sent once when the council is back', async (t) => {
  const council = await startRestartableCouncil({ name: 'offline-midway' });
  t.after(() => council.stop());
  const browser = await recordingBrowser(REPRESENTATIVE);
  t.after(() => browser.remove());
  const requestsFor = async () =>
    council.query(
      `SELECT state FROM finance_access_requests WHERE requester_email = '${REPRESENTATIVE.email}'
         AND given_name = '${NEW_PERSON.givenName}' AND family_name = '${NEW_PERSON.familyName}';`,
    );

  const journey = withApp(
    async (app) => {
      // ---- Signed in, on Home ----
      await app.click(await app.waitForText('button', /^Sign in$/, LONG_WAIT));
      await app.waitForText('#main-content h1', /People you act for/, LONG_WAIT);
      await app.waitForText('.govuk-summary-card__title', /^Margaret Okafor$/, LONG_WAIT);
      await app.waitUntil(async () => !/Checking for new documents/.test(await app.text('#main-content')), {
        ...LONG_WAIT,
        message: 'the first sync did not finish',
      });
      assert.equal(await offlineTagShown(app), false, 'online at first');
      assert.deepEqual(await requestsFor(), [], 'no request from Ruth for Thomas Bright yet');

      // ---- The council goes away ----
      await council.pause();
      await app.click(await app.waitForText('button', /^Check for new documents$/));
      await app.waitUntil(() => offlineTagShown(app), { ...LONG_WAIT, message: '"Offline" did not show' });
      assert.match(await app.text('.app-sync-status'), /You can still see everything saved on this computer\./);
      await app.audit('offline-home');
      await app.screenshot('offline-home');

      // ---- Reading documents offline ----
      await app.click(await app.linkByText('See documents for Margaret Okafor'));
      await app.waitForText('.app-acting-for', /Acting for Margaret Okafor/);
      await app.waitForText('[data-testid=count]', /^Showing \d+ of \d+ documents$/, LONG_WAIT);
      await app.click(await app.waitFor('tbody a'));
      await app.waitForText('h2', /^How the total adds up$/, LONG_WAIT);
      assert.match(await app.text('[data-testid=totals-sentence]'), /^£[\d,]+\.\d\d/, 'the advice adds up, offline');
      await app.audit('offline-advice');

      // ---- A statement offline ----
      await app.click(await app.waitForText('a.govuk-back-link', /^Back$/));
      await app.click(await app.linkByText('Make a statement of payments for a tax year or other period'));
      await app.waitForText('#main-content h1', /Statements$/);
      const margaretLabel = await app.executeScript(
        "const l = [...document.querySelectorAll('label.govuk-radios__label')].find((e) => e.textContent.trim() === 'Margaret Okafor'); return l ? l.getAttribute('for') : null;",
      );
      assert.ok(margaretLabel, 'Margaret Okafor can be chosen');
      await app.click(await app.waitFor(`label[for="${margaretLabel}"]`));
      await app.click(await app.waitFor('label[for="period-tax-year"]'));
      await app.click(await app.waitFor('#tax-year option[value="2025"]'));
      await app.click(await app.waitForText('button', /^Preview the statement$/));
      await app.waitForText('#preview-title', /^Statement for Margaret Okafor, tax year 2025 to 2026$/, LONG_WAIT);
      assert.equal((await app.findAll('.govuk-error-summary')).length, 0, 'the statement came with a problem');
      assert.ok((await app.findAll('[data-testid=preview] tbody tr')).length > 0, 'the statement lists payments, offline');
      await app.audit('offline-statement');

      // ---- An access request, kept to send later ----
      await app.click(await app.waitForText('.app-session-bar a', /^Home$/));
      await app.click(await app.waitForText('a', /^Request access for someone$/));
      await app.waitForText('h1', /Request access/);
      await app.click(await app.waitFor('label[for="relationship-nominatedFinancialRepresentative"]'));
      await app.type('#givenName', NEW_PERSON.givenName);
      await app.type('#familyName', NEW_PERSON.familyName);
      await app.type('#birthDay', NEW_PERSON.birth.day);
      await app.type('#birthMonth', NEW_PERSON.birth.month);
      await app.type('#birthYear', NEW_PERSON.birth.year);
      await app.type('#postcode', NEW_PERSON.postcode);
      await app.type('#clientId', NEW_PERSON.clientId);
      await app.type('#evidence', NEW_PERSON.evidence);
      await app.click(await app.waitForText('button', /^Send request$/));
      await app.waitForText('h1', /^Your request is saved$/, LONG_WAIT);
      assert.match(await app.text('#main-content'), /You are offline\. We will send your request when you are back online\./);
      await app.audit('offline-request-saved');
      await app.click(await app.waitForText('a', /^See all your requests$/));
      await app.waitForText('.govuk-summary-card', /Thomas Bright[\s\S]*You were offline\. We will send this request when you are back online\./, LONG_WAIT);
      await app.audit('offline-requests');
      await app.screenshot('offline-requests');

      // ---- The council comes back; Ruth waits on Home, touching nothing ----
      await app.click(await app.waitForText('.app-session-bar a', /^Home$/));
      await app.waitUntil(() => offlineTagShown(app), { ...LONG_WAIT, message: 'Home did not say "Offline"' });
      assert.deepEqual(await requestsFor(), [], 'nothing reached the council while it was away');
      await council.start();
      await app.waitUntil(async () => (await requestsFor()).length > 0, {
        ...BACK_ONLINE_WAIT,
        message: 'the kept request was not sent once the council was back',
      });
      await app.waitUntil(async () => !(await offlineTagShown(app)), {
        ...LONG_WAIT,
        message: '"Offline" did not go once the council was back',
      });
      assert.deepEqual(await requestsFor(), ['pending'], 'the council holds the request exactly once, waiting for review');
      await app.audit('offline-back-online');

      // The list now shows it as sent, waiting for review, and nothing still waiting to go.
      await app.click(await app.waitForText('#main-content a', /^Your requests$/));
      await app.waitForText('.govuk-summary-card', /Thomas Bright[\s\S]*Waiting for review/, LONG_WAIT);
      assert.doesNotMatch(await app.text('#main-content'), /You were offline/, 'no request is still waiting to be sent');
      // A further check sends nothing twice.
      await app.click(await app.waitForText('.app-session-bar a', /^Home$/));
      await app.click(await app.waitForText('button', /^Check for new documents$/));
      await app.waitUntil(async () => !/Checking for new documents/.test(await app.text('.app-sync-status')), {
        ...LONG_WAIT,
        message: 'the check did not finish',
      });
      assert.deepEqual(await requestsFor(), ['pending'], 'still exactly one request at the council');
    },
    { env: { CFP_PROFILE: await councilProfile(council.url), BROWSER: browser.script } },
  );
  try {
    await journey(t);
  } finally {
    t.diagnostic(`browser stand-in:\n${await browser.log()}`);
  }
});
