//! The built command line against the real council service (the demo, in this process, on a
//! free loopback port): sign in (BROWSER is a tiny script that writes down the URL; this test
//! then does what the person does in the browser), sync, stop the service, and still list and
//! show every document. Plus the exit codes a script relies on.

mod support;

use std::time::Duration;

use cfp_domain::DocumentKind;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_sync_go_offline_and_still_read_every_document() {
    let council = start_council().await;
    let desk = Desk::new(&council);

    // sign-in: the command waits while the "browser" signs in.
    let out = desk.sign_in().await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Signed in as Ruth Adeyemi"),
        "{}",
        text(&out.stdout)
    );

    // sync
    let out = desk.run_locked(&["sync"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("new documents for"),
        "{}",
        text(&out.stdout)
    );

    // The council goes away.
    council.server.abort();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let out = desk.run_locked(&["sync"]).await;
    assert_eq!(out.status.code(), Some(4), "offline: {}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("offline"),
        "{}",
        text(&out.stderr)
    );

    // Still: people, every person's documents, and every document shown and explained.
    let out = desk.run_locked(&["people"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let people = text(&out.stdout);
    let names = ["Margaret Okafor", "Dennis Hartley", "Irene Hartley"];
    for name in names {
        assert!(people.contains(name), "{people}");
    }
    let mut shown = 0;
    for name in names {
        let out = desk.run_locked(&["documents", "--person", name]).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let list = text(&out.stdout);
        let ids: Vec<String> = list
            .lines()
            .skip(3)
            .filter_map(|l| l.split_whitespace().last().map(str::to_string))
            .collect();
        let total: usize = list
            .lines()
            .next()
            .and_then(|l| l.split('(').nth(1))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(total > 0);
        assert_eq!(ids.len(), total, "{list}");
        let mut args = vec!["show"];
        args.extend(ids.iter().map(String::as_str));
        let out = desk.run_locked(&args).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let page = text(&out.stdout);
        // Advices are explained line by line; statements and assessments say what they are.
        let others: usize = [
            DocumentKind::DeferredPaymentStatement,
            DocumentKind::FinancialAssessmentResult,
        ]
        .iter()
        .map(|kind| page.lines().filter(|l| l.starts_with(kind.label())).count())
        .sum();
        let advices = total - others;
        assert!(advices > 0, "{page}");
        assert_eq!(page.matches("How the payment adds up").count(), advices);
        assert_eq!(
            page.matches("What changed since the last payment").count(),
            advices
        );
        assert!(page.contains(&format!("For {name}")));
        assert!(page.contains("This is the money agreed for your care and support."));
        assert!(page.contains("mailto:finance.team@demo-county.example?subject=About%20payment%20"));
        shown += total;
    }
    assert!(shown >= 3);

    // A wrong passphrase: exit 5, plain words, nothing deleted.
    let out = desk
        .run(&["--passphrase-stdin", "people"], "not the passphrase\n")
        .await;
    assert_eq!(out.status.code(), Some(5));
    assert!(
        text(&out.stderr).starts_with("That passphrase is not right"),
        "{}",
        text(&out.stderr)
    );
    assert!(desk.path("store/documents.db").exists());

    // Signed out: documents need signing in (3).
    let out = desk.run_locked(&["sign-out"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = desk.run_locked(&["requests"]).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
}

#[tokio::test]
async fn usage_and_help_say_what_the_exit_codes_mean() {
    let out = tokio::process::Command::new(CLI).output().await.unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = tokio::process::Command::new(CLI)
        .arg("--help")
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for line in [
        "3  you are not signed in",
        "4  the council could not be reached",
        "5  the documents on this computer are locked",
    ] {
        assert!(help.contains(line), "{help}");
    }
    let out = tokio::process::Command::new(CLI)
        .args(["--profile", "/nonexistent/profile.toml", "people"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("could not be read"),
        "{}",
        text(&out.stderr)
    );
}
