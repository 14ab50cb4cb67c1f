//! A request's history on its console page: every version the requester sent, newest first, what
//! changed from the version before, when it was sent, and how it ended. Shown once a request has
//! been sent more than once, so a reviewer sees that the details on screen replaced others.

use cfp_domain::AccessRequestState;
use maud::{html, Markup};
use sqlx::SqliteConnection;

use super::{access_error, date, date_time, ConsoleError};
use crate::access::{self, RequestVersion, StoredRequest, VersionEnd};
use crate::staff;

pub(super) async fn section(
    conn: &mut SqliteConnection,
    request: &StoredRequest,
) -> Result<Markup, ConsoleError> {
    let versions = access::versions(conn, &request.request_id)
        .await
        .map_err(access_error)?;
    if versions.len() < 2 {
        return Ok(html! {});
    }
    let mut rows = Vec::with_capacity(versions.len());
    for (index, version) in versions.iter().enumerate() {
        let changes = versions
            .get(index + 1)
            .map(|before| changes(before, version));
        let outcome = match &version.ended {
            Some(end) => ended(conn, end).await?,
            None => current(conn, request).await?,
        };
        rows.push((version, changes, outcome));
    }
    Ok(html! {
        h2 class="govuk-heading-m" { "History of this request" }
        p class="govuk-body" {
            "The requester has sent this request " (versions.len()) " times. Each version is kept as it was sent; the newest is first."
        }
        table class="govuk-table" id="history" {
            caption class="govuk-table__caption govuk-visually-hidden" { "Versions of this request, newest first" }
            thead class="govuk-table__head" {
                tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Version" }
                    th scope="col" class="govuk-table__header" { "Sent" }
                    th scope="col" class="govuk-table__header" { "What changed" }
                    th scope="col" class="govuk-table__header" { "Outcome" }
                }
            }
            tbody class="govuk-table__body" {
                @for (version, changes, outcome) in &rows {
                    tr class="govuk-table__row" {
                        th scope="row" class="govuk-table__header" { (version.version) }
                        td class="govuk-table__cell" { (date_time(version.submitted_at)) }
                        td class="govuk-table__cell" {
                            @match changes {
                                None => { "First sent" }
                                Some(changes) if changes.is_empty() => { "Nothing: sent again as it was" }
                                Some(changes) => {
                                    ul class="govuk-list" {
                                        @for change in changes { li { (change) } }
                                    }
                                }
                            }
                        }
                        td class="govuk-table__cell" { (outcome) }
                    }
                }
            }
        }
    })
}

/// Each detail that differs between two versions, as "Detail: before, now after".
fn changes(before: &RequestVersion, after: &RequestVersion) -> Vec<String> {
    let name = |v: &RequestVersion| format!("{} {}", v.person.given_name, v.person.family_name);
    let client_id = |v: &RequestVersion| {
        v.person
            .client_id
            .as_ref()
            .map_or("Not given".to_owned(), |c| c.as_str().to_owned())
    };
    let evidence = |v: &RequestVersion| v.evidence.clone().unwrap_or("None given".into());
    let details: [(&str, String, String); 6] = [
        (
            "Role",
            before.relationship.label().into(),
            after.relationship.label().into(),
        ),
        ("Name", name(before), name(after)),
        (
            "Date of birth",
            date(before.person.date_of_birth),
            date(after.person.date_of_birth),
        ),
        (
            "Postcode",
            before.person.postcode.as_str().into(),
            after.person.postcode.as_str().into(),
        ),
        ("Client ID", client_id(before), client_id(after)),
        ("Evidence", evidence(before), evidence(after)),
    ];
    details
        .into_iter()
        .filter(|(_, was, now)| was != now)
        .map(|(label, was, now)| format!("{label}: {was}, now {now}"))
        .collect()
}

async fn staff_name(
    conn: &mut SqliteConnection,
    staff_id: Option<&str>,
) -> Result<String, ConsoleError> {
    let name = match staff_id {
        Some(id) => staff::name_of(conn, id).await?,
        None => None,
    };
    Ok(name.unwrap_or_else(|| "a former member of the finance team".into()))
}

/// How a replaced version ended.
async fn ended(conn: &mut SqliteConnection, end: &VersionEnd) -> Result<String, ConsoleError> {
    let when = date_time(end.at);
    Ok(match &end.outcome {
        AccessRequestState::Rejected { reason } => format!(
            "Rejected by {} on {when}: {reason}",
            staff_name(conn, end.by.as_deref()).await?
        ),
        AccessRequestState::Withdrawn => format!("Withdrawn by the requester on {when}"),
        other => format!("{} on {when}", other.label()),
    })
}

/// Where the current version stands.
async fn current(
    conn: &mut SqliteConnection,
    request: &StoredRequest,
) -> Result<String, ConsoleError> {
    let when = date_time(request.decided_at.unwrap_or(request.updated_at));
    let by = request.decided_by.as_deref();
    Ok(match &request.state {
        AccessRequestState::Pending => "Waiting for review".into(),
        AccessRequestState::Approved => {
            format!("Approved by {} on {when}", staff_name(conn, by).await?)
        }
        AccessRequestState::Rejected { reason } => format!(
            "Rejected by {} on {when}: {reason}",
            staff_name(conn, by).await?
        ),
        AccessRequestState::Withdrawn => format!("Withdrawn by the requester on {when}"),
        AccessRequestState::Removed { reason } => format!(
            "Access removed by {} on {when}: {reason}",
            staff_name(conn, by).await?
        ),
    })
}
