// The council's finance-team console, driven over HTTP as a staff member's browser would:
// sign in, find a pending access request and approve it. Journeys use it to give a demo account
// access (crates/council-finance/src/console.rs; the demo's staff are in its demo.rs).
import { CookieJar, hiddenField } from './browser-signin.mjs';

/** The demo's reviewer (council-finance demo data). */
export const DEMO_REVIEWER = { email: 'reviewer@council.example', password: 'demo reviewer copper meadow' };

/** A staff member's browser session with the console. */
export class ConsoleBrowser {
  /** @param {string} councilUrl  e.g. http://127.0.0.1:41234 */
  constructor(councilUrl) {
    this.base = new URL(councilUrl);
    this.jar = new CookieJar();
  }

  /**
   * One request without following redirects, keeping cookies.
   * @param {string} path
   * @param {Record<string, string>} [form]  posted as a form when given
   */
  async request(path, form) {
    /** @type {Record<string, string>} */
    const headers = {};
    if (this.jar.cookies.size > 0) headers.cookie = this.jar.header();
    /** @type {RequestInit} */
    const init = { headers, redirect: 'manual' };
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      init.method = 'POST';
      init.body = new URLSearchParams(form).toString();
    }
    const response = await fetch(new URL(path, this.base), init);
    this.jar.take(response);
    return response;
  }

  /**
   * The page at `path`, as text; fails unless it answers 200.
   * @param {string} path
   */
  async page(path) {
    const response = await this.request(path);
    if (response.status !== 200) throw new Error(`The console answered ${response.status} for ${path}`);
    return response.text();
  }

  /** @param {{ email: string, password: string }} staff */
  async signIn(staff) {
    const csrf = hiddenField(await this.page('/console/sign-in'), 'csrf_token');
    if (!csrf) throw new Error('The console sign-in page has no csrf_token');
    const response = await this.request('/console/sign-in', { csrf_token: csrf, ...staff });
    await response.body?.cancel();
    if (response.status !== 303) throw new Error(`Console sign-in did not go on (status ${response.status})`);
  }

  /** The ids of the requests waiting in the console's queue, in its order. */
  async pendingRequestIds() {
    const html = await this.page('/console');
    return [...new Set([...html.matchAll(/href="\/console\/requests\/([^"/?#]+)"/g)].map((m) => m[1] ?? ''))];
  }

  /**
   * Approve one request.
   * @param {string} requestId
   */
  async approve(requestId) {
    const html = await this.page(`/console/requests/${requestId}`);
    // The approve form's hidden fields: the CSRF token, and the version and matched person on
    // screen (the console refuses a decision about any other version).
    /** @type {Record<string, string>} */
    const form = {};
    for (const name of ['csrf_token', 'version', 'person_id']) {
      const value = hiddenField(html, name);
      if (!value) throw new Error(`The request page has no ${name}`);
      form[name] = value;
    }
    const response = await this.request(`/console/requests/${requestId}/approve`, form);
    await response.body?.cancel();
    if (response.status >= 400) throw new Error(`Approving the request failed (status ${response.status})`);
  }
}

/**
 * Sign in to the console as the demo reviewer and approve the only pending request (in the demo
 * data: Chloe Bennett's request for her own documents). Returns its id.
 * @param {string} councilUrl
 */
export async function approveTheDemoPendingRequest(councilUrl) {
  const console = new ConsoleBrowser(councilUrl);
  await console.signIn(DEMO_REVIEWER);
  const pending = await console.pendingRequestIds();
  if (pending.length !== 1 || !pending[0]) {
    throw new Error(`Expected one pending request in the demo, found ${pending.length}`);
  }
  await console.approve(pending[0]);
  return pending[0];
}
