//! The desktop app's only HTTP speaker: talks to the council's services.
//!
//! Today: signing in to the council's OpenID Connect identity service the way RFC 8252 says a
//! native app should (system browser, loopback redirect on a random port, PKCE S256, state and
//! nonce), keeping the tokens in a [`Session`], refreshing them silently, and signing out
//! (token revocation and the provider's end-session URL).
//!
//! Time, randomness, the browser and every URL are passed in. Tokens, codes, verifiers and
//! personal data never appear in Debug output or error messages.

mod browser;
mod error;
mod http;
mod loopback;
mod pages;
mod secret;
mod session;
mod sign_in;
mod time_rand;

pub use browser::{BrowserError, BrowserOpener, SystemBrowser};
pub use error::{Distrust, SignInError};
pub use http::{CouncilHttp, HttpTimeouts, TransportError};
pub use loopback::CALLBACK_PATH;
pub use secret::Secret;
pub use session::{Session, REFRESH_MARGIN};
pub use sign_in::{PendingSignIn, SignInClient, SignInOptions, SignedOut, DEFAULT_LEEWAY};
pub use time_rand::{Clock, OsRandomness, Randomness, SystemClock};
