//! The desktop shell: one window, and commands that delegate to `cfp-core`. Nothing here
//! decides anything; it only adapts the core to Tauri.

mod baked_profile;
mod commands;
mod updater;
mod window;

use cfp_core::{AppMode, CouncilProfile};

/// What every command can reach.
pub struct ShellState {
    /// The council this app talks to, or why its settings could not be read.
    pub profile: Result<CouncilProfile, String>,
    pub mode: AppMode,
}

impl ShellState {
    pub fn from_environment() -> Self {
        ShellState {
            profile: baked_profile::locate().map_err(|e| e.to_string()),
            mode: AppMode::Home,
        }
    }
}

fn builder(state: ShellState) -> tauri::Builder<tauri::Wry> {
    tauri::Builder::default()
        .manage(state)
        .plugin(updater::plugin())
        .setup(|app| {
            window::open_main(app.handle())?;
            updater::start(app.handle());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::sign_in,
            commands::create_account
        ])
}

pub fn run() {
    let context = tauri::generate_context!();
    if let Err(error) = builder(ShellState::from_environment()).run(context) {
        // Tauri's own error text names no personal data; it is what support needs.
        eprintln!("Client Finance Portal could not start: {error}");
        std::process::exit(1);
    }
}
