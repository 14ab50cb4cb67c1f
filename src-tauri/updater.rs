//! Signed updates from the council's own update server (tauri-plugin-updater).
//!
//! A build has an update channel only when it carries both the council's update public key and
//! the address of its update manifest (`plugins.updater` in the Tauri config; a council's build
//! adds them, see README.md "For councils"). The plugin checks every downloaded installer
//! against that key (minisign) and against the version it was signed for
//! (`requireSignedVersion`) before anything is installed: a download that fails either check is
//! dropped, so nothing on the computer changes, and the person is told so in plain words.
//!
//! When: once, shortly after the app starts, on home and representative computers. Never in
//! kiosk mode unless the machine's policy allows it. Never from a copy that was not installed
//! from one of our installers (a developer's build would otherwise overwrite itself).

use std::time::Duration;

use cfp_core::MachinePolicy;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_updater::{Error, Update, Updater, UpdaterExt};

/// The event the window receives with the outcome of an update check, for the UI to show.
pub const STATUS_EVENT: &str = "update-status";

const NETWORK_TIMEOUT: Duration = Duration::from_secs(60);

/// The updater plugin, configured from `plugins.updater` in the Tauri config.
pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R, tauri_plugin_updater::Config> {
    tauri_plugin_updater::Builder::new().build()
}

/// Whether this copy of the app should look for an update when it starts: only when the build
/// carries an update channel and the machine policy allows it (by default yes at home, no on a
/// kiosk, which stays on the version its administrator installed).
pub fn should_check(channel_configured: bool, policy: &MachinePolicy) -> bool {
    channel_configured && policy.check_updates()
}

/// Whether the build carries an update channel: a public key and at least one manifest address.
pub fn channel_configured(plugin_config: Option<&serde_json::Value>) -> bool {
    let Some(config) = plugin_config else {
        return false;
    };
    let has_key = config
        .get("pubkey")
        .and_then(|key| key.as_str())
        .is_some_and(|key| !key.trim().is_empty());
    let has_endpoint = config
        .get("endpoints")
        .and_then(|list| list.as_array())
        .is_some_and(|list| !list.is_empty());
    has_key && has_endpoint
}

/// Why an update did not happen. Each has one plain-English message; none names a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The council's update service could not be reached or gave an answer we cannot read.
    Unreachable,
    /// The download did not match the council's signature, or was signed for another version.
    Refused,
    /// This copy was not installed from an installer, so it cannot replace itself.
    NotInstalled,
    /// The installer did not finish (for example the administrator password was not given).
    InstallFailed,
}

impl Failure {
    fn classify(error: &Error) -> Failure {
        match error {
            Error::Minisign(_)
            | Error::Base64(_)
            | Error::SignatureUtf8(_)
            | Error::SignedVersionMismatch { .. }
            | Error::MissingSignedVersion => Failure::Refused,
            Error::Reqwest(_)
            | Error::Network(_)
            | Error::ReleaseNotFound
            | Error::Serialization(_)
            | Error::Semver(_)
            | Error::UrlParse(_)
            | Error::TargetNotFound(_)
            | Error::TargetsNotFound(_) => Failure::Unreachable,
            _ => Failure::InstallFailed,
        }
    }
}

/// What happened, for the person using the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    UpToDate,
    Installed { version: String },
    Failed(Failure),
}

