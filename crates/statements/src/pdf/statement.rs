//! The period statement for one person: a row for every payment in the period, the column
//! totals, and the totals by kind that add up to the net amount received.
//!
//! A4 landscape: nine columns at a readable size do not fit across a portrait page.

use cfp_domain::{LineKind, RemittanceAdvice};

use super::blocks::{self, BODY};
use super::canvas::{Orientation, Page};
use super::document::{self, Metadata};
use super::flow::{Flow, RunningHeader, MARGIN};
use super::fonts::{self, Face};
use crate::dates::short_date;
use crate::totals::{ColumnTotals, KindTotals};
use crate::{Period, PersonRecords, StatementContext, StatementError};

const TITLE: &str = "Direct Payment statement";
const TABLE_SIZE: f32 = 11.0;
/// Column headings are a point smaller so "Contributions" fits its column on one line.
const HEADING_SIZE: f32 = 10.0;
const ROW_HEIGHT: f32 = 19.0;
/// The tallest the column headings get (two lines, should a heading ever wrap).
const TABLE_HEADER_MAX: f32 = 35.0;
const ZEBRA_GREY: f32 = 0.95;
const TOTAL_GREY: f32 = 0.88;

/// Column widths in points, left to right; the six amount columns share what is left.
/// Sized for the widest values at 11 pt: "27 Sep 2026", "30 Sep 2026 to 13 Oct 2026" and
/// "RA-2026-000123" (longer references are shortened with "…"; the CSV has them in full).
const DATE_WIDTH: f32 = 76.0;
const PERIOD_WIDTH: f32 = 152.0;
const REFERENCE_WIDTH: f32 = 100.0;
const AMOUNT_HEADINGS: [&str; 6] = [
    "Budget",
    "Contributions",
    "One-off",
    "Adjustments",
    "Recoveries",
    "Net paid",
];

/// A PDF statement of every payment made to one person within the period.
pub fn period_statement_pdf(
    person: &PersonRecords<'_>,
    period: &Period,
    context: &StatementContext,
) -> Result<Vec<u8>, StatementError> {
    let advices = person.paid_in(period)?;
    let heading = format!("{TITLE}: {}", period.label());
    let who = format!(
        "{} (client ID {})",
        person.client_name.trim(),
        person.client_id
    );

    let mut flow = Flow::new(
        Orientation::Landscape,
        continuation_header(context, &heading, &who, true),
    );
    blocks::masthead(&mut flow, context, &heading);
    blocks::facts(
        &mut flow,
        &[
            ("Name", person.client_name.trim().to_string()),
            ("Client ID", person.client_id.to_string()),
            ("Period", period.dates()),
            (
                "Included",
                "Every payment with a payment date in this period.".to_string(),
            ),
        ],
    );
    let kinds = KindTotals::of(advices.iter().copied());
    blocks::highlight(
        &mut flow,
        &format!(
            "Net amount received from {} {}",
            advices.len(),
            if advices.len() == 1 {
                "payment"
            } else {
                "payments"
            }
        ),
        kinds.net(),
    );

    flow.y += 12.0;
    let columns = Columns::new(flow.left(), flow.right());
    if flow.fits(TABLE_HEADER_MAX + ROW_HEIGHT) {
        flow.y = columns.header(flow.page_and_y());
    } else {
        // A new page starts with the column headings anyway.
        flow.new_page();
    }
    if advices.is_empty() {
        flow.y += ROW_HEIGHT;
        let left = flow.left();
        flow.text(
            left,
            Face::Regular,
            BODY,
            "No payments were made in this period.",
        );
    }
    for (index, advice) in advices.iter().enumerate() {
        flow.keep_together(ROW_HEIGHT);
        let top = flow.y;
        columns.row(
            flow.page(),
            top,
            index % 2 == 1,
            &cells(advice),
            &ColumnTotals::of_advice(advice),
            false,
        );
        flow.y += ROW_HEIGHT;
    }
    if !advices.is_empty() {
        totals_row(&mut flow, &columns, &kinds);
    }

    // The table has ended: later pages need no column headings.
    flow.set_running_header(continuation_header(context, &heading, &who, false));
    blocks::heading(&mut flow, "Totals by kind of line");
    let rows: Vec<(&str, _)> = kinds.rows().map(|(k, m)| (k.label(), m)).collect();
    blocks::totals_table(&mut flow, &rows, "Net amount received", kinds.net(), 380.0);
    flow.y += 8.0;
    blocks::paragraph(
        &mut flow,
        Face::Regular,
        BODY,
        0.0,
        &format!(
            "The Adjustments column adds up rate adjustments ({}) and manual adjustments ({}). \
             Each advice explains its own lines: ask for the advice by its reference.",
            LineKind::RateAdjustment.code(),
            LineKind::ManualAdjustment.code()
        ),
    );

    let pages = flow.finish(context);
    let meta = Metadata {
        title: heading.clone(),
        subject: format!("{TITLE} for {}", period.dates()),
    };
    Ok(document::to_pdf(
        pages,
        Orientation::Landscape,
        meta,
        context,
    ))
}

