//! The desktop shell: one window, and commands that delegate to the `Portal` (cfp-portal).
//! Nothing here decides anything; it only adapts the core to Tauri.

mod baked_profile;
mod commands;
mod exports;
mod updater;
mod window;

use std::sync::{Arc, OnceLock};

use cfp_core::{AppMode, CouncilProfile, ErrorCode, IpcError, SESSION_ENDED_EVENT};
use cfp_portal::Portal;
use tauri::{Emitter, Manager};

/// What every command can reach.
pub struct ShellState {
    /// The council this app talks to, or why its settings could not be read.
    pub profile: Result<CouncilProfile, String>,
    /// Kiosk when the machine policy says so (a person cannot change it).
    pub mode: AppMode,
    /// The application core, built in `setup` once the app's data folder is known.
    portal: OnceLock<Result<Arc<Portal>, IpcError>>,
}

impl ShellState {
    pub fn from_environment() -> Self {
        let profile = baked_profile::locate().map_err(|e| e.to_string());
        let kiosk = profile.as_ref().is_ok_and(|p| p.policy.is_kiosk());
        ShellState {
            profile,
            mode: if kiosk { AppMode::Kiosk } else { AppMode::Home },
            portal: OnceLock::new(),
        }
    }

    /// The portal every command delegates to, or why there is none (the council settings
    /// could not be read, or the app is still starting).
    pub fn portal(&self) -> Result<&Portal, IpcError> {
        match self.portal.get() {
            Some(Ok(portal)) => Ok(portal),
            Some(Err(error)) => Err(error.clone()),
            None => Err(IpcError::new(
                ErrorCode::Unavailable,
                "The app is still starting. Please try again in a moment.",
            )),
        }
    }

    /// The portal itself, shared, for work that must outlive the command's borrow.
    pub fn portal_arc(&self) -> Result<Arc<Portal>, IpcError> {
        self.portal().map(|_| ())?;
        match self.portal.get() {
            Some(Ok(portal)) => Ok(portal.clone()),
            _ => Err(IpcError::new(
                ErrorCode::Unavailable,
                "The app is still starting. Please try again in a moment.",
            )),
        }
    }

    /// Builds the portal: the app's data folder, the OS keychain (none in kiosk mode, where
    /// nothing is kept), the person's own browser (honouring BROWSER), the system clock.
    fn start_portal(&self, data_dir: Result<std::path::PathBuf, String>) {
        let portal = match (&self.profile, data_dir) {
            (Err(reason), _) => Err(IpcError::new(ErrorCode::InvalidInput, reason.clone())),
            (Ok(_), Err(_)) => Err(IpcError::new(
                ErrorCode::Internal,
                "The app could not find its data folder on this computer.",
            )),
            (Ok(profile), Ok(data_dir)) => tauri::async_runtime::block_on(
                cfp_portal::desktop::start(profile.clone(), data_dir, env!("CARGO_PKG_VERSION")),
            )
            .map(Arc::new),
        };
        let _ = self.portal.set(portal);
    }
}

/// The handler of every command declared in `cfp_core::for_each_command!`: each line names the
/// module here that handles it (`commands::sign_in`), so a declared command without a handler,
/// or a handler with other arguments, does not compile.
macro_rules! handler_list {
    ($(
        $(#[doc = $doc:literal])*
        $module:ident :: $name:ident ( $($arg:ident : $arg_ty:ty),* $(,)? ) -> $answer:ty;
    )*) => {
        tauri::generate_handler![$($module::$name),*]
    };
}

fn builder(state: ShellState) -> tauri::Builder<tauri::Wry> {
    tauri::Builder::default()
        .manage(state)
        .plugin(updater::plugin())
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let data_dir = app.path().app_data_dir().map_err(|e| e.to_string());
            app.state::<ShellState>().start_portal(data_dir);
            let kiosk = app.state::<ShellState>().mode == AppMode::Kiosk;
            window::open_main(app.handle(), kiosk)?;
            if kiosk {
                guard_kiosk_session(app.handle());
            }
            updater::start(app.handle());
            Ok(())
        })
        .invoke_handler(cfp_core::for_each_command!(handler_list))
}

/// Kiosk: ends a session the last run left open (it crashed), and keeps the idle timeout in
/// Rust as well as in the webview, so a frozen or closed webview still ends the session. Both
/// run on threads of their own for the app's life (the portal's calls to the council are not
/// `Send`; see commands.rs).
fn guard_kiosk_session(app: &tauri::AppHandle) {
    let Ok(portal) = app.state::<ShellState>().portal_arc() else {
        return;
    };
    let handle = app.clone();
    std::thread::spawn(move || {
        tauri::async_runtime::block_on(async {
            portal.end_previous_kiosk_session().await;
            portal
                .watch_idle(KIOSK_IDLE_CHECK, || {
                    let _ = handle.emit(SESSION_ENDED_EVENT, ());
                })
                .await;
        });
    });
}

/// How often the kiosk's Rust idle timer looks at the clock.
const KIOSK_IDLE_CHECK: std::time::Duration = std::time::Duration::from_secs(5);

pub fn run() {
    let context = tauri::generate_context!();
    let app = match builder(ShellState::from_environment()).build(context) {
        Ok(app) => app,
        Err(error) => {
            // Tauri's own error text names no personal data; it is what support needs.
            eprintln!("Client Finance Portal could not start: {error}");
            std::process::exit(1);
        }
    };
    app.run(|app, event| {
        if let tauri::RunEvent::Exit = event {
            // The window's close button, or quitting. A kiosk signs out here (tokens revoked,
            // the council's browser session ended). Then the store closes while the process
            // is still whole: connections left open race SQLCipher's own clean-up at exit.
            if let Some(Ok(portal)) = app.state::<ShellState>().portal.get() {
                tauri::async_runtime::block_on(portal.close());
            }
        }
    });
}
