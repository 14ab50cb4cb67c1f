// The session flow through the real app: which screen shows at start, signing in through the
// browser (pending, cancel, errors), unlocking, signing out, and kiosk mode.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SessionView } from "./lib/bindings/SessionView";
import {
  fakeShell,
  getByText,
  mainHeading,
  normalisedText,
  removeFakeShell,
  settle,
  SIGNED_IN,
  SIGNED_OUT,
  startApp,
  stopApp,
  TEST_APP_INFO,
} from "./test/support";

afterEach(() => {
  stopApp();
  removeFakeShell();
  vi.restoreAllMocks();
});

const LOCKED_WITH_PASSPHRASE: SessionView = { ...SIGNED_IN, state: "locked", keyProtection: "passphrase" };
const KIOSK_INFO = { ...TEST_APP_INFO, mode: "kiosk" as const };
const KIOSK_SIGNED_IN: SessionView = {
  ...SIGNED_IN,
  mode: "kiosk",
  keyProtection: "memoryOnly",
  idle: { afterSeconds: 300, warnBeforeSeconds: 20, action: "clearEverything" },
};

/** A promise the test settles by hand, for a command that waits (sign_in waits for the browser). */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Answers for a signed-in Home with nobody to show and nothing to sync. */
const quietHome = {
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

describe("at start the app asks the shell where the session stands", () => {
  it("shows Welcome when nobody is signed in", async () => {
    const calls = fakeShell({ app_info: () => TEST_APP_INFO, session: () => SIGNED_OUT });
    await startApp();

    expect(calls).toEqual(["app_info", "session"]);
    expect(normalisedText(mainHeading())).toContain("See your care and support payments");
  });

  it("shows Welcome when the shell cannot say (and shows no raw error)", async () => {
    fakeShell({
      app_info: () => TEST_APP_INFO,
      session: () => {
        throw "command session not found";
      },
    });
    await startApp();

    expect(normalisedText(mainHeading())).toContain("See your care and support payments");
    expect(document.body.textContent).not.toContain("not found");
  });

  it("shows Unlock when the app is locked", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO, session: () => LOCKED_WITH_PASSPHRASE });
    await startApp();

    expect(normalisedText(mainHeading())).toContain("Unlock the app");
    expect(document.title).toBe("Unlock the app - Client Finance Portal");
    expect(document.querySelector("#passphrase")).not.toBeNull();
  });

  it("shows Home when someone is signed in", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO, session: () => SIGNED_IN, ...quietHome });
    await startApp();

    expect(document.title).toBe("Home - Client Finance Portal");
    expect(normalisedText(mainHeading())).toContain("You cannot see any payments yet");
    // Signed in: Home and Settings are always one step away.
    getByText("nav[aria-label=Main] a", /^Settings$/);
  });

  it("leads the service name in the header to Home once signed in, not back to Welcome", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO, session: () => SIGNED_IN, ...quietHome });
    await startApp();
    getByText("nav[aria-label=Main] a", /^Settings$/).click();
    await settle();

    getByText("header a", /^Client Finance Portal$/).click();
    await settle();

    expect(document.title).toBe("Home - Client Finance Portal");
  });
});

