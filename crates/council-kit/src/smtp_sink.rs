//! A real, minimal SMTP server for tests and the end-to-end harness (feature `test-sink`).
//!
//! It speaks enough SMTP for lettre and other ordinary clients (EHLO/HELO, MAIL, RCPT, DATA, RSET,
//! NOOP, QUIT), keeps every message in memory, and lets a test await the next message to an
//! address. It never relays anything anywhere.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One received message, with its text body decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
    /// The message exactly as received (after dot-unstuffing).
    pub raw: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no email arrived for {to} within {timeout:?}")]
pub struct NoMessage {
    pub to: String,
    pub timeout: Duration,
}

/// The running sink. Dropping it stops the server.
pub struct SmtpSink {
    addr: SocketAddr,
    unread: Arc<Mutex<Vec<Message>>>,
    server: JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl SmtpSink {
    /// Starts on a free port on 127.0.0.1.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    pub async fn start_on(addr: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let unread = Arc::new(Mutex::new(Vec::new()));
        let inbox = Arc::clone(&unread);
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let inbox = Arc::clone(&inbox);
                tokio::spawn(async move {
                    // A client that goes away mid-conversation only loses its own message.
                    let _ = converse(stream, inbox).await;
                });
            }
        });
        Ok(Self {
            addr,
            unread,
            server,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Waits for the oldest unread message to `to` (case-insensitive) and marks it read.
    pub async fn wait_for(&self, to: &str, timeout: Duration) -> Result<Message, NoMessage> {
        let wanted = to.to_ascii_lowercase();
        self.wait_matching(timeout, |m| {
            m.to.iter().any(|r| r.to_ascii_lowercase() == wanted)
        })
        .await
        .ok_or_else(|| NoMessage {
            to: to.to_owned(),
            timeout,
        })
    }

    /// Waits for the oldest unread message to anyone and marks it read.
    pub async fn next_message(&self, timeout: Duration) -> Option<Message> {
        self.wait_matching(timeout, |_| true).await
    }

    /// How many unread messages are waiting for `to`.
    pub fn unread_for(&self, to: &str) -> usize {
        let wanted = to.to_ascii_lowercase();
        self.lock()
            .iter()
            .filter(|m| m.to.iter().any(|r| r.to_ascii_lowercase() == wanted))
            .count()
    }

    async fn wait_matching(
        &self,
        timeout: Duration,
        matches: impl Fn(&Message) -> bool,
    ) -> Option<Message> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            {
                let mut unread = self.lock();
                if let Some(index) = unread.iter().position(&matches) {
                    return Some(unread.remove(index));
                }
            }
            if tokio::time::Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Message>> {
        self.unread
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

async fn converse(stream: TcpStream, inbox: Arc<Mutex<Vec<Message>>>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write
        .write_all(b"220 council-smtp-sink ESMTP ready\r\n")
        .await?;
    let mut from = String::new();
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end();
        let verb = command
            .split([' ', ':'])
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-council-smtp-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
            "HELO" => b"250 council-smtp-sink\r\n",
            "MAIL" => {
                from = angle_address(command);
                to.clear();
                b"250 OK\r\n"
            }
            "RCPT" => {
                to.push(angle_address(command));
                b"250 OK\r\n"
            }
            "DATA" => {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let raw = read_data(&mut lines).await?;
                let message = parse(std::mem::take(&mut from), std::mem::take(&mut to), raw);
                inbox
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .push(message);
                b"250 OK: queued\r\n"
            }
            "RSET" => {
                from.clear();
                to.clear();
                b"250 OK\r\n"
            }
            "NOOP" => b"250 OK\r\n",
            "QUIT" => {
                write.write_all(b"221 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 Command not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
}

async fn read_data<R: AsyncBufReadExt + Unpin>(lines: &mut R) -> std::io::Result<String> {
    let mut raw = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let content = line.trim_end_matches(['\r', '\n']);
        if content == "." {
            return Ok(raw);
        }
        // RFC 5321 4.5.2: a leading dot was doubled by the sender.
        raw.push_str(content.strip_prefix('.').unwrap_or(content));
        raw.push('\n');
    }
}

fn angle_address(command: &str) -> String {
    match (command.find('<'), command.find('>')) {
        (Some(start), Some(end)) if start < end => command[start + 1..end].to_owned(),
        _ => command
            .split_once(':')
            .map(|(_, rest)| rest.trim().to_owned())
            .unwrap_or_default(),
    }
}

fn parse(from: String, to: Vec<String>, raw: String) -> Message {
    let (head, body) = raw.split_once("\n\n").unwrap_or((raw.as_str(), ""));
    // Unfold continued header lines (RFC 5322 2.2.3).
    let unfolded = head.replace("\n ", " ").replace("\n\t", " ");
    let header = |name: &str| {
        unfolded.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    };
    let subject = header("Subject")
        .map(|s| decode_encoded_words(&s))
        .unwrap_or_default();
    let encoding = header("Content-Transfer-Encoding")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let body = match encoding.as_str() {
        "quoted-printable" => decode_quoted_printable(body),
        "base64" => STANDARD
            .decode(body.split_whitespace().collect::<String>())
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_else(|| body.to_owned()),
        _ => body.to_owned(),
    };
    Message {
        from,
        to,
        subject,
        body,
        raw,
    }
}

fn decode_quoted_printable(text: &str) -> String {
    let mut bytes = Vec::with_capacity(text.len());
    let lines: Vec<&str> = text.split('\n').collect();
    let last = lines.len() - 1;
    for (index, line) in lines.into_iter().enumerate() {
        let (content, soft_break) = match line.strip_suffix('=') {
            Some(content) => (content, true),
            None => (line, false),
        };
        let raw = content.as_bytes();
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == b'=' && i + 3 <= raw.len() {
                let hex = std::str::from_utf8(&raw[i + 1..i + 3]).ok();
                if let Some(byte) = hex.and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
                    bytes.push(byte);
                    i += 3;
                    continue;
                }
            }
            bytes.push(raw[i]);
            i += 1;
        }
        if !soft_break && index < last {
            bytes.push(b'\n');
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Decodes RFC 2047 `=?utf-8?b?...?=` subjects (lettre uses them for non-ASCII text).
fn decode_encoded_words(value: &str) -> String {
    value
        .split_whitespace()
        .map(|word| {
            let lower = word.to_ascii_lowercase();
            if lower.starts_with("=?utf-8?b?") && word.ends_with("?=") {
                STANDARD
                    .decode(&word[10..word.len() - 2])
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .unwrap_or_else(|| word.to_owned())
            } else if lower.starts_with("=?utf-8?q?") && word.ends_with("?=") {
                decode_quoted_printable(&word[10..word.len() - 2].replace('_', " "))
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_quoted_printable_soft_breaks_and_bytes() {
        assert_eq!(decode_quoted_printable("a=3Db=\nc\nd"), "a=bc\nd");
        assert_eq!(decode_quoted_printable("caf=C3=A9\n"), "café\n");
    }

    #[test]
    fn parses_headers_and_base64_bodies() {
        let raw =
            "Subject: Your\n code\nContent-Transfer-Encoding: base64\n\naGVsbG8=\n".to_owned();
        let message = parse("a@x".into(), vec!["b@x".into()], raw);
        assert_eq!(message.subject, "Your code");
        assert_eq!(message.body, "hello");
    }
}
