// The demo council service (`council-service demo`: identity, finance API and demo data) on a
// free loopback port, with its data in a fresh temporary folder. Journeys that sign in start one,
// point the app at it with `councilProfile()`, and let harness/browser-signin.mjs play the browser.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { httpProbe, startLoopbackHelper } from './processes.mjs';
import { repoRoot } from './paths.mjs';

/** The browser stand-in, for the app's BROWSER setting. */
export const browserScriptPath = join(repoRoot, 'tests', 'e2e', 'harness', 'browser-signin.mjs');

/** The council service binary built by `cargo build -p council-service` (same target dir as the app). */
export function councilServicePath() {
  if (process.env.CFP_COUNCIL_SERVICE_BINARY) return resolve(process.env.CFP_COUNCIL_SERVICE_BINARY);
  const targetDir = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'cfp-target');
  return join(resolve(repoRoot, targetDir), 'debug', 'council-service');
}

/**
 * Start the demo council and wait until its identity service answers.
 * @param {{ name: string }} options  names the log file
 */
export async function startDemoCouncil({ name }) {
  const dataDir = await mkdtemp(join(tmpdir(), 'cfp-e2e-council-'));
  try {
    const service = await startLoopbackHelper({
      name: 'council-service',
      logName: `${name}.council`,
      command: councilServicePath(),
      args: (port) => [
        'demo',
        '--port',
        String(port),
        '--data-dir',
        dataDir,
        '--assets-dir',
        join(repoRoot, 'crates', 'council-kit', 'styles', 'dist'),
      ],
      probe: (port) => httpProbe(`http://127.0.0.1:${port}/.well-known/openid-configuration`),
      readyTimeoutMs: 60_000,
    });
    return {
      url: service.url,
      port: service.port,
      helper: service.helper,
      /** The council's SQLite database (for checks only the service itself could answer). */
      databasePath: join(dataDir, 'council-demo.db'),
      async stop() {
        await service.helper.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * A council profile (TOML) for the app that points at a demo council on `url`, written to a
 * fresh file; returns its path (for CFP_PROFILE). Same names as crates/core/profiles/demo.toml.
 * @param {string} url  e.g. http://127.0.0.1:41234
 * @param {{ kiosk?: boolean, idleMinutes?: number }} [policy]
 */
export async function councilProfile(url, policy = {}) {
  const folder = await mkdtemp(join(tmpdir(), 'cfp-e2e-profile-'));
  const path = join(folder, 'profile.toml');
  const lines = [
    'council_name = "Demo County Council"',
    `issuer_url = "${url}"`,
    `api_url = "${url}/api/v1/"`,
    'client_id = "client-finance-portal-desktop"',
    'contact_email = "finance.team@demo-county.example"',
    'contact_phone = "01234 567890"',
    'help_text = "The finance team can help with payments and letters."',
  ];
  if (policy.kiosk !== undefined || policy.idleMinutes !== undefined) {
    lines.push('', '[policy]');
    if (policy.kiosk !== undefined) lines.push(`kiosk = ${policy.kiosk}`);
    if (policy.idleMinutes !== undefined) lines.push(`idle_minutes = ${policy.idleMinutes}`);
  }
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}
