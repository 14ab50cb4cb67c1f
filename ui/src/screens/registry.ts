// Which component draws each screen. Adding a screen? See the steps in ../lib/routes.ts.

import type { Component } from "svelte";
import type { Route, ScreenName, ScreenProps } from "../lib/routes";
import AccessRequests from "./AccessRequests.svelte";
import Contact from "./Contact.svelte";
import Document from "./Document.svelte";
import Documents from "./Documents.svelte";
import Help from "./Help.svelte";
import Home from "./Home.svelte";
import RequestAccess from "./RequestAccess.svelte";
import Settings from "./Settings.svelte";
import SigningIn from "./SigningIn.svelte";
import Statements from "./Statements.svelte";
import Unlock from "./Unlock.svelte";
import Welcome from "./Welcome.svelte";

const SCREENS: { [Name in ScreenName]: Component<ScreenProps<Name>> } = {
  welcome: Welcome,
  help: Help,
  contact: Contact,
  signingIn: SigningIn,
  unlock: Unlock,
  home: Home,
  settings: Settings,
  documents: Documents,
  document: Document,
  statements: Statements,
  requestAccess: RequestAccess,
  accessRequests: AccessRequests,
};

/** The component for a route. The cast is safe because SCREENS is keyed by screen name,
 * so each component is only ever given its own kind of route. */
export function screenFor(route: Route): Component<ScreenProps<ScreenName>> {
  return SCREENS[route.screen] as Component<ScreenProps<ScreenName>>;
}
