//! A local SMTP sink for the end-to-end harness: accepts mail on 127.0.0.1 and prints each message
//! as one JSON line on standard output (`{"to":[...],"subject":"...","body":"..."}`).
//!
//! Usage: `council-smtp-sink [--port PORT]` (default 2525; 0 picks a free port). The first line
//! printed is `{"listening":"127.0.0.1:PORT"}`.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use council_kit::smtp_sink::SmtpSink;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let mut port: u16 = 2525;
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(value)) => match value.parse() {
                Ok(value) => port = value,
                Err(_) => exit_with("--port needs a number from 0 to 65535"),
            },
            _ => exit_with("usage: council-smtp-sink [--port PORT]"),
        }
    }
    let sink = match SmtpSink::start_on(SocketAddr::from(([127, 0, 0, 1], port))).await {
        Ok(sink) => sink,
        Err(error) => exit_with(&format!("could not listen on port {port}: {error}")),
    };
    print_line(serde_json::json!({ "listening": sink.addr().to_string() }));
    loop {
        if let Some(message) = sink.next_message(Duration::from_secs(3600)).await {
            print_line(serde_json::json!({
                "from": message.from,
                "to": message.to,
                "subject": message.subject,
                "body": message.body,
            }));
        }
    }
}

fn print_line(value: serde_json::Value) {
    let mut out = std::io::stdout().lock();
    // A closed stdout means the harness went away: nothing useful is left to do.
    if writeln!(out, "{value}").and_then(|_| out.flush()).is_err() {
        std::process::exit(0);
    }
}

fn exit_with(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(2);
}
