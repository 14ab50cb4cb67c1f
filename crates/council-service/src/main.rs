//! `council-service`: serve the council service, run the demo, or check a configuration file.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use council_identity::Rotation;
use council_kit::clock::SystemClock;
use council_kit::secret::OsRandomness;
use council_service::demo::{self, DEFAULT_PORT};
use council_service::{Service, ServiceConfig};

const USAGE: &str = "\
council-service: the council's identity service (and finance API)

Usage:
  council-service serve --config FILE      run the service described by FILE (TOML)
  council-service demo [--port PORT] [--data-dir DIR] [--assets-dir DIR]
                                           run a demo on http://127.0.0.1:PORT (default 8400)
                                           with emails printed here instead of sent
  council-service check-config --config FILE
                                           report every problem in FILE, then exit
  council-service rotate-keys --config FILE
                                           one step of key rotation: add a next key (published,
                                           not signing), or, run again later, make it sign
  council-service retire-key --config FILE KID
                                           stop publishing an old key (never the signing one)
  council-service import --config FILE CSV...
                                           import the finance system's CSV export, one transaction
                                           per file (format: crates/council-finance/IMPORT.md)
  council-service staff add --config FILE --email EMAIL --name NAME --role reviewer|admin
                                           add a finance-team account for the console (/console);
                                           the password is typed without being shown, or read
                                           as one line from standard input when that is a pipe
  council-service staff disable --config FILE EMAIL
                                           turn a console account off: it cannot sign in, and
                                           its open console sessions end at once
  council-service staff enable --config FILE EMAIL
                                           turn a console account on again

Logging: set RUST_LOG (for example RUST_LOG=info). Logs never contain personal data or secrets.";

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let mut args = pico_args::Arguments::from_env();
    let command = args.subcommand().ok().flatten();
    let result = match command.as_deref() {
        Some("serve") => serve(args).await,
        Some("demo") => run_demo(args).await,
        Some("check-config") => check_config(args),
        Some("rotate-keys") => rotate_keys(args).await,
        Some("retire-key") => retire_key(args).await,
        Some("import") => import(args).await,
        Some("staff") => staff(args).await,
        Some("help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command '{other}'\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("council-service: {message}");
            ExitCode::FAILURE
        }
    }
}

fn config_path(args: &mut pico_args::Arguments) -> Result<PathBuf, String> {
    args.value_from_str("--config")
        .map_err(|_| format!("--config FILE is required\n\n{USAGE}"))
}

fn load_config(args: &mut pico_args::Arguments) -> Result<ServiceConfig, String> {
    let path = config_path(args)?;
    ServiceConfig::load(&path).map_err(|e| e.to_string())
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

async fn serve(mut args: pico_args::Arguments) -> Result<(), String> {
    let config = load_config(&mut args)?;
    let problems = config.problems(env_var);
    if !problems.is_empty() {
        return Err(format!(
            "the configuration has problems:\n  - {}",
            problems.join("\n  - ")
        ));
    }
    let listen = config.listen;
    let service = Service::build(
        config,
        Arc::new(SystemClock),
        Arc::new(OsRandomness),
        env_var,
    )
    .await
    .map_err(|e| e.to_string())?;
    let (bound, server) = service.bind(listen).await.map_err(|e| e.to_string())?;
    eprintln!(
        "council-service listening on {bound}, issuer {}",
        service.config.identity.issuer_str()
    );
    server.await.map_err(|e| format!("the server stopped: {e}"))
}

async fn run_demo(mut args: pico_args::Arguments) -> Result<(), String> {
    let port: u16 = args
        .opt_value_from_str("--port")
        .map_err(|_| "--port needs a number from 1 to 65535".to_string())?
        .unwrap_or(DEFAULT_PORT);
    let data_dir: PathBuf = args
        .opt_value_from_str("--data-dir")
        .map_err(|_| "--data-dir needs a folder".to_string())?
        .unwrap_or_else(|| std::env::temp_dir().join("council-service-demo"));
    let assets_dir: PathBuf = args
        .opt_value_from_str("--assets-dir")
        .map_err(|_| "--assets-dir needs a folder".to_string())?
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../council-kit/styles/dist"
            ))
        });
    std::fs::create_dir_all(&data_dir)
        .map_err(|e| format!("could not create {}: {e}", data_dir.display()))?;
    let config = demo::demo_config(port, &data_dir, Some(assets_dir.clone()));
    let service = Service::build(
        config,
        Arc::new(SystemClock),
        Arc::new(OsRandomness),
        env_var,
    )
    .await
    .map_err(|e| e.to_string())?;
    let accounts = demo::seed(&service)
        .await
        .map_err(|e| format!("could not create the demo accounts: {e}"))?;
    council_finance::demo::seed(&service.finance, &service.identity)
        .await
        .map_err(|e| e.to_string())?;
    let (bound, server) = service
        .bind(service.config.listen)
        .await
        .map_err(|e| e.to_string())?;
    let issuer = service.config.identity.issuer_str();
    println!("Council service demo");
    println!("  Open {issuer}/ in a browser to sign in or create an account.");
    println!("  Issuer (OpenID Connect): {issuer}  (discovery: {issuer}/.well-known/openid-configuration)");
    println!(
        "  Desktop app client id:   {}  (loopback redirect http://127.0.0.1:<any port>/callback)",
        demo::DESKTOP_CLIENT_ID
    );
    println!("  Data folder:             {}", data_dir.display());
    println!(
        "  Emails are not sent: each one is printed below and saved in {}",
        data_dir.join("outbox").display()
    );
    if !assets_dir.join("council.css").is_file() {
        println!("  (No stylesheet at {}: pages will be unstyled. Build it: cd crates/council-kit/styles && npm ci && npm run build)", assets_dir.display());
    }
    println!("  Demo accounts (email confirmed, ready to sign in):");
    for account in &accounts {
        println!(
            "    {}  password: {}",
            account.details.email, account.password
        );
    }
    print!("{}", council_finance::demo::credentials_text());
    println!("  Finance API: {issuer}/api/v1 (OpenAPI: {issuer}/api/v1/openapi.json); console: {issuer}/console");
    println!("  Listening on {bound}. Press Ctrl+C to stop.");
    server.await.map_err(|e| format!("the server stopped: {e}"))
}

