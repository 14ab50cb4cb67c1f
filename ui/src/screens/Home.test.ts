// Home for a client and for a representative, "updated N minutes ago", and syncing (automatic,
// by the button, with progress events and a spoken summary).
import { emit } from "@tauri-apps/api/event";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PersonView } from "../lib/bindings/PersonView";
import type { SyncSummaryView } from "../lib/bindings/SyncSummaryView";
import { appSession, OFFLINE_RETRY_MS } from "../lib/session.svelte";
import {
  fakeShell,
  getByText,
  mainHeading,
  normalisedText,
  removeFakeShell,
  settle,
  SIGNED_IN,
  startApp,
  stopApp,
  TEST_APP_INFO,
} from "../test/support";

const NOW = Date.parse("2026-11-30T10:00:00Z");
const minutesAgo = (n: number) => new Date(NOW - n * 60_000).toISOString();

const SELF: PersonView = {
  personId: "p-self",
  name: "Sample Person",
  clientId: "100000001",
  relationship: "myself",
  relationshipLabel: "You",
  lastSyncedAt: minutesAgo(5),
  latestPayment: {
    documentId: "d-42",
    kind: "remittanceAdvice",
    kindLabel: "Remittance advice",
    reference: "DP-0042",
    date: "2026-11-23",
    periodFrom: "2026-10-26",
    periodTo: "2026-11-22",
    net: "1575.72",
  },
  newDocuments: 2,
};

const MARGARET: PersonView = {
  personId: "p-m",
  name: "Sample Person Two",
  clientId: "100000002",
  relationship: "lastingPowerOfAttorney",
  relationshipLabel: "Lasting Power of Attorney",
  lastSyncedAt: minutesAgo(1),
  latestPayment: { ...SELF.latestPayment!, documentId: "d-7", net: "88.57" },
  newDocuments: 0,
};

const ARTHUR: PersonView = {
  personId: "p-a",
  name: "Sample Person Three",
  clientId: "100000003",
  relationship: "deputy",
  relationshipLabel: "Deputy",
  newDocuments: 0,
};

const SUMMARY: SyncSummaryView = {
  offline: false,
  peopleSynced: 2,
  newDocuments: 2,
  updatedDocuments: 0,
  peopleRemoved: 0,
  requestsSent: 0,
  summary: "2 new payments for Sample Person Two. Everything else is up to date.",
  problems: [],
  finishedAt: "2026-11-30T10:00:00Z",
};

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => (resolve = res));
  return { promise, resolve };
}

const realLater = appSession.later;

beforeEach(() => {
  appSession.now = () => NOW;
});

afterEach(() => {
  stopApp();
  removeFakeShell();
  appSession.now = () => Date.now();
  appSession.later = realLater;
});

describe("Home for a client", () => {
  it("shows their latest payment with a link to open it, and what is new", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO, session: () => SIGNED_IN, people: () => [SELF] });
    await startApp();

    expect(normalisedText(mainHeading())).toBe("Sample Person Your payments");
    const rows = [...document.querySelectorAll(".govuk-summary-list__row")].map(normalisedText);
    expect(rows).toEqual([
      "Amount paid £1,575.72",
      "Payment date 23 November 2026",
      "For the period 26 October 2026 to 22 November 2026",
      "Reference DP-0042",
    ]);
    getByText("#main-content p", /^2 new documents arrived the last time the app checked\.$/);
    getByText("#main-content p", /^Updated 5 minutes ago\.$/);

    getByText("a", /^See this payment explained line by line$/).click();
    await settle();
    expect(document.title).toMatch(/ - Client Finance Portal$/);
    expect(document.querySelector(".govuk-back-link")).not.toBeNull();
  });

  it("does not sync by itself when the last sync is recent", async () => {
    const calls = fakeShell({ app_info: () => TEST_APP_INFO, session: () => SIGNED_IN, people: () => [SELF] });
    await startApp();

    expect(calls).toEqual(["app_info", "session", "people"]);
  });

  it("syncs by itself when the last sync is more than 15 minutes old", async () => {
    const stale = { ...SELF, lastSyncedAt: minutesAgo(16) };
    const calls = fakeShell({
      app_info: () => TEST_APP_INFO,
      session: () => SIGNED_IN,
      people: () => [stale],
      sync_now: () => SUMMARY,
    });
    await startApp();

    expect(calls).toEqual(["app_info", "session", "people", "sync_now", "people"]);
  });
});

