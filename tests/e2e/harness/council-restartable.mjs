// The demo council service (as in harness/browser-council.mjs) that a journey can stop and start
// again on the same loopback port and the same data folder, as a council's server that goes
// away for a while and comes back: its accounts, sign-in keys, grants and requests survive.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { councilServicePath } from './browser-council.mjs';
import { repoRoot } from './paths.mjs';
import { freePort, httpProbe, startHelper, waitUntilReady } from './processes.mjs';

const run = promisify(execFile);

/**
 * @param {{ name: string }} options  names the log files (one per start)
 */
export async function startRestartableCouncil({ name }) {
  const dataDir = await mkdtemp(join(tmpdir(), 'cfp-e2e-council-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  /** @type {import('./processes.mjs').Helper | null} */
  let helper = null;
  let starts = 0;

  async function start() {
    if (helper?.isRunning) throw new Error('the council service is already running');
    starts += 1;
    const started = await startHelper({
      name: 'council-service',
      logName: `${name}.council-${starts}`,
      command: councilServicePath(),
      args: [
        'demo', '--port', String(port), '--data-dir', dataDir,
        '--assets-dir', join(repoRoot, 'crates', 'council-kit', 'styles', 'dist'),
      ],
    });
    helper = started;
    try {
      await waitUntilReady(started, httpProbe(`${url}/.well-known/openid-configuration`), {
        timeoutMs: 60_000,
        what: `answering on ${url}`,
      });
    } catch (error) {
      await started.stop();
      throw error;
    }
  }

  try {
    await start();
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const databasePath = join(dataDir, 'council-demo.db');
  return {
    url,
    port,
    /** The council's SQLite database (for checks only the service itself could answer). */
    databasePath,
    /** Stop the service; its port and data stay for `start`. */
    async pause() {
      await helper?.stop();
    },
    /** Start it again on the same port, with the same data. */
    start,
    /**
     * One query against the council's database, its rows as tab-separated lines.
     * @param {string} sql
     */
    async query(sql) {
      const { stdout } = await run('sqlite3', ['-separator', '\t', databasePath, sql]);
      return stdout.split('\n').filter(Boolean);
    },
    async stop() {
      await helper?.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
