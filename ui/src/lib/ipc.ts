// The ONLY module that talks to the Tauri shell. Screens call the typed functions below and
// never import @tauri-apps/api themselves, so the whole IPC surface is visible in one file.
//
// Every function either resolves with the generated Rust type, or rejects with an IpcError
// whose `message` is plain English for the person and whose `code` is what code may act on.

import { invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings/AppInfo";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { IpcError } from "./bindings/IpcError";
import { previewInvoke } from "./preview";

export type { AppInfo, ErrorCode, IpcError };

/** Every code the shell can send. `satisfies` makes the type check fail if Rust adds one. */
const ERROR_CODES = {
  invalidInput: true,
  notFound: true,
  offline: true,
  unauthorised: true,
  storeLocked: true,
  unavailable: true,
  internal: true,
} as const satisfies Record<ErrorCode, true>;

/** Shown when something other than a proper IpcError comes back (a shell bug or a missing
 * permission). The raw value is never shown or logged: it could hold personal data. */
export const UNEXPECTED_ERROR: IpcError = {
  code: "internal",
  message:
    "Something went wrong in the app. Please try again. If it keeps happening, contact the council.",
};

export function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.code === "string" &&
    Object.hasOwn(ERROR_CODES, candidate.code) &&
    typeof candidate.message === "string" &&
    candidate.message.trim() !== ""
  );
}

/** Turns anything thrown by a call into an IpcError that is safe to show. */
export function toIpcError(value: unknown): IpcError {
  return isIpcError(value) ? { code: value.code, message: value.message } : UNEXPECTED_ERROR;
}

/** True inside the real app. Outside it (a plain browser, for screenshots) the preview answers. */
export function isInsideApp(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    if (isInsideApp()) {
      return await invoke<T>(command, args);
    }
    return (await previewInvoke(command)) as T;
  } catch (raw) {
    throw toIpcError(raw);
  }
}

/** The council's profile and how this copy of the app is set up. */
export function appInfo(): Promise<AppInfo> {
  return call<AppInfo>("app_info");
}

/** Starts signing in with the council, in the system browser. */
export function signIn(): Promise<void> {
  return call<void>("sign_in");
}

/** Opens the council's page for making a new account, in the system browser. */
export function createAccount(): Promise<void> {
  return call<void>("create_account");
}
