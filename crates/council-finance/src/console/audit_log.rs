//! The audit log page (admins): filter by person (client ID), by who did it and by what, page
//! through older and newer entries with plain links, and read names instead of the stored ids.
//! Everything is a GET form or link, so it works without JavaScript and pages can be bookmarked.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use maud::{html, Markup};

use council_kit::page::{FieldError, Input};

use super::{admin_only, date_time, fail, group_class, render, signed_in, ConsoleResult};
use crate::audit::{self, Action, Filter, Page, Position, Recorded, Start};
use crate::records;
use crate::staff;
use crate::Finance;

const PATH: &str = "/console/audit";
/// Entries on one page: a screen or two, quick to scan.
pub const PAGE_SIZE: u32 = 50;
const FINANCE_SYSTEM: &str = "finance-system";

/// What the filter form asked for, exactly as typed (shown again, and kept in page links).
#[derive(Default)]
struct Asked {
    client_id: String,
    actor: String,
    action: String,
}

impl Asked {
    fn from_query(query: &HashMap<String, String>) -> Self {
        let field = |name: &str| {
            query
                .get(name)
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        Asked {
            client_id: field("client_id"),
            actor: field("actor"),
            action: field("action"),
        }
    }

    fn is_empty(&self) -> bool {
        self.client_id.is_empty() && self.actor.is_empty() && self.action.is_empty()
    }

    /// A link to this filter starting at `start` (the filter travels with every page link).
    fn link(&self, start: Option<(&str, &Position)>) -> String {
        let mut pairs: Vec<(&str, String)> = [
            ("client_id", self.client_id.clone()),
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

pub(super) async fn page(
    State(finance): State<Finance>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> ConsoleResult {
    let (staff_member, csrf) = signed_in(&finance, &headers).await?;
    admin_only(&finance, &staff_member)?;
    let asked = Asked::from_query(&query);
    let mut conn = finance
        .pool()
        .acquire()
        .await
        .map_err(|e| fail(&finance, e.into()))?;

    let mut errors = Vec::new();
    let mut person = None;
    if !asked.client_id.is_empty() {
        match asked.client_id.parse() {
            Err(_) => errors.push(FieldError::new(
                "client_id",
                "Enter a client ID like 100234567 (9 digits).",
            )),
            Ok(client_id) => match records::person_by_client_id(&mut conn, &client_id)
                .await
                .map_err(|e| fail(&finance, e.into()))?
            {
                Some(found) => person = Some(found),
                None => errors.push(FieldError::new(
                    "client_id",
                    "There is nobody with this client ID in the council's records.",
                )),
            },
        }
    }
    let start = match (query.get("older"), query.get("newer")) {
        (Some(p), _) => Position::from_param(p).map(Start::OlderThan),
        (None, Some(p)) => Position::from_param(p).map(Start::NewerThan),
        (None, None) => Some(Start::Newest),
    }
    .unwrap_or(Start::Newest);
    let filter = Filter {
        person_id: person.as_ref().map(|p| p.person_id.as_str()),
        actor: (!asked.actor.is_empty()).then_some(asked.actor.as_str()),
        action: (!asked.action.is_empty()).then_some(asked.action.as_str()),
    };
    let page = if errors.is_empty() {
        audit::page(&mut conn, filter, &start, PAGE_SIZE)
            .await
            .map_err(|e| fail(&finance, e.into()))?
    } else {
        Page {
            entries: Vec::new(),
            older: None,
            newer: None,
        }
    };
    let names = Names::look_up(&mut conn, &page.entries, &asked.actor)
        .await
        .map_err(|e| fail(&finance, e))?;
    let team = staff::everyone(&mut conn)
        .await
        .map_err(|e| fail(&finance, e.into()))?;

    let about = person.as_ref().map(|p| {
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
        &finance,
        &staff_member,
        &csrf,
        "Audit log",
        &errors,
        html! {
            h1 class="govuk-heading-l" { "Audit log" }
            p class="govuk-body" { "Who did what, and when. Choose a person, who did it or what was done to see only those entries." }
            (filter_form(&asked, &errors, &team, &names))
            @if page.entries.is_empty() {
                p class="govuk-body" { "There are no entries to show." }
            } @else {
                (entries_table(&caption, &page.entries, &names, &asked))
            }
            (pagination(&asked, &page))
        },
    ))
}

fn filter_form(
    asked: &Asked,
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
        form method="get" action=(PATH) novalidate {
            fieldset class="govuk-fieldset" {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--m" {
                    h2 class="govuk-fieldset__heading" { "Filter the log" }
                }
                (Input::new("client_id", "Person's client ID")
                    .hint("For example, 100234567. Shows everything about that person, such as who read their documents.")
                    .value(&asked.client_id)
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
        Some((name, client_id)) if asked.client_id != *client_id => html! {
            a class="govuk-link" href=(query_link(&[("client_id", client_id.clone())])) {
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
            client_id: "100234567".into(),
            actor: "staff:a-b_c".into(),
            action: "documents read".into(),
        };
        let position = Position {
            at: 1_700_000_000,
            audit_id: "xYz-_1".into(),
        };
        assert_eq!(
            asked.link(Some(("older", &position))),
            "/console/audit?client_id=100234567&actor=staff%3Aa-b_c&action=documents%20read\
             &older=1700000000.xYz-_1"
        );
        assert_eq!(Asked::default().link(None), "/console/audit");
        assert_eq!(Position::from_param(&position.to_param()), Some(position));
    }
}
