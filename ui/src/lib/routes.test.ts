import { describe, expect, it } from "vitest";
import { documentTitle, routeTitle, START_ROUTE } from "./routes";

describe("page titles", () => {
  it("name the page, then the service", () => {
    expect(documentTitle({ screen: "help" })).toBe("Help - Client Finance Portal");
    expect(documentTitle({ screen: "contact" }, "Money Portal")).toBe("Contact the council - Money Portal");
  });

  it("start at the welcome screen", () => {
    expect(START_ROUTE).toEqual({ screen: "welcome" });
    expect(routeTitle(START_ROUTE)).toBe("See your care and support payments");
  });
});
