// Generated from cfp_core::for_each_command! (crates/core/src/ipc.rs) by
// crates/core/tests/bindings.rs. Do not edit: change the declaration and run
// CFP_UPDATE_BINDINGS=1 cargo test -p cfp-core --test bindings
import type { AccessRequestForm } from "./AccessRequestForm";
import type { AccessRequestOutcome } from "./AccessRequestOutcome";
import type { AccessRequestView } from "./AccessRequestView";
import type { AppInfo } from "./AppInfo";
import type { DocumentExportRequest } from "./DocumentExportRequest";
import type { DocumentListView } from "./DocumentListView";
import type { DocumentQuery } from "./DocumentQuery";
import type { DocumentView } from "./DocumentView";
import type { PersonView } from "./PersonView";
import type { RelationshipView } from "./RelationshipView";
import type { SaveOutcome } from "./SaveOutcome";
import type { SessionView } from "./SessionView";
import type { SettingsView } from "./SettingsView";
import type { StatementPreview } from "./StatementPreview";
import type { StatementRequest } from "./StatementRequest";
import type { SyncSummaryView } from "./SyncSummaryView";

/** Every IPC command: its arguments (camelCase, as the shell reads them) and its answer. */
export type Commands = {
  /** The council's profile and how this copy of the app is set up. */
  app_info: { args: Record<never, never>; answer: AppInfo };
  /** Who is signed in, whether the app is locked, and the inactivity rule. */
  session: { args: Record<never, never>; answer: SessionView };
  /** Opens the system browser to sign in, and waits for it. */
  sign_in: { args: Record<never, never>; answer: SessionView };
  /** The council's registration (`prompt=create`), then signs in with the new account. */
  create_account: { args: Record<never, never>; answer: SessionView };
  /** Stops waiting for the browser. */
  cancel_sign_in: { args: Record<never, never>; answer: void };
  /** The person used the app (the kiosk's idle timeout is kept in Rust too). */
  still_here: { args: Record<never, never>; answer: void };
  /** Revokes the tokens and ends the council session; a kiosk also clears everything. */
  sign_out: { args: Record<never, never>; answer: SessionView };
  lock: { args: Record<never, never>; answer: SessionView };
  unlock: { args: { passphrase: string }; answer: SessionView };
  /** Everyone the user may see documents for, from what is kept on this computer. */
  people: { args: Record<never, never>; answer: Array<PersonView> };
  /** Fetches what is new from the council; emits `sync-progress` events meanwhile. */
  sync_now: { args: Record<never, never>; answer: SyncSummaryView };
  documents: { args: { personId: string; query: DocumentQuery }; answer: DocumentListView };
  document: { args: { personId: string; documentId: string }; answer: DocumentView };
  /** The roles a person can ask for, with their meaning and the evidence to have ready. */
  relationships: { args: Record<never, never>; answer: Array<RelationshipView> };
  access_requests: { args: Record<never, never>; answer: Array<AccessRequestView> };
  request_access: { args: { form: AccessRequestForm }; answer: AccessRequestOutcome };
  resubmit_access_request: { args: { requestId: string; form: AccessRequestForm }; answer: AccessRequestOutcome };
  withdraw_access_request: { args: { requestId: string }; answer: Array<AccessRequestView> };
  settings: { args: Record<never, never>; answer: SettingsView };
  set_lock_after: { args: { minutes: number }; answer: SettingsView };
  set_passphrase: { args: { passphrase: string }; answer: SettingsView };
  /** Deletes this computer's copy of every document, and signs out. */
  remove_local_data: { args: Record<never, never>; answer: SessionView };
  /** What a statement will contain, shown before saving or printing it. */
  statement_preview: { args: { request: StatementRequest }; answer: StatementPreview };
  /** The statement as PDF or CSV, through a Save dialog. */
  save_statement: { args: { request: StatementRequest }; answer: SaveOutcome };
  /** The statement's PDF to the computer's default printer. */
  print_statement: { args: { request: StatementRequest }; answer: void };
  /** One document as PDF or CSV, through a Save dialog. */
  save_document: { args: { request: DocumentExportRequest }; answer: SaveOutcome };
  /** One document's PDF to the default printer. */
  print_document: { args: { request: DocumentExportRequest }; answer: void };
};

/** The name of a command. */
export type CommandName = keyof Commands;
