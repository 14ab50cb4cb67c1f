// What a run leaves on disk: one private folder holding every place the app may write, snapshots
// of every file under a folder (path, size, mtime and SHA-256), what changed between two, and a
// search of files for words that must not be there.
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/**
 * A fresh folder `root` holding the app's HOME, XDG data, config, cache and state folders and
 * TMPDIR (all created), so everything a run writes is under `root`. `remove` deletes it.
 * @param {string} prefix  the temporary folder's name prefix
 * @returns {Promise<{ root: string, folders: Record<string, string>, remove: () => Promise<void> }>}
 */
export async function privateHomeFolders(prefix) {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const home = join(root, 'home');
  const folders = {
    HOME: home,
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    TMPDIR: join(root, 'tmp'),
  };
  for (const folder of Object.values(folders)) await mkdir(folder, { recursive: true });
  return { root, folders, remove: () => rm(root, { recursive: true, force: true }) };
}

/** @typedef {{ size: number, mtimeMs: number, sha256: string }} FileState */
/** @typedef {Map<string, FileState>} Snapshot  by path relative to the root */

/**
 * Every regular file under `root` (symbolic links are not followed).
 * @param {string} root
 * @returns {Promise<Snapshot>}
 */
export async function snapshotFiles(root) {
  /** @type {Snapshot} */
  const files = new Map();
  /** @param {string} folder */
  async function walk(folder) {
    const entries = await readdir(folder, { withFileTypes: true }).catch((error) => {
      // A folder removed while we walk (a process cleaning up) simply has no files.
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        const state = await fileState(path);
        if (state) files.set(relative(root, path), state);
      }
    }
  }
  await walk(root);
  return files;
}

/** @param {string} path */
async function fileState(path) {
  try {
    const stat = await lstat(path);
    const bytes = await readFile(path);
    return { size: stat.size, mtimeMs: stat.mtimeMs, sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The files that are new in `after`, or whose size, time or contents changed.
 * @param {Snapshot} before
 * @param {Snapshot} after
 * @returns {string[]} relative paths, sorted
 */
export function newOrChanged(before, after) {
  return [...after]
    .filter(([path, state]) => {
      const was = before.get(path);
      return !was || was.size !== state.size || was.mtimeMs !== state.mtimeMs || was.sha256 !== state.sha256;
    })
    .map(([path]) => path)
    .sort();
}

/**
 * Search the files for each word, in their raw bytes with ASCII letters lower-cased (so
 * "OKAFOR" in a file matches "okafor"). Words are lower-cased too.
 * @param {string} root
 * @param {string[]} paths  relative to root
 * @param {Array<{ what: string, text: string }>} words  `what` says what it is, for the report
 * @returns {Promise<string[]>} one line per file and word found, e.g. "home/x.db: the person's name"
 */
export async function findWords(root, paths, words) {
  const needles = words.map(({ what, text }) => ({ what, bytes: Buffer.from(text.toLowerCase(), 'utf8') }));
  /** @type {string[]} */
  const found = [];
  for (const path of paths) {
    const bytes = await readFile(join(root, path)).catch((error) => {
      if (error.code === 'ENOENT') return Buffer.alloc(0);
      throw error;
    });
    const lower = asciiLowerCase(bytes);
    for (const needle of needles) {
      if (lower.includes(needle.bytes)) found.push(`${path}: ${needle.what}`);
    }
  }
  return found;
}

/**
 * A copy with A-Z turned into a-z and every other byte as it was.
 * @param {Buffer} bytes
 */
function asciiLowerCase(bytes) {
  const lower = Buffer.from(bytes);
  for (let i = 0; i < lower.length; i += 1) {
    const byte = lower[i];
    if (byte >= 0x41 && byte <= 0x5a) lower[i] = byte + 0x20;
  }
  return lower;
}

/**
 * Strings that look like a JSON Web Token (a JWT starts with a base64url JSON header, `eyJ`),
 * as the council's access and ID tokens do.
 * @param {string} text
 * @returns {string[]}
 */
export function tokenLookingStrings(text) {
  return [...text.matchAll(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g)].map((m) => m[0]);
}
