import { afterEach, describe, expect, it } from "vitest";
import type { AccessRequestView } from "../lib/bindings/AccessRequestView";
import { router } from "../lib/router.svelte";
import { SAMPLE_REQUESTS } from "../lib/preview/documents";
import { getByText, mainHeading, normalisedText, removeFakeShell, settle } from "../test/support";
import { hideScreen, lastArgs, recordingShell, showScreen } from "../test/screens";

afterEach(() => {
  hideScreen();
  removeFakeShell();
});

const REMOVED: AccessRequestView = {
  ...SAMPLE_REQUESTS[2]!,
  requestId: "sample-request-0",
  personName: "Removed Sample Person",
  state: { state: "removed", reason: "The Lasting Power of Attorney was cancelled by the court on 1 May 2025." },
  statusLabel: "Access removed",
};

const { requestId: _none, state: _noState, ...unsent } = SAMPLE_REQUESTS[1]!;
const WAITING: AccessRequestView = {
  ...unsent,
  queuedId: 7n,
  personName: "Waiting Sample Person",
  statusLabel: "Waiting to be sent",
  canWithdraw: false,
};

const ALL = [...SAMPLE_REQUESTS, REMOVED, WAITING];

function card(name: string): HTMLElement {
  return getByText<HTMLElement>("[data-testid=request]", new RegExp(`^${name} `));
}

describe("your requests", () => {
  it("shows each request with its person, role, status tag and date", async () => {
    recordingShell({ access_requests: () => ALL });
    await showScreen({ screen: "accessRequests" });

    expect(normalisedText(mainHeading())).toBe("Demo County Council Your requests");
    expect(document.querySelectorAll("[data-testid=request]")).toHaveLength(5);
    const tags = [...document.querySelectorAll(".govuk-tag")].map((tag) => [normalisedText(tag), tag.className]);
    expect(tags).toEqual([
      ["Not approved", "govuk-tag govuk-tag--red"],
      ["Waiting for review", "govuk-tag govuk-tag--blue"],
      ["Approved", "govuk-tag govuk-tag--green"],
      ["Access removed", "govuk-tag govuk-tag--orange"],
      ["Waiting to be sent", "govuk-tag govuk-tag--yellow"],
    ]);
    expect(normalisedText(card("Second Sample Person"))).toContain("Your role Deputy");
    expect(normalisedText(card("Second Sample Person"))).toContain("Sent on 28 October 2025");
    expect(normalisedText(card("Waiting Sample Person"))).toContain(
      "You were offline. We will send this request when you are back online.",
    );
  });

  it("shows the council's reason in full for a rejection and a removal", async () => {
    recordingShell({ access_requests: () => ALL });
    await showScreen({ screen: "accessRequests" });

    const rejected = SAMPLE_REQUESTS[0]!;
    const reason = rejected.state?.state === "rejected" ? rejected.state.reason : "missing";
    expect(normalisedText(card("Third Sample Person"))).toContain(`Why it was not approved ${reason}`);
    expect(normalisedText(card("Removed Sample Person"))).toContain(
      "Why access was removed The Lasting Power of Attorney was cancelled by the court on 1 May 2025.",
    );
  });

  it("offers to correct a rejected request and send it again", async () => {
    recordingShell({ access_requests: () => ALL });
    await showScreen({ screen: "accessRequests" });

    const actions = [...document.querySelectorAll(".govuk-summary-card__action")].map((a) => normalisedText(a));
    expect(actions).toEqual([
      "Correct and send again the request for Third Sample Person",
      "Withdraw the request for Second Sample Person",
    ]);
    card("Third Sample Person").querySelector("a")!.click();
    await settle();
    expect(router.current).toEqual({ screen: "requestAccess", requestId: "sample-request-3" });
  });

  it("withdraws a pending request only after the person confirms", async () => {
    const withdrawnList = SAMPLE_REQUESTS.map((r) =>
      r.requestId === "sample-request-2"
        ? { ...r, state: { state: "withdrawn" as const }, statusLabel: "Withdrawn", canWithdraw: false }
        : r,
    );
    const calls = recordingShell({ access_requests: () => SAMPLE_REQUESTS, withdraw_access_request: () => withdrawnList });
    await showScreen({ screen: "accessRequests" });

    card("Second Sample Person").querySelector("button")!.click();
    await settle();
    expect(normalisedText(mainHeading())).toBe(
      "Your requests Are you sure you want to withdraw your request to see the documents of Second Sample Person?",
    );
    expect(document.activeElement).toBe(mainHeading());
    expect(calls.some((call) => call.command === "withdraw_access_request")).toBe(false);

    getByText("button", /^No, keep it$/).click();
    await settle();
    expect(normalisedText(mainHeading())).toBe("Demo County Council Your requests");
    expect(calls.some((call) => call.command === "withdraw_access_request")).toBe(false);

    card("Second Sample Person").querySelector("button")!.click();
    await settle();
    getByText("button", /^Yes, withdraw this request$/).click();
    await settle();

    expect(lastArgs(calls, "withdraw_access_request")).toEqual({ requestId: "sample-request-2" });
    const banner = document.querySelector<HTMLElement>(".govuk-notification-banner--success")!;
    expect(normalisedText(banner)).toContain("You withdrew your request for Second Sample Person.");
    expect(document.activeElement).toBe(banner);
    expect(normalisedText(card("Second Sample Person"))).toContain("Status Withdrawn");
  });

  it("says when there are no requests, and offers to make one", async () => {
    recordingShell({ access_requests: () => [] });
    await showScreen({ screen: "accessRequests" });

    expect(document.body.textContent).toContain("You have not sent any requests yet.");
    getByText("a", /^Request access for another person$/).click();
    await settle();
    expect(router.current).toEqual({ screen: "requestAccess" });
  });

  it("shows the shell's message when the requests cannot be read", async () => {
    recordingShell({
      access_requests: () => {
        throw { code: "offline", message: "You are offline. Showing nothing new." };
      },
    });
    await showScreen({ screen: "accessRequests" });

    expect(normalisedText(document.querySelector(".govuk-error-summary")!)).toContain("You are offline.");
  });
});
