// Where things are: the repository, the app binary under test, and the artifacts folder.
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is tests/e2e/harness/paths.mjs). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Screenshots, audit results and helper logs go here; the folder is gitignored. */
export const artifactsDir = join(repoRoot, 'tests', 'artifacts');

/** The demo council's profile; tests name it so a machine-wide profile cannot change what they see. */
export const demoProfilePath = join(repoRoot, 'crates', 'core', 'profiles', 'demo.toml');

/** axe-core as installed by `npm ci` in tests/. */
export const axeScriptPath = join(repoRoot, 'tests', 'node_modules', 'axe-core', 'axe.min.js');

/**
 * The app binary the tests drive. Same default target dir as .ci/lib.sh, so a
 * plain `npm test` in tests/ finds what `bash .ci/test` built.
 * @returns {string}
 */
export function appBinaryPath() {
  if (process.env.CFP_APP_BINARY) return resolve(process.env.CFP_APP_BINARY);
  const targetDir = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'cfp-target');
  return join(resolve(repoRoot, targetDir), 'debug', 'client-finance-portal');
}

/** The command that builds the binary, for error messages. */
export const buildAppHint =
  'npm --prefix ui ci && npm --prefix ui run build && ' +
  'cargo build -p client-finance-portal --bin client-finance-portal ' +
  '(or run `bash .ci/test`, or point CFP_APP_BINARY at a built binary)';

/**
 * @param {string} sub  a sub-folder of the artifacts folder, or '' for the folder itself
 * @returns {Promise<string>} the folder, created if missing
 */
export async function artifactsFolder(sub = '') {
  const folder = join(artifactsDir, sub);
  await mkdir(folder, { recursive: true });
  return folder;
}

/**
 * A file-name-safe form of a test or artifact name.
 * @param {string} name
 * @returns {string}
 */
export function slug(name) {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'unnamed'
  );
}
