//! Prints how long the documents take to make and how big they are. A benchmark, not a test:
//! run it with `cargo run --release -p cfp-statements --example statements_bench`.
//!
//! Targets (issue 7): one advice in 20 ms or less; a five-year statement of 130 payments in
//! 150 ms or less; a 10-page statement file of 200 KB or less.

use std::time::{Duration, Instant};

use cfp_domain::{ClientId, LineKind, Money, RemittanceAdvice, RemittanceHeader, RemittanceLine};
use cfp_statements::{
    advice_pdf, period_csv, period_statement_pdf, Period, PersonRecords, StatementContext,
};
use time::macros::date;
use time::Date;

fn money(s: &str) -> Money {
    s.parse().expect("a valid amount")
}

fn advice(client_id: ClientId, index: i64, paid: Date) -> RemittanceAdvice {
    let line = |kind: LineKind, amount: &str, weekly: Option<&str>| RemittanceLine {
        kind,
        description: kind.code().to_string(),
        amount: money(amount),
        weekly_rate: weekly.map(money),
        days: weekly.map(|_| 14),
        council_note: None,
    };
    let mut lines = vec![
        line(LineKind::Budget, "300.00", Some("150.00")),
        line(LineKind::ClientContribution, "-40.00", Some("20.00")),
    ];
    let mut net = money("260.00");
    if index % 5 == 4 {
        lines.push(line(LineKind::OverpaymentRecovery, "-12.50", None));
        net = net - money("12.50");
    }
    let header = RemittanceHeader {
        reference: format!("RA-{:06}", index + 1),
        client_id,
        client_name: "Renée Muñoz-Özdemir".to_string(),
        payee: "Renée Muñoz-Özdemir".to_string(),
        period_from: paid + time::Duration::days(3),
        period_to: paid + time::Duration::days(16),
        finalised_on: paid - time::Duration::days(7),
        payment_date: paid,
    };
    RemittanceAdvice::new(header, lines, net).expect("bench data adds up")
}

/// The median of `runs` timings, after one warm-up run.
fn median(runs: usize, mut work: impl FnMut()) -> Duration {
    work();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn main() {
    let context = StatementContext {
        council_name: "Hampshire County Council".to_string(),
        contact_email: "dp.finance@council.example".to_string(),
        contact_phone: "0300 555 1234".to_string(),
        produced_on: date!(2026 - 11 - 30),
    };
    let client_id: ClientId = "100234567".parse().expect("a valid client ID");
    let advices: Vec<RemittanceAdvice> = (0..200)
        .map(|i| {
            advice(
                client_id,
                i,
                date!(2021 - 04 - 09) + time::Duration::weeks(2 * i),
            )
        })
        .collect();
    let person = PersonRecords {
        client_name: "Renée Muñoz-Özdemir",
        client_id,
        advices: &advices[..130],
    };
    let five_years =
        Period::range(date!(2021 - 04 - 01), date!(2026 - 03 - 31)).expect("a valid range");

    // The first document also parses the font; report it apart from the steady state.
    let start = Instant::now();
    let first = advice_pdf(&advices[0], &context).expect("advice");
    println!(
        "first advice (parses the font): {:>7.2} ms",
        ms(start.elapsed())
    );

    let one = median(51, || {
        advice_pdf(&advices[0], &context).expect("advice");
    });
    println!(
        "one advice:                     {:>7.2} ms  (target <= 20 ms), {} bytes",
        ms(one),
        first.len()
    );
    bench_figure("statements: one advice PDF", ms(one), 20.0, "ms");

    let mut statement = Vec::new();
    let five = median(21, || {
        statement = period_statement_pdf(&person, &five_years, &context).expect("statement");
    });
    println!(
        "five-year statement, 130 rows:  {:>7.2} ms  (target <= 150 ms), {} pages, {} bytes",
        ms(five),
        count_pages(&statement),
        statement.len()
    );
    bench_figure(
        "statements: five-year statement PDF (130 rows)",
        ms(five),
        150.0,
        "ms",
    );

    let csv = median(21, || {
        period_csv(&person, &five_years).expect("csv");
    });
    println!("five-year CSV:                  {:>7.2} ms", ms(csv));

    // Grow the statement until it has ten pages, and report that file's size.
    for count in 130..=advices.len() {
        let person = PersonRecords {
            advices: &advices[..count],
            ..person
        };
        let all_time =
            Period::range(date!(2021 - 01 - 01), date!(2030 - 12 - 31)).expect("a valid range");
        let bytes = period_statement_pdf(&person, &all_time, &context).expect("statement");
        if count_pages(&bytes) >= 10 {
            println!(
                "10-page statement ({count} rows):  {:>7.1} KB  (target <= 200 KB)",
                bytes.len() as f64 / 1024.0
            );
            bench_figure(
                "statements: size of a 10-page statement",
                bytes.len() as f64 / 1024.0,
                200.0,
                "KB",
            );
            break;
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Reads the page count back with lopdf (the PDF library printpdf itself uses).
fn count_pages(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf)
        .expect("the statement is a readable PDF")
        .get_pages()
        .len()
}

/// One machine-readable line per figure with a goal, for `bash .ci/bench`'s table:
/// `bench-figure<TAB>what<TAB>measured<TAB>goal<TAB>unit` (met when measured <= goal).
fn bench_figure(what: &str, measured: f64, goal: f64, unit: &str) {
    println!("bench-figure\t{what}\t{measured:.2}\t{goal}\t{unit}");
}
