//! The real mailer talks real SMTP to the real sink over loopback.

use std::time::Duration;

use council_kit::mail::{Email, Mailer, SmtpConfig, SmtpTls};
use council_kit::smtp_sink::SmtpSink;

#[tokio::test]
async fn a_message_sent_by_smtp_arrives_in_the_sink_decoded() {
    let sink = SmtpSink::start().await.unwrap();
    let config = SmtpConfig {
        host: "127.0.0.1".into(),
        port: sink.port(),
        tls: SmtpTls::None,
        username: None,
        password_env: None,
    };
    let mailer = Mailer::smtp("Example Council <no-reply@example.org>", &config, None).unwrap();
    let body = "Your code is 246810.\n\n.A line starting with a dot, and a long line that must be wrapped by the encoder because it goes on and on past seventy-six characters. Café.";
    mailer
        .send(&Email {
            to: "Person@Example.org".into(),
            subject: "Confirm your email address".into(),
            body: body.into(),
        })
        .await
        .unwrap();

    let message = sink
        .wait_for("person@example.org", Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(message.subject, "Confirm your email address");
    assert_eq!(message.from, "no-reply@example.org");
    assert_eq!(message.body.trim_end(), body);
    assert_eq!(
        sink.unread_for("person@example.org"),
        0,
        "a message is read once"
    );

    let nothing = sink
        .wait_for("someone-else@example.org", Duration::from_millis(50))
        .await;
    assert!(nothing.is_err());
}

#[tokio::test]
async fn an_unreachable_server_is_a_plain_error() {
    // Bind and drop to find a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        tls: SmtpTls::None,
        username: None,
        password_env: None,
    };
    let mailer = Mailer::smtp("no-reply@example.org", &config, None).unwrap();
    let error = mailer
        .send(&Email {
            to: "person@example.org".into(),
            subject: "s".into(),
            body: "secret 123456".into(),
        })
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(text.starts_with("the mail server did not accept the message"));
    assert!(!text.contains("person@example.org") && !text.contains("123456"));
}
