//! The summary statement across the people a representative acts for: a section per person
//! with their totals, then a grand total for everyone.

use super::blocks::{self, BODY, LEADING};
use super::canvas::Orientation;
use super::document::{self, Metadata};
use super::flow::{Flow, MARGIN};
use super::fonts::Face;
use crate::totals::KindTotals;
use crate::{Period, PersonRecords, StatementContext, StatementError};

const TITLE: &str = "Summary of Direct Payments";
const TABLE_WIDTH: f32 = 360.0;

/// A PDF summary, A4 portrait, of the payments made to each person within the period.
pub fn summary_statement_pdf(
    people: &[PersonRecords<'_>],
    period: &Period,
    context: &StatementContext,
) -> Result<Vec<u8>, StatementError> {
    if people.is_empty() {
        return Err(StatementError::NoPeople);
    }
    let mut sections = Vec::with_capacity(people.len());
    for person in people {
        let advices = person.paid_in(period)?;
        sections.push((person, advices.len(), KindTotals::of(advices)));
    }

    let heading = format!("{TITLE}: {}", period.label());
    let council = context.council_name.trim().to_string();
    let continued = format!("{heading}, continued");
    let mut flow = Flow::new(
        Orientation::Portrait,
        Box::new(move |page| {
            page.text(MARGIN, MARGIN + 12.0, Face::Bold, 12.0, &council);
            page.text(MARGIN, MARGIN + 30.0, Face::Regular, BODY, &continued);
            MARGIN + 36.0
        }),
    );
    blocks::masthead(&mut flow, context, &heading);
    blocks::facts(
        &mut flow,
        &[
            ("Period", period.dates()),
            ("People", people.len().to_string()),
            (
                "Included",
                "Every payment with a payment date in this period.".to_string(),
            ),
        ],
    );

    let mut everyone = KindTotals::default();
    for (person, count, totals) in &sections {
        everyone.add(totals);
        // A person's section is never split across pages.
        flow.keep_together(24.0 + LEADING * 11.0 + 36.0);
        blocks::heading(
            &mut flow,
            &format!(
                "{} (client ID {})",
                person.client_name.trim(),
                person.client_id
            ),
        );
        payments_line(&mut flow, *count);
        table(&mut flow, totals, "Net amount received");
    }

    flow.keep_together(24.0 + LEADING * 11.0 + 50.0);
    blocks::heading(
        &mut flow,
        &format!("All {} together", people_words(people.len())),
    );
    let all_payments = sections.iter().map(|(_, count, _)| count).sum();
    payments_line(&mut flow, all_payments);
    blocks::highlight(
        &mut flow,
        &format!("Received by all {} together", people_words(people.len())),
        everyone.net(),
    );
    flow.y += 4.0;
    table(&mut flow, &everyone, "Grand total received");

    let pages = flow.finish(context);
    let meta = Metadata {
        title: heading.clone(),
        subject: format!("{TITLE} for {}", period.dates()),
    };
    Ok(document::to_pdf(
        pages,
        Orientation::Portrait,
        meta,
        context,
    ))
}

fn people_words(count: usize) -> String {
    match count {
        1 => "1 person".to_string(),
        n => format!("{n} people"),
    }
}

fn payments_line(flow: &mut Flow, count: usize) {
    let text = match count {
        0 => "No payments in this period.".to_string(),
        1 => "1 payment in this period.".to_string(),
        n => format!("{n} payments in this period."),
    };
    blocks::paragraph(flow, Face::Regular, BODY, 0.0, &text);
}

fn table(flow: &mut Flow, totals: &KindTotals, net_label: &str) {
    let rows: Vec<(&str, _)> = totals.rows().map(|(k, m)| (k.label(), m)).collect();
    blocks::totals_table(flow, &rows, net_label, totals.net(), TABLE_WIDTH);
}
