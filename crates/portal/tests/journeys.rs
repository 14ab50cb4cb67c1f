//! Every use case of the Portal against the real council service (identity + finance with the
//! demo data) on loopback, the real council client, the real encrypted store, and a browser
//! played by an HTTP client.

mod support;

use std::time::Duration;

use cfp_core::{
    AccessRequestForm, AccessRequestOutcome, AppMode, DocumentQuery, ErrorCode, IdleAction,
    KeyProtectionView, SessionState,
};
use cfp_domain::{DocumentKind, LineKind, Relationship};
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_representative_signs_in_syncs_reads_explained_advices_and_works_offline() {
    let council = start_council().await;
    let data = tempfile::tempdir().unwrap();
    let secrets = SharedSecrets::default();
    let browser = TestBrowser::new(RUTH);
    let profile = council.profile("");
    let portal = portal(profile.clone(), data.path(), &secrets, &browser, None)
        .await
        .unwrap();

    // Nobody has signed in on this computer yet.
    let session = portal.session().await;
    assert_eq!(session.state, SessionState::SignedOut);
    assert_eq!(session.key_protection, KeyProtectionView::NotSetUp);
    assert_eq!(session.idle.after_seconds, 15 * 60);
    assert_eq!(session.idle.action, IdleAction::Lock);
    assert_eq!(
        portal.people().await.unwrap_err().code,
        ErrorCode::Unauthorised
    );

    // Sign in through the browser.
    let session = portal.sign_in().await.unwrap();
    assert_eq!(session.state, SessionState::SignedIn);
    assert_eq!(session.user.as_ref().unwrap().email, RUTH.0);
    assert_eq!(session.key_protection, KeyProtectionView::Keychain);
    assert_eq!(secrets.0.len(), 1, "the store key is in the keychain");
    assert_eq!(browser.seen().password_asked, 1);
    assert_eq!(
        browser.seen().last_prompt,
        None,
        "home sign-in does not force a password"
    );

    // Sync: every person, with progress.
    let events = std::sync::Mutex::new(Vec::new());
    let summary = portal
        .sync_now(&|p| events.lock().unwrap().push(p))
        .await
        .unwrap();
    assert!(!summary.offline);
    assert_eq!(summary.people_synced, 3);
    assert!(summary.new_documents > 0);
    assert!(
        summary.summary.contains("Margaret Okafor"),
        "{}",
        summary.summary
    );
    assert!(summary.problems.is_empty(), "{:?}", summary.problems);
    let events = events.into_inner().unwrap();
    let last = events.last().expect("progress was reported");
    assert_eq!((last.people_done, last.people_total), (3, 3));
    assert_eq!(last.documents_received, summary.new_documents);

    // People, as a representative.
    let people = portal.people().await.unwrap();
    assert_eq!(people.len(), 3);
    assert!(people
        .iter()
        .all(|p| p.relationship == Relationship::LastingPowerOfAttorney
            && p.relationship_label == "Lasting Power of Attorney"
            && p.last_synced_at.is_some()
            && p.latest_payment.is_some()));
    assert_eq!(
        people.iter().map(|p| p.new_documents).sum::<u32>(),
        summary.new_documents
    );
    assert_eq!(portal.app_info().await.mode, AppMode::Representative);
    let margaret = people.iter().find(|p| p.name == "Margaret Okafor").unwrap();

    // Documents: newest first, filtered, searched.
    let all = portal
        .documents(&margaret.person_id, &DocumentQuery::default())
        .await
        .unwrap();
    assert!(all.total > 2);
    assert_eq!(all.documents.len() as u32, all.total);
    assert!(all.documents.windows(2).all(|w| w[0].date >= w[1].date));
    // Her assessment results are listed with her advices; the advices are what is checked here.
    assert!(all
        .documents
        .iter()
        .any(|d| d.kind == DocumentKind::FinancialAssessmentResult));
    let advices: Vec<_> = (all.documents.iter())
        .filter(|d| d.kind == DocumentKind::RemittanceAdvice)
        .collect();
    let newest = advices[0];
    let reference = newest.reference.clone().unwrap();
    let found = portal
        .documents(
            &margaret.person_id,
            &DocumentQuery {
                search: Some(reference.to_lowercase()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.documents.len(), 1);
    assert_eq!(found.total, all.total);
    let oldest_date = advices.last().unwrap().date.clone();
    let first_only = portal
        .documents(
            &margaret.person_id,
            &DocumentQuery {
                kind: Some(DocumentKind::RemittanceAdvice),
                to: Some(oldest_date.clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(first_only.documents.iter().all(|d| d.date == oldest_date));
    let bad = portal
        .documents(
            &margaret.person_id,
            &DocumentQuery {
                from: Some("2026-13-01".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(bad.code, ErrorCode::InvalidInput);

    // One advice, explained: totals add up, lines grouped, what changed.
    let doc = portal
        .document(&margaret.person_id, &newest.document_id)
        .await
        .unwrap();
    let advice = doc.advice.as_ref().unwrap();
    assert_eq!(
        advice.totals.added - advice.totals.taken_off,
        advice.totals.paid
    );
    assert_eq!(Some(advice.totals.paid), newest.net);
    assert!(advice.previous_payment_date.is_some());
    assert_eq!(
        doc.contact_link,
        format!(
            "mailto:{}?subject=About%20payment%20{}",
            profile.contact_email,
            reference.replace('/', "%2F")
        )
    );
    let first = portal
        .document(&margaret.person_id, &advices.last().unwrap().document_id)
        .await
        .unwrap();
    assert_eq!(first.advice.unwrap().previous_payment_date, None);

    // Somewhere in the demo data is an MA line: its council note is shown, and "what changed"
    // repeats it.
    let mut saw_ma = false;
    for person in &people {
        let list = portal
            .documents(&person.person_id, &DocumentQuery::default())
            .await
            .unwrap();
        for summary in &list.documents {
            let view = portal
                .document(&person.person_id, &summary.document_id)
                .await
                .unwrap();
            let Some(advice) = view.advice else {
                // A statement or assessment: shown with what the kind means, not as an advice.
                assert_ne!(summary.kind, DocumentKind::RemittanceAdvice);
                continue;
            };
            assert_eq!(
                advice.totals.added - advice.totals.taken_off,
                advice.totals.paid
            );
            for group in &advice.groups {
                assert_eq!(
                    group.subtotal,
                    group.lines.iter().map(|l| l.amount).sum(),
                    "subtotals add up"
                );
                if group.kind == LineKind::ManualAdjustment {
                    let note = group.lines[0].explanation.council_note.clone().unwrap();
                    assert!(advice.changes.iter().any(|c| c.sentence.contains(&note)));
                    saw_ma = true;
                }
            }
        }
    }
    assert!(saw_ma, "the demo data has a manual adjustment");

    // Access requests: the council's list; a bad form; a good one sent; withdrawn.
    assert_eq!(portal.relationships().len(), 6);
    let requests = portal.access_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.status_label == "Approved"));
    let invalid = portal
        .request_access(&AccessRequestForm::default())
        .await
        .unwrap();
    assert!(matches!(invalid, AccessRequestOutcome::Invalid { ref errors } if errors.len() == 5));
    let form = AccessRequestForm {
        relationship: Some(Relationship::Deputy),
        given_name: "Walter".into(),
        family_name: "Okafor".into(),
        birth_day: "2".into(),
        birth_month: "11".into(),
        birth_year: "1938".into(),
        postcode: "WR5 2NP".into(),
        client_id: String::new(),
        evidence: "Court of Protection order 12345678".into(),
    };
    let sent = portal.request_access(&form).await.unwrap();
    let AccessRequestOutcome::Sent { request } = sent else {
        panic!("sent: {sent:?}");
    };
    assert_eq!(request.status_label, "Waiting for review");
    assert!(request.can_withdraw);
    let after = portal
        .withdraw_access_request(request.request_id.as_deref().unwrap())
        .await
        .unwrap();
    let withdrawn = after
        .iter()
        .find(|r| r.request_id == request.request_id)
        .unwrap();
    assert_eq!(withdrawn.status_label, "Withdrawn");
    assert!(withdrawn.can_resubmit);

    // Settings: the lock time, within its limits, kept in a small file.
    assert_eq!(portal.settings().await.lock_after_minutes, 15);
    let error = portal.set_lock_after(0).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert_eq!(
        portal.set_lock_after(61).await.unwrap_err().code,
        ErrorCode::InvalidInput
    );
    assert_eq!(
        portal.set_lock_after(20).await.unwrap().lock_after_minutes,
        20
    );
    assert_eq!(portal.session().await.idle.after_seconds, 20 * 60);

    // Lock: nothing readable; a keychain store is unlocked by signing in again (with the
    // password asked again).
    assert_eq!(portal.lock().await.state, SessionState::Locked);
    assert_eq!(
        portal.people().await.unwrap_err().code,
        ErrorCode::StoreLocked
    );
    assert_eq!(
        portal.store().await.unwrap_err().code,
        ErrorCode::StoreLocked
    );
    assert_eq!(
        portal.unlock("anything at all").await.unwrap_err().code,
        ErrorCode::StoreLocked
    );
    let again = portal.sign_in().await.unwrap();
    assert_eq!(again.state, SessionState::SignedIn);
    assert_eq!(browser.seen().last_prompt.as_deref(), Some("login"));
    assert_eq!(browser.seen().password_asked, 2);
    drop(portal);

    // A restart: still signed in (the session is kept in the encrypted store), the lock time
    // remembered, the documents there.
    let portal = support::portal(profile.clone(), data.path(), &secrets, &browser, None)
        .await
        .unwrap();
    let session = portal.session().await;
    assert_eq!(session.state, SessionState::SignedIn);
    assert_eq!(session.idle.after_seconds, 20 * 60);
    assert_eq!(portal.people().await.unwrap().len(), 3);

    // The council goes away: sync says offline (not an error), everything kept is readable,
    // and a request is kept to be sent later.
    council.stop();
    let offline = portal.sync_now(&no_progress).await.unwrap();
    assert!(offline.offline);
    assert!(offline.summary.contains("offline"), "{}", offline.summary);
    assert!(portal.session().await.offline);
    let doc = portal
        .document(&margaret.person_id, &newest.document_id)
        .await
        .unwrap();
    assert!(doc.advice.is_some());
    let queued = portal.request_access(&form).await.unwrap();
    let AccessRequestOutcome::Queued { request } = queued else {
        panic!("queued: {queued:?}");
    };
    assert_eq!(request.status_label, "Waiting to be sent");
    let listed = portal.access_requests().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].queued_id, request.queued_id);
    let emptied = portal
        .withdraw_access_request(&format!("queued:{}", request.queued_id.unwrap()))
        .await
        .unwrap();
    assert!(emptied.is_empty());

    // A passphrase for working offline: the keychain entry goes, the store waits locked at
    // the next start, a wrong passphrase changes nothing.
    let error = portal.set_passphrase("short").await.unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    let settings = portal
        .set_passphrase("correct horse battery")
        .await
        .unwrap();
    assert_eq!(settings.key_protection, KeyProtectionView::Passphrase);
    assert!(secrets.0.is_empty(), "the keychain entry was removed");
    drop(portal);
    let portal = support::portal(profile.clone(), data.path(), &secrets, &browser, None)
        .await
        .unwrap();
    assert_eq!(portal.session().await.state, SessionState::Locked);
    let files_before = files_under(data.path());
    let wrong = portal.unlock("not the passphrase").await.unwrap_err();
    assert_eq!(wrong.code, ErrorCode::StoreLocked);
    assert!(
        wrong.message.starts_with("That passphrase is not right"),
        "{}",
        wrong.message
    );
    assert_eq!(
        files_under(data.path()),
        files_before,
        "nothing was deleted"
    );
    let session = portal.unlock("correct horse battery").await.unwrap();
    assert_eq!(session.state, SessionState::SignedIn);
    assert_eq!(portal.people().await.unwrap().len(), 3);

    // Remove my data: signed out, nothing left.
    let session = portal.remove_local_data().await.unwrap();
    assert_eq!(session.state, SessionState::SignedOut);
    assert!(
        files_under(data.path())
            .iter()
            .all(|f| f.file_name().unwrap() == "preferences.json"),
        "{:?}",
        files_under(data.path())
    );
    assert_eq!(
        portal.people().await.unwrap_err().code,
        ErrorCode::Unauthorised
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_keeps_nothing_asks_for_the_password_and_clears_everything_at_sign_out() {
    let council = start_council().await;
    let data = tempfile::tempdir().unwrap();
    let secrets = SharedSecrets::default();
    let browser = TestBrowser::new(RUTH);
    let profile = council.profile("[policy]\nkiosk = true\nidle_minutes = 2\n");
    let portal = portal(profile, data.path(), &secrets, &browser, None)
        .await
        .unwrap();

    let session = portal.session().await;
    assert_eq!(session.mode, AppMode::Kiosk);
    assert_eq!(session.key_protection, KeyProtectionView::MemoryOnly);
    assert_eq!(session.idle.action, IdleAction::ClearEverything);
    assert_eq!(session.idle.after_seconds, 120);
    assert!(session.idle.warn_before_seconds >= 20);
    assert!(!portal.can_save_files());

    // Sign in twice with the same browser: the kiosk asks for the password both times.
    portal.sign_in().await.unwrap();
    assert_eq!(browser.seen().last_prompt.as_deref(), Some("login"));
    assert_eq!(browser.seen().last_max_age.as_deref(), Some("0"));
    let summary = portal.sync_now(&no_progress).await.unwrap();
    assert!(summary.new_documents > 0);
    assert_eq!(portal.people().await.unwrap().len(), 3);
    assert_eq!(portal.app_info().await.mode, AppMode::Kiosk);

    // Nothing of the person touched the disk or the keychain: only the fixed sentence that
    // says a session is open (for the clean-up after a crash).
    assert_eq!(
        files_under(data.path()),
        [data.path().join(cfp_portal::KIOSK_SESSION_FLAG)]
    );
    let flag = std::fs::read_to_string(data.path().join(cfp_portal::KIOSK_SESSION_FLAG)).unwrap();
    assert!(!flag.contains(RUTH.0) && !flag.contains("Adeyemi") && !flag.contains("eyJ"));
    assert!(secrets.0.is_empty());

    // A person cannot loosen the kiosk.
    assert_eq!(
        portal.set_lock_after(30).await.unwrap_err().code,
        ErrorCode::Unavailable
    );
    assert_eq!(
        portal
            .set_passphrase("correct horse battery")
            .await
            .unwrap_err()
            .code,
        ErrorCode::Unavailable
    );
    assert!(!portal.settings().await.can_set_passphrase);

    // Sign out: the council's session is ended in the browser, everything here is gone.
    let session = portal.sign_out().await;
    assert_eq!(session.state, SessionState::SignedOut);
    assert_eq!(browser.seen().sign_outs, 1);
    assert_eq!(
        portal.people().await.unwrap_err().code,
        ErrorCode::Unauthorised
    );
    browser.settled().await;
    tokio::time::timeout(std::time::Duration::from_secs(60), portal.sign_in())
        .await
        .expect("the second sign-in finished")
        .unwrap();
    assert_eq!(
        browser.seen().password_asked,
        2,
        "the next person must type a password"
    );
    // The council's list of people is fetched again at sign-in, but nothing downloaded
    // before is left.
    for person in portal.people().await.unwrap() {
        assert!(person.last_synced_at.is_none());
        let list = portal
            .documents(&person.person_id, &DocumentQuery::default())
            .await
            .unwrap();
        assert_eq!(list.total, 0, "the last person's documents are gone");
    }
    // The idle timeout's "clear everything" is the same as signing out.
    portal.lock().await;
    assert_eq!(portal.session().await.state, SessionState::SignedOut);
    assert!(files_under(data.path()).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_keychain_documents_live_in_memory_until_a_passphrase_is_chosen() {
    let council = start_council().await;
    let data = tempfile::tempdir().unwrap();
    let secrets = SharedSecrets::unavailable();
    let browser = TestBrowser::new(RUTH);
    let profile = council.profile("");
    let portal = portal(profile.clone(), data.path(), &secrets, &browser, None)
        .await
        .unwrap();
    let session = portal.sign_in().await.unwrap();
    assert_eq!(session.key_protection, KeyProtectionView::NotSetUp);
    let synced = portal.sync_now(&no_progress).await.unwrap();
    assert!(synced.new_documents > 0);
    assert!(
        files_under(data.path()).is_empty(),
        "no plaintext key, no file at all"
    );

    let settings = portal
        .set_passphrase("kettle orange bicycle")
        .await
        .unwrap();
    assert_eq!(settings.key_protection, KeyProtectionView::Passphrase);
    drop(portal);

    // Offline, after a restart: the passphrase opens everything that was downloaded.
    council.stop();
    let portal = support::portal(profile, data.path(), &secrets, &browser, None)
        .await
        .unwrap();
    assert_eq!(portal.session().await.state, SessionState::Locked);
    portal.unlock("kettle orange bicycle").await.unwrap();
    let people = portal.people().await.unwrap();
    assert_eq!(people.len(), 3);
    let mut documents = 0;
    for person in &people {
        documents += portal
            .documents(&person.person_id, &DocumentQuery::default())
            .await
            .unwrap()
            .total;
    }
    assert_eq!(documents, synced.new_documents);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_sign_in_can_be_cancelled() {
    let council = start_council().await;
    let data = tempfile::tempdir().unwrap();
    let browser = TestBrowser::idle();
    let portal = std::sync::Arc::new(
        portal(
            council.profile(""),
            data.path(),
            &SharedSecrets::default(),
            &browser,
            None,
        )
        .await
        .unwrap(),
    );
    let canceller = async {
        // Wait until the browser has been asked to open the council's page.
        browser
            .wait_until("the sign-in page opening", |seen| seen.sign_ins == 1)
            .await;
        portal.cancel_sign_in();
    };
    let (result, ()) = tokio::time::timeout(Duration::from_secs(10), async {
        tokio::join!(portal.sign_in(), canceller)
    })
    .await
    .expect("cancelling stops the wait");
    let error = result.unwrap_err();
    assert_eq!(error.code, ErrorCode::Unauthorised);
    assert_eq!(error.message, "Sign-in was cancelled.");
    assert_eq!(portal.session().await.state, SessionState::SignedOut);
}

/// A Deferred Payment statement past its equity limit and a backdated assessment result, for
/// Margaret Okafor (a demo client Ruth acts for).
fn statement_and_assessment() -> council_api::RemittanceImport {
    use cfp_domain::samples::{assessment_result, deferred_payment_statement};
    let statement =
        deferred_payment_statement("DPS-JOURNEY-1", "100234567", "Margaret Okafor", "20000.00");
    let assessment = assessment_result(
        "FA-JOURNEY-1",
        "100234567",
        "Margaret Okafor",
        Some("This replaces the result of last year."),
    );
    council_api::RemittanceImport {
        deferred_payment_statements: vec![statement],
        assessments: vec![assessment],
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_representative_reads_a_deferred_payment_statement_and_an_assessment_explained() {
    let council = start_council_with(statement_and_assessment()).await;
    let data = tempfile::tempdir().unwrap();
    let secrets = SharedSecrets::default();
    let browser = TestBrowser::new(RUTH);
    let portal = portal(council.profile(""), data.path(), &secrets, &browser, None)
        .await
        .unwrap();
    portal.sign_in().await.unwrap();
    let synced = portal.sync_now(&no_progress).await.unwrap();
    assert!(synced.problems.is_empty(), "{:?}", synced.problems);
    let people = portal.people().await.unwrap();
    let margaret = people.iter().find(|p| p.name == "Margaret Okafor").unwrap();

    // Listed with their reference, the date a list sorts by, and the amount a list shows.
    let find = |kind| DocumentQuery {
        kind: Some(kind),
        search: Some("journey".into()),
        ..Default::default()
    };
    let statements = portal
        .documents(
            &margaret.person_id,
            &find(DocumentKind::DeferredPaymentStatement),
        )
        .await
        .unwrap();
    let [statement] = statements.documents.as_slice() else {
        panic!("one statement: {:?}", statements.documents)
    };
    assert_eq!(statement.reference.as_deref(), Some("DPS-JOURNEY-1"));
    assert_eq!(statement.date, "2026-04-10");
    assert_eq!(statement.net, Some("20742.40".parse().unwrap()));
    assert_eq!(statement.kind_label, "Deferred Payment statement");
    let assessments = portal
        .documents(
            &margaret.person_id,
            &find(DocumentKind::FinancialAssessmentResult),
        )
        .await
        .unwrap();
    let [assessment] = assessments.documents.as_slice() else {
        panic!("one assessment: {:?}", assessments.documents)
    };
    assert_eq!(assessment.date, "2026-01-05", "listed from when it applies");
    assert_eq!(assessment.net, Some("21.30".parse().unwrap()));

    // The statement, explained: past its equity limit, so the headroom is a warning.
    let view = portal
        .document(&margaret.person_id, &statement.document_id)
        .await
        .unwrap();
    assert!(view.advice.is_none() && view.assessment.is_none());
    let deferred = view.deferred_payment.expect("the statement explained");
    assert_eq!(deferred.balance.len(), 6);
    assert_eq!(
        deferred.balance.last().unwrap().figure.amount,
        "20742.40".parse().unwrap()
    );
    assert!(deferred.past_equity_limit);
    assert!(deferred
        .headroom_sentence
        .starts_with("You owe £742.40 more than your equity limit of £20,000.00."));
    assert_eq!(deferred.interest_rates.len(), 2);
    assert!(view.contact_link.contains("DPS-JOURNEY-1"));

    // The assessment, explained: its steps add up to the weekly contribution.
    let view = portal
        .document(&margaret.person_id, &assessment.document_id)
        .await
        .unwrap();
    let result = view.assessment.expect("the assessment explained");
    assert_eq!(result.steps.len(), 3);
    assert_eq!(result.steps_total, result.weekly_contribution);
    assert_eq!(
        result.steps[0].explanation,
        cfp_domain::AssessmentStepKind::IncomeCounted.explanation()
    );
    assert_eq!(
        result.note.as_deref(),
        Some("This replaces the result of last year.")
    );
    assert_eq!(
        (result.assessed_on.as_str(), result.applies_from.as_str()),
        ("2026-02-20", "2026-01-05")
    );
}
