//! The deterministic demo data set: realistic people, two years of remittance advices with every
//! kind of line, representatives with grants, a pending and a rejected request, staff accounts.
//!
//! Everything is made from fixed inputs, so two runs produce the same records (ids aside), and
//! seeding again changes nothing: people and advices are matched by client ID and reference,
//! accounts by email, and requests are only made for accounts that have none.

use cfp_domain::{
    pro_rata, LineKind, Money, Relationship, RemittanceAdvice, RemittanceHeader, RemittanceLine,
};
use council_api::{
    ImportPerson, ImportSummary, NewAccessRequest, RemittanceImport, RequestedPerson,
};
use council_identity::accounts::{self, AccountDetails};
use council_identity::Identity;
use time::macros::date;
use time::{Date, Duration};

use crate::access::{self, Requester};
use crate::import::{self, Batch, ImportError};
use crate::staff::{self, Role, StaffError};
use crate::Finance;

/// The first day of the main client's first 4-weekly period (two years before the demo's "now").
pub const FIRST_PERIOD: Date = date!(2024 - 12 - 09);

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("could not import the demo records: {0}")]
    Import(#[from] ImportError),
    #[error("could not create the demo accounts: {0}")]
    Accounts(#[from] sqlx::Error),
    #[error("could not create the demo requests: {0}")]
    Access(#[from] access::AccessError),
    #[error("could not create the demo staff: {0}")]
    Staff(#[from] StaffError),
}

fn money(pence: i64) -> Money {
    Money::from_pence(pence)
}

fn rated(kind: LineKind, description: &str, weekly_pence: i64, days: u32) -> RemittanceLine {
    let amount = pro_rata(money(weekly_pence), days);
    RemittanceLine {
        kind,
        description: description.to_owned(),
        amount: if kind == LineKind::ClientContribution {
            -amount
        } else {
            amount
        },
        weekly_rate: Some(money(weekly_pence)),
        days: Some(days),
        council_note: None,
    }
}

fn plain(kind: LineKind, description: &str, pence: i64, note: Option<&str>) -> RemittanceLine {
    RemittanceLine {
        kind,
        description: description.to_owned(),
        amount: money(pence),
        weekly_rate: None,
        days: None,
        council_note: note.map(str::to_owned),
    }
}

/// One 4-weekly advice: the period's dates follow from its number.
fn advice(
    person: &ImportPerson,
    payee: &str,
    first_period: Date,
    number: u32,
    lines: Vec<RemittanceLine>,
) -> RemittanceAdvice {
    let period_from = first_period + Duration::days(28 * i64::from(number - 1));
    let net: Money = lines.iter().map(|l| l.amount).sum();
    RemittanceAdvice::new(
        RemittanceHeader {
            reference: format!("RA-{}-{number:03}", person.client_id),
            client_id: person.client_id,
            client_name: format!("{} {}", person.given_name, person.family_name),
            payee: payee.to_owned(),
            period_from,
            period_to: period_from + Duration::days(27),
            finalised_on: period_from - Duration::days(10),
            payment_date: period_from - Duration::days(4),
        },
        lines,
        net,
    )
    .expect("the demo advices are built to add up")
}

fn person(
    client_id: &str,
    given: &str,
    family: &str,
    born: Date,
    address: &str,
    postcode: &str,
) -> ImportPerson {
    ImportPerson {
        client_id: client_id.parse().expect("demo client IDs are 9 digits"),
        given_name: given.into(),
        family_name: family.into(),
        date_of_birth: born,
        address: address.into(),
        postcode: postcode.parse().expect("demo postcodes are valid"),
    }
}

/// The main client's two years (26 periods of 4 weeks): budget and weekly contribution every
/// time; a one-off payment; a backdated rise in contribution found later and applied as 'Adj';
/// a manual adjustment ('MA') with its explanation; and an overpayment recovered over 6 payments.
fn margaret_okafor(margaret: &ImportPerson) -> Vec<RemittanceAdvice> {
    const BUDGET: i64 = 31_250; // £312.50 a week
    const CONTRIBUTION_BEFORE: i64 = 4_215; // £42.15 a week
    const CONTRIBUTION_AFTER: i64 = 4_860; // £48.60 a week from period 10, assessed in period 14
    const RISE_FROM: u32 = 10;
    const RISE_FOUND: u32 = 14;
    let payee = "M Okafor Direct Payment account";
    (1..=26)
        .map(|n| {
            let contribution = if n >= RISE_FOUND {
                CONTRIBUTION_AFTER
            } else {
                CONTRIBUTION_BEFORE
            };
            let mut lines = vec![
                rated(LineKind::Budget, "Care budget: personal care at home", BUDGET, 28),
                rated(
                    LineKind::ClientContribution,
                    "Your weekly contribution",
                    contribution,
                    28,
                ),
            ];
            match n {
                7 => lines.push(plain(
                    LineKind::OneOffPayment,
                    "One-off: replacement hoist sling agreed by social worker",
                    14_500,
                    None,
                )),
                RISE_FOUND => {
                    // The rise applied from period 10: the difference for periods 10 to 13.
                    let per_period = pro_rata(money(CONTRIBUTION_AFTER), 28)
                        - pro_rata(money(CONTRIBUTION_BEFORE), 28);
                    let periods = i64::from(RISE_FOUND - RISE_FROM);
                    lines.push(plain(
                        LineKind::RateAdjustment,
                        "Adj: contribution £42.15 to £48.60 a week from 25/08/2025 (4 periods)",
                        -(per_period.pence() * periods),
                        None,
                    ));
                }
                17 => lines.push(plain(
                    LineKind::ManualAdjustment,
                    "MA: bank charges refund",
                    3_600,
                    Some("Refund of the bank's charges on the Direct Payment account for March to May, agreed by the finance team."),
                )),
                21..=26 => lines.push(plain(
                    LineKind::OverpaymentRecovery,
                    "Overpayment recovery (6 of £80.00)",
                    -8_000,
                    Some("Care was not needed during a hospital stay in 2026, so £480.00 was overpaid. We take £80.00 from six payments."),
                )),
                _ => {}
            }
            advice(margaret, payee, FIRST_PERIOD, n, lines)
        })
        .collect()
}

/// A year of plain 4-weekly advices (budget and contribution only).
fn a_year_of(
    person: &ImportPerson,
    payee: &str,
    budget: i64,
    contribution: i64,
) -> Vec<RemittanceAdvice> {
    let first = FIRST_PERIOD + Duration::days(28 * 13);
    (1..=13)
        .map(|n| {
            let lines = vec![
                rated(LineKind::Budget, "Care budget", budget, 28),
                rated(
                    LineKind::ClientContribution,
                    "Your weekly contribution",
                    contribution,
                    28,
                ),
            ];
            advice(person, payee, first, n, lines)
        })
        .collect()
}

/// The demo's records, as the finance system would push them.
pub fn records() -> RemittanceImport {
    let margaret = person(
        "100234567",
        "Margaret",
        "Okafor",
        date!(1941 - 03 - 09),
        "14 Battenhall Road, Worcester",
        "WR5 2NP",
    );
    let dennis = person(
        "100318842",
        "Dennis",
        "Hartley",
        date!(1938 - 11 - 21),
        "2 Lark Hill Road, Worcester",
        "WR5 2EF",
    );
    let irene = person(
        "100318859",
        "Irene",
        "Hartley",
        date!(1940 - 06 - 02),
        "2 Lark Hill Road, Worcester",
        "WR5 2EF",
    );
    let thomas = person(
        "100452210",
        "Thomas",
        "Bright",
        date!(1979 - 01 - 15),
        "Flat 3, 40 Bath Road, Worcester",
        "WR5 3AB",
    );
    let chloe = person(
        "100577301",
        "Chloe",
        "Bennett",
        date!(1987 - 09 - 30),
        "9 Henwick Road, Worcester",
        "WR2 5NS",
    );
    let mut remittances = margaret_okafor(&margaret);
    remittances.extend(a_year_of(
        &dennis,
        "D and I Hartley Direct Payment account",
        22_400,
        3_150,
    ));
    remittances.extend(a_year_of(
        &irene,
        "D and I Hartley Direct Payment account",
        18_900,
        2_870,
    ));
    remittances.extend(a_year_of(
        &thomas,
        "Bright Care Direct Payment account",
        45_500,
        0,
    ));
    remittances.extend(a_year_of(&chloe, "Chloe Bennett", 12_600, 1_540));
    // Thomas pays no contribution: drop his zero contribution lines rather than show "£0.00".
    let remittances = remittances.into_iter().map(drop_zero_lines).collect();
    RemittanceImport {
        people: vec![margaret, dennis, irene, thomas, chloe],
        remittances,
        withdrawn: Vec::new(),
        ..RemittanceImport::default()
    }
}

fn drop_zero_lines(advice: RemittanceAdvice) -> RemittanceAdvice {
    let lines: Vec<RemittanceLine> = advice
        .lines()
        .iter()
        .filter(|l| !l.amount.is_zero())
        .cloned()
        .collect();
    RemittanceAdvice::new(advice.header().clone(), lines, advice.net_amount())
        .expect("zero lines change no total")
}

/// `count` advices of about ten lines for one person, for benchmarks and load tests.
pub fn bulk_advices(person: &ImportPerson, count: u32) -> Vec<RemittanceAdvice> {
    let services: [(&str, i64); 7] = [
        ("Personal care, mornings", 12_250),
        ("Personal care, evenings", 9_800),
        ("Sitting service", 4_375),
        ("Day centre", 6_510),
        ("Respite care", 3_500),
        ("Community activities", 2_135),
        ("Shopping and meal preparation", 3_850),
    ];
    let first = date!(2016 - 01 - 04);
    (1..=count)
        .map(|n| {
            let mut lines: Vec<RemittanceLine> = services
                .iter()
                .map(|(name, weekly)| rated(LineKind::Budget, name, *weekly, 28))
                .collect();
            lines.push(rated(
                LineKind::ClientContribution,
                "Your weekly contribution",
                4_215,
                28,
            ));
            lines.push(plain(
                LineKind::OneOffPayment,
                "One-off: equipment",
                2_500,
                None,
            ));
            lines.push(plain(
                LineKind::RateAdjustment,
                "Adj: budget rise backdated",
                1_020,
                None,
            ));
            advice(person, "Direct Payment account", first, n, lines)
        })
        .collect()
}

/// A demo citizen account, with what it shows.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub given_name: &'static str,
    pub family_name: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub story: &'static str,
}

pub const ACCOUNTS: [DemoAccount; 3] = [
    DemoAccount {
        given_name: "Ruth",
        family_name: "Adeyemi",
        email: "ruth.adeyemi@example.org",
        password: "demo attorney willow harbour",
        story: "Lasting Power of Attorney for Margaret Okafor, Dennis Hartley and Irene Hartley",
    },
    DemoAccount {
        given_name: "Owen",
        family_name: "Price",
        email: "owen.price@example.org",
        password: "demo deputy granite lantern",
        story: "Deputy for Thomas Bright",
    },
    DemoAccount {
        given_name: "Chloe",
        family_name: "Bennett",
        email: "chloe.bennett@example.org",
        password: "demo myself pebble orchard",
        story:
            "a request for herself waiting for review, and one for her father that was not approved",
    },
];

/// A demo finance-team account.
#[derive(Debug, Clone)]
pub struct DemoStaff {
    pub name: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub role: Role,
}

pub const STAFF: [DemoStaff; 2] = [
    DemoStaff {
        name: "Rita Reviewer",
        email: "reviewer@council.example",
        password: "demo reviewer copper meadow",
        role: Role::Reviewer,
    },
    DemoStaff {
        name: "Adam Admin",
        email: "admin@council.example",
        password: "demo admin thistle beacon",
        role: Role::Admin,
    },
];

/// What seeding did.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub import: ImportSummary,
}

/// Loads the demo data set (idempotent).
pub async fn seed(finance: &Finance, identity: &Identity) -> Result<Seeded, DemoError> {
    let records = records();
    let people = records.people.clone();
    let ids = finance.clone();
    let summary = import::apply(
        finance.pool(),
        "The demo data",
        &Batch::from_push(records),
        move || ids.new_id(),
        finance.now(),
    )
    .await?;

    for member in &STAFF {
        let mut conn = finance.pool().acquire().await?;
        match staff::create(
            &mut conn,
            member.email,
            member.name,
            member.role,
            member.password,
            finance.rng(),
            finance.now(),
        )
        .await
        {
            Ok(_) | Err(StaffError::AlreadyExists) => {}
            Err(error) => return Err(error.into()),
        }
    }
    let reviewer = "demo-seed";

    let find = |client_id: &str| {
        people
            .iter()
            .find(|p| p.client_id.as_str() == client_id)
            .cloned()
            .expect("the demo person exists")
    };
    let ask = |person: &ImportPerson, relationship, evidence: Option<&str>| NewAccessRequest {
        relationship,
        person: RequestedPerson {
            given_name: person.given_name.clone(),
            family_name: person.family_name.clone(),
            date_of_birth: person.date_of_birth,
            postcode: person.postcode.clone(),
            client_id: Some(person.client_id),
        },
        evidence: evidence.map(str::to_owned),
    };
    for account in &ACCOUNTS {
        let sub = account_sub(identity, account).await?;
        let mut conn = finance.pool().acquire().await?;
        if !access::list_for_account(&mut conn, &sub).await?.is_empty() {
            continue;
        }
        let requester = Requester {
            sub: sub.clone(),
            name: format!("{} {}", account.given_name, account.family_name),
            email: account.email.into(),
        };
        let now = finance.now();
        match account.email {
            "ruth.adeyemi@example.org" => {
                for client_id in ["100234567", "100318842", "100318859"] {
                    let stored = submit(
                        finance,
                        &mut conn,
                        &requester,
                        ask(
                            &find(client_id),
                            Relationship::LastingPowerOfAttorney,
                            Some("V4KM-9QXT-2PLR"),
                        ),
                    )
                    .await?;
                    access::approve(&mut conn, &stored.request_id, reviewer, now).await?;
                }
            }
            "owen.price@example.org" => {
                let stored = submit(
                    finance,
                    &mut conn,
                    &requester,
                    ask(
                        &find("100452210"),
                        Relationship::Deputy,
                        Some("Court of Protection order 13725541"),
                    ),
                )
                .await?;
                access::approve(&mut conn, &stored.request_id, reviewer, now).await?;
            }
            _ => {
                submit(
                    finance,
                    &mut conn,
                    &requester,
                    ask(&find("100577301"), Relationship::Myself, None),
                )
                .await?;
                let father = NewAccessRequest {
                    relationship: Relationship::DirectPaymentNominee,
                    person: RequestedPerson {
                        given_name: "George".into(),
                        family_name: "Bennett".into(),
                        date_of_birth: date!(1950 - 04 - 12),
                        postcode: "WR2 5NS".parse().expect("valid"),
                        client_id: None,
                    },
                    evidence: Some(
                        "Signed the Direct Payment agreement as nominee on 3 March 2026".into(),
                    ),
                };
                let stored = submit(finance, &mut conn, &requester, father).await?;
                access::reject(
                    &mut conn,
                    &stored.request_id,
                    reviewer,
                    "We could not find a record with these details. Please check the date of birth and add the client ID from his letters.",
                    now,
                )
                .await?;
            }
        }
    }
    Ok(Seeded { import: summary })
}

async fn submit(
    finance: &Finance,
    conn: &mut sqlx::SqliteConnection,
    requester: &Requester,
    new: NewAccessRequest,
) -> Result<access::StoredRequest, access::AccessError> {
    access::create(conn, &finance.new_id(), requester, &new, finance.now()).await
}

/// The account's `sub`, creating the account (email already confirmed) if it does not exist.
async fn account_sub(identity: &Identity, account: &DemoAccount) -> Result<String, sqlx::Error> {
    let details = AccountDetails {
        given_name: account.given_name.into(),
        family_name: account.family_name.into(),
        address: "Demo address, Worcester".into(),
        postcode: "WR1 1AA".into(),
        email: account.email.into(),
    };
    if let Some(sub) = identity
        .create_confirmed_account(&details, account.password)
        .await?
    {
        return Ok(sub);
    }
    let existing = accounts::find_by_email(identity.pool(), account.email)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    Ok(existing.id)
}

/// The lines to print at start: who can sign in, as what.
pub fn credentials_text() -> String {
    let mut text = String::from(
        "  Finance demo accounts for the Client Finance Portal app (email confirmed):\n",
    );
    for account in &ACCOUNTS {
        text.push_str(&format!(
            "    {}  password: {}  ({})\n",
            account.email, account.password, account.story
        ));
    }
    text.push_str("  Finance team console (/console):\n");
    for member in &STAFF {
        text.push_str(&format!(
            "    {}  password: {}  ({})\n",
            member.email,
            member.password,
            member.role.as_str()
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_records_are_deterministic_and_complete() {
        let one = records();
        assert_eq!(one, records());
        let margaret: Vec<_> = one
            .remittances
            .iter()
            .filter(|a| a.header().client_id.as_str() == "100234567")
            .collect();
        assert_eq!(margaret.len(), 26, "two years of 4-weekly advices");
        let kinds: Vec<LineKind> = margaret
            .iter()
            .flat_map(|a| a.lines().iter().map(|l| l.kind))
            .collect();
        for kind in LineKind::ALL {
            assert!(kinds.contains(&kind), "{kind:?} appears");
        }
        let recovered: Money = margaret
            .iter()
            .map(|a| a.total_of(LineKind::OverpaymentRecovery))
            .sum();
        assert_eq!(
            recovered,
            money(-48_000),
            "the whole overpayment is recovered"
        );
        let adj = margaret[13].total_of(LineKind::RateAdjustment);
        assert_eq!(adj, money(-10_320), "4 periods of (£194.40 - £168.60)");
    }

    #[test]
    fn bulk_advices_have_about_ten_lines() {
        let p = &records().people[0];
        let advices = bulk_advices(p, 130);
        assert_eq!(advices.len(), 130);
        assert_eq!(advices[0].lines().len(), 10);
    }
}