describe("Home for a representative", () => {
  it("lists everyone they act for, with role, latest payment and when it was updated", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO, session: () => SIGNED_IN, people: () => [MARGARET, ARTHUR] });
    await startApp();

    expect(normalisedText(mainHeading())).toContain("People you act for");
    const cards = [...document.querySelectorAll(".govuk-summary-card")];
    expect(cards.map((card) => normalisedText(card.querySelector("h2")!))).toEqual([
      "Sample Person Two",
      "Sample Person Three",
    ]);
    const first = normalisedText(cards[0]!);
    expect(first).toContain("Your role Lasting Power of Attorney");
    expect(first).toContain("£88.57 paid on 23 November 2026");
    expect(first).toContain("Updated 1 minute ago");
    const second = normalisedText(cards[1]!);
    expect(second).toContain("No payments yet");
    expect(second).toContain("Not updated yet");

    // Every link says whose documents it opens.
    getByText("a", /^See documents for Sample Person Three$/);
    getByText("a", /^Request access for someone$/);
    getByText("a", /^Your requests$/);
  });

  it("opens a person's documents from their card", async () => {
    fakeShell({
      app_info: () => TEST_APP_INFO,
      session: () => SIGNED_IN,
      people: () => [MARGARET, ARTHUR],
      sync_now: () => SUMMARY,
      documents: () => ({ person: MARGARET, documents: [], total: 0 }),
    });
    await startApp();

    getByText("a", /^See documents for Sample Person Two$/).click();
    await settle();

    expect(document.title).toBe("Documents - Client Finance Portal");
    // The documents screen names who they are acting for (ActingForBanner).
    getByText(".app-acting-for p", /Acting for Sample Person Two/);
  });

  it("explains what to do when there is nobody yet", async () => {
    fakeShell({
      app_info: () => TEST_APP_INFO,
      session: () => SIGNED_IN,
      people: () => [],
      sync_now: () => ({ ...SUMMARY, peopleSynced: 0, newDocuments: 0, summary: "Everything is up to date." }),
    });
    await startApp();

    expect(normalisedText(mainHeading())).toContain("You cannot see any payments yet");
    expect(normalisedText(document.querySelector("#main-content")!)).toContain("ask Demo County Council for access");
    getByText("a", /^Request access to documents$/).click();
    await settle();
    expect(document.title).toBe("Request access - Client Finance Portal");
  });
});

