// Save as... and Print, for real: the representative Ruth Adeyemi signs in to the demo council
// and opens six of Margaret Okafor's advices (a one-off payment, a rise, the backdated 'Adj', an
// 'MA', a recovery starting and continuing), checking each one's totals sentence and "What
// changed" against the council's own records (computed here in whole pence). She saves the 'Adj'
// advice as PDF and as CSV through the native GTK Save dialog (typed into with xdotool on the
// private display: harness/save-dialog.mjs), changes her mind once (Escape), then previews
// Margaret's statement for the 2025 to 2026 tax year, saves it as PDF and CSV the same way and
// prints it through a private CUPS with a PDF printer (harness/cups.mjs), and last saves Irene
// Hartley's Deferred Payment statement. Every file is checked on disk: whole (qpdf, pdftotext, a
// CSV parser read by column), its figures the council's, for the user alone (mode 0600), and
// named without anything that identifies the person.
//
// Needs the app and the council service built into $CARGO_TARGET_DIR/debug, xdotool, qpdf,
// poppler-utils, sqlite3, and root for cupsd (CI runs as root).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { withApp } from '../harness/app.mjs';
import { councilProfile, startDemoCouncil } from '../harness/browser-council.mjs';
import { checkAdviceAgainstCouncil } from '../harness/advice-sums.mjs';
import { councilQuery, pounds, sqlText } from '../harness/council-db.mjs';
import { startPrivateCups } from '../harness/cups.mjs';
import { cancelDialog, saveInDialog } from '../harness/save-dialog.mjs';
import { permissions, soundPdfPages, soundPdfText, wholeCsv } from '../harness/saved-files.mjs';
import { DEMO_ACCOUNTS, LONG_WAIT, signInEnv, signInThroughApp } from '../harness/sign-in.mjs';

const MARGARET = { name: 'Margaret Okafor', given: 'Margaret', family: 'Okafor', clientId: '100234567' };
/** The demo's advice with the backdated rise in contribution ('Adj'), and its reference. */
const ADJ_ADVICE = `RA-${MARGARET.clientId}-014`;

/**
 * A CSV's rows under its header as objects of the named columns (fails if one is missing).
 * @param {string[][]} rows
 * @param {string[]} names
 */
function csvColumns(rows, names) {
  // A byte order mark starts the file, for spreadsheets: it is not part of the first name.
  const header = (rows[0] ?? []).map((name) => name.replace(/^\uFEFF/, ''));
  const at = names.map((name) => {
    const index = header.indexOf(name);
    assert.ok(index >= 0, `the CSV has a "${name}" column: ${header.join(' | ')}`);
    return index;
  });
  return rows.slice(1).map((row) => Object.fromEntries(names.map((name, i) => [name, row[at[i] ?? -1]])));
}

/**
 * A CSV amount ("1250.00", "-194.40") in whole pence, exactly.
 * @param {string} text
 */
function csvPence(text) {
  const match = /^(-)?(\d+)\.(\d\d)$/.exec(text);
  assert.ok(match, `"${text}" is an amount as the CSV writes it`);
  const value = BigInt(match[2] ?? '0') * 100n + BigInt(match[3] ?? '0');
  return match[1] ? -value : value;
}

/**
 * The words a file name must never hold: Margaret's names and client ID, and Ruth's.
 * @param {string} name
 */
function assertNameIsPlain(name) {
  for (const personal of [MARGARET.given, MARGARET.family, MARGARET.clientId, 'Irene', 'Hartley', '100318859', 'Adeyemi', 'Ruth']) {
    assert.ok(!name.toLowerCase().includes(personal.toLowerCase()), `the file name ${name} holds "${personal}"`);
  }
  assert.match(name, /^[a-z]+(-[A-Za-z0-9_]+)*\.(pdf|csv)$/, `a plain file name: ${name}`);
}

/**
 * Press a Save button, answer the real Save dialog, and return the saved file's path after the
 * app said it saved it.
 * @param {import('../harness/app.mjs').App} app
 * @param {RegExp} button
 * @param {string} folder
 */
