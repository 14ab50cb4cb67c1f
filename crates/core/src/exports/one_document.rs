//! One kept document as something to save or print: the typed document its kind names, and
//! for each kind the PDF, the CSV, the file name's stem and the print job's title.

use cfp_domain::{
    ClientId, DeferredPaymentStatement, DocumentKind, FinancialAssessmentResult, RemittanceAdvice,
};
use cfp_statements::{StatementContext, StatementError};
use cfp_store::DocumentContent;

use crate::{typed_body, ErrorCode, ExportFormat, IpcError};

/// The job title of a printed remittance advice.
pub const ADVICE_PRINT_TITLE: &str = "Remittance advice";
/// The job title of a printed Deferred Payment statement.
pub const DEFERRED_PAYMENT_PRINT_TITLE: &str = "Deferred Payment statement";
/// The job title of a printed financial assessment result.
pub const ASSESSMENT_PRINT_TITLE: &str = "Financial assessment result";

/// A document of any kind the app can save or print.
pub(super) enum Exportable {
    Advice(RemittanceAdvice),
    DeferredPayment(DeferredPaymentStatement),
    Assessment(FinancialAssessmentResult),
}

impl Exportable {
    /// The typed document; an error if a kept body no longer reads as its kind (it is then not
    /// shown on screen either).
    pub(super) fn of(content: &DocumentContent, kind: DocumentKind) -> Result<Self, IpcError> {
        let read = match content {
            DocumentContent::Remittance(advice) => Some(Exportable::Advice(advice.clone())),
            DocumentContent::Other(body) => match kind {
                DocumentKind::RemittanceAdvice => typed_body(kind, body).map(Exportable::Advice),
                DocumentKind::DeferredPaymentStatement => {
                    typed_body(kind, body).map(Exportable::DeferredPayment)
                }
                DocumentKind::FinancialAssessmentResult => {
                    typed_body(kind, body).map(Exportable::Assessment)
                }
            },
        };
        read.ok_or_else(|| {
            IpcError::new(
                ErrorCode::Unavailable,
                "This document could not be read, so it cannot be saved or printed. Sync, then \
                 try again.",
            )
        })
    }

    pub(super) fn client_id(&self) -> ClientId {
        match self {
            Exportable::Advice(a) => a.header().client_id,
            Exportable::DeferredPayment(s) => s.header().client_id,
            Exportable::Assessment(r) => r.client_id(),
        }
    }

    pub(super) fn bytes(
        &self,
        format: ExportFormat,
        context: &StatementContext,
    ) -> Result<Vec<u8>, StatementError> {
        use cfp_statements as make;
        Ok(match (self, format) {
            (Exportable::Advice(a), ExportFormat::Pdf) => make::advice_pdf(a, context)?,
            (Exportable::Advice(a), ExportFormat::Csv) => make::advice_csv(a).into_bytes(),
            (Exportable::DeferredPayment(s), ExportFormat::Pdf) => {
                make::deferred_payment_pdf(s, context)?
            }
            (Exportable::DeferredPayment(s), ExportFormat::Csv) => {
                make::deferred_payment_csv(s).into_bytes()
            }
            (Exportable::Assessment(r), ExportFormat::Pdf) => make::assessment_pdf(r, context)?,
            (Exportable::Assessment(r), ExportFormat::Csv) => make::assessment_csv(r).into_bytes(),
        })
    }

    /// The start of the file name: the kind, never whose it is.
    pub(super) fn file_stem(&self) -> &'static str {
        match self {
            Exportable::Advice(_) => "remittance",
            Exportable::DeferredPayment(_) => "deferred-payment",
            Exportable::Assessment(_) => "assessment",
        }
    }

    pub(super) fn print_title(&self) -> &'static str {
        match self {
            Exportable::Advice(_) => ADVICE_PRINT_TITLE,
            Exportable::DeferredPayment(_) => DEFERRED_PAYMENT_PRINT_TITLE,
            Exportable::Assessment(_) => ASSESSMENT_PRINT_TITLE,
        }
    }
}
