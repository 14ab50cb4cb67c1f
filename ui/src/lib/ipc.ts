// The ONLY module that talks to the Tauri shell. Screens call the typed functions below and
// never import @tauri-apps/api themselves, so the whole IPC surface is visible in one file.
//
// Every function either resolves with the generated Rust type, or rejects with an IpcError
// whose `message` is plain English for the person and whose `code` is what code may act on.
//
// Every call goes through `call`, typed by the generated command map (bindings/commands.ts,
// made from the one declaration in cfp_core::for_each_command!): a command name, an argument
// name or type, or an answer type that differs from Rust fails `npm run check`.

import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { AccessRequestForm } from "./bindings/AccessRequestForm";
import type { AccessRequestOutcome } from "./bindings/AccessRequestOutcome";
import type { AccessRequestView } from "./bindings/AccessRequestView";
import type { AppInfo } from "./bindings/AppInfo";
import type { CommandName, Commands } from "./bindings/commands";
import type { DocumentExportRequest } from "./bindings/DocumentExportRequest";
import type { DocumentListView } from "./bindings/DocumentListView";
import type { DocumentQuery } from "./bindings/DocumentQuery";
import type { DocumentView } from "./bindings/DocumentView";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { IpcError } from "./bindings/IpcError";
import type { PersonView } from "./bindings/PersonView";
import type { RelationshipView } from "./bindings/RelationshipView";
import type { SaveOutcome } from "./bindings/SaveOutcome";
import type { SessionView } from "./bindings/SessionView";
import type { SettingsView } from "./bindings/SettingsView";
import type { StatementPreview } from "./bindings/StatementPreview";
import type { StatementRequest } from "./bindings/StatementRequest";
import type { SyncProgressView } from "./bindings/SyncProgressView";
import type { SyncSummaryView } from "./bindings/SyncSummaryView";
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

/** A command's arguments: none for a command that takes none, else exactly its declared ones. */
type ArgsOf<K extends CommandName> =
  keyof Commands[K]["args"] extends never ? [] : [args: Commands[K]["args"]];

/** Invokes one declared command with its declared arguments; resolves with its declared answer. */
async function call<K extends CommandName>(
  command: K,
  ...[args]: ArgsOf<K>
): Promise<Commands[K]["answer"]> {
  type Answer = Commands[K]["answer"];
  try {
    if (isInsideApp()) {
      return await invoke<Answer>(command, args);
    }
    return (await previewInvoke(command, args)) as Answer;
  } catch (raw) {
    throw toIpcError(raw);
  }
}

/** The council's profile and how this copy of the app is set up. */
export function appInfo(): Promise<AppInfo> {
  return call("app_info");
}

/** Who is signed in, whether the app is locked, and the inactivity rule. */
export function session(): Promise<SessionView> {
  return call("session");
}

/** Signs in with the council in the system browser; resolves when the person has finished there. */
export function signIn(): Promise<SessionView> {
  return call("sign_in");
}

/** Opens the council's page for making a new account, then signs in with it. */
export function createAccount(): Promise<SessionView> {
  return call("create_account");
}

/** Stops waiting for the browser (the "Cancel" button on "Continue in your browser"). */
export function cancelSignIn(): Promise<void> {
  return call("cancel_sign_in");
}

/** Tells the app the person is using it (kiosk: the idle timeout is kept in the app as well). */
export function stillHere(): Promise<void> {
  return call("still_here");
}

/** The event the shell sends when it ended a kiosk session itself (`SESSION_ENDED_EVENT` in views.rs). */
export const SESSION_ENDED_EVENT = "session-ended";

/** Calls `callback` when the app ends the session on its own (a kiosk's idle timeout kept in
 * Rust). Resolves with a function that stops listening; outside the app it listens to nothing. */
export async function onSessionEnded(callback: () => void): Promise<() => void> {
  if (!isInsideApp()) return () => {};
  try {
    const unlisten = await listen(SESSION_ENDED_EVENT, () => callback());
    // If the shell is already gone (the app is closing), nothing is listening any more.
    return () => void Promise.resolve().then(unlisten).catch(() => undefined);
  } catch {
    return () => {};
  }
}

/** Signs out here and at the council. In kiosk mode, also clears everything. */
export function signOut(): Promise<SessionView> {
  return call("sign_out");
}

export function lock(): Promise<SessionView> {
  return call("lock");
}

export function unlock(passphrase: string): Promise<SessionView> {
  return call("unlock", { passphrase });
}

/** Everyone the user may see documents for, from what is kept on this computer. */
export function people(): Promise<PersonView[]> {
  return call("people");
}

/** Fetches what is new from the council. Progress arrives as `sync-progress` events. */
export function syncNow(): Promise<SyncSummaryView> {
  return call("sync_now");
}

/** The event the shell sends while `sync_now` runs (`SYNC_PROGRESS_EVENT` in views.rs). */
export const SYNC_PROGRESS_EVENT = "sync-progress";

/** Calls `callback` with each `sync-progress` event. Resolves with a function that stops
 * listening. Outside the app (the preview) there are no events, so it listens to nothing. */
export async function onSyncProgress(
  callback: (progress: SyncProgressView) => void,
): Promise<() => void> {
  if (!isInsideApp()) return () => {};
  try {
    return await listen<SyncProgressView>(SYNC_PROGRESS_EVENT, (event) => callback(event.payload));
  } catch {
    // Progress is a nicety: without it the sync still runs and reports its summary.
    return () => {};
  }
}

export function documents(personId: string, query: DocumentQuery): Promise<DocumentListView> {
  return call("documents", { personId, query });
}

export function document(personId: string, documentId: string): Promise<DocumentView> {
  return call("document", { personId, documentId });
}

/** The roles a person can ask for, each with its meaning and the evidence to have ready. */
export function relationships(): Promise<RelationshipView[]> {
  return call("relationships");
}

export function accessRequests(): Promise<AccessRequestView[]> {
  return call("access_requests");
}

export function requestAccess(form: AccessRequestForm): Promise<AccessRequestOutcome> {
  return call("request_access", { form });
}

export function resubmitAccessRequest(
  requestId: string,
  form: AccessRequestForm,
): Promise<AccessRequestOutcome> {
  return call("resubmit_access_request", { requestId, form });
}

export function withdrawAccessRequest(requestId: string): Promise<AccessRequestView[]> {
  return call("withdraw_access_request", { requestId });
}

export function settings(): Promise<SettingsView> {
  return call("settings");
}

export function setLockAfter(minutes: number): Promise<SettingsView> {
  return call("set_lock_after", { minutes });
}

export function setPassphrase(passphrase: string): Promise<SettingsView> {
  return call("set_passphrase", { passphrase });
}

/** Deletes this computer's copy of every document, and signs out. */
export function removeLocalData(): Promise<SessionView> {
  return call("remove_local_data");
}

export function statementPreview(request: StatementRequest): Promise<StatementPreview> {
  return call("statement_preview", { request });
}

export function saveStatement(request: StatementRequest): Promise<SaveOutcome> {
  return call("save_statement", { request });
}

export function printStatement(request: StatementRequest): Promise<void> {
  return call("print_statement", { request });
}

export function saveDocument(request: DocumentExportRequest): Promise<SaveOutcome> {
  return call("save_document", { request });
}

export function printDocument(request: DocumentExportRequest): Promise<void> {
  return call("print_document", { request });
}
