//! The TypeScript types in ui/src/lib/bindings/ are generated from the Rust types that cross
//! IPC. This test regenerates them into a temporary folder and fails if the committed files
//! differ, so a change on one side can never silently break the other.
//!
//! To update the committed files: `CFP_UPDATE_BINDINGS=1 cargo test -p cfp-core --test bindings`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cfp_core::{
    AccessRequestOutcome, AccessRequestView, AppInfo, DocumentExportRequest, DocumentListView,
    DocumentView, IpcError, PersonView, RelationshipView, SaveOutcome, SessionView, SettingsView,
    StatementPreview, StatementRequest, SyncProgressView, SyncSummaryView,
};
use ts_rs::{Config, TS};

fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings")
}

/// Every root type of the contract; their dependencies are exported with them.
fn export_all(dir: &Path) {
    let cfg = Config::new().with_out_dir(dir);
    AppInfo::export_all(&cfg).expect("export AppInfo");
    IpcError::export_all(&cfg).expect("export IpcError");
    SessionView::export_all(&cfg).expect("export SessionView");
    PersonView::export_all(&cfg).expect("export PersonView");
    SyncProgressView::export_all(&cfg).expect("export SyncProgressView");
    SyncSummaryView::export_all(&cfg).expect("export SyncSummaryView");
    DocumentListView::export_all(&cfg).expect("export DocumentListView");
    DocumentView::export_all(&cfg).expect("export DocumentView");
    cfp_core::DocumentQuery::export_all(&cfg).expect("export DocumentQuery");
    RelationshipView::export_all(&cfg).expect("export RelationshipView");
    AccessRequestView::export_all(&cfg).expect("export AccessRequestView");
    AccessRequestOutcome::export_all(&cfg).expect("export AccessRequestOutcome");
    SettingsView::export_all(&cfg).expect("export SettingsView");
    StatementRequest::export_all(&cfg).expect("export StatementRequest");
    StatementPreview::export_all(&cfg).expect("export StatementPreview");
    DocumentExportRequest::export_all(&cfg).expect("export DocumentExportRequest");
    SaveOutcome::export_all(&cfg).expect("export SaveOutcome");
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
