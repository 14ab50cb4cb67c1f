//! Writes sample documents to look at: an advice with every kind of line, a tax-year
//! statement, a five-year statement, a summary for three people, a Deferred Payment statement
//! past its equity limit, a financial assessment result, and CSVs.
//!
//! `cargo run -p cfp-statements --example samples -- OUTPUT_DIRECTORY`

use std::path::PathBuf;

use cfp_domain::{ClientId, LineKind, Money, RemittanceAdvice, RemittanceHeader, RemittanceLine};
use cfp_statements::{
    advice_csv, advice_pdf, assessment_csv, assessment_pdf, deferred_payment_csv,
    deferred_payment_pdf, period_csv, period_statement_pdf, summary_statement_pdf, Period,
    PersonRecords, StatementContext,
};
use time::macros::date;
use time::{Date, Duration};

fn money(s: &str) -> Money {
    s.parse().expect("a valid amount")
}

fn line(
    kind: LineKind,
    amount: &str,
    weekly: Option<(&str, u32)>,
    note: Option<&str>,
) -> RemittanceLine {
    RemittanceLine {
        kind,
        description: kind.code().to_string(),
        amount: money(amount),
        weekly_rate: weekly.map(|(rate, _)| money(rate)),
        days: weekly.map(|(_, days)| days),
        council_note: note.map(str::to_string),
    }
}

fn header(
    reference: &str,
    id: ClientId,
    name: &str,
    from: Date,
    to: Date,
    paid: Date,
) -> RemittanceHeader {
    RemittanceHeader {
        reference: reference.to_string(),
        client_id: id,
        client_name: name.to_string(),
        payee: name.to_string(),
        period_from: from,
        period_to: to,
        finalised_on: paid - Duration::days(7),
        payment_date: paid,
    }
}

fn fortnightly(
    count: i64,
    first: Date,
    id: ClientId,
    name: &str,
    prefix: &str,
) -> Vec<RemittanceAdvice> {
    (0..count)
        .map(|i| {
            let paid = first + Duration::weeks(2 * i);
            let mut lines = vec![
                line(LineKind::Budget, "300.00", Some(("150.00", 14)), None),
                line(
                    LineKind::ClientContribution,
                    "-40.00",
                    Some(("20.00", 14)),
                    None,
                ),
            ];
            if i % 5 == 4 {
                lines.push(line(LineKind::OverpaymentRecovery, "-12.50", None, None));
            }
            let net = lines.iter().map(|l| l.amount).sum();
            let h = header(
                &format!("{prefix}-{:06}", i + 1),
                id,
                name,
                paid + Duration::days(3),
                paid + Duration::days(16),
                paid,
            );
            RemittanceAdvice::new(h, lines, net).expect("sample data adds up")
        })
        .collect()
}

fn main() {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "statement-samples".to_string()),
    );
    std::fs::create_dir_all(&out).expect("can create the output directory");
    let context = StatementContext {
        council_name: "Hampshire County Council".to_string(),
        contact_email: "dp.finance@council.example".to_string(),
        contact_phone: "0300 555 1234".to_string(),
        produced_on: date!(2026 - 11 - 30),
    };
    let id: ClientId = "100234567".parse().expect("a valid client ID");
    let name = "Renée Muñoz-Özdemir";
    let every_kind = RemittanceAdvice::new(
        header(
            "RA-2026-000456",
            id,
            name,
            date!(2026 - 06 - 01),
            date!(2026 - 06 - 28),
            date!(2026 - 05 - 29),
        ),
        vec![
            line(LineKind::Budget, "600.00", Some(("150.00", 28)), None),
            line(
                LineKind::ClientContribution,
                "-80.00",
                Some(("20.00", 28)),
                None,
            ),
            line(LineKind::OneOffPayment, "120.00", None, None),
            line(LineKind::RateAdjustment, "-24.00", None, None),
            line(
                LineKind::ManualAdjustment,
                "15.50",
                None,
                Some("Refund of a bank charge that was paid twice in May."),
            ),
            line(LineKind::OverpaymentRecovery, "-50.00", None, None),
        ],
        money("581.50"),
    )
    .expect("sample advice adds up");
    let write = |file: &str, bytes: &[u8]| {
        std::fs::write(out.join(file), bytes).expect("can write the sample");
        println!("{}", out.join(file).display());
    };
    write(
        "advice.pdf",
        &advice_pdf(&every_kind, &context).expect("advice"),
    );
    write("advice.csv", advice_csv(&every_kind).as_bytes());

    let advices = fortnightly(130, date!(2021 - 04 - 09), id, name, "RA");
    let person = PersonRecords {
        client_name: name,
        client_id: id,
        advices: &advices,
    };
    let tax_year = Period::tax_year(2023).expect("a valid year");
    write(
        "tax-year.pdf",
        &period_statement_pdf(&person, &tax_year, &context).expect("statement"),
    );
    write(
        "tax-year.csv",
        period_csv(&person, &tax_year).expect("csv").as_bytes(),
    );
    let five_years =
        Period::range(date!(2021 - 04 - 01), date!(2026 - 03 - 31)).expect("a valid range");
    write(
        "five-years.pdf",
        &period_statement_pdf(&person, &five_years, &context).expect("statement"),
    );

    let others = [
        ("Siân O'Connor", "100345678", "RB"),
        ("Jürgen Weiß", "100456789", "RC"),
    ]
    .map(|(name, id, prefix)| {
        let id: ClientId = id.parse().expect("a valid client ID");
        (
            name,
            id,
            fortnightly(26, date!(2023 - 04 - 14), id, name, prefix),
        )
    });
    let mut people = vec![person];
    for (name, id, advices) in &others {
        people.push(PersonRecords {
            client_name: name,
            client_id: *id,
            advices,
        });
    }
    write(
        "summary.pdf",
        &summary_statement_pdf(&people, &tax_year, &context).expect("summary"),
    );

    let deferred = cfp_domain::samples::deferred_payment_statement(
        "DPS-2026-0042",
        "100318859",
        "Irene Hartley",
        "20000.00",
    );
    write(
        "deferred-payment.pdf",
        &deferred_payment_pdf(&deferred, &context).expect("deferred payment statement"),
    );
    write(
        "deferred-payment.csv",
        deferred_payment_csv(&deferred).as_bytes(),
    );
    let assessment = cfp_domain::samples::assessment_result(
        "FA-2026-0007",
        "100234567",
        "Margaret Okafor",
        Some("Backdated to 5 January, when your pension went up."),
    );
    write(
        "assessment.pdf",
        &assessment_pdf(&assessment, &context).expect("assessment"),
    );
    write("assessment.csv", assessment_csv(&assessment).as_bytes());
}
