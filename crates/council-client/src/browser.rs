//! Opening the person's own web browser at the council's sign-in page (RFC 8252: the system
//! browser, never a web view inside the app).

use url::Url;

/// The browser could not be opened. Carries no URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the web browser could not be opened")]
pub struct BrowserError;

/// Opens a URL in a browser. Injectable so that tests (and other front-ends) can play the
/// browser's part. Implementations must not log the URL: it carries the sign-in's state.
pub trait BrowserOpener: Send + Sync {
    fn open(&self, url: &Url) -> Result<(), BrowserError>;
}

impl<F> BrowserOpener for F
where
    F: Fn(&Url) -> Result<(), BrowserError> + Send + Sync,
{
    fn open(&self, url: &Url) -> Result<(), BrowserError> {
        self(url)
    }
}

/// The person's browser: the command in a `BROWSER`-style setting if there is one, else the
/// operating system's default browser.
#[derive(Clone, Debug, Default)]
pub struct SystemBrowser {
    command: Option<String>,
}

impl SystemBrowser {
    /// `setting` follows the `BROWSER` convention: one or more commands (separated by `:` on
    /// Unix), each either containing `%s` where the URL goes, or taking the URL as its last
    /// argument. `None` or blank means the system's default browser.
    pub fn new(setting: Option<String>) -> Self {
        Self {
            command: setting.filter(|s| !s.trim().is_empty()),
        }
    }

    /// Reads the `BROWSER` environment variable.
    pub fn from_env() -> Self {
        Self::new(std::env::var("BROWSER").ok())
    }

    fn candidates(&self) -> Vec<&str> {
        let Some(command) = self.command.as_deref() else {
            return Vec::new();
        };
        if cfg!(unix) {
            command
                .split(':')
                .filter(|c| !c.trim().is_empty())
                .collect()
        } else {
            vec![command]
        }
    }
}

/// The program and its arguments for one `BROWSER` entry.
fn command_line(entry: &str, url: &str) -> Option<(String, Vec<String>)> {
    let mut words = entry.split_whitespace();
    let program = words.next()?.to_string();
    let mut args: Vec<String> = words.map(str::to_string).collect();
    if args.iter().any(|a| a.contains("%s")) {
        for arg in &mut args {
            *arg = arg.replace("%s", url);
        }
    } else {
        args.push(url.to_string());
    }
    Some((program, args))
}

impl BrowserOpener for SystemBrowser {
    fn open(&self, url: &Url) -> Result<(), BrowserError> {
        let candidates = self.candidates();
        if candidates.is_empty() {
            return webbrowser::open(url.as_str()).map_err(|_| BrowserError);
        }
        for entry in candidates {
            let Some((program, args)) = command_line(entry, url.as_str()) else {
                continue;
            };
            let spawned = std::process::Command::new(program)
                .args(args)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn();
            if let Ok(mut child) = spawned {
                // Reap the launcher when it exits; the browser itself may live on.
                std::thread::spawn(move || child.wait());
                return Ok(());
            }
        }
        Err(BrowserError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_setting_places_the_url() {
        let url = "http://127.0.0.1:1/auth?x=1";
        assert_eq!(
            command_line("firefox --new-window", url),
            Some(("firefox".into(), vec!["--new-window".into(), url.into()]))
        );
        assert_eq!(
            command_line("open -a %s", url),
            Some(("open".into(), vec!["-a".into(), url.into()]))
        );
        assert_eq!(command_line("   ", url), None);
    }

    #[cfg(unix)]
    #[test]
    fn browser_setting_runs_the_named_command_and_tries_the_next() {
        let dir = std::env::temp_dir().join(format!("cfp-browser-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("opened");
        let _ = std::fs::remove_file(&out);
        // A tiny "browser" that writes down the URL it was given.
        let script = dir.join("browser.sh");
        std::fs::write(
            &script,
            format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", out.display()),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let browser =
            SystemBrowser::new(Some(format!("/nonexistent/browser:{}", script.display())));
        let url = Url::parse("http://127.0.0.1:9/auth?state=abc").unwrap();
        browser.open(&url).unwrap();
        let mut opened = String::new();
        for _ in 0..100 {
            opened = std::fs::read_to_string(&out).unwrap_or_default();
            if !opened.is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(opened, url.as_str());
        let none = SystemBrowser::new(Some("/nonexistent/a:/nonexistent/b".into()));
        assert_eq!(none.open(&url), Err(BrowserError));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
