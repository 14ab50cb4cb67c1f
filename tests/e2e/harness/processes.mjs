// Helper processes (tauri-driver, Xvfb, D-Bus, later the council service and an SMTP sink):
// start one, wait until it answers, and always stop it and everything it spawned.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { artifactsFolder, slug } from './paths.mjs';

/** How long a helper gets to exit after SIGTERM before it is killed. */
const STOP_GRACE_MS = 5_000;

/** Every helper still running, so an abrupt exit of the test process can still kill them. */
const running = new Set();

/**
 * Each helper runs in its own process group (detached), so stopping it also stops
 * what it spawned (tauri-driver -> WebKitWebDriver -> the app). The same reason
 * makes this exit hook necessary: a detached group would outlive us otherwise.
 */
process.on('exit', () => {
  for (const helper of running) helper.killGroup('SIGKILL');
});
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => process.exit(128 + (signal === 'SIGINT' ? 2 : 15)));
}

/**
 * @typedef {object} HelperOptions
 * @property {string} name  short name, used in log file names and errors
 * @property {string} command
 * @property {string[]} [args]
 * @property {NodeJS.ProcessEnv} [env]  the whole environment of the helper (default: ours)
 * @property {string} [cwd]
 * @property {string} [logName]  log file stem (default: name); logs go to tests/artifacts/logs/
 * @property {Array<'pipe' | 'ignore'>} [extraStdio]  extra file descriptors from 3 on (e.g. Xvfb's -displayfd 3)
 */

/** A running helper process and its log. */
export class Helper {
  /**
   * @param {string} name
   * @param {import('node:child_process').ChildProcess} child
   * @param {string} logPath
   */
  constructor(name, child, logPath) {
    this.name = name;
    this.child = child;
    this.logPath = logPath;
    /** @type {{ code: number | null, signal: string | null } | null} */
    this.exitStatus = null;
    /** Settles when the process has exited. */
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitStatus = { code, signal };
        running.delete(this);
        resolve(this.exitStatus);
      });
    });
  }

  get isRunning() {
    return this.exitStatus === null;
  }

  /** @param {NodeJS.Signals} signal */
  killGroup(signal) {
    if (!this.isRunning || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch (error) {
      // ESRCH: the group is already gone, which is what we wanted.
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'ESRCH') throw error;
    }
  }

  /** Stop the helper and its process group: SIGTERM, then SIGKILL after a grace period. */
  async stop() {
    if (!this.isRunning) return;
    this.killGroup('SIGTERM');
    const gone = await Promise.race([this.exited.then(() => true), sleep(STOP_GRACE_MS, false)]);
    if (!gone) {
      this.killGroup('SIGKILL');
      await Promise.race([this.exited, sleep(STOP_GRACE_MS)]);
    }
    // The leader may exit while its children linger; make sure the group is gone.
    this.killGroup('SIGKILL');
  }

  /**
   * The last lines of the helper's log, to put in an error message.
   * @param {number} [lines]
   */
  async logTail(lines = 30) {
    const text = await readFile(this.logPath, 'utf8').catch(() => '');
    return text.split('\n').slice(-lines).join('\n');
  }

  /** An Error that says the helper failed, with its exit status and log tail. */
  async failure(/** @type {string} */ what) {
    const status = this.exitStatus
      ? ` (exited with ${this.exitStatus.code ?? this.exitStatus.signal})`
      : '';
    return new Error(
      `${this.name}: ${what}${status}. Log: ${this.logPath}\n--- last lines ---\n${await this.logTail()}`,
    );
  }
}

/**
 * Start a helper process with its output in a log file.
 * @param {HelperOptions} options
 * @returns {Promise<Helper>}
 */
export async function startHelper(options) {
  const logPath = join(await artifactsFolder('logs'), `${slug(options.logName ?? options.name)}.log`);
  const log = createWriteStream(logPath);
  await once(log, 'open');
  const child = spawn(options.command, options.args ?? [], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', log, log, ...(options.extraStdio ?? [])],
  });
  const helper = new Helper(options.name, child, logPath);
  running.add(helper);
  const spawned = await Promise.race([
    once(child, 'spawn').then(() => null),
    once(child, 'error').then(([error]) => error),
  ]);
  if (spawned) {
    running.delete(helper);
    throw new Error(`${options.name}: could not start \`${options.command}\`: ${spawned.message}`);
  }
  child.once('exit', () => log.end());
  return helper;
}

/**
 * Poll until `probe` answers true, the helper exits, or the time is up.
 * @param {Helper} helper
 * @param {() => Promise<boolean>} probe
 * @param {{ timeoutMs: number, intervalMs?: number, what: string }} options
 */
export async function waitUntilReady(helper, probe, { timeoutMs, intervalMs = 100, what }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!helper.isRunning) throw await helper.failure(`exited before ${what}`);
    if (await probe().catch(() => false)) return;
    await sleep(intervalMs);
  }
  throw await helper.failure(`not ready within ${timeoutMs} ms: ${what}`);
}

/** Ask the kernel for a free loopback TCP port. */
export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port from the kernel');
  return address.port;
}

/**
 * A probe: does something accept TCP connections on this loopback port? (For an SMTP sink.)
 * @param {number} port
 * @returns {() => Promise<boolean>}
 */
export function tcpProbe(port) {
  return () =>
    new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, timeout: 1_000 });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
}

/**
 * A probe: does GET url answer with a status `accept` likes (default: 2xx)?
 * @param {string} url
 * @param {(response: Response) => boolean | Promise<boolean>} [accept]
 * @returns {() => Promise<boolean>}
 */
export function httpProbe(url, accept = (response) => response.ok) {
  return async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    try {
      return await accept(response);
    } finally {
      await response.body?.cancel();
    }
  };
}

/**
 * @typedef {object} LoopbackHelperOptions
 * @property {string} name
 * @property {string} command
 * @property {(port: number) => string[]} args  command-line arguments, given the chosen port
 * @property {(port: number) => (() => Promise<boolean>)} [probe]  readiness probe (default: TCP connect)
 * @property {NodeJS.ProcessEnv} [env]
 * @property {string} [cwd]
 * @property {string} [logName]
 * @property {number} [readyTimeoutMs]
 */

/**
 * Start a helper that listens on a free loopback port, and wait until it answers there.
 * Used for tauri-driver today; the council service and the SMTP sink later.
 * @param {LoopbackHelperOptions} options
 * @returns {Promise<{ helper: Helper, port: number, url: string }>}
 */
export async function startLoopbackHelper(options) {
  const port = await freePort();
  const helper = await startHelper({ ...options, args: options.args(port) });
  const probe = (options.probe ?? tcpProbe)(port);
  try {
    await waitUntilReady(helper, probe, {
      timeoutMs: options.readyTimeoutMs ?? 20_000,
      what: `answering on 127.0.0.1:${port}`,
    });
  } catch (error) {
    await helper.stop();
    throw error;
  }
  return { helper, port, url: `http://127.0.0.1:${port}` };
}
