// The screens the other journeys never visit, in one launch of the real app against the real
// council service (its demo) on loopback: Help (with "My payment has not arrived") and Contact
// before signing in; "Continue in your browser" while the browser has not finished, cancelled
// with the keyboard; then, signed in as the representative Ruth Adeyemi, Statements (a tax-year
// summary for everyone she acts for, then for Margaret Okafor alone, each total checked in
// whole pence against the rows shown); and Unlock, after setting a passphrase in Settings and
// letting the app lock itself (the shortest lock time, 1 minute). Every screen is audited by
// axe-core and photographed.
//
// Needs the app and the council service built into $CARGO_TARGET_DIR/debug.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { App, withApp } from '../harness/app.mjs';
import { browserScriptPath, councilProfile, startDemoCouncil } from '../harness/browser-council.mjs';
import { councilQuery, pounds } from '../harness/council-db.mjs';
import { artifactsFolder } from '../harness/paths.mjs';

const REPRESENTATIVE = { email: 'ruth.adeyemi@example.org', password: 'demo attorney willow harbour' };
/** The people Ruth acts for in the demo (crates/council-finance/src/demo.rs). */
const RUTHS_PEOPLE = ['Dennis Hartley', 'Irene Hartley', 'Margaret Okafor'];
/** From harness/browser-council.mjs councilProfile(). */
const CONTACT = { email: 'finance.team@demo-county.example', phone: '01234 567890', phoneHref: 'tel:01234567890' };
const PASSPHRASE = 'lantern meadow copper violin';

const LONG_WAIT = { timeoutMs: 60_000 };

/**
 * Press Tab until focus is on an element whose description matches.
 * @param {App} app
 * @param {RegExp} pattern  matched against `app.describe`
 */
async function tabTo(app, pattern, maxStops = 30) {
  /** @type {string[]} */
  const seen = [];
  for (let stop = 0; stop < maxStops; stop += 1) {
    await app.pressKey('Tab');
    const description = await app.describe(await app.activeElement());
    if (pattern.test(description)) return;
    seen.push(description);
  }
  throw new Error(`Tab did not reach ${pattern}; it reached:\n${seen.join('\n')}`);
}

/**
 * Audit and photograph the screen as it is now.
 * @param {App} app
 * @param {string} name
 * @param {{ scrollTo?: string }} [options]  a selector to scroll into view first
 */
async function check(app, name, { scrollTo = '' } = {}) {
  // The part of the screen the picture is about, at the top of the window.
  if (scrollTo) await app.executeScript('document.querySelector(arguments[0]).scrollIntoView();', scrollTo);
  await app.audit(`every-screen-${name}`);
  await app.screenshot(`every-screen-${name}`);
}

/**
 * Narrow the window to `width` CSS pixels (512 is this 1024-pixel window at 200% zoom; 360 is the
 * app's narrowest window, near WCAG's 320-pixel reflow at 400%) and check that the page reflows:
 * nothing makes the whole page scroll sideways. Tables may scroll inside their own region.
 * @param {import('../harness/app.mjs').App} app
 * @param {number} width
 * @param {string} name
 */
async function checkReflow(app, width, name) {
  await app.session.command('POST', '/window/rect', { width, height: 700 });
  await app.waitUntil(async () => (await app.executeScript('return window.innerWidth;')) === width, {
    message: `the window did not narrow to ${width} pixels`,
  });
  const [pageWidth, viewport] = /** @type {[number, number]} */ (
    await app.executeScript('return [document.documentElement.scrollWidth, document.documentElement.clientWidth];')
  );
  assert.ok(pageWidth <= viewport, `at ${width} pixels the page is ${pageWidth} wide: it scrolls sideways`);
  await check(app, name);
}

/**
 * An amount as the app shows it ("£1,234.56", "minus £12.00") in whole pence, exactly.
 * @param {string} shown
 */
