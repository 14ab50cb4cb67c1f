//! `client-finance-portal-cli`: the Client Finance Portal on the command line, for scripting
//! and support. Every command goes through the same `Portal` as the desktop app, so it signs
//! in the same way (the system browser, or the command in `BROWSER`), keeps documents in the
//! same encrypted store, and explains every line in the same words.
//!
//! Messages go to standard error in plain English; what was asked for goes to standard
//! output. Nothing printed is ever a token or a key.

mod render;
mod statements;

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use cfp_core::{ErrorCode, IpcError, PersonView};
use cfp_portal::cfp_store::Passphrase;
use cfp_portal::Portal;
use clap::{Parser, Subcommand};

const EXIT_CODES: &str = "\
Exit codes:
  0  done
  1  something else went wrong (the message says what)
  2  the command was not used correctly
  3  you are not signed in, or your sign-in has ended: run sign-in
  4  the council could not be reached (you are offline)
  5  the documents on this computer are locked, or the passphrase is not right
  6  saving files is turned off on this computer (kiosk): print instead

Sign-in opens your web browser (or the command in the BROWSER environment variable).
The council comes from --profile, else CFP_PROFILE, else the computer's council settings,
else the built-in demo council (council-service demo on http://127.0.0.1:8400).";

/// See and keep the financial documents your council holds about you.
#[derive(Debug, Parser)]
#[command(name = "client-finance-portal-cli", version, after_help = EXIT_CODES)]
struct Cli {
    /// The council settings file (TOML) to use.
    #[arg(long, value_name = "FILE", global = true)]
    profile: Option<PathBuf>,
    /// Where the encrypted store of your documents is kept
    /// [default: the desktop app's own store].
    #[arg(long, value_name = "PATH", global = true)]
    store: Option<PathBuf>,
    /// Read a passphrase from standard input (its first line) and protect the store with it,
    /// instead of the computer's keychain. Use it on computers with no keychain, and to read
    /// documents offline.
    #[arg(long, global = true)]
    passphrase_stdin: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sign in with the council in your web browser.
    SignIn,
    /// Sign out here and at the council (your documents stay on this computer).
    SignOut,
    /// List everyone whose documents you can see.
    People,
    /// Download what is new from the council.
    Sync,
    /// List one person's documents, newest first.
    Documents {
        /// The person: their id (from `people`) or their name.
        #[arg(long, value_name = "ID|NAME")]
        person: String,
    },
    /// Show documents, with what every line means and what changed since the payment before.
    Show {
        /// The document's id (from `documents`); give several to show each in turn.
        #[arg(
            required = true,
            value_name = "DOCUMENT_ID",
            allow_hyphen_values = true
        )]
        document_ids: Vec<String>,
    },
    /// List your requests to see someone's documents, and where each stands.
    Requests,
    /// A statement of the payments in a tax year, a calendar year or between two dates, for
    /// one person (--person) or everyone you act for (--everyone): a summary, or a PDF or CSV
    /// file with --output.
    Statement(statements::StatementArgs),
    /// Save one document (a Direct Payment advice, a Deferred Payment statement or an
    /// assessment result) as a PDF or CSV file.
    Export(statements::ExportArgs),
    /// Print one document, or a statement, on this computer's printer.
    Print(statements::PrintArgs),
}

/// What went wrong, with its exit code.
struct Failure {
    code: u8,
    message: String,
}

