//! The deterministic demo data set: realistic people, two years of remittance advices with every
//! kind of line, the financial assessments behind the contributions, a Deferred Payment agreement
//! with two six-monthly statements, representatives with grants, a pending and a rejected request,
//! staff accounts.
//!
//! Everything is made from fixed inputs, so two runs produce the same records (ids aside), and
//! seeding again changes nothing: people and advices are matched by client ID and reference,
//! accounts by email, and requests are only made for accounts that have none.

use cfp_domain::{
    pro_rata, AssessmentStep, AssessmentStepKind, DeferredAmounts, DeferredPaymentHeader,
    DeferredPaymentStatement, FinancialAssessmentResult, InterestRate, LineKind, Money,
    Relationship, RemittanceAdvice, RemittanceHeader, RemittanceLine, UncheckedResult,
};
use council_api::{
    ImportPerson, ImportSummary, NewAccessRequest, RemittanceImport, RequestedPerson,
};
use council_identity::accounts::{self, AccountDetails};
use council_identity::Identity;
use rust_decimal::Decimal;
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

/// Margaret's weekly contribution before the reassessment (see [`margaret_assessments`]).
const CONTRIBUTION_BEFORE: i64 = 4_215; // £42.15 a week
/// After it: £48.60 a week from period 10, found by the reassessment during period 13 and first
/// taken in period 14, which also takes the difference for periods 10 to 13 ('Adj').
const CONTRIBUTION_AFTER: i64 = 4_860;
const RISE_FROM: u32 = 10;
const RISE_FOUND: u32 = 14;

/// The first day of Margaret's 4-weekly period `number`.
fn period_start(number: u32) -> Date {
    FIRST_PERIOD + Duration::days(28 * i64::from(number - 1))
}

