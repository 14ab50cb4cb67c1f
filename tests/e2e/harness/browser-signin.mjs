#!/usr/bin/env node
// A stand-in for the person's web browser during sign-in. The app opens "the browser" with the
// council's authorization URL (RFC 8252); with `BROWSER="node .../browser-signin.mjs"` it runs
// this script instead, which does what a person would do, over plain HTTP:
//
//   1. open the authorization URL (the council sends it on to its sign-in page),
//   2. fill in the sign-in form (email, password and the page's CSRF token) and submit it,
//   3. follow the council's redirect to the app's loopback address, which ends the sign-in.
//
// It works against council-identity (crates/council-identity/src/pages/sign_in.rs). The account
// comes from CFP_E2E_EMAIL and CFP_E2E_PASSWORD (default: the demo's client account). What it
// did goes to CFP_E2E_BROWSER_LOG (one line per step: method, path and status only; never a
// code, token, cookie or password). Exits 0 when the app's loopback page answered.
import { appendFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

export const DEMO_CLIENT = { email: 'alex.morgan@example.org', password: 'demo kettle orange bicycle' };

const MAX_REDIRECTS = 10;

/**
 * @param {string} line
 * @param {string | undefined} logPath
 */
async function log(line, logPath) {
  if (logPath) await appendFile(logPath, `${new Date().toISOString()} ${line}\n`);
}

/** Cookies as a browser keeps them for one host (enough for one sign-in). */
export class CookieJar {
  /** @type {Map<string, string>} */
  cookies = new Map();

  /** @param {Response} response */
  take(response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const at = pair.indexOf('=');
      if (at <= 0) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === '' || /;\s*max-age=0/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/**
 * Where a URL is, for the log: its origin's port and path, never its query (codes live there).
 * @param {URL} url
 */
function where(url) {
  return `${url.host}${url.pathname}`;
}

/**
 * The value of a hidden field in an HTML form.
 * @param {string} html
 * @param {string} name
 */
export function hiddenField(html, name) {
  for (const match of html.matchAll(/<input\b[^>]*>/gi)) {
    const tag = match[0];
    const nameMatch = /\bname="([^"]*)"/i.exec(tag);
    if (nameMatch?.[1] !== name) continue;
    const value = /\bvalue="([^"]*)"/i.exec(tag)?.[1];
    if (value !== undefined) return value.replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  }
  return undefined;
}

/**
 * Sign in at the council as a person would in a browser, ending at the app's loopback page.
 * @param {string} authorizationUrl
 * @param {{ email: string, password: string, logPath?: string }} account
 * @returns {Promise<{ loopbackStatus: number, loopbackText: string }>}
 */
export async function signInLikeABrowser(authorizationUrl, { email, password, logPath }) {
  const jar = new CookieJar();
  const council = new URL(authorizationUrl);

  /**
   * One request without automatic redirects, keeping cookies for the council's host only.
   * @param {URL} url
   * @param {RequestInit} [init]
   */
  async function request(url, init = {}) {
    const headers = new Headers(init.headers);
    if (url.host === council.host && jar.cookies.size > 0) headers.set('cookie', jar.header());
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    if (url.host === council.host) jar.take(response);
    await log(`${init.method ?? 'GET'} ${where(url)} -> ${response.status}`, logPath);
    return response;
  }

  /**
   * Follow redirects from a response, as a browser does; stops at the first page that is not one.
   * @param {URL} url
   * @param {Response} response
   */
  async function follow(url, response) {
    for (let hop = 0; hop < MAX_REDIRECTS; hop += 1) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { url, response };
      await response.body?.cancel();
      url = new URL(location, url);
      response = await request(url);
    }
    throw new Error('Too many redirects');
  }

  // 1. The authorization URL: the council answers with its sign-in page (after a redirect).
  let { url, response } = await follow(council, await request(council));
  if (!response.ok) throw new Error(`The council's sign-in page answered ${response.status} at ${where(url)}`);
  if (url.host !== council.host) {
    // Already signed in at the council: it went straight back to the app.
    return { loopbackStatus: response.status, loopbackText: await response.text() };
  }
  const page = await response.text();
  const csrf = hiddenField(page, 'csrf_token');
  if (!csrf) throw new Error(`No sign-in form (with a csrf_token) at ${where(url)}`);

  // 2. The sign-in form.
  const form = new URLSearchParams({ csrf_token: csrf, email, password });
  const submitted = await request(new URL('/sign-in', url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  if (submitted.status < 300 || submitted.status >= 400) {
    throw new Error(`Signing in did not go on (status ${submitted.status}): is the account or password wrong?`);
  }

  // 3. The council's redirect back to the app's loopback address, with the code.
  ({ url, response } = await follow(new URL('/sign-in', url), submitted));
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost' && url.hostname !== '[::1]') {
    throw new Error(`Sign-in ended at ${where(url)}, not at the app's loopback address`);
  }
  return { loopbackStatus: response.status, loopbackText: await response.text() };
}

// Run as a program: `node browser-signin.mjs URL` (how the app runs a BROWSER command).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const url = process.argv[2];
  const logPath = process.env.CFP_E2E_BROWSER_LOG;
  if (!url) {
    await log('no URL given', logPath);
    process.exit(2);
  }
  try {
    const result = await signInLikeABrowser(url, {
      email: process.env.CFP_E2E_EMAIL || DEMO_CLIENT.email,
      password: process.env.CFP_E2E_PASSWORD || DEMO_CLIENT.password,
      logPath,
    });
    await log(`the app's loopback page answered ${result.loopbackStatus}`, logPath);
    process.exit(result.loopbackStatus < 400 ? 0 : 1);
  } catch (error) {
    await log(`failed: ${error instanceof Error ? error.message : 'unknown error'}`, logPath);
    process.exit(1);
  }
}
