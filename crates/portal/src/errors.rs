//! Every failure turned into what the UI receives: a code to act on and a plain-English
//! sentence. The lower crates already write their messages without personal data, tokens or
//! keys, so their text is passed on; only the code is chosen here.

use cfp_core::{ErrorCode, IpcError};
use cfp_council_client::{ApiError, SignInError, SyncError};
use cfp_store::StoreError;

pub(crate) fn store(error: StoreError) -> IpcError {
    let code = match &error {
        StoreError::WrongKey | StoreError::WrongPassphrase | StoreError::PassphraseNeeded => {
            ErrorCode::StoreLocked
        }
        StoreError::PassphraseTooShort { .. } | StoreError::Invalid(_) => ErrorCode::InvalidInput,
        StoreError::UnknownPerson => ErrorCode::NotFound,
        StoreError::NoKeychain | StoreError::KeychainNeeded => ErrorCode::Unavailable,
        _ => ErrorCode::Internal,
    };
    IpcError::new(code, error.to_string())
}

pub(crate) fn sign_in(error: SignInError) -> IpcError {
    let code = match &error {
        SignInError::Unreachable => ErrorCode::Offline,
        SignInError::SessionEnded => ErrorCode::Unauthorised,
        SignInError::Cancelled | SignInError::NotCompleted | SignInError::TimedOut => {
            ErrorCode::Unauthorised
        }
        SignInError::BrowserNotOpened | SignInError::Misconfigured => ErrorCode::Unavailable,
        _ => ErrorCode::Internal,
    };
    IpcError::new(code, error.to_string())
}

pub(crate) fn api(error: ApiError) -> IpcError {
    let code = match &error {
        ApiError::Offline | ApiError::Interrupted | ApiError::Unavailable { .. } => {
            ErrorCode::Offline
        }
        ApiError::Unauthorised { .. } => ErrorCode::Unauthorised,
        ApiError::NotFound => ErrorCode::NotFound,
        ApiError::Invalid { .. } => ErrorCode::InvalidInput,
        ApiError::Misconfigured => ErrorCode::Unavailable,
        ApiError::Server { .. } | ApiError::Protocol => ErrorCode::Internal,
    };
    // The council's own sentence is written for people and names no one (the API promises
    // it); it says what to correct, which the generic text cannot.
    let message = match &error {
        ApiError::Invalid { message, .. } if !message.trim().is_empty() => message.clone(),
        _ => error.to_string(),
    };
    IpcError::new(code, message)
}

pub(crate) fn sync(error: SyncError) -> IpcError {
    match error {
        SyncError::SignedOut { .. } => signed_out(),
        SyncError::Council(e) => api(e),
        SyncError::Store(e) => store(e),
    }
}

pub(crate) fn signed_out() -> IpcError {
    IpcError::new(
        ErrorCode::Unauthorised,
        "You are not signed in. Please sign in to see your documents.",
    )
}

pub(crate) fn locked() -> IpcError {
    IpcError::new(
        ErrorCode::StoreLocked,
        "The app is locked. Enter your passphrase, or sign in again, to carry on.",
    )
}

pub(crate) fn kiosk_forbids(what: &str) -> IpcError {
    IpcError::new(
        ErrorCode::Unavailable,
        format!("{what} is not possible on this shared computer."),
    )
}

pub(crate) fn not_found(what: &str) -> IpcError {
    IpcError::new(
        ErrorCode::NotFound,
        format!("{what} could not be found on this computer. Try updating your documents."),
    )
}

pub(crate) fn invalid(message: impl Into<String>) -> IpcError {
    IpcError::new(ErrorCode::InvalidInput, message)
}
