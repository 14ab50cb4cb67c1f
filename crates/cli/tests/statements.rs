//! `statement`, `export` and `print` on the built command line, against the real demo council:
//! Ruth Adeyemi signs in through the browser stand-in and syncs, then makes tax-year statements
//! for one person and for everyone she acts for, as PDF and CSV, and saves one advice. The
//! files are read back with the real tools (`pdftotext`, `qpdf`) and a small RFC 4180 reader,
//! and every total is checked against the summary the command printed.
//!
//! Printing is tested for real by `.ci/print-test` (the ignored test at the end, which needs a
//! CUPS-PDF queue); here only the real `lp` refusing a printer that does not exist.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use cfp_domain::{LineKind, Money};
use support::*;

const MARGARET: &str = "Margaret Okafor";
const EVERYONE: [&str; 3] = ["Margaret Okafor", "Dennis Hartley", "Irene Hartley"];

fn ok(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// "£1,234.56" or "-£12.50" as exact money.
fn gbp(text: &str) -> Money {
    match text.strip_prefix('-') {
        Some(rest) => -rest.parse::<Money>().unwrap(),
        None => text.parse().unwrap(),
    }
}

/// The summary `statement` prints without --output: totals by label, and the net received.
struct Summary {
    title: String,
    payments: usize,
    totals: BTreeMap<String, Money>,
    net: Money,
}

fn parse_summary(stdout: &str) -> Summary {
    let mut lines = stdout.lines();
    let title = lines.next().unwrap().to_string();
    let _period = lines.next().unwrap();
    let payments = lines
        .next()
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    let mut totals = BTreeMap::new();
    let mut net = None;
    for line in lines {
        let Some((label, amount)) = line.trim().rsplit_once(' ') else {
            continue;
        };
        if line.starts_with("  ") {
            totals.insert(label.trim().to_string(), gbp(amount));
        } else if label.trim() == "Net received" {
            net = Some(gbp(amount));
        }
    }
    Summary {
        title,
        payments,
        totals,
        net: net.expect("the summary says the net amount received"),
    }
}

/// RFC 4180: rows of fields, with quoted fields that may hold commas, quotes and line breaks.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => assert_eq!(chars.next(), Some('\n'), "rows end with CRLF"),
            (false, '\n') => panic!("a bare LF ends a row"),
            (false, c) => field.push(c),
        }
        if !quoted && c == '\r' {
            row.push(std::mem::take(&mut field));
            rows.push(std::mem::take(&mut row));
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "the last row ends with CRLF"
    );
    rows
}

/// The CSV's lines as (column name -> value) maps.
fn csv_lines(path: &Path) -> Vec<BTreeMap<String, String>> {
    let rows = parse_csv(&std::fs::read_to_string(path).unwrap());
    let (header, rows) = rows.split_first().unwrap();
    rows.iter()
        .map(|row| {
            assert_eq!(row.len(), header.len());
            header.iter().cloned().zip(row.iter().cloned()).collect()
        })
        .collect()
}

/// The line kind's label (as the summary names it) for its code in the CSV.
fn label_of_code(code: &str) -> &'static str {
    LineKind::ALL
        .into_iter()
        .find(|k| k.code() == code)
        .unwrap_or_else(|| panic!("unknown code {code}"))
        .label()
}

/// Totals by label, and the net, of the CSV's lines.
fn csv_totals(lines: &[BTreeMap<String, String>]) -> (BTreeMap<String, Money>, Money) {
    let mut totals = BTreeMap::new();
    let mut net = Money::ZERO;
    for line in lines {
        let amount: Money = line["Amount"].parse().unwrap();
        let slot = totals
            .entry(label_of_code(&line["Code"]).to_string())
            .or_insert(Money::ZERO);
        *slot = *slot + amount;
        net = net + amount;
    }
    (totals, net)
}

