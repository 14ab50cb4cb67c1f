//! A person's documents: the list (filtered by kind and period, with search), and one document
//! with its advice explained and a link to ask the finance team about it. Everything comes
//! from the local store, so it works offline.

use cfp_core::{DocumentListView, DocumentQuery, DocumentSummaryView, DocumentView, IpcError};
use cfp_domain::{DeferredItem, DeferredPaymentStatement, DocumentKind, FinancialAssessmentResult};
use cfp_store::{
    Document, DocumentContent, DocumentFilter, DocumentId, DocumentSummary, PersonId, Store,
    StoredPerson,
};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use time::Date;

use crate::advice::advice_view;
use crate::kinds::{assessment_view, deferred_payment_view, typed_body};
use crate::{errors, Portal};

impl Portal {
    /// `documents`: one person's documents, newest first, narrowed by `query`.
    pub async fn documents(
        &self,
        person_id: &str,
        query: &DocumentQuery,
    ) -> Result<DocumentListView, IpcError> {
        let store = self.store().await?;
        let person = find_person(&store, person_id).await?;
        let id = &person.access.person_id;
        let filter = DocumentFilter {
            kind: query.kind,
            from: parse_date(query.from.as_deref(), "The 'from' date")?,
            to: parse_date(query.to.as_deref(), "The 'to' date")?,
        };
        let total = if filter == DocumentFilter::default() {
            None
        } else {
            Some(
                store
                    .list_documents(id, &DocumentFilter::default())
                    .await
                    .map_err(errors::store)?
                    .len(),
            )
        };
        let mut listed = store
            .list_documents(id, &filter)
            .await
            .map_err(errors::store)?;
        let total = total.unwrap_or(listed.len());
        let words = search_words(query.search.as_deref());
        if !words.is_empty() {
            let mut kept = Vec::new();
            for summary in listed {
                let document = store
                    .get_document(id, &summary.document_id)
                    .await
                    .map_err(errors::store)?;
                if document.is_some_and(|d| matches_all(&d, &words)) {
                    kept.push(summary);
                }
            }
            listed = kept;
        }
        Ok(DocumentListView {
            person: self.person_view(&store, &person).await?,
            documents: listed.iter().map(summary_view).collect(),
            total: u32::try_from(total).unwrap_or(u32::MAX),
        })
    }

    /// `document`: one document; a remittance advice comes explained, with what changed since
    /// the payment before it; a Deferred Payment statement and an assessment result come
    /// explained figure by figure.
    pub async fn document(
        &self,
        person_id: &str,
        document_id: &str,
    ) -> Result<DocumentView, IpcError> {
        let store = self.store().await?;
        let person = find_person(&store, person_id).await?;
        let pid = &person.access.person_id;
        let did = DocumentId(document_id.to_string());
        let document = store
            .get_document(pid, &did)
            .await
            .map_err(errors::store)?
            .ok_or_else(|| errors::not_found("That document"))?;
        let mut view = DocumentView {
            person: self.person_view(&store, &person).await?,
            contact_link: String::new(),
            kind_meaning: document.summary.kind.meaning().to_string(),
            summary: summary_view(&document.summary),
            advice: None,
            deferred_payment: None,
            assessment: None,
        };
        match (&document.content, document.summary.kind) {
            (DocumentContent::Remittance(advice), _) => {
                let previous = store
                    .previous_remittance(pid, &did)
                    .await
                    .map_err(errors::store)?;
                view.advice = Some(advice_view(advice, previous.as_ref().map(|(_, a)| a)));
            }
            (DocumentContent::Other(body), kind @ DocumentKind::DeferredPaymentStatement) => {
                view.deferred_payment = typed_body(kind, body).map(|s| deferred_payment_view(&s));
            }
            (DocumentContent::Other(body), kind @ DocumentKind::FinancialAssessmentResult) => {
                view.assessment = typed_body(kind, body).map(|r| assessment_view(&r));
            }
            // The store always reads a remittance back as an advice.
            (DocumentContent::Other(_), DocumentKind::RemittanceAdvice) => {}
        }
        view.contact_link = contact_link(&self.profile.contact_email, &view.summary);
        Ok(view)
    }
}

pub(crate) async fn find_person(store: &Store, person_id: &str) -> Result<StoredPerson, IpcError> {
    store
        .person(&PersonId(person_id.to_string()))
        .await
        .map_err(errors::store)?
        .ok_or_else(|| errors::not_found("That person"))
}

fn parse_date(text: Option<&str>, what: &str) -> Result<Option<Date>, IpcError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format)
        .map(Some)
        .map_err(|_| errors::invalid(format!("{what} must be a real date, like 2026-04-06.")))
}

