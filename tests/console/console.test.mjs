// The finance-team console in a real browser, with the keyboard alone, audited by axe-core.
//
// The real council service (its demo, with the built stylesheet) and Debian's Chromium through
// chromedriver. A citizen first asks for access through the real sign-in and API, so the queue
// holds two requests: the demo's own pending one is approved, the new one rejected with a reason.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';

import { runAxe } from '../e2e/harness/axe.mjs';
import {
  auditPage as auditBrowserPage,
  CLIENT_ID,
  outbox as outboxIn,
  REDIRECT_URI,
  startBrowser,
  startDemoService,
} from './support.mjs';

const ADMIN = { email: 'admin@council.example', password: 'demo admin thistle beacon' };
const CITIZEN = { email: 'sam.patel@example.org', password: 'demo lantern meadow copper' };

/**
 * Audits the page: zero axe violations, and every Tab stop shows where focus is.
 * @param {import('./support.mjs').Browser} browser
 * @param {string} name
 */
function auditPage(browser, name) {
  return auditBrowserPage(browser, `console-${name}`, { screenshot: true });
}

/** @type {Awaited<ReturnType<typeof startDemoService>>} */
let service;
/** @type {Awaited<ReturnType<typeof startBrowser>>} */
let chromium;
/** @type {import('./support.mjs').Browser} */
let browser;

before(async () => {
  service = await startDemoService('council-console-e2e-');
  chromium = await startBrowser();
  browser = chromium.browser;
});

after(async () => {
  await chromium?.stop();
  await service?.stop();
});

/** A citizen signs in through the identity pages (code + PKCE) and asks for access by the API. */
async function citizenAsksForAccess() {
  const base = service.url;
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    scope: 'openid email profile',
    state: 'console-e2e',
    nonce: 'n-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  await browser.open(`${base}/authorize?${query}`);
  await browser.tabTo('input#email');
  await browser.type(CITIZEN.email);
  await browser.tabTo('input#password');
  await browser.type(CITIZEN.password);
  await browser.pressKey('Enter');
  const callback = await browser.waitForUrl(REDIRECT_URI);
  const code = new URL(callback).searchParams.get('code');
  assert.ok(code, `no code in ${callback}`);
  const tokens = await fetch(`${base}/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: CLIENT_ID,
      code_verifier: verifier,
    }),
  }).then((r) => r.json());
  assert.ok(tokens.access_token, JSON.stringify(tokens));
  const response = await fetch(`${base}/api/v1/access-requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      relationship: 'deputy',
      person: { givenName: 'Imogen', familyName: 'Unknown', dateOfBirth: '1950-06-01', postcode: 'WR2 4AA' },
      evidence: 'Court of Protection order 1234567',
    }),
  });
  assert.equal(response.status, 201, await response.text());
}

/** The emails in the demo's outbox (each is one .eml file), quoted-printable undone. */
const outbox = () => outboxIn(service.dataDir);

