// The person's session as the screens see it: signed out, signing in, locked or signed in; the
// people they may see; and syncing with the council. One instance (`appSession`) is shared by
// App.svelte and the session screens. It decides which screen shows after each change, so the
// flow lives in one place:
//
//   start:          signedOut -> welcome, locked -> unlock, signedIn -> home
//   sign in:        (welcome or unlock) -> signingIn -> home     (error or cancel: back again)
//   unlock:         unlock -> home
//   lock / idle:    -> unlock
//   sign out:       -> welcome (kiosk: everything on this computer is removed)
//
// Nothing here logs anything: errors hold only the shell's plain message and code.

import { tick } from "svelte";
import type { AppMode } from "./bindings/AppMode";
import type { PersonView } from "./bindings/PersonView";
import type { SessionView } from "./bindings/SessionView";
import type { SyncProgressView } from "./bindings/SyncProgressView";
import type { SyncSummaryView } from "./bindings/SyncSummaryView";
import { focusPageHeading } from "./focus";
import * as ipc from "./ipc";
import type { IpcError } from "./ipc";
import { router } from "./router.svelte";
import type { Route } from "./routes";
import { isStale } from "./updated";

/** A message for the next screen, shown in a GOV.UK notification banner. */
export type Notice = { kind: "success" | "important"; heading: string; text?: string };

export type SignInPurpose = "signIn" | "createAccount";

/** A sync is due when the last one is older than this. */
export const SYNC_MAX_AGE_MS = 15 * 60_000;

/** While offline, the app tries the council again this often by itself, so what waits to be sent
 * (a request made offline) goes, and "Offline" goes, once the council answers again. */
export const OFFLINE_RETRY_MS = 30_000;

/** Nobody signed in, with the app's default inactivity rule for its mode. */
export function signedOutView(mode: AppMode): SessionView {
  const kiosk = mode === "kiosk";
  return {
    state: "signedOut",
    mode,
    idle: kiosk
      ? { afterSeconds: 300, warnBeforeSeconds: 30, action: "clearEverything" }
      : { afterSeconds: 900, warnBeforeSeconds: 60, action: "lock" },
    keyProtection: kiosk ? "memoryOnly" : "notSetUp",
    offline: false,
  };
}

export function routeForSession(view: SessionView): Route {
  switch (view.state) {
    case "signedIn":
      return { screen: "home" };
    case "locked":
      return { screen: "unlock" };
    case "signedOut":
      return { screen: "welcome" };
  }
}

export class AppSession {
  /** The last answer from the shell about the session; null until `start` has run. */
  view: SessionView | null = $state(null);

  people: PersonView[] = $state([]);
  peopleLoaded = $state(false);
  peopleProblem: IpcError | null = $state(null);

  /** Set while waiting for the browser. */
  signingIn: { purpose: SignInPurpose } | null = $state(null);
  /** Why the last sign-in failed; shown by the screen it started from. */
  signInProblem: IpcError | null = $state(null);
  /** Counts problems, so an error summary is drawn afresh (and takes focus) each time. */
  problemCount = $state(0);

  /** Shown once by the next screen (for example "Your information has been removed"). */
  notice: Notice | null = $state(null);

  syncRunning = $state(false);
  syncProgress: SyncProgressView | null = $state(null);
  syncSummary: SyncSummaryView | null = $state(null);
  syncProblem: IpcError | null = $state(null);
  /** What the polite live region says: the latest sync's summary sentence. */
  syncAnnouncement = $state("");

  /** The clock, so tests can control "updated N minutes ago" and when a sync is due. */
  now: () => number = () => Date.now();
  /** Runs `run` once after `ms`; returns how to cancel it. Tests replace it to run it by hand. */
  later: (run: () => void, ms: number) => () => void = (run, ms) => {
    const timer = setTimeout(run, ms);
    return () => clearTimeout(timer);
  };

  #syncDue = false;
  #lastSyncAttempt: number | null = null;
  /** Cancels the pending retry while offline, if one is waiting. */
  #cancelRetry: (() => void) | null = null;
  #signInAttempt = 0;

  get offline(): boolean {
    return this.view?.offline ?? false;
  }

