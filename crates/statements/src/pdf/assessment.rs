//! The PDF of one financial assessment result: whose, when it applies from, the weekly
//! contribution, every step of the working with the domain's explanation, and the steps added
//! up so a reader can check them.

use cfp_domain::{FinancialAssessmentResult, Money};

use super::blocks::{self, BODY};
use super::canvas::Orientation;
use super::document::{self, Metadata};
use super::flow::Flow;
use super::fonts::Face;
use crate::dates::long_date;
use crate::{StatementContext, StatementError};

const TITLE: &str = "Financial assessment result";
const CONTRIBUTION: &str = "Weekly contribution";

/// A PDF of one result, A4 portrait.
pub fn assessment_pdf(
    result: &FinancialAssessmentResult,
    context: &StatementContext,
) -> Result<Vec<u8>, StatementError> {
    let mut flow = Flow::new(
        Orientation::Portrait,
        blocks::continued_header(context, TITLE, result.reference()),
    );

    blocks::masthead(&mut flow, context, TITLE);
    let mut facts = vec![
        ("Name", result.client_name().to_string()),
        ("Client ID", result.client_id().to_string()),
        ("Reference", result.reference().to_string()),
        ("Assessed on", long_date(result.assessed_on())),
        ("Applies from", long_date(result.applies_from())),
    ];
    if let Some(capital) = result.capital() {
        facts.push(("Capital", capital.to_display_gbp()));
    }
    blocks::facts(&mut flow, &facts);
    blocks::highlight(&mut flow, CONTRIBUTION, result.weekly_contribution());

    blocks::heading(&mut flow, "How your contribution was worked out");
    let labels: Vec<String> = result
        .steps()
        .iter()
        .enumerate()
        .map(|(index, step)| {
            let description = step.description.trim();
            if description.is_empty() {
                format!("{}. {}", index + 1, step.kind.label())
            } else {
                format!("{}. {} ({description})", index + 1, step.kind.label())
            }
        })
        .collect();
    for (step, label) in result.steps().iter().zip(&labels) {
        blocks::explained_figure(
            &mut flow,
            label,
            &format!("{} a week", step.weekly_amount.to_display_gbp()),
            step.kind.explanation(),
        );
    }

    blocks::heading(&mut flow, "How the steps add up");
    let rows: Vec<(&str, Money)> = labels
        .iter()
        .map(String::as_str)
        .zip(result.steps().iter().map(|s| s.weekly_amount))
        .collect();
    let width = flow.width();
    match result.pays_nothing_sentence() {
        None => blocks::totals_table(
            &mut flow,
            &rows,
            CONTRIBUTION,
            result.weekly_contribution(),
            width,
        ),
        Some(sentence) => {
            // Less than nothing: show the real sum, then why the contribution is zero.
            blocks::totals_table(
                &mut flow,
                &rows,
                "The steps add up to",
                result.steps_total(),
                width,
            );
            blocks::paragraph(&mut flow, Face::Regular, BODY, 0.0, sentence);
            blocks::facts(
                &mut flow,
                &[(CONTRIBUTION, result.weekly_contribution().to_display_gbp())],
            );
        }
    }

    if let Some(note) = result.note() {
        blocks::heading(&mut flow, "The finance team's note");
        blocks::paragraph(&mut flow, Face::Regular, BODY, 0.0, note.trim());
    }

    let pages = flow.finish(context);
    let meta = Metadata {
        title: format!("{TITLE} {}", result.reference()),
        subject: format!(
            "Weekly contribution of {} from {}",
            result.weekly_contribution().to_display_gbp(),
            long_date(result.applies_from())
        ),
    };
    Ok(document::to_pdf(
        pages,
        Orientation::Portrait,
        meta,
        context,
    ))
}
