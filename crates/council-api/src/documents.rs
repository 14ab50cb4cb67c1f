//! The people a user may act for, and each person's documents as a feed of changes.
//!
//! Sync works like this: start with no cursor, keep asking with the returned `cursor` while `more`
//! is true, and store the last cursor. Next time, start from it to get only what changed. The
//! feed is ordered by the server's change number, so a page never skips a change made while the
//! client was reading earlier pages.

use cfp_domain::{
    ClientId, DeferredPaymentStatement, DocumentKind, FinancialAssessmentResult, RemittanceAdvice,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Documents per page when the client does not say.
pub const DEFAULT_PAGE_SIZE: u32 = 200;
/// The most documents one page may hold.
pub const MAX_PAGE_SIZE: u32 = 500;

/// `GET /people`: everyone the caller holds an approved, unrevoked grant for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PeopleList {
    pub people: Vec<PersonGrant>,
}

/// One person the caller may act for, and how.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PersonGrant {
    /// Opaque and stable: use it in URLs instead of the client ID.
    pub person_id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9]{9}$"))]
    pub client_id: ClientId,
    pub given_name: String,
    pub family_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::Relationship))]
    pub relationship: cfp_domain::Relationship,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub granted_at: OffsetDateTime,
}

/// `GET /people/{personId}/changes`: one page of the person's document changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChangesPage {
    pub changes: Vec<DocumentChange>,
    /// Opaque: pass it back as `?cursor=` for the next page, or keep it for the next sync.
    pub cursor: String,
    /// Whether more changes are waiting beyond this page.
    pub more: bool,
}

/// One change to one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "change", rename_all = "camelCase")]
pub enum DocumentChange {
    /// The document is new, or replaces the copy with the same `documentId`.
    Upsert { document: Document },
    /// The council withdrew the document: delete the local copy.
    #[serde(rename_all = "camelCase")]
    Remove { document_id: String },
}

impl DocumentChange {
    pub fn document_id(&self) -> &str {
        match self {
            DocumentChange::Upsert { document } => &document.document_id,
            DocumentChange::Remove { document_id } => document_id,
        }
    }
}

/// A published document. `version` goes up by one each time the council corrects it.
///
/// It carries at most one body, the one its `kind` names; each body is checked as it is read
/// (an advice's lines add up, a statement's balance follows, an assessment's steps add up).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", try_from = "UncheckedDocument")]
pub struct Document {
    pub document_id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::DocumentKind))]
    pub kind: DocumentKind,
    pub version: u32,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub published_at: OffsetDateTime,
    /// Present when `kind` is `remittanceAdvice`. Its lines always add up to its net amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::schema::RemittanceAdvice>))]
    pub remittance: Option<RemittanceAdvice>,
    /// Present when `kind` is `deferredPaymentStatement` (boxed: it is the largest body). Its closing balance always follows from
    /// its amounts, and its headroom is the equity limit less the closing balance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::schema::DeferredPaymentStatement>))]
    pub deferred_payment: Option<Box<DeferredPaymentStatement>>,
    /// Present when `kind` is `financialAssessmentResult`. Its steps always add up to its weekly
    /// contribution (or the contribution is zero when they add up to less than nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::schema::FinancialAssessmentResult>))]
    pub assessment: Option<Box<FinancialAssessmentResult>>,
}

/// [`Document`] as read, before its body is matched to its kind.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UncheckedDocument {
    document_id: String,
    kind: DocumentKind,
    version: u32,
    #[serde(with = "time::serde::rfc3339")]
    published_at: OffsetDateTime,
    #[serde(default)]
    remittance: Option<RemittanceAdvice>,
    #[serde(default)]
    deferred_payment: Option<Box<DeferredPaymentStatement>>,
    #[serde(default)]
    assessment: Option<Box<FinancialAssessmentResult>>,
}

