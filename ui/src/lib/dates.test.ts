import { describe, expect, it } from "vitest";
import {
  formatDate,
  formatPeriod,
  readDateParts,
  partsFromIso,
  recentTaxYears,
  taxYearLabel,
  taxYearRange,
  taxYearStartFor,
} from "./dates";

describe("formatDate", () => {
  it("writes dates as GOV.UK does, without time zones", () => {
    expect(formatDate("2025-03-03")).toBe("3 March 2025");
    expect(formatDate("2024-12-31")).toBe("31 December 2024");
    expect(formatPeriod("2025-03-01", "2025-03-31")).toBe("1 March 2025 to 31 March 2025");
  });

  it("shows what it was given when it is not a date", () => {
    expect(formatDate("2025-02-30")).toBe("2025-02-30");
    expect(formatDate("soon")).toBe("soon");
  });
});

describe("readDateParts", () => {
  it("reads a real date with spaces and leading zeros", () => {
    expect(readDateParts({ day: " 06", month: "4", year: "2025 " })).toEqual({ ok: true, iso: "2025-04-06" });
    expect(readDateParts({ day: "29", month: "2", year: "2024" })).toEqual({ ok: true, iso: "2024-02-29" });
  });

  it("says which parts are missing", () => {
    expect(readDateParts({ day: "1", month: "", year: "" })).toEqual({
      ok: false,
      problem: "incomplete",
      missing: ["month", "year"],
    });
  });

  it("refuses dates that do not exist and short years", () => {
    for (const parts of [
      { day: "29", month: "2", year: "2025" },
      { day: "31", month: "4", year: "2025" },
      { day: "1", month: "13", year: "2025" },
      { day: "1", month: "1", year: "25" },
      { day: "one", month: "1", year: "2025" },
    ]) {
      expect(readDateParts(parts)).toMatchObject({ ok: false, problem: "notReal" });
    }
  });

  it("fills the boxes back from an ISO date", () => {
    expect(partsFromIso("2025-04-06")).toEqual({ day: "6", month: "4", year: "2025" });
    expect(partsFromIso(undefined)).toEqual({ day: "", month: "", year: "" });
  });
});

describe("tax years", () => {
  it("start on 6 April", () => {
    expect(taxYearStartFor({ year: 2026, month: 4, day: 5 })).toBe(2025);
    expect(taxYearStartFor({ year: 2026, month: 4, day: 6 })).toBe(2026);
    expect(taxYearStartFor({ year: 2026, month: 1, day: 10 })).toBe(2025);
    expect(taxYearStartFor({ year: 2026, month: 11, day: 30 })).toBe(2026);
  });

  it("are named and bounded as HMRC does", () => {
    expect(taxYearLabel(2025)).toBe("6 April 2025 to 5 April 2026");
    expect(taxYearRange(2025)).toEqual({ from: "2025-04-06", to: "2026-04-05" });
    expect(recentTaxYears({ year: 2026, month: 3, day: 1 }, 3)).toEqual([2025, 2024, 2023]);
  });
});
