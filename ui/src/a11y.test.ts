// A quick WCAG check of each screen's markup in jsdom. jsdom has no layout or stylesheet, so
// colour contrast, target size and reflow are checked by the end-to-end audit in the real
// webview; this catches missing names, labels, landmarks and ARIA mistakes early.
import axe from "axe-core";
import { afterEach, describe, expect, it } from "vitest";
import type { Route } from "./lib/routes";
import { router } from "./lib/router.svelte";
import { fakeShell, getByText, removeFakeShell, settle, startApp, stopApp, TEST_APP_INFO } from "./test/support";

const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

async function violations(): Promise<string[]> {
  const results = await axe.run(document, { runOnly: { type: "tag", values: WCAG_TAGS } });
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

afterEach(() => {
  stopApp();
  removeFakeShell();
});

describe("axe-core finds no WCAG 2.2 A/AA problems", () => {
  const screens: Route[] = [{ screen: "welcome" }, { screen: "help" }, { screen: "contact" }];

  it.each(screens)("on the $screen screen", async (route) => {
    fakeShell({ app_info: () => TEST_APP_INFO });
    await startApp();
    await router.navigate(route);
    await settle();

    // One <h1> per screen, and the router put focus on it.
    expect(document.querySelectorAll("h1")).toHaveLength(1);
    expect(document.activeElement).toBe(document.querySelector("#main-content h1"));
    expect(await violations()).toEqual([]);
  });

  it("with the error summary showing", async () => {
    fakeShell({
      app_info: () => TEST_APP_INFO,
      sign_in: () => {
        throw { code: "offline", message: "You are not connected to the internet." };
      },
    });
    await startApp();
    getByText("button", /^Sign in$/).click();
    await settle();

    expect(document.querySelector(".govuk-error-summary")).not.toBeNull();
    expect(await violations()).toEqual([]);
  });

  it("and the check itself can fail", async () => {
    fakeShell({ app_info: () => TEST_APP_INFO });
    await startApp();
    document.getElementById("main-content")!.append(document.createElement("button"));

    expect(await violations()).toEqual([expect.stringMatching(/^button-name/)]);
  });
});