function pence(shown) {
  const match = /^(minus )?£(\d{1,3}(?:,\d{3})*)\.(\d\d)$/.exec(shown.trim());
  assert.ok(match, `"${shown}" is not an amount of money as the app shows it`);
  const value = BigInt(match[2].replace(/,/g, '')) * 100n + BigInt(match[3]);
  return match[1] ? -value : value;
}

/**
 * The statement preview as shown: title, the table's headers and rows, and "Money received".
 * @param {App} app
 * @returns {Promise<{ title: string, headers: string[], rows: string[][], received: string, count: string }>}
 */
function readPreview(app) {
  return app.executeScript(`
    const preview = document.querySelector('[data-testid=preview]');
    const text = (e) => (e ? e.textContent.replace(/\\s+/g, ' ').trim() : '');
    return {
      title: text(preview.querySelector('#preview-title')),
      headers: [...preview.querySelectorAll('thead th')].map(text),
      rows: [...preview.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map(text)),
      received: text(preview.querySelector('[data-testid=net-received]')),
      count: text(preview.querySelector('#payments-caption')),
    };`);
}

/**
 * Preview a statement for the 2025 to 2026 tax year for whoever's radio `whoLabel` is.
 * @param {App} app
 * @param {string} whoLabel  the `for` of the radio's label
 */
async function previewTaxYear2025(app, whoLabel) {
  await app.click(await app.waitFor(`label[for="${whoLabel}"]`));
  await app.click(await app.waitFor('label[for="period-tax-year"]'));
  await app.click(await app.waitFor('#tax-year option[value="2025"]'));
  assert.equal(await app.executeScript("return document.getElementById('tax-year').value;"), '2025');
  const before = await app.executeScript(
    "const t = document.querySelector('#preview-title'); return t ? t.textContent.trim() : '';",
  );
  await app.click(await app.waitForText('button', /^Preview the statement$/));
  await app.waitUntil(
    async () => {
      const [title] = await app.findAll('#preview-title');
      return Boolean(title) && (await app.text(title)).trim() !== before;
    },
    { ...LONG_WAIT, message: 'the statement preview did not appear (or did not change)' },
  );
  assert.equal((await app.findAll('.govuk-error-summary')).length, 0, 'the preview came with a problem');
  return readPreview(app);
}

/**
 * On a person's documents list, show only one kind, check how many there are, and open the first.
 * @param {App} app
 * @param {string} kind  a DocumentKind, as the filter's option value
 * @param {number} expected  how many of that kind the demo council publishes for this person
 */
async function openOnlyDocumentOfKind(app, kind, expected) {
  await app.waitForText('[data-testid=count]', /^Showing \d+ of \d+ documents$/, LONG_WAIT);
  await app.click(await app.waitFor(`#kind option[value="${kind}"]`));
  await app.click(await app.waitForText('button', /^Show documents$/));
  await app.waitForText('[data-testid=count]', new RegExp(`^Showing ${expected} of \\d+ documents$`), LONG_WAIT);
  const links = await app.findAll('#main-content table tbody a');
  assert.equal(links.length, expected, `${expected} documents of kind ${kind} are listed`);
  await app.click(/** @type {any} */ (links[0]));
}

/**
 * The "Amount paid" of every row, in pence; and that "Money received" is their sum.
 * @param {{ headers: string[], rows: string[][], received: string, count: string }} preview
 */
function assertTotalAddsUp(preview) {
  const amountAt = preview.headers.indexOf('Amount paid');
  assert.ok(amountAt >= 0, `the table has an "Amount paid" column: ${preview.headers.join(' | ')}`);
  assert.ok(preview.rows.length > 0, 'the statement has payments');
  assert.equal(preview.count, `${preview.rows.length} payment${preview.rows.length === 1 ? '' : 's'}`);
  const sum = preview.rows.map((row) => pence(row[amountAt] ?? '')).reduce((a, b) => a + b, 0n);
  assert.equal(pence(preview.received), sum, `"Money received" ${preview.received} is the sum of the rows' amounts`);
}

