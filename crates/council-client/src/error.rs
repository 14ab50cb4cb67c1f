//! What can go wrong while signing in, in words a person can act on.
//!
//! Messages never contain tokens, codes, verifiers, URLs with parameters or personal data:
//! only a fixed sentence per kind. The kinds carry small, non-secret details for the app's
//! own decisions and for tests.

/// Why the council's reply to sign-in was not trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Distrust {
    /// The ID token's signature did not check out against the council's published keys.
    Signature,
    /// The ID token (or the sign-in answer) names a different identity service.
    Issuer,
    /// The ID token was not issued to this app.
    Audience,
    /// The ID token does not answer the sign-in this app started (nonce).
    Nonce,
    /// The ID token has expired, or claims to be issued in the future.
    Expired,
    /// The person was not asked to sign in again recently enough (max_age, prompt=login).
    AuthTime,
    /// The ID token does not belong to the access token it came with (at_hash).
    AccessTokenHash,
    /// A refreshed ID token names a different person.
    Subject,
    /// The reply had no ID token, or one that could not be read.
    Malformed,
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("The council's sign-in service did not answer. Check your internet connection and try again.")]
    Unreachable,
    #[error(
        "The council's sign-in service sent an answer the app could not understand. \
         Please try again later, or contact the council if this keeps happening."
    )]
    ProviderInvalid,
    #[error(
        "The council's sign-in service could not complete sign-in. Please try again, \
         or contact the council if this keeps happening."
    )]
    ProviderRefused {
        /// The OAuth error code the provider sent (for example `invalid_grant`); not personal.
        code: String,
    },
    #[error(
        "The council's sign-in service sent a reply that failed the app's security checks, \
         so you have not been signed in. Please try again, and contact the council if this keeps happening."
    )]
    Untrusted(Distrust),
    #[error(
        "Sign-in was not finished on the council's website. You can try again when you are ready."
    )]
    NotCompleted,
    #[error("The app could not open your web browser. Open your browser yourself, then try signing in again.")]
    BrowserNotOpened,
    #[error(
        "The app could not get ready to receive your sign-in on this computer. \
         Please try again, or restart the app."
    )]
    LocalListener,
    #[error("Sign-in took too long, so it was stopped. Please try again.")]
    TimedOut,
    #[error("Sign-in was cancelled.")]
    Cancelled,
    #[error("Your sign-in has ended. Please sign in again.")]
    SessionEnded,
    #[error("The council's settings for sign-in are not complete. Please contact the council.")]
    Misconfigured,
}

impl SignInError {
    /// True when trying again later (for example when back online) may work without the
    /// person doing anything else.
    pub fn is_offline(&self) -> bool {
        matches!(self, SignInError::Unreachable)
    }
}
