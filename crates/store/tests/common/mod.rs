//! Shared helpers for the store's integration tests.
#![allow(dead_code)]

use std::path::Path;

use cfp_domain::{
    pro_rata, LineKind, Money, Relationship, RemittanceAdvice, RemittanceHeader, RemittanceLine,
};
use cfp_store::{
    DocumentId, KdfParams, PersonAccess, PersonId, RandomSource, StoreError, StoredDocument,
};
use time::macros::datetime;
use time::{Date, Duration, OffsetDateTime};

/// Repeatable "random" bytes.
pub struct Counter(pub u8);

impl RandomSource for Counter {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), StoreError> {
        for b in dest {
            self.0 = self.0.wrapping_add(1);
            *b = self.0;
        }
        Ok(())
    }
}

/// Cheap but real Argon2id settings for tests (the default 64 MiB is tested once).
pub fn quick_kdf() -> KdfParams {
    KdfParams {
        memory_kib: 8 * 1024,
        iterations: 1,
        parallelism: 1,
    }
}

pub const NOW: OffsetDateTime = datetime!(2026-11-30 09:00 UTC);

pub fn person(n: u32) -> PersonAccess {
    PersonAccess {
        person_id: PersonId(format!("p-{n:03}")),
        client_id: format!("{:09}", 100_000_000 + n).parse().unwrap(),
        given_name: format!("Given{n}"),
        family_name: format!("Family{n}"),
        relationship: if n == 0 {
            Relationship::Myself
        } else {
            Relationship::LastingPowerOfAttorney
        },
        granted_at: datetime!(2026-01-05 10:30 UTC),
    }
}

fn line(kind: LineKind, amount: Money) -> RemittanceLine {
    RemittanceLine {
        kind,
        description: kind.code().to_string(),
        amount,
        weekly_rate: None,
        days: None,
        council_note: None,
    }
}

/// A 4-weekly remittance of about ten lines that adds up, number `seq` for person `n`.
pub fn advice(n: u32, seq: u32) -> RemittanceAdvice {
    let start = Date::from_calendar_date(2021, time::Month::January, 4).unwrap()
        + Duration::days(28 * i64::from(seq));
    let end = start + Duration::days(27);
    let header = RemittanceHeader {
        reference: format!("RA-{n:03}-{seq:04}"),
        client_id: format!("{:09}", 100_000_000 + n).parse().unwrap(),
        client_name: format!("Given{n} Family{n}"),
        payee: format!("Given{n} Family{n}"),
        period_from: start,
        period_to: end,
        finalised_on: start - Duration::days(7),
        payment_date: start - Duration::days(3),
    };
    let weekly_budget = Money::from_pence(15_000 + i64::from(seq % 7) * 100);
    let weekly_contribution = Money::from_pence(2_000);
    let mut budget = line(LineKind::Budget, pro_rata(weekly_budget, 28));
    budget.weekly_rate = Some(weekly_budget);
    budget.days = Some(28);
    let mut contribution = line(
        LineKind::ClientContribution,
        -pro_rata(weekly_contribution, 28),
    );
    contribution.weekly_rate = Some(weekly_contribution);
    contribution.days = Some(28);
    let mut lines = vec![budget, contribution];
    for i in 0..4 {
        lines.push(line(
            LineKind::RateAdjustment,
            Money::from_pence(i64::from(i) * 37 - 50),
        ));
    }
    for i in 0..3 {
        lines.push(line(
            LineKind::OneOffPayment,
            Money::from_pence(1_000 + i * 5),
        ));
    }
    let mut manual = line(LineKind::ManualAdjustment, Money::from_pence(-125));
    manual.council_note = Some("Correction agreed by the finance team.".into());
    lines.push(manual);
    let net = lines.iter().map(|l| l.amount).sum();
    RemittanceAdvice::new(header, lines, net).unwrap()
}

pub fn remittance_doc(n: u32, seq: u32) -> StoredDocument {
    StoredDocument::remittance(doc_id(n, seq), 1, &advice(n, seq)).unwrap()
}

pub fn doc_id(n: u32, seq: u32) -> DocumentId {
    DocumentId(format!("d-{n:03}-{seq:04}"))
}

/// Every file in a folder: name, length and a hash of its bytes, sorted by name.
pub fn snapshot(dir: &Path) -> Vec<(String, usize, u64)> {
    use std::hash::{Hash, Hasher};
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let bytes = std::fs::read(e.path()).unwrap();
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            bytes.hash(&mut hasher);
            (
                e.file_name().to_string_lossy().into_owned(),
                bytes.len(),
                hasher.finish(),
            )
        })
        .collect();
    files.sort();
    files
}
