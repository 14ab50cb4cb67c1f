// A small W3C WebDriver client over fetch: just the commands the journeys use.
// Spec: https://www.w3.org/TR/webdriver2/

/** The key under which W3C WebDriver puts an element's id. */
export const ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';

/** Longest any single WebDriver command may take before we give up on it. */
const COMMAND_TIMEOUT_MS = 60_000;

/**
 * An element as WebDriver returns it; it can be passed straight back as a script argument.
 * @typedef {{ [ELEMENT_KEY]: string }} ElementRef
 */

/** A WebDriver command that the remote end answered with an error. */
export class WebDriverError extends Error {
  /**
   * @param {string} command
   * @param {number} status
   * @param {string} error  the W3C error code, e.g. "no such element"
   * @param {string} message
   */
  constructor(command, status, error, message) {
    super(`WebDriver ${command} failed (${status} ${error}): ${message}`);
    this.name = 'WebDriverError';
    this.status = status;
    this.error = error;
  }
}

/**
 * Send one WebDriver command and return its `value`.
 * @param {string} baseUrl
 * @param {'GET' | 'POST' | 'DELETE'} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {number} [timeoutMs]
 * @returns {Promise<any>}
 */
export async function webdriverRequest(baseUrl, method, path, body, timeoutMs = COMMAND_TIMEOUT_MS) {
  const command = `${method} ${path}`;
  const response = await fetch(baseUrl + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  /** @type {any} */
  let payload;
  try {
    payload = JSON.parse(text);
  } catch {
    throw new WebDriverError(command, response.status, 'invalid response', text.slice(0, 500));
  }
  const value = payload?.value;
  if (!response.ok || (value && typeof value === 'object' && 'error' in value && value.error)) {
    throw new WebDriverError(command, response.status, value?.error ?? 'unknown', value?.message ?? text.slice(0, 500));
  }
  return value;
}

/** One WebDriver session: one app window. */
export class WebDriverSession {
  /**
   * @param {string} baseUrl
   * @param {string} id
   */
  constructor(baseUrl, id) {
    this.baseUrl = baseUrl;
    this.id = id;
  }

  /**
   * Open a session. Capabilities are passed through untouched.
   * @param {string} baseUrl
   * @param {object} capabilities  the `capabilities` object of New Session
   * @param {number} timeoutMs
   */
  static async create(baseUrl, capabilities, timeoutMs) {
    const value = await webdriverRequest(baseUrl, 'POST', '/session', { capabilities }, timeoutMs);
    if (!value?.sessionId) throw new Error(`New Session returned no session id: ${JSON.stringify(value)}`);
    return new WebDriverSession(baseUrl, value.sessionId);
  }

  /**
   * @param {'GET' | 'POST' | 'DELETE'} method
   * @param {string} path  relative to the session, e.g. '/element'
   * @param {unknown} [body]
   */
  command(method, path, body) {
    return webdriverRequest(this.baseUrl, method, `/session/${this.id}${path}`, body);
  }

  /** @param {{ script?: number, pageLoad?: number, implicit?: number }} timeouts */
  setTimeouts(timeouts) {
    return this.command('POST', '/timeouts', timeouts);
  }

  /**
   * @param {string} css
   * @returns {Promise<ElementRef>}
   */
  findElement(css) {
    return this.command('POST', '/element', { using: 'css selector', value: css });
  }

  /**
   * @param {string} css
   * @returns {Promise<ElementRef[]>}
   */
  findElements(css) {
    return this.command('POST', '/elements', { using: 'css selector', value: css });
  }

  /** @returns {Promise<ElementRef>} */
  activeElement() {
    return this.command('GET', '/element/active');
  }

  /** @param {ElementRef} element */
  click(element) {
    return this.command('POST', `/element/${element[ELEMENT_KEY]}/click`, {});
  }

  /** @param {ElementRef} element */
  clear(element) {
    return this.command('POST', `/element/${element[ELEMENT_KEY]}/clear`, {});
  }

  /**
   * @param {ElementRef} element
   * @param {string} text
   */
  sendKeys(element, text) {
    return this.command('POST', `/element/${element[ELEMENT_KEY]}/value`, { text });
  }

  /**
   * @param {ElementRef} element
   * @returns {Promise<string>}
   */
  text(element) {
    return this.command('GET', `/element/${element[ELEMENT_KEY]}/text`);
  }

  /**
   * @param {ElementRef} element
   * @param {string} name
   * @returns {Promise<string | null>}
   */
  attribute(element, name) {
    return this.command('GET', `/element/${element[ELEMENT_KEY]}/attribute/${encodeURIComponent(name)}`);
  }

  /**
   * @param {ElementRef} element
   * @returns {Promise<boolean>}
   */
  isDisplayed(element) {
    return this.command('GET', `/element/${element[ELEMENT_KEY]}/displayed`);
  }

  /**
   * Run a function body in the page; `arguments` holds args.
   * @param {string} script
   * @param {unknown[]} [args]
   */
  execute(script, args = []) {
    return this.command('POST', '/execute/sync', { script, args });
  }

  /**
   * Run a function body in the page whose last argument is a callback to call with the result.
   * @param {string} script
   * @param {unknown[]} [args]
   */
  executeAsync(script, args = []) {
    return this.command('POST', '/execute/async', { script, args });
  }

  /** @param {object[]} actions  input sources, as in Perform Actions */
  async performActions(actions) {
    await this.command('POST', '/actions', { actions });
    await this.command('DELETE', '/actions');
  }

  /** @returns {Promise<Buffer>} a PNG of the window's viewport */
  async screenshot() {
    const base64 = await this.command('GET', '/screenshot');
    return Buffer.from(base64, 'base64');
  }

  /** @returns {Promise<string>} */
  title() {
    return this.command('GET', '/title');
  }

  /** End the session; the driver closes the app. */
  delete() {
    return webdriverRequest(this.baseUrl, 'DELETE', `/session/${this.id}`, undefined, 15_000);
  }
}

/**
 * Is this WebDriver server ready for a new session?
 * @param {string} baseUrl
 */
export async function driverIsReady(baseUrl) {
  const value = await webdriverRequest(baseUrl, 'GET', '/status', undefined, 2_000);
  return value?.ready === true;
}