/// The column totals, shaded, under the last payment.
fn totals_row(flow: &mut Flow, columns: &Columns, kinds: &KindTotals) {
    flow.keep_together(ROW_HEIGHT + 4.0);
    flow.y += 4.0;
    let top = flow.y;
    columns.row(
        flow.page(),
        top,
        false,
        &["Totals".to_string(), String::new(), String::new()],
        &ColumnTotals::from_kinds(kinds),
        true,
    );
    flow.y += ROW_HEIGHT;
}

/// The text cells of a row: payment date, period covered, reference.
fn cells(advice: &RemittanceAdvice) -> [String; 3] {
    let h = advice.header();
    [
        short_date(h.payment_date),
        format!(
            "{} to {}",
            short_date(h.period_from),
            short_date(h.period_to)
        ),
        h.reference.clone(),
    ]
}

fn continuation_header(
    context: &StatementContext,
    heading: &str,
    who: &str,
    with_table_header: bool,
) -> RunningHeader {
    let council = context.council_name.trim().to_string();
    let line = format!("{heading}, continued. {who}");
    Box::new(move |page: &mut Page| {
        let width = Orientation::Landscape.size().0;
        page.text(MARGIN, MARGIN + 12.0, Face::Bold, 12.0, &council);
        let line = fonts::fit(Face::Regular, BODY, &line, width - 2.0 * MARGIN);
        page.text(MARGIN, MARGIN + 30.0, Face::Regular, BODY, &line);
        let y = MARGIN + 44.0;
        if with_table_header {
            Columns::new(MARGIN, width - MARGIN).header((page, y))
        } else {
            y
        }
    })
}

/// Where each column is, so the header, the rows and the totals line up.
struct Columns {
    left: f32,
    right: f32,
    /// Left edges of payment date, period and reference.
    text_x: [f32; 3],
    /// Right edges of the six amount columns.
    amount_right: [f32; 6],
    amount_width: f32,
}

impl Columns {
    fn new(left: f32, right: f32) -> Self {
        let pad = 6.0;
        // Amounts sit closer to their column's right edge, leaving room for long headings.
        let amount_pad = 4.0;
        let text_x = [
            left + pad,
            left + DATE_WIDTH + pad,
            left + DATE_WIDTH + PERIOD_WIDTH + pad,
        ];
        let amounts_left = left + DATE_WIDTH + PERIOD_WIDTH + REFERENCE_WIDTH;
        let amount_width = (right - amounts_left) / 6.0;
        let amount_right =
            std::array::from_fn(|i| amounts_left + amount_width * (i as f32 + 1.0) - amount_pad);
        Columns {
            left,
            right,
            text_x,
            amount_right,
            amount_width,
        }
    }

    /// Draws the column headings at `top` and returns where the first row starts.
    fn header(&self, (page, top): (&mut Page, f32)) -> f32 {
        let labels = ["Payment date", "Period covered", "Reference"];
        let widths = [DATE_WIDTH, PERIOD_WIDTH, REFERENCE_WIDTH];
        let mut deepest: f32 = 1.0;
        for ((x, label), width) in self.text_x.iter().zip(labels).zip(widths) {
            let lines = fonts::wrap(Face::Bold, HEADING_SIZE, label, width - 10.0);
            deepest = deepest.max(lines.len() as f32);
            for (i, line) in lines.iter().enumerate() {
                page.text(
                    *x,
                    top + 14.0 + i as f32 * 13.0,
                    Face::Bold,
                    HEADING_SIZE,
                    line,
                );
            }
        }
        for (right, label) in self.amount_right.iter().zip(AMOUNT_HEADINGS) {
            let lines = fonts::wrap(Face::Bold, HEADING_SIZE, label, self.amount_width - 4.0);
            deepest = deepest.max(lines.len() as f32);
            for (i, line) in lines.iter().enumerate() {
                page.text_right(
                    *right,
                    top + 14.0 + i as f32 * 13.0,
                    Face::Bold,
                    HEADING_SIZE,
                    line,
                );
            }
        }
        let bottom = top + 8.0 + deepest * 13.0;
        page.rule(self.left, self.right, bottom, 1.0);
        bottom + 1.0
    }

    /// One payment (or the totals) at `top`.
    fn row(
        &self,
        page: &mut Page,
        top: f32,
        shaded: bool,
        texts: &[String; 3],
        amounts: &ColumnTotals,
        is_total: bool,
    ) {
        if is_total {
            page.band(self.left, self.right, top, ROW_HEIGHT, TOTAL_GREY);
        } else if shaded {
            page.band(self.left, self.right, top, ROW_HEIGHT, ZEBRA_GREY);
        }
        let face = if is_total { Face::Bold } else { Face::Regular };
        let baseline = top + 13.5;
        let widths = [DATE_WIDTH, PERIOD_WIDTH, REFERENCE_WIDTH];
        for ((x, text), width) in self.text_x.iter().zip(texts).zip(widths) {
            let text = fonts::fit(face, TABLE_SIZE, text, width - 10.0);
            page.text(*x, baseline, face, TABLE_SIZE, &text);
        }
        for (right, amount) in self.amount_right.iter().zip(amounts.amounts()) {
            // The net column is bold on every row: it is the money that arrived.
            let face = if *right == self.amount_right[5] {
                Face::Bold
            } else {
                face
            };
            page.text_right(*right, baseline, face, TABLE_SIZE, &amount.to_display_gbp());
        }
        if is_total {
            page.rule(self.left, self.right, top, 1.0);
        }
    }
}
