//! The OpenAPI document is served, is OpenAPI 3.1, describes every route the API answers, and is
//! internally consistent (every `$ref` resolves, every operation has an id and responses).

mod support;

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::Value;
use support::*;

fn refs(value: &Value, found: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "$ref" {
                    found.insert(v.as_str().unwrap().to_owned());
                } else {
                    refs(v, found);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

#[tokio::test]
async fn the_served_document_is_complete_and_consistent() {
    let council = start().await;
    let response = council
        .http
        .get(council.api("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let doc: Value = response.json().await.unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["servers"][0]["url"], "/api/v1");

    let expected = [
        ("get", "/me"),
        ("get", "/people"),
        ("get", "/people/{personId}/changes"),
        ("get", "/people/{personId}/documents/{documentId}"),
        ("get", "/access-requests"),
        ("post", "/access-requests"),
        ("post", "/access-requests/{requestId}/resubmit"),
        ("post", "/access-requests/{requestId}/withdraw"),
        ("post", "/import/remittances"),
    ];
    let paths = doc["paths"].as_object().unwrap();
    let mut operation_ids = BTreeSet::new();
    let mut operations = 0;
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            operations += 1;
            assert!(
                expected.contains(&(method.as_str(), path.as_str())),
                "undocumented extra {method} {path}"
            );
            assert!(
                operation_ids.insert(operation["operationId"].as_str().unwrap().to_owned()),
                "unique operationId"
            );
            let responses = operation["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{method} {path} has a success response"
            );
            // Path parameters are declared.
            for name in path
                .split('{')
                .skip(1)
                .map(|s| s.split('}').next().unwrap())
            {
                let declared = operation["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|p| p["name"] == name && p["in"] == "path");
                assert!(declared, "{method} {path} declares {name}");
            }
        }
    }
    assert_eq!(operations, expected.len());

    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut found = BTreeSet::new();
    refs(&doc, &mut found);
    for reference in &found {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("local schema ref: {reference}"));
        assert!(schemas.contains_key(name), "{reference} resolves");
    }
    for name in [
        "ChangesPage",
        "DocumentChange",
        "Document",
        "RemittanceAdvice",
        "AccessRequest",
        "ErrorBody",
        "PeopleList",
    ] {
        assert!(schemas.contains_key(name), "schema {name}");
    }
    let security = doc["components"]["securitySchemes"].as_object().unwrap();
    assert!(security.contains_key("accessToken") && security.contains_key("financeSystem"));

    // The described shape of a change page is the one actually served.
    let page = &schemas["ChangesPage"]["properties"];
    for field in ["changes", "cursor", "more"] {
        assert!(page.get(field).is_some(), "ChangesPage.{field}");
    }
    let document = &schemas["Document"]["properties"];
    for field in ["documentId", "kind", "version", "publishedAt", "remittance"] {
        assert!(document.get(field).is_some(), "Document.{field}");
    }
}
