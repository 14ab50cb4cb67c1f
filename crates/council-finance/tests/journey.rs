//! The whole journey over real HTTP with real SMTP: a person creates an account and confirms
//! their email, the app signs them in (code + PKCE) and asks for access as an attorney, a staff
//! member approves it through the console's forms, the approval email arrives, the documents
//! appear in the change feed, a later import is seen as a change, and removing access (with a
//! reason, emailed) removes the person and their documents from what the user can see.

mod support;

use council_api::{AccessRequest, DocumentChange, PeopleList};
use council_finance::staff::Role;
use reqwest::StatusCode;
use support::*;

#[tokio::test]
async fn from_sign_up_to_approval_to_documents_to_removal() {
    let council = start().await;
    let response = council.push(&demo_records()).await;
    assert_eq!(response.status(), StatusCode::OK);

    let email = "ruth.adeyemi@example.org";
    let token = sign_up_through_the_app(&council, email).await.access_token;
    let me = council.get_json("/me", &token).await;
    assert_eq!(me["name"], "Ruth Adeyemi");

    // Ask for access to Margaret Okafor as her attorney (no client ID: matched by details).
    let margaret = demo_records()
        .people
        .into_iter()
        .find(|p| p.given_name == "Margaret")
        .unwrap();
    let response = council
        .post_json(
            "/access-requests",
            &token,
            &ask_for(&margaret, "lastingPowerOfAttorney", Some("V4KM-9QXT-2PLR")),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let request: AccessRequest = response.json().await.unwrap();
    assert_eq!(request.state, cfp_domain::AccessRequestState::Pending);
    assert_eq!(
        request.person_id, None,
        "nothing is revealed before approval"
    );
    let people: PeopleList =
        serde_json::from_value(council.get_json("/people", &token).await).unwrap();
    assert!(people.people.is_empty());

    // A reviewer approves it through the console's real forms.
    let reviewer = council.staff("rita@council.example", Role::Reviewer).await;
    let (status, queue) = reviewer.get_text("/console").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        queue.contains("Margaret Okafor") && queue.contains("Full match"),
        "{queue}"
    );
    let review = format!("/console/requests/{}", request.request_id);
    assert_eq!(links(&queue, "/console/requests/"), vec![review.clone()]);
    let response = reviewer
        .submit(&review, &format!("{review}/approve"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/console?done=approved");

    let mail = council.wait_for_mail(email).await;
    assert_eq!(
        mail.subject,
        "Your request to see financial documents was approved"
    );
    assert!(mail.body.contains("Margaret Okafor"), "{}", mail.body);

    // The documents appear.
    let people: PeopleList =
        serde_json::from_value(council.get_json("/people", &token).await).unwrap();
    assert_eq!(people.people.len(), 1);
    let person_id = people.people[0].person_id.clone();
    assert_eq!(
        people.people[0].relationship,
        cfp_domain::Relationship::LastingPowerOfAttorney
    );
    let (changes, cursor) = council.sync(&token, &person_id, None, 200).await;
    assert_eq!(changes.len(), 28, "26 advices and 2 assessment results");
    let requests: council_api::AccessRequestList =
        serde_json::from_value(council.get_json("/access-requests", &token).await).unwrap();
    assert_eq!(
        requests.requests[0].person_id.as_deref(),
        Some(person_id.as_str())
    );

    // A later import is seen as exactly one change.
    let mut later = demo_records();
    let last = later
        .remittances
        .iter()
        .rfind(|a| a.header().client_id == margaret.client_id)
        .unwrap()
        .clone();
    let mut header = last.header().clone();
    header.reference = "RA-100234567-027".into();
    header.period_from += time::Duration::days(28);
    header.period_to += time::Duration::days(28);
    let next = cfp_domain::RemittanceAdvice::new(header, last.lines().to_vec(), last.net_amount())
        .unwrap();
    later.remittances.push(next);
    let summary: council_api::ImportSummary = council.push(&later).await.json().await.unwrap();
    assert_eq!(summary.documents_added, 1);
    assert_eq!(
        summary.documents_unchanged as usize,
        later.document_count() - 1
    );
    let (changes, _) = council.sync(&token, &person_id, Some(&cursor), 200).await;
    assert_eq!(changes.len(), 1);
    match &changes[0] {
        DocumentChange::Upsert { document } => {
            assert_eq!(
                document.remittance.as_ref().unwrap().header().reference,
                "RA-100234567-027"
            )
        }
        other => panic!("expected the new advice, got {other:?}"),
    }

    // An admin removes the access, with a reason; the requester is told why.
    let admin = council.staff("adam@council.example", Role::Admin).await;
    let (_, list) = admin.get_text("/console/access").await;
    let remove = format!("/console/access/{}", request.request_id);
    assert_eq!(links(&list, "/console/access/"), vec![remove.clone()]);
    let response = admin
        .submit(&remove, &format!("{remove}/remove"), &[("reason", "0")])
        .await;
    assert_eq!(location(&response), "/console?done=removed");
    let mail = council.wait_for_mail(email).await;
    assert_eq!(
        mail.subject,
        "Your access to financial documents has been removed"
    );
    assert!(
        mail.body
            .contains("The power of attorney, court order or appointment has ended."),
        "{}",
        mail.body
    );

    let people: PeopleList =
        serde_json::from_value(council.get_json("/people", &token).await).unwrap();
    assert!(people.people.is_empty(), "the person is gone from the list");
    let response = council
        .get(&format!("/people/{person_id}/changes"), &token)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::NOT_FOUND,
        "and so are their documents"
    );
    let requests: council_api::AccessRequestList =
        serde_json::from_value(council.get_json("/access-requests", &token).await).unwrap();
    assert_eq!(
        requests.requests[0].state,
        cfp_domain::AccessRequestState::Removed {
            reason: "The power of attorney, court order or appointment has ended.".into()
        }
    );

    // The audit log says who decided what, and who read the documents.
    let (status, audit) = admin.get_text("/console/audit").await;
    assert_eq!(status, StatusCode::OK);
    for action in [
        "Request submitted",
        "Request approved",
        "Documents read",
        "Access removed",
        "Import",
    ] {
        let cell = format!("<td class=\"govuk-table__cell\">{action}</td>");
        assert!(audit.contains(&cell), "the audit log has '{action}'");
    }
    // Admins read names, not the ids the log stores (the log itself keeps only ids).
    assert!(
        audit.contains("Margaret Okafor (client ID 100234567)"),
        "the audit log names the person"
    );
    assert!(!audit.contains(">staff:") && !audit.contains(">account:"));
}
