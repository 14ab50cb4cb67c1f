// Signing the app in to the demo council as one of its accounts: the app opens "the browser"
// ($BROWSER), and harness/browser-signin.mjs plays it over HTTP. `signInEnv` gives the app's
// environment for an account; `signInThroughApp` presses Sign in and waits for the home page.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserScriptPath } from './browser-council.mjs';
import { artifactsFolder } from './paths.mjs';

/** The demo's accounts (crates/council-finance/src/demo.rs). */
export const DEMO_ACCOUNTS = {
  ruth: { email: 'ruth.adeyemi@example.org', password: 'demo attorney willow harbour' },
  chloe: { email: 'chloe.bennett@example.org', password: 'demo myself pebble orchard' },
};

export const LONG_WAIT = { timeoutMs: 60_000 };

/**
 * A browser stand-in script for `account`, and the environment that makes the app use it.
 * @param {string} name  names the log
 * @param {{ email: string, password: string }} account
 * @param {string} [script]  another stand-in (default: harness/browser-signin.mjs)
 * @returns {Promise<{ env: Record<string, string>, cleanup: () => Promise<void> }>}
 */
export async function signInEnv(name, account, script = browserScriptPath) {
  const work = await mkdtemp(join(tmpdir(), `cfp-e2e-${name}-`));
  const browser = join(work, 'browser.sh');
  await writeFile(browser, `#!/bin/sh\nexec "${process.execPath}" "${script}" "$@"\n`, { mode: 0o755 });
  return {
    env: {
      BROWSER: browser,
      CFP_E2E_EMAIL: account.email,
      CFP_E2E_PASSWORD: account.password,
      CFP_E2E_BROWSER_LOG: join(await artifactsFolder('logs'), `${name}.browser.log`),
    },
    cleanup: () => rm(work, { recursive: true, force: true }),
  };
}

/**
 * Press the control (default: the button "Sign in") and wait until the heading matches `home`, failing with the
 * app's own problem if one appears instead; then wait for the first sync to finish.
 * @param {import('./app.mjs').App} app
 * @param {RegExp} home
 * @param {{ selector: string, text: RegExp }} [control]
 */
export async function signInThroughApp(app, home, control = { selector: 'button', text: /^Sign in$/ }) {
  await app.click(await app.waitForText(control.selector, control.text, LONG_WAIT));
  await app.waitUntil(
    async () =>
      (await app.findAll('.govuk-error-summary')).length > 0 || home.test(await app.text('#main-content h1').catch(() => '')),
    { ...LONG_WAIT, message: 'neither the home page nor a problem appeared after signing in' },
  );
  const problems = await app.findAll('.govuk-error-summary');
  assert.equal(problems.length, 0, `signing in failed: ${problems[0] ? await app.text(problems[0]) : ''}`);
  await app.waitUntil(async () => !/Checking for new documents/.test(await app.text('#main-content')), {
    ...LONG_WAIT,
    message: 'the first sync did not finish',
  });
}