  get signedIn(): boolean {
    return this.view?.state === "signedIn";
  }

  /** Asks the shell where the session stands and shows the matching screen. If the shell cannot
   * say (an older shell without the command, or a fault), the app starts signed out at Welcome,
   * where signing in explains any problem: a person is never stuck on an error page. */
  async start(mode: AppMode = "home"): Promise<void> {
    let view: SessionView;
    try {
      view = await ipc.session();
    } catch {
      view = signedOutView(mode);
    }
    this.view = view;
    if (view.state === "signedIn") this.#syncDue = false;
    this.#retryWhileOffline();
    router.reset(routeForSession(view));
  }

  /** Forget everything kept in memory (tests, and after signing out). */
  clear(): void {
    this.#stopRetrying();
    this.view = null;
    this.#forgetPeople();
    this.signingIn = null;
    this.signInProblem = null;
    this.notice = null;
    this.#syncDue = false;
  }

  /** Sign in (or create an account) in the system browser, showing "Continue in your browser"
   * meanwhile. On success shows Home; on failure goes back and shows the problem there. */
  async beginSignIn(purpose: SignInPurpose): Promise<void> {
    if (this.signingIn) return; // one press at a time: a second would open a second tab
    const attempt = ++this.#signInAttempt;
    this.signingIn = { purpose };
    this.signInProblem = null;
    this.notice = null;
    await router.navigate({ screen: "signingIn" });
    let view: SessionView;
    try {
      view = await (purpose === "createAccount" ? ipc.createAccount() : ipc.signIn());
    } catch (error) {
      if (attempt !== this.#signInAttempt) return; // cancelled: the person already went back
      this.signingIn = null;
      if (router.current.screen === "signingIn") await router.back();
      this.signInProblem = ipc.toIpcError(error);
      this.problemCount += 1;
      return;
    }
    if (attempt !== this.#signInAttempt) return;
    this.signingIn = null;
    await this.#enter(view);
  }

  /** The "Cancel" button on "Continue in your browser". */
  async cancelSignIn(): Promise<void> {
    if (!this.signingIn) return;
    this.#signInAttempt += 1; // whatever sign_in answers now is ignored
    this.signingIn = null;
    try {
      await ipc.cancelSignIn();
    } catch {
      // Nothing to tell the person: they asked to stop, and the app has stopped waiting.
    }
    if (router.current.screen === "signingIn") await router.back();
  }

  /** Unlock with the passphrase. Rejects with the shell's IpcError (a wrong passphrase is
   * `invalidInput`), for the Unlock screen to show. */
  async unlock(passphrase: string): Promise<void> {
    const view = await ipc.unlock(passphrase);
    await this.#enter(view);
  }

  /** Lock now (the idle timeout). The documents stay on this computer. */
  async lock(notice?: Notice): Promise<void> {
    const view = await ipc.lock();
    this.view = view;
    this.#forgetPeople();
    this.notice = notice ?? null;
    await this.#show(routeForSession(view));
  }

  /** Sign out here and at the council. In kiosk mode this also removes everything. */
  async signOut(notice?: Notice): Promise<void> {
    if (this.signingIn) await this.cancelSignIn();
    const view = await ipc.signOut();
    this.#afterLeaving(view, notice);
    await this.#show(routeForSession(view));
  }

  /** "Remove my data from this computer": deletes the store and its key, and signs out. */
  async removeLocalData(notice?: Notice): Promise<void> {
    const view = await ipc.removeLocalData();
    this.#afterLeaving(view, notice);
    await this.#show(routeForSession(view));
  }

  /** Refresh the session after a setting changed (the idle rule follows "lock after"). */
  async refresh(): Promise<void> {
    this.view = await ipc.session();
  }

  /** Loads the people kept on this computer. A locked store sends the person to Unlock. */
  async loadPeople(): Promise<void> {
    try {
      this.people = await ipc.people();
      this.peopleProblem = null;
    } catch (error) {
      const problem = ipc.toIpcError(error);
      if (problem.code === "storeLocked") {
        await this.start(this.view?.mode);
        return;
      }
      this.peopleProblem = problem;
    } finally {
      this.peopleLoaded = true;
    }
  }

  /** True when Home should sync by itself: just signed in or unlocked, or the last sync is
   * more than 15 minutes old (and the app has not tried in the last 15 minutes). */
  syncIsDue(): boolean {
    if (this.#syncDue) return true;
    const now = this.now();
    if (this.#lastSyncAttempt !== null && now - this.#lastSyncAttempt <= SYNC_MAX_AGE_MS) return false;
    if (this.people.length === 0) return true;
    return this.people.some((person) => isStale(person.lastSyncedAt, now, SYNC_MAX_AGE_MS));
  }

  /** Syncs if it is due; Home calls this when it opens. */
  async syncIfDue(): Promise<void> {
    if (this.signedIn && !this.syncRunning && this.syncIsDue()) await this.sync();
  }

  /** "Check for new documents": fetch what is new, with progress, then reload the people. */
  async sync(): Promise<void> {
    if (this.syncRunning) return;
    this.syncRunning = true;
    this.#syncDue = false;
    this.#lastSyncAttempt = this.now();
    this.syncProgress = null;
    this.syncProblem = null;
    const stopListening = await ipc.onSyncProgress((progress) => {
      this.syncProgress = progress;
    });
    try {
      const summary = await ipc.syncNow();
      this.syncSummary = summary;
      if (this.view) this.view = { ...this.view, offline: summary.offline };
      this.syncAnnouncement = summary.summary;
      await this.loadPeople();
    } catch (error) {
      const problem = ipc.toIpcError(error);
      // The last run's summary ("Everything is up to date") must not stand in for this problem.
      this.syncSummary = null;
      this.syncProblem = problem;
      if (problem.code === "offline" && this.view) this.view = { ...this.view, offline: true };
      this.syncAnnouncement = problem.message;
      if (problem.code === "unauthorised") {
        // The council ended the sign-in and the shell has forgotten it: show it signed out,
        // with the reason, rather than a Home that can no longer fetch anything.
        const view = await ipc.session().catch(() => signedOutView(this.view?.mode ?? "home"));
        this.#afterLeaving(view, { kind: "important", heading: problem.message });
        await this.#show(routeForSession(view));
      }
    } finally {
      stopListening();
      this.syncRunning = false;
      this.syncProgress = null;
      this.#retryWhileOffline();
    }
  }

  /** Something other than a sync found the council out of reach (a request kept to send later):
   * show "Offline", and keep trying the council until it answers. */
  noteOffline(): void {
    if (this.view) this.view = { ...this.view, offline: true };
    this.#retryWhileOffline();
  }

  /** While signed in and offline, one retry waits; otherwise none. */
  #retryWhileOffline(): void {
    if (!this.signedIn || !this.offline) {
      this.#stopRetrying();
      return;
    }
    if (this.#cancelRetry) return;
    this.#cancelRetry = this.later(() => {
      this.#cancelRetry = null;
      if (this.signedIn && this.offline) void this.sync();
    }, OFFLINE_RETRY_MS);
  }

  #stopRetrying(): void {
    this.#cancelRetry?.();
    this.#cancelRetry = null;
  }

  async #enter(view: SessionView): Promise<void> {
    this.view = view;
    this.notice = null;
    this.signInProblem = null;
    this.#forgetPeople();
    if (view.state === "signedIn") this.#syncDue = true;
    await this.#show(routeForSession(view));
  }

  #afterLeaving(view: SessionView, notice?: Notice): void {
    this.#stopRetrying();
    this.view = view;
    this.#forgetPeople();
    this.signInProblem = null;
    this.notice = notice ?? null;
    this.#syncDue = false;
    this.#lastSyncAttempt = null;
  }

  #forgetPeople(): void {
    this.people = [];
    this.peopleLoaded = false;
    this.peopleProblem = null;
    this.syncSummary = null;
    this.syncProblem = null;
    this.syncAnnouncement = "";
  }

  /** A fresh start at `route`: no history to go back to, focus on the new page's heading. */
  async #show(route: Route): Promise<void> {
    router.reset(route);
    await tick();
    focusPageHeading();
  }
}

/** The app's one session. */
export const appSession = new AppSession();
