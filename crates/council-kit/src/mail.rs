//! Sending plain-text email: through a real SMTP server, or into an outbox folder.
//!
//! Plain text only: it reads well in every mail program and screen reader, and a code in it can be
//! copied. Logs say that a message was sent or failed, never to whom or what it said.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Deserialize;

/// One message to one person.
#[derive(Clone, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Deliberately says nothing of the recipient or content: it may end up in a log.
impl std::fmt::Debug for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Email { .. }")
    }
}

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text: only for a mail server on the same machine (or a test sink).
    None,
    /// Upgrade with STARTTLS (usually port 587).
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

/// `[mail.smtp]` in the service's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    /// User name for SMTP AUTH, if the server needs it.
    pub username: Option<String>,
    /// The name of the environment variable holding the SMTP password (never the password itself,
    /// so the configuration file can be shared and kept in version control).
    pub password_env: Option<String>,
}

/// `[mail]` in the service's configuration: the sender, and exactly one of `smtp` or `outbox_dir`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// The sender, e.g. `Example Council <no-reply@example.gov.uk>`.
    pub from: String,
    pub smtp: Option<SmtpConfig>,
    /// Write each message to this folder instead of sending it (demo and development).
    pub outbox_dir: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the sender address in the mail settings is not a valid email address")]
    BadSender,
    #[error("that is not a valid email address")]
    BadRecipient,
    #[error("the mail settings must give exactly one of [mail.smtp] or outbox_dir")]
    NoTransport,
    #[error("the SMTP password environment variable {0} is not set")]
    MissingPassword(String),
    #[error("could not set up the SMTP connection to the configured host")]
    SmtpSetup,
    #[error("the email could not be put together")]
    Build,
    #[error("the mail server did not accept the message ({0})")]
    Delivery(&'static str),
    #[error("could not write the message to the outbox folder: {0}")]
    Outbox(#[source] std::io::Error),
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(Outbox),
}

/// Sends email the configured way.
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.transport {
            Transport::Smtp(_) => "smtp",
            Transport::Outbox(_) => "outbox",
        };
        f.debug_struct("Mailer").field("transport", &kind).finish()
    }
}

impl Mailer {
    /// Builds the mailer from configuration; `env` looks up environment variables (passed in so
    /// tests need not touch the process environment).
    pub fn from_config(
        config: &MailConfig,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, MailError> {
        match (&config.smtp, &config.outbox_dir) {
            (Some(smtp), None) => {
                let credentials = match (&smtp.username, &smtp.password_env) {
                    (Some(user), Some(var)) => {
                        let password =
                            env(var).ok_or_else(|| MailError::MissingPassword(var.clone()))?;
                        Some(Credentials::new(user.clone(), password))
                    }
                    (Some(user), None) => Some(Credentials::new(user.clone(), String::new())),
                    _ => None,
                };
                Self::smtp(&config.from, smtp, credentials)
            }
            (None, Some(dir)) => Self::outbox(&config.from, dir),
            _ => Err(MailError::NoTransport),
        }
    }

    /// A mailer that sends through an SMTP server.
    pub fn smtp(
        from: &str,
        config: &SmtpConfig,
        credentials: Option<Credentials>,
    ) -> Result<Self, MailError> {
        let builder = match config.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host),
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)
                .map_err(|_| MailError::SmtpSetup)?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host)
                .map_err(|_| MailError::SmtpSetup)?,
        };
        let mut builder = builder
            .port(config.port)
            .timeout(Some(Duration::from_secs(20)));
        if let Some(credentials) = credentials {
            builder = builder.credentials(credentials);
        }
        Ok(Self {
            from: parse_sender(from)?,
            transport: Transport::Smtp(builder.build()),
        })
    }

    /// A mailer that writes each message into `dir` (created if needed) and prints it.
    pub fn outbox(from: &str, dir: &Path) -> Result<Self, MailError> {
        Ok(Self {
            from: parse_sender(from)?,
            transport: Transport::Outbox(Outbox::new(dir)?),
        })
    }

    /// Sends one message.
    pub async fn send(&self, email: &Email) -> Result<(), MailError> {
        let to: Mailbox = email.to.parse().map_err(|_| MailError::BadRecipient)?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(email.body.clone())
            .map_err(|_| MailError::Build)?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await.map_err(|error| {
                    // The server's reply may quote the address: log only the kind of failure.
                    let kind = if error.is_permanent() {
                        "permanent refusal"
                    } else if error.is_transient() {
                        "temporary refusal"
                    } else if error.is_timeout() {
                        "timed out"
                    } else {
                        "connection failed"
                    };
                    tracing::warn!(kind, "email not sent");
                    MailError::Delivery(kind)
                })?;
                tracing::info!("email sent");
                Ok(())
            }
            Transport::Outbox(outbox) => outbox.deliver(&message, email),
        }
    }
}

