import { afterEach, describe, expect, it } from "vitest";
import type { AdviceView } from "../lib/bindings/AdviceView";
import type { DocumentView } from "../lib/bindings/DocumentView";
import { router } from "../lib/router.svelte";
import { SAMPLE_ADVICE, SAMPLE_PEOPLE, sampleDocument } from "../lib/preview/documents";
import { getByText, mainHeading, normalisedText, removeFakeShell, settle } from "../test/support";
import { hideScreen, lastArgs, recordingShell, showScreen } from "../test/screens";

afterEach(() => {
  hideScreen();
  removeFakeShell();
});

const ROUTE = { screen: "document", personId: "sample-person", documentId: "sample-advice-12" } as const;

function viewWith(advice: Partial<AdviceView>): DocumentView {
  const view = sampleDocument("sample-advice-12")!;
  return { ...view, advice: { ...view.advice!, ...advice } };
}

function shell(view: DocumentView = sampleDocument("sample-advice-12")!, canSaveFiles = true, extra = {}) {
  return recordingShell({
    document: () => view,
    people: () => SAMPLE_PEOPLE,
    settings: () => ({
      lockAfterMinutes: 15,
      lockAfterMinMinutes: 5,
      lockAfterMaxMinutes: 60,
      keyProtection: "keychain",
      canSetPassphrase: true,
      canSaveFiles,
    }),
    ...extra,
  });
}

function text(): string {
  return normalisedText(document.getElementById("main-content")!);
}

