// One person's computer for a whole test: a home folder (with the XDG folders and TMPDIR inside
// it), an X display, a D-Bus session and, when asked, the GNOME keyring unlocked on that bus, as
// a desktop login leaves it. The app can be opened, closed and opened again on it, keeping its
// data and its keychain entry between launches, as it would across a restart.
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { launchApp } from './app.mjs';
import { startDbusSession, startXvfb } from './display.mjs';
import { startHelper, waitUntilReady } from './processes.mjs';
import { privateHomeFolders } from './leftovers.mjs';

const run = promisify(execFile);

/** The keychain entry's service name (crates/store/src/key.rs, `KeychainName::SERVICE`). */
export const STORE_KEYCHAIN_SERVICE = 'Client Finance Portal local store';

/**
 * @typedef {object} Computer
 * @property {string} root  holds everything below; removed by stop()
 * @property {Record<string, string>} folders  HOME, XDG_*_HOME and TMPDIR, for the app's environment
 * @property {string} display
 * @property {string} dbusAddress
 * @property {(options: { name: string, env?: NodeJS.ProcessEnv }) => Promise<import('./app.mjs').App>} openApp
 *   open the app on this computer (close it with app.close(); the computer stays)
 * @property {() => Promise<string[]>} keychainSecrets  the secrets of every keyring item of the
 *   app's store service, read back through the Secret Service (secret-tool)
 * @property {(account: string) => Promise<string | null>} keychainSecret  one item's secret, or null
 * @property {() => Promise<void>} stop
 */

/**
 * @param {{ name: string, keyring: boolean }} options  `keyring`: start gnome-keyring-daemon,
 *   unlocked, on the computer's bus (without it, nothing answers for the Secret Service)
 * @returns {Promise<Computer>}
 */
export async function startComputer({ name, keyring }) {
  /** @type {Array<() => Promise<void>>} */
  const cleanups = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const { root, folders, remove } = await privateHomeFolders('cfp-e2e-computer-');
    cleanups.push(remove);
    // gnome-keyring wants a private runtime folder for its control socket.
    const runtime = join(root, 'run');
    await mkdir(runtime, { mode: 0o700 });

    const xvfb = await startXvfb({ logName: `${name}.xvfb` });
    cleanups.push(() => xvfb.helper.stop());
    const dbus = await startDbusSession({ logName: `${name}.dbus` });
    cleanups.push(() => dbus.helper.stop());
    const env = {
      ...process.env,
      ...folders,
      XDG_RUNTIME_DIR: runtime,
      DBUS_SESSION_BUS_ADDRESS: dbus.address,
      DISPLAY: xvfb.display,
    };

    if (keyring) {
      // As a desktop login does: the login keyring unlocked with the login password (on
      // standard input). Its file lives under the computer's XDG_DATA_HOME, so a restart of
      // the app finds the same keyring; with an empty password gnome-keyring makes no login
      // collection, hence a throwaway one.
      const daemon = await startHelper({
        name: 'gnome-keyring-daemon',
        logName: `${name}.keyring`,
        command: 'sh',
        args: ['-c', "printf 'cfp-e2e-login' | exec gnome-keyring-daemon --foreground --unlock --components=secrets"],
        env,
      });
      cleanups.push(() => daemon.stop());
      await waitUntilReady(daemon, () => secretServiceAnswers(env), {
        timeoutMs: 20_000,
        what: 'owning org.freedesktop.secrets on the bus',
      });
    }

    return {
      root,
      folders,
      display: xvfb.display,
      dbusAddress: dbus.address,
      openApp: ({ name: appName, env: appEnv = {} }) =>
        launchApp({
          name: appName,
          desktop: { display: xvfb.display, dbusAddress: dbus.address },
          env: { ...folders, XDG_RUNTIME_DIR: runtime, ...appEnv },
        }),
      keychainSecrets: () => keychainSecrets(env),
      keychainSecret: (account) => keychainSecret(env, account),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Does something own the Secret Service's name on the bus yet?
 * @param {NodeJS.ProcessEnv} env
 */
async function secretServiceAnswers(env) {
  const { stdout } = await run(
    'gdbus',
    [
      'call', '--session', '--dest', 'org.freedesktop.DBus', '--object-path', '/org/freedesktop/DBus',
      '--method', 'org.freedesktop.DBus.NameHasOwner', 'org.freedesktop.secrets',
    ],
    { env, timeout: 5_000 },
  );
  return stdout.includes('true');
}

/**
 * The secrets of every keyring item of the app's store service, read through the Secret Service
 * as any other program on the desktop could (libsecret's secret-tool).
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<string[]>}
 */
async function keychainSecrets(env) {
  const { stdout } = await run('secret-tool', ['search', '--all', '--unlock', 'service', STORE_KEYCHAIN_SERVICE], {
    env,
    timeout: 10_000,
  });
  // One block per item on standard output: "[/path]", "label = ...", "secret = ...", ...
  return [...stdout.matchAll(/^secret = (.*)$/gm)].map((match) => match[1]);
}

/**
 * The secret kept for one account of the app's store service, or null.
 * @param {NodeJS.ProcessEnv} env
 * @param {string} account  e.g. "store:/home/.../store.db"
 */
async function keychainSecret(env, account) {
  try {
    const { stdout } = await run('secret-tool', ['lookup', 'service', STORE_KEYCHAIN_SERVICE, 'username', account], {
      env,
      timeout: 10_000,
    });
    return stdout;
  } catch (error) {
    // secret-tool exits 1, printing nothing, when there is no such item.
    if (/** @type {{ code?: number }} */ (error).code === 1) return null;
    throw error;
  }
}
