//! Pieces every document is built from: the council's masthead, headings, wrapped paragraphs,
//! label-and-value facts, and a "totals by kind" table that visibly adds up to the net amount.

use cfp_domain::Money;

use super::flow::Flow;
use super::fonts::{self, Face};
use crate::StatementContext;

pub(crate) const BODY: f32 = 11.5;
pub(crate) const LEADING: f32 = 16.0;
const BAND_GREY: f32 = 0.92;

/// The council's name, the document's title, and how to contact the finance team.
pub(crate) fn masthead(flow: &mut Flow, context: &StatementContext, title: &str) {
    let (left, width) = (flow.left(), flow.width());
    for line in fonts::wrap(Face::Bold, 20.0, context.council_name.trim(), width) {
        flow.y += 22.0;
        flow.text(left, Face::Bold, 20.0, &line);
    }
    for line in fonts::wrap(Face::Bold, 15.0, title, width) {
        flow.y += 22.0;
        flow.text(left, Face::Bold, 15.0, &line);
    }
    flow.y += 4.0;
    paragraph(flow, Face::Regular, BODY, 0.0, &context.contact_line());
    flow.y += 8.0;
    let right = flow.right();
    flow.rule(left, right, 1.0);
    flow.y += 6.0;
}

/// A bold heading with space above it, kept on the same page as what follows it.
pub(crate) fn heading(flow: &mut Flow, text: &str) {
    const SIZE: f32 = 13.5;
    let lines = fonts::wrap(Face::Bold, SIZE, text, flow.width());
    let extra = 18.0 * (lines.len() as f32 - 1.0);
    flow.keep_together(24.0 + extra + 3.0 * LEADING);
    flow.y += 6.0;
    let left = flow.left();
    for line in &lines {
        flow.y += 18.0;
        flow.text(left, Face::Bold, SIZE, line);
    }
    flow.y += 4.0;
}

/// Wrapped text starting `indent` points in from the left margin, continuing on a new page
/// when it reaches the bottom.
pub(crate) fn paragraph(flow: &mut Flow, face: Face, size: f32, indent: f32, text: &str) {
    let leading = size * 1.4;
    let x = flow.left() + indent;
    let width = flow.width() - indent;
    let lines = fonts::wrap(face, size, text, width);
    // A short paragraph moves to the next page whole rather than leave a word behind.
    if lines.len() <= 4 {
        flow.keep_together(leading * lines.len() as f32);
    }
    for line in lines {
        flow.keep_together(leading);
        flow.y += leading;
        flow.text(x, face, size, &line);
    }
}

/// Label-and-value pairs in two columns ("Client ID    100234567").
pub(crate) fn facts(flow: &mut Flow, rows: &[(&str, String)]) {
    let label_width = 120.0;
    let x_value = flow.left() + label_width;
    let value_width = flow.width() - label_width;
    for (label, value) in rows {
        let lines = fonts::wrap(Face::Regular, BODY, value, value_width);
        flow.keep_together(LEADING * lines.len() as f32);
        flow.y += LEADING;
        let left = flow.left();
        flow.text(left, Face::Bold, BODY, label);
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                flow.y += LEADING;
            }
            flow.text(x_value, Face::Regular, BODY, line);
        }
    }
}

/// A shaded band with a label on the left and an amount on the right, for the one figure a
/// person looks for first ("Amount paid  £575.72").
pub(crate) fn highlight(flow: &mut Flow, label: &str, amount: Money) {
    let height = 34.0;
    flow.keep_together(height + 10.0);
    flow.y += 10.0;
    let (left, right, top) = (flow.left(), flow.right(), flow.y);
    let page = flow.page();
    page.band(left, right, top, height, BAND_GREY);
    page.text(left + 10.0, top + 22.0, Face::Bold, 14.0, label);
    page.text_right(
        right - 10.0,
        top + 23.0,
        Face::Bold,
        16.0,
        &amount.to_display_gbp(),
    );
    flow.y += height;
}

/// One row per kind with its total, a rule, then the net amount in bold between two rules, so a
/// reader can add the column up and check it. Kept on one page.
pub(crate) fn totals_table(
    flow: &mut Flow,
    rows: &[(&str, Money)],
    net_label: &str,
    net: Money,
    width: f32,
) {
    flow.keep_together(LEADING * (rows.len() as f32 + 2.5) + 8.0);
    let left = flow.left();
    let right = left + width;
    for (label, amount) in rows {
        flow.y += LEADING;
        flow.text(left, Face::Regular, BODY, label);
        flow.text_right(right, Face::Regular, BODY, &amount.to_display_gbp());
    }
    flow.y += 6.0;
    flow.rule(left, right, 0.75);
    flow.y += LEADING + 2.0;
    flow.text(left, Face::Bold, 12.5, net_label);
    flow.text_right(right, Face::Bold, 12.5, &net.to_display_gbp());
    flow.y += 6.0;
    flow.rule(left, right, 0.75);
    flow.y += 2.0;
    flow.rule(left, right, 0.75);
    flow.y += 2.0;
}

/// Explanations sit a little in from the figure they explain.
const EXPLANATION_INDENT: f32 = 14.0;
const EXPLANATION_SIZE: f32 = 11.0;

/// One figure: its label in bold with the amount on the right, then what it means in smaller
/// text below, kept together with the start of that explanation, and a thin rule under it.
pub(crate) fn explained_figure(flow: &mut Flow, label: &str, amount: &str, explanation: &str) {
    let text_width = flow.width() - EXPLANATION_INDENT;
    let first_lines = fonts::wrap(Face::Regular, EXPLANATION_SIZE, explanation, text_width).len();
    flow.keep_together(LEADING + 8.0 + EXPLANATION_SIZE * 1.4 * first_lines.min(3) as f32);
    flow.y += LEADING + 6.0;
    let (left, right) = (flow.left(), flow.right());
    let amount_width = fonts::width(Face::Bold, BODY, amount);
    let label = fonts::fit(Face::Bold, BODY, label, flow.width() - amount_width - 12.0);
    flow.text(left, Face::Bold, BODY, &label);
    flow.text_right(right, Face::Bold, BODY, amount);
    if !explanation.is_empty() {
        paragraph(
            flow,
            Face::Regular,
            EXPLANATION_SIZE,
            EXPLANATION_INDENT,
            explanation,
        );
    }
    flow.y += 6.0;
    flow.rule(left, right, 0.4);
}

/// The running header of a continued page: the council, and the document's title and reference.
pub(crate) fn continued_header(
    context: &StatementContext,
    title: &str,
    reference: &str,
) -> super::flow::RunningHeader {
    use super::flow::MARGIN;
    let continued = format!("{title} {reference} (continued)");
    let council = context.council_name.trim().to_string();
    Box::new(move |page| {
        page.text(MARGIN, MARGIN + 12.0, Face::Bold, 12.0, &council);
        page.text(MARGIN, MARGIN + 30.0, Face::Regular, BODY, &continued);
        MARGIN + 44.0
    })
}