impl TryFrom<UncheckedDocument> for Document {
    type Error = String;
    fn try_from(u: UncheckedDocument) -> Result<Self, Self::Error> {
        let bodies = [
            (DocumentKind::RemittanceAdvice, u.remittance.is_some()),
            (
                DocumentKind::DeferredPaymentStatement,
                u.deferred_payment.is_some(),
            ),
            (
                DocumentKind::FinancialAssessmentResult,
                u.assessment.is_some(),
            ),
        ];
        // A body of another kind would be shown as the wrong document: refuse it.
        if let Some((other, _)) = bodies
            .iter()
            .find(|(kind, present)| *present && *kind != u.kind)
        {
            return Err(format!(
                "document {} is a {} but carries a {}.",
                u.document_id,
                u.kind.label(),
                other.label()
            ));
        }
        Ok(Document {
            document_id: u.document_id,
            kind: u.kind,
            version: u.version,
            published_at: u.published_at,
            remittance: u.remittance,
            deferred_payment: u.deferred_payment,
            assessment: u.assessment,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_are_tagged_and_camel_case() {
        let remove = DocumentChange::Remove {
            document_id: "d1".into(),
        };
        assert_eq!(
            serde_json::to_value(&remove).unwrap(),
            json!({"change": "remove", "documentId": "d1"})
        );
        let upsert = DocumentChange::Upsert {
            document: Document {
                document_id: "d2".into(),
                kind: DocumentKind::RemittanceAdvice,
                version: 2,
                published_at: time::macros::datetime!(2026-03-01 09:30 UTC),
                remittance: None,
                deferred_payment: None,
                assessment: None,
            },
        };
        let value = serde_json::to_value(&upsert).unwrap();
        assert_eq!(
            value,
            json!({"change": "upsert", "document": {
                "documentId": "d2", "kind": "remittanceAdvice", "version": 2,
                "publishedAt": "2026-03-01T09:30:00Z"
            }})
        );
        let back: DocumentChange = serde_json::from_value(value).unwrap();
        assert_eq!(back, upsert);
        assert_eq!(back.document_id(), "d2");
    }

    #[test]
    fn a_remittance_that_does_not_add_up_is_refused_on_the_wire() {
        let text = r#"{"documentId":"d","kind":"remittanceAdvice","version":1,
            "publishedAt":"2026-03-01T09:30:00Z","remittance":{"header":{"reference":"RA-1",
            "clientId":"100234567","clientName":"A B","payee":"A B","periodFrom":"2026-03-01",
            "periodTo":"2026-03-28","finalisedOn":"2026-02-20","paymentDate":"2026-02-27"},
            "lines":[{"kind":"budget","description":"Budget","amount":"600.00"}],
            "netAmount":"599.00"}}"#;
        let error = serde_json::from_str::<Document>(text).unwrap_err();
        assert!(error.to_string().contains("add up to 600.00"), "{error}");
    }

    const STATEMENT: &str = r#"{"documentId":"d-dp","kind":"deferredPaymentStatement","version":1,
        "publishedAt":"2026-04-10T09:00:00Z","deferredPayment":{"header":{"reference":"DPS-1",
        "agreementReference":"DPA-1","clientId":"100318859","clientName":"Irene Hartley",
        "periodFrom":"2025-10-01","periodTo":"2026-03-31","issuedOn":"2026-04-10"},
        "amounts":{"openingBalance":"12000.00","careCostsDeferred":"9000.00","interest":"182.40",
        "interestRates":[{"appliesFrom":"2025-07-01","percentAYear":"2.65"},
        {"appliesFrom":"2026-01-01","percentAYear":"2.40"}],"administrationCharges":"60.00",
        "paymentsReceived":"500.00","closingBalance":"20742.40","equityLimit":"153000.00",
        "headroom":"132257.60"}}}"#;

    const ASSESSMENT: &str = r#"{"documentId":"d-fa","kind":"financialAssessmentResult",
        "version":2,"publishedAt":"2025-11-20T09:00:00Z","assessment":{"reference":"FA-1",
        "clientId":"100234567","clientName":"Margaret Okafor","assessedOn":"2025-11-20",
        "appliesFrom":"2025-08-18","weeklyContribution":"48.60","steps":[
        {"kind":"incomeCounted","description":"State Pension","weeklyAmount":"221.20"},
        {"kind":"tariffIncome","description":"Savings of £17,500.00","weeklyAmount":"13.00"},
        {"kind":"minimumIncomeGuarantee","description":"Minimum income guarantee","weeklyAmount":"-185.60"}],
        "capital":"17500.00","note":"Savings were higher than we were told."}}"#;

    #[test]
    fn statements_and_assessments_travel_in_their_own_fields_and_round_trip() {
        for (text, field) in [(STATEMENT, "deferredPayment"), (ASSESSMENT, "assessment")] {
            let document: Document = serde_json::from_str(text).unwrap();
            let value = serde_json::to_value(&document).unwrap();
            let expected: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(value, expected, "{field}");
            assert!(
                value.get("remittance").is_none(),
                "absent bodies are left out"
            );
            assert_eq!(serde_json::from_value::<Document>(value).unwrap(), document);
        }
        let document: Document = serde_json::from_str(STATEMENT).unwrap();
        let statement = document.deferred_payment.unwrap();
        assert_eq!(statement.amounts().closing_balance.to_string(), "20742.40");
        let document: Document = serde_json::from_str(ASSESSMENT).unwrap();
        assert_eq!(
            document
                .assessment
                .unwrap()
                .weekly_contribution()
                .to_string(),
            "48.60"
        );
    }

    #[test]
    fn bodies_that_do_not_add_up_or_do_not_match_the_kind_are_refused_on_the_wire() {
        let bad = STATEMENT.replace(
            r#""closingBalance":"20742.40""#,
            r#""closingBalance":"20742.00""#,
        );
        let error = serde_json::from_str::<Document>(&bad).unwrap_err();
        assert!(
            error.to_string().contains("closing balance is 20742.00"),
            "{error}"
        );
        let bad = ASSESSMENT.replace(
            r#""weeklyContribution":"48.60""#,
            r#""weeklyContribution":"42.15""#,
        );
        let error = serde_json::from_str::<Document>(&bad).unwrap_err();
        assert!(error.to_string().contains("should be 48.60"), "{error}");
        let bad = ASSESSMENT.replace("financialAssessmentResult", "remittanceAdvice");
        let error = serde_json::from_str::<Document>(&bad).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("carries a Financial assessment result"),
            "{error}"
        );
    }

    #[test]
    fn people_use_opaque_ids_and_rfc3339() {
        let list = PeopleList {
            people: vec![PersonGrant {
                person_id: "p-opaque".into(),
                client_id: "100234567".parse().unwrap(),
                given_name: "Margaret".into(),
                family_name: "Okafor".into(),
                relationship: cfp_domain::Relationship::LastingPowerOfAttorney,
                granted_at: time::macros::datetime!(2026-03-01 09:30 UTC),
            }],
        };
        let value = serde_json::to_value(&list).unwrap();
        assert_eq!(value["people"][0]["personId"], "p-opaque");
        assert_eq!(value["people"][0]["relationship"], "lastingPowerOfAttorney");
        assert_eq!(value["people"][0]["grantedAt"], "2026-03-01T09:30:00Z");
        assert_eq!(serde_json::from_value::<PeopleList>(value).unwrap(), list);
    }
}
