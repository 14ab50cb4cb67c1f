// A quick WCAG check of each screen's markup in jsdom. jsdom has no layout or stylesheet, so
// colour contrast, target size and reflow are checked by the end-to-end audit in the real
// webview; this catches missing names, labels, landmarks and ARIA mistakes early.
import axe from "axe-core";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Route } from "./lib/routes";
import { router } from "./lib/router.svelte";
import { documentsPreviewAnswer, SAMPLE_PEOPLE, SAMPLE_RELATIONSHIPS, SAMPLE_REQUESTS } from "./lib/preview/documents";
import { hideScreen, recordingShell, showScreen } from "./test/screens";
import {
  fakeShell,
  getByText,
  removeFakeShell,
  settle,
  SIGNED_IN,
  startApp,
  stopApp,
  TEST_APP_INFO,
} from "./test/support";

const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

async function violations(): Promise<string[]> {
  const results = await axe.run(document, { runOnly: { type: "tag", values: WCAG_TAGS } });
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

afterEach(() => {
  stopApp();
  removeFakeShell();
});

describe("axe-core finds no WCAG 2.2 A/AA problems", () => {
  const screens: Route[] = [{ screen: "welcome" }, { screen: "help" }, { screen: "contact" }];

  it.each(screens)("on the $screen screen", async (route) => {
    fakeShell({ app_info: () => TEST_APP_INFO });
    await startApp();
    await router.navigate(route);
    await settle();

    // One <h1> per screen, and the router put focus on it.
    expect(document.querySelectorAll("h1")).toHaveLength(1);
    expect(document.activeElement).toBe(document.querySelector("#main-content h1"));
    expect(await violations()).toEqual([]);
  });

  it("with the error summary showing", async () => {
    fakeShell({
      app_info: () => TEST_APP_INFO,
      sign_in: () => {
        throw { code: "offline", message: "You are not connected to the internet." };
      },
    });
    await startApp();
    getByText("button", /^Sign in$/).click();
    await settle();

    expect(document.querySelector(".govuk-error-summary")).not.toBeNull();
    expect(await violations()).toEqual([]);
  });

  it("and the check itself can fail", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO });
    await startApp();
    document.getElementById("main-content")!.append(document.createElement("button"));

    expect(await violations()).toEqual([expect.stringMatching(/^button-name/)]);
  });
});

