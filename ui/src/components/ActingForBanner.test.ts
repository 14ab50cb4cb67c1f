import { mount, tick, unmount } from "svelte";
import { afterEach, describe, expect, it } from "vitest";
import type { PersonView } from "../lib/bindings/PersonView";
import { router } from "../lib/router.svelte";
import { getByText, normalisedText } from "../test/support";
import ActingForBanner from "./ActingForBanner.svelte";

const person = (personId: string, name: string, relationship: PersonView["relationship"], label: string): PersonView => ({
  personId,
  name,
  clientId: "100000001",
  relationship,
  relationshipLabel: label,
  newDocuments: 0,
});

const ONE = person("p1", "Sample Person One", "lastingPowerOfAttorney", "Lasting Power of Attorney");
const TWO = person("p2", "Sample Person Two", "deputy", "Deputy");
const SELF = person("p0", "Sample Person", "myself", "You");

let mounted: ReturnType<typeof mount> | undefined;

function show(props: { person: PersonView; people: PersonView[]; screen?: "documents" | "statements" }): void {
  mounted = mount(ActingForBanner, { target: document.body, props });
}

afterEach(() => {
  if (mounted) unmount(mounted);
  mounted = undefined;
  document.body.innerHTML = "";
  router.reset();
});

describe("the Acting for banner", () => {
  it("names the person and the role the user holds", () => {
    show({ person: ONE, people: [ONE, TWO] });

    const banner = document.querySelector<HTMLElement>(".app-acting-for")!;
    expect(banner.getAttribute("role")).toBe("region");
    expect(normalisedText(banner.querySelector("p")!)).toBe("Acting for Sample Person One (Lasting Power of Attorney)");
  });

  it("switches to the other person's same screen", async () => {
    show({ person: ONE, people: [ONE, TWO, SELF], screen: "statements" });

    getByText("summary", /^Switch person$/);
    const links = [...document.querySelectorAll(".govuk-details__text a")].map(normalisedText);
    expect(links).toEqual(["Sample Person Two", "Your own documents (Sample Person)", "Everyone you act for"]);

    getByText("a", /^Sample Person Two$/).click();
    await tick();
    expect(router.current).toEqual({ screen: "statements", personId: "p2" });
  });

  it("goes to the other person's documents by default", async () => {
    show({ person: ONE, people: [ONE, TWO] });

    getByText("a", /^Sample Person Two$/).click();
    await tick();
    expect(router.current).toEqual({ screen: "documents", personId: "p2" });
  });

  it("offers Home when there is nobody else", () => {
    show({ person: ONE, people: [ONE] });

    expect(document.querySelector("details")).toBeNull();
    getByText("a", /^Back to home$/);
  });

  it("shows nothing for the user's own documents", () => {
    show({ person: SELF, people: [SELF, ONE] });

    expect(document.querySelector(".app-acting-for")).toBeNull();
  });
});
