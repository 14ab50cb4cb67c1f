import { mount, unmount } from "svelte";
import { afterEach, describe, expect, it } from "vitest";
import type { LineGroupView } from "../lib/bindings/LineGroupView";
import { SAMPLE_ADVICE } from "../lib/preview/documents";
import { normalisedText, settle } from "../test/support";
import AdviceLines from "./AdviceLines.svelte";

let shown: ReturnType<typeof mount> | undefined;

afterEach(() => {
  if (shown) unmount(shown);
  shown = undefined;
  document.body.innerHTML = "";
});

async function show(groups: LineGroupView[]): Promise<void> {
  shown = mount(AdviceLines, { target: document.body, props: { groups } });
  await settle();
}

const adj = SAMPLE_ADVICE.groups.find((group) => group.kind === "rateAdjustment")!;
const adjLine = adj.lines[0]!;

describe("the lines of an advice", () => {
  it("says a zero line does not change the payment", async () => {
    await show([
      {
        ...adj,
        lines: [{ ...adjLine, amount: "0.00", explanation: { ...adjLine.explanation, effect: "nothing" } }],
        subtotal: "0.00",
      },
    ]);

    expect(normalisedText(document.querySelector(".app-line__effect")!)).toBe("Does not change the payment");
  });

  it("adds up a group of several lines in words, whichever way it goes", async () => {
    const up = { ...adjLine, amount: "30.00", explanation: { ...adjLine.explanation, effect: "adds" as const } };
    const down = { ...adjLine, amount: "-42.50" };
    await show([{ ...adj, lines: [up, down], subtotal: "-12.50" }]);

    const effects = [...document.querySelectorAll(".app-line__effect")].map((e) => normalisedText(e));
    expect(effects).toEqual(["Adds £30.00 to the payment", "Takes £42.50 off the payment"]);
    expect(document.body.textContent).toContain("Together, these lines take £12.50 off the payment.");
  });

  it("names each group once, with its meaning, and shows a line's own meaning only when it differs", async () => {
    const odd = { ...adjLine, explanation: { ...adjLine.explanation, meaning: "A different sentence for this one line." } };
    await show([{ ...adj, lines: [adjLine, odd], subtotal: "-25.00" }]);

    expect(document.body.textContent!.split(adj.meaning)).toHaveLength(2);
    expect(document.querySelectorAll(".govuk-summary-list__key")).toHaveLength(3);
    expect(normalisedText(document.querySelectorAll(".govuk-summary-card")[1]!)).toContain(
      "What this means A different sentence for this one line.",
    );
  });
});
