import { describe, expect, it } from "vitest";
import { formatMoney, formatPounds, isNegative, isZero, parseMoney } from "./money";

describe("formatMoney", () => {
  it.each([
    ["575.72", "£575.72"],
    ["1234567.89", "£1,234,567.89"],
    ["1000", "£1,000.00"],
    ["999", "£999.00"],
    ["100000.5", "£100,000.50"],
    ["0", "£0.00"],
    ["0.05", "£0.05"],
    ["-0.50", "minus £0.50"],
    ["-88.57", "minus £88.57"],
    ["-1234.00", "minus £1,234.00"],
    ["-0.00", "£0.00"],
    ["+12.30", "£12.30"],
    ["007.10", "£7.10"],
  ])("shows %s as %s", (money, shown) => {
    expect(formatMoney(money)).toBe(shown);
  });

  it("keeps every digit of amounts too big for a float to hold exactly", () => {
    expect(formatMoney("90071992547409931.99")).toBe("£90,071,992,547,409,931.99");
  });

  it("shows £? rather than guessing when the value is not money", () => {
    for (const bad of ["", "abc", "1.234", "1,000.00", "£5", "1e3", "12."]) {
      expect(formatMoney(bad)).toBe("£?");
    }
  });
});

describe("formatPounds", () => {
  it("leaves the sign to the words around it", () => {
    expect(formatPounds("-88.57")).toBe("£88.57");
    expect(formatPounds("664.29")).toBe("£664.29");
  });
});

describe("signs", () => {
  it("knows negative and zero amounts", () => {
    expect(isNegative("-0.01")).toBe(true);
    expect(isNegative("0.01")).toBe(false);
    expect(isNegative("-0.00")).toBe(false);
    expect(isZero("-0.00")).toBe(true);
    expect(isZero("0")).toBe(true);
    expect(isZero("0.10")).toBe(false);
    expect(parseMoney("12.5")).toEqual({ negative: false, pounds: "12", pence: "50" });
  });
});
