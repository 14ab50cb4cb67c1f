// The installed app (CFP_APP_BINARY) opens on the first screen of the council built into it.
// Run by .ci/package-test through the end-to-end harness in tests/e2e (Xvfb, WebDriver).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withApp } from '../tests/e2e/harness/app.mjs';

const council = process.env.CFP_EXPECT_COUNCIL;

test(
  'the installed app shows the first screen of the council it was built for',
  withApp(
    async (app) => {
      assert.ok(council, 'CFP_EXPECT_COUNCIL names the council to look for');
      // The shell itself reports the council built into it (the app_info command).
      const info = await app.executeScript("return window.__TAURI_INTERNALS__.invoke('app_info');");
      assert.equal(info?.councilName, council, `app_info names the built-in council: ${JSON.stringify(info)}`);
      await app.waitFor('h1');
      assert.notEqual((await app.text('h1')).trim(), '', 'the page has a main heading');
      await app.waitForText('button, a.govuk-button', /^Sign in$/);
      const body = await app.text('body');
      assert.ok(body.includes(council), `the first screen names ${council}; it shows:\n${body}`);
      assert.doesNotMatch(body, /Demo County Council/, 'not the demo council');
      assert.match(await app.session.title(), /Client Finance Portal/, 'the window title names the app');
      await app.screenshot('installed-first-screen');
    },
    // No CFP_PROFILE: the app must find the council built into it by itself.
    { env: { CFP_PROFILE: undefined } },
  ),
);
