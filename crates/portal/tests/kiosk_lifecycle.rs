//! Kiosk sessions that end without "Finish": the webview falls silent, the window closes, or
//! the app crashes. Against the real council service on loopback and the real council client.

mod support;

use std::time::Duration;

use cfp_core::{ErrorCode, SessionState};
use support::*;

const KIOSK: &str = "[policy]\nkiosk = true\nidle_minutes = 2\n";

/// The file that says a kiosk session was open; it must hold nothing of the person.
fn only_the_session_flag(data: &std::path::Path, account: (&str, &str)) {
    let files = files_under(data);
    assert_eq!(
        files,
        [data.join(cfp_portal::KIOSK_SESSION_FLAG)],
        "a kiosk keeps nothing else"
    );
    let text = std::fs::read_to_string(&files[0]).unwrap();
    for personal in [account.0, "Ruth", "Adeyemi", "eyJ"] {
        assert!(!text.contains(personal), "the flag holds {personal:?}");
    }
}

/// Kiosk: the webview's idle timer can freeze or its window close; the portal's own timer, on
/// the clock the app is given, still ends the session: tokens revoked at the council, the
/// council's browser session ended, nothing left here. Activity pings put it off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_session_ends_on_the_portals_own_timer_when_the_webview_falls_silent() {
    let council = start_council().await;
    let data = tempfile::tempdir().unwrap();
    let secrets = SharedSecrets::default();
    let browser = TestBrowser::new(RUTH);
    let clock = TestClock::default();
    let portal = portal_with_clock(
        council.profile(KIOSK),
        data.path(),
        &secrets,
        &browser,
        None,
        std::sync::Arc::new(clock.clone()),
    )
    .await
    .unwrap();
    portal.sign_in().await.unwrap();
    assert_eq!(portal.people().await.unwrap().len(), 3);
    assert_eq!(council.live_grants().await, 1);
    let idle = Duration::from_secs(portal.idle_policy().after_seconds.into());
    assert_eq!(idle, Duration::from_secs(120));

    // The webview pings while the person uses it; each ping starts the period again.
    clock.advance(idle - Duration::from_secs(10));
    portal.note_activity();
    clock.advance(idle - Duration::from_secs(10));
    assert!(!portal.end_session_if_idle().await);
    // The webview warns and signs out on its own first: the portal allows it a minute more
    // (pings come at most every 30 seconds), and no sooner ends the session itself.
    clock.advance(Duration::from_secs(10) + cfp_portal::IDLE_GRACE - Duration::from_secs(1));
    assert!(!portal.end_session_if_idle().await);
    assert_eq!(portal.session().await.state, SessionState::SignedIn);

    // Then silence: the watcher ends the session by itself.
    clock.advance(Duration::from_secs(2));
    let (ended_tx, mut ended_rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::select! {
        _ = portal.watch_idle(Duration::from_millis(20), move || {
            let _ = ended_tx.send(());
        }) => unreachable!("a kiosk's watcher runs for the app's life"),
        ended = tokio::time::timeout(Duration::from_secs(30), ended_rx.recv()) => {
            ended.expect("the portal's idle timer ended the session").unwrap();
        }
    }
    assert_eq!(portal.session().await.state, SessionState::SignedOut);
    assert_eq!(
        portal.people().await.unwrap_err().code,
        ErrorCode::Unauthorised
    );
    browser.settled().await;
    assert_eq!(browser.seen().sign_outs, 1);
    assert_eq!(council.live_grants().await, 0, "the tokens were revoked");
    assert_eq!(council.signed_in_browser_sessions().await, 0);
    assert!(files_under(data.path()).is_empty(), "the session flag went");
}

/// Kiosk: closing the app (its window's close button, or quitting) signs out as "Finish"
/// does: tokens revoked, the council's browser session ended, nothing left here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_a_kiosk_app_revokes_the_tokens_and_ends_the_councils_session() {
    let council = start_council().await;
    let data = tempfile::tempdir().unwrap();
    let secrets = SharedSecrets::default();
    let browser = TestBrowser::new(RUTH);
    let portal = portal(
        council.profile(KIOSK),
        data.path(),
        &secrets,
        &browser,
        None,
    )
    .await
    .unwrap();
    portal.sign_in().await.unwrap();
    assert_eq!(council.live_grants().await, 1);
    only_the_session_flag(data.path(), RUTH);

    portal.close().await;
    browser.settled().await;
    assert_eq!(browser.seen().sign_outs, 1);
    assert_eq!(council.live_grants().await, 0, "the tokens were revoked");
    assert_eq!(council.signed_in_browser_sessions().await, 0);
    assert!(files_under(data.path()).is_empty());
}

/// Kiosk: after a crash the tokens are gone with the process's memory (they were never on
/// disk), but the council's browser session may still be open. The non-personal flag left
/// behind makes the next start end it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_kiosk_crash_the_next_start_ends_the_councils_browser_session() {
    let council = start_council().await;
    let data = tempfile::tempdir().unwrap();
    let secrets = SharedSecrets::default();
    let browser = TestBrowser::new(RUTH);
    let crashed = portal(
        council.profile(KIOSK),
        data.path(),
        &secrets,
        &browser,
        None,
    )
    .await
    .unwrap();
    crashed.sign_in().await.unwrap();
    browser.settled().await;
    only_the_session_flag(data.path(), RUTH);
    // The process dies: nothing is signed out, nothing is closed.
    std::mem::forget(crashed);
    let sign_outs_before = browser.seen().sign_outs;

    let next = portal(
        council.profile(KIOSK),
        data.path(),
        &secrets,
        &browser,
        None,
    )
    .await
    .unwrap();
    assert!(next.end_previous_kiosk_session().await);
    browser.settled().await;
    let seen = browser.seen();
    assert_eq!(seen.sign_outs, sign_outs_before + 1);
    let end_session = seen.opened.last().unwrap();
    assert_eq!(end_session.path(), "/logout");
    assert!(!end_session.as_str().contains("id_token_hint"));
    assert_eq!(council.signed_in_browser_sessions().await, 0);
    assert!(files_under(data.path()).is_empty(), "the flag went");
    // Once is enough.
    assert!(!next.end_previous_kiosk_session().await);
}