describe("signing in", () => {
  it("shows 'Continue in your browser' while the browser is open, then Home", async () => {
    const browser = deferred<SessionView>();
    const calls = fakeShell({ app_info: () => TEST_APP_INFO, sign_in: () => browser.promise, ...quietHome });
    await startApp();

    getByText("button", /^Sign in$/).click();
    await settle();

    expect(normalisedText(mainHeading())).toContain("Continue in your browser");
    expect(document.activeElement).toBe(mainHeading());
    expect(document.querySelector(".govuk-back-link")).toBeNull(); // Cancel is the way back
    const help = getByText("details", /If nothing opened/);
    expect(normalisedText(help)).toContain("taskbar");
    expect(normalisedText(help)).toContain(TEST_APP_INFO.contactPhone);
    expect(normalisedText(help)).toContain(TEST_APP_INFO.contactEmail);

    browser.resolve(SIGNED_IN);
    await settle();

    expect(normalisedText(mainHeading())).toContain("You cannot see any payments yet");
    expect(document.activeElement).toBe(mainHeading());
    expect(document.querySelector(".govuk-back-link")).toBeNull(); // a fresh start: no way back to sign-in
    // Signing in syncs once by itself.
    expect(calls).toEqual(["app_info", "session", "sign_in", "people", "sync_now", "people"]);
  });

  it("'Create an account' waits the same way, through create_account", async () => {
    const browser = deferred<SessionView>();
    const calls = fakeShell({ app_info: () => TEST_APP_INFO, create_account: () => browser.promise, ...quietHome });
    await startApp();

    getByText("a", /^Create an account$/).click();
    await settle();

    expect(calls).toContain("create_account");
    expect(normalisedText(mainHeading())).toContain("Continue in your browser");
    expect(normalisedText(document.querySelector("#main-content")!)).toContain("creating an account");
    browser.resolve(SIGNED_IN);
    await settle();
    expect(document.title).toBe("Home - Client Finance Portal");
  });

  it("Cancel stops waiting and goes back to Welcome, ignoring the browser's late answer", async () => {
    const browser = deferred<SessionView>();
    const calls = fakeShell({
      app_info: () => TEST_APP_INFO,
      sign_in: () => browser.promise,
      cancel_sign_in: () => {
        browser.reject({ code: "unavailable", message: "Signing in was cancelled." });
        return null;
      },
    });
    await startApp();
    getByText("button", /^Sign in$/).click();
    await settle();

    getByText("button", /^Cancel$/).click();
    await settle();

    expect(calls).toEqual(["app_info", "session", "sign_in", "cancel_sign_in"]);
    expect(normalisedText(mainHeading())).toContain("See your care and support payments");
    expect(document.activeElement).toBe(mainHeading());
    expect(document.querySelector(".govuk-error-summary")).toBeNull();
  });

  it.each([
    ["offline", "You are not connected to the internet. Check your connection and try again."],
    ["unauthorised", "The council did not accept your sign-in. Please try again."],
  ])("shows a %s error from the shell in an error summary on Welcome", async (code, message) => {
    const logs = [vi.spyOn(console, "log"), vi.spyOn(console, "error"), vi.spyOn(console, "warn")];
    fakeShell({
      app_info: () => TEST_APP_INFO,
      sign_in: () => {
        throw { code, message };
      },
    });
    await startApp();

    getByText("button", /^Sign in$/).click();
    await settle();

    expect(normalisedText(mainHeading())).toContain("See your care and support payments");
    const summary = document.querySelector<HTMLElement>(".govuk-error-summary")!;
    expect(normalisedText(summary)).toContain(message);
    expect(document.activeElement).toBe(summary);
    for (const spy of logs) expect(spy).not.toHaveBeenCalled();
  });

  it("a second press while waiting opens no second browser", async () => {
    const browser = deferred<SessionView>();
    const calls = fakeShell({ app_info: () => TEST_APP_INFO, sign_in: () => browser.promise, ...quietHome });
    await startApp();
    const button = getByText<HTMLButtonElement>("button", /^Sign in$/);
    button.click();
    button.click();
    await settle();

    expect(calls.filter((c) => c === "sign_in")).toHaveLength(1);
    browser.resolve(SIGNED_IN);
    await settle();
  });
});

describe("unlocking", () => {
  it("asks for the passphrase before calling unlock", async () => {
    const calls = fakeShell({ app_info: () => TEST_APP_INFO, session: () => LOCKED_WITH_PASSPHRASE });
    await startApp();

    getByText("button", /^Unlock$/).click();
    await settle();

    expect(calls).not.toContain("unlock");
    const summary = document.querySelector<HTMLElement>(".govuk-error-summary")!;
    expect(normalisedText(summary)).toContain("Enter your passphrase");
    expect(document.activeElement).toBe(summary);
    expect(document.querySelector("#passphrase")!.getAttribute("aria-describedby")).toBe("passphrase-error");
  });

  it("shows a wrong passphrase beside the field", async () => {
    fakeShell({
      app_info: () => TEST_APP_INFO,
      session: () => LOCKED_WITH_PASSPHRASE,
      unlock: () => {
        throw { code: "storeLocked", message: "That passphrase is not right. Nothing was changed. Please try again." };
      },
    });
    await startApp();
    const field = document.querySelector<HTMLInputElement>("#passphrase")!;
    field.value = "wrong words here";
    field.dispatchEvent(new Event("input"));
    getByText("button", /^Unlock$/).click();
    await settle();

    expect(normalisedText(document.querySelector("#passphrase-error")!)).toContain("That passphrase is not right");
    expect(document.querySelector(".govuk-form-group--error")).not.toBeNull();
    // The error summary links to the field, as GOV.UK's pattern asks.
    expect(document.querySelector('.govuk-error-summary a[href="#passphrase"]')).not.toBeNull();
  });

  it("unlocks with the passphrase and goes Home", async () => {
    const given: unknown[] = [];
    fakeShell({
      app_info: () => TEST_APP_INFO,
      session: () => LOCKED_WITH_PASSPHRASE,
      unlock: (args) => {
        given.push(args);
        return { ...SIGNED_IN, keyProtection: "passphrase" };
      },
      ...quietHome,
    });
    await startApp();
    const field = document.querySelector<HTMLInputElement>("#passphrase")!;
    field.value = "kettle orange bicycle";
    field.dispatchEvent(new Event("input"));
    getByText("button", /^Unlock$/).click();
    await settle();

    expect(given).toEqual([{ passphrase: "kettle orange bicycle" }]);
    expect(document.title).toBe("Home - Client Finance Portal");
  });

  it("'Forgotten your passphrase?' signs in again instead", async () => {
    const browser = deferred<SessionView>();
    const calls = fakeShell({
      app_info: () => TEST_APP_INFO,
      session: () => LOCKED_WITH_PASSPHRASE,
      sign_in: () => browser.promise,
      ...quietHome,
    });
    await startApp();

    getByText("a", /^Forgotten your passphrase\? Sign in again instead$/).click();
    await settle();

    expect(calls).toContain("sign_in");
    expect(normalisedText(mainHeading())).toContain("Continue in your browser");
    browser.resolve(SIGNED_IN);
    await settle();
    expect(document.title).toBe("Home - Client Finance Portal");
  });

  it("offers only 'Sign in' when there is no passphrase (the key is in the keychain)", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO, session: () => ({ ...SIGNED_IN, state: "locked" }) });
    await startApp();

    expect(document.querySelector("#passphrase")).toBeNull();
    getByText("#main-content button", /^Sign in$/);
  });
});

