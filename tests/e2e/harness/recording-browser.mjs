// "The browser" for a journey that counts sign-ins: a BROWSER script that notes every URL the app
// opens (in a file outside the app's folders), signs in at the council's authorization URL with
// harness/browser-signin.mjs as the given account, and opens any other page (the council's
// end-session page) with a plain GET. The account lives in this script, not in the app's
// environment, so no personal data reaches the app except through the council.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserScriptPath } from './browser-council.mjs';

/**
 * @param {{ email: string, password: string }} account
 */
export async function recordingBrowser(account) {
  const folder = await mkdtemp(join(tmpdir(), 'cfp-e2e-browser-'));
  const urls = join(folder, 'urls');
  const log = join(folder, 'browser.log');
  const script = join(folder, 'browser.sh');
  const quote = (/** @type {string} */ text) => `'${text.replaceAll("'", "'\\''")}'`;
  await writeFile(
    script,
    [
      '#!/bin/sh',
      `printf '%s\\n' "$1" >>${quote(urls)}`,
      'case "$1" in',
      `  *'/authorize'*) CFP_E2E_EMAIL=${quote(account.email)} CFP_E2E_PASSWORD=${quote(account.password)} \\`,
      `    CFP_E2E_BROWSER_LOG=${quote(log)} exec ${quote(process.execPath)} ${quote(browserScriptPath)} "$1" ;;`,
      `  *) exec ${quote(process.execPath)} -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1" ;;`,
      'esac',
      '',
    ].join('\n'),
    { mode: 0o700 },
  );
  return {
    /** For the app's BROWSER variable. */
    script,
    /** @returns {Promise<URL[]>} every URL the app opened in the browser, in order */
    async opened() {
      const text = await readFile(urls, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => new URL(line));
    },
    /** How many times the app sent the person to the council's sign-in page. */
    async signIns() {
      return (await this.opened()).filter((url) => url.pathname.endsWith('/authorize')).length;
    },
    /** What the sign-in stand-in did (paths and statuses only). */
    log: () => readFile(log, 'utf8').catch(() => '(the browser stand-in never ran)'),
    remove: () => rm(folder, { recursive: true, force: true }),
  };
}
