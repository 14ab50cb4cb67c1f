// Which component draws each screen. Adding a screen? See the steps in ../lib/routes.ts.

import type { Component } from "svelte";
import type { Route, ScreenName, ScreenProps } from "../lib/routes";
import Contact from "./Contact.svelte";
import Help from "./Help.svelte";
import Home from "./Home.svelte";
import Settings from "./Settings.svelte";
import SigningIn from "./SigningIn.svelte";
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
};

/** The component for a route. The cast is safe because SCREENS is keyed by screen name,
 * so each component is only ever given its own kind of route. */
export function screenFor(route: Route): Component<ScreenProps<ScreenName>> {
  return SCREENS[route.screen] as Component<ScreenProps<ScreenName>>;
}
