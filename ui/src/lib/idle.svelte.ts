// Watching for inactivity (WCAG 2.2.1 Timing adjustable). After `afterSeconds -
// warnBeforeSeconds` without a key press, click, touch or scroll, the watcher enters its
// warning phase and counts down; the person can extend; at zero it calls `onExpire` once.
//
// The clock is passed in so tests can drive it (vi.useFakeTimers fakes the default one too).

import type { IdlePolicy } from "./bindings/IdlePolicy";

export type Clock = {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The events that count as someone using the app. */
export const ACTIVITY_EVENTS = ["keydown", "mousedown", "mousemove", "touchstart", "wheel", "scroll"] as const;

/** Activity is reported to the app (`onActive`) at most this often. The app's own idle timer
 * (kiosk) allows for it: it waits a minute past the idle time (`IDLE_GRACE` in the portal). */
export const ACTIVITY_REPORT_MS = 30_000;

/** The warning lasts at least this long, whatever the policy says (WCAG asks for 20 seconds). */
export const MIN_WARNING_SECONDS = 20;

export type IdlePhase = "stopped" | "active" | "warning" | "expired";

export class IdleWatch {
  phase: IdlePhase = $state("stopped");
  /** Whole seconds left while warning. */
  secondsLeft = $state(0);

  #policy: IdlePolicy;
  #onExpire: () => void;
  #onActive: () => void;
  #clock: Clock;
  #lastActivity = 0;
  #lastReported = Number.NEGATIVE_INFINITY;
  #deadline = 0;
  #timer: unknown = null;

  /**
   * @param onActive told (at most every `ACTIVITY_REPORT_MS`, and at once when the person chooses
   *   to stay) that the person is using the app, so the app's own timer can be put off too. (The
   *   app starts its own period when the person signs in.)
   */
  constructor(policy: IdlePolicy, onExpire: () => void, clock: Clock = SYSTEM_CLOCK, onActive: () => void = () => {}) {
    this.#policy = policy;
    this.#onExpire = onExpire;
    this.#clock = clock;
    this.#onActive = onActive;
  }

  /** Seconds of warning before the action. */
  get warningSeconds(): number {
    const after = Math.max(1, this.#policy.afterSeconds);
    return Math.min(after, Math.max(MIN_WARNING_SECONDS, this.#policy.warnBeforeSeconds));
  }

  /** Milliseconds of quiet before the warning opens. */
  get quietMs(): number {
    return Math.max(0, this.#policy.afterSeconds - this.warningSeconds) * 1000;
  }

  start(): void {
    this.#lastActivity = this.#clock.now();
    this.phase = "active";
    this.#schedule(this.quietMs);
  }

  stop(): void {
    this.#cancel();
    this.phase = "stopped";
  }

  /** Someone used the app. While the warning shows, only the dialog's button extends. */
  activity(): void {
    if (this.phase !== "active") return;
    this.#lastActivity = this.#clock.now();
    this.#report(false);
  }

  #report(always: boolean): void {
    const now = this.#clock.now();
    if (!always && now - this.#lastReported < ACTIVITY_REPORT_MS) return;
    this.#lastReported = now;
    this.#onActive();
  }

  /** "Stay signed in": back to a full period. */
  extend(): void {
    if (this.phase !== "warning" && this.phase !== "active") return;
    this.#cancel();
    this.start();
    this.#report(true);
  }

  #schedule(ms: number): void {
    this.#cancel();
    this.#timer = this.#clock.setTimeout(() => this.#tick(), ms);
  }

  #cancel(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #tick(): void {
    this.#timer = null;
    const now = this.#clock.now();
    if (this.phase === "active") {
      const quietFor = now - this.#lastActivity;
      if (quietFor < this.quietMs) {
        this.#schedule(this.quietMs - quietFor);
        return;
      }
      this.phase = "warning";
      this.#deadline = now + this.warningSeconds * 1000;
    }
    if (this.phase !== "warning") return;
    const left = Math.max(0, Math.ceil((this.#deadline - now) / 1000));
    this.secondsLeft = left;
    if (left === 0) {
      this.phase = "expired";
      this.#onExpire();
      return;
    }
    // Wake on the next whole second of the countdown.
    const untilNext = this.#deadline - now - (left - 1) * 1000;
    this.#schedule(Math.max(1, untilNext));
  }
}
