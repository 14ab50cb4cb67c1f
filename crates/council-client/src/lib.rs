//! The desktop app's only HTTP speaker: talks to the council's services.
//!
//! Today: signing in to the council's OpenID Connect identity service the way RFC 8252 says a
//! native app should (system browser, loopback redirect on a random port, PKCE S256, state and
//! nonce), keeping the tokens in a [`Session`], refreshing them silently, and signing out
//! (token revocation and the provider's end-session URL).
//!
//! And the documents API ([`CouncilApi`]) with the sync engine ([`Syncer`]) that keeps the
//! encrypted local store up to date with it, page by page, resumable, and quiet when offline;
//! plus the actions made offline ([`OutboxAction`]) that sync sends when back online.
//!
//! Time, randomness, the browser and every URL are passed in. Tokens, codes, verifiers and
//! personal data never appear in Debug output or error messages.

mod api;
mod browser;
mod error;
mod http;
mod loopback;
mod outbox;
mod pages;
mod secret;
mod session;
mod sign_in;
mod sync;
mod time_rand;

pub use api::{parse_retry_after, ApiError, CouncilApi, FeedPage};
pub use browser::{BrowserError, BrowserOpener, SystemBrowser};
pub use error::{Distrust, SignInError};
pub use http::{CouncilHttp, HttpTimeouts, TransportError};
pub use loopback::CALLBACK_PATH;
pub use outbox::OutboxAction;
pub use secret::Secret;
pub use session::{Session, REFRESH_MARGIN};
pub use sign_in::{PendingSignIn, SignInClient, SignInOptions, SignedOut, DEFAULT_LEEWAY};
pub use sync::{
    DocumentFault, OutboxProblem, PersonSyncError, PersonSyncResult, Sleeper, SyncError,
    SyncOptions, SyncProgress, SyncReport, Syncer, TokioSleeper,
};
pub use time_rand::{Clock, OsRandomness, Randomness, SystemClock};
