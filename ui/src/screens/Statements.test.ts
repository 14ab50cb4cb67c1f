import { afterEach, describe, expect, it } from "vitest";
import type { StatementRequest } from "../lib/bindings/StatementRequest";
import { recentTaxYears, taxYearLabel, today } from "../lib/dates";
import { SAMPLE_PEOPLE, sampleStatement } from "../lib/preview/documents";
import { getByText, normalisedText, removeFakeShell, settle } from "../test/support";
import { choose, hideScreen, lastArgs, recordingShell, showScreen, type } from "../test/screens";

afterEach(() => {
  hideScreen();
  removeFakeShell();
});

const SETTINGS = {
  lockAfterMinutes: 15,
  lockAfterMinMinutes: 5,
  lockAfterMaxMinutes: 60,
  keyProtection: "keychain",
  canSetPassphrase: true,
};

function shell(canSaveFiles = true, extra: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  return recordingShell({
    people: () => SAMPLE_PEOPLE,
    settings: () => ({ ...SETTINGS, canSaveFiles }),
    statement_preview: (args) => sampleStatement(args.request as StatementRequest),
    ...extra,
  });
}

async function preview(): Promise<void> {
  getByText("button", /^Preview the statement$/).click();
  await settle();
}

const THIS_TAX_YEAR = recentTaxYears(today(), 1)[0]!;

