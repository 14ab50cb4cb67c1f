//! The API's edges over real HTTP: unknown paths and wrong methods answer in the one error shape,
//! the access-request list carries an ETag, and the push endpoint's body limit.

mod support;

use reqwest::StatusCode;
use support::*;

/// The body is `{code, message}` with this code and a non-empty plain message.
async fn assert_failure(response: reqwest::Response, status: StatusCode, code: &str) {
    assert_eq!(response.status(), status);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap()),
        Some("application/json")
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert!(
        !body["message"].as_str().unwrap().is_empty(),
        "a plain message: {body}"
    );
    assert_eq!(body.as_object().unwrap().len(), 2, "only code and message");
}

#[tokio::test]
async fn unknown_paths_and_wrong_methods_answer_in_the_error_shape() {
    let council = start().await;
    let (_, token) = council.account("Ruth", "ruth@example.org").await;

    for path in ["/no-such-thing", "/people/x/documents/y/z", "", "/"] {
        let response = council.get(path, &token).await;
        assert_failure(response, StatusCode::NOT_FOUND, "notFound").await;
    }
    // Without a token too: an unknown address says so rather than asking to sign in.
    let response = council
        .http
        .get(council.api("/nothing/here"))
        .send()
        .await
        .unwrap();
    assert_failure(response, StatusCode::NOT_FOUND, "notFound").await;

    let response = council
        .http
        .delete(council.api("/people"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_failure(response, StatusCode::METHOD_NOT_ALLOWED, "methodNotAllowed").await;
    let response = council
        .http
        .get(council.api("/import/remittances"))
        .send()
        .await
        .unwrap();
    assert_failure(response, StatusCode::METHOD_NOT_ALLOWED, "methodNotAllowed").await;

    // The console, outside the API, is not affected.
    let (status, _) = council.browser().get_text("/console/sign-in").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_access_request_list_carries_an_etag() {
    let council = start().await;
    council.push(&demo_records()).await;
    let (_, token) = council.account("Chloe", "chloe@example.org").await;
    let thomas = demo_records()
        .people
        .into_iter()
        .find(|p| p.given_name == "Thomas")
        .unwrap();
    let response = council.get("/access-requests", &token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();

    let again = council
        .http
        .get(council.api("/access-requests"))
        .bearer_auth(&token)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());

    // A new request changes the list, so the old ETag no longer matches.
    let response = council
        .post_json(
            "/access-requests",
            &token,
            &ask_for(&thomas, "appointee", Some("DWP letter 2025")),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let changed = council
        .http
        .get(council.api("/access-requests"))
        .bearer_auth(&token)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
    let list: council_api::AccessRequestList = changed.json().await.unwrap();
    assert_eq!(list.requests.len(), 1);
}

/// An empty import padded with spaces to `bytes` (still valid JSON).
fn padded_empty_import(bytes: usize) -> String {
    let json = r#"{"people":[],"remittances":[]}"#;
    format!("{json}{}", " ".repeat(bytes.saturating_sub(json.len())))
}

async fn push_raw(council: &Council, body: String) -> reqwest::Response {
    council
        .http
        .post(council.api("/import/remittances"))
        .bearer_auth(IMPORT_CREDENTIAL)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_push_over_the_limit_is_refused_as_too_large() {
    let council = start_with_push_limit(4096).await;
    let response = push_raw(&council, padded_empty_import(4097)).await;
    assert_failure(response, StatusCode::PAYLOAD_TOO_LARGE, "bodyTooLarge").await;
    let response = push_raw(&council, padded_empty_import(4096)).await;
    assert_eq!(response.status(), StatusCode::OK, "at the limit is fine");
    // The credential is checked before the body is read.
    let response = council
        .http
        .post(council.api("/import/remittances"))
        .header("content-type", "application/json")
        .body(padded_empty_import(8192))
        .send()
        .await
        .unwrap();
    assert_failure(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn the_real_push_limit_takes_bodies_well_over_axums_default() {
    let council = start().await;
    // axum's default is 2 MB; a large council's monthly push is bigger than that.
    let response = push_raw(&council, padded_empty_import(3 * 1024 * 1024)).await;
    assert_eq!(response.status(), StatusCode::OK);
}
