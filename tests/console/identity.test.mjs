// The council identity service's own pages in a real browser, with the keyboard alone, audited by
// axe-core: create an account from the desktop app's sign-in request, confirm the email with an
// emailed code (after asking for a new one), "Continue as ...?" for the app's next request, sign
// out, reset the forgotten password, sign in again.
//
// The real council service (its demo, with the built stylesheet) and Debian's Chromium through
// chromedriver. Codes are read from the demo's outbox, as a person would read their email.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';

import { auditPage as auditBrowserPage, CLIENT_ID, outbox, REDIRECT_URI, startBrowser, startDemoService } from './support.mjs';

/** @type {Awaited<ReturnType<typeof startDemoService>>} */
let service;
/** @type {Awaited<ReturnType<typeof startBrowser>>} */
let chromium;
/** @type {import('./support.mjs').Browser} */
let browser;

before(async () => {
  service = await startDemoService('council-identity-e2e-');
  chromium = await startBrowser();
  browser = chromium.browser;
});

after(async () => {
  await chromium?.stop();
  await service?.stop();
});

/** Every link, button and field a keyboard user should be able to reach. */
const REACHABLE = 'a[href], button, input:not([type=hidden]), textarea, select';

/**
 * Audits the page (zero axe violations, focus visible at every Tab stop, a screenshot) and checks
 * that Tab reaches every link, button and field on it.
 * @param {string} name
 */
async function auditPage(name) {
  // Start the Tab walk from the top of the page, even where focus was put on the error summary.
  await browser.executeScript(
    `const body = document.body;
     body.setAttribute('tabindex', '-1');
     body.focus();
     body.blur();
     body.removeAttribute('tabindex');
     window.scrollTo(0, 0);`,
  );
  const stops = await auditBrowserPage(browser, `identity-${name}`, { screenshot: true });
  for (const stop of stops) await browser.executeScript('arguments[0].dataset.tabReached = "yes";', stop.element);
  const missed = await browser.executeScript(
    `return [...document.querySelectorAll(arguments[0])]
       .filter((e) => !e.dataset.tabReached)
       .map((e) => e.outerHTML.slice(0, 120));`,
    REACHABLE,
  );
  assert.deepEqual(missed, [], `${name}: Tab never reaches these`);
  return stops;
}

/** An authorization request from the desktop app (code flow, PKCE S256), as it would send it. */
function authorizationRequest(extra = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(12).toString('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    scope: 'openid email profile',
    state,
    nonce: randomBytes(12).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  });
  return { url: `${service.url}/authorize?${query}`, state, verifier };
}

/**
 * The browser ended at the app's redirect with a code and the same state; the code redeems
 * (with the PKCE verifier) for an ID token about `email`.
 * @param {{ state: string, verifier: string }} request
 * @param {string} email
 */
async function arrivedAtApp(request, email) {
  const callback = new URL(await browser.waitForUrl(`${REDIRECT_URI}?`));
  assert.equal(`${callback.origin}${callback.pathname}`, REDIRECT_URI);
  const code = callback.searchParams.get('code');
  assert.ok(code, `no code in ${callback}`);
  assert.equal(callback.searchParams.get('state'), request.state, 'the state comes back unchanged');
  const tokens = await fetch(`${service.url}/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: CLIENT_ID,
      code_verifier: request.verifier,
    }),
  }).then((r) => r.json());
  assert.ok(tokens.id_token, JSON.stringify(tokens));
  // The ID token names the person only by subject; the email is at userinfo.
  const claims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString('utf8'));
  assert.equal(claims.email, undefined, 'no email in the ID token');
  const userinfo = await fetch(`${service.url}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } }).then((r) => r.json());
  assert.equal(userinfo.sub, claims.sub);
  assert.equal(userinfo.email, email);
}

/**
 * The code in the newest email of this kind to `email`. The code is in the body, on a line of
 * its own, and never in the subject (subjects show on lock screens): that is checked here too.
 * @param {string} email
 * @param {RegExp} kind  the subject
 * @param {number} count  how many such emails there must be by now
 */
