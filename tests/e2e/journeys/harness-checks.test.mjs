// The harness's own safety checks must be able to fail, or a green run proves nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchApp, withApp } from '../harness/app.mjs';

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
  'the audit and the screenshot fail on what they are meant to catch',
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
    await assert.rejects(app.audit('planted-violations'), (error) => {
      assert.match(error.message, /image-alt/);
      assert.match(error.message, /button-name/);
      return true;
    });

    await app.executeScript(`
      document.body.innerHTML = '';
      document.documentElement.style.background = document.body.style.background = '#fff';
    `);
    await assert.rejects(app.screenshot('planted-blank-window'), /looks blank/);
  }),
);
