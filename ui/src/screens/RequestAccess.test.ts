import { afterEach, describe, expect, it } from "vitest";
import type { AccessRequestForm } from "../lib/bindings/AccessRequestForm";
import type { AccessRequestOutcome } from "../lib/bindings/AccessRequestOutcome";
import { SAMPLE_RELATIONSHIPS, SAMPLE_REQUESTS } from "../lib/preview/documents";
import { getByText, mainHeading, normalisedText, removeFakeShell, settle } from "../test/support";
import { choose, hideScreen, lastArgs, recordingShell, showScreen, type } from "../test/screens";

afterEach(() => {
  hideScreen();
  removeFakeShell();
});

const SENT_REQUEST = { ...SAMPLE_REQUESTS[1]!, personName: "New Sample Person" };

function shell(outcome: (form: AccessRequestForm) => AccessRequestOutcome) {
  return recordingShell({
    relationships: () => SAMPLE_RELATIONSHIPS,
    access_requests: () => SAMPLE_REQUESTS,
    request_access: (args) => outcome(args.form as AccessRequestForm),
    resubmit_access_request: (args) => outcome(args.form as AccessRequestForm),
  });
}

async function send(): Promise<void> {
  getByText("button", /^Send request$|^Send the request again$/).click();
  await settle();
}

function fillDeputyForm(): void {
  choose("#relationship-deputy");
  type("#givenName", "New");
  type("#familyName", "Sample Person");
  type("#birthDay", "7");
  type("#birthMonth", "11");
  type("#birthYear", "1941");
  type("#postcode", "AB1 2CD");
  type("#clientId", "100000009");
  type("#evidence", "COP-12345678");
}

describe("request access", () => {
  it("offers Myself and the five roles, each with its meaning, and what to have ready for the one chosen", async () => {
    shell(() => ({ outcome: "sent", request: SENT_REQUEST }));
    await showScreen({ screen: "requestAccess" });

    const labels = [...document.querySelectorAll(".govuk-radios__label")].map((l) => normalisedText(l));
    expect(labels).toEqual(SAMPLE_RELATIONSHIPS.map((r) => r.label));
    for (const role of SAMPLE_RELATIONSHIPS) expect(document.body.textContent).toContain(role.meaning);

    const reveal = document.getElementById("relationship-deputy-reveal")!;
    expect(reveal.classList).toContain("govuk-radios__conditional--hidden");
    choose("#relationship-deputy");
    await settle();
    expect(reveal.classList).not.toContain("govuk-radios__conditional--hidden");
    expect(normalisedText(reveal)).toBe("Have this ready: The court order number from your Court of Protection order.");
    expect(normalisedText(document.getElementById("evidence-hint")!)).toBe(
      "The court order number from your Court of Protection order.",
    );
  });

  it("asks no evidence of someone asking for their own documents", async () => {
    shell(() => ({ outcome: "sent", request: SENT_REQUEST }));
    await showScreen({ screen: "requestAccess" });

    choose("#relationship");
    await settle();

    expect(document.getElementById("evidence")).toBeNull();
    getByText("h2", /^Your details$/);
    expect(document.getElementById("givenName")!.getAttribute("autocomplete")).toBe("given-name");
  });

  it("sends the form as typed, and confirms it was sent with what happens next", async () => {
    const calls = shell(() => ({ outcome: "sent", request: SENT_REQUEST }));
    await showScreen({ screen: "requestAccess" });

    fillDeputyForm();
    await send();

    expect(lastArgs(calls, "request_access")).toEqual({
      form: {
        relationship: "deputy",
        givenName: "New",
        familyName: "Sample Person",
        birthDay: "7",
        birthMonth: "11",
        birthYear: "1941",
        postcode: "AB1 2CD",
        clientId: "100000009",
        evidence: "COP-12345678",
      },
    });
    expect(normalisedText(mainHeading())).toBe("Request sent");
    expect(document.activeElement).toBe(mainHeading());
    expect(normalisedText(document.querySelector(".govuk-panel")!)).toContain("New Sample Person");
    getByText("h2", /^What happens next$/);
    expect(document.body.textContent).toContain("The finance team at Demo County Council will check the details");
  });

  it("says a request made offline will be sent later", async () => {
    const { state: _none, requestId: _noId, ...waiting } = SENT_REQUEST;
    shell(() => ({ outcome: "queued", request: { ...waiting, queuedId: 1n, statusLabel: "Waiting to be sent" } }));
    await showScreen({ screen: "requestAccess" });

    fillDeputyForm();
    await send();

    expect(normalisedText(mainHeading())).toBe("Your request is saved");
    expect(document.body.textContent).toContain("You are offline. We will send your request when you are back online.");
  });

  it("shows the app's field errors in the summary and beside each field, and the links lead to the fields", async () => {
    const calls = shell(() => ({
      outcome: "invalid",
      errors: [
        { field: "postcode", message: "Enter a real postcode, like WR5 2NP" },
        { field: "birthMonth", message: "The date of birth must be a real date" },
        { field: "givenName", message: "Enter the person's first name" },
      ],
    }));
    await showScreen({ screen: "requestAccess" });

    fillDeputyForm();
    await send();

    expect(calls.filter((call) => call.command === "request_access")).toHaveLength(1);
    const summary = document.querySelector<HTMLElement>(".govuk-error-summary")!;
    expect(document.activeElement).toBe(summary);
    const links = [...summary.querySelectorAll("a")];
    // In the order of the form, not the order they came in.
    expect(links.map((a) => [normalisedText(a), a.getAttribute("href")])).toEqual([
      ["Enter the person's first name", "#givenName"],
      // The box with the problem, as GOV.UK asks.
      ["The date of birth must be a real date", "#birthMonth"],
      ["Enter a real postcode, like WR5 2NP", "#postcode"],
    ]);
    expect(normalisedText(document.getElementById("postcode-error")!)).toBe("Error: Enter a real postcode, like WR5 2NP");
    expect(document.getElementById("postcode")!.getAttribute("aria-describedby")).toBe("postcode-hint postcode-error");
    expect(document.getElementById("birthMonth")!.classList).toContain("govuk-input--error");
    expect(document.getElementById("birthDay")!.classList).not.toContain("govuk-input--error");
    // The form keeps what was typed.
    expect((document.getElementById("givenName") as HTMLInputElement).value).toBe("New");

    links[2]!.click();
    expect(document.activeElement).toBe(document.getElementById("postcode"));
    links[0]!.click();
    expect(document.activeElement).toBe(document.getElementById("givenName"));
  });

  it("takes focus to the summary again when the same problems come back", async () => {
    shell(() => ({ outcome: "invalid", errors: [{ field: "relationship", message: "Choose whose documents you want to see" }] }));
    await showScreen({ screen: "requestAccess" });

    await send();
    document.getElementById("givenName")!.focus();
    await send();

    expect(document.querySelectorAll(".govuk-error-summary")).toHaveLength(1);
    expect(document.activeElement).toBe(document.querySelector(".govuk-error-summary"));
    const link = document.querySelector<HTMLAnchorElement>(".govuk-error-summary a")!;
    link.click();
    expect(document.activeElement).toBe(document.getElementById("relationship"));
  });

  it("shows the shell's message when the request could not be sent", async () => {
    recordingShell({
      relationships: () => SAMPLE_RELATIONSHIPS,
      request_access: () => {
        throw { code: "unauthorised", message: "Please sign in again." };
      },
    });
    await showScreen({ screen: "requestAccess" });

    fillDeputyForm();
    await send();

    expect(normalisedText(document.querySelector(".govuk-error-summary")!)).toContain("Please sign in again.");
  });
});

