import axe from "axe-core";
import { afterEach, describe, expect, it } from "vitest";
import type { AdviceView } from "../lib/bindings/AdviceView";
import type { AssessmentView } from "../lib/bindings/AssessmentView";
import type { DeferredPaymentView } from "../lib/bindings/DeferredPaymentView";
import type { DocumentView } from "../lib/bindings/DocumentView";
import { router } from "../lib/router.svelte";
import {
  SAMPLE_ADVICE,
  SAMPLE_ASSESSMENT,
  SAMPLE_DEFERRED,
  SAMPLE_PEOPLE,
  sampleDocument,
} from "../lib/preview/documents";
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

  it("explains a kind of document the app cannot show in detail, without offering to print it", async () => {
    const { advice: _none, ...view } = sampleDocument("sample-advice-12")!;
    shell({
      ...view,
      summary: { ...view.summary, kind: "deferredPaymentStatement", kindLabel: "Deferred Payment statement" },
      kindMeaning: "How much you owe the council under your deferred payment agreement.",
    });
    await showScreen(ROUTE);

    expect(normalisedText(mainHeading())).toContain("Deferred Payment statement");
    expect(text()).toContain("How much you owe the council under your deferred payment agreement.");
    expect(document.querySelectorAll("button")).toHaveLength(0);
    expect(normalisedText(document.querySelector("[data-testid=no-export]")!)).toBe(
      "You cannot print or save this statement from the app yet. To get a copy on paper, contact the finance team.",
    );
  });
});

const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