describe("checking for new documents", () => {
  it("shows progress from sync-progress events, then speaks the summary", async () => {
    const sync = deferred<SyncSummaryView>();
    let peopleAnswer = [MARGARET, ARTHUR];
    fakeShell({
      app_info: () => TEST_APP_INFO,
      session: () => SIGNED_IN,
      people: () => peopleAnswer,
      sync_now: () => sync.promise,
    });
    await startApp();
    const live = document.querySelector<HTMLElement>("[aria-live=polite][role=status]")!;
    expect(live.textContent?.trim()).toBe("");

    getByText("button", /^Check for new documents$/).click();
    await settle();
    expect(normalisedText(document.querySelector(".app-sync-status")!)).toContain("Checking for new documents.");

    await emit("sync-progress", { peopleDone: 1, peopleTotal: 2, documentsReceived: 3 });
    await settle();
    expect(normalisedText(document.querySelector(".app-sync-status")!)).toContain(
      "Checked 1 of 2 people. 3 documents received so far.",
    );
    // Progress is shown, not spoken.
    expect(live.textContent?.trim()).toBe("");

    peopleAnswer = [{ ...MARGARET, newDocuments: 2, lastSyncedAt: new Date(NOW).toISOString() }, ARTHUR];
    sync.resolve(SUMMARY);
    await settle();

    expect(live.textContent?.trim()).toBe(SUMMARY.summary);
    expect(normalisedText(document.querySelector(".app-sync-status")!)).toContain(SUMMARY.summary);
    expect(normalisedText(document.querySelectorAll(".govuk-summary-card")[0]!)).toContain("2 new documents");
    expect(normalisedText(document.querySelectorAll(".govuk-summary-card")[0]!)).toContain("Updated just now");
  });

  it("ignores a second press while a sync runs", async () => {
    const sync = deferred<SyncSummaryView>();
    const calls = fakeShell({
      app_info: () => TEST_APP_INFO,
      session: () => SIGNED_IN,
      people: () => [SELF],
      sync_now: () => sync.promise,
    });
    await startApp();
    const button = getByText<HTMLButtonElement>("button", /^Check for new documents$/);

    button.click();
    await settle();
    expect(button.getAttribute("aria-disabled")).toBe("true");
    button.click();
    await settle();

    expect(calls.filter((c) => c === "sync_now")).toHaveLength(1);
    sync.resolve(SUMMARY);
    await settle();
    expect(button.getAttribute("aria-disabled")).toBe("false");
  });

  it("says when the council cannot be reached, and shows the offline indicator", async () => {
    fakeShell({
      app_info: () => TEST_APP_INFO,
      session: () => SIGNED_IN,
      people: () => [SELF],
      sync_now: () => ({ ...SUMMARY, offline: true, summary: "You are offline. Nothing was changed." }),
    });
    await startApp();

    getByText("button", /^Check for new documents$/).click();
    await settle();

    getByText("#main-content p", /You are offline\. You can still see everything saved on this computer\./);
    getByText(".app-session-bar .govuk-tag", /^Offline$/);
    expect(document.querySelector("[role=status]")!.textContent?.trim()).toBe("You are offline. Nothing was changed.");
    // Said once on the page: the run's own offline sentence is not shown beside the Offline line.
    const visible = [...document.querySelectorAll(".app-sync-status p")].map((p) => p.textContent ?? "");
    expect(visible.filter((text) => /You are offline/.test(text))).toHaveLength(1);
  });

  it("while offline, tries the council again by itself, and 'Offline' goes when it answers", async () => {
    let councilAnswers = false;
    const calls = fakeShell({
      app_info: () => TEST_APP_INFO,
      session: () => SIGNED_IN,
      people: () => [SELF],
      sync_now: () =>
        councilAnswers ? SUMMARY : { ...SUMMARY, offline: true, summary: "You are offline. Nothing was changed." },
    });
    const waiting: Array<{ run: () => void; ms: number }> = [];
    appSession.later = (run, ms) => {
      waiting.push({ run, ms });
      return () => waiting.splice(waiting.findIndex((w) => w.run === run), 1);
    };
    await startApp();
    expect(waiting).toHaveLength(0);

    getByText("button", /^Check for new documents$/).click();
    await settle();
    getByText(".app-session-bar .govuk-tag", /^Offline$/);
    expect(waiting.map((w) => w.ms)).toEqual([OFFLINE_RETRY_MS]);

    // Still offline at the first retry: one more retry waits.
    waiting.shift()!.run();
    await settle();
    expect(calls.filter((c) => c === "sync_now")).toHaveLength(2);
    expect(waiting).toHaveLength(1);

    // The council answers: the sync sends what waited, "Offline" goes, and no retry waits.
    councilAnswers = true;
    waiting.shift()!.run();
    await settle();
    expect(calls.filter((c) => c === "sync_now")).toHaveLength(3);
    expect(document.querySelector(".app-session-bar .govuk-tag")).toBeNull();
    expect(waiting).toHaveLength(0);
  });

  it("lists the problems the sync reports", async () => {
    fakeShell({
      app_info: () => TEST_APP_INFO,
      session: () => SIGNED_IN,
      people: () => [SELF],
      sync_now: () => ({ ...SUMMARY, problems: ["Sample Person Two's documents could not be updated."] }),
    });
    await startApp();
    getByText("button", /^Check for new documents$/).click();
    await settle();

    getByText(".app-sync-status li", /could not be updated/);
  });
});
