//! The demo data set loads, means what it says, and loading it again changes nothing.

mod support;

use cfp_domain::{AccessRequestState, DocumentKind, LineKind};
use council_api::{AccessRequestList, Document, DocumentChange, PeopleList};
use council_finance::demo;
use support::*;

async fn people_of(council: &Council, email: &str, sub: &str) -> (PeopleList, String) {
    let token = council
        .mint(sub, "Demo", email, council_api::AUDIENCE, 300)
        .await;
    let people = serde_json::from_value(council.get_json("/people", &token).await).unwrap();
    (people, token)
}

async fn sub_of(council: &Council, email: &str) -> String {
    council_identity::accounts::find_by_email(council.identity.pool(), email)
        .await
        .unwrap()
        .expect("the demo account exists")
        .id
}

#[tokio::test]
async fn the_demo_loads_with_its_grants_and_requests_and_seeding_again_changes_nothing() {
    let council = start().await;
    let first = demo::seed(&council.finance, &council.identity)
        .await
        .unwrap();
    assert_eq!(first.import.people_added, 5);
    let again = demo::seed(&council.finance, &council.identity)
        .await
        .unwrap();
    assert!(!again.import.changed_anything(), "{:?}", again.import);

    let ruth = sub_of(&council, "ruth.adeyemi@example.org").await;
    let (people, token) = people_of(&council, "ruth.adeyemi@example.org", &ruth).await;
    let mut names: Vec<_> = people
        .people
        .iter()
        .map(|p| p.given_name.as_str())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["Dennis", "Irene", "Margaret"],
        "an attorney for three people"
    );
    assert!(people
        .people
        .iter()
        .all(|p| p.relationship == cfp_domain::Relationship::LastingPowerOfAttorney));
    let margaret = people
        .people
        .iter()
        .find(|p| p.given_name == "Margaret")
        .unwrap();
    let (changes, _) = council.sync(&token, &margaret.person_id, None, 500).await;
    let documents = |changes: &[DocumentChange]| -> Vec<Document> {
        (changes.iter())
            .filter_map(|c| match c {
                DocumentChange::Upsert { document } => Some(document.clone()),
                DocumentChange::Remove { .. } => None,
            })
            .collect()
    };
    let margaret_documents = documents(&changes);
    assert_eq!(changes.len(), 28, "26 advices and 2 assessments");
    let kinds: Vec<LineKind> = (margaret_documents.iter())
        .filter_map(|d| d.remittance.as_ref())
        .flat_map(|advice| advice.lines().iter().map(|l| l.kind))
        .collect();
    for kind in LineKind::ALL {
        assert!(kinds.contains(&kind), "the demo shows a {kind:?} line");
    }
    let mut contributions: Vec<String> = (margaret_documents.iter())
        .filter_map(|d| d.assessment.as_ref())
        .map(|a| format!("{} from {}", a.weekly_contribution(), a.applies_from()))
        .collect();
    contributions.sort();
    assert_eq!(
        contributions,
        ["42.15 from 2024-12-09", "48.60 from 2025-08-18"],
        "the assessment and the backdated reassessment"
    );
    for name in ["Dennis", "Irene"] {
        let person = people.people.iter().find(|p| p.given_name == name).unwrap();
        let (changes, _) = council.sync(&token, &person.person_id, None, 500).await;
        let kinds: Vec<DocumentKind> = documents(&changes).iter().map(|d| d.kind).collect();
        let expected = match name {
            "Dennis" => DocumentKind::FinancialAssessmentResult,
            _ => DocumentKind::DeferredPaymentStatement,
        };
        assert_eq!(
            kinds.iter().filter(|k| **k == expected).count(),
            if name == "Dennis" { 1 } else { 2 },
            "{name}: {kinds:?}"
        );
    }

    let owen = sub_of(&council, "owen.price@example.org").await;
    let (people, _) = people_of(&council, "owen.price@example.org", &owen).await;
    assert_eq!(people.people.len(), 1);
    assert_eq!(
        people.people[0].relationship,
        cfp_domain::Relationship::Deputy
    );

    let chloe = sub_of(&council, "chloe.bennett@example.org").await;
    let (people, token) = people_of(&council, "chloe.bennett@example.org", &chloe).await;
    assert!(people.people.is_empty());
    let requests: AccessRequestList =
        serde_json::from_value(council.get_json("/access-requests", &token).await).unwrap();
    let states: Vec<_> = requests.requests.iter().map(|r| r.state.clone()).collect();
    assert_eq!(states.len(), 2);
    assert!(states.contains(&AccessRequestState::Pending));
    assert!(states.iter().any(
        |s| matches!(s, AccessRequestState::Rejected { reason } if reason.contains("date of birth"))
    ));

    // The printed credentials name every demo account and staff member.
    let text = demo::credentials_text();
    for account in &demo::ACCOUNTS {
        assert!(text.contains(account.email) && text.contains(account.password));
    }
    for member in &demo::STAFF {
        assert!(text.contains(member.email) && text.contains(member.password));
    }
    // And the staff can sign in to the console with them.
    let browser = council.browser();
    let response = browser
        .submit(
            "/console/sign-in",
            "/console/sign-in",
            &[
                ("email", demo::STAFF[0].email),
                ("password", demo::STAFF[0].password),
            ],
        )
        .await;
    assert_eq!(location(&response), "/console");
    let (_, queue) = browser.get_text("/console").await;
    assert!(
        queue.contains("Chloe Bennett"),
        "the pending request is in the queue"
    );
}
