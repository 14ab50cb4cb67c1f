// Generates the Tauri context and the access-control manifest from the IPC contract in
// crates/core (`cfp_core::for_each_command!`): one permission per declared command, and the
// permission set `commands` holding them all, written here into OUT_DIR. The window's capability
// (src-tauri/capabilities/main.json) grants that set, so a command that is not declared cannot
// be called, and a declared one needs no other list.
fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let out_dir =
        std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let permissions_dir = out_dir.join("app-permissions");
    std::fs::create_dir_all(&permissions_dir).expect("create OUT_DIR/app-permissions");
    std::fs::write(
        permissions_dir.join("commands.toml"),
        cfp_core::ipc::permission_set_toml(),
    )
    .expect("write the commands permission set");
    // tauri-build keeps the pattern for the whole build script's run, which is this process.
    let pattern: &'static str = Box::leak(
        permissions_dir
            .join("*.toml")
            .to_string_lossy()
            .into_owned()
            .into_boxed_str(),
    );
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(
            tauri_build::AppManifest::new()
                .commands(cfp_core::ipc::COMMANDS)
                .permissions_path_pattern(pattern),
        );
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