fn parse_sender(from: &str) -> Result<Mailbox, MailError> {
    from.parse().map_err(|_| MailError::BadSender)
}

/// The demo's mailbox: each message becomes a numbered `.eml` file in a folder and is printed to
/// standard output, so the demo needs no mail server and a person trying it reads their codes in
/// the terminal. Never use it in production: it prints codes on purpose.
struct Outbox {
    dir: PathBuf,
    next: AtomicU64,
}

impl Outbox {
    fn new(dir: &Path) -> Result<Self, MailError> {
        std::fs::create_dir_all(dir).map_err(MailError::Outbox)?;
        // Carry on numbering after messages left by an earlier run.
        let existing = std::fs::read_dir(dir)
            .map_err(MailError::Outbox)?
            .filter_map(Result::ok)
            .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "eml"))
            .count() as u64;
        Ok(Self {
            dir: dir.to_owned(),
            next: AtomicU64::new(existing + 1),
        })
    }

    fn deliver(&self, message: &Message, email: &Email) -> Result<(), MailError> {
        let number = self.next.fetch_add(1, Ordering::SeqCst);
        let path = self.dir.join(format!("message-{number:06}.eml"));
        std::fs::write(&path, message.formatted()).map_err(MailError::Outbox)?;
        println!(
            "\n──── Email (outbox: {}) ────\nTo: {}\nSubject: {}\n\n{}\n────────────────────────────\n",
            path.display(),
            email.to,
            email.subject,
            email.body
        );
        tracing::info!("email written to the outbox");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn outbox_writes_numbered_eml_files() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::outbox("Council <no-reply@example.org>", dir.path()).unwrap();
        let email = Email {
            to: "person@example.org".into(),
            subject: "Your code".into(),
            body: "Your code is 123456".into(),
        };
        mailer.send(&email).await.unwrap();
        mailer.send(&email).await.unwrap();
        let first = std::fs::read_to_string(dir.path().join("message-000001.eml")).unwrap();
        assert!(first.contains("Subject: Your code"));
        assert!(first.contains("To: person@example.org"));
        assert!(first.contains("123456"));
        assert!(dir.path().join("message-000002.eml").exists());
        // A new mailer on the same folder carries on numbering.
        let again = Mailer::outbox("no-reply@example.org", dir.path()).unwrap();
        again.send(&email).await.unwrap();
        assert!(dir.path().join("message-000003.eml").exists());
    }

    // lettre's connection pool needs a Tokio runtime even to be dropped.
    #[tokio::test]
    async fn config_needs_exactly_one_transport_and_the_password_variable() {
        let both = MailConfig {
            from: "a@example.org".into(),
            smtp: Some(SmtpConfig {
                host: "localhost".into(),
                port: 25,
                tls: SmtpTls::None,
                username: Some("u".into()),
                password_env: Some("SMTP_PASSWORD".into()),
            }),
            outbox_dir: Some("x".into()),
        };
        assert!(matches!(
            Mailer::from_config(&both, |_| None),
            Err(MailError::NoTransport)
        ));
        let smtp_only = MailConfig {
            outbox_dir: None,
            ..both
        };
        assert!(matches!(
            Mailer::from_config(&smtp_only, |_| None),
            Err(MailError::MissingPassword(var)) if var == "SMTP_PASSWORD"
        ));
        assert!(Mailer::from_config(&smtp_only, |_| Some("secret".into())).is_ok());
    }

    #[tokio::test]
    async fn refuses_a_bad_recipient_plainly() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::outbox("no-reply@example.org", dir.path()).unwrap();
        let email = Email {
            to: "not an address".into(),
            subject: "s".into(),
            body: "b".into(),
        };
        let error = mailer.send(&email).await.unwrap_err();
        assert_eq!(error.to_string(), "that is not a valid email address");
    }
}