// The session screens (UI-A): signed in, locked, signing in, settings, and the kiosk and
// inactivity parts that sit around every screen.
describe("axe-core finds no WCAG 2.2 A/AA problems on the session screens", () => {
  const person = {
    personId: "p1",
    name: "Sample Person",
    clientId: "100000001",
    relationship: "myself" as const,
    relationshipLabel: "You",
    lastSyncedAt: new Date().toISOString(),
    latestPayment: {
      documentId: "d1",
      kind: "remittanceAdvice" as const,
      kindLabel: "Remittance advice",
      reference: "DP-0001",
      date: "2026-11-23",
      periodFrom: "2026-10-26",
      periodTo: "2026-11-22",
      net: "575.72",
    },
    newDocuments: 1,
  };
  const represented = [
    { ...person, personId: "p2", name: "Sample Person Two", relationship: "deputy" as const, relationshipLabel: "Deputy" },
    { ...person, personId: "p3", name: "Sample Person Three", relationship: "appointee" as const, relationshipLabel: "Appointee" },
  ];
  const summary = {
    offline: true,
    peopleSynced: 0,
    newDocuments: 0,
    updatedDocuments: 0,
    peopleRemoved: 0,
    requestsSent: 0,
    summary: "You are offline. Nothing was changed.",
    problems: ["Sample Person Two's documents could not be updated."],
    finishedAt: new Date().toISOString(),
  };
  const settingsView = {
    lockAfterMinutes: 15,
    lockAfterMinMinutes: 5,
    lockAfterMaxMinutes: 60,
    keyProtection: "keychain" as const,
    canSetPassphrase: true,
    canSaveFiles: true,
  };

  async function signedInAt(route: Route, people: unknown[], info = TEST_APP_INFO, session = SIGNED_IN) {
    fakeShell({
      app_info: () => info,
      session: () => session,
      people: () => people,
      sync_now: () => summary,
      settings: () => settingsView,
    });
    await startApp();
    await router.navigate(route);
    await settle();
    expect(document.querySelectorAll("h1")).toHaveLength(1);
    expect(document.activeElement).toBe(document.querySelector("#main-content h1"));
  }

  it("on Home for a client, while offline", async () => {
    await signedInAt({ screen: "home" }, [person], TEST_APP_INFO, { ...SIGNED_IN, offline: true });
    getByText("#main-content p", /You are offline/);
    expect(await violations()).toEqual([]);
  });

  it("on Home for a representative", async () => {
    await signedInAt({ screen: "home" }, represented);
    expect(document.querySelectorAll(".govuk-summary-card")).toHaveLength(2);
    expect(await violations()).toEqual([]);
  });

  it("on Home with nobody yet", async () => {
    await signedInAt({ screen: "home" }, []);
    expect(await violations()).toEqual([]);
  });

  it("on Settings, with the removal question open", async () => {
    await signedInAt({ screen: "settings" }, [person]);
    expect(await violations()).toEqual([]);
    getByText("button", /^Remove my data$/).click();
    await settle();
    expect(await violations()).toEqual([]);
  });

  it("on Settings in kiosk mode, with the shared-computer banner", async () => {
    const kiosk = { ...SIGNED_IN, mode: "kiosk" as const, keyProtection: "memoryOnly" as const };
    await signedInAt({ screen: "settings" }, [person], { ...TEST_APP_INFO, mode: "kiosk" }, kiosk);
    getByText("button", /^Finish and remove my information$/);
    expect(await violations()).toEqual([]);
  });

  it("on Unlock, with a problem showing", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO, session: () => ({ ...SIGNED_IN, state: "locked", keyProtection: "passphrase" }) });
    await startApp();
    expect(await violations()).toEqual([]);
    getByText("button", /^Unlock$/).click();
    await settle();
    expect(document.querySelector(".govuk-error-summary")).not.toBeNull();
    expect(await violations()).toEqual([]);
  });

  it("on 'Continue in your browser'", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO, sign_in: () => new Promise(() => {}) });
    await startApp();
    getByText("button", /^Sign in$/).click();
    await settle();
    expect(document.title).toBe("Continue in your browser - Client Finance Portal");
    expect(await violations()).toEqual([]);
  });

  it("with the inactivity warning open", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
    try {
      const short = { ...SIGNED_IN, idle: { afterSeconds: 30, warnBeforeSeconds: 20, action: "lock" as const } };
      fakeShell({ app_info: () => TEST_APP_INFO, session: () => short, people: () => [person], sync_now: () => summary });
      let started = false;
      void startApp().then(() => (started = true));
      for (let round = 0; round < 100 && !started; round += 1) await vi.advanceTimersByTimeAsync(1);
      await vi.advanceTimersByTimeAsync(10_000);
      await vi.advanceTimersByTimeAsync(1);
      expect(document.querySelector("[role=alertdialog]")).not.toBeNull();
      vi.useRealTimers();
      expect(await violations()).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});

