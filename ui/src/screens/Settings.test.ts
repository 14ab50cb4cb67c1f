// Settings: lock after N minutes within the council's limits, a passphrase with validation in an
// error summary, removing this computer's data after a confirmation, signing out, and kiosk mode.
import { afterEach, describe, expect, it } from "vitest";
import type { SessionView } from "../lib/bindings/SessionView";
import type { SettingsView } from "../lib/bindings/SettingsView";
import { router } from "../lib/router.svelte";
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
} from "../test/support";

const SETTINGS: SettingsView = {
  lockAfterMinutes: 15,
  lockAfterMinMinutes: 5,
  lockAfterMaxMinutes: 60,
  keyProtection: "keychain",
  canSetPassphrase: true,
  canSaveFiles: true,
};

const KIOSK: SessionView = {
  ...SIGNED_IN,
  mode: "kiosk",
  keyProtection: "memoryOnly",
  idle: { afterSeconds: 300, warnBeforeSeconds: 30, action: "clearEverything" },
};

afterEach(() => {
  stopApp();
  removeFakeShell();
});

async function openSettings(
  handlers: Record<string, (args: unknown) => unknown> = {},
  session: SessionView = SIGNED_IN,
  info = TEST_APP_INFO,
) {
  const given: Array<[string, unknown]> = [];
  const record =
    (name: string, answer: (args: unknown) => unknown) =>
    (args: unknown): unknown => {
      given.push([name, args]);
      return answer(args);
    };
  const calls = fakeShell({
    app_info: () => info,
    session: () => session,
    people: () => [],
    sync_now: () => {
      throw { code: "offline", message: "You are offline." };
    },
    settings: () => SETTINGS,
    ...Object.fromEntries(Object.entries(handlers).map(([name, answer]) => [name, record(name, answer)])),
  });
  await startApp();
  await router.navigate({ screen: "settings" });
  await settle();
  return { calls, given };
}

function type(selector: string, value: string): void {
  const input = document.querySelector<HTMLInputElement>(selector)!;
  input.value = value;
  input.dispatchEvent(new Event("input"));
}

function errorSummary(): HTMLElement {
  const summary = document.querySelector<HTMLElement>(".govuk-error-summary");
  if (!summary) throw new Error("No error summary");
  return summary;
}

describe("locking after a period without use", () => {
  it("offers choices within the council's limits, starting at the current one", async () => {
    await openSettings();

    expect(normalisedText(mainHeading())).toContain("Settings");
    const select = document.querySelector<HTMLSelectElement>("#lockAfter")!;
    expect([...select.options].map((o) => o.value)).toEqual(["5", "10", "15", "20", "30", "45", "60"]);
    expect([...select.options].map((o) => o.textContent?.trim())).toContain("1 hour");
    expect(select.value).toBe("15");
    expect(document.querySelector("label[for=lockAfter]")).not.toBeNull();
  });

  it("saves the choice, refreshes the idle rule, and confirms", async () => {
    const { calls, given } = await openSettings({
      set_lock_after: (args) => ({ ...SETTINGS, lockAfterMinutes: (args as { minutes: number }).minutes }),
    });
    const select = document.querySelector<HTMLSelectElement>("#lockAfter")!;
    select.value = "30";
    select.dispatchEvent(new Event("change"));

    getByText("button", /^Save when the app locks$/).click();
    await settle();

    expect(given).toEqual([["set_lock_after", { minutes: 30 }]]);
    expect(calls.slice(-2)).toEqual(["set_lock_after", "session"]);
    expect(normalisedText(document.querySelector(".govuk-notification-banner--success")!)).toContain(
      "The app will now lock after 30 minutes without use.",
    );
    // The banner takes focus, so it is read out and scrolled into view above the form.
    expect(document.activeElement).toBe(document.querySelector(".govuk-notification-banner--success"));
  });
});

