// The app's native Save dialog (GTK's file chooser, opened by tauri-plugin-dialog from Rust),
// answered as a person would at the keyboard: on the app's private X display, xdotool finds the
// dialog's window, gives it the keyboard focus and types. Nothing in the app is bypassed: the
// file is written by the same command, through the same dialog, as for anyone.
//
// GTK's save dialog opens with the suggested name in its Name field. Pressing Home and typing a
// folder in front of it ("/tmp/x/" + "statement-2025-26.pdf") saves there under the suggested
// name, so the name on disk is the one the app suggested; `name` replaces it instead.
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The dialog's title (src-tauri/exports.rs `set_title`). */
export const SAVE_DIALOG_TITLE = 'Save as';

/**
 * @param {string} display  e.g. ":7" (app.display)
 * @param {string[]} args
 */
async function xdotool(display, args) {
  const { stdout } = await run('xdotool', args, { env: { ...process.env, DISPLAY: display }, timeout: 10_000 });
  return stdout.trim();
}

/**
 * The X windows titled exactly `title` that are on screen (none: an empty list).
 * @param {string} display
 * @param {string} title
 */
export async function visibleWindows(display, title) {
  try {
    const found = await xdotool(display, ['search', '--onlyvisible', '--name', `^${title}$`]);
    return found.split('\n').filter((id) => /^\d+$/.test(id));
  } catch (error) {
    // xdotool search exits 1 when nothing matches.
    if (/** @type {{ code?: number }} */ (error).code === 1) return [];
    throw error;
  }
}

/**
 * Wait for the Save dialog, then save into `folder` (which must exist): under the suggested
 * name, or under `name` when given. Resolves once the dialog has closed.
 * @param {string} display
 * @param {string} folder  an absolute path
 * @param {{ name?: string, timeoutMs?: number }} [options]
 */
export async function saveInDialog(display, folder, { name, timeoutMs = 30_000 } = {}) {
  const window = await waitForDialog(display, timeoutMs);
  // No window manager runs on the private display: give the dialog the keyboard focus directly.
  await xdotool(display, ['windowfocus', '--sync', window]);
  const prefix = folder.endsWith('/') ? folder : `${folder}/`;
  if (name === undefined) {
    // The Name field has focus with the suggested name in it: type the folder in front of it.
    await xdotool(display, ['key', '--clearmodifiers', 'Home']);
    await xdotool(display, ['type', '--delay', '20', prefix]);
  } else {
    await xdotool(display, ['key', '--clearmodifiers', 'ctrl+a']);
    await xdotool(display, ['type', '--delay', '20', `${prefix}${name}`]);
  }
  await xdotool(display, ['key', '--clearmodifiers', 'Return']);
  await waitForDialogToClose(display, timeoutMs);
}

/**
 * Wait for the Save dialog and close it with Escape, as a person who changed their mind would.
 * @param {string} display
 * @param {{ timeoutMs?: number }} [options]
 */
export async function cancelDialog(display, { timeoutMs = 30_000 } = {}) {
  const window = await waitForDialog(display, timeoutMs);
  await xdotool(display, ['windowfocus', '--sync', window]);
  await xdotool(display, ['key', '--clearmodifiers', 'Escape']);
  await waitForDialogToClose(display, timeoutMs);
}

/**
 * @param {string} display
 * @param {number} timeoutMs
 */
async function waitForDialog(display, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [window] = await visibleWindows(display, SAVE_DIALOG_TITLE);
    if (window) {
      // GTK focuses the Name field while it maps the dialog, before the X window becomes
      // viewable, and handles the keys that follow in order: no waiting beyond this.
      return window;
    }
    if (Date.now() > deadline) throw new Error(`No "${SAVE_DIALOG_TITLE}" dialog appeared within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/**
 * @param {string} display
 * @param {number} timeoutMs
 */
async function waitForDialogToClose(display, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while ((await visibleWindows(display, SAVE_DIALOG_TITLE)).length > 0) {
    if (Date.now() > deadline) throw new Error(`The "${SAVE_DIALOG_TITLE}" dialog did not close within ${timeoutMs} ms`);
    await sleep(100);
  }
}
