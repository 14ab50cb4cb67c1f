//! What keeps a kiosk session from outliving the person at a shared computer when they do not
//! press "Finish":
//! - the idle timeout is kept here as well as in the webview, on the clock the portal is given,
//!   so a frozen or closed webview still ends the session ([`Portal::watch_idle`]);
//! - closing the app signs out ([`Portal::close`]);
//! - a crash leaves the tokens nowhere (they lived only in memory), but the council's browser
//!   session may still be open: a small flag file, holding nothing of the person, says that a
//!   session was open, and the next start ends the browser session
//!   ([`Portal::end_previous_kiosk_session`]).

use std::path::Path;
use std::time::Duration;

use time::OffsetDateTime;

use crate::Portal;

/// The flag's file name in the app's data folder.
pub const KIOSK_SESSION_FLAG: &str = "kiosk-session-open";

/// The flag's whole content: a fixed sentence, nothing of the person.
const FLAG_TEXT: &str = "A kiosk session was open. The app ends the council's browser session \
     when it next starts.\n";

/// How long past the idle time the portal waits before ending the session itself. The webview
/// warns and ends the session on time; it reports activity at most every 30 seconds, so the
/// portal allows that and as long again before deciding the webview can no longer do it.
pub const IDLE_GRACE: Duration = Duration::from_secs(60);

pub(crate) fn mark_session_open(data_dir: &Path) {
    // Failing to write it only loses the after-a-crash clean-up, not the session.
    let _ = std::fs::create_dir_all(data_dir);
    let _ = std::fs::write(data_dir.join(KIOSK_SESSION_FLAG), FLAG_TEXT);
}

pub(crate) fn session_was_open(data_dir: &Path) -> bool {
    data_dir.join(KIOSK_SESSION_FLAG).exists()
}

pub(crate) fn clear_session_flag(data_dir: &Path) {
    let _ = std::fs::remove_file(data_dir.join(KIOSK_SESSION_FLAG));
}

impl Portal {
    /// `still_here`: the webview saw the person use the app (it sends this at most every 30
    /// seconds, and when they choose to stay signed in).
    pub fn note_activity(&self) {
        *self.last_activity.lock().expect("not poisoned") = self.clock.now();
    }

    /// Kiosk: ends the session (as "Finish" does) when nobody has used the app for the
    /// policy's idle time and [`IDLE_GRACE`]. Returns whether it did.
    pub async fn end_session_if_idle(&self) -> bool {
        if !self.is_kiosk() || self.local.lock().await.session.is_none() {
            return false;
        }
        let idle = time::Duration::seconds(self.idle_policy().after_seconds.into())
            + time::Duration::try_from(IDLE_GRACE).unwrap_or(time::Duration::MINUTE);
        let last: OffsetDateTime = *self.last_activity.lock().expect("not poisoned");
        if self.clock.now() < last + idle {
            return false;
        }
        self.sign_out().await;
        true
    }

    /// Kiosk: looks every `every` whether the session has been idle too long, and ends it
    /// (calling `on_ended`, so the shell can tell the webview). Runs for as long as it is
    /// polled (the app's life). At home it returns at once: the lock there is the webview's,
    /// and a frozen webview shows nothing new.
    pub async fn watch_idle(&self, every: Duration, on_ended: impl Fn()) {
        if !self.is_kiosk() {
            return;
        }
        loop {
            tokio::time::sleep(every).await;
            if self.end_session_if_idle().await {
                on_ended();
            }
        }
    }

    /// Kiosk, at start-up: if the last run left a session open (it crashed, or was killed),
    /// opens the council's end-session page so the browser's session at the council ends.
    /// Returns whether it did. Offline, the flag stays for the next start.
    pub async fn end_previous_kiosk_session(&self) -> bool {
        if !self.is_kiosk() || !session_was_open(&self.data_dir) {
            return false;
        }
        let Ok(client) = self.sign_in_client().await else {
            return false;
        };
        if let Some(url) = client.end_session_url(None) {
            let _ = self.browser.open(&url);
        }
        clear_session_flag(&self.data_dir);
        true
    }
}
