//! `POST /import/remittances`: the finance system pushes people and their documents (remittance
//! advices, Deferred Payment statements and financial assessment results). The path keeps its
//! first name so existing pushes keep working; the two newer lists are optional.
//!
//! One request is one transaction: if anything in it is refused, nothing of it is stored.
//! Sending the same data again changes nothing; an advice whose reference is already known but
//! whose content differs is a correction and replaces the old one (a new version).

use cfp_domain::{
    ClientId, DeferredPaymentStatement, FinancialAssessmentResult, Postcode, RemittanceAdvice,
};
use serde::{Deserialize, Serialize};
use time::Date;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RemittanceImport {
    /// People to add or update, matched by client ID.
    #[serde(default)]
    pub people: Vec<ImportPerson>,
    /// Advices to publish or correct, matched by reference. Each person must be known already or
    /// be in `people`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::schema::RemittanceAdvice>))]
    pub remittances: Vec<RemittanceAdvice>,
    /// Deferred Payment statements to publish or correct, matched by reference.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::schema::DeferredPaymentStatement>))]
    pub deferred_payment_statements: Vec<DeferredPaymentStatement>,
    /// Financial assessment results to publish or correct, matched by reference.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::schema::FinancialAssessmentResult>))]
    pub assessments: Vec<FinancialAssessmentResult>,
    /// References of documents (of any kind) the council withdraws.
    #[serde(default)]
    pub withdrawn: Vec<String>,
}

/// A person's record in the finance system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportPerson {
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9]{9}$"))]
    pub client_id: ClientId,
    pub given_name: String,
    pub family_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date_of_birth: Date,
    pub address: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub postcode: Postcode,
}

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    pub people_added: u32,
    pub people_updated: u32,
    pub documents_added: u32,
    pub documents_corrected: u32,
    pub documents_unchanged: u32,
    pub documents_withdrawn: u32,
}

impl RemittanceImport {
    /// How many documents of every kind the import carries.
    pub fn document_count(&self) -> usize {
        self.remittances.len() + self.deferred_payment_statements.len() + self.assessments.len()
    }
}

impl ImportSummary {
    /// Whether the import changed anything at all.
    pub fn changed_anything(&self) -> bool {
        self.people_added
            + self.people_updated
            + self.documents_added
            + self.documents_corrected
            + self.documents_withdrawn
            > 0
    }
}
