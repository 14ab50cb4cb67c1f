//! The views of the IPC contract as readable text. Every explanation comes from the views
//! (and so from `cfp-domain`): the command line says exactly what the app says.

use std::fmt::Write;

use cfp_core::{
    AccessRequestView, AssessmentView, BalanceRole, DeferredPaymentView, DocumentListView,
    DocumentView, PersonView, SyncSummaryView,
};
use cfp_domain::{AccessRequestState, DocumentKind, Money};

fn gbp(money: Money) -> String {
    money.to_display_gbp()
}

/// Lines of at most `width` characters, each starting with `indent`.
fn wrap(text: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > width {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
    out
}

const WIDTH: usize = 88;

/// A wrapped bullet point: "  - " then lines indented under the text.
fn bullet(text: &str) -> String {
    let wrapped = wrap(text, "    ", WIDTH);
    match wrapped.strip_prefix("    ") {
        Some(rest) => format!("  - {rest}"),
        None => wrapped,
    }
}

pub fn people(people: &[PersonView]) -> String {
    if people.is_empty() {
        return "There is nobody whose documents you can see yet. Run `sync` after the council \
                approves a request.\n"
            .to_string();
    }
    let mut out = String::new();
    for p in people {
        let _ = writeln!(out, "{}", p.name);
        let _ = writeln!(out, "  Your role:   {}", p.relationship_label);
        let _ = writeln!(out, "  Client ID:   {}", p.client_id);
        let _ = writeln!(
            out,
            "  Updated:     {}",
            p.last_synced_at.as_deref().unwrap_or("not yet")
        );
        if let Some(latest) = &p.latest_payment {
            let _ = writeln!(
                out,
                "  Last payment: {} on {}",
                latest.net.map(gbp).unwrap_or_default(),
                latest.date
            );
        }
        let _ = writeln!(out, "  Id:          {}", p.person_id);
        out.push('\n');
    }
    out
}

pub fn documents(list: &DocumentListView) -> String {
    let mut out = format!(
        "Documents for {} ({} in all)\n\n",
        list.person.name, list.total
    );
    if list.documents.is_empty() {
        out.push_str("None yet. Run `sync` to download them.\n");
        return out;
    }
    let _ = writeln!(
        out,
        "{:<12} {:<24} {:<25} {:>12}  Id",
        "Date", "Reference", "Period", "Amount"
    );
    for d in &list.documents {
        let period = match (&d.period_from, &d.period_to) {
            (Some(from), Some(to)) => format!("{from} to {to}"),
            _ => d.kind_label.clone(),
        };
        let _ = writeln!(
            out,
            "{:<12} {:<24} {:<25} {:>12}  {}",
            d.date,
            d.reference.as_deref().unwrap_or("-"),
            period,
            d.net.map(gbp).unwrap_or_default(),
            d.document_id
        );
    }
    out
}

pub fn document(view: &DocumentView) -> String {
    let mut out = String::new();
    let summary = &view.summary;
    let _ = writeln!(
        out,
        "{} {}",
        summary.kind_label,
        summary.reference.as_deref().unwrap_or("")
    );
    let _ = writeln!(
        out,
        "For {} (client ID {})",
        view.person.name, view.person.client_id
    );
    if let Some(statement) = &view.deferred_payment {
        deferred_payment(&mut out, statement);
        contact(&mut out, view);
        return out;
    }
    if let Some(assessment) = &view.assessment {
        assessment_result(&mut out, assessment);
        contact(&mut out, view);
        return out;
    }
    let Some(advice) = &view.advice else {
        out.push_str(&wrap(&view.kind_meaning, "", WIDTH));
        let _ = writeln!(out, "Dated {}", summary.date);
        contact(&mut out, view);
        return out;
    };
    let h = &advice.header;
    let _ = writeln!(out, "Paid to:       {}", h.payee);
    let _ = writeln!(
        out,
        "Period:        {} to {} ({} days)",
        h.period_from,
        h.period_to,
        h.period_days()
    );
    let _ = writeln!(out, "Agreed on:     {}", h.finalised_on);
    let _ = writeln!(out, "Payment date:  {}", h.payment_date);

    for group in &advice.groups {
        let _ = writeln!(out, "\n{}", group.label);
        out.push_str(&wrap(&group.meaning, "  ", WIDTH));
        for line in &group.lines {
            let _ = writeln!(
                out,
                "  - {}: {} ({})",
                line.description,
                gbp(line.amount),
                line.explanation.effect.words().to_lowercase()
            );
            if let Some(working) = &line.explanation.working {
                out.push_str(&wrap(working, "      ", WIDTH));
            }
            if let Some(note) = &line.explanation.council_note {
                out.push_str(&wrap(&format!("The council says: {note}"), "      ", WIDTH));
            }
        }
        let _ = writeln!(
            out,
            "  Total for {}: {}",
            group.label.to_lowercase(),
            gbp(group.subtotal)
        );
    }

    let t = &advice.totals;
    out.push_str("\nHow the payment adds up\n");
    let _ = writeln!(out, "  Added:      {:>12}", gbp(t.added));
    let _ = writeln!(out, "  Taken off:  {:>12}", gbp(t.taken_off));
    let _ = writeln!(out, "  Paid:       {:>12}", gbp(t.paid));

    match &advice.previous_payment_date {
        None => out.push_str(
            "\nWhat changed since the last payment\n  This is the first payment kept on this computer.\n",
        ),
        Some(date) => {
            let _ = writeln!(out, "\nWhat changed since the last payment (paid on {date})");
            if advice.changes.is_empty() {
                out.push_str("  Nothing changed.\n");
            }
            for change in &advice.changes {
                out.push_str(&bullet(&change.sentence));
            }
        }
    }
    contact(&mut out, view);
    out
}

fn deferred_payment(out: &mut String, statement: &DeferredPaymentView) {
    let h = &statement.header;
    let _ = writeln!(out, "Agreement:     {}", h.agreement_reference);
    let _ = writeln!(out, "Period:        {} to {}", h.period_from, h.period_to);
    let _ = writeln!(out, "Sent on:       {}", h.issued_on);

    out.push_str("\nHow the balance changed\n");
    for step in &statement.balance {
        let sign = match step.role {
            BalanceRole::Start => "",
            BalanceRole::Adds => "plus ",
            BalanceRole::TakesOff => "minus ",
            BalanceRole::Result => "equals ",
        };
        let _ = writeln!(
            out,
            "  {:<36} {:>14}",
            format!("{sign}{}", step.figure.label),
            gbp(step.figure.amount)
        );
    }
    let _ = writeln!(
        out,
        "\n{:<14} {}",
        format!("{}:", statement.equity_limit.label),
        gbp(statement.equity_limit.amount)
    );
    let _ = writeln!(
        out,
        "{:<14} {}",
        format!("{}:", statement.headroom.label),
        gbp(statement.headroom.amount)
    );
    let headroom = if statement.past_equity_limit {
        format!("WARNING: {}", statement.headroom_sentence)
    } else {
        statement.headroom_sentence.clone()
    };
    out.push_str(&wrap(&headroom, "", WIDTH));

    out.push_str("\nInterest rates\n");
    for rate in &statement.interest_rates {
        let _ = writeln!(
            out,
            "  From {}: {}% a year",
            rate.applies_from, rate.percent_a_year
        );
    }

    out.push_str("\nWhat each figure means\n");
    let figures = statement
        .balance
        .iter()
        .map(|step| &step.figure)
        .chain([&statement.equity_limit, &statement.headroom]);
    for figure in figures {
        let _ = writeln!(out, "  - {}: {}", figure.label, gbp(figure.amount));
        out.push_str(&wrap(&figure.explanation, "      ", WIDTH));
    }
}

fn assessment_result(out: &mut String, assessment: &AssessmentView) {
    let _ = writeln!(
        out,
        "Weekly contribution: {} a week, from {}",
        gbp(assessment.weekly_contribution),
        assessment.applies_from
    );
    let _ = writeln!(out, "Worked out on:       {}", assessment.assessed_on);
    if let Some(capital) = assessment.capital {
        let _ = writeln!(out, "Savings counted:     {}", gbp(capital));
    }

    out.push_str("\nHow it was worked out (a week)\n");
    for step in &assessment.steps {
        let _ = writeln!(
            out,
            "  {:<44} {:>12}",
            format!("{} ({})", step.description, step.label),
            gbp(step.weekly_amount)
        );
    }
    if let Some(sentence) = &assessment.pays_nothing_sentence {
        let _ = writeln!(
            out,
            "  {:<44} {:>12}",
            "Adds up to",
            gbp(assessment.steps_total)
        );
        let _ = writeln!(
            out,
            "  {:<44} {:>12}",
            "Weekly contribution",
            gbp(assessment.weekly_contribution)
        );
        out.push_str(&wrap(sentence, "  ", WIDTH));
    } else {
        let _ = writeln!(
            out,
            "  {:<44} {:>12}",
            "Weekly contribution",
            gbp(assessment.steps_total)
        );
    }
    if let Some(note) = &assessment.note {
        out.push('\n');
        out.push_str(&wrap(&format!("The council says: {note}"), "", WIDTH));
    }

    out.push_str("\nWhat each step means\n");
    for step in &assessment.steps {
        let _ = writeln!(
            out,
            "  - {}: {} ({})",
            step.description,
            gbp(step.weekly_amount),
            step.label
        );
        out.push_str(&wrap(&step.explanation, "      ", WIDTH));
    }
}

fn contact(out: &mut String, view: &DocumentView) {
    let address = view
        .contact_link
        .strip_prefix("mailto:")
        .and_then(|rest| rest.split('?').next())
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\nQuestions about this {}? Email the finance team at {address}\n  ({})",
        match view.summary.kind {
            DocumentKind::RemittanceAdvice => "payment",
            DocumentKind::DeferredPaymentStatement => "statement",
            DocumentKind::FinancialAssessmentResult => "assessment",
        },
        view.contact_link
    );
}

