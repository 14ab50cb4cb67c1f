// A private CUPS scheduler with one CUPS-PDF queue, so a journey can print for real without
// touching the computer's own printing: its own config, spool and logs in a fresh folder, and
// a local socket instead of a port. The app reaches it through CUPS_SERVER and LPDEST (what
// `lp` reads), which `env` holds. Needs root (cupsd), like .ci/print-test; CI runs as root.
//
// CUPS-PDF writes each job to ~/PDF of the user who printed it, as the computer's passwd file
// says (not $HOME): `outputFolder`.
import { execFile } from 'node:child_process';
import { access, chmod, constants, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { artifactsFolder, slug } from './paths.mjs';
import { startHelper, waitUntilReady } from './processes.mjs';

const run = promisify(execFile);

const CUPSD = '/usr/sbin/cupsd';
const CUPS_PDF_PPD = '/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd';
export const PRINT_QUEUE = 'cfp-e2e-pdf';

/**
 * Start the scheduler and add the queue; `stop()` ends it and removes its folder.
 * @param {{ name: string }} options  names the log files
 */
export async function startPrivateCups({ name }) {
  if (process.getuid?.() !== 0) throw new Error('Printing for real needs root (cupsd); CI runs the tests as root.');
  for (const needed of [CUPSD, CUPS_PDF_PPD, '/usr/lib/cups/backend/cups-pdf']) {
    await access(needed, constants.R_OK).catch(() => {
      throw new Error(`${needed} is missing: install cups, printer-driver-cups-pdf and poppler-utils (.ci/lib.sh does).`);
    });
  }
  const root = await mkdtemp(join(tmpdir(), 'cfp-e2e-cups-'));
  try {
    // cupsd runs its filters as the user lp, which must reach the spool inside this folder.
    await chmod(root, 0o755);
    for (const sub of ['conf', 'spool', 'spool/tmp', 'cache', 'state']) await mkdir(join(root, sub));
    const logs = await artifactsFolder('logs');
    const socket = join(root, 'cups.sock');
    await writeFile(
      join(root, 'conf', 'cups-files.conf'),
      [
        `ServerRoot ${join(root, 'conf')}`,
        `RequestRoot ${join(root, 'spool')}`,
        `TempDir ${join(root, 'spool', 'tmp')}`,
        `CacheDir ${join(root, 'cache')}`,
        `StateDir ${join(root, 'state')}`,
        `ErrorLog ${join(logs, `${slug(name)}.cups-error.log`)}`,
        `AccessLog ${join(logs, `${slug(name)}.cups-access.log`)}`,
        `PageLog ${join(logs, `${slug(name)}.cups-page.log`)}`,
        'SystemGroup root',
        '',
      ].join('\n'),
    );
    // As the README advises for a kiosk: no copy of a job or its history stays in the spool.
    await writeFile(
      join(root, 'conf', 'cupsd.conf'),
      [
        `Listen ${socket}`,
        'LogLevel info',
        'Browsing No',
        'WebInterface No',
        'PreserveJobFiles No',
        'PreserveJobHistory No',
        '<Location />',
        '  Order allow,deny',
        '  Allow all',
        '</Location>',
        '<Policy default>',
        '  <Limit All>',
        '    Order deny,allow',
        '  </Limit>',
        '</Policy>',
        '',
      ].join('\n'),
    );
    const env = { ...process.env, CUPS_SERVER: socket, LC_ALL: 'C' };
    const helper = await startHelper({
      name: 'cupsd',
      logName: `${name}.cupsd`,
      command: CUPSD,
      args: ['-f', '-c', join(root, 'conf', 'cupsd.conf'), '-s', join(root, 'conf', 'cups-files.conf')],
    });
    const stop = async () => {
      await helper.stop();
      await rm(root, { recursive: true, force: true });
    };
    try {
      await waitUntilReady(
        helper,
        async () => (await run('lpstat', ['-r'], { env })).stdout.trim() === 'scheduler is running',
        { timeoutMs: 20_000, what: `answering on ${socket}` },
      );
      await run('lpadmin', ['-p', PRINT_QUEUE, '-E', '-v', 'cups-pdf:/', '-P', CUPS_PDF_PPD], { env });
      const outputFolder = join(userInfo().homedir, 'PDF');
      await mkdir(outputFolder, { recursive: true });
      return {
        /** What the app needs to print here by default. */
        env: { CUPS_SERVER: socket, LPDEST: PRINT_QUEUE },
        outputFolder,
        /** The job files (`d…`) and control files (`c…`) still in the spool. */
        async spooled() {
          const names = await readdir(join(root, 'spool'));
          return names.filter((name) => /^[cd]\d/.test(name));
        },
        stop,
      };
    } catch (error) {
      await stop();
      throw error;
    }
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}
