// Driving the app's window as a person at the keyboard would, without WebDriver: xdotool sends
// real key presses through the X server (XTEST) to the focused window, the window's title says
// which screen shows (the app makes each screen's title its window's), and a picture of the
// screen tells when the window has stopped changing. For the release kiosk window, which WebKit
// will not let WebDriver drive (its webview is incognito).
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The part of every window title after the screen's own title. */
export const TITLE_SUFFIX = ' - Client Finance Portal';

export class KeyboardWindow {
  /** @param {string} display  e.g. ":12" */
  constructor(display) {
    this.display = display;
  }

  /** @param {string[]} args */
  async xdotool(args) {
    const { stdout } = await run('xdotool', args, { env: { ...process.env, DISPLAY: this.display }, timeout: 20_000 });
    return stdout.trim();
  }

  /**
   * The app's window and its title now, or null while there is none.
   * @returns {Promise<{ id: string, title: string } | null>}
   */
  async window() {
    // xdotool exits 1 when nothing matches.
    const ids = await this.xdotool(['search', '--onlyvisible', '--name', `${TITLE_SUFFIX}$`]).catch(() => '');
    for (const id of ids.split('\n').filter(Boolean)) {
      const title = await this.xdotool(['getwindowname', id]).catch(() => '');
      if (title.endsWith(TITLE_SUFFIX)) return { id, title: title.slice(0, -TITLE_SUFFIX.length) };
    }
    return null;
  }

  /**
   * Wait until the window shows a screen whose title matches.
   * @param {RegExp} screen  e.g. /^Home$/
   * @param {number} [timeoutMs]
   */
  async waitForScreen(screen, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    let last = '(no window)';
    for (;;) {
      const found = await this.window();
      if (found) last = found.title;
      if (found && screen.test(found.title)) return found;
      if (Date.now() > deadline) throw new Error(`The window did not show ${screen} within ${timeoutMs} ms; it shows "${last}"`);
      await sleep(200);
    }
  }

  /** A hash of the whole screen's pixels now. */
  async screenHash() {
    const { stdout } = await run('import', ['-window', 'root', 'rgb:-'], {
      env: { ...process.env, DISPLAY: this.display },
      encoding: 'buffer',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 20_000,
    });
    return createHash('sha256').update(stdout).digest('hex');
  }

  /**
   * Wait until the screen has not changed for `quietMs` (a sync finished, a page drew).
   * @param {{ quietMs?: number, timeoutMs?: number }} [options]
   */
  async waitUntilStill({ quietMs = 2_000, timeoutMs = 60_000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    let last = await this.screenHash();
    let stillSince = Date.now();
    while (Date.now() - stillSince < quietMs) {
      if (Date.now() > deadline) throw new Error(`The screen kept changing for ${timeoutMs} ms`);
      await sleep(250);
      const now = await this.screenHash();
      if (now !== last) {
        last = now;
        stillSince = Date.now();
      }
    }
  }

  /**
   * Give the app's window the keyboard, then press keys one after another (xdotool names:
   * Tab, shift+Tab, Return, ...).
   * @param {...string} keys
   */
  async press(...keys) {
    const found = await this.window();
    if (!found) throw new Error('There is no app window to type into');
    await this.xdotool(['windowfocus', '--sync', found.id]);
    await this.xdotool(['key', '--clearmodifiers', '--delay', '150', ...keys]);
  }
}