fn pdftotext(path: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

fn qpdf_check(path: &Path) {
    let out = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(path)
        .output()
        .expect("qpdf is installed");
    assert_eq!(
        out.status.code(),
        Some(0),
        "qpdf --check: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tax_year_statements_and_an_advice_as_pdf_and_csv() {
    let council = start_council().await;
    let desk = Desk::new(&council);
    desk.sign_in_and_sync().await;
    let year = ["--tax-year", "2025"];

    // The summary of Margaret's statement.
    let mut args = vec!["statement", "--person", MARGARET];
    args.extend(year);
    let summary = parse_summary(&ok(&desk.run_locked(&args).await));
    assert_eq!(
        summary.title,
        "Statement for Margaret Okafor, tax year 2025 to 2026"
    );
    assert!(summary.payments >= 12, "{}", summary.payments);
    assert_eq!(summary.totals.values().copied().sum::<Money>(), summary.net);

    // Her CSV: every line paid in the tax year, adding up to the summary's totals.
    let csv = desk.path("margaret.csv");
    let mut args = vec![
        "statement",
        "--person",
        "okafor",
        "--format",
        "csv",
        "--output",
    ];
    args.push(csv.to_str().unwrap());
    args.extend(year);
    let said = ok(&desk.run_locked(&args).await);
    assert!(said.starts_with("Saved to "), "{said}");
    let lines = csv_lines(&csv);
    for line in &lines {
        assert_eq!(line["Client name"], MARGARET);
        let paid = line["Payment date"].as_str();
        assert!(("2025-04-06"..="2026-04-05").contains(&paid), "{paid}");
    }
    let references: std::collections::BTreeSet<&str> =
        lines.iter().map(|l| l["Reference"].as_str()).collect();
    assert_eq!(references.len(), summary.payments);
    let (totals, net) = csv_totals(&lines);
    assert_eq!(net, summary.net);
    for (label, amount) in &summary.totals {
        assert_eq!(
            totals.get(label).copied().unwrap_or(Money::ZERO),
            *amount,
            "{label}"
        );
    }

    // Her PDF: her name, page numbers and the net total the CSV gives.
    let pdf = desk.path("margaret.pdf");
    let mut args = vec!["statement", "--person", MARGARET, "--output"];
    args.push(pdf.to_str().unwrap());
    args.extend(year);
    ok(&desk.run_locked(&args).await);
    qpdf_check(&pdf);
    let words = pdftotext(&pdf);
    assert!(words.contains(MARGARET), "{words}");
    assert!(words.contains("Page 1 of"), "{words}");
    assert!(words.contains(&net.to_display_gbp()), "{words}");

    // An existing file is kept unless --force.
    std::fs::write(&pdf, "keep me").unwrap();
    let out = desk.run_locked(&args).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("already exists"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&pdf).unwrap(), "keep me");
    args.push("--force");
    ok(&desk.run_locked(&args).await);
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));

    // Everyone: the summary, and a CSV with rows for all three people that adds up to it.
    let mut args = vec!["statement", "--everyone"];
    args.extend(year);
    let everyone = parse_summary(&ok(&desk.run_locked(&args).await));
    assert!(
        everyone
            .title
            .starts_with("Summary of Direct Payments for 3 people"),
        "{}",
        everyone.title
    );
    let all = desk.path("everyone.csv");
    args.extend(["--format", "csv", "--output", all.to_str().unwrap()]);
    ok(&desk.run_locked(&args).await);
    let lines = csv_lines(&all);
    for name in EVERYONE {
        assert!(
            lines.iter().any(|l| l["Client name"] == name),
            "no rows for {name}"
        );
    }
    let (totals, net) = csv_totals(&lines);
    assert_eq!(net, everyone.net);
    assert_eq!(
        totals[LineKind::Budget.label()],
        everyone.totals[LineKind::Budget.label()]
    );
    assert!(everyone.net > summary.net);

    // One advice, by its reference, as a PDF that qpdf accepts and as its CSV.
    let listed = ok(&desk.run_locked(&["documents", "--person", MARGARET]).await);
    let reference = listed
        .lines()
        .nth(3)
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap()
        .to_string();
    assert!(reference.starts_with("RA-"), "{listed}");
    let (words, lines) = export_as_pdf_and_csv(&desk, &reference, "advice").await;
    assert!(words.contains(MARGARET), "{words}");
    let (_, net) = csv_totals(&lines);
    assert_eq!(net, lines[0]["Net amount paid"].parse::<Money>().unwrap());
    assert!(words.contains(&net.to_display_gbp()), "{words}");

    // Bad input: plain words and the usage exit code, and nothing saved.
    let bad = desk.path("bad.pdf");
    let bad = bad.to_str().unwrap();
    for (args, says) in [
        (
            vec!["--from", "2025-13-01", "--to", "2026-01-01"],
            "--from must be a real date written as year-month-day, like 2025-04-06.",
        ),
        (
            vec!["--from", "2025-04-06", "--to", "5 April 2026"],
            "--to must be a real date",
        ),
        (
            vec!["--from", "2026-04-06", "--to", "2025-04-05"],
            "The period ends on a date before it starts.",
        ),
        (
            vec!["--tax-year", "last"],
            "--tax-year must be a year like 2025.",
        ),
        (vec!["--from", "2025-04-06"], "--from needs --to"),
        (vec![], "Choose the period"),
    ] {
        let mut all = vec!["statement", "--person", MARGARET, "--output", bad];
        all.extend(args);
        let out = desk.run_locked(&all).await;
        assert_eq!(out.status.code(), Some(2), "{all:?}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains(says), "{}", text(&out.stderr));
    }
    assert!(!Path::new(bad).exists());

    // Printing goes through the real `lp`: a printer that is not there is said plainly.
    let out = desk
        .run_locked(&["print", &reference, "--printer", "cfp-no-such-printer"])
        .await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("This computer has no printer set up."),
        "{}",
        text(&out.stderr)
    );
}

