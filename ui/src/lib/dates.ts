// Showing and reading dates. The app sends calendar dates as ISO strings ("2025-03-03"); they
// are read as plain day, month and year, never through Date, so no time zone can move a
// payment to the day before.

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

export type CalendarDate = { year: number; month: number; day: number };

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isRealDate({ year, month, day }: CalendarDate): boolean {
  return (
    Number.isInteger(year) &&
    year >= 1000 &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** Reads "2025-03-03" (or the date part of an RFC 3339 instant). Null if it is not a real date. */
export function parseIsoDate(value: string): CalendarDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return null;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  return isRealDate(date) ? date : null;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

export function toIsoDate({ year, month, day }: CalendarDate): string {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** "3 March 2025", as GOV.UK writes dates. Shows the value as given if it is not a date. */
export function formatDate(iso: string): string {
  const date = parseIsoDate(iso);
  if (!date) return iso;
  return `${date.day} ${MONTHS[date.month - 1]} ${date.year}`;
}

/** "3 March 2025 to 30 March 2025". */
export function formatPeriod(from: string, to: string): string {
  return `${formatDate(from)} to ${formatDate(to)}`;
}

/** The day an RFC 3339 instant fell on, on this computer's clock: "3 March 2025". */
export function formatInstantDate(instant: string): string {
  const time = Date.parse(instant);
  if (Number.isNaN(time)) return formatDate(instant);
  const local = new Date(time);
  return `${local.getDate()} ${MONTHS[local.getMonth()]} ${local.getFullYear()}`;
}

/** Today on this computer's clock. */
export function today(now: Date = new Date()): CalendarDate {
  return { year: now.getFullYear(), month: now.getMonth() + 1, day: now.getDate() };
}

/** The GOV.UK date input's three boxes. */
export type DateParts = { day: string; month: string; year: string };

export const EMPTY_DATE: DateParts = { day: "", month: "", year: "" };

export function isBlank(parts: DateParts): boolean {
  return !parts.day.trim() && !parts.month.trim() && !parts.year.trim();
}

/** What was typed into a date input, as an ISO date; or why it is not one. */
export type DateReading =
  | { ok: true; iso: string }
  | { ok: false; problem: "incomplete" | "notReal"; missing: Array<keyof DateParts> };

/** Reads a GOV.UK date input. Allows spaces and leading zeros; the year must have 4 digits. */
export function readDateParts(parts: DateParts): DateReading {
  const missing = (["day", "month", "year"] as const).filter((part) => !parts[part].trim());
  if (missing.length > 0) return { ok: false, problem: "incomplete", missing };
  const digits = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN);
  const date = { day: digits(parts.day), month: digits(parts.month), year: digits(parts.year) };
  if (parts.year.trim().length !== 4 || !isRealDate(date)) {
    return { ok: false, problem: "notReal", missing: [] };
  }
  return { ok: true, iso: toIsoDate(date) };
}

export function partsFromIso(iso: string | undefined): DateParts {
  const date = iso ? parseIsoDate(iso) : null;
  if (!date) return { ...EMPTY_DATE };
  return { day: String(date.day), month: String(date.month), year: String(date.year) };
}

// UK tax years run from 6 April to 5 April.

/** The year the tax year holding `date` started in. */
export function taxYearStartFor(date: CalendarDate): number {
  const onOrAfterSixthApril = date.month > 4 || (date.month === 4 && date.day >= 6);
  return onOrAfterSixthApril ? date.year : date.year - 1;
}

export function taxYearRange(startYear: number): { from: string; to: string } {
  return { from: `${pad(startYear, 4)}-04-06`, to: `${pad(startYear + 1, 4)}-04-05` };
}

/** "6 April 2025 to 5 April 2026". */
export function taxYearLabel(startYear: number): string {
  const { from, to } = taxYearRange(startYear);
  return formatPeriod(from, to);
}

/** "2025 to 2026", as HMRC names tax years. */
export function taxYearName(startYear: number): string {
  return `${startYear} to ${startYear + 1}`;
}

/** The tax year we are in and the ones before it, newest first. */
export function recentTaxYears(now: CalendarDate, count: number): number[] {
  const current = taxYearStartFor(now);
  return Array.from({ length: count }, (_, index) => current - index);
}