pub fn requests(requests: &[AccessRequestView]) -> String {
    if requests.is_empty() {
        return "You have not asked to see anyone's documents yet.\n".to_string();
    }
    let mut out = String::new();
    for r in requests {
        let who = if r.person_name.is_empty() {
            "A change to a request"
        } else {
            r.person_name.as_str()
        };
        let _ = writeln!(out, "{who} ({})", r.relationship_label);
        let _ = writeln!(out, "  Status:  {}", r.status_label);
        if let Some(
            AccessRequestState::Rejected { reason } | AccessRequestState::Removed { reason },
        ) = &r.state
        {
            out.push_str(&wrap(&format!("Why: {reason}"), "  ", WIDTH));
        }
        let _ = writeln!(out, "  Sent:    {}", r.submitted_at);
        if r.can_resubmit {
            out.push_str("  You can correct this request and send it again in the app.\n");
        }
        out.push('\n');
    }
    out
}

pub fn sync_summary(summary: &SyncSummaryView) -> String {
    let mut out = wrap(&summary.summary, "", WIDTH);
    for problem in &summary.problems {
        out.push_str(&bullet(problem));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_wraps_at_word_boundaries_with_an_indent() {
        let text = "one two three four five six";
        assert_eq!(
            wrap(text, "  ", 14),
            "  one two\n  three four\n  five six\n"
        );
        assert_eq!(wrap("", "  ", 14), "");
    }

    #[test]
    fn a_deferred_payment_statement_reads_as_a_sum_with_every_figure_explained() {
        use cfp_domain::DeferredItem;
        let statement = cfp_domain::samples::deferred_payment_statement(
            "DPS-1",
            "100318859",
            "A B",
            "20000.00",
        );
        let mut out = String::new();
        deferred_payment(
            &mut out,
            &cfp_portal::kinds::deferred_payment_view(&statement),
        );
        for expected in [
            "  plus Care costs deferred",
            "  minus Payments received",
            "  equals Closing balance                   £20,742.40",
            "Headroom:      -£742.40",
            "WARNING: You owe £742.40 more than your equity limit of £20,000.00.",
            "  From 2025-07-01: 2.65% a year",
        ] {
            assert!(out.contains(expected), "{expected:?} in\n{out}");
        }
        for item in DeferredItem::ALL {
            let first_words: String = item.explanation().chars().take(40).collect();
            assert!(out.contains(&first_words), "{item:?} explained");
        }
    }

    #[test]
    fn an_assessment_reads_as_its_working_totalling_the_weekly_contribution() {
        use cfp_domain::AssessmentStepKind;
        let result = cfp_domain::samples::assessment_result(
            "FA-1",
            "100234567",
            "A B",
            Some("Backdated to January."),
        );
        let mut out = String::new();
        assessment_result(&mut out, &cfp_portal::kinds::assessment_view(&result));
        for expected in [
            "Weekly contribution: £21.30 a week, from 2026-01-05",
            "  Council tax (Housing costs)",
            "-£15.00",
            "  Weekly contribution                                £21.30",
            "The council says: Backdated to January.",
            &AssessmentStepKind::HousingCosts.explanation()[..40],
        ] {
            assert!(out.contains(expected), "{expected:?} in\n{out}");
        }
    }
}
