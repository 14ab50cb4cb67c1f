// The first thing anyone sees: who runs this portal, and how to sign in, for mouse and keyboard alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { App, withApp } from '../harness/app.mjs';
import { walkTabOrder } from '../harness/keyboard.mjs';

test(
  'first screen names the council and offers sign in',
  withApp(async (app) => {
    await app.waitFor('h1');
    assert.notEqual((await app.text('h1')).trim(), '', 'the page has a non-empty main heading');
    assert.match(await app.text('body'), /Demo County Council/, "the demo profile's council is named");
    await app.waitForText('button, a.govuk-button', /^Sign in$/);
    await app.screenshot('first-screen');
  }),
);

test(
  'first screen can be used with the keyboard alone',
  withApp(async (app, t) => {
    await app.waitForText('button, a.govuk-button', /^Sign in$/);
    const stops = await walkTabOrder(app);
    t.diagnostic(`Tab order: ${stops.map((stop) => stop.description).join(' -> ')}`);
    assert.ok(stops.length >= 2, `Tab reaches the skip link and more (reached: ${stops.length})`);

    const [first] = stops;
    assert.match(first.description, /skip to main content/i, `the first Tab stop is the skip link, not ${first.description}`);
    assert.match(String(await app.attribute(first.element, 'href')), /^#/, 'the skip link jumps within the page');

    const invisible = stops.filter((stop) => stop.indicators.length === 0).map((stop) => stop.description);
    assert.deepEqual(invisible, [], 'every Tab stop shows a visible focus style');
    assert.ok(
      stops.some((stop) => /"Sign in"/.test(stop.description)),
      `Tab reaches "Sign in"; stops were:\n${stops.map((s) => s.description).join('\n')}`,
    );
    const signIn = stops.find((stop) => /"Sign in"/.test(stop.description));
    assert.ok(signIn && App.same(signIn.element, await app.waitForText('button, a.govuk-button', /^Sign in$/)));
  }),
);

test(
  'first screen passes the WCAG 2.2 A and AA audit',
  withApp(async (app) => {
    await app.waitForText('button, a.govuk-button', /^Sign in$/);
    await app.audit('first-screen');
  }),
);