describe("correcting a request the council did not approve", () => {
  it("shows the council's reason, fills in the form as sent, and sends it again", async () => {
    const calls = shell(() => ({ outcome: "sent", request: SENT_REQUEST }));
    const rejected = SAMPLE_REQUESTS[0]!;
    await showScreen({ screen: "requestAccess", requestId: rejected.requestId! });

    expect(normalisedText(mainHeading())).toBe("Demo County Council Correct your request");
    const reason = rejected.state?.state === "rejected" ? rejected.state.reason : "";
    expect(normalisedText(document.querySelector(".govuk-inset-text")!)).toContain(reason);
    expect((document.getElementById("relationship-deputy") as HTMLInputElement).checked).toBe(true);
    expect((document.getElementById("familyName") as HTMLInputElement).value).toBe("Sample Person");
    expect((document.getElementById("birthYear") as HTMLInputElement).value).toBe("1940");

    type("#birthYear", "1941");
    await send();

    expect(calls.some((call) => call.command === "request_access")).toBe(false);
    expect(lastArgs(calls, "resubmit_access_request")).toEqual({
      requestId: rejected.requestId,
      form: { ...rejected.form, birthYear: "1941" },
    });
    expect(normalisedText(mainHeading())).toBe("Request sent");
  });
});

describe("a problem with the whole date of birth", () => {
  it("marks every box of the date when the app names the date as a whole", async () => {
    shell(() => ({ outcome: "invalid", errors: [{ field: "dateOfBirth", message: "The date of birth must be in the past" }] }));
    await showScreen({ screen: "requestAccess" });

    await send();

    for (const id of ["birthDay", "birthMonth", "birthYear"]) {
      expect(document.getElementById(id)!.classList).toContain("govuk-input--error");
    }
    const link = document.querySelector<HTMLAnchorElement>(".govuk-error-summary a")!;
    expect(normalisedText(link)).toBe("The date of birth must be in the past");
    link.click();
    expect(document.activeElement).toBe(document.getElementById("birthDay"));
  });
});