describe("signing out from the links under the header", () => {
  it("signs out and returns to Welcome, which says so", async () => {
    const calls = fakeShell({
      app_info: () => TEST_APP_INFO,
      session: () => SIGNED_IN,
      sign_out: () => SIGNED_OUT,
      ...quietHome,
    });
    await startApp();

    getByText("nav[aria-label=Main] a", /^Sign out$/).click();
    await settle();

    expect(calls).toContain("sign_out");
    expect(normalisedText(mainHeading())).toContain("See your care and support payments");
    expect(document.activeElement).toBe(mainHeading());
    getByText(".govuk-notification-banner p", /^You have signed out\.$/);
    expect(document.querySelector("nav[aria-label=Main]")).toBeNull();
  });

  it("is not offered in kiosk mode, where 'Finish and remove my information' does it", async () => {
    fakeShell({ app_info: () => KIOSK_INFO, session: () => KIOSK_SIGNED_IN, ...quietHome });
    await startApp();

    expect([...document.querySelectorAll("nav[aria-label=Main] a")].map(normalisedText)).toEqual(["Home", "Settings"]);
  });
});

describe("on a shared computer (kiosk mode)", () => {
  it("shows the shared-computer banner and the finish button on every screen", async () => {
    fakeShell({ app_info: () => KIOSK_INFO, session: () => SIGNED_OUT });
    await startApp();

    const banner = getByText(".govuk-notification-banner", /This is a shared computer/);
    expect(normalisedText(banner)).toContain("When you finish, press 'Finish and remove my information'.");
    getByText("button", /^Finish and remove my information$/);

    getByText("footer a", /^Help$/).click();
    await settle();
    getByText(".govuk-notification-banner", /This is a shared computer/);
    getByText("button", /^Finish and remove my information$/);
  });

  it("'Finish and remove my information' signs out and says everything was removed", async () => {
    const calls = fakeShell({
      app_info: () => KIOSK_INFO,
      session: () => KIOSK_SIGNED_IN,
      sign_out: () => ({ ...SIGNED_OUT, mode: "kiosk", keyProtection: "memoryOnly" }),
      ...quietHome,
    });
    await startApp();
    expect(document.title).toBe("Home - Client Finance Portal");

    getByText("button", /^Finish and remove my information$/).click();
    await settle();

    expect(calls).toContain("sign_out");
    expect(normalisedText(mainHeading())).toContain("See your care and support payments");
    const notice = getByText(".govuk-notification-banner--success", /removed/);
    expect(normalisedText(notice)).toContain("Your information has been removed from this computer.");
    expect(notice.getAttribute("role")).toBe("alert");
  });

  it("shows no kiosk banner on a home computer", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO });
    await startApp();

    expect(document.body.textContent).not.toContain("shared computer");
    expect(document.body.textContent).not.toContain("Finish and remove");
  });
});

describe("the offline indicator", () => {
  it("shows an Offline tag in the header area while the council cannot be reached", async () => {
    fakeShell({
      app_info: () => TEST_APP_INFO,
      session: () => ({ ...SIGNED_IN, offline: true }),
      people: () => [],
      sync_now: () => {
        throw { code: "offline", message: "You are offline." };
      },
    });
    await startApp();

    getByText(".app-session-bar .govuk-tag", /^Offline$/);
    getByText("#main-content p", /You are offline\. You can still see everything saved on this computer\./);
  });
});

describe("when the council has ended the sign-in", () => {
  it("a refused sync shows Welcome with the reason, not the last run's 'Everything is up to date'", async () => {
    let signedIn = true;
    let syncs = 0;
    fakeShell({
      app_info: () => TEST_APP_INFO,
      session: () => (signedIn ? SIGNED_IN : SIGNED_OUT),
      ...quietHome,
      sync_now: () => {
        syncs += 1;
        if (syncs === 1) return quietHome.sync_now();
        // The shell forgets the session as it answers.
        signedIn = false;
        throw { code: "unauthorised", message: "Your sign-in has ended. Please sign in again." };
      },
    });
    await startApp();
    await settle();
    (getByText("button", /^Check for new documents$/) as HTMLButtonElement).click();
    await settle();
    getByText("#main-content p", /^Everything is up to date\.$/);

    (getByText("button", /^Check for new documents$/) as HTMLButtonElement).click();
    await settle();
    expect(normalisedText(mainHeading())).toMatch(/See your care and support payments/);
    getByText(".govuk-notification-banner", /Your sign-in has ended\. Please sign in again\./);
    expect(normalisedText(document.body)).not.toMatch(/Everything is up to date/);
  });
});
