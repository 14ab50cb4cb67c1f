//! The TypeScript types in ui/src/lib/bindings/ are generated from the Rust types that cross
//! IPC. This test regenerates them into a temporary folder and fails if the committed files
//! differ, so a change on one side can never silently break the other. It also writes
//! `commands.ts`, the typed map of every IPC command (its arguments and answer) made from the
//! declaration in `cfp_core::for_each_command!`, through which `ui/src/lib/ipc.ts` calls them.
//!
//! To update the committed files: `CFP_UPDATE_BINDINGS=1 cargo test -p cfp-core --test bindings`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cfp_core::ipc::{command_signatures, visit_command_types};
use cfp_core::{IpcError, SyncProgressView};
use ts_rs::{Config, TypeVisitor, TS};

fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings")
}

/// Every type a command declaration names that has a file of its own (a `Vec<PersonView>` is
/// `PersonView`'s), with that file's path: `(TypeScript name, path)`.
struct FileTypes<'a> {
    cfg: &'a Config,
    found: BTreeMap<String, PathBuf>,
}

impl TypeVisitor for FileTypes<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        match T::output_path() {
            Some(path) => {
                self.found.insert(T::ident(self.cfg), path);
            }
            // A `Vec<T>` or `Option<T>` names `T` in place: only `T` needs importing.
            None => T::visit_generics(self),
        }
    }
}

/// Exports every type a command names, with its dependencies.
struct ExportAll<'a>(&'a Config);

impl TypeVisitor for ExportAll<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_some() {
            T::export_all(self.0).expect("export a command's type");
        } else {
            T::visit_generics(self);
        }
    }
}

/// `commands.ts`: every command's camelCase arguments and answer, from the one declaration.
fn commands_ts(cfg: &Config) -> String {
    let mut types = FileTypes {
        cfg,
        found: BTreeMap::new(),
    };
    visit_command_types(&mut types);
    let mut out = String::from(
        "// Generated from cfp_core::for_each_command! (crates/core/src/ipc.rs) by\n\
         // crates/core/tests/bindings.rs. Do not edit: change the declaration and run\n\
         // CFP_UPDATE_BINDINGS=1 cargo test -p cfp-core --test bindings\n",
    );
    for (name, path) in &types.found {
        let module = path.with_extension("");
        out.push_str(&format!(
            "import type {{ {name} }} from \"./{}\";\n",
            module.display()
        ));
    }
    out.push_str(
        "\n/** Every IPC command: its arguments (camelCase, as the shell reads them) and its answer. */\n\
         export type Commands = {\n",
    );
    for command in command_signatures(cfg) {
        if !command.doc.is_empty() {
            let doc: Vec<&str> = command.doc.iter().map(|line| line.trim()).collect();
            out.push_str(&format!("  /** {} */\n", doc.join(" ")));
        }
        let arguments = if command.arguments.is_empty() {
            "Record<never, never>".to_string()
        } else {
            let fields: Vec<String> = command
                .arguments
                .iter()
                .map(|(name, ty)| format!("{name}: {ty}"))
                .collect();
            format!("{{ {} }}", fields.join("; "))
        };
        out.push_str(&format!(
            "  {}: {{ args: {arguments}; answer: {} }};\n",
            command.name, command.answer
        ));
    }
    out.push_str(
        "};\n\n/** The name of a command. */\nexport type CommandName = keyof Commands;\n",
    );
    out
}

/// Every type of the contract (each command's arguments and answer, the error, the sync
/// event), their dependencies, and the command map.
fn export_all(dir: &Path) {
    let cfg = Config::new().with_out_dir(dir);
    visit_command_types(&mut ExportAll(&cfg));
    std::fs::write(dir.join("commands.ts"), commands_ts(&cfg)).expect("write commands.ts");
    // Not a command's answer: the error every command may reject with, and the event sync sends.
    IpcError::export_all(&cfg).expect("export IpcError");
    SyncProgressView::export_all(&cfg).expect("export SyncProgressView");
}

fn read_ts_files(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ts") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            files.insert(name, std::fs::read_to_string(&path).unwrap());
        }
    }
    files
}

#[test]
fn generated_bindings_are_up_to_date() {
    let fresh = tempfile::tempdir().unwrap();
    export_all(fresh.path());
    let expected = read_ts_files(fresh.path());
    assert!(expected.contains_key("AppInfo.ts"), "nothing was generated");

    let committed = committed_dir();
    if std::env::var_os("CFP_UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(&committed).unwrap();
        for stale in read_ts_files(&committed).keys() {
            if !expected.contains_key(stale) {
                std::fs::remove_file(committed.join(stale)).unwrap();
            }
        }
        for (name, text) in &expected {
            std::fs::write(committed.join(name), text).unwrap();
        }
    }

    let actual = read_ts_files(&committed);
    let names = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&actual),
        names(&expected),
        "ui/src/lib/bindings has different files from the Rust types. \
         Run: CFP_UPDATE_BINDINGS=1 cargo test -p cfp-core --test bindings"
    );
    for (name, text) in &expected {
        assert_eq!(
            &actual[name], text,
            "ui/src/lib/bindings/{name} is stale. \
             Run: CFP_UPDATE_BINDINGS=1 cargo test -p cfp-core --test bindings"
        );
    }
}
