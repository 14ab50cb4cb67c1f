//! The contract between the desktop app's faces and its use cases: the council profile and
//! machine policy, the IPC command names, `IpcError`, and every type that crosses IPC (the
//! views). The use cases themselves live in `cfp-portal`; the shell (`src-tauri/`) and the
//! command line are thin faces over them. No Tauri here.

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
