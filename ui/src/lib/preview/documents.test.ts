// The preview's sample data must read like a real advice: lines that add up to their group's
// subtotal, totals that add up, and no real person. (Integer pence here: test arithmetic only.)
import { describe, expect, it } from "vitest";
import { documentsPreviewAnswer, SAMPLE_ADVICE, SAMPLE_DOCUMENTS, SAMPLE_PEOPLE, sampleDocument } from "./documents";

function pence(money: string): number {
  const [pounds, part = "0"] = money.replace("-", "").split(".");
  const value = Number(pounds) * 100 + Number(part.padEnd(2, "0"));
  return money.startsWith("-") ? -value : value;
}

describe("the preview's sample advice", () => {
  it("has every kind of line, and an MA line with the finance team's note", () => {
    expect(SAMPLE_ADVICE.groups.map((g) => g.kind)).toEqual([
      "budget",
      "clientContribution",
      "oneOffPayment",
      "rateAdjustment",
      "manualAdjustment",
      "overpaymentRecovery",
    ]);
    const ma = SAMPLE_ADVICE.groups.find((g) => g.kind === "manualAdjustment")!;
    expect(ma.lines.every((line) => (line.explanation.councilNote ?? "").length > 0)).toBe(true);
  });

  it("adds up, for the first document and the plainer ones", () => {
    for (const doc of SAMPLE_DOCUMENTS) {
      const advice = sampleDocument(doc.documentId)!.advice!;
      let added = 0;
      let takenOff = 0;
      for (const group of advice.groups) {
        const sum = group.lines.reduce((total, line) => total + pence(line.amount), 0);
        expect(sum).toBe(pence(group.subtotal));
        for (const line of group.lines) {
          const amount = pence(line.amount);
          if (amount > 0) added += amount;
          else takenOff -= amount;
          expect(line.explanation.effect).toBe(amount > 0 ? "adds" : amount < 0 ? "takesOff" : "nothing");
        }
      }
      expect(pence(advice.totals.added)).toBe(added);
      expect(pence(advice.totals.takenOff)).toBe(takenOff);
      expect(pence(advice.totals.paid)).toBe(added - takenOff);
      expect(advice.totals.paid).toBe(doc.net);
    }
  });

  it("names only sample people", () => {
    expect(SAMPLE_PEOPLE.every((person) => person.name.includes("Sample Person"))).toBe(true);
    expect(SAMPLE_ADVICE.header.clientName).toBe("Sample Person");
  });

  it("filters the list as the app would, and refuses people it does not know", () => {
    const answer = documentsPreviewAnswer("documents", { personId: "sample-person", query: { search: "ma bank" } });
    expect(answer?.answer).toMatchObject({ total: SAMPLE_DOCUMENTS.length, documents: [SAMPLE_DOCUMENTS[0]] });
    expect(() => documentsPreviewAnswer("documents", { personId: "nobody", query: {} })).toThrow();
    expect(documentsPreviewAnswer("sign_in")).toBeNull();
  });
});