describe("a remittance advice", () => {
  it("asks for the document in the route and names the payment in the heading", async () => {
    const calls = shell();
    await showScreen(ROUTE);

    expect(lastArgs(calls, "document")).toEqual({ personId: "sample-person", documentId: "sample-advice-12" });
    expect(normalisedText(mainHeading())).toBe("Direct Payment remittance advice Payment on 3 November 2025");
    expect(document.activeElement).toBe(mainHeading());
  });

  it("shows the header as a summary list", async () => {
    shell();
    await showScreen(ROUTE);

    const rows = [...document.querySelectorAll(".govuk-summary-list")[0]!.querySelectorAll(".govuk-summary-list__row")].map(
      (row) => normalisedText(row),
    );
    expect(rows).toEqual([
      "Reference SAMPLE-DP-0012",
      "Period 6 October 2025 to 2 November 2025",
      "Paid on 3 November 2025",
      "Agreed by the finance team on 30 October 2025",
      "Paid to Sample Person's Direct Payment account",
      "For Sample Person",
      "Client ID 100000001",
    ]);
  });

  it("shows every group with its heading and meaning, and every line's explanation", async () => {
    shell();
    await showScreen(ROUTE);

    const headings = [...document.querySelectorAll(".app-line-group h2")].map((h) => normalisedText(h));
    expect(headings).toEqual(SAMPLE_ADVICE.groups.map((group) => group.label));
    for (const group of SAMPLE_ADVICE.groups) {
      expect(text()).toContain(group.meaning);
      for (const line of group.lines) {
        getByText(".govuk-summary-card__title", new RegExp(`^${line.description}$`));
        if (line.explanation.working) expect(text()).toContain(line.explanation.working);
      }
    }
  });

  it("says in words whether each line adds money or takes it off", async () => {
    shell();
    await showScreen(ROUTE);

    const effects = [...document.querySelectorAll(".app-line__effect")].map((e) => normalisedText(e));
    expect(effects).toEqual([
      "Adds £600.00 to the payment",
      "Takes £80.00 off the payment",
      "Adds £120.00 to the payment",
      "Takes £12.50 off the payment",
      "Adds £25.00 to the payment",
      "Takes £40.00 off the payment",
    ]);
  });

  it("shows the finance team's own note on the MA line", async () => {
    shell();
    await showScreen(ROUTE);

    const card = getByText(".govuk-summary-card", /MA bank charges refund/);
    expect(normalisedText(card)).toContain(
      "The finance team's note We are paying back the bank charges for July. Your social worker agreed this.",
    );
    getByText("h2", /^Manual adjustment \(MA\)$/);
    getByText("h2", /^Rate adjustment \(Adj\)$/);
  });

  it("says so when an MA line has no note", async () => {
    const ma = SAMPLE_ADVICE.groups.find((g) => g.kind === "manualAdjustment")!;
    const { councilNote: _dropped, ...withoutNote } = ma.lines[0]!.explanation;
    const groups = SAMPLE_ADVICE.groups.map((g) =>
      g === ma ? { ...g, lines: [{ ...ma.lines[0]!, explanation: withoutNote }] } : g,
    );
    shell(viewWith({ groups }));
    await showScreen(ROUTE);

    expect(text()).toContain("There is no note. Contact the finance team to ask what this change is for.");
  });

  it("shows totals that are the view's own numbers and visibly add up", async () => {
    shell(viewWith({ totals: { added: "1234567.89", takenOff: "0.50", paid: "1234567.39" } }));
    await showScreen(ROUTE);

    expect(normalisedText(document.querySelector("[data-testid=total-added]")!)).toBe("£1,234,567.89");
    expect(normalisedText(document.querySelector("[data-testid=total-taken-off]")!)).toBe("£0.50");
    expect(normalisedText(document.querySelector("[data-testid=total-paid]")!)).toBe("£1,234,567.39");
    expect(normalisedText(document.querySelector("[data-testid=totals-sentence]")!)).toBe(
      "£1,234,567.89 take away £0.50 is £1,234,567.39.",
    );
    expect(normalisedText(document.querySelector(".app-paid-total")!)).toBe("Amount paid £1,234,567.39");
  });

  it("lists what changed since the last payment", async () => {
    shell();
    await showScreen(ROUTE);

    const items = [...document.querySelectorAll("[data-testid=changes] li")].map((li) => normalisedText(li));
    expect(items).toEqual(SAMPLE_ADVICE.changes.map((change) => change.sentence));
  });

  it("says nothing changed, with the last payment's date", async () => {
    shell(viewWith({ changes: [], previousPaymentDate: "2025-03-03" }));
    await showScreen(ROUTE);

    expect(normalisedText(document.querySelector("[data-testid=changes]")!)).toBe(
      "Nothing changed since the last payment on 3 March 2025.",
    );
  });

  it("says when this is the first payment, naming the person acted for", async () => {
    const { previousPaymentDate: _none, ...first } = SAMPLE_ADVICE;
    shell({ ...sampleDocument("sample-advice-12")!, advice: { ...first, changes: [] } });
    await showScreen(ROUTE);

    expect(normalisedText(document.querySelector("[data-testid=changes]")!)).toBe(
      "This is the first payment we have for Sample Person.",
    );
  });

  it("says 'for you' on the person's own first payment", async () => {
    const { previousPaymentDate: _none, ...first } = SAMPLE_ADVICE;
    const view = sampleDocument("sample-advice-12")!;
    shell({
      ...view,
      person: { ...view.person, relationship: "myself", relationshipLabel: "You" },
      advice: { ...first, changes: [] },
    });
    await showScreen(ROUTE);

    expect(normalisedText(document.querySelector("[data-testid=changes]")!)).toBe(
      "This is the first payment we have for you.",
    );
    // Nobody is acted for, so there is no banner.
    expect(document.querySelector(".app-acting-for")).toBeNull();
  });

  it("links to the finance team with the view's mailto, and to the help for a missing payment", async () => {
    shell();
    await showScreen(ROUTE);

    const contact = getByText<HTMLAnchorElement>("a", /^Contact the finance team about this payment$/);
    expect(contact.getAttribute("href")).toBe("mailto:finance@example.org?subject=Payment%20SAMPLE-DP-0012");
    getByText("a", /^My payment has not arrived$/).click();
    await settle();
    expect(router.current).toEqual({ screen: "help" });
  });

  it("shows who the user is acting for", async () => {
    shell();
    await showScreen(ROUTE);

    expect(normalisedText(document.querySelector(".app-acting-for")!)).toContain("Acting for Sample Person");
  });
});

