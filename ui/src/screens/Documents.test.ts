import { afterEach, describe, expect, it } from "vitest";
import type { DocumentQuery } from "../lib/bindings/DocumentQuery";
import { router } from "../lib/router.svelte";
import { recentTaxYears, taxYearRange, today } from "../lib/dates";
import { SAMPLE_PEOPLE, sampleDocument, sampleDocumentList } from "../lib/preview/documents";
import { getByText, mainHeading, normalisedText, removeFakeShell, settle } from "../test/support";
import { choose, hideScreen, lastArgs, recordingShell, showScreen, type } from "../test/screens";

afterEach(() => {
  hideScreen();
  removeFakeShell();
});

const ROUTE = { screen: "documents", personId: "sample-person" } as const;

function shell() {
  return recordingShell({
    documents: (args) => sampleDocumentList(String(args.personId), args.query as DocumentQuery),
    people: () => SAMPLE_PEOPLE,
  });
}

async function submit(): Promise<void> {
  getByText("button", /^Show documents$/).click();
  await settle();
}

function count(): string {
  return normalisedText(document.querySelector("[data-testid=count]")!);
}

describe("the documents list", () => {
  it("lists the person's documents in a table, newest first, each linking to its document", async () => {
    const calls = shell();
    await showScreen(ROUTE);

    expect(lastArgs(calls, "documents")).toEqual({ personId: "sample-person", query: {} });
    expect(normalisedText(mainHeading())).toBe("Sample Person Documents");
    expect(count()).toBe("Showing 9 of 9 documents");
    const headers = [...document.querySelectorAll("thead th")].map((th) => normalisedText(th));
    expect(headers).toEqual(["Date", "Period", "Reference", "Amount", "Type"]);
    const first = document.querySelector("tbody tr")!;
    expect([...first.querySelectorAll("td")].map((td) => normalisedText(td))).toEqual([
      "3 November 2025: Direct Payment remittance advice, reference SAMPLE-DP-0012",
      "6 October 2025 to 2 November 2025",
      "SAMPLE-DP-0012",
      "£612.50 paid",
      "Direct Payment remittance advice",
    ]);

    first.querySelector("a")!.click();
    await settle();
    expect(router.current).toEqual({ screen: "document", personId: "sample-person", documentId: "sample-advice-12" });
  });

  it("shows a Deferred Payment statement and an assessment result with their amount and type", async () => {
    const list = sampleDocumentList("sample-person", {})!;
    const others = ["sample-deferred-1", "sample-assessment-1"].map((id) => sampleDocument(id)!.summary);
    recordingShell({
      documents: () => ({ ...list, documents: [...others, ...list.documents], total: list.total + 2 }),
      people: () => SAMPLE_PEOPLE,
    });
    await showScreen(ROUTE);

    const rows = [...document.querySelectorAll("tbody tr")].slice(0, 2);
    expect(rows.map((row) => [...row.querySelectorAll("td")].map((td) => normalisedText(td)))).toEqual([
      [
        "10 April 2026: Deferred Payment statement, reference SAMPLE-DPS-0042",
        "1 October 2025 to 31 March 2026",
        "SAMPLE-DPS-0042",
        "£20,742.40 owed",
        "Deferred Payment statement",
      ],
      [
        "8 December 2025: Financial assessment result, reference SAMPLE-FA-0007",
        "Not given",
        "SAMPLE-FA-0007",
        "£18.55 a week",
        "Financial assessment result",
      ],
    ]);
  });

  it("sends the search words and the kind", async () => {
    const calls = shell();
    await showScreen(ROUTE);

    type("#search", "  MA  ");
    type("#kind", "remittanceAdvice");
    await submit();

    expect(lastArgs(calls, "documents")).toEqual({
      personId: "sample-person",
      query: { search: "MA", kind: "remittanceAdvice" },
    });
    expect(count()).toBe("Showing 1 of 9 documents");
  });

  it("sends a tax year as its dates, 6 April to 5 April", async () => {
    const calls = shell();
    await showScreen(ROUTE);
    const year = recentTaxYears(today(), 7)[2]!;

    choose("#period-tax-year");
    type("#tax-year", String(year));
    await submit();

    expect(lastArgs(calls, "documents")).toEqual({ personId: "sample-person", query: taxYearRange(year) });
  });

  it("sends the dates typed, as ISO dates", async () => {
    const calls = shell();
    await showScreen(ROUTE);

    choose("#period-dates");
    type("#from-day", "1");
    type("#from-month", "6");
    type("#from-year", "2025");
    type("#to-day", "31");
    type("#to-month", "8");
    type("#to-year", "2025");
    await submit();

    expect(lastArgs(calls, "documents")).toEqual({
      personId: "sample-person",
      query: { from: "2025-06-01", to: "2025-08-31" },
    });
    expect(count()).toBe("Showing 3 of 9 documents");
  });

  it("does not send dates that are not real, and the error summary leads to the field", async () => {
    const calls = shell();
    await showScreen(ROUTE);

    choose("#period-dates");
    type("#from-day", "31");
    type("#from-month", "2");
    type("#from-year", "2025");
    type("#to-month", "3");
    await submit();

    expect(calls.filter((call) => call.command === "documents")).toHaveLength(1);
    const summary = document.querySelector<HTMLElement>(".govuk-error-summary")!;
    expect(document.activeElement).toBe(summary);
    const links = [...summary.querySelectorAll("a")];
    expect(links.map((a) => normalisedText(a))).toEqual([
      "The start date must be a real date, for example 6 4 2025",
      "The end date must include a day and year",
    ]);
    expect(normalisedText(document.querySelector("#from-error")!)).toContain("The start date must be a real date");
    expect(document.querySelector("#from-day")!.classList).toContain("govuk-input--error");

    links[1]!.click();
    expect(document.activeElement).toBe(document.getElementById("to-day"));
  });

  it("says clearly when no documents match, and clearing the filters shows them all again", async () => {
    const calls = shell();
    await showScreen(ROUTE);

    type("#search", "nothing like this");
    await submit();

    expect(count()).toBe("Showing 0 of 9 documents");
    getByText("h2", /^No documents match$/);
    expect(document.querySelector("table")).toBeNull();

    getByText("a", /^Clear the search and filters$/).click();
    await settle();
    expect(lastArgs(calls, "documents")).toEqual({ personId: "sample-person", query: {} });
    expect((document.querySelector("#search") as HTMLInputElement).value).toBe("");
    expect(count()).toBe("Showing 9 of 9 documents");
  });

  it("says when the person has no documents yet", async () => {
    shell();
    await showScreen({ screen: "documents", personId: "second-sample-person" });

    expect(count()).toBe("Showing 0 of 0 documents");
    expect(normalisedText(document.getElementById("main-content")!)).toContain(
      "There are no documents for Second Sample Person on this computer yet.",
    );
  });

  it("shows who the user is acting for, with a way to switch person", async () => {
    shell();
    await showScreen(ROUTE);

    const banner = document.querySelector(".app-acting-for")!;
    expect(normalisedText(banner)).toContain("Acting for Sample Person");
    getByText(".app-acting-for a", /^Second Sample Person$/);
  });

  it("shows the shell's message when the list cannot be read", async () => {
    recordingShell({
      documents: () => {
        throw { code: "storeLocked", message: "Enter your passphrase to open your documents." };
      },
      people: () => SAMPLE_PEOPLE,
    });
    await showScreen(ROUTE);

    expect(normalisedText(document.querySelector(".govuk-error-summary")!)).toContain(
      "Enter your passphrase to open your documents.",
    );
  });
});