async function violations(): Promise<string[]> {
  const results = await axe.run(document, { runOnly: { type: "tag", values: WCAG_TAGS } });
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

function rows(selector: string): string[] {
  return [...document.querySelectorAll(`${selector} tr`)].map((row) =>
    [...row.querySelectorAll("th, td")].map((cell) => normalisedText(cell)).join(" "),
  );
}

describe("a Deferred Payment statement", () => {
  const DEFERRED = { ...ROUTE, documentId: "sample-deferred-1" } as const;

  function deferredWith(change: Partial<DeferredPaymentView>): DocumentView {
    const view = sampleDocument("sample-deferred-1")!;
    return { ...view, deferredPayment: { ...view.deferredPayment!, ...change } };
  }

  it("names the period in the heading and shows what is owed", async () => {
    shell(sampleDocument("sample-deferred-1")!);
    await showScreen(DEFERRED);

    expect(normalisedText(mainHeading())).toBe("Deferred Payment statement Statement for 1 October 2025 to 31 March 2026");
    expect(normalisedText(document.querySelector(".app-paid-total")!)).toBe("Amount owed on 31 March 2026 £20,742.40");
    const header = [...document.querySelectorAll(".govuk-summary-list")[0]!.querySelectorAll(".govuk-summary-list__row")].map(
      (row) => normalisedText(row),
    );
    expect(header).toEqual([
      "Reference SAMPLE-DPS-0042",
      "Agreement reference SAMPLE-DPA-0042",
      "Period 1 October 2025 to 31 March 2026",
      "Sent on 10 April 2026",
      "For Sample Person",
      "Client ID 100000001",
    ]);
  });

  it("shows how the balance changed, top to bottom, as the view's own figures", async () => {
    shell(sampleDocument("sample-deferred-1")!);
    await showScreen(DEFERRED);

    expect(normalisedText(document.querySelector("[data-testid=balance] caption")!)).toBe("How the balance changed");
    expect(rows("[data-testid=balance]")).toEqual([
      "What Amount",
      "Opening balance £12,000.00",
      "plus Care costs deferred £9,000.00",
      "plus Interest £182.40",
      "plus Administration charges £60.00",
      "minus Payments received £500.00",
      "equals Closing balance £20,742.40",
    ]);
    expect(normalisedText(document.querySelector("[data-testid=balance-sentence]")!)).toBe(
      "£12,000.00 plus £9,000.00 plus £182.40 plus £60.00 minus £500.00 is £20,742.40.",
    );
  });

  it("shows the equity limit, the headroom in words, and the rates with their dates", async () => {
    shell(sampleDocument("sample-deferred-1")!);
    await showScreen(DEFERRED);

    expect(normalisedText(document.querySelector("[data-testid=equity-limit]")!)).toBe("£153,000.00");
    expect(normalisedText(document.querySelector("[data-testid=headroom]")!)).toBe("£132,257.60");
    expect(normalisedText(document.querySelector("[data-testid=headroom-sentence]")!)).toBe(
      "You can owe £132,257.60 more before you reach your equity limit of £153,000.00.",
    );
    expect(document.querySelector("[data-testid=headroom-warning]")).toBeNull();
    expect([...document.querySelectorAll("[data-testid=rates] li")].map((li) => normalisedText(li))).toEqual([
      "From 1 July 2025: 2.65% a year",
      "From 1 January 2026: 2.40% a year",
    ]);
  });

  it("explains every figure, like the lines of an advice", async () => {
    shell(sampleDocument("sample-deferred-1")!);
    await showScreen(DEFERRED);

    const titles = [...document.querySelectorAll(".govuk-summary-card__title")].map((t) => normalisedText(t));
    expect(titles).toEqual([
      "Opening balance",
      "Care costs deferred",
      "Interest",
      "Administration charges",
      "Payments received",
      "Closing balance",
      "Equity limit",
      "Headroom",
    ]);
    const interest = getByText(".govuk-summary-card", /^Interest/);
    expect(normalisedText(interest)).toBe(
      "Interest Amount Adds £182.40 to what you owe What this means This is the interest added to what you owe, worked out every day at the rate shown.",
    );
    expect(normalisedText(getByText(".govuk-summary-card", /^Payments received/))).toContain("Takes £500.00 off what you owe");
  });

  it("warns plainly when what is owed is past the equity limit", async () => {
    const sentence =
      "You owe £742.40 more than your equity limit of £20,000.00. The council may not be able to pay any more of your care costs under this agreement. Please contact the finance team soon to talk about what happens next.";
    const view = deferredWith({
      equityLimit: { ...SAMPLE_DEFERRED.equityLimit, amount: "20000.00" },
      headroom: { ...SAMPLE_DEFERRED.headroom, amount: "-742.40" },
      headroomSentence: sentence,
      pastEquityLimit: true,
      interestRates: [SAMPLE_DEFERRED.interestRates[0]!],
    });
    shell(view);
    await showScreen(DEFERRED);

    expect(normalisedText(document.querySelector("[data-testid=headroom-warning]")!)).toBe(`! Warning ${sentence}`);
    expect(normalisedText(document.querySelector("[data-testid=headroom]")!)).toBe("minus £742.40");
    expect(document.querySelector("[data-testid=headroom-sentence]")).toBeNull();
    expect(normalisedText(document.querySelector("[data-testid=rates]")!)).toBe(
      "The interest rate was 2.65% a year, from 1 July 2025.",
    );
    expect(await violations()).toEqual([]);
  });

  it("asks questions about the statement, not a payment", async () => {
    shell(sampleDocument("sample-deferred-1")!);
    await showScreen(DEFERRED);

    getByText("h2", /^Questions about this statement$/);
    const contact = getByText<HTMLAnchorElement>("a", /^Contact the finance team about this statement$/);
    expect(contact.getAttribute("href")).toBe(sampleDocument("sample-deferred-1")!.contactLink);
    expect(text()).not.toContain("My payment has not arrived");
    expect(document.querySelector("[data-testid=no-export]")).toBeNull();
  });

  it("prints and saves the statement", async () => {
    const calls = shell(sampleDocument("sample-deferred-1")!, true, {
      print_document: () => null,
      save_document: () => ({ outcome: "saved", fileName: "deferred-payment-SAMPLE.pdf" }),
    });
    await showScreen(DEFERRED);

    expect([...document.querySelectorAll("button")].map((b) => normalisedText(b))).toEqual([
      "Print this statement",
      "Save as PDF",
      "Save as CSV",
    ]);
    getByText("button", /^Print this statement$/).click();
    await settle();
    expect(lastArgs(calls, "print_document")).toEqual({
      request: { personId: "sample-person", documentId: "sample-deferred-1", format: "pdf" },
    });
    expect(text()).toContain("Your computer is printing the statement.");

    getByText("button", /^Save as CSV$/).click();
    await settle();
    expect(lastArgs(calls, "save_document")).toEqual({
      request: { personId: "sample-person", documentId: "sample-deferred-1", format: "csv" },
    });
    expect(text()).toContain("Saved as deferred-payment-SAMPLE.pdf");
    expect(await violations()).toEqual([]);
  });

  it("has no WCAG problems axe can find", async () => {
    shell(sampleDocument("sample-deferred-1")!);
    await showScreen(DEFERRED);

    expect(document.querySelectorAll("h1")).toHaveLength(1);
    expect(await violations()).toEqual([]);
  });
});

describe("a financial assessment result", () => {
  const ASSESSMENT = { ...ROUTE, documentId: "sample-assessment-1" } as const;

  function assessmentWith(change: Partial<AssessmentView>): DocumentView {
    const view = sampleDocument("sample-assessment-1")!;
    return { ...view, assessment: { ...view.assessment!, ...change } };
  }

  it("says what is paid each week, and from when", async () => {
    shell(sampleDocument("sample-assessment-1")!);
    await showScreen(ASSESSMENT);

    expect(normalisedText(mainHeading())).toBe("Financial assessment result Weekly contribution from 8 December 2025");
    expect(normalisedText(document.querySelector(".app-paid-total")!)).toBe("Weekly contribution £18.55 a week");
    expect(normalisedText(document.querySelector("[data-testid=applies-from]")!)).toBe(
      "This is the amount to pay towards care each week, from 8 December 2025.",
    );
    expect(normalisedText(document.querySelector("[data-testid=capital]")!)).toBe("£16,000.00");
    expect(text()).toContain("The finance team's note We used your pension letter from April.");
  });

  it("shows the working as a table whose total is the weekly contribution", async () => {
    shell(sampleDocument("sample-assessment-1")!);
    await showScreen(ASSESSMENT);

    expect(normalisedText(document.querySelector("[data-testid=working] caption")!)).toBe("How it was worked out");
    expect(rows("[data-testid=working]")).toEqual([
      "What A week",
      "State Pension Income counted £221.20",
      "Pension Credit Income counted £108.55",
      "Savings over £14,250 Income counted from savings £7.00",
      "Savings Credit Income left out minus £35.90",
      "Council tax Housing costs minus £15.00",
      "Extra heating and laundry Disability-related costs minus £38.60",
      "Minimum Income Guarantee Money you keep to live on minus £228.70",
      "Weekly contribution £18.55",
    ]);
    expect(normalisedText(document.querySelector("[data-testid=working-sentence]")!)).toBe(
      "Money counted in, less money taken off, is £18.55 a week. This is the weekly contribution.",
    );
  });

  it("explains every step", async () => {
    shell(sampleDocument("sample-assessment-1")!);
    await showScreen(ASSESSMENT);

    for (const step of SAMPLE_ASSESSMENT.steps) expect(text()).toContain(step.explanation);
    expect(normalisedText(getByText(".govuk-summary-card", /^Council tax/))).toBe(
      "Council tax Amount Takes off £15.00 a week Type Housing costs What this means This is what you pay each week for your home, like rent or council tax, so it is taken off.",
    );
  });

  it("says why nothing is paid when the steps come to less than nothing, and when it is backdated", async () => {
    const view = assessmentWith({
      assessedOn: "2026-01-10",
      weeklyContribution: "0.00",
      steps: [SAMPLE_ASSESSMENT.steps[0]!, SAMPLE_ASSESSMENT.steps[6]!],
      stepsTotal: "-7.50",
      paysNothingSentence:
        "Your costs and the money you keep are more than the income that counts, so you pay nothing each week.",
    });
    delete view.assessment!.capital;
    delete view.assessment!.note;
    shell(view);
    await showScreen(ASSESSMENT);

    expect(rows("[data-testid=working]").slice(-2)).toEqual(["Adds up to minus £7.50", "Weekly contribution £0.00"]);
    expect(normalisedText(document.querySelector("[data-testid=working-sentence]")!)).toBe(
      "Your costs and the money you keep are more than the income that counts, so you pay nothing each week.",
    );
    expect(normalisedText(document.querySelector("[data-testid=applies-from]")!)).toBe(
      "This is the amount to pay towards care each week, from 8 December 2025. It was worked out on 10 January 2026, so it goes back to an earlier date.",
    );
    expect(document.querySelector("[data-testid=capital]")).toBeNull();
    expect(text()).not.toContain("The finance team's note");
    expect(await violations()).toEqual([]);
  });

  it("asks questions about the assessment", async () => {
    shell(sampleDocument("sample-assessment-1")!);
    await showScreen(ASSESSMENT);

    getByText("h2", /^Questions about this assessment$/);
    getByText("a", /^Contact the finance team about this assessment$/);
    expect(document.querySelector("[data-testid=no-export]")).toBeNull();
  });

  it("prints the assessment, and saves it only where this computer allows", async () => {
    const calls = shell(sampleDocument("sample-assessment-1")!, false, { print_document: () => null });
    await showScreen(ASSESSMENT);

    expect([...document.querySelectorAll("button")].map((b) => normalisedText(b))).toEqual([
      "Print this assessment",
    ]);
    expect(text()).toContain("You cannot save files on this computer.");
    getByText("button", /^Print this assessment$/).click();
    await settle();
    expect(lastArgs(calls, "print_document")).toEqual({
      request: { personId: "sample-person", documentId: "sample-assessment-1", format: "pdf" },
    });
    expect(text()).toContain("Your computer is printing the assessment.");
    expect(await violations()).toEqual([]);
  });

  it("has no WCAG problems axe can find", async () => {
    shell(sampleDocument("sample-assessment-1")!);
    await showScreen(ASSESSMENT);

    expect(document.querySelectorAll("h1")).toHaveLength(1);
    expect(await violations()).toEqual([]);
  });
});
