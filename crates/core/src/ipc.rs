//! The IPC contract between the webview (ui/) and the app. Every command is declared once, in
//! [`for_each_command!`](crate::for_each_command): its name, the shell module that handles it,
//! its arguments with their Rust types, and its answer. Everything else is made from that one
//! declaration:
//!
//! - [`COMMANDS`], which the shell's build script turns into one permission per command and the
//!   `commands` permission set ([`permission_set_toml`]) that the window's capability grants;
//! - the shell's handler list (`src-tauri/lib.rs` feeds the declaration to
//!   `tauri::generate_handler!`), so a declared command without a handler does not compile;
//! - the TypeScript command map `ui/src/lib/bindings/commands.ts` ([`command_signatures`]),
//!   through which `ui/src/lib/ipc.ts` makes every call, so a wrong argument name or answer type
//!   fails `npm --prefix ui run check`.
//!
//! Every type that crosses IPC derives `ts_rs::TS`; `ui/src/lib/bindings/` is generated from
//! them and `crates/core/tests/bindings.rs` fails when that folder is stale.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// THE list of IPC commands, declared once. Adding a command means adding one line here and
/// its handler (a `#[tauri::command]` function of that name in the shell module the line names:
/// `commands` or `exports`), then regenerating the bindings
/// (`CFP_UPDATE_BINDINGS=1 cargo test -p cfp-core --test bindings`) and adding its wrapper in
/// `ui/src/lib/ipc.ts`.
///
/// Each line is `module::name(argument: RustType, ...) -> Answer;`. Arguments are snake_case
/// here and camelCase in TypeScript (Tauri's rule); the types are in [`crate::views`].
///
/// The macro hands the list to `$callback!`, a macro of the caller's, so each side makes what it
/// needs from it: this module the contract, the shell its handler list.
#[macro_export]
macro_rules! for_each_command {
    ($callback:ident) => {
        $callback! {
            /// The council's profile and how this copy of the app is set up.
            commands::app_info() -> AppInfo;
            /// Who is signed in, whether the app is locked, and the inactivity rule.
            commands::session() -> SessionView;
            /// Opens the system browser to sign in, and waits for it.
            commands::sign_in() -> SessionView;
            /// The council's registration (`prompt=create`), then signs in with the new account.
            commands::create_account() -> SessionView;
            /// Stops waiting for the browser.
            commands::cancel_sign_in() -> ();
            /// The person used the app (the kiosk's idle timeout is kept in Rust too).
            commands::still_here() -> ();
            /// Revokes the tokens and ends the council session; a kiosk also clears everything.
            commands::sign_out() -> SessionView;
            commands::lock() -> SessionView;
            commands::unlock(passphrase: String) -> SessionView;
            /// Everyone the user may see documents for, from what is kept on this computer.
            commands::people() -> Vec<PersonView>;
            /// Fetches what is new from the council; emits `sync-progress` events meanwhile.
            commands::sync_now() -> SyncSummaryView;
            commands::documents(person_id: String, query: DocumentQuery) -> DocumentListView;
            commands::document(person_id: String, document_id: String) -> DocumentView;
            /// The roles a person can ask for, with their meaning and the evidence to have ready.
            commands::relationships() -> Vec<RelationshipView>;
            commands::access_requests() -> Vec<AccessRequestView>;
            commands::request_access(form: AccessRequestForm) -> AccessRequestOutcome;
            commands::resubmit_access_request(request_id: String, form: AccessRequestForm)
                -> AccessRequestOutcome;
            commands::withdraw_access_request(request_id: String) -> Vec<AccessRequestView>;
            commands::settings() -> SettingsView;
            commands::set_lock_after(minutes: u32) -> SettingsView;
            commands::set_passphrase(passphrase: String) -> SettingsView;
            /// Deletes this computer's copy of every document, and signs out.
            commands::remove_local_data() -> SessionView;
            /// What a statement will contain, shown before saving or printing it.
            exports::statement_preview(request: StatementRequest) -> StatementPreview;
            /// The statement as PDF or CSV, through a Save dialog.
            exports::save_statement(request: StatementRequest) -> SaveOutcome;
            /// The statement's PDF to the computer's default printer.
            exports::print_statement(request: StatementRequest) -> ();
            /// One document as PDF or CSV, through a Save dialog.
            exports::save_document(request: DocumentExportRequest) -> SaveOutcome;
            /// One document's PDF to the default printer.
            exports::print_document(request: DocumentExportRequest) -> ();
        }
    };
}

