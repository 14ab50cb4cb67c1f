//! The views of the IPC contract as readable text. Every explanation comes from the views
//! (and so from `cfp-domain`): the command line says exactly what the app says.

use std::fmt::Write;

use cfp_core::{AccessRequestView, DocumentListView, DocumentView, PersonView, SyncSummaryView};
use cfp_domain::{AccessRequestState, Money};

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
        "Paid on", "Reference", "Period", "Amount"
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

fn contact(out: &mut String, view: &DocumentView) {
    let address = view
        .contact_link
        .strip_prefix("mailto:")
        .and_then(|rest| rest.split('?').next())
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\nQuestions about this payment? Email the finance team at {address}\n  ({})",
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
}
