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

    let rates = &statement.amounts().interest_rates;
    if !rates.is_empty() {
        blocks::heading(&mut flow, "Interest rates");
        let rows: Vec<(&str, String)> = rates
            .iter()
            .map(|rate| {
                (
                    "From",
                    format!(
                        "{}: {}% a year",
                        long_date(rate.applies_from),
                        rate.percent_a_year
                    ),
                )
            })
            .collect();
        blocks::facts(&mut flow, &rows);
    }

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
    blocks::explained_figure(
        flow,
        &format!("{word}{}", item.label()),
        &statement.amount_of(item).to_display_gbp(),
        item.explanation(),
    );
}
