//! Access requests over real HTTP: asking, listing, withdrawing, resubmitting with corrected
//! details after a rejection made through the console, and what the requester is (not) told.

mod support;

use cfp_domain::AccessRequestState;
use council_api::{AccessRequest, AccessRequestList};
use council_finance::staff::Role;
use reqwest::StatusCode;
use support::*;

#[tokio::test]
async fn ask_list_withdraw_and_resubmit() {
    let council = start().await;
    council.push(&demo_records()).await;
    let (_, token) = council.account("Chloe", "chloe@example.org").await;
    let (_, other_token) = council.account("Other", "other@example.org").await;
    let thomas = demo_records()
        .people
        .into_iter()
        .find(|p| p.given_name == "Thomas")
        .unwrap();

    // A formal role needs its evidence; bad details are refused in plain words.
    let response = council
        .post_json(
            "/access-requests",
            &token,
            &ask_for(&thomas, "deputy", None),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "invalidRequest");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("court order number"),
        "{body}"
    );
    let mut bad = ask_for(&thomas, "deputy", Some("COP 1234"));
    bad["person"]["postcode"] = serde_json::json!("not a postcode");
    let body: serde_json::Value = council
        .post_json("/access-requests", &token, &bad)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("UK postcode"),
        "{body}"
    );
    let mut bad = ask_for(&thomas, "neighbour", Some("x"));
    bad["relationship"] = serde_json::json!("neighbour");
    let response = council.post_json("/access-requests", &token, &bad).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // A request whose details match nobody looks exactly like one that matches.
    let mut wrong = ask_for(&thomas, "deputy", Some("COP 1234"));
    wrong["person"]["dateOfBirth"] = serde_json::json!("1979-01-16");
    let response = council.post_json("/access-requests", &token, &wrong).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let unmatched: AccessRequest = response.json().await.unwrap();
    let response = council
        .post_json(
            "/access-requests",
            &token,
            &ask_for(&thomas, "appointee", Some("DWP letter 2025")),
        )
        .await;
    let matched: AccessRequest = response.json().await.unwrap();
    assert_eq!(unmatched.state, matched.state);
    assert_eq!(
        (unmatched.person_id.clone(), matched.person_id.clone()),
        (None, None)
    );

    let list: AccessRequestList =
        serde_json::from_value(council.get_json("/access-requests", &token).await).unwrap();
    assert_eq!(list.requests.len(), 2);
    let others: AccessRequestList =
        serde_json::from_value(council.get_json("/access-requests", &other_token).await).unwrap();
    assert!(others.requests.is_empty(), "nobody sees another's requests");

    // Withdraw one; someone else cannot touch it; it cannot be withdrawn twice.
    let path = format!("/access-requests/{}/withdraw", matched.request_id);
    let response = council
        .post_json(&path, &other_token, &serde_json::json!({}))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = council
        .http
        .post(council.api(&path))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let withdrawn: AccessRequest = response.json().await.unwrap();
    assert_eq!(withdrawn.state, AccessRequestState::Withdrawn);
    let response = council
        .http
        .post(council.api(&path))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "conflict");

    // The reviewer sees no match, so the only choice is to reject, with a reason.
    let reviewer = council.staff("rita@council.example", Role::Reviewer).await;
    let page = format!("/console/requests/{}", unmatched.request_id);
    let (_, html) = reviewer.get_text(&page).await;
    assert!(html.contains("No match"), "{html}");
    assert!(
        form_field(&html, &format!("{page}/approve"), "csrf_token").is_none(),
        "no approve form"
    );
    // Rejecting needs a reason: the form comes back with an error summary.
    let response = reviewer.submit(&page, &format!("{page}/reject"), &[]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert_eq!(error_messages(&html), ["Choose a reason."]);
    let response = reviewer
        .submit(&page, &format!("{page}/reject"), &[("reason", "other")])
        .await;
    assert_eq!(
        error_messages(&response.text().await.unwrap()),
        ["Write the reason the requester will read."]
    );
    let response = reviewer
        .submit(
            &page,
            &format!("{page}/reject"),
            &[
                ("reason", "0"),
                ("details", "Please check the date of birth."),
            ],
        )
        .await;
    assert_eq!(location(&response), "/console?done=rejected");
    let mail = council.wait_for_mail("chloe@example.org").await;
    assert_eq!(
        mail.subject,
        "Your request to see financial documents was not approved"
    );
    assert!(mail.body.contains(
        "The details you gave do not match our records. Please check the date of birth."
    ));
    assert!(mail.body.contains("Correct and send again"));

    // A forged form (no CSRF token) changes nothing.
    let response = reviewer
        .client
        .post(reviewer.url(&format!("{page}/approve")))
        .form(&[("x", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // Resubmitted with the right date of birth, it is pending again and now matches.
    let resubmit = format!("/access-requests/{}/resubmit", unmatched.request_id);
    let response = council
        .post_json(
            &resubmit,
            &token,
            &ask_for(&thomas, "deputy", Some("COP 1234")),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let again: AccessRequest = response.json().await.unwrap();
    assert_eq!(again.state, AccessRequestState::Pending);
    assert_eq!(again.person.date_of_birth, thomas.date_of_birth);
    let (_, html) = reviewer.get_text(&page).await;
    assert!(html.contains("Full match"), "{html}");
    // A pending request cannot be resubmitted.
    let response = council
        .post_json(
            &resubmit,
            &token,
            &ask_for(&thomas, "deputy", Some("COP 1234")),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_console_needs_a_staff_sign_in_and_admins_for_removal() {
    let council = start().await;
    let visitor = council.browser();
    let response = visitor
        .client
        .get(visitor.url("/console"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/console/sign-in");

    let response = visitor
        .submit(
            "/console/sign-in",
            "/console/sign-in",
            &[
                ("email", "nobody@council.example"),
                ("password", "wrong password here"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error_messages(&response.text().await.unwrap()),
        ["The email address or password is not right."]
    );

    // A citizen's account cannot sign in to the console.
    council.account("Citizen", "citizen@example.org").await;
    let response = visitor
        .submit(
            "/console/sign-in",
            "/console/sign-in",
            &[("email", "citizen@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let reviewer = council.staff("rita@council.example", Role::Reviewer).await;
    for page in ["/console/access", "/console/audit"] {
        let (status, _) = reviewer.get_text(page).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    }
    // Every page has one h1, labelled fields and a skip link (keyboard users start there).
    let (_, html) = reviewer.get_text("/console").await;
    assert_eq!(html.matches("<h1").count(), 1);
    assert!(html.contains("govuk-skip-link"));
    let response = reviewer.submit("/console", "/console/sign-out", &[]).await;
    assert_eq!(location(&response), "/console/sign-in");
    let response = reviewer
        .client
        .get(reviewer.url("/console"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "signed out");
}

#[tokio::test]
async fn nobody_can_resubmit_another_users_rejected_request() {
    let council = start().await;
    council.push(&demo_records()).await;
    let (_, token) = council.account("Chloe", "chloe@example.org").await;
    let (_, other_token) = council.account("Other", "other@example.org").await;
    let thomas = demo_records()
        .people
        .into_iter()
        .find(|p| p.given_name == "Thomas")
        .unwrap();
    let response = council
        .post_json(
            "/access-requests",
            &token,
            &ask_for(&thomas, "appointee", Some("DWP letter 2025")),
        )
        .await;
    let request: AccessRequest = response.json().await.unwrap();
    let reviewer = council.staff("rita@council.example", Role::Reviewer).await;
    let page = format!("/console/requests/{}", request.request_id);
    let response = reviewer
        .submit(&page, &format!("{page}/reject"), &[("reason", "0")])
        .await;
    assert_eq!(location(&response), "/console?done=rejected");

    // Another user resubmitting it (with details of their own) is told it does not exist,
    // exactly as for a made-up id, and the request stays rejected and unchanged.
    let mut theirs = ask_for(&thomas, "appointee", Some("My own letter"));
    theirs["person"]["givenName"] = serde_json::json!("Tom");
    let response = council
        .post_json(
            &format!("/access-requests/{}/resubmit", request.request_id),
            &other_token,
            &theirs,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let refused: serde_json::Value = response.json().await.unwrap();
    let made_up: serde_json::Value = council
        .post_json(
            "/access-requests/no-such-request/resubmit",
            &other_token,
            &theirs,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(refused, made_up);
    assert_eq!(refused["code"], "notFound");
    let list: AccessRequestList =
        serde_json::from_value(council.get_json("/access-requests", &token).await).unwrap();
    assert_eq!(list.requests.len(), 1);
    assert!(matches!(
        list.requests[0].state,
        AccessRequestState::Rejected { .. }
    ));
    assert_eq!(list.requests[0].person.given_name, thomas.given_name);
    assert_eq!(
        list.requests[0].evidence.as_deref(),
        Some("DWP letter 2025")
    );

    // Its owner still can.
    let response = council
        .post_json(
            &format!("/access-requests/{}/resubmit", request.request_id),
            &token,
            &ask_for(&thomas, "appointee", Some("DWP letter 2025")),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_account_may_have_at_most_ten_requests_waiting_for_review() {
    let council = start().await;
    council.push(&demo_records()).await;
    let (_, token) = council.account("Chloe", "chloe@example.org").await;
    let (_, other_token) = council.account("Other", "other@example.org").await;
    let thomas = demo_records()
        .people
        .into_iter()
        .find(|p| p.given_name == "Thomas")
        .unwrap();
    let body = ask_for(&thomas, "appointee", Some("DWP letter 2025"));
    let mut sent = Vec::new();
    for _ in 0..10 {
        let response = council.post_json("/access-requests", &token, &body).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        sent.push(response.json::<AccessRequest>().await.unwrap());
    }

    // The eleventh is refused with a stable code and a sentence the app can show.
    let response = council.post_json("/access-requests", &token, &body).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let refused: serde_json::Value = response.json().await.unwrap();
    assert_eq!(refused["code"], "tooManyOpenRequests");
    assert_eq!(
        refused["message"],
        "You already have 10 requests waiting for review. Wait until the council has decided \
         some of them, or withdraw one you no longer need, then send this one again."
    );
    let list: AccessRequestList =
        serde_json::from_value(council.get_json("/access-requests", &token).await).unwrap();
    assert_eq!(list.requests.len(), 10, "the eleventh was not stored");
    // The cap is per account.
    let response = council
        .post_json("/access-requests", &other_token, &body)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);

    // Withdrawing one makes room; sending a withdrawn one again counts like a new one.
    let withdraw = format!("/access-requests/{}/withdraw", sent[0].request_id);
    let response = council
        .post_json(&withdraw, &token, &serde_json::json!({}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = council.post_json("/access-requests", &token, &body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let resubmit = format!("/access-requests/{}/resubmit", sent[0].request_id);
    let response = council.post_json(&resubmit, &token, &body).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let refused: serde_json::Value = response.json().await.unwrap();
    assert_eq!(refused["code"], "tooManyOpenRequests");
}
