//! The API's OpenAPI 3.1 document, generated from the handlers and wire types themselves.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{access_requests, documents, import};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Council finance API",
        version = "1",
        description = "The documents a council publishes to the people it supports (and those acting for them), \
            as an incremental change feed; access requests; and the finance system's import. \
            Errors are always { code, message }. Money is a string like \"575.72\"."
    ),
    servers((url = "/api/v1")),
    paths(
        documents::me,
        documents::people,
        documents::changes,
        documents::document,
        access_requests::list,
        access_requests::create,
        access_requests::resubmit,
        access_requests::withdraw,
        import::push,
    ),
    modifiers(&SecuritySchemes),
    tags(
        (name = "documents", description = "Whom I may act for, and their documents"),
        (name = "access", description = "Asking for access to someone's documents"),
        (name = "import", description = "The finance system publishes documents"),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "accessToken",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token from the council's identity service with audience council-finance-api.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "financeSystem",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The finance system's own credential, from the service's configuration.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The document as JSON text (built once).
pub fn document_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .expect("the OpenAPI document always serialises")
    })
}

pub async fn serve() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document_json(),
    )
}