impl From<IpcError> for Failure {
    fn from(error: IpcError) -> Self {
        let code = match error.code {
            ErrorCode::InvalidInput => 2,
            ErrorCode::Unauthorised => 3,
            ErrorCode::Offline => 4,
            ErrorCode::StoreLocked => 5,
            ErrorCode::NotFound | ErrorCode::Unavailable | ErrorCode::Internal => 1,
        };
        Failure {
            code,
            message: error.message,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(_) => {
            eprintln!("The program could not start on this computer.");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let profile = match &cli.profile {
        // A machine-wide [policy] still holds: --profile can only tighten it.
        Some(path) => {
            cfp_core::profile::locate_from(Some(path), &cfp_core::profile::machine_profile_path())
        }
        None => cfp_core::profile::locate(),
    }
    .map_err(|e| Failure {
        code: 2,
        message: e.to_string(),
    })?;
    let passphrase = if cli.passphrase_stdin {
        Some(read_passphrase()?)
    } else {
        None
    };
    let data_dir = data_dir();
    let setup = cfp_portal::desktop::setup(
        profile,
        data_dir,
        cli.store.clone(),
        passphrase,
        env!("CARGO_PKG_VERSION"),
    )?;
    let portal = Portal::start(setup).await?;
    let outcome = command(&portal, cli.command).await;
    portal.close().await;
    // A closed pipe (`| head`) is not worth a message.
    let _ = std::io::stdout().lock().write_all(outcome?.as_bytes());
    Ok(())
}

/// Runs one command and returns what to print.
async fn command(portal: &Portal, command: Command) -> Result<String, Failure> {
    Ok(match command {
        Command::SignIn => sign_in(portal).await?,
        Command::SignOut => {
            portal.sign_out().await;
            "Signed out. Your documents stay on this computer.\n".to_string()
        }
        Command::People => render::people(&portal.people().await?),
        Command::Sync => sync(portal).await?,
        Command::Documents { person } => {
            let person = find_person(portal, &person).await?;
            let list = portal
                .documents(&person.person_id, &Default::default())
                .await?;
            render::documents(&list)
        }
        Command::Show { document_ids } => {
            let mut shown = Vec::new();
            for id in &document_ids {
                shown.push(show(portal, id).await?);
            }
            shown.join(&format!("\n{}\n\n", "-".repeat(40)))
        }
        Command::Requests => render::requests(&portal.access_requests().await?),
        Command::Statement(args) => statements::statement(portal, args).await?,
        Command::Export(args) => statements::export(portal, args).await?,
        Command::Print(args) => statements::print(portal, args).await?,
    })
}

fn read_passphrase() -> Result<Passphrase, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|_| Failure {
            code: 2,
            message: "The passphrase could not be read from standard input.".into(),
        })?;
    let text = line.trim_end_matches(['\n', '\r']);
    if text.is_empty() {
        return Err(Failure {
            code: 2,
            message: "--passphrase-stdin was given, but standard input had no passphrase.".into(),
        });
    }
    Ok(Passphrase::new(text))
}

/// The desktop app's own data folder (the same place Tauri gives the app), so the command
/// line and the app share one store unless `--store` says otherwise.
fn data_dir() -> PathBuf {
    const IDENTIFIER: &str = "org.clientfinanceportal.desktop";
    let env = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(target_os = "windows") {
        env("APPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|h| h.join("Library").join("Application Support"))
    } else {
        env("XDG_DATA_HOME").or_else(|| env("HOME").map(|h| h.join(".local").join("share")))
    };
    base.unwrap_or_else(std::env::temp_dir).join(IDENTIFIER)
}

async fn sign_in(portal: &Portal) -> Result<String, Failure> {
    eprintln!("Continue in your web browser. This waits until you have signed in there.");
    let session = portal.sign_in().await?;
    let who = session
        .user
        .map(|u| if u.name.is_empty() { u.email } else { u.name })
        .unwrap_or_default();
    let mut text = format!("Signed in as {who}.\n");
    if session.key_protection == cfp_core::KeyProtectionView::NotSetUp {
        eprintln!(
            "This computer has no keychain the app can use, so nothing will be kept after this \
             command. Use --passphrase-stdin to keep your documents on this computer."
        );
    }
    if session.state == cfp_core::SessionState::Locked {
        text.push_str("Your documents on this computer are locked: give the passphrase with --passphrase-stdin.\n");
    }
    Ok(text)
}

async fn sync(portal: &Portal) -> Result<String, Failure> {
    let progress = |p: cfp_core::SyncProgressView| {
        eprint!(
            "\rUpdating: {} of {} people, {} documents received",
            p.people_done, p.people_total, p.documents_received
        );
    };
    let summary = portal.sync_now(&progress).await?;
    eprintln!();
    let text = render::sync_summary(&summary);
    if summary.offline {
        // Offline is reported, not an error: what is kept can still be read. The exit code
        // still tells a script that nothing was downloaded.
        return Err(Failure {
            code: 4,
            message: text.trim_end().to_string(),
        });
    }
    Ok(text)
}

/// A person by id, or by name (whole name, or a part that only one person's name has).
async fn find_person(portal: &Portal, wanted: &str) -> Result<PersonView, Failure> {
    let people = portal.people().await?;
    let lower = wanted.trim().to_lowercase();
    if let Some(person) = people
        .iter()
        .find(|p| p.person_id == wanted || p.name.to_lowercase() == lower)
    {
        return Ok(person.clone());
    }
    let matching: Vec<&PersonView> = people
        .iter()
        .filter(|p| p.name.to_lowercase().contains(&lower))
        .collect();
    match matching.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Failure {
            code: 2,
            message: "Nobody you can see documents for has that name or id. Run `people` to see who you can choose.".into(),
        }),
        _ => Err(Failure {
            code: 2,
            message: "More than one person matches that name. Use their id from `people`.".into(),
        }),
    }
}

async fn show(portal: &Portal, document_id: &str) -> Result<String, Failure> {
    for person in portal.people().await? {
        match portal.document(&person.person_id, document_id).await {
            Ok(view) => return Ok(render::document(&view)),
            Err(e) if e.code == ErrorCode::NotFound => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Failure {
        code: 1,
        message:
            "That document is not on this computer. Run `sync`, then `documents` to see the ids."
                .into(),
    })
}
