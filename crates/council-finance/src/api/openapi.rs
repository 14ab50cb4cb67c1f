//! The API's OpenAPI 3.1 document, generated from the handlers and wire types themselves.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::{json, Value};
use time::Date;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::constraints;
use super::{access_requests, documents, import};
use crate::Finance;

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

/// The document as JSON text on `today` (a date of birth must be before it), built once a day.
pub fn document_json(today: Date) -> Arc<str> {
    static BUILT: Mutex<Option<(Date, Arc<str>)>> = Mutex::new(None);
    let mut built = BUILT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    match &*built {
        Some((day, json)) if *day == today => json.clone(),
        _ => {
            let json: Arc<str> = build(today).into();
            *built = Some((today, json.clone()));
            json
        }
    }
}

fn build(today: Date) -> String {
    let mut doc =
        serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document always serialises");
    state_the_constraints(&mut doc, today);
    serde_json::to_string_pretty(&doc).expect("JSON always serialises")
}

/// Adds what the validators enforce, from their own constants and rules (`constraints.rs`):
/// the derived schemas cannot say it, as the wire types are plain strings and integers.
fn state_the_constraints(doc: &mut Value, today: Date) {
    let (min, max) = constraints::limit_range();
    for parameter in doc["paths"]["/people/{personId}/changes"]["get"]["parameters"]
        .as_array_mut()
        .expect("the change feed has parameters")
    {
        match parameter["name"].as_str() {
            Some("limit") => {
                parameter["schema"] =
                    json!({"type": "integer", "format": "int32", "minimum": min, "maximum": max});
            }
            Some("cursor") => {
                parameter["schema"] =
                    json!({"type": "string", "pattern": constraints::cursor_pattern()});
            }
            _ => {}
        }
    }
    let schemas = &mut doc["components"]["schemas"];
    let client_id = constraints::client_id_pattern();
    for schema in schemas.as_object_mut().expect("schemas").values_mut() {
        if let Some(property) = schema.pointer_mut("/properties/clientId") {
            property["pattern"] = json!(client_id);
        }
    }
    let postcode = constraints::postcode_pattern();
    let name = constraints::name_pattern();
    let person = &mut schemas["RequestedPerson"]["properties"];
    person["givenName"]["pattern"] = json!(name);
    person["familyName"]["pattern"] = json!(name);
    person["postcode"]["pattern"] = json!(postcode);
    person["dateOfBirth"]["pattern"] = json!(constraints::born_before_pattern(today));
    person["dateOfBirth"]["description"] = json!("From 1900-01-01 to yesterday.");
    schemas["ImportPerson"]["properties"]["postcode"]["pattern"] = json!(postcode);

    let request = &mut schemas["NewAccessRequest"];
    request["properties"]["evidence"]["pattern"] = json!(constraints::evidence_pattern());
    let informal: Vec<Value> = cfp_domain::Relationship::ALL
        .into_iter()
        .filter(|r| !r.is_formal_role())
        .map(|r| serde_json::to_value(r).expect("a relationship is a string"))
        .collect();
    // A formal role needs evidence that is not blank.
    request["anyOf"] = json!([
        {"properties": {"relationship": {"enum": informal}}},
        {"required": ["evidence"],
         "properties": {"evidence": {"type": "string", "pattern": constraints::formal_evidence_pattern()}}},
    ]);
}

pub async fn serve(State(finance): State<Finance>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document_json(finance.now().date()).to_string(),
    )
}