async function emailedCode(email, kind, count) {
  for (let i = 0; i < 50; i += 1) {
    const codes = (await outbox(service.dataDir))
      .filter((message) => new RegExp(`^To: .*${email.replace(/[.+]/g, '\\$&')}`, 'mi').test(message))
      .filter((message) => new RegExp(`^Subject: ${kind.source}\r?$`, 'm').test(message))
      .map((message) => {
        assert.doesNotMatch(message.match(/^Subject: .*$/m)?.[0] ?? '', /\d{6}/, 'no code in a subject line');
        return message.match(/^(\d{6})\r?$/m)?.[1];
      })
      .filter((code) => code !== undefined);
    if (codes.length >= count) {
      assert.equal(codes.length, count, `${count} emails "${kind.source}" to ${email}`);
      return codes[codes.length - 1];
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  assert.fail(`no email "${kind.source}" number ${count} to ${email}`);
}

/** Tab to a field, empty it and type into it. */
async function fillIn(css, text) {
  await browser.tabTo(css);
  await browser.clearFocused();
  await browser.type(text);
  const value = await browser.executeScript('return document.activeElement.value;');
  assert.equal(value, text, `${css} holds what was typed`);
}

/** The error summary has focus and says `messages`, each a link to a field on the page. */
async function errorSummaryShows(messages) {
  const summary = await browser.executeScript(
    `const summary = document.querySelector('.govuk-error-summary');
     return summary && {
       focused: document.activeElement === summary,
       links: [...summary.querySelectorAll('a')].map((a) => {
         const target = document.getElementById(a.getAttribute('href').replace(/^#/, ''));
         return { text: a.innerText.trim(), href: a.getAttribute('href'), field: target ? target.tagName.toLowerCase() : null };
       }),
     };`,
  );
  assert.ok(summary, `no error summary on ${await browser.url()}`);
  assert.ok(summary.focused, 'the error summary takes focus when the page loads');
  assert.deepEqual(
    summary.links.map((link) => link.text),
    messages,
  );
  for (const link of summary.links) {
    assert.ok(['input', 'textarea'].includes(link.field), `"${link.text}" (${link.href}) links to a field, not ${link.field}`);
  }
  assert.match(await browser.executeScript('return document.title;'), /^Error: /);
}

test('the identity pages work with the keyboard alone and have no axe violations', async () => {
  const person = {
    givenName: 'Aoife',
    familyName: 'Brennan-Okafor',
    address: '12 Orchard Row, Worcester',
    postcode: 'WR1 2AB',
    email: `aoife.${Date.now()}.${randomBytes(3).toString('hex')}@example.org`,
    password: 'copper kettle harbour sunrise',
    newPassword: 'quiet lantern meadow river',
  };

  // The app asks for a new account: the browser lands on "Create an account".
  const first = authorizationRequest({ prompt: 'create' });
  await browser.open(first.url);
  assert.ok((await browser.url()).endsWith('/create-account'), await browser.url());
  assert.equal(await browser.heading(), 'Create an account');
  await auditPage('create-account');

  // Submitting nothing: the error summary, focused, linking to each field.
  await browser.tabTo('button', 'Create account');
  await browser.enterAndWait();
  await errorSummaryShows([
    'Enter your first name',
    'Enter your last name',
    'Enter your address',
    'Enter your postcode',
    'Enter your email address',
    'Enter a password',
  ]);
  await auditPage('create-account-errors');

  // The fields say what they hold, so browsers and password managers can fill them in.
  const autocomplete = await browser.executeScript(
    `return Object.fromEntries(['given_name', 'family_name', 'address', 'postcode', 'email', 'password']
       .map((id) => [id, document.getElementById(id)?.getAttribute('autocomplete')]));`,
  );
  assert.deepEqual(autocomplete, {
    given_name: 'given-name',
    family_name: 'family-name',
    address: 'street-address',
    postcode: 'postal-code',
    email: 'email',
    password: 'new-password',
  });
  // Pasting is allowed: no handlers, and a paste event is not cancelled by the page.
  const pasteBlocked = await browser.executeScript(
    `return ['given_name', 'family_name', 'address', 'postcode', 'email', 'password'].filter((id) => {
       const field = document.getElementById(id);
       const paste = new ClipboardEvent('paste', { bubbles: true, cancelable: true });
       field.dispatchEvent(paste);
       return field.hasAttribute('onpaste') || field.onpaste !== null || paste.defaultPrevented;
     });`,
  );
  assert.deepEqual(pasteBlocked, [], 'these fields block pasting');
  assert.equal(await browser.executeScript('return document.scripts.length;'), 0, 'the pages have no JavaScript');

  await fillIn('input#given_name', person.givenName);
  await fillIn('input#family_name', person.familyName);
  await fillIn('textarea#address', person.address);
  await fillIn('input#postcode', person.postcode);
  await fillIn('input#email', person.email);
  await fillIn('input#password', person.password);
  await browser.tabTo('button', 'Create account');
  await browser.enterAndWait();

  // Confirm the email address.
  assert.equal(await browser.heading(), 'Confirm your email address');
  assert.match(await browser.text(), new RegExp(`We have sent a 6-digit code to ${person.email.replace(/[.+]/g, '\\$&')}`));
  await auditPage('confirm-email');
  const firstCode = await emailedCode(person.email, /Your code to confirm your email address/, 1);

  // "Send me a new code": a second email; codes sent before no longer work (crates/council-identity/src/codes.rs).
  await browser.tabTo('button', 'Send me a new code');
  await browser.enterAndWait();
  assert.ok((await browser.url()).endsWith('/confirm-email?resent=1'), await browser.url());
  assert.match(await browser.text(), /We have sent you a new code\. Codes you were sent before no longer work\./);
  await auditPage('confirm-email-resent');
  const newestCode = await emailedCode(person.email, /Your code to confirm your email address/, 2);

  // A wrong code: a plain error, in the summary and by the field.
  const wrongCode = ['000000', '111111', '222222'].find((c) => c !== firstCode && c !== newestCode);
  const WRONG = 'The code is not right. Check the email and try again.';
  await fillIn('input#code', wrongCode);
  await browser.tabTo('button', 'Confirm email address');
  await browser.enterAndWait();
  await errorSummaryShows([WRONG]);
  assert.match(await browser.executeScript('return document.getElementById("code-error")?.innerText ?? "";'), new RegExp(`Error:\\s+${WRONG}`));
  await auditPage('confirm-email-wrong-code');

  // The earlier code is refused the same way, as the page said (unless it happens to equal the new one).
  if (firstCode !== newestCode) {
    await fillIn('input#code', firstCode);
    await browser.tabTo('button', 'Confirm email address');
    await browser.enterAndWait();
    await errorSummaryShows([WRONG]);
  }

  // The newest code confirms the address and signs in: back to the app with a code and its state.
  await fillIn('input#code', newestCode);
  await browser.tabTo('button', 'Confirm email address');
  await browser.pressKey('Enter');
  await arrivedAtApp(first, person.email);

  // The app asks again while the browser is still signed in: no code without a click, the
  // question "Continue as ...?" (with "Not you?"), then one press of Enter on Continue.
  const again = authorizationRequest();
  await browser.open(again.url);
  assert.ok((await browser.url()).endsWith('/continue'), await browser.url());
  assert.equal(await browser.heading(), `Continue as ${person.givenName} ${person.familyName}?`);
  await auditPage('continue-as');
  await browser.tabTo('a', 'Not you? Sign in as someone else');
  await browser.tabTo('button', 'Continue');
  await browser.pressKey('Enter');
  await arrivedAtApp(again, person.email);

  // Signing out from the app without an ID token: the service asks first, then says it is done.
  const discovery = await fetch(`${service.url}/.well-known/openid-configuration`).then((r) => r.json());
  assert.ok(discovery.end_session_endpoint, 'discovery names the end_session_endpoint');
  await browser.open(discovery.end_session_endpoint);
  assert.equal(await browser.heading(), 'Do you want to sign out?');
  await auditPage('sign-out-confirm');
  await browser.tabTo('button', 'Sign out');
  await browser.enterAndWait();
  assert.ok((await browser.url()).endsWith('/signed-out'), await browser.url());
  assert.equal(await browser.heading(), 'You have signed out');
  await auditPage('signed-out');

  // Forgotten password, from the sign-in page of another request from the app.
  const second = authorizationRequest();
  await browser.open(second.url);
  assert.ok((await browser.url()).endsWith('/sign-in'), await browser.url());
  assert.equal(await browser.heading(), 'Sign in');
  await auditPage('sign-in');
  await browser.tabTo('a', 'Forgotten your password?');
  await browser.enterAndWait();
  assert.equal(await browser.heading(), 'Reset your password');
  await auditPage('forgot-password');
  await fillIn('input#email', person.email);
  await browser.tabTo('button', 'Send code');
  await browser.enterAndWait();
  assert.equal(await browser.heading(), 'Choose a new password');
  await auditPage('reset-password');
  const resetCode = await emailedCode(person.email, /Your code to reset your password/, 1);
  await fillIn('input#code', resetCode);
  await fillIn('input#password', person.newPassword);
  await browser.tabTo('button', 'Change password');
  await browser.enterAndWait();
  assert.ok((await browser.url()).endsWith('/sign-in?password_changed=1'), await browser.url());
  assert.match(await browser.text(), /Your password has been changed\. Sign in with your new password\./);
  await auditPage('sign-in-password-changed');

  // Sign in with the new password: the app's second request continues to its redirect.
  await fillIn('input#email', person.email);
  await fillIn('input#password', person.newPassword);
  await browser.pressKey('Enter');
  await arrivedAtApp(second, person.email);
});
