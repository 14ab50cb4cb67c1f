// A tiny in-memory router. There are no URLs on purpose: nothing about a person ends up in
// the webview's history (which matters on a shared kiosk), and the app has no address bar.
//
// On every navigation it updates the window title and moves focus to the new page's <h1>,
// so keyboard and screen-reader users always start at the top of the new page.

import { tick } from "svelte";
import { focusPageHeading } from "./focus";
import { documentTitle, SERVICE_NAME, START_ROUTE, type Route } from "./routes";

function sameRoute(a: Route, b: Route): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class Router {
  current: Route = $state(START_ROUTE);
  #history: Route[] = $state([]);
  #serviceName = SERVICE_NAME;

  get canGoBack(): boolean {
    return this.#history.length > 0;
  }

  /** Go to a screen. Going to the screen already shown only moves focus to its heading. */
  async navigate(route: Route): Promise<void> {
    if (!sameRoute(route, this.current)) {
      this.#history.push(this.current);
    }
    await this.#show(route);
  }

  /** Go back to the previous screen, if there is one. */
  async back(): Promise<void> {
    const previous = this.#history.pop();
    if (previous) await this.#show(previous);
  }

  /** Start again with no history (at start-up, and later when someone signs out). */
  reset(route: Route = START_ROUTE): void {
    this.#history = [];
    this.current = route;
    this.#updateTitle();
  }

  /** The council may name the service differently; titles follow what app_info says. */
  setServiceName(name: string): void {
    this.#serviceName = name.trim() || SERVICE_NAME;
    this.#updateTitle();
  }

  async #show(route: Route): Promise<void> {
    this.current = route;
    this.#updateTitle();
    await tick(); // let Svelte render the new screen before focusing its heading
    focusPageHeading();
  }

  #updateTitle(): void {
    document.title = documentTitle(this.current, this.#serviceName);
  }
}

/** The app's one router. */
export const router = new Router();