/// The first reference in `documents` that starts with `prefix`.
fn reference_starting(listed: &str, prefix: &str) -> String {
    listed
        .split_whitespace()
        .find(|word| word.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix} document in:\n{listed}"))
        .to_string()
}

/// A Deferred Payment statement and an assessment result save as PDF and CSV through core, as
/// an advice does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deferred_payment_statement_and_an_assessment_as_pdf_and_csv() {
    let council = start_council().await;
    let desk = Desk::new(&council);
    desk.sign_in_and_sync().await;
    for (person, prefix, wanted) in [
        ("Irene Hartley", "DPS-", "Closing balance"),
        (MARGARET, "FA-", "Weekly contribution"),
    ] {
        let listed = ok(&desk.run_locked(&["documents", "--person", person]).await);
        let reference = reference_starting(&listed, prefix);
        let (words, _) = export_as_pdf_and_csv(&desk, &reference, &format!("{prefix}doc")).await;
        for text in [person, wanted] {
            assert!(words.contains(text), "{text} in {words}");
        }
    }
}

/// `export DOCUMENT` as a PDF (checked by qpdf; its words returned) and as a CSV (its rows
/// returned, each naming the document's reference), into files named from `stem`.
async fn export_as_pdf_and_csv(
    desk: &Desk,
    reference: &str,
    stem: &str,
) -> (String, Vec<BTreeMap<String, String>>) {
    let pdf = desk.path(&format!("{stem}.pdf"));
    ok(&desk
        .run_locked(&["export", reference, "--output", pdf.to_str().unwrap()])
        .await);
    qpdf_check(&pdf);
    let words = pdftotext(&pdf);
    assert!(words.contains(reference), "{reference} in {words}");
    let csv = desk.path(&format!("{stem}.csv"));
    ok(&desk
        .run_locked(&[
            "export",
            reference,
            "--format",
            "csv",
            "--output",
            csv.to_str().unwrap(),
        ])
        .await);
    let lines = csv_lines(&csv);
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|l| l["Reference"] == reference));
    (words, lines)
}

/// Under a kiosk policy nothing is saved (exit 6, plain words), whoever is signed in.
#[tokio::test]
async fn a_kiosk_refuses_to_save_files() {
    let council = start_council().await;
    let desk = Desk::with_profile_extra(&council, "[policy]\nkiosk = true\n");
    let file = desk.path("statement.pdf");
    let file = file.to_str().unwrap();
    for args in [
        vec![
            "statement",
            "--person",
            MARGARET,
            "--tax-year",
            "2025",
            "--output",
            file,
        ],
        vec!["export", "RA-100234567-020", "--output", file],
    ] {
        let out = desk.run(&args, "").await;
        assert_eq!(out.status.code(), Some(6), "{}", text(&out.stderr));
        assert!(
            text(&out.stderr).starts_with("Saving files is turned off on this computer."),
            "{}",
            text(&out.stderr)
        );
    }
    assert!(!Path::new(file).exists());

    // The help says what exit code 6 means.
    let out = desk.run(&["--help"], "").await;
    assert!(text(&out.stdout).contains("6  saving files is turned off"));
}