pub fn summary_view(summary: &DocumentSummary) -> DocumentSummaryView {
    DocumentSummaryView {
        document_id: summary.document_id.as_str().to_string(),
        kind: summary.kind,
        kind_label: summary.kind.label().to_string(),
        reference: summary.reference.clone(),
        date: summary.payment_date.to_string(),
        period_from: summary.period_from.map(|d| d.to_string()),
        period_to: summary.period_to.map(|d| d.to_string()),
        net: summary.net,
    }
}

fn search_words(search: Option<&str>) -> Vec<String> {
    search
        .unwrap_or_default()
        .split_whitespace()
        .map(|w| w.trim_start_matches('£').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether every word appears in the document's reference, a line's (or an assessment step's)
/// description or note, a statement's agreement reference, or an amount (as "12.50" or "-12.50").
fn matches_all(document: &Document, words: &[String]) -> bool {
    let mut text = document
        .summary
        .reference
        .clone()
        .unwrap_or_default()
        .to_lowercase();
    if let DocumentContent::Remittance(advice) = &document.content {
        for line in advice.lines() {
            text.push('\n');
            text.push_str(&line.description.to_lowercase());
            text.push(' ');
            text.push_str(&line.amount.to_plain_string());
            if let Some(note) = &line.council_note {
                text.push(' ');
                text.push_str(&note.to_lowercase());
            }
        }
        text.push(' ');
        text.push_str(&advice.net_amount().to_plain_string());
    }
    if let DocumentContent::Other(body) = &document.content {
        let kind = document.summary.kind;
        if let Some(statement) = typed_body::<DeferredPaymentStatement>(kind, body) {
            text.push('\n');
            text.push_str(&statement.header().agreement_reference.to_lowercase());
            for item in DeferredItem::ALL {
                text.push(' ');
                text.push_str(&statement.amount_of(item).to_plain_string());
            }
        }
        if let Some(result) = typed_body::<FinancialAssessmentResult>(kind, body) {
            for step in result.steps() {
                text.push('\n');
                text.push_str(&step.description.to_lowercase());
                text.push(' ');
                text.push_str(&step.weekly_amount.to_plain_string());
            }
            text.push(' ');
            text.push_str(&result.weekly_contribution().to_plain_string());
        }
    }
    words.iter().all(|w| text.contains(w.as_str()))
}

/// Characters left as they are in a mailto: subject; everything else is percent-encoded
/// (RFC 6068), so a space is %20, never '+'.
const MAILTO: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// "Contact the finance team about this payment": the council's address with a subject
/// naming the document (the reference only: no name or client ID goes into an email subject).
pub fn contact_link(email: &str, summary: &DocumentSummaryView) -> String {
    let subject = match (&summary.reference, summary.kind) {
        (Some(reference), DocumentKind::RemittanceAdvice) => format!("About payment {reference}"),
        (Some(reference), kind) => format!("About {} {reference}", kind.label().to_lowercase()),
        (None, kind) => format!(
            "About {} dated {}",
            kind.label().to_lowercase(),
            summary.date
        ),
    };
    format!(
        "mailto:{}?subject={}",
        email.trim(),
        utf8_percent_encode(&subject, MAILTO)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(reference: Option<&str>, kind: DocumentKind) -> DocumentSummaryView {
        DocumentSummaryView {
            document_id: "d1".into(),
            kind,
            kind_label: kind.label().into(),
            reference: reference.map(str::to_string),
            date: "2026-04-24".into(),
            period_from: None,
            period_to: None,
            net: None,
        }
    }

    #[test]
    fn the_contact_link_names_the_payment_reference() {
        let link = contact_link(
            "finance.team@demo-county.example",
            &summary(Some("RA-2026/04 7"), DocumentKind::RemittanceAdvice),
        );
        assert_eq!(
            link,
            "mailto:finance.team@demo-county.example?subject=About%20payment%20RA-2026%2F04%207"
        );
        let other = contact_link(
            "a@b.example",
            &summary(None, DocumentKind::DeferredPaymentStatement),
        );
        assert!(
            other.starts_with("mailto:a@b.example?subject=About%20"),
            "{other}"
        );
        assert!(other.ends_with("dated%202026-04-24"), "{other}");
    }

    #[test]
    fn dates_must_be_real() {
        assert_eq!(parse_date(None, "x").unwrap(), None);
        assert_eq!(parse_date(Some(" "), "x").unwrap(), None);
        assert_eq!(
            parse_date(Some("2026-04-06"), "x").unwrap(),
            Some(time::macros::date!(2026 - 04 - 06))
        );
        let error = parse_date(Some("2026-02-30"), "The 'from' date").unwrap_err();
        assert_eq!(error.code, cfp_core::ErrorCode::InvalidInput);
        assert!(error
            .message
            .starts_with("The 'from' date must be a real date"));
    }

    #[test]
    fn search_words_ignore_case_and_pound_signs() {
        assert_eq!(search_words(Some("  Bank £12.00 ")), vec!["bank", "12.00"]);
        assert!(search_words(None).is_empty());
    }
}
