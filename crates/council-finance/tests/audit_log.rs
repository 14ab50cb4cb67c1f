//! The console's audit log over real HTTP: filtering by person (client ID) and by who did it,
//! names instead of stored ids, and paging through older and newer entries with plain links.

mod support;

use council_api::{AccessRequest, ImportPerson};
use council_finance::audit::{self, Action, Actor, Entry};
use council_finance::staff::Role;
use reqwest::StatusCode;
use support::*;
use time::Duration;

fn demo_person(client_id: &str) -> ImportPerson {
    demo_records()
        .people
        .into_iter()
        .find(|p| p.client_id.as_str() == client_id)
        .unwrap()
}

fn full_name(person: &ImportPerson) -> String {
    format!("{} {}", person.given_name, person.family_name)
}

/// The text a sighted reader sees: without the visually hidden words that help screen readers.
fn visible_text(element: scraper::ElementRef) -> String {
    element
        .descendants()
        .filter_map(|node| node.value().as_text().map(|text| (node, text)))
        .filter(|(node, _)| {
            !node.ancestors().any(|a| {
                a.value().as_element().is_some_and(|e| {
                    e.has_class(
                        "govuk-visually-hidden",
                        scraper::CaseSensitivity::CaseSensitive,
                    )
                })
            })
        })
        .map(|(_, text)| &**text)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The visible text of each cell of each body row of the page's table.
fn rows(html: &str) -> Vec<Vec<String>> {
    let document = scraper::Html::parse_document(html);
    let row = scraper::Selector::parse("table tbody tr").unwrap();
    let cell = scraper::Selector::parse("td").unwrap();
    document
        .select(&row)
        .map(|r| r.select(&cell).map(visible_text).collect())
        .collect()
}

/// The pagination links: (text, href).
fn page_links(html: &str) -> Vec<(String, String)> {
    let document = scraper::Html::parse_document(html);
    let selector =
        scraper::Selector::parse("nav.govuk-pagination[aria-label=\"Pages of the audit log\"] a")
            .unwrap();
    document
        .select(&selector)
        .map(|a| {
            (
                a.text().collect::<String>().trim().to_owned(),
                a.value().attr("href").unwrap().replace("&amp;", "&"),
            )
        })
        .collect()
}

fn page_link(html: &str, text: &str) -> Option<String> {
    page_links(html)
        .into_iter()
        .find(|(t, _)| t == text)
        .map(|(_, href)| href)
}

/// The value of the "Who did it" option whose text contains `name`.
fn actor_option(html: &str, name: &str) -> String {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("select#actor option").unwrap();
    document
        .select(&selector)
        .find(|o| o.text().collect::<String>().contains(name))
        .and_then(|o| o.value().attr("value"))
        .unwrap()
        .to_owned()
}

/// Filters the log through its form (a POST), following the answer to the filtered page.
async fn filter(admin: &Browser, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let response = admin
        .submit("/console/audit", "/console/audit", fields)
        .await;
    if response.status() == StatusCode::SEE_OTHER {
        admin.get_text(&location(&response)).await
    } else {
        (response.status(), response.text().await.unwrap())
    }
}

/// `given` asks for the person through the API and Rita approves it in the console. Returns
/// their access token.
async fn approved(council: &Council, rita: &Browser, given: &str, person: &ImportPerson) -> String {
    let (_, token) = council
        .account(given, &format!("{}@example.org", given.to_lowercase()))
        .await;
    let response = council
        .post_json(
            "/access-requests",
            &token,
            &ask_for(person, "appointee", Some("DWP letter 2025")),
        )
        .await;
    let request: AccessRequest = response.json().await.unwrap();
    let page = format!("/console/requests/{}", request.request_id);
    let response = rita.submit(&page, &format!("{page}/approve"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    token
}

#[tokio::test]
async fn the_log_answers_who_read_a_persons_documents_and_what_a_reviewer_decided() {
    let council = start().await;
    council.push(&demo_records()).await;
    let rita = council
        .staff_named("rita@council.example", "Rita Reviewer", Role::Reviewer)
        .await;
    let admin = council
        .staff_named("ada@council.example", "Ada Admin", Role::Admin)
        .await;
    let margaret = demo_person("100234567");
    let dennis = demo_person("100318842");
    let ruth_token = approved(&council, &rita, "Ruth", &margaret).await;
    let owen_token = approved(&council, &rita, "Owen", &dennis).await;
    let people = council.get_json("/people", &ruth_token).await;
    let margaret_id = people["people"][0]["personId"].as_str().unwrap();
    let (changes, _) = council.sync(&ruth_token, margaret_id, None, 500).await;
    let document = format!(
        "/people/{margaret_id}/documents/{}",
        changes[0].document_id()
    );
    assert_eq!(council.get(&document, &ruth_token).await.status(), 200);
    let owen_people = council.get_json("/people", &owen_token).await;
    let dennis_id = owen_people["people"][0]["personId"].as_str().unwrap();
    council.sync(&owen_token, dennis_id, None, 500).await;

    // Everything about Margaret, and only her: who asked, who approved, who read.
    let (status, html) = filter(&admin, &[("client_id", "100234567")]).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let margaret_label = format!("{} (client ID 100234567)", full_name(&margaret));
    let about_margaret = rows(&html);
    assert!(!about_margaret.is_empty());
    for row in &about_margaret {
        assert!(row[3].starts_with(&margaret_label), "{row:?}");
    }
    let readers: Vec<&str> = about_margaret
        .iter()
        .filter(|row| row[2] == "Documents read")
        .map(|row| row[1].as_str())
        .collect();
    assert!(readers.len() >= 2, "the feed and the document: {readers:?}");
    assert!(readers.iter().all(|who| *who == "Ruth Tester (app user)"));
    assert!(about_margaret
        .iter()
        .any(|row| row[1] == "Rita Reviewer (finance team)" && row[2] == "Request approved"));
    assert!(!html.contains(&full_name(&dennis)), "nobody else's entries");
    assert!(html.contains(&format!("Entries about {margaret_label}")));

    // What Rita did: her sign-in and two approvals, named, and nobody else's entries.
    let (_, html) = admin.get_text("/console/audit").await;
    let rita_value = actor_option(&html, "Rita Reviewer");
    assert!(rita_value.starts_with("staff:"));
    let everything = rows(&html);
    assert!(
        everything
            .iter()
            .all(|row| !row[1].contains("staff:") && !row[1].contains("account:")),
        "names, not ids: {everything:?}"
    );
    let (_, html) = admin
        .get_text(&format!("/console/audit?actor={rita_value}&action="))
        .await;
    let by_rita = rows(&html);
    assert!(by_rita
        .iter()
        .all(|row| row[1] == "Rita Reviewer (finance team)"));
    let mut actions: Vec<&str> = by_rita.iter().map(|row| row[2].as_str()).collect();
    actions.sort_unstable();
    assert_eq!(
        actions,
        ["Request approved", "Request approved", "Staff signed in"]
    );
    let dennis_label = format!("{} (client ID 100318842)", full_name(&dennis));
    assert!(by_rita.iter().any(|row| row[3].starts_with(&dennis_label)));

    // Person and action together.
    let (_, html) = filter(
        &admin,
        &[("client_id", "100318842"), ("action", "documents read")],
    )
    .await;
    let reads = rows(&html);
    assert!(!reads.is_empty());
    assert!(reads
        .iter()
        .all(|row| row[1] == "Owen Tester (app user)" && row[2] == "Documents read"));

    // A client ID that is wrong or unknown is said plainly.
    let (status, html) = filter(&admin, &[("client_id", "12ab")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error_messages(&html),
        ["Enter a client ID like 100234567 (9 digits)."]
    );
    let (_, html) = filter(&admin, &[("client_id", "999999999")]).await;
    assert_eq!(
        error_messages(&html),
        ["There is nobody with this client ID in the council's records."]
    );
    assert!(rows(&html).is_empty());

    // Reviewers cannot read the log.
    let (status, _) = rita.get_text("/console/audit").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let response = rita
        .post_form("/console/audit", &[("client_id", "100234567")])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn older_and_newer_links_page_through_every_entry_once() {
    let council = start().await;
    let admin = council
        .staff_named("ada@council.example", "Ada Admin", Role::Admin)
        .await;
    // 130 import entries, some sharing a second (the order then falls back to the id).
    let start_at = council.finance.now() - Duration::days(1);
    let mut conn = council.finance.pool().acquire().await.unwrap();
    for n in 0..130i64 {
        audit::record(
            &mut conn,
            &format!("id-{n:03}"),
            start_at + Duration::seconds(n / 3),
            Entry {
                actor: Actor::FinanceSystem,
                action: Action::Imported,
                person_id: None,
                request_id: None,
                detail: Some(format!("import {n:03}")),
            },
        )
        .await
        .unwrap();
    }
    drop(conn);

    let first = "/console/audit?actor=finance-system".to_string();
    let (status, html) = admin.get_text(&first).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        page_link(&html, "Newer entries"),
        None,
        "already the newest"
    );
    let mut pages = vec![html];
    while let Some(older) = page_link(pages.last().unwrap(), "Older entries") {
        assert!(older.contains("actor=finance-system"), "{older}");
        let (status, html) = admin.get_text(&older).await;
        assert_eq!(status, StatusCode::OK);
        pages.push(html);
    }
    assert_eq!(pages.len(), 3, "50 + 50 + 30");
    let details: Vec<String> = pages
        .iter()
        .flat_map(|html| rows(html))
        .map(|row| row[4].clone())
        .collect();
    assert_eq!(details.len(), 130);
    let mut seen = details.clone();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 130, "every entry exactly once");
    // Newest first: the seconds never go up from one row to the next.
    let numbers: Vec<i64> = details
        .iter()
        .map(|d| d.trim_start_matches("import ").parse().unwrap())
        .collect();
    assert!(
        numbers.windows(2).all(|w| w[0] / 3 >= w[1] / 3),
        "{numbers:?}"
    );

    // Back again with the newer links, from the last page to the first.
    let mut back = vec![rows(pages.last().unwrap())];
    let mut html = pages.last().unwrap().clone();
    while let Some(newer) = page_link(&html, "Newer entries") {
        let (_, next) = admin.get_text(&newer).await;
        back.push(rows(&next));
        html = next;
    }
    back.reverse();
    let forward: Vec<Vec<Vec<String>>> = pages.iter().map(|html| rows(html)).collect();
    assert_eq!(back, forward, "the same pages both ways");
    assert_eq!(page_link(&html, "Newer entries"), None);
}

/// Every address on an audit log page: links and form actions.
fn addresses(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("a[href], form[action]").unwrap();
    document
        .select(&selector)
        .filter_map(|e| e.value().attr("href").or(e.value().attr("action")))
        .map(str::to_owned)
        .collect()
}

fn assert_no_client_id(addresses: &[String]) {
    let client_ids: Vec<String> = demo_records()
        .people
        .iter()
        .map(|p| p.client_id.as_str().to_owned())
        .collect();
    for address in addresses {
        for client_id in &client_ids {
            assert!(
                !address.contains(client_id.as_str()),
                "a client ID in a URL: {address}"
            );
        }
    }
}

#[tokio::test]
async fn client_ids_never_appear_in_the_audit_logs_urls() {
    let council = start().await;
    council.push(&demo_records()).await;
    let rita = council
        .staff_named("rita@council.example", "Rita Reviewer", Role::Reviewer)
        .await;
    let admin = council
        .staff_named("ada@council.example", "Ada Admin", Role::Admin)
        .await;
    let margaret = demo_person("100234567");
    let dennis = demo_person("100318842");
    approved(&council, &rita, "Ruth", &margaret).await;
    approved(&council, &rita, "Owen", &dennis).await;
    // Enough reads of Margaret's documents for a second page of entries about her.
    let margaret_id = {
        let mut conn = council.finance.pool().acquire().await.unwrap();
        let person =
            council_finance::records::person_by_client_id(&mut conn, &"100234567".parse().unwrap())
                .await
                .unwrap()
                .unwrap();
        for n in 0..60 {
            audit::record(
                &mut conn,
                &format!("read-{n:02}"),
                council.finance.now() - Duration::minutes(n),
                Entry {
                    actor: Actor::Account("ruth"),
                    action: Action::DocumentsRead,
                    person_id: Some(&person.person_id),
                    request_id: None,
                    detail: None,
                },
            )
            .await
            .unwrap();
        }
        person.person_id
    };

    // The whole log: people are linked by opaque id, and the filter form posts.
    let (status, html) = admin.get_text("/console/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("(client ID 100234567)"),
        "still shown as text"
    );
    assert_no_client_id(&addresses(&html));
    let document = scraper::Html::parse_document(&html);
    let form = document
        .select(&scraper::Selector::parse("form[action=\"/console/audit\"]").unwrap())
        .next()
        .expect("the filter form");
    assert_eq!(form.value().attr("method"), Some("post"));

    // Filtering by client ID is a POST; the answer sends the browser to an opaque address.
    let response = admin
        .submit(
            "/console/audit",
            "/console/audit",
            &[("client_id", "100234567"), ("actor", ""), ("action", "")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let filtered = location(&response);
    assert_no_client_id(std::slice::from_ref(&filtered));
    assert!(filtered.contains(&margaret_id), "{filtered}");
    let (status, html) = admin.get_text(&filtered).await;
    assert_eq!(status, StatusCode::OK);
    let about_margaret = rows(&html);
    assert_eq!(about_margaret.len(), 50, "a full first page");
    assert!(about_margaret
        .iter()
        .all(|row| row[3].starts_with(&format!("{} (client ID 100234567)", full_name(&margaret)))));
    let older = page_link(&html, "Older entries").expect("a second page");
    assert_no_client_id(&addresses(&html));
    let (_, html) = admin.get_text(&older).await;
    assert!(!rows(&html).is_empty());
    assert_no_client_id(&addresses(&html));

    // A client ID in the query string filters nothing any more.
    let (status, html) = admin.get_text("/console/audit?client_id=100234567").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        rows(&html)
            .iter()
            .any(|row| row[3].starts_with(&full_name(&dennis))),
        "not filtered by the query's client ID"
    );
}