impl Outcome {
    pub fn message(&self) -> String {
        match self {
            Outcome::UpToDate => "You have the latest version of the app.".to_string(),
            Outcome::Installed { version } => format!(
                "Version {version} of the app is installed. Close the app and open it again to start using it."
            ),
            Outcome::Failed(Failure::Unreachable) => "The app could not check for a new version just now. Nothing has been changed. It will try again next time you open it.".to_string(),
            Outcome::Failed(Failure::Refused) => "A new version was found but it did not carry your council's signature, so it was not installed. Nothing has been changed. Please tell your council.".to_string(),
            Outcome::Failed(Failure::NotInstalled) => "This copy of the app was not installed from an installer, so it cannot update itself. Nothing has been changed.".to_string(),
            Outcome::Failed(Failure::InstallFailed) => "A new version was downloaded but could not be installed. Nothing has been changed. You can carry on using this version.".to_string(),
        }
    }
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusPayload {
    state: &'static str,
    message: String,
}

/// Asks the council's update service for a newer version and downloads it. Returns the update
/// and its bytes only when they verified against the council's key and the signed version.
pub async fn fetch_verified(updater: &Updater) -> Result<Option<(Update, Vec<u8>)>, Failure> {
    let update = match updater.check().await {
        Ok(Some(update)) => update,
        Ok(None) => return Ok(None),
        Err(error) => return Err(Failure::classify(&error)),
    };
    match update.download(|_, _| {}, || {}).await {
        Ok(bytes) => Ok(Some((update, bytes))),
        Err(error) => Err(Failure::classify(&error)),
    }
}

/// Checks, downloads, verifies and installs. Any failure leaves the installed app as it was.
pub async fn check_and_install<R: Runtime>(app: &AppHandle<R>) -> Outcome {
    if tauri::utils::platform::bundle_type().is_none() {
        return Outcome::Failed(Failure::NotInstalled);
    }
    let updater = match app.updater_builder().timeout(NETWORK_TIMEOUT).build() {
        Ok(updater) => updater,
        Err(error) => return Outcome::Failed(Failure::classify(&error)),
    };
    match fetch_verified(&updater).await {
        Ok(None) => Outcome::UpToDate,
        Ok(Some((update, bytes))) => match update.install(bytes) {
            Ok(()) => Outcome::Installed {
                version: update.version,
            },
            Err(error) => Outcome::Failed(Failure::classify(&error)),
        },
        Err(failure) => Outcome::Failed(failure),
    }
}

/// Starts the one check for this run, in the background, when this copy should check.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let configured = channel_configured(app.config().plugins.0.get("updater"));
    // Without readable council settings there is no policy to ask, and no reason to update.
    let allowed = match &app.state::<crate::ShellState>().profile {
        Ok(profile) => should_check(configured, &profile.policy),
        Err(_) => false,
    };
    if !allowed {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let outcome = check_and_install(&app).await;
        let state = match outcome {
            Outcome::UpToDate => "upToDate",
            Outcome::Installed { .. } => "installed",
            Outcome::Failed(_) => "failed",
        };
        let message = outcome.message();
        // Support reads this on the terminal or in the system log; it names no person.
        eprintln!("Update check: {message}");
        let _ = app.emit(STATUS_EVENT, StatusPayload { state, message });
    });
}

#[cfg(test)]
mod tests {
    //! The real plugin on Tauri's mock runtime, against an update service on loopback that
    //! serves releases signed at test time with a throwaway key.

    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    use std::sync::Arc;