describe("printing and saving an advice", () => {
  it("prints this advice", async () => {
    const calls = shell(undefined, true, { print_document: () => null });
    await showScreen(ROUTE);

    getByText("button", /^Print this advice$/).click();
    await settle();

    expect(lastArgs(calls, "print_document")).toEqual({
      request: { personId: "sample-person", documentId: "sample-advice-12", format: "pdf" },
    });
    expect(text()).toContain("Your computer is printing the advice.");
  });

  it("saves as PDF and says the file's name", async () => {
    const calls = shell(undefined, true, {
      save_document: () => ({ outcome: "saved", fileName: "remittance-SAMPLE-DP-0012.pdf" }),
    });
    await showScreen(ROUTE);

    getByText("button", /^Save as PDF$/).click();
    await settle();

    expect(lastArgs(calls, "save_document")).toEqual({
      request: { personId: "sample-person", documentId: "sample-advice-12", format: "pdf" },
    });
    const banner = document.querySelector<HTMLElement>(".govuk-notification-banner--success")!;
    expect(normalisedText(banner)).toContain("Saved as remittance-SAMPLE-DP-0012.pdf");
    expect(document.activeElement).toBe(banner);
  });

  it("saves as CSV, and says nothing was saved when the dialog is closed", async () => {
    const calls = shell(undefined, true, { save_document: () => ({ outcome: "cancelled" }) });
    await showScreen(ROUTE);

    getByText("button", /^Save as CSV$/).click();
    await settle();

    expect(lastArgs(calls, "save_document")).toMatchObject({ request: { format: "csv" } });
    expect(document.querySelector(".govuk-notification-banner--success")).toBeNull();
    expect(text()).toContain("You closed the Save window, so nothing was saved.");
  });

  it("shows the shell's message when saving fails", async () => {
    shell(undefined, true, {
      save_document: () => {
        throw { code: "internal", message: "The file could not be written. Try another folder." };
      },
    });
    await showScreen(ROUTE);

    getByText("button", /^Save as PDF$/).click();
    await settle();

    const summary = document.querySelector<HTMLElement>(".govuk-error-summary")!;
    expect(normalisedText(summary)).toContain("The file could not be written. Try another folder.");
    expect(document.activeElement).toBe(summary);
  });

  it("offers no saving when this computer does not allow it, and says why", async () => {
    shell(undefined, false);
    await showScreen(ROUTE);

    expect([...document.querySelectorAll("button")].map((b) => normalisedText(b))).toEqual(["Print this advice"]);
    expect(text()).toContain("You cannot save files on this computer.");
  });
});

describe("when the document cannot be shown", () => {
  it("says it was not found and links back to the list", async () => {
    recordingShell({
      document: () => {
        throw { code: "notFound", message: "Not found." };
      },
      people: () => SAMPLE_PEOPLE,
      settings: () => {
        throw { code: "internal", message: "No settings." };
      },
    });
    await showScreen(ROUTE);

    expect(normalisedText(mainHeading())).toBe("Sorry, we cannot show this document");
    expect(text()).toContain("We could not find this document on this computer.");
    getByText("a", /^Go back to the list of documents$/);
  });

  it("explains a kind of document the app cannot show in detail", async () => {
    const { advice: _none, ...view } = sampleDocument("sample-advice-12")!;
    shell({
      ...view,
      summary: { ...view.summary, kind: "deferredPaymentStatement", kindLabel: "Deferred Payment statement" },
      kindMeaning: "How much you owe the council under your deferred payment agreement.",
    });
    await showScreen(ROUTE);

    expect(normalisedText(mainHeading())).toContain("Deferred Payment statement");
    expect(text()).toContain("How much you owe the council under your deferred payment agreement.");
    getByText("button", /^Print this document$/);
  });
});