async function saveThroughDialog(app, button, folder) {
  const before = new Set(await readdir(folder));
  await app.click(await app.waitForText('button', button));
  await saveInDialog(app.display, folder);
  const banner = await app.waitForText('.govuk-notification-banner', /Saved as /, LONG_WAIT);
  const shown = /Saved as (\S+)/.exec(await app.text(banner))?.[1] ?? '';
  const added = (await readdir(folder)).filter((name) => !before.has(name));
  assert.deepEqual(added, [shown], `the one new file in the folder is the one the app names (${shown})`);
  const path = join(folder, shown);
  assert.equal(await permissions(path), 0o600, `${shown} can be read and written by the user alone`);
  assert.equal((await stat(path)).uid, process.getuid?.(), `${shown} belongs to the user`);
  assertNameIsPlain(shown);
  return { name: shown, path };
}

/**
 * The PDF that CUPS-PDF wrote for a job sent after `since`, once it reads as a whole PDF.
 * @param {import('../harness/app.mjs').App} app
 * @param {string} folder
 * @param {number} since
 */
async function printedPdf(app, folder, since) {
  /** @type {{ name: string, pages: number } | null} */
  let found = null;
  await app.waitUntil(
    async () => {
      for (const name of await readdir(folder).catch(() => [])) {
        const path = join(folder, name);
        if (!name.endsWith('.pdf') || (await stat(path)).mtimeMs < since) continue;
        // CUPS-PDF writes the file in place: until it is whole, qpdf refuses it.
        const pages = await soundPdfPages(path).catch(() => 0);
        if (pages > 0) {
          found = { name, pages };
          await rm(path, { force: true });
          return true;
        }
      }
      return false;
    },
    { ...LONG_WAIT, message: `no printed PDF appeared in ${folder}` },
  );
  return /** @type {{ name: string, pages: number }} */ (/** @type {unknown} */ (found));
}

