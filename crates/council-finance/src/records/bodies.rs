//! The rows each kind of document is kept as, beside its `finance_documents` row: written when it
//! is published or corrected, deleted when it is corrected or withdrawn. The API never reads them
//! (it serves the stored JSON); they are the council's record in columns it can query.

use cfp_domain::{
    ClientId, DeferredPaymentStatement, DocumentKind, FinancialAssessmentResult, Money,
    RemittanceAdvice,
};
use sqlx::SqliteConnection;

use super::{format_date, RecordError};

/// A document of any kind, as the finance system publishes it.
#[derive(Clone, Copy, Debug)]
pub enum Body<'a> {
    Remittance(&'a RemittanceAdvice),
    Deferred(&'a DeferredPaymentStatement),
    Assessment(&'a FinancialAssessmentResult),
}

impl<'a> Body<'a> {
    pub fn kind(self) -> DocumentKind {
        match self {
            Body::Remittance(_) => DocumentKind::RemittanceAdvice,
            Body::Deferred(_) => DocumentKind::DeferredPaymentStatement,
            Body::Assessment(_) => DocumentKind::FinancialAssessmentResult,
        }
    }

    pub fn reference(self) -> &'a str {
        match self {
            Body::Remittance(advice) => &advice.header().reference,
            Body::Deferred(statement) => &statement.header().reference,
            Body::Assessment(result) => result.reference(),
        }
    }

    pub fn client_id(self) -> ClientId {
        match self {
            Body::Remittance(advice) => advice.header().client_id,
            Body::Deferred(statement) => statement.header().client_id,
            Body::Assessment(result) => result.client_id(),
        }
    }

    /// The body's JSON: the fingerprint of its content. (For an advice this is the same text as
    /// before other kinds existed, so stored advices keep their hashes.)
    pub fn canonical_json(self) -> Vec<u8> {
        match self {
            Body::Remittance(advice) => serde_json::to_vec(advice),
            Body::Deferred(statement) => serde_json::to_vec(statement),
            Body::Assessment(result) => serde_json::to_vec(result),
        }
        .expect("a document always serialises")
    }
}

pub async fn insert(
    conn: &mut SqliteConnection,
    document_id: &str,
    body: Body<'_>,
) -> Result<(), RecordError> {
    match body {
        Body::Remittance(advice) => insert_remittance(conn, document_id, advice).await,
        Body::Deferred(statement) => insert_deferred(conn, document_id, statement).await,
        Body::Assessment(result) => insert_assessment(conn, document_id, result).await,
    }
}

/// Deletes the document's own rows (children first, for the foreign keys).
pub async fn delete(
    conn: &mut SqliteConnection,
    kind: DocumentKind,
    document_id: &str,
) -> Result<(), RecordError> {
    let tables: [&str; 2] = match kind {
        DocumentKind::RemittanceAdvice => ["finance_remittance_lines", "finance_remittances"],
        DocumentKind::DeferredPaymentStatement => {
            ["finance_deferred_rates", "finance_deferred_statements"]
        }
        DocumentKind::FinancialAssessmentResult => {
            ["finance_assessment_steps", "finance_assessments"]
        }
    };
    for table in tables {
        sqlx::query(&format!("DELETE FROM {table} WHERE document_id = ?"))
            .bind(document_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn insert_remittance(
    conn: &mut SqliteConnection,
    document_id: &str,
    advice: &RemittanceAdvice,
) -> Result<(), RecordError> {
    let h = advice.header();
    sqlx::query(
        "INSERT INTO finance_remittances (document_id, client_name, payee, period_from, period_to, \
         finalised_on, payment_date, net_pence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(document_id)
    .bind(&h.client_name)
    .bind(&h.payee)
    .bind(format_date(h.period_from))
    .bind(format_date(h.period_to))
    .bind(format_date(h.finalised_on))
    .bind(format_date(h.payment_date))
    .bind(advice.net_amount().pence())
    .execute(&mut *conn)
    .await?;
    for (index, line) in advice.lines().iter().enumerate() {
        sqlx::query(
            "INSERT INTO finance_remittance_lines (document_id, line_no, kind, description, \
             amount_pence, weekly_rate_pence, days, council_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(document_id)
        .bind(index as i64 + 1)
        .bind(line.kind.code())
        .bind(&line.description)
        .bind(line.amount.pence())
        .bind(line.weekly_rate.map(Money::pence))
        .bind(line.days.map(i64::from))
        .bind(&line.council_note)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

async fn insert_deferred(
    conn: &mut SqliteConnection,
    document_id: &str,
    statement: &DeferredPaymentStatement,
) -> Result<(), RecordError> {
    let h = statement.header();
    let a = statement.amounts();
    sqlx::query(
        "INSERT INTO finance_deferred_statements (document_id, agreement_reference, client_name, \
         period_from, period_to, issued_on, opening_balance_pence, care_costs_deferred_pence, \
         interest_pence, administration_charges_pence, payments_received_pence, \
         closing_balance_pence, equity_limit_pence, headroom_pence) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(document_id)
    .bind(&h.agreement_reference)
    .bind(&h.client_name)
    .bind(format_date(h.period_from))
    .bind(format_date(h.period_to))
    .bind(format_date(h.issued_on))
    .bind(a.opening_balance.pence())
    .bind(a.care_costs_deferred.pence())
    .bind(a.interest.pence())
    .bind(a.administration_charges.pence())
    .bind(a.payments_received.pence())
    .bind(a.closing_balance.pence())
    .bind(a.equity_limit.pence())
    .bind(a.headroom.pence())
    .execute(&mut *conn)
    .await?;
    for (index, rate) in a.interest_rates.iter().enumerate() {
        sqlx::query(
            "INSERT INTO finance_deferred_rates (document_id, rate_no, applies_from, percent_a_year) \
             VALUES (?, ?, ?, ?)",
        )
        .bind(document_id)
        .bind(index as i64 + 1)
        .bind(format_date(rate.applies_from))
        .bind(rate.percent_a_year.to_string())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

async fn insert_assessment(
    conn: &mut SqliteConnection,
    document_id: &str,
    result: &FinancialAssessmentResult,
) -> Result<(), RecordError> {
    sqlx::query(
        "INSERT INTO finance_assessments (document_id, client_name, assessed_on, applies_from, \
         weekly_contribution_pence, capital_pence, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(document_id)
    .bind(result.client_name())
    .bind(format_date(result.assessed_on()))
    .bind(format_date(result.applies_from()))
    .bind(result.weekly_contribution().pence())
    .bind(result.capital().map(Money::pence))
    .bind(result.note())
    .execute(&mut *conn)
    .await?;
    for (index, step) in result.steps().iter().enumerate() {
        sqlx::query(
            "INSERT INTO finance_assessment_steps (document_id, step_no, kind, description, \
             weekly_pence) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(document_id)
        .bind(index as i64 + 1)
        .bind(step.kind.code())
        .bind(&step.description)
        .bind(step.weekly_amount.pence())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
