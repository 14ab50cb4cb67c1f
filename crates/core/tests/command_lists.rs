//! Every IPC command is declared once, in `cfp_core::for_each_command!`; COMMANDS, the shell's
//! handler list, its permission set and the TypeScript command map are made from it. What the
//! compiler cannot tie to that declaration is checked here, and each test names the command and
//! the place when they drift apart: the shell's handler list must be the declaration (not a
//! hand-written list), the window's capability must grant the generated set and no command on its
//! own, and the UI's only IPC module must wrap every declared command (its argument names and
//! answer types are checked by `npm --prefix ui run check` against `bindings/commands.ts`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cfp_core::ipc::{permission_set_toml, COMMANDS, COMMANDS_PERMISSION_SET};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(relative: &str) -> String {
    let path = repo().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn contract() -> BTreeSet<String> {
    let names: BTreeSet<String> = COMMANDS.iter().map(|c| c.to_string()).collect();
    assert_eq!(
        names.len(),
        COMMANDS.len(),
        "COMMANDS names a command twice"
    );
    names
}

/// Compares one place's list with the contract, naming what is missing and what is extra.
fn assert_same(place: &str, found: &BTreeSet<String>) {
    let expected = contract();
    let missing: Vec<_> = expected.difference(found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{place} and cfp_core::ipc::COMMANDS disagree.\n  missing from {place}: {missing:?}\n  \
         in {place} but not in COMMANDS: {extra:?}"
    );
}

/// The command names in `call("name", ...)` in the UI's only IPC module.
pub fn ui_command_names(ipc_ts: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = ipc_ts;
    while let Some(at) = rest.find("call(") {
        rest = &rest[at + "call(".len()..];
        if let Some(quoted) = rest.trim_start().strip_prefix('"') {
            if let Some(close) = quoted.find('"') {
                names.push(quoted[..close].to_string());
            }
        }
    }
    names
}

/// The app's own permissions a capability file grants; plugin permissions (`plugin:allow-x`)
/// are not ours.
pub fn granted_app_permissions(capability_json: &str) -> Vec<String> {
    let value: serde_json::Value =
        serde_json::from_str(capability_json).expect("a capability file is JSON");
    value["permissions"]
        .as_array()
        .expect("a capability lists its permissions")
        .iter()
        .filter_map(|p| p.as_str())
        .filter(|p| !p.contains(':'))
        .map(str::to_string)
        .collect()
}

/// The commands the permission set made from the declaration allows (`allow-sign-in` is
/// `sign_in`).
fn commands_in_permission_set() -> Vec<String> {
    let parsed: toml::Value =
        toml::from_str(&permission_set_toml()).expect("the permission set is TOML");
    parsed["set"][0]["permissions"]
        .as_array()
        .expect("the set lists permissions")
        .iter()
        .map(|p| {
            let p = p.as_str().expect("a permission name");
            p.strip_prefix("allow-")
                .unwrap_or_else(|| panic!("{p}: the set holds only allow- permissions"))
                .replace('-', "_")
        })
        .collect()
}

fn unique(place: &str, names: Vec<String>) -> BTreeSet<String> {
    let set: BTreeSet<String> = names.iter().cloned().collect();
    assert_eq!(
        set.len(),
        names.len(),
        "{place} names a command more than once: {names:?}"
    );
    set
}

#[test]
fn the_shells_handler_list_is_made_from_the_declaration() {
    let lib_rs = read("src-tauri/lib.rs");
    assert!(
        lib_rs.contains(".invoke_handler(cfp_core::for_each_command!(handler_list))"),
        "src-tauri/lib.rs must register its handlers from cfp_core::for_each_command!"
    );
    assert_eq!(
        lib_rs.matches("generate_handler!").count(),
        1,
        "src-tauri/lib.rs must call tauri::generate_handler! once, inside handler_list!, \
         never with a hand-written list"
    );
}

#[test]
fn the_permission_set_allows_every_declared_command() {
    assert_same(
        "the permission set (cfp_core::ipc::permission_set_toml)",
        &unique("the permission set", commands_in_permission_set()),
    );
}

#[test]
fn the_capabilities_grant_the_generated_set_and_no_command_alone() {
    let folder = repo().join("src-tauri/capabilities");
    let mut granted = Vec::new();
    for entry in std::fs::read_dir(&folder).expect("src-tauri/capabilities exists") {
        let path = entry.expect("a capability file").path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).expect("a readable capability file");
            granted.extend(granted_app_permissions(&text));
        }
    }
    assert_eq!(
        granted,
        [COMMANDS_PERMISSION_SET],
        "src-tauri/capabilities must grant the app's commands only through the generated set \
         `{COMMANDS_PERMISSION_SET}`, once"
    );
}

#[test]
fn the_ui_invokes_exactly_the_contracts_commands() {
    let names = ui_command_names(&read("ui/src/lib/ipc.ts"));
    assert_same("ui/src/lib/ipc.ts", &unique("ui/src/lib/ipc.ts", names));
}

#[test]
fn only_the_uis_ipc_module_invokes_commands() {
    // Otherwise a command named elsewhere in ui/src would escape the check above.
    let mut strays = Vec::new();
    let mut folders = vec![repo().join("ui/src")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("a readable folder under ui/src") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let relative = path.strip_prefix(repo()).unwrap_or(&path).to_path_buf();
            if relative == Path::new("ui/src/lib/ipc.ts") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if text.contains("@tauri-apps/api/core") || text.contains("invoke(") {
                strays.push(relative.display().to_string());
            }
        }
    }
    assert!(
        strays.is_empty(),
        "only ui/src/lib/ipc.ts may invoke the app's commands; also: {strays:?}"
    );
}

#[test]
fn the_readers_see_a_drift() {
    // The readers themselves, on small planted texts, so a reader that found nothing could not
    // make the tests above pass by agreeing with an empty list.
    assert_eq!(
        ui_command_names("return call(\"people\");\n call(\"lock\", { a });\n call(command)"),
        ["people", "lock"]
    );
    assert_eq!(
        granted_app_permissions(r#"{"permissions": ["allow-sign-in", "dialog:allow-open"]}"#),
        ["allow-sign-in"]
    );
    assert!(contract().len() >= 20, "COMMANDS holds the app's commands");
}
