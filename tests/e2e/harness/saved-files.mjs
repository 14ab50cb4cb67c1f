// Checks of a file the app saved or printed, as whole files on disk: a PDF that qpdf finds sound
// and whose text pdftotext reads; a CSV that parses (RFC 4180) into rows of one width; and
// permissions for the user alone.
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The text of a PDF, after qpdf has checked its structure (fails if qpdf finds any fault).
 * @param {string} path
 */
export async function soundPdfText(path) {
  const head = (await readFile(path)).subarray(0, 5).toString('latin1');
  if (head !== '%PDF-') throw new Error(`${path} does not start like a PDF (${JSON.stringify(head)})`);
  // qpdf --check exits non-zero on errors, and 3 on warnings: both fail here.
  await run('qpdf', ['--check', path], { timeout: 30_000 });
  const { stdout } = await run('pdftotext', ['-layout', path, '-'], { timeout: 30_000 });
  return stdout;
}

/**
 * Parse CSV (RFC 4180: quoted fields, doubled quotes, CRLF or LF) into rows.
 * @param {string} text
 * @returns {string[][]}
 */
export function parseCsv(text) {
  /** @type {string[][]} */
  const rows = [];
  /** @type {string[]} */
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') {
      if (field !== '') throw new Error(`A quote inside an unquoted field, row ${rows.length + 1}`);
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new Error('The CSV ends inside a quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * The rows of a CSV file; fails unless every row is as wide as the first.
 * @param {string} path
 */
export async function wholeCsv(path) {
  const rows = parseCsv(await readFile(path, 'utf8'));
  if (rows.length < 2) throw new Error(`${path} has no rows under its header`);
  const width = rows[0]?.length ?? 0;
  const odd = rows.findIndex((row) => row.length !== width);
  if (odd >= 0) throw new Error(`${path}: row ${odd + 1} has ${rows[odd]?.length} fields, the header ${width}`);
  return rows;
}

/**
 * The file's permission bits, e.g. 0o600.
 * @param {string} path
 */
export async function permissions(path) {
  return (await stat(path)).mode & 0o777;
}

/**
 * How many pages a PDF has, after qpdf has checked its structure. For what CUPS-PDF printed:
 * it re-distils each job through Ghostscript, which keeps the pages but not the fonts' text
 * map, so pdftotext cannot read a printed job back (crates/core/src/exports/tests.rs).
 * @param {string} path
 */
export async function soundPdfPages(path) {
  await run('qpdf', ['--check', path], { timeout: 30_000 });
  const { stdout } = await run('pdfinfo', [path], { timeout: 30_000 });
  return Number(/^Pages:\s+(\d+)/m.exec(stdout)?.[1] ?? 0);
}