describe("statements", () => {
  it("offers each person and everyone, and every recent tax year by its dates", async () => {
    shell();
    await showScreen({ screen: "statements" });

    const people = [...document.querySelectorAll("input[name=who] + label")].map((l) => normalisedText(l));
    expect(people).toEqual(["Sample Person", "Second Sample Person", "Everyone I act for"]);
    const years = [...document.querySelectorAll("#tax-year option")].map((o) => normalisedText(o));
    expect(years[0]).toBe(taxYearLabel(THIS_TAX_YEAR));
    expect(years).toHaveLength(7);
  });

  it("asks whose payments before previewing", async () => {
    const calls = shell();
    await showScreen({ screen: "statements" });

    await preview();

    expect(calls.some((call) => call.command === "statement_preview")).toBe(false);
    const summary = document.querySelector<HTMLElement>(".govuk-error-summary")!;
    expect(document.activeElement).toBe(summary);
    expect(normalisedText(summary)).toContain("Choose whose payments to show");
    summary.querySelector("a")!.click();
    expect(document.activeElement).toBe(document.getElementById("who"));
  });

  it("previews a tax year for the person in the route, with payments, totals by kind and the money received", async () => {
    const calls = shell();
    await showScreen({ screen: "statements", personId: "sample-person" });

    expect((document.getElementById("who") as HTMLInputElement).checked).toBe(true);
    expect(normalisedText(document.querySelector(".app-acting-for")!)).toContain("Acting for Sample Person");
    type("#tax-year", "2025");
    await preview();

    expect(lastArgs(calls, "statement_preview")).toEqual({
      request: { personId: "sample-person", period: { period: "taxYear", startYear: 2025 }, format: "pdf" },
    });
    const section = document.querySelector<HTMLElement>("[data-testid=preview]")!;
    expect(document.activeElement).toBe(section);
    getByText("h2", /^Statement for Sample Person, tax year 2025 to 2026$/);
    expect(normalisedText(section)).toContain("6 April 2025 to 5 April 2026");
    const rows = [...section.querySelectorAll("tbody tr")];
    expect(rows).toHaveLength(8);
    expect([...rows[0]!.children].map((cell) => normalisedText(cell))).toEqual([
      "3 November 2025",
      "6 October 2025 to 2 November 2025",
      "SAMPLE-DP-0012",
      "£612.50",
    ]);
    const totals = [...section.querySelectorAll("[data-testid=totals] .govuk-summary-list__row")].map((r) => normalisedText(r));
    expect(totals).toEqual([
      "Care budget £4,800.00",
      "Contributions minus £570.00",
      "One-off payments £120.00",
      "Adjustments (Adj and MA) £12.50",
      "Overpayment recoveries minus £40.00",
      "Money received £4,322.50",
    ]);
  });

  it("names the person on every row of a summary for everyone, and only there", async () => {
    shell();
    await showScreen({ screen: "statements" });
    choose("#who-everyone");
    type("#tax-year", "2025");
    await preview();

    const section = document.querySelector<HTMLElement>("[data-testid=preview]")!;
    const headers = [...section.querySelectorAll("thead th")].map((th) => normalisedText(th));
    expect(headers).toEqual(["Date paid", "Person", "Period", "Reference", "Amount paid"]);
    const rows = [...section.querySelectorAll("tbody tr")];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(normalisedText(row.children[1]!)).toBe("Sample Person");

    choose("#who");
    await preview();
    const again = document.querySelector<HTMLElement>("[data-testid=preview]")!;
    expect(normalisedText(again.querySelector("h2")!)).toMatch(/^Statement for Sample Person/);
    expect([...again.querySelectorAll("thead th")].map((th) => normalisedText(th))).not.toContain("Person");
  });

  it("previews a calendar year for everyone, and a range of dates", async () => {
    const calls = shell();
    await showScreen({ screen: "statements" });

    choose("#who-everyone");
    choose("#period-calendar-year");
    type("#calendar-year", String(today().year - 1));
    await preview();
    expect(lastArgs(calls, "statement_preview")).toEqual({
      request: { period: { period: "calendarYear", year: today().year - 1 }, format: "pdf" },
    });

    choose("#period-range");
    type("#from-day", "1");
    type("#from-month", "4");
    type("#from-year", "2025");
    type("#to-day", "30");
    type("#to-month", "6");
    type("#to-year", "2025");
    await preview();
    expect(lastArgs(calls, "statement_preview")).toEqual({
      request: { period: { period: "range", from: "2025-04-01", to: "2025-06-30" }, format: "pdf" },
    });
  });

  it("refuses a range whose end is before its start", async () => {
    const calls = shell();
    await showScreen({ screen: "statements", personId: "sample-person" });

    choose("#period-range");
    type("#from-day", "1");
    type("#from-month", "6");
    type("#from-year", "2025");
    type("#to-day", "1");
    type("#to-month", "5");
    type("#to-year", "2025");
    await preview();

    expect(calls.some((call) => call.command === "statement_preview")).toBe(false);
    expect(normalisedText(document.querySelector(".govuk-error-summary")!)).toContain(
      "The end date must be the same as or after the start date",
    );
  });

  it("saves the previewed statement as PDF and CSV, even if the form changed since", async () => {
    let answer: unknown = { outcome: "saved", fileName: "statement-2025-26.pdf" };
    const calls = shell(true, { save_statement: () => answer });
    await showScreen({ screen: "statements", personId: "sample-person" });

    type("#tax-year", "2025");
    await preview();
    type("#tax-year", "2024");

    getByText("button", /^Save as PDF$/).click();
    await settle();
    expect(lastArgs(calls, "save_statement")).toEqual({
      request: { personId: "sample-person", period: { period: "taxYear", startYear: 2025 }, format: "pdf" },
    });
    expect(normalisedText(document.querySelector(".govuk-notification-banner--success")!)).toContain(
      "Saved as statement-2025-26.pdf",
    );

    answer = { outcome: "cancelled" };
    getByText("button", /^Save as CSV$/).click();
    await settle();
    expect(lastArgs(calls, "save_statement")).toMatchObject({ request: { format: "csv" } });
    expect(document.querySelector(".govuk-notification-banner--success")).toBeNull();
    expect(document.body.textContent).toContain("You closed the Save window, so nothing was saved.");
  });

  it("prints the statement", async () => {
    const calls = shell(true, { print_statement: () => null });
    await showScreen({ screen: "statements", personId: "sample-person" });

    await preview();
    getByText("button", /^Print this statement$/).click();
    await settle();

    expect(lastArgs(calls, "print_statement")).toMatchObject({ request: { personId: "sample-person", format: "pdf" } });
  });

  it("offers printing only, and says why, when this computer does not allow saving", async () => {
    shell(false);
    await showScreen({ screen: "statements", personId: "sample-person" });

    await preview();

    const buttons = [...document.querySelectorAll("[data-testid=preview] button")].map((b) => normalisedText(b));
    expect(buttons).toEqual(["Print this statement"]);
    expect(document.body.textContent).toContain("You cannot save files on this computer.");
  });

  it("shows the shell's message when the preview fails", async () => {
    shell(true, {
      statement_preview: () => {
        throw { code: "storeLocked", message: "Enter your passphrase to open your documents." };
      },
    });
    await showScreen({ screen: "statements", personId: "sample-person" });

    await preview();

    expect(document.querySelector("[data-testid=preview]")).toBeNull();
    const summary = document.querySelector<HTMLElement>(".govuk-error-summary")!;
    expect(normalisedText(summary)).toContain("Enter your passphrase to open your documents.");
    expect(document.activeElement).toBe(summary);
  });
});
