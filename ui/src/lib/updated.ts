// "Updated 5 minutes ago": when a person's documents were last fetched, in words rather than
// timestamps. Pure functions of the instant and "now", so tests need no clock.

import { formatInstantDate } from "./dates";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function count(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/** How long ago an RFC 3339 instant was, in words: "just now", "5 minutes ago",
 * "2 hours ago", "3 days ago", or "on 3 March 2025" for a week or more. */
export function agoInWords(instant: string, now: number): string {
  const then = Date.parse(instant);
  if (Number.isNaN(then)) return "at an unknown time";
  const elapsed = now - then;
  // A clock that is a little wrong should not say "in 2 minutes".
  if (elapsed < MINUTE) return "just now";
  if (elapsed < HOUR) return `${count(Math.floor(elapsed / MINUTE), "minute")} ago`;
  if (elapsed < DAY) return `${count(Math.floor(elapsed / HOUR), "hour")} ago`;
  if (elapsed < 7 * DAY) return `${count(Math.floor(elapsed / DAY), "day")} ago`;
  return `on ${formatInstantDate(instant)}`;
}

/** "Updated 5 minutes ago", or "Not updated yet" before the first sync. */
export function updatedInWords(lastSyncedAt: string | undefined, now: number): string {
  if (!lastSyncedAt) return "Not updated yet";
  return `Updated ${agoInWords(lastSyncedAt, now)}`;
}

/** True when an instant is missing or older than `maxAgeMs` (a sync is due). */
export function isStale(lastSyncedAt: string | undefined, now: number, maxAgeMs: number): boolean {
  if (!lastSyncedAt) return true;
  const then = Date.parse(lastSyncedAt);
  return Number.isNaN(then) || now - then > maxAgeMs;
}
