// A private X display (Xvfb) and a private D-Bus session bus for one test, so tests never touch the
// developer's desktop or keyring, and run the same on a headless CI machine.
import { Helper, startHelper } from './processes.mjs';

/**
 * Read the first line a helper writes to one of its pipes.
 * @param {Helper} helper
 * @param {import('node:stream').Readable} stream
 * @param {number} timeoutMs
 * @param {string} what
 * @returns {Promise<string>}
 */
async function firstLine(helper, stream, timeoutMs, what) {
  let buffered = '';
  /** @type {(value: string | null) => void} */
  let finish = () => {};
  const line = new Promise((resolve) => {
    finish = resolve;
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end >= 0) resolve(buffered.slice(0, end).trim());
    });
    stream.once('end', () => resolve(null));
  });
  const timer = setTimeout(() => finish(null), timeoutMs);
  const result = await Promise.race([line, helper.exited.then(() => null)]);
  clearTimeout(timer);
  stream.removeAllListeners('data');
  stream.destroy();
  if (!result) throw await helper.failure(`did not report ${what} within ${timeoutMs} ms`);
  return result;
}

/**
 * Start Xvfb on a display number it picks itself (-displayfd), which avoids races between
 * parallel runs over which :N is free.
 * @param {{ logName: string, size?: string }} options
 * @returns {Promise<{ helper: Helper, display: string }>}
 */
export async function startXvfb({ logName, size = '1280x1024x24' }) {
  const helper = await startHelper({
    name: 'Xvfb',
    logName,
    command: 'Xvfb',
    args: ['-displayfd', '3', '-screen', '0', size, '-nolisten', 'tcp', '-noreset'],
    extraStdio: ['pipe'],
  });
  const pipe = /** @type {import('node:stream').Readable} */ (helper.child.stdio[3]);
  try {
    const number = await firstLine(helper, pipe, 15_000, 'its display number');
    if (!/^\d+$/.test(number)) throw new Error(`Xvfb reported a strange display number: ${number}`);
    return { helper, display: `:${number}` };
  } catch (error) {
    await helper.stop();
    throw error;
  }
}

/**
 * Start a private D-Bus session bus. WebKitGTK and (later) the OS keyring need one.
 * @param {{ logName: string }} options
 * @returns {Promise<{ helper: Helper, address: string }>}
 */
export async function startDbusSession({ logName }) {
  const helper = await startHelper({
    name: 'dbus-daemon',
    logName,
    command: 'dbus-daemon',
    args: ['--session', '--nofork', '--nopidfile', '--print-address=3'],
    extraStdio: ['pipe'],
  });
  const pipe = /** @type {import('node:stream').Readable} */ (helper.child.stdio[3]);
  try {
    const address = await firstLine(helper, pipe, 15_000, 'its bus address');
    return { helper, address };
  } catch (error) {
    await helper.stop();
    throw error;
  }
}