/// The main client's two years (26 periods of 4 weeks): budget and weekly contribution every
/// time; a one-off payment; a backdated rise in contribution found later and applied as 'Adj';
/// a manual adjustment ('MA') with its explanation; and an overpayment recovered over 6 payments.
fn margaret_okafor(margaret: &ImportPerson) -> Vec<RemittanceAdvice> {
    const BUDGET: i64 = 31_250; // £312.50 a week
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
                        "Adj: contribution £42.15 to £48.60 a week from 18/08/2025 (4 periods)",
                        -(per_period.pence() * periods),
                        None,
                    ));
                }
                17 => lines.push(plain(
                    LineKind::ManualAdjustment,
                    "MA: bank charges refund",
                    3_600,
                    Some("Refund of the bank's charges on the Direct Payment account for November 2025 to January 2026, agreed by the finance team."),
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

fn step(kind: AssessmentStepKind, description: &str, weekly_pence: i64) -> AssessmentStep {
    AssessmentStep {
        kind,
        description: description.to_owned(),
        weekly_amount: money(weekly_pence),
    }
}

fn assessment(
    person: &ImportPerson,
    number: u32,
    dates: (Date, Date),
    steps: Vec<AssessmentStep>,
    capital: Option<i64>,
    note: Option<&str>,
) -> FinancialAssessmentResult {
    let (assessed_on, applies_from) = dates;
    let total: Money = steps.iter().map(|s| s.weekly_amount).sum();
    FinancialAssessmentResult::new(UncheckedResult {
        reference: format!("FA-{}-{number}", person.client_id),
        client_id: person.client_id,
        client_name: format!("{} {}", person.given_name, person.family_name),
        assessed_on,
        applies_from,
        weekly_contribution: if total.is_negative() {
            Money::ZERO
        } else {
            total
        },
        steps,
        capital: capital.map(money),
        note: note.map(str::to_owned),
    })
    .expect("the demo assessments are built to add up")
}

/// The assessments behind Margaret's contributions: the first (£42.15 a week from her first
/// period), and the reassessment that found more savings (£48.60 from period 10, backdated).
fn margaret_assessments(margaret: &ImportPerson) -> Vec<FinancialAssessmentResult> {
    use AssessmentStepKind::*;
    let working = |occupational: i64, savings_words: &str, tariff: i64| {
        vec![
            step(IncomeCounted, "State Pension", 22_120),
            step(IncomeCounted, "Attendance Allowance (higher rate)", 10_855),
            step(
                IncomeCounted,
                "Pension from her former employer",
                occupational,
            ),
            step(TariffIncome, savings_words, tariff),
            step(
                Disregard,
                "Attendance Allowance night-time part (no care at night)",
                -3_590,
            ),
            step(
                HousingCosts,
                "Council tax after the single person discount",
                -1_500,
            ),
            step(
                DisabilityRelatedExpenditure,
                "Extra heating, laundry and a community alarm",
                -3_860,
            ),
            step(MinimumIncomeGuarantee, "Minimum income guarantee", -22_870),
        ]
    };
    vec![
        assessment(
            margaret,
            1,
            (period_start(1) - Duration::days(14), period_start(1)),
            working(2_360, "Savings of £16,000.00", 700),
            Some(1_600_000),
            None,
        ),
        assessment(
            margaret,
            2,
            (
                period_start(RISE_FOUND) - Duration::days(18),
                period_start(RISE_FROM),
            ),
            working(2_405, "Savings of £17,500.00", 1_300),
            Some(1_750_000),
            Some("A bank statement showed your savings were higher from 18/08/2025, and your pension went up. \
                  Your contribution is £48.60 a week from then; the extra for earlier payments is taken off as 'Adj'."),
        ),
    ]
}

/// Dennis's assessment (one of a couple, so a lower minimum income guarantee), behind the £31.50
/// a week on the year of advices he has.
fn dennis_assessment(dennis: &ImportPerson, first_period: Date) -> FinancialAssessmentResult {
    use AssessmentStepKind::*;
    assessment(
        dennis,
        1,
        (first_period - Duration::days(21), first_period),
        vec![
            step(IncomeCounted, "State Pension", 23_025),
            step(IncomeCounted, "Pension from his former employer", 4_195),
            step(HousingCosts, "His half of the council tax", -1_240),
            step(
                DisabilityRelatedExpenditure,
                "Incontinence supplies and a special diet",
                -5_300,
            ),
            step(
                MinimumIncomeGuarantee,
                "Minimum income guarantee (one of a couple)",
                -17_530,
            ),
        ],
        None,
        None,
    )
}

/// Irene's Deferred Payment agreement (from 1 October 2025, secured on her share of the house):
/// two six-monthly statements, each spanning a 1 January or 1 July rate change. The interest is
/// worked out here the way the council does, compounding daily on everything owed.
fn irene_deferred(irene: &ImportPerson) -> Vec<DeferredPaymentStatement> {
    const MONTHLY_DEFERRED: i64 = 145_000; // care costs added on the 1st of each month
    const EQUITY_LIMIT: i64 = 15_225_000; // 90% of £185,000 less the £14,250 lower capital limit
    let rates = [
        (date!(2025 - 07 - 01), Decimal::new(470, 2)),
        (date!(2026 - 01 - 01), Decimal::new(455, 2)),
        (date!(2026 - 07 - 01), Decimal::new(435, 2)),
    ];
    let periods = [
        // (from, to, issued, administration charge on the first day, payments received)
        (
            date!(2025 - 10 - 01),
            date!(2026 - 03 - 31),
            date!(2026 - 04 - 10),
            39_500,
            vec![],
        ),
        (
            date!(2026 - 04 - 01),
            date!(2026 - 09 - 30),
            date!(2026 - 10 - 09),
            3_000,
            vec![(date!(2026 - 06 - 15), 50_000)],
        ),
    ];
    let mut opening = Money::ZERO;
    let mut statements = Vec::new();
    for (number, (from, to, issued, charge, payments)) in periods.into_iter().enumerate() {
        let mut balance = opening.as_decimal();
        let (mut deferred, mut interest) = (Decimal::ZERO, Decimal::ZERO);
        let paid: i64 = payments.iter().map(|(_, p)| p).sum();
        let mut day = from;
        while day <= to {
            if day == from {
                balance += money(charge).as_decimal();
            }
            if day.day() == 1 {
                deferred += money(MONTHLY_DEFERRED).as_decimal();
                balance += money(MONTHLY_DEFERRED).as_decimal();
            }
            for (_, amount) in payments.iter().filter(|(on, _)| *on == day) {
                balance -= money(*amount).as_decimal();
            }
            let rate = rates
                .iter()
                .rev()
                .find(|(applies, _)| *applies <= day)
                .map_or(Decimal::ZERO, |r| r.1);
            let today = balance * rate / Decimal::ONE_HUNDRED / Decimal::from(365);
            interest += today;
            balance += today;
            day = day
                .next_day()
                .expect("demo dates are far from the end of time");
        }
        let interest = Money::round_from(interest).expect("small");
        let deferred = Money::round_from(deferred).expect("small");
        let closing = opening + deferred + interest + money(charge) - money(paid);
        let in_force: Vec<InterestRate> = rates
            .iter()
            .enumerate()
            .filter(|(i, (applies, _))| {
                *applies <= to && rates.get(i + 1).is_none_or(|next| next.0 > from)
            })
            .map(|(_, (applies_from, percent))| InterestRate {
                applies_from: *applies_from,
                percent_a_year: *percent,
            })
            .collect();
        statements.push(
            DeferredPaymentStatement::new(
                DeferredPaymentHeader {
                    reference: format!("DPS-{}-{}", irene.client_id, number + 1),
                    agreement_reference: format!("DPA-{}", irene.client_id),
                    client_id: irene.client_id,
                    client_name: format!("{} {}", irene.given_name, irene.family_name),
                    period_from: from,
                    period_to: to,
                    issued_on: issued,
                },
                DeferredAmounts {
                    opening_balance: opening,
                    care_costs_deferred: deferred,
                    interest,
                    interest_rates: in_force,
                    administration_charges: money(charge),
                    payments_received: money(paid),
                    closing_balance: closing,
                    equity_limit: money(EQUITY_LIMIT),
                    headroom: money(EQUITY_LIMIT) - closing,
                },
            )
            .expect("the demo statements are built to add up"),
        );
        opening = closing;
    }
    statements
}

/// A year of plain 4-weekly advices (budget and contribution only).
/// The first day of the year of advices the other demo people have.
fn second_year() -> Date {
    FIRST_PERIOD + Duration::days(28 * 13)
}

fn a_year_of(
    person: &ImportPerson,
    payee: &str,
    budget: i64,
    contribution: i64,
) -> Vec<RemittanceAdvice> {
    let first = second_year();
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
    let mut assessments = margaret_assessments(&margaret);
    assessments.push(dennis_assessment(&dennis, second_year()));
    RemittanceImport {
        deferred_payment_statements: irene_deferred(&irene),
        assessments,
        people: vec![margaret, dennis, irene, thomas, chloe],
        remittances,
        withdrawn: Vec::new(),
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
    fn the_adjustment_and_refund_texts_match_their_dates() {
        let one = records();
        let margaret: Vec<_> = (one.remittances.iter())
            .filter(|a| a.header().client_id.as_str() == "100234567")
            .collect();
        let adj = &margaret[13].lines()[2];
        assert_eq!(adj.kind, LineKind::RateAdjustment);
        assert_eq!(margaret[9].header().period_from, date!(2025 - 08 - 18));
        assert!(
            adj.description.contains("from 18/08/2025"),
            "{}",
            adj.description
        );
        // The refund is for charges already paid when the advice was finalised.
        let ma = &margaret[16];
        assert_eq!(ma.header().finalised_on, date!(2026 - 02 - 20));
        let note = ma.lines()[2].council_note.as_deref().unwrap();
        assert!(note.contains("November 2025 to January 2026"), "{note}");
    }

    #[test]
    fn the_assessments_explain_the_contributions_on_the_advices() {
        let one = records();
        let weekly_contribution_of = |advice: &RemittanceAdvice| {
            (advice.lines().iter())
                .find(|l| l.kind == LineKind::ClientContribution)
                .and_then(|l| l.weekly_rate)
        };
        for result in &one.assessments {
            let advices: Vec<_> = (one.remittances.iter())
                .filter(|a| a.header().client_id == result.client_id())
                .collect();
            // Each advice's contribution is the one assessed for its period, once it was known.
            let later = one.assessments.iter().find(|r| {
                r.client_id() == result.client_id() && r.applies_from() > result.applies_from()
            });
            let covered: Vec<_> = (advices.iter())
                .filter(|a| a.header().period_from >= result.applies_from())
                .filter(|a| later.is_none_or(|l| a.header().finalised_on < l.assessed_on()))
                .filter(|a| a.header().finalised_on >= result.assessed_on())
                .collect();
            assert!(!covered.is_empty(), "{}", result.reference());
            for advice in covered {
                assert_eq!(
                    weekly_contribution_of(advice),
                    Some(result.weekly_contribution()),
                    "{} on {}",
                    result.reference(),
                    advice.header().reference
                );
            }
        }
        // The reassessment is backdated to period 10 and first taken in period 14, with 'Adj'.
        let rise = &one.assessments[1];
        assert_eq!(rise.weekly_contribution(), money(CONTRIBUTION_AFTER));
        assert_eq!(rise.applies_from(), period_start(RISE_FROM));
        assert!(rise.assessed_on() < period_start(RISE_FOUND) - Duration::days(10));
        assert!(rise.assessed_on() > period_start(RISE_FOUND - 1) - Duration::days(10));
        assert_eq!(
            one.assessments[0].weekly_contribution(),
            money(CONTRIBUTION_BEFORE)
        );
        assert!(one
            .assessments
            .iter()
            .any(|r| r.client_id().as_str() == "100318842"));
    }

    #[test]
    fn the_deferred_payment_statements_follow_on_and_span_a_rate_change_each() {
        let one = records();
        let [first, second] = one.deferred_payment_statements.as_slice() else {
            panic!("two statements");
        };
        assert_eq!(
            first.header().agreement_reference,
            second.header().agreement_reference
        );
        assert_eq!(first.amounts().opening_balance, Money::ZERO);
        assert_eq!(
            second.amounts().opening_balance,
            first.amounts().closing_balance
        );
        assert_eq!(
            second.header().period_from,
            first.header().period_to.next_day().unwrap()
        );
        for statement in [first, second] {
            let rates = &statement.amounts().interest_rates;
            assert_eq!(rates.len(), 2, "a rate change in every six months");
            assert!(statement.amounts().interest > Money::ZERO);
            assert_eq!(statement.amounts().care_costs_deferred, money(6 * 145_000));
        }
        assert_eq!(second.amounts().payments_received, money(50_000));
    }

    #[test]
    fn bulk_advices_have_about_ten_lines() {
        let p = &records().people[0];
        let advices = bulk_advices(p, 130);
        assert_eq!(advices.len(), 130);
        assert_eq!(advices[0].lines().len(), 10);
    }
}
