//! The PDF of one remittance advice: what was paid, for whom, for when, and what every line
//! means, in the domain's own words ([`cfp_domain::explain_line`]).

use cfp_domain::{explain_line, RemittanceAdvice, RemittanceLine};

use super::blocks::{self, BODY, LEADING};
use super::canvas::Orientation;
use super::document::{self, Metadata};
use super::flow::{Flow, MARGIN};
use super::fonts::{self, Face};
use crate::dates::long_date;
use crate::{StatementContext, StatementError};

const TITLE: &str = "Direct Payment remittance advice";
/// Explanations sit a little in from the line they explain.
const INDENT: f32 = 14.0;
const EXPLANATION_SIZE: f32 = 11.0;

/// A PDF of one advice, A4 portrait.
pub fn advice_pdf(
    advice: &RemittanceAdvice,
    context: &StatementContext,
) -> Result<Vec<u8>, StatementError> {
    let h = advice.header();
    let continued = format!("{TITLE} {} (continued)", h.reference);
    let council = context.council_name.trim().to_string();
    let mut flow = Flow::new(
        Orientation::Portrait,
        Box::new(move |page| {
            page.text(MARGIN, MARGIN + 12.0, Face::Bold, 12.0, &council);
            page.text(MARGIN, MARGIN + 30.0, Face::Regular, BODY, &continued);
            MARGIN + 44.0
        }),
    );

    blocks::masthead(&mut flow, context, TITLE);
    blocks::facts(
        &mut flow,
        &[
            ("Name", h.client_name.clone()),
            ("Client ID", h.client_id.to_string()),
            ("Paid to", h.payee.clone()),
            ("Reference", h.reference.clone()),
            (
                "Period",
                format!(
                    "{} to {} ({} {})",
                    long_date(h.period_from),
                    long_date(h.period_to),
                    h.period_days(),
                    if h.period_days() == 1 { "day" } else { "days" }
                ),
            ),
            ("Payment date", long_date(h.payment_date)),
            ("Finalised on", long_date(h.finalised_on)),
        ],
    );
    blocks::highlight(&mut flow, "Amount paid", advice.net_amount());

    blocks::heading(&mut flow, "What makes up this payment");
    line_table_header(&mut flow);
    for (number, line) in advice.lines().iter().enumerate() {
        explained_line(&mut flow, number + 1, line);
    }

    blocks::heading(&mut flow, "How the lines add up");
    let rows: Vec<(&str, _)> = advice
        .lines_by_kind()
        .into_iter()
        .map(|(kind, _)| (kind.label(), advice.total_of(kind)))
        .collect();
    let width = flow.width();
    blocks::totals_table(&mut flow, &rows, "Amount paid", advice.net_amount(), width);

    let pages = flow.finish(context);
    let meta = Metadata {
        title: format!("{TITLE} {}", h.reference),
        subject: format!(
            "Direct Payment of {} paid on {}",
            advice.net_amount().to_display_gbp(),
            long_date(h.payment_date)
        ),
    };
    Ok(document::to_pdf(
        pages,
        Orientation::Portrait,
        meta,
        context,
    ))
}

/// Where the code column starts, from the left margin.
const CODE_COLUMN: f32 = 300.0;

fn line_table_header(flow: &mut Flow) {
    flow.y += LEADING;
    let (left, right) = (flow.left(), flow.right());
    flow.text(left, Face::Bold, BODY, "Line");
    flow.text(left + CODE_COLUMN, Face::Bold, BODY, "Code");
    flow.text_right(right, Face::Bold, BODY, "Amount");
    flow.y += 6.0;
    flow.rule(left, right, 0.75);
}

/// A line's label, code and amount, then what it means, how it was worked out and the
/// finance team's note, all from `explain_line`.
fn explained_line(flow: &mut Flow, number: usize, line: &RemittanceLine) {
    let explanation = explain_line(line);
    let (left, right) = (flow.left(), flow.right());
    let text_width = flow.width() - INDENT;
    let mut notes = vec![(Face::Regular, explanation.meaning.clone())];
    if let Some(working) = &explanation.working {
        notes.push((Face::Regular, format!("How it was worked out: {working}")));
    }
    if let Some(note) = &explanation.council_note {
        notes.push((Face::Bold, format!("The finance team's note: {note}")));
    }
    let description = line.description.trim();
    if !description.is_empty() && description != explanation.code {
        notes.push((
            Face::Regular,
            format!("The finance system describes it as: {description}"),
        ));
    }
    notes.push((Face::Regular, format!("{}.", explanation.effect.words())));

    // Keep the line's title with the start of its explanation.
    let first_lines = fonts::wrap(Face::Regular, EXPLANATION_SIZE, &notes[0].1, text_width).len();
    flow.keep_together(LEADING + 8.0 + EXPLANATION_SIZE * 1.4 * first_lines.min(3) as f32);
    flow.y += LEADING + 6.0;
    let label = format!("{number}. {}", explanation.label);
    let label = fonts::fit(Face::Bold, BODY, &label, CODE_COLUMN - 10.0);
    flow.text(left, Face::Bold, BODY, &label);
    flow.text(left + CODE_COLUMN, Face::Regular, BODY, &explanation.code);
    flow.text_right(right, Face::Bold, BODY, &line.amount.to_display_gbp());
    for (face, text) in &notes {
        blocks::paragraph(flow, *face, EXPLANATION_SIZE, INDENT, text);
    }
    flow.y += 6.0;
    flow.rule(left, right, 0.4);
}
