//! The IPC contract between the webview (ui/) and the app. Every command's name is listed in
//! [`COMMANDS`] (the shell's build script reads it, so each needs an explicit grant), and every
//! type that crosses IPC derives `ts_rs::TS`; `ui/src/lib/bindings/` is generated from them
//! and a test fails when that folder is stale.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Every command the UI can invoke. Adding a command means adding it here, to the shell's
/// handler list, and to a window's capability.
///
/// The contract (arguments are camelCase in TypeScript; types are in [`crate::views`]):
///
/// | command | arguments | answer |
/// |---|---|---|
/// | `app_info` | | `AppInfo` |
/// | `session` | | `SessionView` |
/// | `sign_in` | | `SessionView` (opens the system browser; waits for it) |
/// | `create_account` | | `SessionView` (the council's registration, `prompt=create`) |
/// | `cancel_sign_in` | | nothing |
/// | `still_here` | | nothing (the person used the app: kiosk idle timeout, kept in Rust too) |
/// | `sign_out` | | `SessionView` (revokes tokens, ends the council session; kiosk: clears everything) |
/// | `lock` | | `SessionView` |
/// | `unlock` | `passphrase` | `SessionView` |
/// | `people` | | `PersonView[]` |
/// | `sync_now` | | `SyncSummaryView` (emits `sync-progress` events) |
/// | `documents` | `personId`, `query: DocumentQuery` | `DocumentListView` |
/// | `document` | `personId`, `documentId` | `DocumentView` |
/// | `relationships` | | `RelationshipView[]` |
/// | `access_requests` | | `AccessRequestView[]` |
/// | `request_access` | `form: AccessRequestForm` | `AccessRequestOutcome` |
/// | `resubmit_access_request` | `requestId`, `form` | `AccessRequestOutcome` |
/// | `withdraw_access_request` | `requestId` | `AccessRequestView[]` |
/// | `settings` | | `SettingsView` |
/// | `set_lock_after` | `minutes` | `SettingsView` |
/// | `set_passphrase` | `passphrase` | `SettingsView` |
/// | `remove_local_data` | | `SessionView` (signed out, nothing left on this computer) |
/// | `statement_preview` | `request: StatementRequest` | `StatementPreview` |
/// | `save_statement` | `request: StatementRequest` | `SaveOutcome` (a Save dialog) |
/// | `print_statement` | `request: StatementRequest` | nothing (the system's print) |
/// | `save_document` | `request: DocumentExportRequest` | `SaveOutcome` |
/// | `print_document` | `request: DocumentExportRequest` | nothing |
pub const COMMANDS: &[&str] = &[
    "app_info",
    "session",
    "sign_in",
    "create_account",
    "cancel_sign_in",
    "still_here",
    "sign_out",
    "lock",
    "unlock",
    "people",
    "sync_now",
    "documents",
    "document",
    "relationships",
    "access_requests",
    "request_access",
    "resubmit_access_request",
    "withdraw_access_request",
    "settings",
    "set_lock_after",
    "set_passphrase",
    "remove_local_data",
    "statement_preview",
    "save_statement",
    "print_statement",
    "save_document",
    "print_document",
];

/// What kind of failure happened. The UI decides what to do from the code alone; the message
/// is for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    InvalidInput,
    NotFound,
    Offline,
    Unauthorised,
    StoreLocked,
    /// The feature is not available in this version or on this computer.
    Unavailable,
    Internal,
}

/// An error as the UI receives it: a code to act on and a plain-English message to show.
/// The message never contains personal data, tokens or keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        IpcError {
            code,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_serialise_as_code_and_message() {
        let e = IpcError::new(
            ErrorCode::StoreLocked,
            "Enter your passphrase to open your documents.",
        );
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"code": "storeLocked", "message": "Enter your passphrase to open your documents."})
        );
    }

    #[test]
    fn command_names_are_unique_snake_case() {
        let mut names = COMMANDS.to_vec();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), COMMANDS.len());
        assert!(COMMANDS
            .iter()
            .all(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_')));
    }
}
