// Keyboard journeys: walk the Tab order as a person would, and check each stop shows focus.

/** @typedef {import('./webdriver.mjs').ElementRef} ElementRef */
/** @typedef {import('./app.mjs').App} App */
/** @typedef {Record<string, string>} Style */

/** Computed-style properties that can show focus. */
const FOCUS_PROPERTIES = [
  'outline-style',
  'outline-width',
  'outline-color',
  'box-shadow',
  'background-color',
  'color',
  'text-decoration-line',
  'border-top-color',
  'border-bottom-color',
];

const READ_STYLE = `
const [element, properties] = arguments;
const style = getComputedStyle(element);
return Object.fromEntries(properties.map((p) => [p, style.getPropertyValue(p)]));
`;

const UNFOCUSED_STYLES = `
const [properties] = arguments;
const focusable = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
return [...document.querySelectorAll(focusable)].map((element) => {
  const style = getComputedStyle(element);
  return [element, Object.fromEntries(properties.map((p) => [p, style.getPropertyValue(p)]))];
});
`;

/**
 * @typedef {object} FocusStop
 * @property {ElementRef} element
 * @property {string} description  e.g. `button.govuk-button "Sign in"`
 * @property {string[]} indicators  which style properties changed visibly on focus (empty: no visible focus)
 */

/**
 * Press Tab from the current focus until focus leaves the page or comes back round, recording each stop.
 * Call it when nothing has focus yet, so the first stop is the first thing a keyboard user reaches.
 * @param {App} app
 * @param {{ maxStops?: number }} [options]
 * @returns {Promise<FocusStop[]>}
 */
export async function walkTabOrder(app, { maxStops = 40 } = {}) {
  /** @type {Array<[ElementRef, Style]>} */
  const unfocused = await app.executeScript(UNFOCUSED_STYLES, FOCUS_PROPERTIES);
  /** @type {FocusStop[]} */
  const stops = [];
  for (let i = 0; i < maxStops; i += 1) {
    await app.pressKey('Tab');
    const element = await app.activeElement();
    const isBody = await app.executeScript('return arguments[0] === document.body;', element);
    if (isBody || (stops.length > 0 && sameElement(stops[0].element, element))) break;
    const before = unfocused.find(([candidate]) => sameElement(candidate, element))?.[1];
    const after = await app.executeScript(READ_STYLE, element, FOCUS_PROPERTIES);
    stops.push({
      element,
      description: await app.describe(element),
      // An element we could not snapshot unfocused cannot be shown to change: it counts as no indicator.
      indicators: before ? visibleChanges(before, after) : [],
    });
  }
  return stops;
}

/**
 * The style properties that changed in a way a person can see.
 * @param {Style} before
 * @param {Style} after
 */
export function visibleChanges(before, after) {
  return FOCUS_PROPERTIES.filter((property) => {
    if (before[property] === after[property]) return false;
    if (property.startsWith('outline-')) return outlineIsDrawn(after);
    if (property === 'box-shadow') return after[property] !== 'none';
    return true;
  });
}

/** @param {Style} style */
function outlineIsDrawn(style) {
  return (
    style['outline-style'] !== 'none' &&
    style['outline-width'] !== '0px' &&
    !/rgba\(0, 0, 0, 0\)|transparent/.test(style['outline-color'])
  );
}

/**
 * @param {ElementRef} a
 * @param {ElementRef} b
 */
function sameElement(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}
