// The inactivity warning in the real app, with a fake clock: it opens after the quiet period,
// counts down, speaks at the start and at 10 seconds only, can be extended (button or Escape),
// and on expiry locks (home) or signs out and clears everything (kiosk).
import { emit as emitFromShell } from "@tauri-apps/api/event";
import { tick } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionView } from "../lib/bindings/SessionView";
import {
  fakeShell,
  getByText,
  mainHeading,
  normalisedText,
  removeFakeShell,
  SIGNED_IN,
  SIGNED_OUT,
  startApp,
  stopApp,
  TEST_APP_INFO,
} from "../test/support";

const HOME: SessionView = { ...SIGNED_IN, idle: { afterSeconds: 60, warnBeforeSeconds: 20, action: "lock" } };
const KIOSK: SessionView = {
  ...SIGNED_IN,
  mode: "kiosk",
  keyProtection: "memoryOnly",
  idle: { afterSeconds: 300, warnBeforeSeconds: 30, action: "clearEverything" },
};

const quiet = {
  people: () => [],
  sync_now: () => ({
    offline: false,
    peopleSynced: 0,
    newDocuments: 0,
    updatedDocuments: 0,
    peopleRemoved: 0,
    requestsSent: 0,
    summary: "Everything is up to date.",
    problems: [],
    finishedAt: "2026-11-30T10:00:00Z",
  }),
};

/** Move the fake clock on, letting promises and Svelte catch up. */
async function wait(seconds: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(seconds * 1000);
  for (let round = 0; round < 5; round += 1) {
    await vi.advanceTimersByTimeAsync(1);
    await tick();
  }
}

/** startApp waits on timers, so turn the fake clock's zero-delay timers over until it is done. */
async function startUnderFakeClock(): Promise<void> {
  let started = false;
  void startApp().then(
    () => (started = true),
    (e: unknown) => console.info("start failed", String(e)),
  );
  for (let round = 0; round < 100 && !started; round += 1) await vi.advanceTimersByTimeAsync(1);
  expect(started).toBe(true);
}

/** Svelte sets `inert` as a property (jsdom does not reflect it to the attribute). */
function pageBehindIsInert(): boolean {
  const page = document.querySelector<HTMLElement>(".app-page")!;
  return page.inert === true || page.hasAttribute("inert");
}

function dialog(): HTMLElement | null {
  return document.querySelector<HTMLElement>("[role=alertdialog]");
}

function spoken(): string {
  return dialog()?.querySelector("[aria-live]")?.textContent?.trim() ?? "";
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
});

afterEach(() => {
  stopApp();
  removeFakeShell();
  vi.useRealTimers();
});

async function startSignedIn(session: SessionView, extra: Record<string, (args: unknown) => unknown> = {}) {
  const calls = fakeShell({ app_info: () => TEST_APP_INFO, session: () => session, ...quiet, ...extra });
  await startUnderFakeClock();
  return calls;
}

