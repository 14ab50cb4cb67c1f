//! The IPC commands are named in five places that the compiler cannot tie together:
//! `cfp_core::ipc::COMMANDS` (and the contract table above it), the capability files that grant
//! each one to a window (`src-tauri/capabilities/*.json`), the shell's handler list
//! (`tauri::generate_handler!` in `src-tauri/lib.rs`), and the names the UI invokes
//! (`ui/src/lib/ipc.ts`). A command missing from any of them fails only at run time, in the
//! real app (a missing grant or handler is an error the person sees). This test reads all of
//! them and fails, naming the command and the place, when they drift apart.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cfp_core::ipc::COMMANDS;

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

/// The names in `tauri::generate_handler![module::name, ...]`.
pub fn handler_names(lib_rs: &str) -> Vec<String> {
    let start = lib_rs
        .find("generate_handler![")
        .expect("src-tauri/lib.rs calls tauri::generate_handler!")
        + "generate_handler![".len();
    let end = start
        + lib_rs[start..]
            .find(']')
            .expect("generate_handler! has a closing bracket");
    lib_rs[start..end]
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| entry.rsplit("::").next().unwrap_or(entry).to_string())
        .collect()
}

/// The command names in `call<T>("name", ...)` in the UI's only IPC module.
pub fn ui_command_names(ipc_ts: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = ipc_ts;
    while let Some(at) = rest.find("call<") {
        rest = &rest[at + "call<".len()..];
        // Past the type argument (which may itself hold brackets, e.g. `PersonView[]`).
        let Some(open) = rest.find(">(") else { break };
        let after = rest[open + 2..].trim_start();
        if let Some(quoted) = after.strip_prefix('"') {
            if let Some(close) = quoted.find('"') {
                names.push(quoted[..close].to_string());
            }
        }
    }
    names
}

/// The app's own commands each capability file grants (`allow-sign-in` is `sign_in`);
/// plugin permissions (`plugin:allow-x`) are not commands of ours.
pub fn granted_commands(capability_json: &str) -> Vec<String> {
    let value: serde_json::Value =
        serde_json::from_str(capability_json).expect("a capability file is JSON");
    value["permissions"]
        .as_array()
        .expect("a capability lists its permissions")
        .iter()
        .filter_map(|p| p.as_str())
        .filter(|p| !p.contains(':'))
        .map(|p| {
            p.strip_prefix("allow-")
                .unwrap_or_else(|| panic!("{p}: only allow- permissions of the app's commands"))
                .replace('-', "_")
        })
        .collect()
}

/// The names in the contract table of `crates/core/src/ipc.rs` (`/// | \`name\` | ...`).
fn documented_names(ipc_rs: &str) -> Vec<String> {
    ipc_rs
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("/// | `"))
        .filter_map(|rest| rest.split('`').next())
        .map(str::to_string)
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
fn the_shells_handler_list_is_the_contract() {
    let names = handler_names(&read("src-tauri/lib.rs"));
    assert_same(
        "the handler list in src-tauri/lib.rs",
        &unique("src-tauri/lib.rs", names),
    );
}

#[test]
fn every_command_is_granted_once_by_the_capability_files() {
    let folder = repo().join("src-tauri/capabilities");
    let mut granted = Vec::new();
    for entry in std::fs::read_dir(&folder).expect("src-tauri/capabilities exists") {
        let path = entry.expect("a capability file").path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).expect("a readable capability file");
            granted.extend(granted_commands(&text));
        }
    }
    assert_same(
        "src-tauri/capabilities",
        &unique("src-tauri/capabilities", granted),
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
fn the_contract_table_documents_every_command() {
    let names = documented_names(&read("crates/core/src/ipc.rs"));
    assert_same(
        "the table in crates/core/src/ipc.rs",
        &unique("crates/core/src/ipc.rs", names),
    );
}

#[test]
fn the_readers_see_a_drift() {
    // The readers themselves, on small planted texts, so a reader that found nothing could not
    // make the tests above pass by agreeing with an empty list.
    assert_eq!(
        handler_names("x.invoke_handler(tauri::generate_handler![\n a::one,\n b::two\n ])"),
        ["one", "two"]
    );
    assert_eq!(
        ui_command_names(
            "return call<PersonView[]>(\"people\");\n call<void>(\"lock\", { a });\n call<T>(command)"
        ),
        ["people", "lock"]
    );
    assert_eq!(
        granted_commands(r#"{"permissions": ["allow-sign-in", "dialog:allow-open"]}"#),
        ["sign_in"]
    );
    assert!(contract().len() >= 20, "COMMANDS holds the app's commands");
}
