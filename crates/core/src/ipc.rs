//! The IPC contract between the webview (ui/) and the app. Every command's name is listed in
//! [`COMMANDS`] (the shell's build script reads it, so each needs an explicit grant), and every
//! type that crosses IPC derives `ts_rs::TS`; `ui/src/lib/bindings/` is generated from them
//! and a test fails when that folder is stale.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Every command the UI can invoke. Adding a command means adding it here, to the shell's
/// handler list, and to a window's capability.
pub const COMMANDS: &[&str] = &["app_info", "sign_in", "create_account"];

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