describe("the inactivity warning (home: the app locks)", () => {
  it("opens after the quiet period, as an accessible modal dialog with focus inside", async () => {
    await startSignedIn(HOME);
    await wait(39);
    expect(dialog()).toBeNull();

    await wait(1);

    const box = dialog()!;
    expect(box).not.toBeNull();
    expect(box.getAttribute("aria-modal")).toBe("true");
    expect(normalisedText(document.getElementById(box.getAttribute("aria-labelledby")!)!)).toBe(
      "The app will lock soon",
    );
    expect(normalisedText(document.getElementById(box.getAttribute("aria-describedby")!)!)).toContain(
      "The app will lock in 20 seconds.",
    );
    expect(document.activeElement).toBe(getByText("button", /^Keep using the app$/));
    // The page behind cannot be reached while the dialog is open.
    expect(pageBehindIsInert()).toBe(true);
  });

  it("restarts the quiet period on any key press or click", async () => {
    await startSignedIn(HOME);
    await wait(30);
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "a" }));
    await wait(30);
    expect(dialog()).toBeNull(); // 60 s since start, but only 30 s since the key press

    document.body.dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
    await wait(39);
    expect(dialog()).toBeNull();
    await wait(1);
    expect(dialog()).not.toBeNull();
  });

  it("counts down every second but speaks only at the start and at 10 seconds", async () => {
    await startSignedIn(HOME);
    await wait(40);
    const visible = () => normalisedText(dialog()!.querySelector("[aria-hidden=true]")!);
    expect(visible()).toBe("The app will lock in 20 seconds.");
    expect(spoken()).toBe("");

    await wait(5);
    expect(visible()).toBe("The app will lock in 15 seconds.");
    expect(spoken()).toBe("");

    await wait(5);
    expect(visible()).toBe("The app will lock in 10 seconds.");
    expect(spoken()).toBe("The app will lock in 10 seconds.");

    await wait(1);
    expect(spoken()).toBe("The app will lock in 10 seconds."); // not repeated each second
  });

  it("'Keep using the app' closes the warning and starts a full period again", async () => {
    const calls = await startSignedIn(HOME, { lock: () => ({ ...HOME, state: "locked" }) });
    await wait(40);
    getByText("button", /^Keep using the app$/).click();
    await wait(0);

    expect(dialog()).toBeNull();
    expect(pageBehindIsInert()).toBe(false);
    await wait(39);
    expect(dialog()).toBeNull();
    expect(calls).not.toContain("lock");
  });

  it("Escape means stay", async () => {
    await startSignedIn(HOME);
    await wait(40);
    dialog()!.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    await wait(0);

    expect(dialog()).toBeNull();
  });

  it("moving the mouse does not close the warning: only the button does", async () => {
    await startSignedIn(HOME);
    await wait(40);
    window.dispatchEvent(new MouseEvent("mousemove"));
    await wait(1);

    expect(dialog()).not.toBeNull();
  });

  it("keeps Tab inside the dialog", async () => {
    await startSignedIn(HOME);
    await wait(40);
    const button = getByText<HTMLButtonElement>("button", /^Keep using the app$/);
    const tab = new KeyboardEvent("keydown", { key: "Tab", bubbles: true, cancelable: true });
    button.dispatchEvent(tab);

    expect(tab.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(button);
  });

  it("locks when time runs out, and Unlock says why", async () => {
    const calls = await startSignedIn(HOME, { lock: () => ({ ...HOME, state: "locked" }) });
    await wait(60);

    expect(calls).toContain("lock");
    expect(dialog()).toBeNull();
    expect(normalisedText(mainHeading())).toContain("Unlock the app");
    expect(normalisedText(document.querySelector(".govuk-notification-banner")!)).toContain(
      "The app locked because it was not used for 1 minute.",
    );
    expect(pageBehindIsInert()).toBe(false);
  });
});

describe("the inactivity warning (kiosk: everything is cleared)", () => {
  it("warns that the person will be signed out, then signs out and says everything was removed", async () => {
    const calls = await startSignedIn(KIOSK, {
      sign_out: () => ({ ...SIGNED_OUT, mode: "kiosk", keyProtection: "memoryOnly" }),
    });
    await wait(270);
    expect(normalisedText(dialog()!)).toContain("You will be signed out in 30 seconds.");
    getByText("button", /^Stay signed in$/);

    await wait(30);

    expect(calls).toContain("sign_out");
    expect(normalisedText(mainHeading())).toContain("See your care and support payments");
    expect(normalisedText(document.querySelector(".govuk-notification-banner--success")!)).toContain(
      "Your information has been removed from this computer.",
    );
  });
});

describe("activity reported to the app (kiosk: the app keeps the idle timeout too)", () => {
  it("reports use at most every 30 seconds, and at once when the person stays", async () => {
    const calls = await startSignedIn(KIOSK, { still_here: () => null });
    const reports = () => calls.filter((command) => command === "still_here").length;
    expect(reports()).toBe(0); // the app started its own period at sign-in

    // A key every 5 seconds for a minute: reported at the first key and 30 seconds later.
    for (let second = 0; second < 60; second += 5) {
      window.dispatchEvent(new KeyboardEvent("keydown", { key: "a" }));
      await wait(5);
    }
    expect(reports()).toBe(2);

    // Quiet until the warning: nothing is reported, so the app's timer runs on too.
    await wait(270);
    expect(dialog()).not.toBeNull();
    expect(reports()).toBe(2);

    // "Stay signed in" starts a full period here and in the app at once.
    getByText("button", /^Stay signed in$/).click();
    await wait(1);
    expect(dialog()).toBeNull();
    expect(reports()).toBe(3);
  });

  it("shows the signed-out screen when the app ended the session on its own", async () => {
    const calls = await startSignedIn(KIOSK, {
      still_here: () => null,
      sign_out: () => ({ ...SIGNED_OUT, mode: "kiosk", keyProtection: "memoryOnly" }),
    });
    await emitFromShell("session-ended");
    await wait(1);

    expect(calls).toContain("sign_out");
    expect(normalisedText(mainHeading())).toContain("See your care and support payments");
    expect(normalisedText(document.querySelector(".govuk-notification-banner--success")!)).toContain(
      "Your information has been removed from this computer.",
    );
  });
});

describe("while nobody is signed in", () => {
  it("there is nothing to time out", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO });
    await startUnderFakeClock();
    await wait(3600);

    expect(dialog()).toBeNull();
  });
});