test('the console works with the keyboard alone and has no axe violations', async () => {
  await citizenAsksForAccess();
  const mailBefore = (await outbox()).length;
  const base = service.url;

  // Sign in.
  await browser.open(`${base}/console/sign-in`);
  assert.equal(await browser.heading(), 'Sign in to the finance team console');
  await auditPage(browser, 'sign-in');
  await browser.tabTo('input#email');
  await browser.type(ADMIN.email);
  await browser.tabTo('input#password');
  await browser.type(ADMIN.password);
  await browser.enterAndWait();

  // The queue: two requests, the demo's and the citizen's.
  assert.equal(await browser.heading(), 'Requests to review');
  assert.match(await browser.text(), /2 waiting, oldest first/);
  await auditPage(browser, 'queue');

  // Reject the citizen's request: first without a reason (an error), then with one.
  await browser.tabTo('a[href^="/console/requests/"]', 'Imogen Unknown');
  await browser.enterAndWait();
  assert.equal(await browser.heading(), 'Request for Imogen Unknown');
  await auditPage(browser, 'request-without-match');
  await browser.tabTo('button', 'Reject request');
  await browser.enterAndWait();
  assert.match(await browser.text(), /There is a problem[\s\S]*Choose a reason/);
  await auditPage(browser, 'request-with-error');
  // Focus goes to the radios' group with Tab; arrows choose within it.
  await browser.tabTo('input[type=radio][name=reason]');
  await browser.pressKey('Space');
  await browser.pressKey('ArrowDown');
  const chosen = await browser.executeScript('return document.querySelector("input[name=reason]:checked")?.value;');
  assert.equal(chosen, '1', 'the second reason is chosen with the arrow key');
  await browser.tabTo('textarea#details');
  await browser.type('Please send the court order number again.');
  await browser.tabTo('button', 'Reject request');
  await browser.enterAndWait();
  assert.match(await browser.text(), /The request was rejected and the requester was emailed the reason/);
  await auditPage(browser, 'queue-after-reject');

  // Approve the demo's pending request.
  assert.match(await browser.text(), /1 waiting, oldest first/);
  await browser.tabTo('a[href^="/console/requests/"]', 'Review');
  await browser.enterAndWait();
  const approvedName = (await browser.heading()).replace('Request for ', '');
  await auditPage(browser, 'request');
  await browser.tabTo('button', 'Approve access');
  await browser.enterAndWait();
  assert.match(await browser.text(), /The request was approved and the requester was emailed/);
  assert.match(await browser.text(), /There are no requests waiting for review/);

  // Remove someone's access with a reason (admins only).
  await browser.tabTo('a', 'People with access');
  await browser.enterAndWait();
  await auditPage(browser, 'access');
  await browser.tabTo('a[href^="/console/access/"]', approvedName);
  await browser.enterAndWait();
  await auditPage(browser, 'remove-access');
  await browser.tabTo('input[type=radio]');
  await browser.pressKey('Space');
  await browser.tabTo('button', 'Remove access');
  await browser.enterAndWait();
  assert.match(await browser.text(), /Access was removed and the requester was emailed the reason/);

  // The audit log shows each decision.
  await browser.tabTo('a', 'Audit log');
  await browser.enterAndWait();
  assert.equal(await browser.heading(), 'Audit log');
  const log = await browser.executeScript('return document.querySelector("table")?.innerText ?? "";');
  for (const action of ['Request rejected', 'Request approved', 'Access removed', 'Staff signed in']) {
    assert.ok(log.includes(action), `the audit log shows "${action}"`);
  }
  assert.ok(!/\b(staff|account):/.test(log), 'people are shown by name, not by stored id');
  await auditPage(browser, 'audit');

  // Filter the log to one person by their client ID, typed into the filter form (a POST form:
  // the client ID never goes into a URL; the page it leads to names the person by opaque id).
  const clientId = log.match(new RegExp(`${approvedName} \\(client ID (\\d{9})\\)`))?.[1];
  assert.ok(clientId, `the log names ${approvedName} with their client ID`);
  await browser.tabTo('input#client_id');
  await browser.type(clientId);
  await browser.tabTo('button', 'Show entries');
  await browser.enterAndWait();
  assert.ok((await browser.url()).includes('person='));
  assert.ok(!(await browser.url()).includes(clientId), 'no client ID in the address');
  // The table's text only: the filter form's options name every action too.
  const filtered = await browser.executeScript('return document.querySelector("table")?.innerText ?? "";');
  assert.match(filtered, new RegExp(`Entries about ${approvedName} \\(client ID ${clientId}\\), newest first`));
  assert.match(filtered, /Access removed/);
  assert.ok(!filtered.includes('Request rejected'), 'the other person\'s rejection is not shown');
  await auditPage(browser, 'audit-filtered');
  // A person's name in the table is a link to their entries too; "Clear the filter" goes back.
  await browser.tabTo('a', 'Clear the filter');
  await browser.enterAndWait();
  assert.ok((await browser.url()).endsWith('/console/audit'));

  // Each decision emailed its requester.
  const mail = (await outbox()).slice(mailBefore);
  assert.equal(mail.length, 3, 'rejected, approved and removed: one email each');
  assert.ok(mail.some((m) => m.includes(CITIZEN.email) && m.includes('Please send the court order number again.')));
});

test('the audit can fail: axe finds a problem planted in the page', async () => {
  await browser.open(`${service.url}/console/sign-in`);
  await browser.executeScript('const img = document.createElement("img"); img.src = "/nothing.png"; document.querySelector("main").append(img);');
  const result = await runAxe(browser.session, 'console-planted-problem');
  assert.ok(
    result.violations.some((v) => v.id === 'image-alt'),
    `axe missed an image without alt text: ${result.violations.map((v) => v.id).join(', ')}`,
  );
});
