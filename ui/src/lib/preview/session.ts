// Sample answers for the session, Home, sync and settings commands, used ONLY in a plain web
// browser (see ../preview.ts) for screenshots and design review. Nothing here is a real
// person: the people are "Sample Person" from ./documents.ts. Signing in is refused (the preview
// is not connected to a council), so to see the signed-in screens start with the address's
// query: ?session=signedIn (a representative), client (only their own documents), locked or
// kiosk. Add &idle=25 to see the inactivity warning after 5 seconds (the time in seconds).

import type { AppMode } from "../bindings/AppMode";
import type { IdlePolicy } from "../bindings/IdlePolicy";
import type { PersonView } from "../bindings/PersonView";
import type { SessionState } from "../bindings/SessionState";
import type { SessionView } from "../bindings/SessionView";
import type { SettingsView } from "../bindings/SettingsView";
import type { SyncSummaryView } from "../bindings/SyncSummaryView";
import { SAMPLE_DOCUMENTS, SAMPLE_PEOPLE } from "./documents";

const HOME_IDLE: IdlePolicy = { afterSeconds: 15 * 60, warnBeforeSeconds: 60, action: "lock" };
const KIOSK_IDLE: IdlePolicy = { afterSeconds: 5 * 60, warnBeforeSeconds: 30, action: "clearEverything" };

type Start = "signedOut" | "signedIn" | "locked" | "kiosk" | "client";

function startFromAddress(): Start {
  if (typeof location === "undefined") return "signedOut";
  const wanted = new URLSearchParams(location.search).get("session");
  const known: Start[] = ["signedOut", "signedIn", "locked", "kiosk", "client"];
  return known.find((start) => start === wanted) ?? "signedOut";
}

const start = startFromAddress();

/** A shorter inactivity time from the address (?idle=SECONDS), to look at the warning. */
function idleFromAddress(): number | null {
  if (typeof location === "undefined") return null;
  const seconds = Number(new URLSearchParams(location.search).get("idle"));
  return Number.isInteger(seconds) && seconds >= 21 ? seconds : null;
}

const idleSeconds = idleFromAddress();

/** The preview's pretend session. */
const state: { session: SessionState; mode: AppMode; client: boolean; lockAfter: number; passphrase: boolean } = {
  session: start === "signedIn" || start === "kiosk" || start === "client" ? "signedIn" : start === "locked" ? "locked" : "signedOut",
  mode: start === "kiosk" ? "kiosk" : "home",
  client: start === "client",
  lockAfter: 15,
  passphrase: start === "locked",
};

/** Whether the preview starts in kiosk mode (for app_info). */
export const PREVIEW_MODE: AppMode = state.mode;

function sessionView(): SessionView {
  const idle = state.mode === "kiosk" ? KIOSK_IDLE : { ...HOME_IDLE, afterSeconds: state.lockAfter * 60 };
  const view: SessionView = {
    state: state.session,
    mode: state.mode,
    idle: idleSeconds ? { ...idle, afterSeconds: idleSeconds, warnBeforeSeconds: 20 } : idle,
    keyProtection: state.mode === "kiosk" ? "memoryOnly" : state.passphrase ? "passphrase" : "keychain",
    offline: false,
  };
  if (state.session === "signedIn") view.user = { name: "Sample Person", email: "sample.person@example.org" };
  return view;
}

function minutesAgo(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}

function samplePeople(): PersonView[] {
  const latest = SAMPLE_DOCUMENTS[0];
  const withPayment = (person: PersonView, minutes: number): PersonView => {
    const shown: PersonView = { ...person, lastSyncedAt: minutesAgo(minutes) };
    if (latest) shown.latestPayment = latest;
    return shown;
  };
  const [first, second] = SAMPLE_PEOPLE;
  if (!first) return [];
  if (state.client) {
    return [{ ...withPayment(first, 5), relationship: "myself", relationshipLabel: "You" }];
  }
  return second ? [withPayment(first, 5), { ...second, lastSyncedAt: minutesAgo(130) }] : [withPayment(first, 5)];
}

function settingsView(): SettingsView {
  return {
    lockAfterMinutes: state.lockAfter,
    lockAfterMinMinutes: 5,
    lockAfterMaxMinutes: 60,
    keyProtection: state.mode === "kiosk" ? "memoryOnly" : state.passphrase ? "passphrase" : "keychain",
    canSetPassphrase: state.mode !== "kiosk",
    canSaveFiles: state.mode !== "kiosk",
  };
}

function pause<T>(ms: number, value: () => T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value()), ms));
}

function signedOut(): SessionView {
  state.session = "signedOut";
  return sessionView();
}

function summary(): SyncSummaryView {
  return {
    offline: false,
    peopleSynced: samplePeople().length,
    newDocuments: 1,
    updatedDocuments: 0,
    peopleRemoved: 0,
    requestsSent: 0,
    summary: "1 new payment for Sample Person. Everything else is up to date.",
    problems: [],
    finishedAt: new Date().toISOString(),
  };
}

/** The preview's answer to one of the session commands, or null if it is not one of them. */
export function sessionPreviewAnswer(
  command: string,
  args: Record<string, unknown> = {},
): { answer: unknown } | null {
  switch (command) {
    case "session":
      return { answer: sessionView() };
    case "cancel_sign_in":
    case "still_here":
      return { answer: null };
    case "sign_out":
    case "remove_local_data":
      return { answer: signedOut() };
    case "lock":
      state.session = "locked";
      return { answer: sessionView() };
    case "unlock":
      if (String(args.passphrase ?? "").trim() === "wrong") {
        throw { code: "storeLocked", message: "That passphrase is not right. Nothing was changed. Please try again." };
      }
      state.session = "signedIn";
      return { answer: sessionView() };
    case "people":
      return { answer: samplePeople() };
    case "sync_now":
      return { answer: pause(1500, summary) };
    case "settings":
      return { answer: settingsView() };
    case "set_lock_after":
      state.lockAfter = Number(args.minutes);
      return { answer: settingsView() };
    case "set_passphrase":
      state.passphrase = true;
      return { answer: settingsView() };
    default:
      return null;
  }
}
