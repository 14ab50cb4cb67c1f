// The app mounted for real in jsdom, with a fake Tauri shell behind ipc.ts.
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  fakeShell,
  getByText,
  mainHeading,
  normalisedText,
  removeFakeShell,
  settle,
  startApp,
  stopApp,
  TEST_APP_INFO,
} from "./test/support";

afterEach(() => {
  stopApp();
  removeFakeShell();
});

const NOT_READY = { code: "unavailable", message: "Signing in is not ready yet. Please try again later." };

function refuse(error: unknown) {
  return () => {
    throw error;
  };
}

describe("the welcome screen", () => {
  it("names the council from app_info", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO });
    await startApp();

    expect(normalisedText(mainHeading())).toBe("Demo County Council See your care and support payments");
    expect(normalisedText(document.querySelector("header")!)).toContain("Demo County Council");
    expect(document.title).toBe("See your care and support payments - Client Finance Portal");
    getByText("button.govuk-button--start", /^Sign in$/);
  });

  it("shows no preview label inside the app", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO });
    await startApp();

    expect(document.querySelector(".govuk-phase-banner")).toBeNull();
    expect(document.body.textContent).not.toMatch(/preview/i);
  });

  it("shows the error from sign_in in an error summary that takes focus", async () => {
    const console = [vi.spyOn(globalThis.console, "log"), vi.spyOn(globalThis.console, "error")];
    const calls = fakeShell({ app_info: () => TEST_APP_INFO, sign_in: refuse(NOT_READY) });
    await startApp();

    getByText("button", /^Sign in$/).click();
    await settle();

    expect(calls).toEqual(["app_info", "session", "sign_in"]);
    const summary = document.querySelector<HTMLElement>(".govuk-error-summary");
    expect(summary).not.toBeNull();
    expect(summary!.querySelector("[role=alert]")).not.toBeNull();
    expect(normalisedText(summary!)).toContain(NOT_READY.message);
    expect(document.activeElement).toBe(summary);
    // The message is for the person, not for logs.
    for (const spy of console) expect(spy).not.toHaveBeenCalled();
  });

  it("takes focus again when the same problem happens twice", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO, sign_in: refuse(NOT_READY) });
    await startApp();
    getByText("button", /^Sign in$/).click();
    await settle();
    // Welcome is drawn afresh after "Continue in your browser", so find the button again.
    const signIn = getByText("button", /^Sign in$/);
    signIn.focus();
    expect(document.activeElement).toBe(signIn);
    signIn.click();
    await settle();

    expect(document.querySelectorAll(".govuk-error-summary")).toHaveLength(1);
    expect(document.activeElement).toBe(document.querySelector(".govuk-error-summary"));
  });

  it("shows a plain message, not the raw text, when the shell fails unexpectedly", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO, create_account: refuse("panic at src/lib.rs:12") });
    await startApp();

    getByText("a", /^Create an account$/).click();
    await settle();

    const summary = document.querySelector<HTMLElement>(".govuk-error-summary")!;
    expect(normalisedText(summary)).toMatch(/Something went wrong in the app/);
    expect(document.body.textContent).not.toContain("panic");
    expect(document.activeElement).toBe(summary);
  });

  it("offers a way to contact the council from the error summary", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO, sign_in: refuse(NOT_READY) });
    await startApp();
    getByText("button", /^Sign in$/).click();
    await settle();

    getByText(".govuk-error-summary a", /^Contact Demo County Council for help$/).click();
    await settle();

    expect(normalisedText(mainHeading())).toContain("Contact the council");
  });
});

describe("moving between screens", () => {
  it("moves focus to the new page's heading and updates the window title", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO });
    await startApp();
    expect(document.querySelector(".govuk-back-link")).toBeNull();

    getByText("#main-content a", /^Help with this app/).click();
    await settle();

    expect(normalisedText(mainHeading())).toBe("Help");
    expect(document.activeElement).toBe(mainHeading());
    expect(mainHeading().getAttribute("tabindex")).toBe("-1");
    expect(document.title).toBe("Help - Client Finance Portal");
  });

  it("goes back with the back link, focusing the earlier page's heading", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO });
    await startApp();
    getByText("footer a", /^Contact the council$/).click();
    await settle();
    expect(document.title).toBe("Contact the council - Client Finance Portal");

    getByText("a.govuk-back-link", /^Back$/).click();
    await settle();

    expect(normalisedText(mainHeading())).toContain("See your care and support payments");
    expect(document.activeElement).toBe(mainHeading());
    expect(document.title).toBe("See your care and support payments - Client Finance Portal");
    expect(document.querySelector(".govuk-back-link")).toBeNull();
  });

  it("uses the service name the council gives", async () => {
    fakeShell({ app_info: () => ({ ...TEST_APP_INFO, serviceName: "Care Money Online" }) });
    await startApp();

    getByText("footer a", /^Help$/).click();
    await settle();

    expect(document.title).toBe("Help - Care Money Online");
  });

  it("lets the skip link move focus to the main content", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO });
    await startApp();
    const skip = document.querySelector<HTMLAnchorElement>(".govuk-skip-link")!;
    expect(document.body.querySelector("a")).toBe(skip); // the first link on the page

    skip.click();

    expect(document.activeElement).toBe(document.getElementById("main-content"));
  });
});

describe("help and contact", () => {
  it("gives the three reasons a payment may not have arrived", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO });
    await startApp();
    getByText("footer a", /^Help$/).click();
    await settle();

    getByText("h2", /^My payment has not arrived$/);
    const reasons = [...document.querySelectorAll("#main-content ol > li")].map(normalisedText);
    expect(reasons).toHaveLength(3);
    expect(reasons[0]).toMatch(/social work team/);
    expect(reasons[1]).toMatch(/next payment date/);
    expect(reasons[2]).toMatch(/paid you too much/);
    expect(normalisedText(document.querySelector("#main-content")!)).toContain(TEST_APP_INFO.helpText);
  });

  it("links to the council's email and phone from app_info", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO });
    await startApp();
    getByText("footer a", /^Contact the council$/).click();
    await settle();

    const email = getByText<HTMLAnchorElement>("#main-content a", /^finance\.team@demo-county\.example$/);
    expect(email.getAttribute("href")).toBe("mailto:finance.team@demo-county.example");
    const phone = getByText<HTMLAnchorElement>("#main-content a", /^01632 960 123$/);
    expect(phone.getAttribute("href")).toBe("tel:01632960123");
  });
});

describe("when the app cannot start", () => {
  it("says so in plain words", async () => {
    fakeShell({ app_info: refuse({ code: "storeLocked", message: "Your saved papers are locked." }) });
    await startApp();

    expect(normalisedText(mainHeading())).toBe("Sorry, the app could not start");
    expect(normalisedText(document.querySelector("#main-content")!)).toContain("Your saved papers are locked.");
  });
});
