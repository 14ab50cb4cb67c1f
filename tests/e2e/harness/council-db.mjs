// Reading the demo council's own database (SQLite, through the sqlite3 command), so a journey can
// check what the app shows against what the council holds: figures computed by the test itself
// in whole pence (BigInt, exact), and the state of access requests and accounts after the app
// acted. Read-only: the service keeps running while the test looks.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Rows of a query, as objects. Values are quoted by the caller with `sqlText`.
 * @param {string} databasePath
 * @param {string} sql
 * @returns {Promise<Array<Record<string, string | number | null>>>}
 */
export async function councilQuery(databasePath, sql) {
  const { stdout } = await run('sqlite3', ['-readonly', '-json', databasePath, sql], { timeout: 10_000 });
  return stdout.trim() === '' ? [] : JSON.parse(stdout);
}

/**
 * A string as an SQL literal.
 * @param {string} text
 */
export function sqlText(text) {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * @typedef {object} CouncilLine
 * @property {string} kind  e.g. Budget, Contribution, Adj (the council's stored kind)
 * @property {bigint} amount  in pence, signed as paid
 * @property {bigint | null} weeklyRate  in pence
 * @property {string | null} note  the finance team's note
 */

/**
 * @typedef {object} CouncilAdvice
 * @property {string} reference
 * @property {string} personId
 * @property {string} paymentDate  ISO
 * @property {bigint} net  in pence
 * @property {CouncilLine[]} lines
 */

/**
 * One remittance advice as the council holds it, by its reference.
 * @param {string} databasePath
 * @param {string} reference
 * @returns {Promise<CouncilAdvice>}
 */
export async function councilAdvice(databasePath, reference) {
  const [advice] = await councilQuery(
    databasePath,
    `SELECT d.document_id AS id, d.person_id AS personId, r.payment_date AS paymentDate, r.net_pence AS net
       FROM finance_documents d JOIN finance_remittances r ON r.document_id = d.document_id
      WHERE d.reference = ${sqlText(reference)} AND NOT d.withdrawn`,
  );
  if (!advice) throw new Error(`The council holds no advice ${reference}`);
  return withLines(databasePath, { ...advice, reference });
}

/**
 * The advice paid to the same person just before this one (none: null).
 * @param {string} databasePath
 * @param {CouncilAdvice} advice
 */
export async function councilPreviousAdvice(databasePath, advice) {
  const [previous] = await councilQuery(
    databasePath,
    `SELECT d.document_id AS id, d.person_id AS personId, d.reference AS reference, r.payment_date AS paymentDate,
            r.net_pence AS net
       FROM finance_documents d JOIN finance_remittances r ON r.document_id = d.document_id
      WHERE d.person_id = ${sqlText(advice.personId)} AND r.payment_date < ${sqlText(advice.paymentDate)}
        AND NOT d.withdrawn
      ORDER BY r.payment_date DESC LIMIT 1`,
  );
  return previous ? withLines(databasePath, previous) : null;
}

/**
 * @param {string} databasePath
 * @param {Record<string, string | number | null>} row
 * @returns {Promise<CouncilAdvice>}
 */
async function withLines(databasePath, row) {
  const lines = await councilQuery(
    databasePath,
    `SELECT kind, amount_pence AS amount, weekly_rate_pence AS weeklyRate, council_note AS note
       FROM finance_remittance_lines WHERE document_id = ${sqlText(String(row.id))} ORDER BY line_no`,
  );
  return {
    reference: String(row.reference),
    personId: String(row.personId),
    paymentDate: String(row.paymentDate),
    net: BigInt(/** @type {number} */ (row.net)),
    lines: lines.map((line) => ({
      kind: String(line.kind),
      amount: BigInt(/** @type {number} */ (line.amount)),
      weeklyRate: line.weeklyRate === null ? null : BigInt(/** @type {number} */ (line.weeklyRate)),
      note: line.note === null ? null : String(line.note),
    })),
  };
}

/**
 * Pence as the app writes pounds: "£1,234.56" (a minus sign first when negative, as
 * cfp_domain::Money::to_display_gbp does).
 * @param {bigint} pence
 */
export function pounds(pence) {
  const sign = pence < 0n ? '-' : '';
  const abs = pence < 0n ? -pence : pence;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}£${whole}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/**
 * The sum of some amounts, exactly.
 * @param {bigint[]} amounts
 */
export function sum(amounts) {
  return amounts.reduce((total, amount) => total + amount, 0n);
}