test('Help, Contact, Continue in your browser, Statements and Unlock: every screen the other journeys skip', async (t) => {
  const council = await startDemoCouncil({ name: 'every-screen' });
  t.after(() => council.stop());
  const profile = await councilProfile(council.url);
  const work = await mkdtemp(join(tmpdir(), 'cfp-e2e-every-screen-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  // The app runs $BROWSER for each sign-in. While `hold` exists this stand-in only notes that it
  // was opened and leaves the sign-in unfinished, as a person who has not yet gone to their
  // browser would; without it, it signs in as Ruth (harness/browser-signin.mjs).
  const hold = join(work, 'hold');
  const opened = join(work, 'opened');
  const browser = join(work, 'browser.sh');
  await writeFile(
    browser,
    `#!/bin/sh\nif [ -e "${hold}" ]; then echo opened >>"${opened}"; exit 0; fi\n` +
      `exec "${process.execPath}" "${browserScriptPath}" "$@"\n`,
    { mode: 0o755 },
  );
  await writeFile(hold, '');
  const browserLog = join(await artifactsFolder('logs'), 'every-screen.browser.log');

  const journey = withApp(
    async (app) => {
      // ---- Welcome, Help, Contact (signed out) ----
      await app.waitForText('#main-content h1', /See your care and support payments/, LONG_WAIT);
      await app.click(await app.linkByText('Help with this app, and what to do if a payment has not arrived'));
      await app.waitForText('#main-content h1', /^Help$/);
      const help = await app.text('#main-content');
      assert.match(help, /The finance team can help with payments and letters\./, "the council's help text");
      assert.match(help, /My payment has not arrived/);
      assert.match(help, /There are 3 common reasons\./);
      /** @type {string[]} */
      const reasons = await app.executeScript(
        "const h = [...document.querySelectorAll('#main-content h2')].find((e) => e.textContent.trim() === 'My payment has not arrived');" +
          "let list = h; while (list && list.tagName !== 'OL') list = list.nextElementSibling;" +
          "return list ? [...list.children].map((li) => li.textContent.replace(/\\s+/g, ' ').trim()) : [];",
      );
      assert.equal(reasons.length, 3, `three reasons a payment may not have arrived: ${JSON.stringify(reasons)}`);
      assert.match(reasons[0] ?? '', /social work team has not agreed the payment/);
      assert.match(reasons[1] ?? '', /paid on the next payment date/);
      assert.match(reasons[2] ?? '', /paid you too much before/);
      await check(app, 'help');

      await app.click(await app.linkByText('contact the finance team at Demo County Council'));
      await app.waitForText('#main-content h1', /Contact the council/);
      const email = await app.waitForText('#main-content a', new RegExp(`^${CONTACT.email.replace(/\./g, '\\.')}$`));
      assert.equal(await app.attribute(email, 'href'), `mailto:${CONTACT.email}`);
      const phone = await app.waitForText('#main-content a', new RegExp(`^${CONTACT.phone}$`));
      assert.equal(await app.attribute(phone, 'href'), CONTACT.phoneHref);
      assert.match(await app.text('#main-content'), /The council will never ask for your password\./);
      await check(app, 'contact');

      await app.click(await app.waitForText('a.govuk-back-link', /^Back$/));
      await app.waitForText('#main-content h1', /^Help$/);
      await app.click(await app.waitForText('a.govuk-back-link', /^Back$/));
      await app.waitForText('#main-content h1', /See your care and support payments/);
      // The Welcome screen's own link to Contact.
      await app.click(await app.linkByText('Contact Demo County Council'));
      await app.waitForText('#main-content h1', /Contact the council/);
      await app.click(await app.waitForText('a.govuk-back-link', /^Back$/));
      await app.waitForText('#main-content h1', /See your care and support payments/);

      // ---- Continue in your browser: the browser opened, the person has not finished there ----
      await app.click(await app.waitForText('button', /^Sign in$/));
      const waiting = await app.waitForText('#main-content h1', /Continue in your browser$/);
      await app.waitUntil(async () => (await readFile(opened, 'utf8').catch(() => '')) === 'opened\n', {
        message: 'the app did not open the browser (once)',
      });
      const signingIn = await app.text('#main-content');
      assert.match(signingIn, /We have opened the Demo County Council sign-in page in your web browser\./);
      assert.match(signingIn, /This page will change by itself when you have finished\./);
      await app.waitForText('#main-content button', /^Cancel$/);
      await app.waitForText('#main-content summary', /If nothing opened/);
      assert.equal((await app.findAll('a.govuk-back-link')).length, 0, 'no Back link while signing in');
      await app.waitUntil(async () => App.same(await app.activeElement(), waiting), {
        message: 'focus did not move to the heading "Continue in your browser"',
      });
      await check(app, 'signing-in');
      // Cancel with the keyboard alone.
      await tabTo(app, /^button\.govuk-button.* "Cancel"$/);
      await app.pressKey('Enter');
      await app.waitForText('#main-content h1', /See your care and support payments/);
      assert.equal((await app.findAll('.govuk-error-summary')).length, 0, 'cancelling is not a problem');
      await app.waitForText('button', /^Sign in$/);
      assert.equal(await readFile(opened, 'utf8'), 'opened\n', 'cancelling opened nothing more');

      // ---- Sign in for real, as Ruth ----
      await rm(hold);
      await app.click(await app.waitForText('button', /^Sign in$/));
      await app.waitUntil(
        async () =>
          (await app.findAll('.govuk-error-summary')).length > 0 ||
          /People you act for/.test(await app.text('#main-content h1').catch(() => '')),
        { ...LONG_WAIT, message: 'neither the home page nor a problem appeared after signing in' },
      );
      const problems = await app.findAll('.govuk-error-summary');
      assert.equal(problems.length, 0, `signing in failed: ${problems[0] ? await app.text(problems[0]) : ''}`);
      for (const name of RUTHS_PEOPLE) {
        await app.waitForText('.govuk-summary-card__title', new RegExp(`^${name}$`), LONG_WAIT);
      }
      await app.waitUntil(async () => !/Checking for new documents/.test(await app.text('#main-content')), {
        ...LONG_WAIT,
        message: 'the first sync did not finish',
      });

      // ---- Statements, from Margaret's documents ----
      await app.click(await app.linkByText('See documents for Margaret Okafor'));
      await app.waitForText('.app-acting-for', /Acting for Margaret Okafor/);
      await app.click(await app.linkByText('Make a statement of payments for a tax year or other period'));
      await app.waitForText('#main-content h1', /Statements$/);
      await app.waitFor('label[for="who-everyone"]');
      await check(app, 'statements');

      const everyone = await previewTaxYear2025(app, 'who-everyone');
      assert.equal(everyone.title, 'Summary of Direct Payments for 3 people, tax year 2025 to 2026');
      const personAt = everyone.headers.indexOf('Person');
      assert.ok(personAt >= 0, `the summary's table has a Person column: ${everyone.headers.join(' | ')}`);
      assert.deepEqual(
        [...new Set(everyone.rows.map((row) => row[personAt]))].sort(),
        RUTHS_PEOPLE,
        'the Person column names each of the three people, and only them',
      );
      assertTotalAddsUp(everyone);
      await check(app, 'statement-everyone', { scrollTo: '#preview-title' });

      const margaretLabel = await app.executeScript(
        "const l = [...document.querySelectorAll('label.govuk-radios__label')].find((e) => e.textContent.trim() === 'Margaret Okafor'); return l ? l.getAttribute('for') : null;",
      );
      assert.ok(margaretLabel, 'Margaret Okafor can be chosen on her own');
      const margaret = await previewTaxYear2025(app, String(margaretLabel));
      assert.equal(margaret.title, 'Statement for Margaret Okafor, tax year 2025 to 2026');
      assert.ok(!margaret.headers.includes('Person'), "one person's statement needs no Person column");
      assertTotalAddsUp(margaret);
      assert.ok(margaret.rows.length < everyone.rows.length, "Margaret's statement has fewer payments than everyone's");
      await check(app, 'statement-margaret', { scrollTo: '#preview-title' });

      // ---- Margaret's financial assessment, and Irene's Deferred Payment statement ----
      await app.click(await app.waitForText('.app-session-bar a', /^Home$/));
      await app.click(await app.linkByText('See documents for Margaret Okafor'));
      await openOnlyDocumentOfKind(app, 'financialAssessmentResult', 2);
      await app.waitForText('#main-content h1', /Weekly contribution from \d{1,2} \w+ \d{4}$/, LONG_WAIT);
      /** @type {{ steps: string[], total: string, shown: string }} */
      const working = await app.executeScript(`
        const text = (e) => (e ? e.textContent.replace(/\\s+/g, ' ').trim() : '');
        const table = document.querySelector('[data-testid=working]');
        return {
          steps: [...table.querySelectorAll('tbody td')].map(text),
          total: text(table.querySelector('[data-testid=working-total]')),
          shown: text(document.querySelector('.app-paid-total__amount')),
        };`);
      assert.ok(working.steps.length >= 2, `the working has its steps: ${JSON.stringify(working.steps)}`);
      const stepsSum = working.steps.map(pence).reduce((a, b) => a + b, 0n);
      assert.equal(pence(working.total), stepsSum, 'the weekly contribution is the sum of the steps');
      assert.equal(`${working.total} a week`, working.shown, 'the amount at the top is the working\'s total');
      assert.match(await app.text('#main-content'), /What each step means/);
      await app.waitForText('#main-content button', /^Print this assessment$/);
      await app.waitForText('#main-content button', /^Save as PDF$/);
      await check(app, 'assessment');

      await app.click(await app.waitForText('.app-acting-for summary', /Switch person/));
      await app.click(await app.waitForText('.app-acting-for a', /^Irene Hartley$/));
      await app.waitForText('.app-acting-for', /Acting for Irene Hartley/);
      await openOnlyDocumentOfKind(app, 'deferredPaymentStatement', 2);
      await app.waitForText('#main-content h1', /Statement for \d/, LONG_WAIT);
      /** @type {{ rows: string[][], sentence: string }} */
      const balance = await app.executeScript(`
        const text = (e) => (e ? e.textContent.replace(/\\s+/g, ' ').trim() : '');
        const table = document.querySelector('[data-testid=balance]');
        return {
          rows: [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map(text)),
          sentence: text(document.querySelector('[data-testid=balance-sentence]')),
        };`);
      // Read top to bottom: the opening balance, plus and minus each figure, equals the closing.
      const [first, ...rest] = balance.rows;
      const last = rest.pop();
      assert.ok(first && last && rest.length >= 3, `the balance table has its rows: ${JSON.stringify(balance.rows)}`);
      let running = pence(first[1] ?? '');
      for (const [what, amount] of rest) {
        const sign = /^plus /.test(what ?? '') ? 1n : /^minus /.test(what ?? '') ? -1n : 0n;
        assert.notEqual(sign, 0n, `"${what}" says whether it adds or takes off`);
        running += sign * pence(amount ?? '');
      }
      assert.match(last[0] ?? '', /^equals Closing balance$/);
      assert.equal(running, pence(last[1] ?? ''), 'the closing balance follows from the figures above it');
      const limit = pence(await app.text('[data-testid=equity-limit]'));
      const headroom = pence(await app.text('[data-testid=headroom]'));
      assert.equal(headroom, limit - running, 'headroom is the equity limit less what is owed');
      // And the figures are the council's own: the statement it holds with this opening balance.
      const held = await councilQuery(
        council.databasePath,
        `SELECT closing_balance_pence AS closing, equity_limit_pence AS equityLimit, headroom_pence AS headroom
           FROM finance_deferred_statements WHERE client_name = 'Irene Hartley' AND opening_balance_pence = ${pence(first[1] ?? '')}`,
      );
      assert.equal(held.length, 1, 'the council holds one statement of Irene with this opening balance');
      const [councilHeld] = held.map((row) => ({
        closing: BigInt(/** @type {number} */ (row.closing)),
        equityLimit: BigInt(/** @type {number} */ (row.equityLimit)),
        headroom: BigInt(/** @type {number} */ (row.headroom)),
      }));
      assert.deepEqual({ closing: running, equityLimit: limit, headroom }, councilHeld, 'the figures the council holds');
      assert.ok(balance.sentence.endsWith(` is ${pounds(councilHeld?.closing ?? 0n)}.`), `the sum in words ends with the closing balance: ${balance.sentence}`);
      await app.waitFor('[data-testid=rates]');
      await app.waitForText('#main-content button', /^Print this statement$/);
      await check(app, 'deferred-payment-statement');
      await checkReflow(app, 360, 'deferred-payment-statement-at-360-pixels');
      await app.session.command('POST', '/window/rect', { width: 1024, height: 768 });

      // ---- Settings: a passphrase, and the shortest lock time ----
      await app.click(await app.waitForText('.app-session-bar a', /^Settings$/));
      await app.waitForText('#main-content h1', /Settings/);
      await app.type(await app.waitFor('#passphrase'), PASSPHRASE);
      await app.type('#confirm', PASSPHRASE);
      await app.click(await app.waitForText('button', /^Save passphrase$/));
      await app.waitForText('.govuk-notification-banner', /Your passphrase is set\./, LONG_WAIT);
      await app.waitForText('#main-content', /You have a passphrase\./);
      await app.click(await app.waitFor('#lockAfter option[value="1"]'));
      await app.click(await app.waitForText('button', /^Save when the app locks$/));
      await app.waitForText('.govuk-notification-banner', /The app will now lock after 1 minute without use\./);
      await check(app, 'settings');
      // From here on nothing touches the window, so the app locks itself after a minute.

      // ---- The warning, then Unlock ----
      await app.waitForText('[role=alertdialog] h2', /^The app will lock soon$/, { timeoutMs: 75_000 });
      await app.audit('every-screen-lock-warning');
      await app.waitForText('#main-content h1', /Unlock the app$/, { timeoutMs: 45_000 });
      assert.match(await app.text('#main-content'), /The app locked because it was not used for 1 minute\./);
      assert.equal((await app.findAll('.app-session-bar nav')).length, 0, 'no Home or Settings while locked');
      assert.equal((await app.findAll('a.govuk-back-link')).length, 0, 'no Back link while locked');
      await app.waitFor('#passphrase');
      await check(app, 'unlock');

      await app.type('#passphrase', 'not the passphrase at all');
      await app.click(await app.waitForText('button', /^Unlock$/));
      // The summary says what is wrong in plain words (today as the summary's message; if the
      // field is marked, as the summary's link to it).
      const wrong = await app.text(await app.waitForText('.govuk-error-summary', /passphrase/i, LONG_WAIT));
      assert.match(wrong, /^There is a problem\s+[\s\S]*That passphrase is not right\./, `a plain error: "${wrong}"`);
      assert.doesNotMatch(wrong, /storeLocked|invalidInput|argon|sqlcipher|decrypt|error code/i, 'no jargon');
      assert.match(await app.text('#main-content h1'), /Unlock the app$/, 'still locked');
      await check(app, 'unlock-wrong-passphrase');

      await app.type('#passphrase', PASSPHRASE);
      await app.click(await app.waitForText('button', /^Unlock$/));
      await app.waitForText('#main-content h1', /People you act for/, LONG_WAIT);
      for (const name of RUTHS_PEOPLE) {
        await app.waitForText('.govuk-summary-card__title', new RegExp(`^${name}$`), LONG_WAIT);
      }
      await check(app, 'home-after-unlock');

      // ---- 200% zoom and reflow: the same Home at 512 and 360 pixels wide ----
      await checkReflow(app, 512, 'home-at-200-percent');
      await checkReflow(app, 360, 'home-at-360-pixels');
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
