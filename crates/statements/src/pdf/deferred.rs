//! The PDF of one Deferred Payment statement: whose agreement, the balance read from opening to
//! closing with "plus" and "minus" words, the equity limit and headroom (said in the domain's
//! own sentence), and the interest rates. Every figure carries the domain's explanation.

use cfp_domain::{DeferredItem, DeferredPaymentStatement};

use super::blocks::{self, BODY};
use super::canvas::Orientation;
use super::document::{self, Metadata};
use super::flow::Flow;
use super::fonts::Face;
use crate::dates::long_date;
use crate::{StatementContext, StatementError};

const TITLE: &str = "Deferred Payment statement";

/// The balance from top to bottom, each figure with the word that says how it changes the sum.
const BALANCE: [(&str, DeferredItem); 6] = [
    ("", DeferredItem::OpeningBalance),
    ("Plus: ", DeferredItem::CareCostsDeferred),
    ("Plus: ", DeferredItem::Interest),
    ("Plus: ", DeferredItem::AdministrationCharges),
    ("Minus: ", DeferredItem::PaymentsReceived),
    ("Equals: ", DeferredItem::ClosingBalance),
];

/// A PDF of one statement, A4 portrait.
pub fn deferred_payment_pdf(
    statement: &DeferredPaymentStatement,
    context: &StatementContext,
) -> Result<Vec<u8>, StatementError> {
    let h = statement.header();
    let mut flow = Flow::new(
        Orientation::Portrait,
        blocks::continued_header(context, TITLE, &h.reference),
    );

    blocks::masthead(&mut flow, context, TITLE);
    blocks::facts(
        &mut flow,
        &[
            ("Name", h.client_name.clone()),
            ("Client ID", h.client_id.to_string()),
            ("Reference", h.reference.clone()),
            ("Agreement", h.agreement_reference.clone()),
            (
                "Period",
                format!("{} to {}", long_date(h.period_from), long_date(h.period_to)),
            ),
            ("Issued on", long_date(h.issued_on)),
        ],
    );
    blocks::highlight(
        &mut flow,
        "You owe",
        statement.amount_of(DeferredItem::ClosingBalance),
    );

    blocks::heading(&mut flow, "How your balance changed");
    for (word, item) in BALANCE {
        figure(&mut flow, statement, word, item);
    }

    blocks::heading(&mut flow, "Your equity limit");
    figure(&mut flow, statement, "", DeferredItem::EquityLimit);
    figure(&mut flow, statement, "", DeferredItem::Headroom);
    // Past the limit the sentence is a warning: bold, so it is not missed.
    let face = if statement.amounts().headroom.is_negative() {
        Face::Bold
    } else {
        Face::Regular
    };
    flow.y += 6.0;
    blocks::paragraph(&mut flow, face, BODY, 0.0, &statement.headroom_sentence());

    let pages = flow.finish(context);
    let meta = Metadata {
        title: format!("{TITLE} {}", h.reference),
        subject: format!(
            "Deferred Payment balance of {} on {}",
            statement
                .amount_of(DeferredItem::ClosingBalance)
                .to_display_gbp(),
            long_date(h.period_to)
        ),
    };
    Ok(document::to_pdf(
        pages,
        Orientation::Portrait,
        meta,
        context,
    ))
}

fn figure(flow: &mut Flow, statement: &DeferredPaymentStatement, word: &str, item: DeferredItem) {
    let explanation = match item {
        // The rates go with the interest they explain (as their own section they pushed a
        // one-page statement onto a second page).
        DeferredItem::Interest => format!("{} {}", item.explanation(), rates_sentence(statement)),
        _ => item.explanation().to_string(),
    };
    blocks::explained_figure(
        flow,
        &format!("{word}{}", item.label()),
        &statement.amount_of(item).to_display_gbp(),
        &explanation,
    );
}

/// "The rate was 2.65% a year from 1 July 2025, then 2.40% a year from 1 January 2026."
fn rates_sentence(statement: &DeferredPaymentStatement) -> String {
    let rates: Vec<String> = statement
        .amounts()
        .interest_rates
        .iter()
        .map(|rate| {
            format!(
                "{}% a year from {}",
                rate.percent_a_year,
                long_date(rate.applies_from)
            )
        })
        .collect();
    match rates.as_slice() {
        [] => String::new(),
        _ => format!("The rate was {}.", rates.join(", then ")),
    }
}
