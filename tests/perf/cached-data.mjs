// Fills the app's encrypted store with a returning user's people and payments, for
// startup-memory.mjs. The council service runs only while the command-line binary signs in and
// syncs; it is stopped before the app is measured, so the app starts offline, from its cache.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { artifactsFolder, demoProfilePath, repoRoot } from '../e2e/harness/paths.mjs';
import { httpProbe, startLoopbackHelper } from '../e2e/harness/processes.mjs';

const run = promisify(execFile);

/** The demo's representative: Lasting Power of Attorney for three people, each with payments. */
export const RETURNING_USER = {
  email: 'ruth.adeyemi@example.org',
  password: 'demo attorney willow harbour',
  story: 'Ruth Adeyemi, attorney for 3 people (the council demo data)',
};

/** Stands in for the system browser during sign-in (tests/e2e/harness). */
const BROWSER_SCRIPT = join(repoRoot, 'tests', 'e2e', 'harness', 'browser-signin.mjs');

/**
 * @param {{ env: NodeJS.ProcessEnv, home: string, cli: string, councilService: string }} options
 *   env: the app's environment (its XDG folders, D-Bus and keyring). The CLI, run in it without
 *   --store, uses the desktop app's own store (XDG_DATA_HOME/<app identifier>), and keeps its
 *   key in the same keyring. The profile file that CFP_PROFILE names in it is rewritten to point
 *   at the service started here, so the app and the CLI know the same council.
 * @returns {Promise<{ summary: string }>}
 */
export async function prepareCachedData({ env, home, cli, councilService }) {
  const logs = await artifactsFolder('logs');
  const service = await startLoopbackHelper({
    name: 'council-service',
    logName: 'perf-council-service',
    command: councilService,
    args: (port) => ['demo', '--port', String(port), '--data-dir', join(home, 'council-service')],
    probe: (port) => httpProbe(`http://127.0.0.1:${port}/.well-known/openid-configuration`),
    readyTimeoutMs: 120_000,
  });
  try {
    // The app's profile file (a copy of the demo's), pointed at this port.
    const profile = /** @type {string} */ (env.CFP_PROFILE);
    const demo = await readFile(demoProfilePath, 'utf8');
    if (!demo.includes('http://127.0.0.1:8400')) throw new Error(`${demoProfilePath} no longer names http://127.0.0.1:8400`);
    await writeFile(profile, demo.replaceAll('http://127.0.0.1:8400', service.url));

    const cliEnv = {
      ...env,
      BROWSER: `${process.execPath} ${BROWSER_SCRIPT}`,
      CFP_E2E_EMAIL: RETURNING_USER.email,
      CFP_E2E_PASSWORD: RETURNING_USER.password,
      CFP_E2E_BROWSER_LOG: join(logs, 'perf-browser.log'),
    };
    /** @param {string[]} args */
    const cliRun = async (args) => {
      try {
        const { stdout } = await run(cli, args, { env: cliEnv, timeout: 120_000 });
        return stdout;
      } catch (error) {
        const e = /** @type {any} */ (error);
        throw new Error(`client-finance-portal-cli ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
      }
    };
    await cliRun(['sign-in']);
    await cliRun(['sync']);
    return {
      summary:
        `Cached data: ${RETURNING_USER.story}, signed in and synced with the command line into the ` +
        `app's own store; the council service is stopped, so the app starts offline.`,
    };
  } finally {
    await service.helper.stop();
  }
}