// The documents, advice, access-request and statement screens (UI-B), each mounted on its own
// with the sample data of the browser preview, in the states that add markup: filters with
// errors, the explained advice, form errors, confirmations, and a statement preview.
describe("axe-core finds no WCAG 2.2 A/AA problems on the documents screens", () => {
  const settingsView = {
    lockAfterMinutes: 15,
    lockAfterMinMinutes: 5,
    lockAfterMaxMinutes: 60,
    keyProtection: "keychain",
    canSetPassphrase: true,
    canSaveFiles: true,
  };

  function sampleShell(): void {
    recordingShell({
      people: () => SAMPLE_PEOPLE,
      settings: () => settingsView,
      documents: (args) => documentsPreviewAnswer("documents", args)!.answer,
      document: (args) => documentsPreviewAnswer("document", args)!.answer,
      relationships: () => SAMPLE_RELATIONSHIPS,
      access_requests: () => SAMPLE_REQUESTS,
      request_access: () => ({ outcome: "sent", request: SAMPLE_REQUESTS[1] }),
      statement_preview: (args) => documentsPreviewAnswer("statement_preview", args)!.answer,
      save_document: () => ({ outcome: "saved", fileName: "remittance-SAMPLE-DP-0012.pdf" }),
    });
  }

  async function show(route: Route): Promise<void> {
    sampleShell();
    await showScreen(route);
    expect(document.querySelectorAll("h1")).toHaveLength(1);
    expect(document.activeElement).toBe(document.querySelector("#main-content h1"));
  }

  afterEach(() => hideScreen());

  it("on Documents, with a date error and the dates open", async () => {
    await show({ screen: "documents", personId: "sample-person" });
    expect(document.querySelector("table")).not.toBeNull();
    expect(await violations()).toEqual([]);
    (document.getElementById("period-dates") as HTMLInputElement).click();
    getByText("button", /^Show documents$/).click();
    await settle();
    expect(document.querySelector(".govuk-error-summary")).not.toBeNull();
    expect(await violations()).toEqual([]);
  });

  it("on a remittance advice, after saving it", async () => {
    await show({ screen: "document", personId: "sample-person", documentId: "sample-advice-12" });
    expect(document.querySelectorAll(".app-line-group")).toHaveLength(6);
    expect(await violations()).toEqual([]);
    getByText("button", /^Save as PDF$/).click();
    await settle();
    expect(document.querySelector(".govuk-notification-banner--success")).not.toBeNull();
    expect(await violations()).toEqual([]);
  });

  it("on a Deferred Payment statement", async () => {
    await show({ screen: "document", personId: "sample-person", documentId: "sample-deferred-1" });
    expect(document.querySelector("[data-testid=balance]")).not.toBeNull();
    expect(await violations()).toEqual([]);
  });

  it("on a financial assessment result", async () => {
    await show({ screen: "document", personId: "sample-person", documentId: "sample-assessment-1" });
    expect(document.querySelector("[data-testid=working]")).not.toBeNull();
    expect(await violations()).toEqual([]);
  });

  it("on Request access, with errors and then sent", async () => {
    await show({ screen: "requestAccess" });
    (document.getElementById("relationship-deputy") as HTMLInputElement).click();
    await settle();
    expect(await violations()).toEqual([]);
    removeFakeShell();
    recordingShell({
      relationships: () => SAMPLE_RELATIONSHIPS,
      request_access: () => ({
        outcome: "invalid",
        errors: [
          { field: "givenName", message: "Enter the person's first name" },
          { field: "birthYear", message: "The year must have 4 numbers" },
          { field: "evidence", message: "Enter your court order number" },
        ],
      }),
    });
    getByText("button", /^Send request$/).click();
    await settle();
    expect(document.querySelectorAll(".govuk-error-message")).toHaveLength(3);
    expect(await violations()).toEqual([]);
  });

  it("on Request access, correcting a rejected request", async () => {
    await show({ screen: "requestAccess", requestId: "sample-request-3" });
    expect(document.querySelector(".govuk-inset-text")).not.toBeNull();
    expect(await violations()).toEqual([]);
  });

  it("on Your requests, and the withdraw question", async () => {
    await show({ screen: "accessRequests" });
    expect(await violations()).toEqual([]);
    getByText("button", /^Withdraw the request for Second Sample Person$/).click();
    await settle();
    expect(await violations()).toEqual([]);
  });

  it("on Statements, with a preview", async () => {
    await show({ screen: "statements", personId: "sample-person" });
    expect(await violations()).toEqual([]);
    (document.getElementById("tax-year") as HTMLSelectElement).value = "2025";
    document.getElementById("tax-year")!.dispatchEvent(new Event("change", { bubbles: true }));
    getByText("button", /^Preview the statement$/).click();
    await settle();
    expect(document.querySelectorAll("[data-testid=preview] tbody tr").length).toBeGreaterThan(0);
    expect(await violations()).toEqual([]);
  });
});
