//! Several people at one computer, against the real council service on loopback, the real
//! council client and the real encrypted store: what one person leaves behind must never reach
//! the next.

mod support;

use cfp_core::{AccessRequestForm, AccessRequestOutcome, DocumentQuery, ErrorCode, SessionState};
use cfp_domain::Relationship;
use support::*;

fn walter() -> AccessRequestForm {
    AccessRequestForm {
        relationship: Some(Relationship::Deputy),
        given_name: "Walter".into(),
        family_name: "Okafor".into(),
        birth_day: "2".into(),
        birth_month: "11".into(),
        birth_year: "1938".into(),
        postcode: "WR5 2NP".into(),
        client_id: String::new(),
        evidence: "Court of Protection order 12345678".into(),
    }
}

fn names_walter(view: &cfp_core::AccessRequestView) -> bool {
    format!("{view:?}").contains("Walter")
}

/// Home mode, one computer account, two council accounts: Ruth queues a request offline and
/// signs out; Chloe signs in and sees none of Ruth's people, documents or queued requests, and
/// her sync sends nothing of Ruth's; Ruth signs in again and gets her people and documents
/// back from the council, and her unsent request back in her outbox (it was set aside, not
/// deleted: it is hers and the council never had it), which her next sync sends under her
/// own account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_account_gets_an_empty_store_and_nothing_of_the_first_is_sent_under_it() {
    let council = start_council().await;
    let data = tempfile::tempdir().unwrap();
    let secrets = SharedSecrets::default();
    let profile = council.profile("");

    // Ruth signs in, downloads her people's documents, and asks for access while offline.
    let ruth_browser = TestBrowser::new(RUTH);
    let ruth = portal(profile.clone(), data.path(), &secrets, &ruth_browser, None)
        .await
        .unwrap();
    ruth.sign_in().await.unwrap();
    let synced = ruth.sync_now(&no_progress).await.unwrap();
    assert!(synced.new_documents > 0);
    let ruths_people = ruth.people().await.unwrap();
    assert_eq!(ruths_people.len(), 3);
    council.go_offline().await;
    let queued = ruth.request_access(&walter()).await.unwrap();
    assert!(
        matches!(queued, AccessRequestOutcome::Queued { .. }),
        "{queued:?}"
    );
    council.come_back().await;
    assert_eq!(ruth.sign_out().await.state, SessionState::SignedOut);
    ruth_browser.settled().await;
    ruth.close().await;
    drop(ruth);

    // Chloe, on the same computer account (same data folder, same keychain), in her own
    // browser.
    let chloe_browser = TestBrowser::new(CHLOE);
    let chloe = portal(profile.clone(), data.path(), &secrets, &chloe_browser, None)
        .await
        .unwrap();
    let session = chloe.sign_in().await.unwrap();
    assert_eq!(session.user.unwrap().email, CHLOE.0);
    assert!(
        chloe.people().await.unwrap().is_empty(),
        "Chloe may act for nobody yet"
    );
    for person in &ruths_people {
        let error = chloe
            .documents(&person.person_id, &DocumentQuery::default())
            .await
            .unwrap_err();
        assert_eq!(error.code, ErrorCode::NotFound, "{}", error.message);
    }
    let listed = chloe.access_requests().await.unwrap();
    assert!(
        !listed
            .iter()
            .any(|r| r.queued_id.is_some() || names_walter(r)),
        "Chloe sees Ruth's queued request: {listed:?}"
    );
    let store = chloe.store().await.unwrap();
    assert!(store.outbox_list().await.unwrap().is_empty());
    assert!(store.people().await.unwrap().is_empty());
    drop(store);

    // Chloe's sync sends nothing under her account.
    chloe.sync_now(&no_progress).await.unwrap();
    let at_council = chloe.access_requests().await.unwrap();
    assert!(
        !at_council.iter().any(names_walter),
        "the council received Ruth's request under Chloe's account: {at_council:?}"
    );
    chloe.sign_out().await;
    chloe_browser.settled().await;
    chloe.close().await;
    drop(chloe);

    // Ruth again: her list comes back from the council at sign-in and her documents at the
    // next sync; none of Chloe's rows are there. Her queued request is waiting again, and
    // her sync sends it under her own account.
    let ruth_again = TestBrowser::new(RUTH);
    let ruth = portal(profile, data.path(), &secrets, &ruth_again, None)
        .await
        .unwrap();
    ruth.sign_in().await.unwrap();
    assert_eq!(ruth.people().await.unwrap().len(), 3);
    let waiting = ruth.access_requests().await.unwrap();
    assert_eq!(
        waiting
            .iter()
            .filter(|r| r.queued_id.is_some() && names_walter(r))
            .count(),
        1,
        "Ruth's unsent request is back in her outbox: {waiting:?}"
    );
    let resynced = ruth.sync_now(&no_progress).await.unwrap();
    assert!(resynced.new_documents > 0, "{}", resynced.summary);
    let ruths_requests = ruth.access_requests().await.unwrap();
    assert!(ruths_requests.iter().all(|r| r.queued_id.is_none()));
    assert_eq!(
        ruths_requests.iter().filter(|r| names_walter(r)).count(),
        1,
        "the council received Ruth's request once, under her account: {ruths_requests:?}"
    );
    let store = ruth.store().await.unwrap();
    assert!(store.outbox_list().await.unwrap().is_empty());
}

/// The end-session address goes to the system browser, whose history anyone at the computer
/// can read: it names the app, and carries nothing of the ID token (the person's name and
/// email). The council still ends its session (after asking, when it asks).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_out_address_carries_nothing_from_the_id_token() {
    let council = start_council().await;
    let data = tempfile::tempdir().unwrap();
    let secrets = SharedSecrets::default();
    let browser = TestBrowser::new(RUTH);
    let portal = portal(council.profile(""), data.path(), &secrets, &browser, None)
        .await
        .unwrap();
    let signed_in = portal.sign_in().await.unwrap();
    let user = signed_in.user.unwrap();
    assert_eq!(user.email, RUTH.0);
    portal.sign_out().await;
    browser.settled().await;

    let seen = browser.seen();
    let end_session = seen.opened.last().unwrap();
    assert_eq!(end_session.path(), "/logout");
    let params: Vec<(String, String)> = end_session.query_pairs().into_owned().collect();
    assert!(
        params.contains(&("client_id".into(), "client-finance-portal-desktop".into())),
        "{params:?}"
    );
    for (name, value) in &params {
        assert!(
            ["client_id", "post_logout_redirect_uri", "state"].contains(&name.as_str()),
            "the end-session address carries {name}"
        );
        // A JSON Web Token starts with the base64url of `{"`.
        assert!(!value.contains("eyJ"), "{name} looks like a token");
        for personal in [user.name.as_str(), user.email.as_str(), "Adeyemi"] {
            assert!(!value.contains(personal), "{name} carries personal data");
        }
    }
    // The council's session in that browser has ended: the next sign-in asks for the password.
    let asked_before = browser.seen().password_asked;
    portal.sign_in().await.unwrap();
    assert_eq!(browser.seen().password_asked, asked_before + 1);
}