/// Makes the contract from the declaration: [`COMMANDS`] and [`command_signatures`].
macro_rules! contract {
    ($(
        $(#[doc = $doc:literal])*
        $module:ident :: $name:ident ( $($arg:ident : $arg_ty:ty),* $(,)? ) -> $answer:ty;
    )*) => {
        /// Every command the UI can invoke, in declaration order.
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];

        /// Every command with its arguments and answer as TypeScript names (see
        /// [`CommandSignature`]).
        pub fn command_signatures(cfg: &ts_rs::Config) -> Vec<CommandSignature> {
            vec![$(CommandSignature {
                name: stringify!($name),
                doc: &[$($doc),*],
                arguments: vec![$((camel_case(stringify!($arg)), <$arg_ty as TS>::name(cfg))),*],
                answer: typescript_answer::<$answer>(cfg),
            }),*]
        }

        /// Visits every argument and answer type, so a caller can export or import them all.
        pub fn visit_command_types(visitor: &mut impl ts_rs::TypeVisitor) {
            $( $( visitor.visit::<$arg_ty>(); )* visitor.visit::<$answer>(); )*
        }
    };
}

use crate::{
    AccessRequestForm, AccessRequestOutcome, AccessRequestView, AppInfo, DocumentExportRequest,
    DocumentListView, DocumentQuery, DocumentView, PersonView, RelationshipView, SaveOutcome,
    SessionView, SettingsView, StatementPreview, StatementRequest, SyncSummaryView,
};

for_each_command!(contract);

/// One command as the TypeScript side sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandSignature {
    /// The command's name, snake_case, as invoked.
    pub name: &'static str,
    /// The declaration's doc comment, one entry per line.
    pub doc: &'static [&'static str],
    /// Each argument's camelCase name and TypeScript type, in order.
    pub arguments: Vec<(String, String)>,
    /// The answer's TypeScript type (`void` for a command that answers nothing).
    pub answer: String,
}

/// A command that returns `()` resolves with nothing the UI should read.
fn typescript_answer<T: TS + 'static>(cfg: &ts_rs::Config) -> String {
    if std::any::TypeId::of::<T>() == std::any::TypeId::of::<()>() {
        "void".to_string()
    } else {
        T::name(cfg)
    }
}

/// Tauri's rule for argument names: `person_id` in Rust is `personId` in the webview.
fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for ch in snake.chars() {
        if ch == '_' {
            upper = true;
        } else if upper {
            out.extend(ch.to_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// The identifier of the permission set that grants every command of [`COMMANDS`].
pub const COMMANDS_PERMISSION_SET: &str = "commands";

/// A Tauri permission file (TOML) defining the set [`COMMANDS_PERMISSION_SET`]: the
/// `allow-<command>` permission of every command. The shell's build script writes it, so the
/// capability file grants the set and never lists commands itself.
pub fn permission_set_toml() -> String {
    let permissions: Vec<String> = COMMANDS
        .iter()
        .map(|c| format!("  \"allow-{}\",\n", c.replace('_', "-")))
        .collect();
    format!(
        "# Generated by src-tauri/build.rs from cfp_core::ipc::COMMANDS. Do not edit.\n\
         [[set]]\n\
         identifier = \"{COMMANDS_PERMISSION_SET}\"\n\
         description = \"Every command of the app's IPC contract.\"\n\
         permissions = [\n{}]\n",
        permissions.concat()
    )
}

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
    fn arguments_are_camel_case_and_unit_answers_are_void() {
        let cfg = ts_rs::Config::new();
        let signatures = command_signatures(&cfg);
        let documents = signatures.iter().find(|s| s.name == "documents").unwrap();
        assert_eq!(
            documents.arguments,
            [
                ("personId".to_string(), "string".to_string()),
                ("query".to_string(), "DocumentQuery".to_string())
            ]
        );
        assert_eq!(documents.answer, "DocumentListView");
        let lock_after = signatures
            .iter()
            .find(|s| s.name == "set_lock_after")
            .unwrap();
        assert_eq!(lock_after.arguments[0].1, "number");
        let cancel = signatures
            .iter()
            .find(|s| s.name == "cancel_sign_in")
            .unwrap();
        assert_eq!(cancel.answer, "void");
        assert_eq!(signatures.len(), COMMANDS.len());
    }

    #[test]
    fn the_permission_set_allows_every_command() {
        let toml = permission_set_toml();
        let parsed: toml::Value = toml::from_str(&toml).expect("valid TOML");
        let set = &parsed["set"][0];
        assert_eq!(set["identifier"].as_str(), Some(COMMANDS_PERMISSION_SET));
        let allowed: Vec<&str> = set["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        assert_eq!(allowed.len(), COMMANDS.len());
        assert!(allowed.contains(&"allow-resubmit-access-request"));
        assert!(allowed.contains(&"allow-app-info"));
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
