// @vitest-environment node
// The stylesheet's promises: no GOV.UK font or crown, nothing fetched from elsewhere, and
// calm for people who ask for less movement.
import { fileURLToPath } from "node:url";
import { compile } from "sass";
import { describe, expect, it } from "vitest";

const css = compile(fileURLToPath(new URL("./main.scss", import.meta.url)), {
  loadPaths: [fileURLToPath(new URL("../../node_modules", import.meta.url))],
  quietDeps: true,
}).css;

describe("the compiled stylesheet", () => {
  it("uses a system font, never GDS Transport", () => {
    expect(css).not.toMatch(/GDS Transport/i);
    expect(css).not.toContain("@font-face");
    expect(css).toMatch(/font-family:\s*system-ui/);
  });

  it("loads no images or fonts at all (so no crown and nothing remote)", () => {
    expect(css).not.toMatch(/url\(/);
  });

  it("respects prefers-reduced-motion", () => {
    expect(css).toMatch(/@media \(prefers-reduced-motion: reduce\)/);
  });

  it("includes the govuk components the screens use", () => {
    for (const block of ["govuk-generic-header", "govuk-error-summary", "govuk-button--start", "govuk-footer"]) {
      expect(css).toContain(`.${block}`);
    }
  });
});
