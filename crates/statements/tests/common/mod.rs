//! Test data built through the domain's own constructors, and the real PDF tools (poppler's
//! pdftotext and pdfinfo, and qpdf) run as subprocesses on files in a temporary directory.

#![allow(dead_code)] // each test file uses a different part of this module

use std::path::{Path, PathBuf};
use std::process::Command;

use cfp_domain::{ClientId, LineKind, Money, RemittanceAdvice, RemittanceHeader, RemittanceLine};
use cfp_statements::StatementContext;
use time::macros::date;
use time::{Date, Duration};

pub fn m(s: &str) -> Money {
    s.parse().unwrap()
}

pub fn context() -> StatementContext {
    StatementContext {
        council_name: "Hampshire County Council".into(),
        contact_email: "dp.finance@council.example".into(),
        contact_phone: "0300 555 1234".into(),
        produced_on: date!(2026 - 11 - 30),
    }
}

pub const NAME: &str = "Renée Muñoz-Özdemir";

pub fn client_id() -> ClientId {
    "100234567".parse().unwrap()
}

pub fn header(reference: &str, from: Date, to: Date, paid: Date) -> RemittanceHeader {
    RemittanceHeader {
        reference: reference.into(),
        client_id: client_id(),
        client_name: NAME.into(),
        payee: NAME.into(),
        period_from: from,
        period_to: to,
        finalised_on: paid - Duration::days(7),
        payment_date: paid,
    }
}

pub fn line(kind: LineKind, amount: &str) -> RemittanceLine {
    RemittanceLine {
        kind,
        description: kind.code().into(),
        amount: m(amount),
        weekly_rate: None,
        days: None,
        council_note: None,
    }
}

pub fn rated(kind: LineKind, amount: &str, weekly: &str, days: u32) -> RemittanceLine {
    RemittanceLine {
        weekly_rate: Some(m(weekly)),
        days: Some(days),
        ..line(kind, amount)
    }
}

/// Hampshire's published example: £150.00 a week for 31 days is £664.29, less a £20.00 weekly
/// contribution (£88.57), paid £575.72.
pub fn hampshire() -> RemittanceAdvice {
    RemittanceAdvice::new(
        header(
            "RA-2026-000123",
            date!(2026 - 03 - 01),
            date!(2026 - 03 - 31),
            date!(2026 - 02 - 27),
        ),
        vec![
            rated(LineKind::Budget, "664.29", "150.00", 31),
            rated(LineKind::ClientContribution, "-88.57", "20.00", 31),
        ],
        m("575.72"),
    )
    .unwrap()
}

pub const MA_NOTE: &str = "Refund of a bank charge that was paid twice in May.";

/// One line of every kind: 600.00 - 80.00 + 120.00 - 24.00 + 15.50 - 50.00 = 581.50.
pub fn every_kind() -> RemittanceAdvice {
    let mut ma = line(LineKind::ManualAdjustment, "15.50");
    ma.council_note = Some(MA_NOTE.into());
    let mut one_off = line(LineKind::OneOffPayment, "120.00");
    one_off.description = "Replacement riser chair (agreed 3 June)".into();
    RemittanceAdvice::new(
        header(
            "RA-2026-000456",
            date!(2026 - 06 - 01),
            date!(2026 - 06 - 28),
            date!(2026 - 05 - 29),
        ),
        vec![
            rated(LineKind::Budget, "600.00", "150.00", 28),
            rated(LineKind::ClientContribution, "-80.00", "20.00", 28),
            one_off,
            line(LineKind::RateAdjustment, "-24.00"),
            ma,
            line(LineKind::OverpaymentRecovery, "-50.00"),
        ],
        m("581.50"),
    )
    .unwrap()
}

/// `count` fortnightly payments starting on `first_payment`, for `client`. Every fifth payment
/// has an overpayment recovery and every seventh a rate adjustment, so the columns differ.
pub fn fortnightly(
    count: usize,
    first_payment: Date,
    client: ClientId,
    name: &str,
    prefix: &str,
) -> Vec<RemittanceAdvice> {
    (0..count)
        .map(|i| {
            let paid = first_payment + Duration::weeks(2 * i as i64);
            let from = paid + Duration::days(3);
            let to = from + Duration::days(13);
            let mut lines = vec![
                rated(LineKind::Budget, "300.00", "150.00", 14),
                rated(LineKind::ClientContribution, "-40.00", "20.00", 14),
            ];
            let mut net = m("260.00");
            if i % 5 == 4 {
                lines.push(line(LineKind::OverpaymentRecovery, "-12.50"));
                net = net - m("12.50");
            }
            if i % 7 == 6 {
                lines.push(line(LineKind::RateAdjustment, "8.75"));
                net = net + m("8.75");
            }
            let mut h = header(&format!("{prefix}-{:06}", i + 1), from, to, paid);
            h.client_id = client;
            h.client_name = name.into();
            h.payee = name.into();
            RemittanceAdvice::new(h, lines, net).unwrap()
        })
        .collect()
}

