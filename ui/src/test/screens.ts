// Mounting one screen on its own, inside a page frame like App's, with a fake Tauri shell
// behind ipc.ts. Used by the documents, advice, access-request and statement screen tests, so
// they do not depend on the session flow that decides which screen App shows first.

import { mockIPC } from "@tauri-apps/api/mocks";
import { mount, unmount, type Component } from "svelte";
import { focusPageHeading } from "../lib/focus";
import { router } from "../lib/router.svelte";
import type { Route, ScreenName, ScreenProps } from "../lib/routes";
import { screenFor } from "../screens/registry";
import { settle, TEST_APP_INFO } from "./support";

let mounted: ReturnType<typeof mount> | undefined;

/** Mount the screen for `route` inside <main id="main-content">, as App does, and wait for it
 * to load. Focus moves to its heading, as the router does on navigation. */
export async function showScreen(route: Route, app = TEST_APP_INFO): Promise<void> {
  document.documentElement.lang = "en-GB";
  document.body.innerHTML = "";
  const main = document.createElement("main");
  main.id = "main-content";
  main.className = "govuk-main-wrapper";
  document.body.append(main);
  router.reset(route);
  const Screen = screenFor(route) as Component<ScreenProps<ScreenName>>;
  mounted = mount(Screen, { target: main, props: { app, route } });
  await settle();
  focusPageHeading();
}

export function hideScreen(): void {
  if (mounted) unmount(mounted);
  mounted = undefined;
  document.body.innerHTML = "";
}

/** Fill a text box as a person would, so Svelte's bindings see it. */
export function type(selector: string, text: string): void {
  const field = document.querySelector<HTMLInputElement | HTMLSelectElement>(selector);
  if (!field) throw new Error(`No field ${selector}`);
  field.value = text;
  field.dispatchEvent(new Event(field instanceof HTMLSelectElement ? "change" : "input", { bubbles: true }));
}

export function choose(selector: string): void {
  const radio = document.querySelector<HTMLInputElement>(selector);
  if (!radio) throw new Error(`No radio ${selector}`);
  radio.click();
}

/** What the shell was asked, with its arguments. */
export type Call = { command: string; args: Record<string, unknown> };

type Handler = (args: Record<string, unknown>) => unknown;

/** Pretend to be the Tauri shell, recording each command with its arguments. */
export function recordingShell(handlers: Record<string, Handler>): Call[] {
  const calls: Call[] = [];
  mockIPC((command, args) => {
    const recorded = (args ?? {}) as Record<string, unknown>;
    calls.push({ command, args: recorded });
    const handler = handlers[command];
    if (!handler) throw new Error(`The test gave no answer for the command ${command}`);
    return handler(recorded);
  });
  return calls;
}

/** The arguments of the last call of `command`. */
export function lastArgs(calls: Call[], command: string): Record<string, unknown> {
  const found = calls.filter((call) => call.command === command).at(-1);
  if (!found) throw new Error(`The screen never called ${command}`);
  return found.args;
}
