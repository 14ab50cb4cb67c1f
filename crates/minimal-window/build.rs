// Generates the Tauri context from tauri.conf.json beside this file. No commands, no plugins.
fn main() {
    tauri_build::build();
}
