//! The audit log page (admins): filter by person (typed as a client ID), by who did it and by
//! what, page through older and newer entries with plain links, and read names instead of the
//! stored ids. No JavaScript.
//!
//! Client IDs never go into a URL (they would land in browser history, proxy and server logs):
//! the filter form is a POST, which finds the person and sends the browser on to the filtered
//! page by the person's opaque id. Links and page links carry only opaque ids, so filtered pages
//! can still be bookmarked. A client ID in the query string is ignored.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};

use council_kit::page::{csrf_field, FieldError, Input};

use super::{
    admin_only, check_csrf, date_time, fail, group_class, render, signed_in, ConsoleResult,
    ErrorPage,
};
use crate::audit::{self, Action, Filter, Page, Position, Recorded, Start};
use crate::records::{self, PersonRecord};
use crate::staff::{self, Staff};
use crate::Finance;

const PATH: &str = "/console/audit";
/// Entries on one page: a screen or two, quick to scan.
pub const PAGE_SIZE: u32 = 50;
const FINANCE_SYSTEM: &str = "finance-system";

/// What the filter asks for: the person by opaque id, who and what as stored. This is what links
/// carry; a client ID typed in the form becomes `person` before any link is made.
#[derive(Default)]
struct Asked {
    person: String,
    actor: String,
    action: String,
}

