// Showing money. The app sends money as an exact decimal string ("575.72", "-88.57"); this
// file only rearranges its characters. It never turns money into a number, so there is no
// floating-point rounding anywhere between the council's figures and the screen.

import type { Money } from "./bindings/Money";

/** A money string taken apart: its sign, whole pounds (digits) and pence (two digits). */
export type MoneyParts = { negative: boolean; pounds: string; pence: string };

const MONEY_PATTERN = /^\s*([+-]?)(\d+)(?:\.(\d{1,2}))?\s*$/;

/** Takes a money string apart. Returns null if it is not a plain decimal amount of pounds. */
export function parseMoney(value: Money): MoneyParts | null {
  const match = MONEY_PATTERN.exec(value);
  if (!match) return null;
  const pounds = (match[2] ?? "0").replace(/^0+(?=\d)/, "");
  const pence = (match[3] ?? "").padEnd(2, "0");
  const zero = /^0+$/.test(pounds) && pence === "00";
  // "-0.00" is zero, and zero has no sign.
  return { negative: match[1] === "-" && !zero, pounds, pence };
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** "£1,234.56" whatever the sign: for places where words already say whether money is
 * added or taken off. Shows "£?" rather than guessing if the value is not money. */
export function formatPounds(value: Money): string {
  const parts = parseMoney(value);
  if (!parts) return "£?";
  return `£${groupThousands(parts.pounds)}.${parts.pence}`;
}

/** "£1,234.56", or "minus £12.00" for a negative amount: a screen reader says "minus"
 * clearly, where it may skip a hyphen. */
export function formatMoney(value: Money): string {
  const parts = parseMoney(value);
  if (!parts) return "£?";
  return `${parts.negative ? "minus " : ""}${formatPounds(value)}`;
}

export function isNegative(value: Money): boolean {
  return parseMoney(value)?.negative ?? false;
}

export function isZero(value: Money): boolean {
  const parts = parseMoney(value);
  return parts !== null && /^0+$/.test(parts.pounds) && parts.pence === "00";
}
