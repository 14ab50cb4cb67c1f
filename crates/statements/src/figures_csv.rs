//! CSV of a Deferred Payment statement or a financial assessment result: one row per figure or
//! step, with its label, exact amount and the domain's explanation, under a header row. The
//! same rules as the advice CSV (see the `csv` module): RFC 4180, a UTF-8 byte-order mark, ISO
//! dates, plain decimals, and the formula guard on every text field.

use cfp_domain::{DeferredItem, DeferredPaymentStatement, FinancialAssessmentResult};

use crate::csv::{iso, plain, push_row, Cell, BYTE_ORDER_MARK};

/// The header row of a statement's CSV, in column order.
pub const DEFERRED_CSV_HEADER: [&str; 12] = [
    "Reference",
    "Agreement reference",
    "Client ID",
    "Client name",
    "Period from",
    "Period to",
    "Issued on",
    "Figure",
    "Amount",
    "Rate applies from",
    "Rate (% a year)",
    "Explanation",
];

/// The header row of an assessment's CSV, in column order.
pub const ASSESSMENT_CSV_HEADER: [&str; 12] = [
    "Reference",
    "Client ID",
    "Client name",
    "Assessed on",
    "Applies from",
    "Step",
    "Label",
    "Description",
    "Weekly amount",
    "Explanation",
    "Weekly contribution",
    "Capital",
];

/// Every figure of one statement in print order, then one row per interest rate.
pub fn deferred_payment_csv(statement: &DeferredPaymentStatement) -> String {
    let h = statement.header();
    let client_id = h.client_id.to_string();
    let mut out = String::from(BYTE_ORDER_MARK);
    push_row(&mut out, DEFERRED_CSV_HEADER.iter().map(|h| Cell::Text(h)));
    let row = |out: &mut String, figure: &str, amount: String, from: String, rate: String, why| {
        push_row(
            out,
            [
                Cell::Text(&h.reference),
                Cell::Text(&h.agreement_reference),
                Cell::Text(&client_id),
                Cell::Text(&h.client_name),
                Cell::Exact(iso(h.period_from)),
                Cell::Exact(iso(h.period_to)),
                Cell::Exact(iso(h.issued_on)),
                Cell::Text(figure),
                Cell::Exact(amount),
                Cell::Exact(from),
                Cell::Exact(rate),
                Cell::Text(why),
            ],
        );
    };
    for item in DeferredItem::ALL {
        let amount = plain(statement.amount_of(item));
        row(
            &mut out,
            item.label(),
            amount,
            String::new(),
            String::new(),
            item.explanation(),
        );
    }
    // The rates explain the interest figure; they have no amount of their own.
    for rate in &statement.amounts().interest_rates {
        row(
            &mut out,
            "Interest rate",
            String::new(),
            iso(rate.applies_from),
            rate.percent_a_year.to_string(),
            "",
        );
    }
    out
}

/// Every step of one result, in the order they were worked out.
pub fn assessment_csv(result: &FinancialAssessmentResult) -> String {
    let client_id = result.client_id().to_string();
    let contribution = plain(result.weekly_contribution());
    let capital = result.capital().map(plain).unwrap_or_default();
    let mut out = String::from(BYTE_ORDER_MARK);
    push_row(
        &mut out,
        ASSESSMENT_CSV_HEADER.iter().map(|h| Cell::Text(h)),
    );
    for (index, step) in result.steps().iter().enumerate() {
        push_row(
            &mut out,
            [
                Cell::Text(result.reference()),
                Cell::Text(&client_id),
                Cell::Text(result.client_name()),
                Cell::Exact(iso(result.assessed_on())),
                Cell::Exact(iso(result.applies_from())),
                Cell::Exact((index + 1).to_string()),
                Cell::Text(step.kind.label()),
                Cell::Text(&step.description),
                Cell::Exact(plain(step.weekly_amount)),
                Cell::Text(step.kind.explanation()),
                Cell::Exact(contribution.clone()),
                Cell::Exact(capital.clone()),
            ],
        );
    }
    out
}