test('documents and statements are saved through the real Save dialog and printed through CUPS', async (t) => {
  const council = await startDemoCouncil({ name: 'save-and-print' });
  t.after(() => council.stop());
  const cups = await startPrivateCups({ name: 'save-and-print' });
  t.after(() => cups.stop());
  const profile = await councilProfile(council.url);
  const signIn = await signInEnv('save-and-print', DEMO_ACCOUNTS.ruth);
  t.after(() => signIn.cleanup());
  // Where the person chooses to save: a folder of their own.
  const saved = await mkdtemp(join(tmpdir(), 'cfp-e2e-saved-'));
  t.after(() => rm(saved, { recursive: true, force: true }));

  const journey = withApp(
    async (app) => {
      await signInThroughApp(app, /People you act for/);
      await app.click(await app.linkByText(`See documents for ${MARGARET.name}`));
      await app.waitForText('[data-testid=count]', /^Showing \d+ of \d+ documents$/, LONG_WAIT);

      // ---- Advices with each kind of change: their sums, against the council's records ----
      for (const number of ['007', '008', '017', '021', '022']) {
        await checkAdviceAgainstCouncil(app, council.databasePath, `RA-${MARGARET.clientId}-${number}`);
        await app.click(await app.waitForText('a.govuk-back-link', /^Back$/));
        await app.waitForText('[data-testid=count]', /^Showing \d+ of \d+ documents$/, LONG_WAIT);
      }
      // The one with the backdated rise ('Adj'), kept open to save.
      const { advice, changes } = await checkAdviceAgainstCouncil(app, council.databasePath, ADJ_ADVICE);
      assert.ok(changes.length >= 3, `this advice changes the amount, the rate and has an Adj line: ${changes.join(' | ')}`);

      // ---- Save the advice as PDF, through the dialog ----
      const pdf = await saveThroughDialog(app, /^Save as PDF$/, saved);
      // The reference holds her client ID, so the name carries the payment date instead.
      assert.equal(pdf.name, `remittance-${advice.paymentDate}.pdf`);
      const pdfText = await soundPdfText(pdf.path);
      assert.match(pdfText, new RegExp(ADJ_ADVICE), 'the PDF is the advice with this reference');
      assert.ok(pdfText.includes(pounds(advice.net).replace('-', '')), `the PDF shows the amount paid, ${pounds(advice.net)}`);
      await app.audit('save-and-print-advice-saved');

      // ---- And as CSV ----
      const csv = await saveThroughDialog(app, /^Save as CSV$/, saved);
      assert.equal(csv.name, `remittance-${advice.paymentDate}.csv`);
      const rows = await wholeCsv(csv.path);
      assert.ok(rows.flat().includes(ADJ_ADVICE), 'the CSV names the advice by its reference');
      // One row per line of the advice, in order, each with the council's amount; every row
      // carries the amount paid.
      const lines = csvColumns(rows, ['Reference', 'Amount', 'Net amount paid']);
      assert.deepEqual(
        lines.map((row) => [row.Reference, csvPence(row.Amount ?? ''), csvPence(row['Net amount paid'] ?? '')]),
        advice.lines.map((line) => [ADJ_ADVICE, line.amount, advice.net]),
        "the CSV's lines are the council's lines",
      );

      // ---- Changing her mind: Escape closes the dialog and nothing is written ----
      const before = await readdir(saved);
      await app.click(await app.waitForText('button', /^Save as PDF$/));
      await cancelDialog(app.display);
      await app.waitForText('[role=status]', /You closed the Save window, so nothing was saved\./, LONG_WAIT);
      assert.deepEqual(await readdir(saved), before, 'closing the dialog saved nothing');

      // ---- The statement for the 2025 to 2026 tax year ----
      await app.click(await app.waitForText('a.govuk-back-link', /^Back$/));
      await app.click(await app.linkByText('Make a statement of payments for a tax year or other period'));
      await app.waitForText('#main-content h1', /Statements$/);
      // A form with problems first: dates chosen but not given. Audited as an error state.
      await app.click(await app.waitFor('label[for="period-range"]'));
      await app.click(await app.waitForText('button', /^Preview the statement$/));
      const problems = await app.text(await app.waitFor('.govuk-error-summary'));
      assert.match(problems, /Enter the start date in full|Enter the end date in full/, `plain problems: ${problems}`);
      await app.audit('save-and-print-statement-errors');
      const margaretLabel = await app.executeScript(
        "const l = [...document.querySelectorAll('label.govuk-radios__label')].find((e) => e.textContent.trim() === arguments[0]); return l ? l.getAttribute('for') : null;",
        MARGARET.name,
      );
      assert.ok(margaretLabel, `${MARGARET.name} can be chosen on her own`);
      await app.click(await app.waitFor(`label[for="${margaretLabel}"]`));
      await app.click(await app.waitFor('label[for="period-tax-year"]'));
      await app.click(await app.waitFor('#tax-year option[value="2025"]'));
      await app.click(await app.waitForText('button', /^Preview the statement$/));
      await app.waitFor('[data-testid=net-received]', LONG_WAIT);
      // What Margaret received in that tax year, as the council holds it (payments dated 6 April
      // 2025 to 5 April 2026).
      const [year] = await councilQuery(
        council.databasePath,
        `SELECT SUM(r.net_pence) AS net, COUNT(*) AS count
           FROM finance_documents d JOIN finance_remittances r ON r.document_id = d.document_id
           JOIN finance_people p ON p.person_id = d.person_id
          WHERE p.client_id = ${sqlText(MARGARET.clientId)} AND NOT d.withdrawn
            AND r.payment_date BETWEEN '2025-04-06' AND '2026-04-05'`,
      );
      const yearNet = BigInt(/** @type {number} */ (year?.net));
      assert.equal(await app.text('[data-testid=net-received]'), pounds(yearNet), 'the preview totals what the council paid');

      const statementPdf = await saveThroughDialog(app, /^Save as PDF$/, saved);
      assert.equal(statementPdf.name, 'statement-2025-26.pdf');
      const statementText = await soundPdfText(statementPdf.path);
      assert.ok(statementText.includes(pounds(yearNet)), `the saved statement shows the year's total ${pounds(yearNet)}`);
      const statementCsv = await saveThroughDialog(app, /^Save as CSV$/, saved);
      assert.equal(statementCsv.name, 'statement-2025-26.csv');
      const statementRows = await wholeCsv(statementCsv.path);
      // Every line of every payment in the year: the amounts add up to what she received, and
      // each payment appears once with its amount paid.
      const yearLines = csvColumns(statementRows, ['Reference', 'Amount', 'Net amount paid']);
      assert.equal(
        yearLines.reduce((total, row) => total + csvPence(row.Amount ?? ''), 0n),
        yearNet,
        "the CSV's lines add up to the year's total",
      );
      const payments = new Map(yearLines.map((row) => [row.Reference, csvPence(row['Net amount paid'] ?? '')]));
      assert.equal(payments.size, Number(year?.count), `the ${year?.count} payments of the year`);
      assert.equal([...payments.values()].reduce((a, b) => a + b, 0n), yearNet, 'whose amounts paid add up to the total');
      await app.audit('save-and-print-statement-saved');

      // ---- Print it: a job reaches the PDF printer ----
      const printedAt = Date.now();
      await app.click(await app.waitForText('button', /^Print this statement$/));
      await app.waitForText('[role=status]', /Your computer is printing the statement\./, LONG_WAIT);
      const printed = await printedPdf(app, cups.outputFolder, printedAt - 1_000);
      // Its text cannot be read back (soundPdfPages says why); it is the statement's PDF, page for page.
      assert.equal(printed.pages, await soundPdfPages(statementPdf.path), 'the printer received the whole statement');
      assert.doesNotMatch(printed.name, /okafor|margaret|100234567|adeyemi/i, 'the job title names no one');
      await app.waitUntil(async () => (await cups.spooled()).length === 0, {
        message: 'CUPS keeps no copy of the job in its spool',
      });
      await app.audit('save-and-print-statement-printed');
      await app.screenshot('save-and-print-statement-printed');

      // ---- Another kind of document: Irene Hartley's Deferred Payment statement ----
      await app.click(await app.waitForText('.app-session-bar a', /^Home$/));
      await app.click(await app.linkByText('See documents for Irene Hartley'));
      await app.waitForText('[data-testid=count]', /^Showing \d+ of \d+ documents$/, LONG_WAIT);
      await app.click(await app.waitFor('#kind option[value="deferredPaymentStatement"]'));
      await app.click(await app.waitForText('button', /^Show documents$/));
      await app.waitForText('[data-testid=count]', /^Showing 2 of \d+ documents$/, LONG_WAIT);
      await app.click(await app.waitFor('#main-content table tbody a'));
      await app.waitForText('#main-content h1', /Statement for \d/, LONG_WAIT);
      const deferred = await saveThroughDialog(app, /^Save as PDF$/, saved);
      // Its reference holds Irene's client ID, so the name carries the statement's date instead.
      const issued = /^deferred-payment-(\d{4}-\d\d-\d\d)\.pdf$/.exec(deferred.name)?.[1];
      assert.ok(issued, `a Deferred Payment statement named by its date: ${deferred.name}`);
      assertNameIsPlain(deferred.name);
      const [held] = await councilQuery(
        council.databasePath,
        `SELECT closing_balance_pence AS closing, headroom_pence AS headroom FROM finance_deferred_statements
          WHERE client_name = 'Irene Hartley' AND (issued_on = ${sqlText(issued)} OR period_to = ${sqlText(issued)})`,
      );
      assert.ok(held, `the council holds Irene's statement of ${issued}`);
      const deferredText = await soundPdfText(deferred.path);
      for (const figure of [held.closing, held.headroom]) {
        const shown = pounds(BigInt(/** @type {number} */ (figure)));
        assert.ok(deferredText.includes(shown), `the saved statement shows the council's ${shown}`);
      }
    },
    { env: { CFP_PROFILE: profile, ...signIn.env, ...cups.env } },
  );
  await journey(t);
});
