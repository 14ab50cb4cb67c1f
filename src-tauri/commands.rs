//! IPC commands. Each one is listed in `cfp_core::ipc::COMMANDS` and granted in
//! src-tauri/capabilities/.

use cfp_core::{AppInfo, ErrorCode, IpcError};
use tauri::State;

use crate::ShellState;

#[tauri::command]
pub fn app_info(state: State<'_, ShellState>) -> Result<AppInfo, IpcError> {
    let profile = state
        .profile
        .as_ref()
        .map_err(|reason| IpcError::new(ErrorCode::InvalidInput, reason.clone()))?;
    Ok(AppInfo::new(profile, state.mode, env!("CARGO_PKG_VERSION")))
}

/// Signing in arrives with the client core (issue 5); until then the app says so plainly.
#[tauri::command]
pub fn sign_in() -> Result<(), IpcError> {
    Err(not_yet("Signing in"))
}

#[tauri::command]
pub fn create_account() -> Result<(), IpcError> {
    Err(not_yet("Creating an account"))
}

fn not_yet(what: &str) -> IpcError {
    IpcError::new(
        ErrorCode::Unavailable,
        format!("{what} is not ready in this version of the app yet."),
    )
}
