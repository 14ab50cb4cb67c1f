// Shared by the component tests: a fake Tauri shell (mockIPC) and a real mount of the app.

import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { mount, tick, unmount } from "svelte";
import App from "../App.svelte";
import type { SessionView } from "../lib/bindings/SessionView";
import type { AppInfo } from "../lib/ipc";
import { router } from "../lib/router.svelte";
import { appSession } from "../lib/session.svelte";

export const TEST_APP_INFO: AppInfo = {
  councilName: "Demo County Council",
  serviceName: "Client Finance Portal",
  contactEmail: "finance.team@demo-county.example",
  contactPhone: "01632 960 123",
  helpText: "Our finance team works Monday to Friday, 9am to 5pm.",
  appVersion: "0.1.0",
  mode: "home",
};

/** Nobody signed in: the app starts at Welcome. Every fake shell answers `session` with this
 * unless the test gives its own answer. */
export const SIGNED_OUT: SessionView = {
  state: "signedOut",
  mode: "home",
  idle: { afterSeconds: 900, warnBeforeSeconds: 60, action: "lock" },
  keyProtection: "notSetUp",
  offline: false,
};

/** "Sample Person" signed in on a home computer (the store key in the keychain). */
export const SIGNED_IN: SessionView = {
  ...SIGNED_OUT,
  state: "signedIn",
  user: { name: "Sample Person", email: "sample.person@example.org" },
  keyProtection: "keychain",
};

type Handler = (args: unknown) => unknown;

/** Pretend to be the Tauri shell. Returns the list of commands the UI called, in order.
 * Events are faked too: `emit` from @tauri-apps/api/event reaches the app's listeners. */
export function fakeShell(handlers: Record<string, Handler>): string[] {
  const calls: string[] = [];
  const answers: Record<string, Handler> = { session: () => SIGNED_OUT, ...handlers };
  mockIPC((command, args) => {
    // The event plumbing (listening for the shell's events) is not one of the app's commands.
    if (!command.startsWith("plugin:event|")) calls.push(command);
    const handler = answers[command];
    if (!handler) throw new Error(`The test gave no answer for the command ${command}`);
    return handler(args);
  }, { shouldMockEvents: true });
  return calls;
}

/** Remove every trace of the fake shell, so the next test starts outside the app. */
export function removeFakeShell(): void {
  clearMocks();
  Reflect.deleteProperty(window, "__TAURI_INTERNALS__");
  Reflect.deleteProperty(window, "__TAURI_EVENT_PLUGIN_INTERNALS__");
}

let mounted: ReturnType<typeof mount> | undefined;

/** Mount the whole app into document.body and wait for its first screen. */
export async function startApp(): Promise<void> {
  // What ui/index.html sets before the app starts.
  document.documentElement.lang = "en-GB";
  document.documentElement.classList.add("govuk-template");
  document.body.classList.add("govuk-template__body");
  mounted = mount(App, { target: document.body });
  await settle();
}

export function stopApp(): void {
  if (mounted) unmount(mounted);
  mounted = undefined;
  // Also cancels a retry the session set while offline, so it never runs in a later test.
  appSession.clear();
  document.body.innerHTML = "";
  document.title = "";
  router.reset();
}

/** Let promises resolve and Svelte re-render. */
export async function settle(): Promise<void> {
  for (let round = 0; round < 5; round += 1) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await tick();
  }
}

/** The one element matching `selector` whose text matches `text`; fails loudly otherwise. */
export function getByText<E extends Element = HTMLElement>(selector: string, text: RegExp): E {
  const matches = [...document.querySelectorAll<E>(selector)].filter((element) =>
    text.test(element.textContent?.replace(/\s+/g, " ").trim() ?? ""),
  );
  if (matches.length !== 1) {
    throw new Error(`Expected one ${selector} with text ${text}, found ${matches.length}`);
  }
  return matches[0] as E;
}

export function mainHeading(): HTMLElement {
  const heading = document.querySelector<HTMLElement>("#main-content h1");
  if (!heading) throw new Error("The page has no main heading");
  return heading;
}

export function normalisedText(element: Element): string {
  return element.textContent?.replace(/\s+/g, " ").trim() ?? "";
}