describe("setting a passphrase", () => {
  it("asks for a passphrase when none is typed", async () => {
    const { given } = await openSettings({ set_passphrase: () => SETTINGS });

    getByText("button", /^Save passphrase$/).click();
    await settle();

    expect(given).toEqual([]);
    const summary = errorSummary();
    expect(document.activeElement).toBe(summary);
    const link = getByText<HTMLAnchorElement>(".govuk-error-summary a", /^Enter a passphrase$/);
    expect(link.getAttribute("href")).toBe("#passphrase");
    link.click();
    expect(document.activeElement).toBe(document.querySelector("#passphrase"));
    expect(document.querySelector("#passphrase")!.getAttribute("aria-describedby")).toBe(
      "passphrase-hint passphrase-error",
    );
  });

  it("refuses a passphrase shorter than 8 characters, and two that differ", async () => {
    await openSettings({ set_passphrase: () => SETTINGS });
    type("#passphrase", "short");
    type("#confirm", "shirt");

    getByText("button", /^Save passphrase$/).click();
    await settle();

    const problems = [...errorSummary().querySelectorAll("li")].map(normalisedText);
    expect(problems).toEqual([
      "Your passphrase must be at least 8 characters long",
      "The two passphrases are different. Type the same passphrase twice",
    ]);
    expect(document.querySelectorAll(".govuk-form-group--error")).toHaveLength(2);
  });

  it("sends the passphrase, clears the fields and confirms", async () => {
    const { given } = await openSettings({ set_passphrase: () => ({ ...SETTINGS, keyProtection: "passphrase" }) });
    type("#passphrase", "kettle orange bicycle");
    type("#confirm", "kettle orange bicycle");

    getByText("button", /^Save passphrase$/).click();
    await settle();

    expect(given).toEqual([["set_passphrase", { passphrase: "kettle orange bicycle" }]]);
    expect(document.querySelector<HTMLInputElement>("#passphrase")!.value).toBe("");
    expect(document.querySelector(".govuk-error-summary")).toBeNull();
    getByText(".govuk-notification-banner--success p", /^Your passphrase is set\.$/);
  });

  it("shows the shell's refusal beside the field", async () => {
    await openSettings({
      set_passphrase: () => {
        throw { code: "invalidInput", message: "Please choose a passphrase of at least 8 characters." };
      },
    });
    type("#passphrase", "12345678");
    type("#confirm", "12345678");

    getByText("button", /^Save passphrase$/).click();
    await settle();

    getByText(".govuk-error-summary a", /^Please choose a passphrase of at least 8 characters\.$/);
    getByText("#passphrase-error", /Please choose a passphrase/);
  });

  it("lets people paste (nothing blocks it) and use a password manager", async () => {
    await openSettings();
    const field = document.querySelector<HTMLInputElement>("#passphrase")!;
    const paste = new Event("paste", { cancelable: true, bubbles: true });
    field.dispatchEvent(paste);

    expect(paste.defaultPrevented).toBe(false);
    expect(field.getAttribute("autocomplete")).toBe("new-password");
  });
});

describe("removing this computer's data", () => {
  it("asks first, and 'No' changes nothing", async () => {
    const { calls } = await openSettings({ remove_local_data: () => SIGNED_OUT });

    getByText("button", /^Remove my data$/).click();
    await settle();

    const question = getByText("h3", /^Are you sure you want to remove your data\?$/);
    expect(document.activeElement).toBe(question);
    getByText(".govuk-warning-text", /Every document saved on this computer will be deleted/);

    getByText("button", /^No, keep my data$/).click();
    await settle();
    expect(calls).not.toContain("remove_local_data");
    expect(document.activeElement).toBe(getByText("button", /^Remove my data$/));
  });

  it("removes the data after 'Yes', signs out and says so", async () => {
    const { calls } = await openSettings({ remove_local_data: () => SIGNED_OUT });

    getByText("button", /^Remove my data$/).click();
    await settle();
    getByText("button", /^Yes, remove my data$/).click();
    await settle();

    expect(calls).toContain("remove_local_data");
    expect(normalisedText(mainHeading())).toContain("See your care and support payments");
    getByText(".govuk-notification-banner--success p", /^Your data has been removed from this computer\.$/);
    expect(document.querySelector("nav[aria-label=Main]")).toBeNull();
  });
});

describe("signing out", () => {
  it("signs out and returns to Welcome", async () => {
    const { calls } = await openSettings({ sign_out: () => SIGNED_OUT });

    getByText("#main-content button", /^Sign out$/).click();
    await settle();

    expect(calls).toContain("sign_out");
    expect(normalisedText(mainHeading())).toContain("See your care and support payments");
    getByText(".govuk-notification-banner p", /^You have signed out\.$/);
  });

  it("shows why, if signing out failed", async () => {
    await openSettings({
      sign_out: () => {
        throw { code: "internal", message: "The app could not sign you out. Please try again." };
      },
    });

    getByText("#main-content button", /^Sign out$/).click();
    await settle();

    expect(normalisedText(errorSummary())).toContain("The app could not sign you out.");
    expect(normalisedText(mainHeading())).toContain("Settings");
  });
});

describe("on a shared computer", () => {
  it("hides the passphrase and removal, and explains why", async () => {
    await openSettings({}, KIOSK, { ...TEST_APP_INFO, mode: "kiosk" });

    expect(document.querySelector("#passphrase")).toBeNull();
    expect(document.querySelector("#lockAfter")).toBeNull();
    expect(document.body.textContent).not.toContain("Remove my data");
    const main = normalisedText(document.querySelector("#main-content")!);
    expect(main).toContain("Nothing is saved on this shared computer, so there is no passphrase to set");
    expect(main).toContain("If nobody uses the app for 5 minutes, it signs you out");
  });
});