impl Asked {
    fn from_fields(fields: &HashMap<String, String>) -> Self {
        let field = |name: &str| {
            fields
                .get(name)
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        Asked {
            person: field("person"),
            actor: field("actor"),
            action: field("action"),
        }
    }

    fn is_empty(&self) -> bool {
        self.person.is_empty() && self.actor.is_empty() && self.action.is_empty()
    }

    /// A link to this filter starting at `start` (the filter travels with every page link).
    fn link(&self, start: Option<(&str, &Position)>) -> String {
        let mut pairs: Vec<(&str, String)> = [
            ("person", self.person.clone()),
            ("actor", self.actor.clone()),
            ("action", self.action.clone()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
        if let Some((name, position)) = start {
            pairs.push((name, position.to_param()));
        }
        query_link(&pairs)
    }
}

fn query_link(pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        return PATH.to_owned();
    }
    let query: Vec<String> = pairs
        .iter()
        .map(|(name, value)| format!("{name}={}", percent_encode(value)))
        .collect();
    format!("{PATH}?{}", query.join("&"))
}

/// Percent-encodes a query value (everything but RFC 3986's unreserved characters).
fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Names for the ids on one page, looked up once each.
#[derive(Default)]
struct Names {
    staff: HashMap<String, String>,
    accounts: HashMap<String, String>,
    /// Person id to "Name (client ID n)".
    people: HashMap<String, (String, String)>,
}

impl Names {
    async fn look_up(
        conn: &mut sqlx::SqliteConnection,
        entries: &[Recorded],
        extra_actor: &str,
    ) -> Result<Self, super::ConsoleError> {
        let mut names = Names::default();
        let actors = entries
            .iter()
            .map(|e| e.actor.as_str())
            .chain(Some(extra_actor));
        for actor in actors {
            if let Some(id) = actor.strip_prefix("staff:") {
                if !names.staff.contains_key(id) {
                    if let Some(name) = staff::name_of(conn, id).await? {
                        names.staff.insert(id.to_owned(), name);
                    }
                }
            } else if let Some(sub) = actor.strip_prefix("account:") {
                if !names.accounts.contains_key(sub) {
                    if let Some(name) = crate::access::requester_name(conn, sub)
                        .await
                        .map_err(|_| super::ConsoleError::Internal)?
                    {
                        names.accounts.insert(sub.to_owned(), name);
                    }
                }
            }
        }
        for person_id in entries.iter().filter_map(|e| e.person_id.as_deref()) {
            if !names.people.contains_key(person_id) {
                if let Some(person) = records::person(conn, person_id).await? {
                    names.people.insert(
                        person_id.to_owned(),
                        (person.full_name(), person.client_id.as_str().to_owned()),
                    );
                }
            }
        }
        Ok(names)
    }

    /// Who did it, in words; ids only when nobody by that id is known any more.
    fn actor(&self, actor: &str) -> String {
        if actor == FINANCE_SYSTEM {
            return "The finance system".into();
        }
        if let Some(id) = actor.strip_prefix("staff:") {
            return match self.staff.get(id) {
                Some(name) => format!("{name} (finance team)"),
                None => format!("A former member of the finance team ({actor})"),
            };
        }
        if let Some(sub) = actor.strip_prefix("account:") {
            return match self.accounts.get(sub) {
                Some(name) => format!("{name} (app user)"),
                None => format!("An app user ({actor})"),
            };
        }
        actor.to_owned()
    }
}

/// `GET /console/audit`: the log, filtered by the opaque ids in the query (if any).
pub(super) async fn page(
    State(finance): State<Finance>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> ConsoleResult {
    let (staff_member, csrf) = signed_in(&finance, &headers).await?;
    admin_only(&finance, &staff_member)?;
    let asked = Asked::from_fields(&query);
    let mut conn = finance
        .pool()
        .acquire()
        .await
        .map_err(|e| fail(&finance, e.into()))?;
    let person = if asked.person.is_empty() {
        None
    } else {
        records::person(&mut conn, &asked.person)
            .await
            .map_err(|e| fail(&finance, e.into()))?
    };
    let start = match (query.get("older"), query.get("newer")) {
        (Some(p), _) => Position::from_param(p).map(Start::OlderThan),
        (None, Some(p)) => Position::from_param(p).map(Start::NewerThan),
        (None, None) => Some(Start::Newest),
    }
    .unwrap_or(Start::Newest);
    let typed = person
        .as_ref()
        .map(|p| p.client_id.as_str().to_owned())
        .unwrap_or_default();
    let shown = Shown {
        staff: &staff_member,
        csrf: &csrf,
        asked: &asked,
        typed_client_id: &typed,
        person: person.as_ref(),
        errors: &[],
    };
    show(&finance, &mut conn, shown, &start).await
}

/// `POST /console/audit`: the filter form. A client ID is looked up here and the browser sent on
/// to the page for the person's opaque id; a wrong one is said on the form, with no redirect.
pub(super) async fn filter(
    State(finance): State<Finance>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    let (staff_member, csrf) = signed_in(&finance, &headers).await?;
    check_csrf(&finance, &csrf, &form)?;
    admin_only(&finance, &staff_member)?;
    let mut asked = Asked::from_fields(&form);
    asked.person.clear();
    let typed = form
        .get("client_id")
        .map(|v| v.trim().to_owned())
        .unwrap_or_default();
    let mut conn = finance
        .pool()
        .acquire()
        .await
        .map_err(|e| fail(&finance, e.into()))?;
    let mut errors = Vec::new();
    if !typed.is_empty() {
        match typed.parse() {
            Err(_) => errors.push(FieldError::new(
                "client_id",
                "Enter a client ID like 100234567 (9 digits).",
            )),
            Ok(client_id) => match records::person_by_client_id(&mut conn, &client_id)
                .await
                .map_err(|e| fail(&finance, e.into()))?
            {
                Some(found) => asked.person = found.person_id,
                None => errors.push(FieldError::new(
                    "client_id",
                    "There is nobody with this client ID in the council's records.",
                )),
            },
        }
    }
    if errors.is_empty() {
        let mut response = Redirect::to(&asked.link(None)).into_response();
        *response.status_mut() = StatusCode::SEE_OTHER;
        return Ok(response);
    }
    let shown = Shown {
        staff: &staff_member,
        csrf: &csrf,
        asked: &asked,
        typed_client_id: &typed,
        person: None,
        errors: &errors,
    };
    show(&finance, &mut conn, shown, &Start::Newest).await
}

/// What one rendering of the page shows.
struct Shown<'a> {
    staff: &'a Staff,
    csrf: &'a str,
    asked: &'a Asked,
    /// The client ID in the form's box: as typed, or the filtered person's (page text, never a URL).
    typed_client_id: &'a str,
    person: Option<&'a PersonRecord>,
    errors: &'a [FieldError],
}

async fn show(
    finance: &Finance,
    conn: &mut sqlx::SqliteConnection,
    shown: Shown<'_>,
    start: &Start,
) -> Result<Response, ErrorPage> {
    let Shown {
        staff: staff_member,
        csrf,
        asked,
        typed_client_id,
        person,
        errors,
    } = shown;
    // A person id that names nobody (any more) matches no entries, rather than all of them.
    let unknown_person = !asked.person.is_empty() && person.is_none();
    let filter = Filter {
        person_id: (!asked.person.is_empty()).then_some(asked.person.as_str()),
        actor: (!asked.actor.is_empty()).then_some(asked.actor.as_str()),
        action: (!asked.action.is_empty()).then_some(asked.action.as_str()),
    };
    let page = if errors.is_empty() && !unknown_person {
        audit::page(conn, filter, start, PAGE_SIZE)
            .await
            .map_err(|e| fail(finance, e.into()))?
    } else {
        Page {
            entries: Vec::new(),
            older: None,
            newer: None,
        }
    };
    let names = Names::look_up(conn, &page.entries, &asked.actor)
        .await
        .map_err(|e| fail(finance, e))?;
    let team = staff::everyone(conn)
        .await
        .map_err(|e| fail(finance, e.into()))?;

    let about = person.map(|p| {
        format!(
            " about {} (client ID {})",
            p.full_name(),
            p.client_id.as_str()
        )
    });
    let by = (!asked.actor.is_empty()).then(|| format!(" by {}", names.actor(&asked.actor)));
    let caption = format!(
        "Entries{}{}, newest first",
        about.unwrap_or_default(),
        by.unwrap_or_default()
    );
    Ok(render(
        finance,
        staff_member,
        csrf,
        "Audit log",
        errors,
        html! {
            h1 class="govuk-heading-l" { "Audit log" }
            p class="govuk-body" { "Who did what, and when. Choose a person, who did it or what was done to see only those entries." }
            (filter_form(asked, typed_client_id, csrf, errors, &team, &names))
            @if page.entries.is_empty() {
                p class="govuk-body" { "There are no entries to show." }
            } @else {
                (entries_table(&caption, &page.entries, &names, asked))
            }
            (pagination(asked, &page))
        },
    ))
}

fn filter_form(
    asked: &Asked,
    typed_client_id: &str,
    csrf: &str,
    errors: &[FieldError],
    team: &[(String, String, String)],
    names: &Names,
) -> Markup {
    let actor_known = asked.actor.is_empty()
        || asked.actor == FINANCE_SYSTEM
        || team
            .iter()
            .any(|(id, _, _)| asked.actor == format!("staff:{id}"));
    html! {
        form method="post" action=(PATH) novalidate {
            (csrf_field(csrf))
            fieldset class="govuk-fieldset" {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--m" {
                    h2 class="govuk-fieldset__heading" { "Filter the log" }
                }
                (Input::new("client_id", "Person's client ID")
                    .hint("For example, 100234567. Shows everything about that person, such as who read their documents.")
                    .value(typed_client_id)
                    .inputmode("numeric")
                    .width("govuk-input--width-10")
                    .render(errors))
                div class=(group_class(false)) {
                    label class="govuk-label" for="actor" { "Who did it" }
                    select class="govuk-select" id="actor" name="actor" {
                        option value="" selected[asked.actor.is_empty()] { "Anyone" }
                        @for (id, name, email) in team {
                            @let value = format!("staff:{id}");
                            option value=(value) selected[asked.actor == value] { (name) " (" (email) ")" }
                        }
                        option value=(FINANCE_SYSTEM) selected[asked.actor == FINANCE_SYSTEM] { "The finance system" }
                        @if !actor_known {
                            option value=(asked.actor) selected { (names.actor(&asked.actor)) }
                        }
                    }
                }
                div class=(group_class(false)) {
                    label class="govuk-label" for="action" { "What was done" }
                    select class="govuk-select" id="action" name="action" {
                        option value="" selected[asked.action.is_empty()] { "Anything" }
                        @for action in Action::ALL {
                            option value=(action.as_str()) selected[asked.action == action.as_str()] { (sentence_case(action.as_str())) }
                        }
                    }
                }
            }
            div class="govuk-button-group" {
                button type="submit" class="govuk-button" { "Show entries" }
                @if !asked.is_empty() {
                    a class="govuk-link" href=(PATH) { "Clear the filter" }
                }
            }
        }
    }
}

fn entries_table(caption: &str, entries: &[Recorded], names: &Names, asked: &Asked) -> Markup {
    html! {
        table class="govuk-table" {
            caption class="govuk-table__caption govuk-table__caption--m" { (caption) }
            thead class="govuk-table__head" {
                tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "When" }
                    th scope="col" class="govuk-table__header" { "Who" }
                    th scope="col" class="govuk-table__header" { "What" }
                    th scope="col" class="govuk-table__header" { "Person" }
                    th scope="col" class="govuk-table__header" { "Details" }
                }
            }
            tbody class="govuk-table__body" {
                @for entry in entries {
                    tr class="govuk-table__row" {
                        td class="govuk-table__cell" { (date_time(entry.at)) }
                        td class="govuk-table__cell" {
                            @if asked.actor == entry.actor {
                                (names.actor(&entry.actor))
                            } @else {
                                a class="govuk-link" href=(query_link(&[("actor", entry.actor.clone())])) {
                                    (names.actor(&entry.actor))
                                    span class="govuk-visually-hidden" { ": show only their entries" }
                                }
                            }
                        }
                        td class="govuk-table__cell" { (sentence_case(&entry.action)) }
                        td class="govuk-table__cell" { (person_cell(entry, names, asked)) }
                        td class="govuk-table__cell" { (entry.detail.as_deref().unwrap_or("")) }
                    }
                }
            }
        }
    }
}