    use minisign::KeyPair;
    use serde_json::json;
    use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};

    const ARTIFACT: &[u8] = b"\x7fELF pretend installer of version 9.9.9";

    /// Standard base64 with padding, as the Tauri config and manifests carry keys and signatures.
    fn b64(text: &str) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in text.as_bytes().chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    struct Keys {
        pair: KeyPair,
    }

    impl Keys {
        fn new() -> Keys {
            Keys {
                pair: KeyPair::generate_unencrypted_keypair().unwrap(),
            }
        }
        /// The public key as the Tauri config holds it (base64 of the minisign .pub file).
        fn public(&self) -> String {
            b64(&self.pair.pk.to_box().unwrap().into_string())
        }
        /// A `.sig` as `tauri signer sign --app-version` writes it, base64 encoded.
        fn sign(&self, data: &[u8], version: &str) -> String {
            let comment = format!("timestamp:1700000000\tfile:app.deb\tversion:{version}");
            let signature = minisign::sign(
                Some(&self.pair.pk),
                &self.pair.sk,
                data,
                Some(&comment),
                None,
            )
            .unwrap();
            b64(&signature.to_string())
        }
    }

    /// A one-thread HTTP/1.1 server on 127.0.0.1 that answers `/latest.json` with `manifest`
    /// and `/app.deb` with `artifact`, until the test ends.
    fn serve(manifest: serde_json::Value, artifact: Vec<u8>) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let manifest = Arc::new(manifest.to_string().replace("BASE", &base));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) <= 2 {
                        break;
                    }
                }
                let path = request_line.split_whitespace().nth(1).unwrap_or("");
                let (status, content_type, body) = match path {
                    "/latest.json" => ("200 OK", "application/json", manifest.as_bytes().to_vec()),
                    "/app.deb" => ("200 OK", "application/octet-stream", artifact.clone()),
                    _ => ("404 Not Found", "text/plain", b"not found".to_vec()),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
                let _ = stream.flush();
            }
        });
        format!("{base}/latest.json")
    }

    fn manifest(version: &str, signature: &str) -> serde_json::Value {
        json!({
            "version": version,
            "notes": "A test release",
            "url": "BASE/app.deb",
            "signature": signature,
        })
    }

    /// The app as the shell builds it (same plugin, same `plugins.updater` shape as
    /// tauri.conf.json), on the mock runtime, trusting `public_key`.
    fn app_trusting(public_key: &str, endpoint: &str) -> tauri::App<MockRuntime> {
        let mut context = mock_context(noop_assets());
        let shipped: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        let mut updater = shipped["plugins"]["updater"].clone();
        updater["pubkey"] = json!(public_key);
        updater["endpoints"] = json!([endpoint]);
        // The test server is plain HTTP on loopback; release builds refuse that otherwise. The
        // signature checks under test do not depend on the transport.
        updater["dangerousInsecureTransportProtocol"] = json!(true);
        context
            .config_mut()
            .plugins
            .0
            .insert("updater".into(), updater);
        mock_builder().plugin(plugin()).build(context).unwrap()
    }

    fn fetch(app: &tauri::App<MockRuntime>) -> Result<Option<(Update, Vec<u8>)>, Failure> {
        let updater = app
            .handle()
            .updater_builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        tauri::async_runtime::block_on(fetch_verified(&updater))
    }

    #[test]
    fn a_release_signed_with_the_councils_key_is_accepted() {
        let council = Keys::new();
        let endpoint = serve(
            manifest("9.9.9", &council.sign(ARTIFACT, "9.9.9")),
            ARTIFACT.to_vec(),
        );
        let app = app_trusting(&council.public(), &endpoint);
        let (update, bytes) = fetch(&app).unwrap().expect("an update is offered");
        assert_eq!(update.version, "9.9.9");
        assert_eq!(bytes, ARTIFACT);
    }

    #[test]
    fn a_release_signed_with_another_key_is_refused() {
        let council = Keys::new();
        let attacker = Keys::new();
        let endpoint = serve(
            manifest("9.9.9", &attacker.sign(ARTIFACT, "9.9.9")),
            ARTIFACT.to_vec(),
        );
        let app = app_trusting(&council.public(), &endpoint);
        assert_eq!(fetch(&app).err(), Some(Failure::Refused));
    }

    #[test]
    fn a_tampered_download_is_refused() {
        let council = Keys::new();
        let mut tampered = ARTIFACT.to_vec();
        tampered.extend_from_slice(b" plus something extra");
        let endpoint = serve(
            manifest("9.9.9", &council.sign(ARTIFACT, "9.9.9")),
            tampered,
        );
        let app = app_trusting(&council.public(), &endpoint);
        assert_eq!(fetch(&app).err(), Some(Failure::Refused));
    }

    #[test]
    fn a_manifest_that_relabels_an_old_release_is_refused() {
        // A genuine, signed 1.0.0 announced as 9.9.9: the signed version gives it away.
        let council = Keys::new();
        let endpoint = serve(
            manifest("9.9.9", &council.sign(ARTIFACT, "1.0.0")),
            ARTIFACT.to_vec(),
        );
        let app = app_trusting(&council.public(), &endpoint);
        assert_eq!(fetch(&app).err(), Some(Failure::Refused));
    }

    #[test]
    fn a_garbled_signature_is_refused() {
        let council = Keys::new();
        let endpoint = serve(manifest("9.9.9", "not a signature"), ARTIFACT.to_vec());
        let app = app_trusting(&council.public(), &endpoint);
        assert_eq!(fetch(&app).err(), Some(Failure::Refused));
    }

    #[test]
    fn no_update_when_the_manifest_is_not_newer() {
        let council = Keys::new();
        let endpoint = serve(
            manifest("0.0.1", &council.sign(ARTIFACT, "0.0.1")),
            ARTIFACT.to_vec(),
        );
        let app = app_trusting(&council.public(), &endpoint);
        assert!(fetch(&app).unwrap().is_none());
    }

    #[test]
    fn an_unreachable_service_is_reported_plainly() {
        let council = Keys::new();
        let closed = {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            format!("http://{}/latest.json", listener.local_addr().unwrap())
        };
        let app = app_trusting(&council.public(), &closed);
        let failure = fetch(&app).err().unwrap();
        assert_eq!(failure, Failure::Unreachable);
        assert!(Outcome::Failed(failure)
            .message()
            .contains("Nothing has been changed"));
    }

    #[test]
    fn the_shipped_config_requires_signed_versions_and_has_no_channel() {
        let shipped: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        let updater = &shipped["plugins"]["updater"];
        assert_eq!(updater["requireSignedVersion"], json!(true));
        assert_eq!(updater["dangerousInsecureTransportProtocol"], json!(null));
        // Our own builds have no update channel: each council adds its own key and address.
        assert!(!channel_configured(Some(updater)));
        assert!(channel_configured(Some(&json!({
            "pubkey": "a2V5",
            "endpoints": ["https://updates.council.example/latest.json"],
        }))));
        assert!(!channel_configured(None));
    }

    #[test]
    fn kiosks_do_not_check_unless_policy_allows() {
        let policy = |kiosk: bool, check_updates: Option<bool>| MachinePolicy {
            kiosk,
            check_updates,
            ..MachinePolicy::default()
        };
        assert!(should_check(true, &policy(false, None)));
        assert!(!should_check(true, &policy(false, Some(false))));
        assert!(!should_check(true, &policy(true, None)));
        assert!(should_check(true, &policy(true, Some(true))));
        assert!(!should_check(false, &policy(false, Some(true))));
    }

    #[test]
    fn every_failure_says_nothing_changed() {
        for failure in [
            Failure::Unreachable,
            Failure::Refused,
            Failure::NotInstalled,
            Failure::InstallFailed,
        ] {
            let message = Outcome::Failed(failure).message();
            assert!(message.contains("Nothing has been changed"), "{message}");
        }
    }
}
