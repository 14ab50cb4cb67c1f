//! The baseline for the desktop app's start-up and memory figures: a Tauri window showing one
//! static page with an h1, and nothing else (no commands, no plugins, no state). See
//! `tests/perf/startup-memory.mjs`.

// No console window on Windows release builds, as in the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(error) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("minimal-window could not start: {error}");
        std::process::exit(1);
    }
}
