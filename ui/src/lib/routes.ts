// Every screen the app can show, and its page title. Pure data: no components here, so the
// router and tests can use it without loading any screen.
//
// To add a screen: add a variant to `Route` (with any parameters it needs), give it a title
// below, write ui/src/screens/Name.svelte, and register it in ui/src/screens/registry.ts.
// The type checker points at every place that still needs the new screen.

import type { AppInfo } from "./bindings/AppInfo";

export type Route =
  | { screen: "welcome" }
  | { screen: "help" }
  | { screen: "contact" }
  // Signed in: the session screens (see App.svelte for which one shows when).
  | { screen: "signingIn" }
  | { screen: "unlock" }
  | { screen: "home" }
  | { screen: "settings" }
  // One person's documents, and one document. `personId` is the council's opaque id.
  | { screen: "documents"; personId: string }
  | { screen: "document"; personId: string; documentId: string }
  // Statements for one person, or a choice of person when `personId` is absent.
  | { screen: "statements"; personId?: string }
  // Asking the council for access, and the list of the user's requests.
  // `requestId`: correct a request the council did not approve, and send it again.
  | { screen: "requestAccess"; requestId?: string }
  | { screen: "accessRequests" };

export type ScreenName = Route["screen"];

/** What every screen component receives: the council's profile and its own route. */
export type ScreenProps<Name extends ScreenName> = {
  app: AppInfo;
  route: Extract<Route, { screen: Name }>;
};

export const START_ROUTE: Route = { screen: "welcome" };

/** The service's name, used in every window title. */
export const SERVICE_NAME = "Client Finance Portal";

const TITLES: { [Name in ScreenName]: (route: Extract<Route, { screen: Name }>) => string } = {
  welcome: () => "See your care and support payments",
  help: () => "Help",
  contact: () => "Contact the council",
  signingIn: () => "Continue in your browser",
  unlock: () => "Unlock the app",
  home: () => "Home",
  settings: () => "Settings",
  documents: () => "Documents",
  document: () => "Document",
  statements: () => "Statements",
  requestAccess: (route) => (route.requestId ? "Correct your request" : "Request access"),
  accessRequests: () => "Your requests",
};

export function routeTitle(route: Route): string {
  // The cast is safe: TITLES is keyed by screen, so each function gets its own route shape.
  const title = TITLES[route.screen] as (route: Route) => string;
  return title(route);
}

/** "Help - Client Finance Portal", as GOV.UK services do. */
export function documentTitle(route: Route, serviceName: string = SERVICE_NAME): string {
  return `${routeTitle(route)} - ${serviceName}`;
}