fn check_config(mut args: pico_args::Arguments) -> Result<(), String> {
    let config = load_config(&mut args)?;
    let problems = config.problems(env_var);
    if problems.is_empty() {
        println!("The configuration is fine.");
        Ok(())
    } else {
        Err(format!(
            "the configuration has problems:\n  - {}",
            problems.join("\n  - ")
        ))
    }
}

/// The database with the identity tables up to date, for the key commands.
async fn key_database(args: &mut pico_args::Arguments) -> Result<sqlx::SqlitePool, String> {
    let config = load_config(args)?;
    let pool = council_kit::db::open_sqlite(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    council_kit::db::migrate(&pool, council_identity::migrator())
        .await
        .map_err(|e| e.to_string())?;
    Ok(pool)
}

async fn rotate_keys(mut args: pico_args::Arguments) -> Result<(), String> {
    let pool = key_database(&mut args).await?;
    let rotation = council_identity::SigningKeys::rotate(&pool, time_now())
        .await
        .map_err(|e| e.to_string())?;
    match rotation {
        Rotation::AddedNext { kid } => println!(
            "Added the next signing key {kid}. Restart the service now: it publishes the key without signing with it. \
             After at least {} minutes, run rotate-keys again to make it sign.",
            council_identity::keys::NEXT_KEY_MIN_AGE.whole_minutes()
        ),
        Rotation::Promoted { kid, previous } => println!(
            "Key {kid} signs new tokens from the next start; restart the service. The previous key {previous} stays \
             published: retire it with retire-key once the tokens it signed have expired."
        ),
    }
    Ok(())
}

async fn retire_key(mut args: pico_args::Arguments) -> Result<(), String> {
    let pool = key_database(&mut args).await?;
    let kid: String = args
        .free_from_str()
        .map_err(|_| format!("retire-key needs the key's id (KID)\n\n{USAGE}"))?;
    council_identity::SigningKeys::retire(&pool, &kid, time_now())
        .await
        .map_err(|e| e.to_string())?;
    println!("Retired key {kid}. Restart the service to stop publishing it.");
    Ok(())
}

async fn built(args: &mut pico_args::Arguments) -> Result<Service, String> {
    let config = load_config(args)?;
    Service::build(
        config,
        Arc::new(SystemClock),
        Arc::new(OsRandomness),
        env_var,
    )
    .await
    .map_err(|e| e.to_string())
}

async fn import(mut args: pico_args::Arguments) -> Result<(), String> {
    let service = built(&mut args).await?;
    let files: Vec<PathBuf> = args.finish().into_iter().map(PathBuf::from).collect();
    let report = council_finance::service::import_files(&service.finance, &files).await?;
    print!("{report}");
    Ok(())
}

async fn staff(mut args: pico_args::Arguments) -> Result<(), String> {
    let turn = match args.subcommand().ok().flatten().as_deref() {
        Some("add") => None,
        Some("disable") => Some(false),
        Some("enable") => Some(true),
        _ => {
            return Err(format!(
                "the staff command is: staff add, staff disable or staff enable\n\n{USAGE}"
            ))
        }
    };
    if let Some(on) = turn {
        let service = built(&mut args).await?;
        let email: String = args
            .free_from_str()
            .map_err(|_| "name the staff member's email address".to_string())?;
        let finance = &service.finance;
        let message = if on {
            council_finance::service::enable_staff(finance, &email).await?
        } else {
            council_finance::service::disable_staff(finance, &email).await?
        };
        println!("{message}");
        return Ok(());
    }
    let email: String = args
        .value_from_str("--email")
        .map_err(|_| "--email is required".to_string())?;
    let name: String = args
        .value_from_str("--name")
        .map_err(|_| "--name is required".to_string())?;
    let role: String = args
        .value_from_str("--role")
        .map_err(|_| "--role reviewer|admin is required".to_string())?;
    let service = built(&mut args).await?;
    let password = read_staff_password()?;
    let password = password.as_str();
    let message =
        council_finance::service::add_staff(&service.finance, &email, &name, &role, password)
            .await?;
    println!("{message}");
    Ok(())
}

/// The new staff member's password: typed at a terminal without being shown (it would otherwise
/// stay on screen and in scrollback), or one line from a pipe, for scripts:
/// `printf '%s\n' "$PASSWORD" | council-service staff add ...`.
fn read_staff_password() -> Result<String, String> {
    use std::io::IsTerminal;
    let failed = |e: std::io::Error| format!("could not read the password: {e}");
    if std::io::stdin().is_terminal() {
        eprintln!("Type the new staff member's password (at least 12 characters; it is not shown) and press Enter:");
        return rpassword::read_password().map_err(failed);
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(failed)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn time_now() -> time::OffsetDateTime {
    use council_kit::clock::Clock;
    SystemClock.now()
}
