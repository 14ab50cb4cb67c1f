//! Reading a kept document body back as the typed document its kind names. Here, in the core,
//! so that the app's views (cfp-portal) and the exports read bodies the same way.

use cfp_domain::DocumentKind;

/// Reads a kept body back as the typed document its kind names. The app keeps the checked body
/// itself; older copies kept the council's whole document, with the body under `field`. Either
/// is checked again as it is read; `None` if neither reads.
pub fn typed_body<T: serde::de::DeserializeOwned>(
    kind: DocumentKind,
    body: &serde_json::Value,
) -> Option<T> {
    let field = match kind {
        DocumentKind::RemittanceAdvice => "remittance",
        DocumentKind::DeferredPaymentStatement => "deferredPayment",
        DocumentKind::FinancialAssessmentResult => "assessment",
    };
    T::deserialize(body)
        .ok()
        .or_else(|| body.get(field).and_then(|inner| T::deserialize(inner).ok()))
}
