//! The loopback redirect listener (RFC 8252 7.3): a tiny HTTP server on 127.0.0.1 with a port
//! the system picks, waiting for the browser to bring back the authorization response.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

use crate::pages;

/// The path the provider redirects to, on whatever port the listener got.
pub const CALLBACK_PATH: &str = "/callback";

const MAX_REQUEST_HEAD: usize = 16 * 1024;
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// What the browser brought back with the right `state`.
pub(crate) enum Callback {
    Code {
        code: crate::Secret,
        iss: Option<String>,
    },
    Error {
        code: String,
    },
}

pub(crate) struct Loopback {
    listener: TcpListener,
    redirect_uri: Url,
}

impl Loopback {
    pub(crate) async fn bind() -> Result<Self, crate::SignInError> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|_| crate::SignInError::LocalListener)?;
        let port = listener
            .local_addr()
            .map_err(|_| crate::SignInError::LocalListener)?
            .port();
        let redirect_uri = Url::parse(&format!("http://127.0.0.1:{port}{CALLBACK_PATH}"))
            .map_err(|_| crate::SignInError::LocalListener)?;
        Ok(Self {
            listener,
            redirect_uri,
        })
    }

    pub(crate) fn redirect_uri(&self) -> &Url {
        &self.redirect_uri
    }

    /// Answers requests until one carries the expected `state`. Requests for other paths get
    /// 404; a callback with a missing or wrong `state` gets a 400 page and is otherwise ignored,
    /// so a forged request can neither complete nor break the person's sign-in. The browser's
    /// connection is returned unanswered: [`answer`] tells the person how it ended.
    pub(crate) async fn wait(&self, expected_state: &crate::Secret) -> (Callback, TcpStream) {
        loop {
            let Ok((mut stream, _)) = self.listener.accept().await else {
                continue;
            };
            let handled =
                tokio::time::timeout(READ_TIMEOUT, self.handle(&mut stream, expected_state));
            if let Ok(Some(callback)) = handled.await {
                return (callback, stream);
            }
        }
    }

    async fn handle(
        &self,
        stream: &mut TcpStream,
        expected_state: &crate::Secret,
    ) -> Option<Callback> {
        let Some(target) = read_request_target(stream).await else {
            respond(stream, "400 Bad Request", &pages::not_ours()).await;
            return None;
        };
        let url = self.redirect_uri.join(&target).ok()?;
        if url.path() != CALLBACK_PATH {
            respond(stream, "404 Not Found", &pages::not_ours()).await;
            return None;
        }
        let mut state = None;
        let mut code = None;
        let mut error = None;
        let mut iss = None;
        for (name, value) in url.query_pairs() {
            match name.as_ref() {
                "state" => state = Some(crate::Secret::new(value.into_owned())),
                "code" => code = Some(crate::Secret::new(value.into_owned())),
                "error" => error = Some(value.into_owned()),
                "iss" => iss = Some(value.into_owned()),
                _ => {}
            }
        }
        let state_matches = state.as_ref().is_some_and(|s| {
            constant_time_eq(s.expose().as_bytes(), expected_state.expose().as_bytes())
        });
        if !state_matches {
            respond(stream, "400 Bad Request", &pages::not_ours()).await;
            return None;
        }
        if let Some(code) = code {
            return Some(Callback::Code { code, iss });
        }
        // Keep only a well-formed OAuth error code.
        let code = error
            .filter(|e| e.len() <= 64 && e.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
            .unwrap_or_else(|| "invalid_response".into());
        Some(Callback::Error { code })
    }
}

/// Tells the person in the browser whether sign-in worked, once the app knows.
pub(crate) async fn answer(stream: &mut TcpStream, signed_in: bool) {
    if signed_in {
        respond(stream, "200 OK", &pages::signed_in()).await;
    } else {
        respond(stream, "200 OK", &pages::not_completed()).await;
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Reads the request head and returns the target of a `GET` request.
async fn read_request_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > MAX_REQUEST_HEAD {
            return None;
        }
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line_end = head.iter().position(|&b| b == b'\r')?;
    let line = std::str::from_utf8(&head[..line_end]).ok()?;
    let mut parts = line.split(' ');
    let method = parts.next()?;
    let target = parts.next()?;
    let version = parts.next()?;
    if method != "GET" || !version.starts_with("HTTP/1.") || !target.starts_with('/') {
        return None;
    }
    Some(target.to_string())
}

async fn respond(stream: &mut TcpStream, status: &str, body: &str) {
    let head = format!(
        "HTTP/1.1 {status}\r\n\
         Content-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\n\
         Cache-Control: no-store\r\n\
         Referrer-Policy: no-referrer\r\n\
         X-Content-Type-Options: nosniff\r\n\
         Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}