/// A temporary directory that holds the PDFs a test writes, removed when dropped.
pub struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Self {
        Workspace {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

fn run(program: &str, args: &[&str], path: &Path) -> (bool, String, String) {
    let output = Command::new(program)
        // Dates print the same wherever the tests run.
        .env("TZ", "UTC")
        .args(args)
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("{program} must be installed to run these tests: {e}"));
    (
        output.status.success(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// The text of each page, as `pdftotext -layout` lays it out (pages are split at form feeds).
pub fn pages_text(path: &Path) -> Vec<String> {
    let output = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed to run these tests");
    assert!(output.status.success(), "pdftotext failed");
    let text = String::from_utf8(output.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// Asserts that qpdf finds nothing wrong with the file's structure.
pub fn assert_qpdf_clean(path: &Path) {
    let (ok, out, err) = run("qpdf", &["--check"], path);
    assert!(ok, "qpdf --check failed:\n{out}\n{err}");
    assert!(
        out.contains("No syntax or stream encoding errors found"),
        "{out}"
    );
    assert!(err.trim().is_empty(), "qpdf warnings: {err}");
}

/// `pdfinfo`'s fields, such as "Pages" and "Title".
pub fn pdfinfo(path: &Path) -> Vec<(String, String)> {
    let (ok, out, err) = run("pdfinfo", &[], path);
    assert!(ok, "pdfinfo failed: {err}");
    out.lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

pub fn info_field(info: &[(String, String)], key: &str) -> String {
    info.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("pdfinfo has no {key}: {info:?}"))
}

/// Asserts that `needles` appear in `haystack` in this order, and returns their positions.
pub fn assert_in_order(haystack: &str, needles: &[&str]) -> Vec<usize> {
    let mut from = 0;
    needles
        .iter()
        .map(|needle| {
            let at = haystack[from..].find(needle).unwrap_or_else(|| {
                panic!("{needle:?} not found after byte {from} in:\n{haystack}")
            }) + from;
            from = at + needle.len();
            at
        })
        .collect()
}

/// The one line of the page text that contains `needle`.
pub fn line_with<'a>(text: &'a str, needle: &str) -> &'a str {
    let lines: Vec<&str> = text.lines().filter(|l| l.contains(needle)).collect();
    assert_eq!(
        lines.len(),
        1,
        "{needle:?} should be on exactly one line: {lines:?}"
    );
    lines[0]
}

/// Every word pdftotext finds, with its page number (from 1) and bounding box in points from
/// the top-left corner, plus each page's width and height.
pub struct Word {
    pub page: usize,
    pub text: String,
    pub x_min: f64,
    pub y_min: f64,
    pub x_max: f64,
    pub y_max: f64,
    pub page_width: f64,
    pub page_height: f64,
}

pub fn words_with_boxes(path: &Path) -> Vec<Word> {
    let output = Command::new("pdftotext")
        .args(["-bbox", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .unwrap();
    assert!(output.status.success());
    let html = String::from_utf8(output.stdout).unwrap();
    let attr = |tag: &str, name: &str| -> f64 {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let end = tag[start..].find('"').unwrap() + start;
        tag[start..end].parse().unwrap()
    };
    let mut words = Vec::new();
    let (mut page, mut width, mut height) = (0, 0.0, 0.0);
    for tag in html.split('<').skip(1) {
        if tag.starts_with("page ") {
            page += 1;
            width = attr(tag, "width");
            height = attr(tag, "height");
        } else if tag.starts_with("word ") {
            let text = tag.split_once('>').unwrap().1.to_string();
            words.push(Word {
                page,
                text,
                x_min: attr(tag, "xMin"),
                y_min: attr(tag, "yMin"),
                x_max: attr(tag, "xMax"),
                y_max: attr(tag, "yMax"),
                page_width: width,
                page_height: height,
            });
        }
    }
    words
}

/// Asserts that every word lies inside the page's margins (48 pt, with a point of slack).
pub fn assert_within_margins(path: &Path) {
    let words = words_with_boxes(path);
    assert!(!words.is_empty());
    for w in &words {
        assert!(
            w.x_min >= 47.0
                && w.x_max <= w.page_width - 47.0
                && w.y_min >= 47.0
                && w.y_max <= w.page_height - 20.0,
            "{:?} on page {} at x {}..{}, y {}..{} is outside the margins",
            w.text,
            w.page,
            w.x_min,
            w.x_max,
            w.y_min,
            w.y_max
        );
    }
}