/// Printing for real, run by `.ci/print-test` (root, with a CUPS-PDF queue): an advice and a
/// statement go through `print` to the queue, and CUPS receives exactly the PDF `export` saves,
/// under a job title that names only the kind of document.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a CUPS-PDF queue: run by .ci/print-test"]
async fn prints_an_advice_and_a_statement_through_cups() {
    let queue = std::env::var("CFP_PRINT_TEST_QUEUE").expect("CFP_PRINT_TEST_QUEUE: the queue");
    let output = std::path::PathBuf::from(
        std::env::var("CFP_PRINT_TEST_OUTPUT").expect("CFP_PRINT_TEST_OUTPUT: cups-pdf's folder"),
    );
    let spool = std::env::var("CFP_PRINT_TEST_SPOOL").unwrap_or_else(|_| "/var/spool/cups".into());
    let council = start_council().await;
    let desk = Desk::new(&council);
    desk.sign_in_and_sync().await;
    let listed = ok(&desk.run_locked(&["documents", "--person", MARGARET]).await);
    let reference = listed
        .lines()
        .nth(3)
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap()
        .to_string();

    // The advice: what CUPS received is the PDF `export` saves (same input, same bytes).
    let before = pdfs_in(&output);
    let said = ok(&desk
        .run_locked(&["print", &reference, "--printer", &queue])
        .await);
    assert_eq!(said, "Sent to the printer.\n");
    let (name, received) = printed_job(&output, &before, Path::new(&spool)).await;
    assert!(name.contains("Remittance_advice"), "{name}");
    assert!(!name.contains("Okafor"), "{name}");
    let sent = desk.path("sent.pdf");
    ok(&desk
        .run_locked(&["export", &reference, "--output", sent.to_str().unwrap()])
        .await);
    assert!(
        received == std::fs::read(&sent).unwrap(),
        "CUPS received exactly the advice's PDF"
    );

    // A statement: her name, the page numbers and the net amount in what CUPS received.
    let summary = parse_summary(&ok(&desk
        .run_locked(&["statement", "--person", MARGARET, "--tax-year", "2025"])
        .await));
    let before = pdfs_in(&output);
    ok(&desk
        .run_locked(&[
            "print",
            "--person",
            MARGARET,
            "--tax-year",
            "2025",
            "--printer",
            &queue,
        ])
        .await);
    let (name, received) = printed_job(&output, &before, Path::new(&spool)).await;
    assert!(name.contains("Direct_Payment_statement"), "{name}");
    let job = desk.path("statement-job.pdf");
    std::fs::write(&job, &received).unwrap();
    let words = pdftotext(&job);
    assert!(words.contains(MARGARET), "{words}");
    assert!(words.contains("Page 1 of"), "{words}");
    assert!(words.contains(&summary.net.to_display_gbp()), "{words}");
}

fn pdfs_in(folder: &Path) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// The one new CUPS-PDF output file's name (once it reads as a whole PDF; it is removed), and
/// the job's data as CUPS received it (from its spool; CUPS-PDF's own output is re-distilled
/// by Ghostscript, which loses the text).
async fn printed_job(
    output: &Path,
    before: &[std::path::PathBuf],
    spool: &Path,
) -> (String, Vec<u8>) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    let printed = loop {
        let new: Vec<_> = pdfs_in(output)
            .into_iter()
            .filter(|p| !before.contains(p))
            .collect();
        if let [path] = new.as_slice() {
            let read = std::process::Command::new("pdfinfo")
                .arg(path)
                .output()
                .unwrap();
            if read.status.success() {
                break path.clone();
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no printed PDF appeared in the CUPS-PDF folder within 90 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    };
    let name = printed.file_name().unwrap().to_string_lossy().to_string();
    let job: u32 = name
        .rsplit_once("-job_")
        .and_then(|(_, rest)| rest.strip_suffix(".pdf"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a CUPS-PDF job file name: {name}"));
    let received = std::fs::read(spool.join(format!("d{job:05}-001")))
        .expect("the job's data in the CUPS spool (run as root)");
    std::fs::remove_file(&printed).unwrap();
    (name, received)
}
