//! The finance system pushes people and documents (advices, Deferred Payment statements and
//! assessment results) as JSON, with its own credential.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

use council_api::{codes, ErrorBody, ImportSummary, RemittanceImport};

use super::auth::FinanceSystem;
use super::{ApiJson, Failure};
use crate::import::{self, Batch, ImportError};
use crate::Finance;

#[utoipa::path(post, path = "/import/remittances", tag = "import",
    security(("financeSystem" = [])),
    request_body = RemittanceImport,
    responses(
        (status = 200, description = "Imported (re-sending the same data changes nothing). The body's deferredPaymentStatements and assessments lists are optional, like every list", body = ImportSummary),
        (status = 400, description = "The body is not a valid import", body = ErrorBody),
        (status = 401, description = "The finance system's credential is missing or wrong", body = ErrorBody),
        (status = 404, description = "A credential was sent, but this service takes no pushed imports: none is configured (code notFound)", body = ErrorBody),
        (status = 413, description = "The body is over the push limit (code bodyTooLarge); send smaller batches", body = ErrorBody),
        (status = 422, description = "Refused; nothing was stored (code importRefused)", body = ErrorBody),
    ))]
pub async fn push(
    State(finance): State<Finance>,
    _system: FinanceSystem,
    ApiJson(push): ApiJson<RemittanceImport>,
) -> Result<Json<ImportSummary>, Failure> {
    let batch = Batch::from_push(push);
    let finance_for_ids = finance.clone();
    match import::apply(
        finance.pool(),
        "The import",
        &batch,
        move || finance_for_ids.new_id(),
        finance.now(),
    )
    .await
    {
        Ok(summary) => Ok(Json(summary)),
        Err(error @ ImportError::Refused { .. }) => Err(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::IMPORT_REFUSED,
            error.to_string(),
        )),
        Err(error) => Err(Failure::internal(&error)),
    }
}