fn person_cell(entry: &Recorded, names: &Names, asked: &Asked) -> Markup {
    let Some(person_id) = entry.person_id.as_deref() else {
        return html! {};
    };
    match names.people.get(person_id) {
        Some((name, client_id)) if asked.person != person_id => html! {
            a class="govuk-link" href=(query_link(&[("person", person_id.to_owned())])) {
                (name) " (client ID " (client_id) ")"
                span class="govuk-visually-hidden" { ": show only entries about them" }
            }
        },
        Some((name, client_id)) => html! { (name) " (client ID " (client_id) ")" },
        None => html! { "A person no longer in the records (" (person_id) ")" },
    }
}

/// GOV.UK pagination with text links, so it reads well and needs no JavaScript.
fn pagination(asked: &Asked, page: &Page) -> Markup {
    if page.newer.is_none() && page.older.is_none() {
        return html! {};
    }
    html! {
        nav class="govuk-pagination govuk-pagination--block" aria-label="Pages of the audit log" {
            @if let Some(newer) = &page.newer {
                div class="govuk-pagination__prev" {
                    a class="govuk-link govuk-pagination__link" href=(asked.link(Some(("newer", newer)))) rel="prev" {
                        span class="govuk-pagination__link-title" { "Newer entries" }
                    }
                }
            }
            @if let Some(older) = &page.older {
                div class="govuk-pagination__next" {
                    a class="govuk-link govuk-pagination__link" href=(asked.link(Some(("older", older)))) rel="next" {
                        span class="govuk-pagination__link-title" { "Older entries" }
                    }
                }
            }
        }
    }
}

fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_keep_the_filter_and_encode_it() {
        let asked = Asked {
            person: "p3rs0n-Id_x".into(),
            actor: "staff:a-b_c".into(),
            action: "documents read".into(),
        };
        let position = Position {
            at: 1_700_000_000,
            audit_id: "xYz-_1".into(),
        };
        assert_eq!(
            asked.link(Some(("older", &position))),
            "/console/audit?person=p3rs0n-Id_x&actor=staff%3Aa-b_c&action=documents%20read\
             &older=1700000000.xYz-_1"
        );
        assert_eq!(Asked::default().link(None), "/console/audit");
        assert_eq!(Position::from_param(&position.to_param()), Some(position));
    }
}
