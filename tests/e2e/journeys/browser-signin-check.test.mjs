// The browser stand-in (harness/browser-signin.mjs) against the real council service, with a
// tiny loopback server in the app's place: it must sign in with the demo account and bring an
// authorization code back to the loopback address, and fail plainly with a wrong password.
// This checks the harness itself, so the app's sign-in journeys can trust it.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { browserScriptPath, startDemoCouncil } from '../harness/browser-council.mjs';
import { approveTheDemoPendingRequest, ConsoleBrowser, DEMO_REVIEWER } from '../harness/browser-console.mjs';
import { DEMO_CLIENT, hiddenField, signInLikeABrowser } from '../harness/browser-signin.mjs';

/** @type {Awaited<ReturnType<typeof startDemoCouncil>>} */
let council;

before(async () => {
  council = await startDemoCouncil({ name: 'browser-signin-check' });
});

after(async () => {
  await council?.stop();
});

/** A loopback server standing in for the app: remembers what reached /callback. */
async function fakeApp() {
  /** @type {URLSearchParams[]} */
  const received = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/callback') received.push(url.searchParams);
    response.writeHead(200, { 'content-type': 'text/plain' }).end('You can close this window.');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return { redirectUri: `http://127.0.0.1:${address.port}/callback`, received, close: () => server.close() };
}

/**
 * The authorization URL the app would open (PKCE S256, state and nonce).
 * @param {string} redirectUri
 * @param {string} state
 */
function authorizationUrl(redirectUri, state) {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL('/authorize', council.url);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: 'client-finance-portal-desktop',
    redirect_uri: redirectUri,
    scope: 'openid profile email offline_access',
    state,
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

test('reads a hidden field from a form', () => {
  const html = '<form><input type="hidden" name="other" value="x"><input name="csrf_token" type="hidden" value="a&amp;b"></form>';
  assert.equal(hiddenField(html, 'csrf_token'), 'a&b');
  assert.equal(hiddenField(html, 'missing'), undefined);
});

test('signs in with the demo account and brings the code back to the loopback address', async () => {
  const app = await fakeApp();
  try {
    const discovery = await (await fetch(`${council.url}/.well-known/openid-configuration`)).json();
    const start = new URL(discovery.authorization_endpoint);
    assert.equal(start.origin, council.url);

    const result = await signInLikeABrowser(authorizationUrl(app.redirectUri, 'state-1'), DEMO_CLIENT);

    assert.equal(result.loopbackStatus, 200);
    assert.equal(app.received.length, 1);
    const [params] = app.received;
    assert.equal(params?.get('state'), 'state-1');
    assert.match(params?.get('code') ?? '', /.{16,}/);
  } finally {
    app.close();
  }
});

test('fails plainly, and reaches no loopback address, with a wrong password', async () => {
  const app = await fakeApp();
  try {
    await assert.rejects(
      signInLikeABrowser(authorizationUrl(app.redirectUri, 'state-2'), { email: DEMO_CLIENT.email, password: 'not the password' }),
      /account or password wrong/,
    );
    assert.equal(app.received.length, 0);
  } finally {
    app.close();
  }
});

test('runs as the BROWSER command, logging steps but never the code or the password', async () => {
  const app = await fakeApp();
  const folder = await mkdtemp(join(tmpdir(), 'cfp-browser-log-'));
  try {
    const logPath = join(folder, 'browser.log');
    await promisify(execFile)(process.execPath, [browserScriptPath, authorizationUrl(app.redirectUri, 'state-3')], {
      env: { ...process.env, CFP_E2E_BROWSER_LOG: logPath },
    });

    assert.equal(app.received.length, 1);
    const code = app.received[0]?.get('code') ?? '';
    const log = await readFile(logPath, 'utf8');
    assert.match(log, /POST 127\.0\.0\.1:\d+\/sign-in -> 303/);
    assert.match(log, /the app's loopback page answered 200/);
    assert.ok(code.length > 0 && !log.includes(code), 'the log holds no authorization code');
    assert.ok(!log.includes(DEMO_CLIENT.password), 'the log holds no password');
  } finally {
    app.close();
    await rm(folder, { recursive: true, force: true });
  }
});

test('approves the demo pending request through the finance-team console', async () => {
  const approved = await approveTheDemoPendingRequest(council.url);

  const staff = new ConsoleBrowser(council.url);
  await staff.signIn(DEMO_REVIEWER);
  assert.ok(!(await staff.pendingRequestIds()).includes(approved), 'the request left the queue');
  assert.match(await staff.page(`/console/requests/${approved}`), /[Aa]pproved/);
  await assert.rejects(approveTheDemoPendingRequest(council.url), /Expected one pending request in the demo, found 0/);
});
