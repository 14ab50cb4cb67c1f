#!/usr/bin/env node
// A stand-in for the person's web browser when the app's "Create an account" opens the council's
// registration (`prompt=create`). Over plain HTTP, as a person would:
//
//   1. open the authorization URL (the council sends it on to /create-account),
//   2. fill in the form (names, address, postcode, email, password, the page's CSRF token),
//   3. read the 6-digit code from the email the council sent (the demo keeps its mail in an
//      outbox folder: CFP_E2E_OUTBOX) and enter it on /confirm-email,
//   4. follow the council's redirect to the app's loopback address, which ends the sign-in.
//
// The new account comes from CFP_E2E_NEW_ACCOUNT (JSON: givenName, familyName, address,
// postcode, email, password). Steps go to CFP_E2E_BROWSER_LOG (method, path and status only;
// never a code, token or password). Exits 0 when the app's loopback page answered.
import { appendFile, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CookieJar, hiddenField } from './browser-signin.mjs';

const logPath = process.env.CFP_E2E_BROWSER_LOG;

/** @param {string} line */
async function log(line) {
  if (logPath) await appendFile(logPath, `${new Date().toISOString()} ${line}\n`);
}

/**
 * The code in the newest "confirm your email address" email to `email`, waiting for it.
 * @param {string} outbox
 * @param {string} email
 */
async function emailedCode(outbox, email) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const names = (await readdir(outbox).catch(() => [])).filter((n) => n.endsWith('.eml')).sort();
    for (const name of names.reverse()) {
      // Quoted-printable soft line breaks and escapes, undone.
      const text = (await readFile(join(outbox, name), 'utf8'))
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
      if (!new RegExp(`^To: .*${email.replace(/[.+]/g, '\\$&')}`, 'mi').test(text)) continue;
      if (!/^Subject: Your code to confirm your email address\r?$/m.test(text)) continue;
      const code = /^(\d{6})\r?$/m.exec(text)?.[1];
      if (code) return code;
    }
    // The council writes the email while it answers the form: look again shortly.
    await sleep(100);
  }
  throw new Error('No email with a code to confirm the address arrived');
}

async function main() {
  const url = process.argv[2];
  const account = JSON.parse(process.env.CFP_E2E_NEW_ACCOUNT ?? 'null');
  const outbox = process.env.CFP_E2E_OUTBOX;
  if (!url || !account || !outbox) throw new Error('Give the URL, CFP_E2E_NEW_ACCOUNT and CFP_E2E_OUTBOX');
  const council = new URL(url);
  const jar = new CookieJar();

  /**
   * @param {URL} target
   * @param {Record<string, string>} [form]
   */
  async function request(target, form) {
    /** @type {Record<string, string>} */
    const headers = {};
    if (target.host === council.host && jar.cookies.size > 0) headers.cookie = jar.header();
    /** @type {RequestInit} */
    const init = { headers, redirect: 'manual' };
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      init.method = 'POST';
      init.body = new URLSearchParams(form).toString();
    }
    const response = await fetch(target, init);
    if (target.host === council.host) jar.take(response);
    await log(`${form ? 'POST' : 'GET'} ${target.host}${target.pathname} -> ${response.status}`);
    return response;
  }

  /**
   * Follow redirects as a browser does; returns the last page and where it is.
   * @param {URL} at
   * @param {Response} response
   */
  async function follow(at, response) {
    for (let hop = 0; hop < 10; hop += 1) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { at, response };
      await response.body?.cancel();
      at = new URL(location, at);
      response = await request(at);
    }
    throw new Error('Too many redirects');
  }

  let { at, response } = await follow(council, await request(council));
  if (!at.pathname.endsWith('/create-account')) throw new Error(`Expected the registration page, got ${at.pathname}`);
  const csrf = hiddenField(await response.text(), 'csrf_token');
  if (!csrf) throw new Error('No csrf_token on the registration page');
  const created = await request(new URL('/create-account', at), {
    csrf_token: csrf,
    given_name: account.givenName,
    family_name: account.familyName,
    address: account.address,
    postcode: account.postcode,
    email: account.email,
    password: account.password,
  });
  ({ at, response } = await follow(new URL('/create-account', at), created));
  if (!at.pathname.endsWith('/confirm-email')) throw new Error(`Registration did not go on to confirm the email (${at.pathname})`);
  const confirmCsrf = hiddenField(await response.text(), 'csrf_token');
  if (!confirmCsrf) throw new Error('No csrf_token on the confirm-email page');
  const code = await emailedCode(outbox, account.email);
  const confirmed = await request(new URL('/confirm-email', at), { csrf_token: confirmCsrf, code });
  ({ at, response } = await follow(new URL('/confirm-email', at), confirmed));
  if (at.hostname !== '127.0.0.1' || at.host === council.host) {
    throw new Error(`Registration ended at ${at.host}${at.pathname}, not at the app's loopback address`);
  }
  await log(`the app's loopback page answered ${response.status}`);
  return response.status < 400 ? 0 : 1;
}

try {
  process.exit(await main());
} catch (error) {
  await log(`failed: ${error instanceof Error ? error.message : 'unknown error'}`);
  process.exit(1);
}
