// The harness's own safety checks must be able to fail, or a green run proves nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchApp, withApp } from '../harness/app.mjs';
import { walkTabOrder } from '../harness/keyboard.mjs';

test('a missing app binary is reported with how to build it', async () => {
  const saved = process.env.CFP_APP_BINARY;
  process.env.CFP_APP_BINARY = '/nonexistent/client-finance-portal';
  try {
    await assert.rejects(launchApp({ name: 'missing binary' }), /binary is missing[\s\S]*Build it with: .*cargo build/);
  } finally {
    if (saved === undefined) delete process.env.CFP_APP_BINARY;
    else process.env.CFP_APP_BINARY = saved;
  }
});

test(
  'the audit, the keyboard walk and the screenshot fail on what they are meant to catch',
  withApp(async (app) => {
    await app.waitFor('h1');
    // An image with no text alternative and a button with no name: two WCAG A failures.
    await app.executeScript(`
      const img = document.createElement('img');
      img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
      img.width = 20; img.height = 20;
      const button = document.createElement('button');
      document.body.append(img, button);
    `);
    await assert.rejects(app.audit('planted-violations'), (/** @type {Error} */ error) => {
      assert.match(error.message, /image-alt/);
      assert.match(error.message, /button-name/);
      return true;
    });

    // A button whose focus cannot be seen: the keyboard walk must say so.
    await app.executeScript(`
      const hidden = document.createElement('button');
      hidden.textContent = 'Focus you cannot see';
      hidden.style.cssText = 'outline: none !important; box-shadow: none !important; background: #eee !important; color: #000 !important; border: 0 !important';
      document.body.append(hidden);
    `);
    const stops = await walkTabOrder(app);
    const hiddenStop = stops.find((stop) => /Focus you cannot see/.test(stop.description));
    assert.ok(hiddenStop, 'the walk reaches the planted button');
    assert.deepEqual(hiddenStop.indicators, [], 'the walk reports no visible focus on it');
    assert.ok(stops.some((stop) => stop.indicators.length > 0), 'the walk sees focus styles where there are some');

    await app.executeScript(`
      document.body.innerHTML = '';
      document.documentElement.style.background = document.body.style.background = '#fff';
    `);
    await assert.rejects(app.screenshot('planted-blank-window'), /looks blank/);
  }),
);
