// Generates the Tauri context and the access-control manifest. Every command comes from the
// IPC contract in crates/core, so a command that is not declared there cannot be called, and a
// window can only call what its capability file in src-tauri/capabilities/ grants.
fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(cfp_core::ipc::COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
