//! IPC commands. Each one is declared in `cfp_core::for_each_command!` (as `commands::name`),
//! which makes the handler list, the permission and the TypeScript type; each only delegates to
//! the `Portal` (crates/portal): nothing here decides anything. (The statement and export
//! commands are in exports.rs.)

use cfp_core::{
    AccessRequestForm, AccessRequestOutcome, AccessRequestView, AppInfo, DocumentListView,
    DocumentQuery, DocumentView, IpcError, PersonView, RelationshipView, SessionView, SettingsView,
    SyncProgressView, SyncSummaryView, SYNC_PROGRESS_EVENT,
};
use tauri::{AppHandle, Emitter, Runtime, State};

use std::sync::Arc;

use cfp_portal::Portal;

use crate::ShellState;

type Answer<T> = Result<T, IpcError>;

#[tauri::command]
pub async fn app_info(state: State<'_, ShellState>) -> Answer<AppInfo> {
    Ok(state.portal()?.app_info().await)
}

#[tauri::command]
pub async fn session(state: State<'_, ShellState>) -> Answer<SessionView> {
    Ok(state.portal()?.session().await)
}

/// Runs a portal call to completion on a blocking thread of its own. Calls that reach the
/// council (sign-in, sign-out, sync, access requests) hold borrowed trait objects across awaits, for which rustc cannot
/// prove `Send` (a known higher-ranked lifetime limitation), and Tauri needs `Send` futures.
async fn off_the_runtime<T, F, Fut>(state: &ShellState, call: F) -> Answer<T>
where
    T: Send + 'static,
    F: FnOnce(Arc<Portal>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Answer<T>>,
{
    let portal = state.portal_arc()?;
    tauri::async_runtime::spawn_blocking(move || tauri::async_runtime::block_on(call(portal)))
        .await
        .map_err(|_| {
            IpcError::new(
                cfp_core::ErrorCode::Internal,
                "Something went wrong in the app. Please try again.",
            )
        })?
}

#[tauri::command]
pub async fn sign_in(state: State<'_, ShellState>) -> Answer<SessionView> {
    off_the_runtime(&state, |portal| async move { portal.sign_in().await }).await
}

#[tauri::command]
pub async fn create_account(state: State<'_, ShellState>) -> Answer<SessionView> {
    off_the_runtime(
        &state,
        |portal| async move { portal.create_account().await },
    )
    .await
}

#[tauri::command]
pub fn cancel_sign_in(state: State<'_, ShellState>) -> Answer<()> {
    state.portal()?.cancel_sign_in();
    Ok(())
}

/// The webview saw the person use the app (kiosk idle timeout, kept in Rust as well).
#[tauri::command]
pub fn still_here(state: State<'_, ShellState>) -> Answer<()> {
    state.portal()?.note_activity();
    Ok(())
}

#[tauri::command]
pub async fn sign_out(state: State<'_, ShellState>) -> Answer<SessionView> {
    off_the_runtime(&state, |portal| async move { Ok(portal.sign_out().await) }).await
}

#[tauri::command]
pub async fn lock(state: State<'_, ShellState>) -> Answer<SessionView> {
    off_the_runtime(&state, |portal| async move { Ok(portal.lock().await) }).await
}

#[tauri::command]
pub async fn unlock(state: State<'_, ShellState>, passphrase: String) -> Answer<SessionView> {
    state.portal()?.unlock(&passphrase).await
}

#[tauri::command]
pub async fn people(state: State<'_, ShellState>) -> Answer<Vec<PersonView>> {
    state.portal()?.people().await
}

/// Progress goes to the window as `sync-progress` events while the sync runs.
#[tauri::command]
pub async fn sync_now<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, ShellState>,
) -> Answer<SyncSummaryView> {
    off_the_runtime(&state, move |portal| async move {
        let progress = move |p: SyncProgressView| {
            // A window that has gone away simply misses the event.
            let _ = app.emit(SYNC_PROGRESS_EVENT, p);
        };
        portal.sync_now(&progress).await
    })
    .await
}

#[tauri::command]
pub async fn documents(
    state: State<'_, ShellState>,
    person_id: String,
    query: DocumentQuery,
) -> Answer<DocumentListView> {
    state.portal()?.documents(&person_id, &query).await
}

#[tauri::command]
pub async fn document(
    state: State<'_, ShellState>,
    person_id: String,
    document_id: String,
) -> Answer<DocumentView> {
    state.portal()?.document(&person_id, &document_id).await
}

#[tauri::command]
pub fn relationships(state: State<'_, ShellState>) -> Answer<Vec<RelationshipView>> {
    Ok(state.portal()?.relationships())
}

#[tauri::command]
pub async fn access_requests(state: State<'_, ShellState>) -> Answer<Vec<AccessRequestView>> {
    off_the_runtime(
        &state,
        |portal| async move { portal.access_requests().await },
    )
    .await
}

#[tauri::command]
pub async fn request_access(
    state: State<'_, ShellState>,
    form: AccessRequestForm,
) -> Answer<AccessRequestOutcome> {
    off_the_runtime(&state, move |portal| async move {
        portal.request_access(&form).await
    })
    .await
}

#[tauri::command]
pub async fn resubmit_access_request(
    state: State<'_, ShellState>,
    request_id: String,
    form: AccessRequestForm,
) -> Answer<AccessRequestOutcome> {
    off_the_runtime(&state, move |portal| async move {
        portal.resubmit_access_request(&request_id, &form).await
    })
    .await
}

#[tauri::command]
pub async fn withdraw_access_request(
    state: State<'_, ShellState>,
    request_id: String,
) -> Answer<Vec<AccessRequestView>> {
    off_the_runtime(&state, move |portal| async move {
        portal.withdraw_access_request(&request_id).await
    })
    .await
}

#[tauri::command]
pub async fn settings(state: State<'_, ShellState>) -> Answer<SettingsView> {
    Ok(state.portal()?.settings().await)
}

#[tauri::command]
pub async fn set_lock_after(state: State<'_, ShellState>, minutes: u32) -> Answer<SettingsView> {
    state.portal()?.set_lock_after(minutes).await
}

#[tauri::command]
pub async fn set_passphrase(
    state: State<'_, ShellState>,
    passphrase: String,
) -> Answer<SettingsView> {
    state.portal()?.set_passphrase(&passphrase).await
}

#[tauri::command]
pub async fn remove_local_data(state: State<'_, ShellState>) -> Answer<SessionView> {
    off_the_runtime(
        &state,
        |portal| async move { portal.remove_local_data().await },
    )
    .await
}
