//! Store benchmark (prints figures; it is not a timed test).
//!
//! `cargo run --release -p cfp-store --example store_bench`
//!
//! - opening an existing store with a raw key (target 10 ms or less);
//! - applying 25 people × 130 remittances of ten lines, in pages of at most 200;
//! - listing one person's 130 documents (target 5 ms or less), and reading one.

use std::time::{Duration, Instant};

use cfp_domain::{
    pro_rata, ClientId, LineKind, Money, Relationship, RemittanceAdvice, RemittanceHeader,
    RemittanceLine,
};
use cfp_store::*;
use time::macros::datetime;
use time::{Date, OffsetDateTime};

const PEOPLE: u32 = 25;
const DOCS_PER_PERSON: u32 = 130;
const PAGE: usize = 200;

fn line(kind: LineKind, pence: i64) -> RemittanceLine {
    RemittanceLine {
        kind,
        description: format!("{} for the period", kind.label()),
        amount: Money::from_pence(pence),
        weekly_rate: None,
        days: None,
        council_note: None,
    }
}

fn advice(person: u32, seq: u32) -> RemittanceAdvice {
    let start = Date::from_calendar_date(2016, time::Month::January, 4).unwrap()
        + time::Duration::days(28 * i64::from(seq));
    let end = start + time::Duration::days(27);
    let client_id: ClientId = format!("{:09}", 200_000_000 + person).parse().unwrap();
    let header = RemittanceHeader {
        reference: format!("RA-{person:03}-{seq:05}"),
        client_id,
        client_name: format!("Person {person}"),
        payee: format!("Person {person}"),
        period_from: start,
        period_to: end,
        finalised_on: start - time::Duration::days(7),
        payment_date: start - time::Duration::days(3),
    };
    let weekly = Money::from_pence(15_000);
    let contribution = Money::from_pence(2_000);
    let mut lines = Vec::new();
    let mut budget = line(LineKind::Budget, pro_rata(weekly, 28).pence());
    budget.weekly_rate = Some(weekly);
    budget.days = Some(28);
    lines.push(budget);
    let mut contrib = line(
        LineKind::ClientContribution,
        -pro_rata(contribution, 28).pence(),
    );
    contrib.weekly_rate = Some(contribution);
    contrib.days = Some(28);
    lines.push(contrib);
    for i in 0..5 {
        lines.push(line(LineKind::RateAdjustment, i * 13 - 20));
    }
    lines.push(line(LineKind::OneOffPayment, 2_500));
    lines.push(line(LineKind::OverpaymentRecovery, -1_000));
    let mut manual = line(LineKind::ManualAdjustment, 150);
    manual.council_note = Some("Refund of a bank charge.".into());
    lines.push(manual);
    let net = lines.iter().map(|l| l.amount).sum();
    RemittanceAdvice::new(header, lines, net).unwrap()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let location = StoreLocation::File(db.clone());
    let key = StoreKey::generate(&mut OsRandom).unwrap();
    let now: OffsetDateTime = datetime!(2026-11-30 09:00 UTC);

    let started = Instant::now();
    let store = Store::open(&location, &key).await.unwrap();
    println!(
        "create a new store (migrations):      {}",
        ms(started.elapsed())
    );

    let people: Vec<PersonAccess> = (0..PEOPLE)
        .map(|n| PersonAccess {
            person_id: PersonId(format!("person-{n:03}")),
            client_id: format!("{:09}", 200_000_000 + n).parse().unwrap(),
            given_name: format!("Given{n}"),
            family_name: format!("Family{n}"),
            relationship: Relationship::Deputy,
            granted_at: now,
        })
        .collect();
    store.upsert_people(&people).await.unwrap();

    // Build the documents first, so only the store is timed.
    let mut pages = Vec::new();
    for person in &people {
        let n: u32 = person.person_id.0[7..].parse().unwrap();
        let docs: Vec<StoreChange> = (0..DOCS_PER_PERSON)
            .map(|seq| {
                StoreChange::Upsert(
                    StoredDocument::remittance(
                        DocumentId(format!("doc-{n:03}-{seq:05}")),
                        1,
                        &advice(n, seq),
                    )
                    .unwrap(),
                )
            })
            .collect();
        for (i, chunk) in docs.chunks(PAGE).enumerate() {
            pages.push((person.person_id.clone(), i, chunk.to_vec()));
        }
    }
    let started = Instant::now();
    let mut total = 0;
    for (person_id, i, changes) in &pages {
        let outcome = store
            .apply_page(person_id, changes, &SyncCursor(format!("cursor-{i}")), now)
            .await
            .unwrap();
        total += outcome.upserted;
    }
    let applied = started.elapsed();
    println!(
        "apply {total} documents in {} pages:  {} ({:.1} µs a document)",
        pages.len(),
        ms(applied),
        applied.as_secs_f64() * 1e6 / total as f64
    );
    store.close().await;
    let size = std::fs::metadata(&db).unwrap().len();
    println!(
        "store file size:                      {:.1} MiB",
        size as f64 / 1048576.0
    );

    // Opening an existing store with a raw key.
    let mut opens = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let store = Store::open(&location, &key).await.unwrap();
        opens.push(started.elapsed());
        store.close().await;
    }
    println!(
        "open with a raw key (median of 20):   {} (target ≤ 10 ms; max {})",
        ms(median(opens.clone())),
        ms(*opens.iter().max().unwrap())
    );
    bench_figure(
        "store: open with a raw key (median)",
        median(opens.clone()).as_secs_f64() * 1000.0,
        10.0,
        "ms",
    );

    let store = Store::open(&location, &key).await.unwrap();
    let person = PersonId("person-012".into());
    let mut lists = Vec::new();
    let mut count = 0;
    for _ in 0..50 {
        let started = Instant::now();
        let list = store
            .list_documents(&person, &DocumentFilter::default())
            .await
            .unwrap();
        lists.push(started.elapsed());
        count = list.len();
    }
    let listed = median(lists);
    println!(
        "list one person's {count} documents (median of 50): {} (target ≤ 5 ms)",
        ms(listed)
    );
    bench_figure(
        &format!("store: list one person's {count} documents (median)"),
        listed.as_secs_f64() * 1000.0,
        5.0,
        "ms",
    );
    let mut gets = Vec::new();
    for seq in 0..50 {
        let started = Instant::now();
        let doc = store
            .get_document(&person, &DocumentId(format!("doc-012-{seq:05}")))
            .await
            .unwrap();
        gets.push(started.elapsed());
        assert!(doc.is_some());
    }
    println!(
        "read one document, typed (median of 50): {}",
        ms(median(gets))
    );
    store.close().await;
}

/// One machine-readable line per figure with a goal, for `bash .ci/bench`'s table:
/// `bench-figure<TAB>what<TAB>measured<TAB>goal<TAB>unit` (met when measured <= goal).
fn bench_figure(what: &str, measured: f64, goal: f64, unit: &str) {
    println!("bench-figure\t{what}\t{measured:.2}\t{goal}\t{unit}");
}
