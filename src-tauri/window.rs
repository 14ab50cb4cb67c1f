//! The main window. It is built in code rather than in tauri.conf.json so that navigation can
//! be policed: the webview only ever shows the app's own pages. Contact links (mailto:, tel:)
//! go to the system's mail or phone app; anything else is refused, so no remote content can
//! ever load into a window that can call the app's commands.

use tauri::webview::WebviewWindowBuilder;
use tauri::{AppHandle, Runtime, WebviewUrl};
use url::Url;

pub const MAIN_WINDOW: &str = "main";

/// What to do with a navigation the webview is about to make.
#[derive(Debug, PartialEq, Eq)]
pub enum Navigation {
    Allow,
    HandToSystem,
    Refuse,
}

pub fn judge(url: &Url) -> Navigation {
    match url.scheme() {
        "mailto" | "tel" => Navigation::HandToSystem,
        // The embedded UI is served as tauri://localhost (Linux, macOS) or
        // http://tauri.localhost (Windows).
        "tauri" if url.host_str() == Some("localhost") => Navigation::Allow,
        "http" | "https" if url.host_str() == Some("tauri.localhost") => Navigation::Allow,
        _ => Navigation::Refuse,
    }
}

/// Opens the main window. On a shared computer (`incognito`) the webview keeps no cookies,
/// web storage or cache on disk, so nothing of the person outlives the session.
pub fn open_main<R: Runtime>(app: &AppHandle<R>, incognito: bool) -> tauri::Result<()> {
    WebviewWindowBuilder::new(app, MAIN_WINDOW, WebviewUrl::default())
        .title("Client Finance Portal")
        .incognito(incognito && !under_webdriver())
        .inner_size(1024.0, 768.0)
        .min_inner_size(360.0, 480.0)
        .center()
        // Each screen's title ("Home - Client Finance Portal") becomes the window's, which is
        // what screen readers announce and the task bar shows for a desktop window.
        .on_document_title_changed(|window, title| {
            let _ = window.set_title(&title);
        })
        .on_navigation(|url| match judge(url) {
            Navigation::Allow => true,
            Navigation::HandToSystem => {
                // A failure to find a mail or phone app is not worth stopping for; the
                // Contact screen shows the address and number as text too.
                let _ = open::that_detached(url.as_str());
                false
            }
            Navigation::Refuse => false,
        })
        .build()?;
    Ok(())
}

/// Whether a debug build is being driven by tauri-driver (which sets this variable). wry makes
/// an incognito webview on a context of its own that never allows WebDriver automation, so the
/// end-to-end tests could not drive a kiosk window; there, the kiosk window uses WebKit's
/// ordinary folders instead, and `tests/e2e/journeys/kiosk.test.mjs` searches them for anything
/// of the person. Release builds are always incognito in kiosk mode.
fn under_webdriver() -> bool {
    cfg!(debug_assertions)
        && std::env::var("TAURI_WEBVIEW_AUTOMATION").is_ok_and(|value| value == "true")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(text: &str) -> Navigation {
        judge(&Url::parse(text).unwrap())
    }

    #[test]
    fn only_the_apps_own_pages_load() {
        assert_eq!(judged("tauri://localhost/index.html"), Navigation::Allow);
        assert_eq!(judged("http://tauri.localhost/"), Navigation::Allow);
        assert_eq!(judged("https://council.example/"), Navigation::Refuse);
        assert_eq!(
            judged("http://tauri.localhost.evil.example/"),
            Navigation::Refuse
        );
        assert_eq!(judged("tauri://evil/"), Navigation::Refuse);
        assert_eq!(judged("file:///etc/passwd"), Navigation::Refuse);
        assert_eq!(judged("javascript:alert(1)"), Navigation::Refuse);
    }

    #[test]
    fn contact_links_go_to_the_system() {
        assert_eq!(
            judged("mailto:finance.team@demo-county.example"),
            Navigation::HandToSystem
        );
        assert_eq!(judged("tel:01234567890"), Navigation::HandToSystem);
    }
}
