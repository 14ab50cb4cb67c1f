//! Statements and exports: preview, Save as... and Print. Each command only delegates to
//! `cfp_core::exports` over the portal's open store; what is Tauri's is here: the Save dialog
//! (tauri-plugin-dialog, called from Rust, so the window is granted none of the plugin's own
//! commands) and running the blocking work off the async runtime.
//!
//! Kiosk rules come from the machine policy: printing always works; saving is refused with
//! `unavailable` unless the policy allows files to be saved.

use cfp_core::exports::{self, ExportFile, PrintQueue};
use cfp_core::{
    DocumentExportRequest, ErrorCode, ExportFormat, IpcError, SaveOutcome, StatementPreview,
    StatementRequest,
};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use crate::ShellState;

/// `statement_preview`: what the statement will contain, shown before saving or printing.
#[tauri::command]
pub async fn statement_preview(
    state: State<'_, ShellState>,
    request: StatementRequest,
) -> Result<StatementPreview, IpcError> {
    let portal = state.portal()?;
    let store = portal.store().await?;
    exports::statement_preview(&store, &request).await
}

/// `save_statement`: the statement as PDF or CSV, through a Save dialog.
#[tauri::command]
pub async fn save_statement<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, ShellState>,
    request: StatementRequest,
) -> Result<SaveOutcome, IpcError> {
    let portal = state.portal()?;
    exports::check_saving_allowed(portal.can_save_files())?;
    let store = portal.store().await?;
    let file = exports::statement_file(&store, portal.profile(), &request, today()).await?;
    save_with_dialog(&app, file).await
}

/// `print_statement`: the statement's PDF to the computer's default printer.
#[tauri::command]
pub async fn print_statement(
    state: State<'_, ShellState>,
    request: StatementRequest,
) -> Result<(), IpcError> {
    let portal = state.portal()?;
    let store = portal.store().await?;
    // Printing is always the PDF, whatever format the request names.
    let request = StatementRequest {
        format: ExportFormat::Pdf,
        ..request
    };
    let file = exports::statement_file(&store, portal.profile(), &request, today()).await?;
    print(file).await
}

/// `save_document`: one remittance advice as PDF or CSV, through a Save dialog.
#[tauri::command]
pub async fn save_document<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, ShellState>,
    request: DocumentExportRequest,
) -> Result<SaveOutcome, IpcError> {
    let portal = state.portal()?;
    exports::check_saving_allowed(portal.can_save_files())?;
    let store = portal.store().await?;
    let file = exports::document_file(&store, portal.profile(), &request, today()).await?;
    save_with_dialog(&app, file).await
}

/// `print_document`: one remittance advice's PDF to the default printer.
#[tauri::command]
pub async fn print_document(
    state: State<'_, ShellState>,
    request: DocumentExportRequest,
) -> Result<(), IpcError> {
    let portal = state.portal()?;
    let store = portal.store().await?;
    let request = DocumentExportRequest {
        format: ExportFormat::Pdf,
        ..request
    };
    let file = exports::document_file(&store, portal.profile(), &request, today()).await?;
    print(file).await
}

/// Asks where to save (suggesting the file's name, with a filter for its format), then writes
/// it atomically. Closing the dialog is [`SaveOutcome::Cancelled`], not an error.
async fn save_with_dialog<R: Runtime>(
    app: &AppHandle<R>,
    file: ExportFile,
) -> Result<SaveOutcome, IpcError> {
    let (filter, extension) = match file.format {
        ExportFormat::Pdf => ("PDF document", "pdf"),
        ExportFormat::Csv => ("CSV spreadsheet", "csv"),
    };
    // The dialog runs on the main thread and answers through the callback; this command
    // waits for it without blocking any thread.
    let (answer, mut chosen) = tauri::async_runtime::channel(1);
    app.dialog()
        .file()
        .set_title("Save as")
        .set_file_name(&file.file_name)
        .add_filter(filter, &[extension])
        .save_file(move |path| {
            // The command is still waiting, so the channel has room.
            let _ = answer.try_send(path);
        });
    let Some(Some(chosen)) = chosen.recv().await else {
        return Ok(SaveOutcome::Cancelled);
    };
    let path = chosen.into_path().map_err(|_| {
        IpcError::new(
            ErrorCode::InvalidInput,
            "That place cannot be saved to. Choose a folder on this computer.",
        )
    })?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.file_name.clone());
    let bytes = file.bytes;
    tauri::async_runtime::spawn_blocking(move || exports::write_atomically(&path, &bytes))
        .await
        .map_err(|_| internal())??;
    Ok(SaveOutcome::Saved { file_name })
}

async fn print(file: ExportFile) -> Result<(), IpcError> {
    tauri::async_runtime::spawn_blocking(move || {
        exports::print_pdf(&file.bytes, file.print_title, &PrintQueue::default())
    })
    .await
    .map_err(|_| internal())?
}

/// The date printed on a statement ("Produced on"). UTC: the date only differs from the UK's
/// in the hour after midnight in summer time.
fn today() -> exports::time::Date {
    exports::time::OffsetDateTime::now_utc().date()
}

fn internal() -> IpcError {
    IpcError::new(
        ErrorCode::Internal,
        "Something went wrong in the app. Please try again.",
    )
}
