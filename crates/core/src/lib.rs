//! The application core: everything the desktop app does, free of Tauri so it can be tested
//! and scripted. The shell in `src-tauri/` only adapts these functions to IPC commands.

pub mod app_info;
#[cfg(feature = "exports")]
pub mod exports;
pub mod ipc;
pub mod profile;
mod typed_body;
pub mod views;

pub use app_info::{AppInfo, AppMode};
pub use ipc::{ErrorCode, IpcError};
pub use profile::{CouncilProfile, MachinePolicy, ProfileError};
pub use typed_body::typed_body;
pub use views::*;
