import { describe, expect, it } from "vitest";
import { agoInWords, isStale, updatedInWords } from "./updated";

const NOW = Date.parse("2026-11-30T10:00:00Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const MIN = 60_000;

describe("updated N minutes ago, in words", () => {
  it.each([
    [0, "Updated just now"],
    [59_000, "Updated just now"],
    [MIN, "Updated 1 minute ago"],
    [5 * MIN + 30_000, "Updated 5 minutes ago"],
    [59 * MIN, "Updated 59 minutes ago"],
    [60 * MIN, "Updated 1 hour ago"],
    [3 * 60 * MIN, "Updated 3 hours ago"],
    [24 * 60 * MIN, "Updated 1 day ago"],
    [6 * 24 * 60 * MIN, "Updated 6 days ago"],
  ])("%i ms ago reads '%s'", (elapsed, words) => {
    expect(updatedInWords(ago(elapsed), NOW)).toBe(words);
  });

  it("gives the date for a week or more", () => {
    expect(updatedInWords("2026-11-02T09:00:00Z", NOW)).toBe("Updated on 2 November 2026");
  });

  it("says 'Not updated yet' before the first sync", () => {
    expect(updatedInWords(undefined, NOW)).toBe("Not updated yet");
  });

  it("never says 'in 2 minutes' when this computer's clock is behind", () => {
    expect(agoInWords(new Date(NOW + 2 * MIN).toISOString(), NOW)).toBe("just now");
  });

  it("does not guess when the instant is not one", () => {
    expect(agoInWords("yesterday", NOW)).toBe("at an unknown time");
  });
});

describe("whether a sync is due", () => {
  it("is due after 15 minutes, or when never synced", () => {
    expect(isStale(ago(15 * MIN), NOW, 15 * MIN)).toBe(false);
    expect(isStale(ago(15 * MIN + 1), NOW, 15 * MIN)).toBe(true);
    expect(isStale(undefined, NOW, 15 * MIN)).toBe(true);
  });
});
