// Accessibility audit of the real webview: inject axe-core and run the WCAG 2.2 A/AA rules.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { artifactsFolder, axeScriptPath, slug } from './paths.mjs';

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA: the public-sector yardstick. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * @typedef {object} AxeViolation
 * @property {string} id
 * @property {string | null} impact
 * @property {string} help
 * @property {string} helpUrl
 * @property {{ target: unknown[], failureSummary: string }[]} nodes
 */

/**
 * @typedef {object} AuditResult
 * @property {AxeViolation[]} violations
 * @property {number} passes     rules that passed (0 would mean axe audited nothing)
 * @property {string[]} incomplete  rules axe could not decide (for a person to review)
 */

/** @type {string | undefined} */
let axeSource;

/** Runs in the page: the callback is the last argument (WebDriver execute async). */
const RUN_AXE = `
const [tags, done] = arguments;
window.axe
  .run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
  .then((results) => done({
    violations: results.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    })),
    passes: results.passes.length,
    incomplete: results.incomplete.map((r) => r.id),
  }))
  .catch((error) => done({ error: String(error && error.stack || error) }));
`;

/**
 * Audit the page as it is now and return axe's findings (the caller decides what fails).
 * The result is also written to tests/artifacts/axe-NAME.json.
 * @param {import('./webdriver.mjs').WebDriverSession} session
 * @param {string} name
 * @returns {Promise<AuditResult>}
 */
export async function runAxe(session, name) {
  axeSource ??= await readFile(axeScriptPath, 'utf8').catch(() => {
    throw new Error(`axe-core is not installed at ${axeScriptPath}: run \`npm --prefix tests ci\``);
  });
  const loaded = await session.execute(`${axeSource}\n;return typeof window.axe?.run;`);
  if (loaded !== 'function') throw new Error(`axe-core did not load in the webview (window.axe.run is ${loaded})`);
  const result = await session.executeAsync(RUN_AXE, [WCAG_TAGS]);
  if (result?.error) throw new Error(`axe-core failed in the webview: ${result.error}`);
  await writeFile(join(await artifactsFolder(), `axe-${slug(name)}.json`), JSON.stringify(result, null, 2));
  return result;
}

/**
 * A readable list of violations, one per rule, with the offending nodes.
 * @param {AxeViolation[]} violations
 */
export function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes.map((n) => `      at ${JSON.stringify(n.target)}`).join('\n');
      return `  - ${v.id} (${v.impact ?? 'no impact'}): ${v.help}\n      ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}
