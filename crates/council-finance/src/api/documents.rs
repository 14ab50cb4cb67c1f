//! Who am I, whom may I act for, and their documents as a feed of changes.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;

use council_api::{
    codes, ChangesPage, Document, ErrorBody, Me, PeopleList, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE,
};

use super::{json_bytes_with_etag, json_with_etag, Caller, Failure};
use crate::access;
use crate::audit::{self, Action, Actor, Entry};
use crate::records;
use crate::Finance;

const NO_SUCH_PERSON: &str = "We could not find that person among the people you may act for.";

#[utoipa::path(get, path = "/me", tag = "documents",
    security(("accessToken" = [])),
    responses(
        (status = 200, description = "The signed-in account", body = Me),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
pub async fn me(caller: Caller) -> Json<Me> {
    Json(Me {
        sub: caller.0.sub,
        name: caller.0.name,
        email: caller.0.email,
    })
}

#[utoipa::path(get, path = "/people", tag = "documents",
    security(("accessToken" = [])),
    responses(
        (status = 200, description = "Everyone the caller holds an approved grant for (with an ETag)", body = PeopleList),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
pub async fn people(
    State(finance): State<Finance>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let mut conn = finance.pool().acquire().await?;
    let people = access::people_for_account(&mut conn, caller.sub()).await?;
    Ok(json_with_etag(&headers, &PeopleList { people }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The `cursor` of the previous page or sync; leave out to get everything.
    cursor: Option<String>,
    /// Changes per page, 1 to 500 (default 200).
    limit: Option<u32>,
}

/// The page sizes the change feed takes (the OpenAPI document states the same range).
pub(crate) const LIMIT_RANGE: std::ops::RangeInclusive<u32> = 1..=MAX_PAGE_SIZE;

/// A cursor's change number has at most this many digits (far beyond any feed's length), so the
/// OpenAPI document can state exactly which cursors are taken.
pub(crate) const CURSOR_MAX_DIGITS: usize = 18;

/// Cursors are opaque to clients. Inside, a version 2 cursor is `2.<change>.<mark>` in plain
/// text: the change number it stops at and the random mark written with that change
/// (`finance_change_marks`), which tells a cursor from these records from one given before they
/// were restored from an older backup. Version 1 cursors (base64url of `v1.<change>`, given
/// before marks) are still read, checked only against the counter.
fn encode_cursor(change_number: i64, mark: &str) -> String {
    format!("{CURSOR_V2_PREFIX}{change_number}.{mark}")
}

/// What starts a version 2 cursor.
pub(crate) const CURSOR_V2_PREFIX: &str = "2.";

/// A version 2 cursor's mark has at most this many lowercase hexadecimal characters.
pub(crate) const CURSOR_MARK_MAX_LEN: usize = 32;

/// The cursor of a page that ends at `change_number`: with its mark, or (only when the page
/// went nowhere from a version 1 cursor whose change has no mark) as version 1 again.
fn cursor_at(change_number: i64, mark: Option<&str>) -> String {
    match (change_number, mark) {
        (0, _) => encode_cursor(0, "0"),
        (n, Some(mark)) => encode_cursor(n, mark),
        (n, None) => URL_SAFE_NO_PAD.encode(format!("v1.{n}")),
    }
}

/// Where a cursor stops, and the mark it carries (`None` for a version 1 cursor).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Cursor {
    after: i64,
    mark: Option<String>,
}

/// 1 to [`CURSOR_MAX_DIGITS`] plain decimal digits, as a change number.
fn change_number(digits: &str) -> Option<i64> {
    let plain = (1..=CURSOR_MAX_DIGITS).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit());
    plain.then(|| digits.parse().ok()).flatten()
}

pub(crate) fn decode_cursor(cursor: &str) -> Option<Cursor> {
    if let Some(rest) = cursor.strip_prefix(CURSOR_V2_PREFIX) {
        let (number, mark) = rest.split_once('.')?;
        let mark_is_plain = (1..=CURSOR_MARK_MAX_LEN).contains(&mark.len())
            && mark.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !mark_is_plain {
            return None;
        }
        return Some(Cursor {
            after: change_number(number)?,
            mark: Some(mark.to_owned()),
        });
    }
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    Some(Cursor {
        after: change_number(text.strip_prefix("v1.")?)?,
        mark: None,
    })
}

/// Whether the cursor stops at a change these records hold, as they held it when it was given.
/// The start (change 0) always is.
async fn cursor_is_current(
    conn: &mut sqlx::SqliteConnection,
    cursor: &Cursor,
) -> Result<bool, Failure> {
    if cursor.after == 0 {
        return Ok(true);
    }
    if cursor.after > records::latest_change_number(conn).await? {
        return Ok(false);
    }
    Ok(match &cursor.mark {
        None => true,
        Some(mark) => records::change_mark(conn, cursor.after).await?.as_ref() == Some(mark),
    })
}

#[utoipa::path(get, path = "/people/{personId}/changes", tag = "documents",
    security(("accessToken" = [])),
    params(("personId" = String, Path, description = "The person's opaque id from /people"), ChangesQuery),
    responses(
        (status = 200, description = "One page of changes, oldest first (with an ETag)", body = ChangesPage),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
        (status = 400, description = "A bad cursor or limit", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such person for this caller (code notFound)", body = ErrorBody),
        (status = 410, description = "The cursor is from before the council's records were restored from an earlier backup (code feedRestarted): read the feed again from the start, without a cursor, and keep only what it holds", body = ErrorBody),
    ))]
pub async fn changes(
    State(finance): State<Finance>,
    caller: Caller,
    Path(person_id): Path<String>,
    query: Result<Query<ChangesQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let Query(query) = query.map_err(|_| {
        Failure::invalid(
            "The cursor and limit could not be read. limit is a whole number from 1 to 500.",
        )
    })?;
    let limit = query.limit.unwrap_or(DEFAULT_PAGE_SIZE);
    if !LIMIT_RANGE.contains(&limit) {
        return Err(Failure::invalid(format!(
            "limit must be from {} to {}.",
            LIMIT_RANGE.start(),
            LIMIT_RANGE.end()
        )));
    }
    let cursor = match query.cursor.as_deref() {
        None | Some("") => Cursor {
            after: 0,
            mark: None,
        },
        Some(cursor) => decode_cursor(cursor).ok_or_else(|| {
            Failure::invalid(
                "The cursor is not one this service gave out. Start again without a cursor.",
            )
        })?,
    };
    let mut conn = finance.pool().acquire().await?;
    if !access::may_see(&mut conn, caller.sub(), &person_id).await? {
        return Err(Failure::not_found(NO_SUCH_PERSON));
    }
    if !cursor_is_current(&mut conn, &cursor).await? {
        return Err(Failure::new(
            StatusCode::GONE,
            codes::FEED_RESTARTED,
            "The council's records were restored from an earlier copy since this cursor was \
             given. Read this person's documents again from the start, without a cursor.",
        ));
    }
    let page = records::feed_page(&mut conn, &person_id, cursor.after, limit).await?;
    // An empty page ends where the cursor did, so it carries the cursor's own mark.
    let mark = match (page.last == cursor.after, cursor.mark) {
        (true, Some(mark)) => Some(mark),
        _ => records::change_mark(&mut conn, page.last).await?,
    };
    if !page.changes.is_empty() {
        record_read(
            &finance,
            &mut conn,
            &caller,
            &person_id,
            format!("{} changes", page.changes.len()),
        )
        .await?;
    }
    Ok(json_bytes_with_etag(
        &headers,
        changes_page_json(
            &page.changes,
            &cursor_at(page.last, mark.as_deref()),
            page.more,
        ),
    ))
}

/// The JSON of a [`ChangesPage`], written around the documents' stored JSON instead of parsing
/// and serialising them again: byte for byte what serde would write (a test holds it to that).
fn changes_page_json(changes: &[records::StoredChange], cursor: &str, more: bool) -> Vec<u8> {
    let size: usize = changes
        .iter()
        .map(|c| {
            c.document_json
                .as_ref()
                .map_or(c.document_id.len(), String::len)
                + 40
        })
        .sum();
    let mut body = Vec::with_capacity(size + cursor.len() + 40);
    body.extend_from_slice(b"{\"changes\":[");
    for (n, change) in changes.iter().enumerate() {
        if n > 0 {
            body.push(b',');
        }
        match &change.document_json {
            Some(json) => {
                body.extend_from_slice(b"{\"change\":\"upsert\",\"document\":");
                body.extend_from_slice(json.as_bytes());
            }
            None => {
                body.extend_from_slice(b"{\"change\":\"remove\",\"documentId\":");
                write_json_string(&mut body, &change.document_id);
            }
        }
        body.push(b'}');
    }
    body.extend_from_slice(b"],\"cursor\":");
    write_json_string(&mut body, cursor);
    body.extend_from_slice(if more {
        b",\"more\":true}"
    } else {
        b",\"more\":false}"
    });
    body
}

fn write_json_string(body: &mut Vec<u8>, text: &str) {
    serde_json::to_writer(body, text).expect("writing to memory cannot fail");
}

#[utoipa::path(get, path = "/people/{personId}/documents/{documentId}", tag = "documents",
    security(("accessToken" = [])),
    params(
        ("personId" = String, Path, description = "The person's opaque id from /people"),
        ("documentId" = String, Path, description = "The document's id from the change feed"),
    ),
    responses(
        (status = 200, description = "The document", body = Document),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such person or document for this caller (code notFound)", body = ErrorBody),
    ))]
pub async fn document(
    State(finance): State<Finance>,
    caller: Caller,
    Path((person_id, document_id)): Path<(String, String)>,
) -> Result<Response, Failure> {
    let mut conn = finance.pool().acquire().await?;
    if !access::may_see(&mut conn, caller.sub(), &person_id).await? {
        return Err(Failure::not_found(NO_SUCH_PERSON));
    }
    let document = records::document_json_of(&mut conn, &person_id, &document_id)
        .await?
        .ok_or_else(|| Failure::not_found("We could not find that document."))?;
    record_read(
        &finance,
        &mut conn,
        &caller,
        &person_id,
        format!("document {document_id}"),
    )
    .await?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        document,
    )
        .into_response())
}

async fn record_read(
    finance: &Finance,
    conn: &mut sqlx::SqliteConnection,
    caller: &Caller,
    person_id: &str,
    detail: String,
) -> Result<(), Failure> {
    audit::record(
        conn,
        &finance.new_id(),
        finance.now(),
        Entry {
            actor: Actor::Account(caller.sub()),
            action: Action::DocumentsRead,
            person_id: Some(person_id),
            request_id: None,
            detail: Some(detail),
        },
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_what_serde_would_write() {
        let advice: cfp_domain::RemittanceAdvice = serde_json::from_str(
            r#"{"header":{"reference":"RA-1","clientId":"100234567","clientName":"Ann \"Nan\" Bee",
            "payee":"A B","periodFrom":"2026-03-01","periodTo":"2026-03-28",
            "finalisedOn":"2026-02-20","paymentDate":"2026-02-27"},
            "lines":[{"kind":"budget","description":"Budget \u00a3 \\ weekly","amount":"600.00"}],
            "netAmount":"600.00"}"#,
        )
        .unwrap();
        let document = Document {
            document_id: "d-1".into(),
            kind: cfp_domain::DocumentKind::RemittanceAdvice,
            version: 3,
            published_at: time::macros::datetime!(2026-03-01 09:30:15 UTC),
            remittance: Some(advice),
            deferred_payment: None,
            assessment: None,
        };
        let typed = ChangesPage {
            changes: vec![
                council_api::DocumentChange::Upsert {
                    document: document.clone(),
                },
                council_api::DocumentChange::Remove {
                    document_id: "d-\"2\"".into(),
                },
            ],
            cursor: encode_cursor(42, "ab12"),
            more: true,
        };
        let stored = [
            records::StoredChange {
                document_id: "d-1".into(),
                document_json: Some(serde_json::to_string(&document).unwrap()),
            },
            records::StoredChange {
                document_id: "d-\"2\"".into(),
                document_json: None,
            },
        ];
        let written = changes_page_json(&stored, &typed.cursor, typed.more);
        assert_eq!(
            String::from_utf8(written.clone()).unwrap(),
            serde_json::to_string(&typed).unwrap()
        );
        let back: ChangesPage = serde_json::from_slice(&written).unwrap();
        assert_eq!(back, typed);
        for (stored, change) in stored.iter().zip(&typed.changes) {
            assert_eq!(&stored.to_change().unwrap(), change);
        }
        let empty = changes_page_json(&[], &cursor_at(0, None), false);
        let typed_empty = ChangesPage {
            changes: vec![],
            cursor: cursor_at(0, None),
            more: false,
        };
        assert_eq!(empty, serde_json::to_vec(&typed_empty).unwrap());
    }

    #[test]
    fn cursors_round_trip_and_refuse_anything_else() {
        for n in [0, 1, 41, 999_999_999_999_999_999] {
            assert_eq!(
                decode_cursor(&encode_cursor(n, "0f9e")),
                Some(Cursor {
                    after: n,
                    mark: Some("0f9e".into())
                })
            );
        }
        assert_eq!(
            decode_cursor(&cursor_at(0, None)),
            Some(Cursor {
                after: 0,
                mark: Some("0".into())
            })
        );
        assert_eq!(decode_cursor(&cursor_at(9, None)).unwrap().mark, None);
        // Cursors given before marks are still read, without one.
        assert_eq!(
            decode_cursor(&URL_SAFE_NO_PAD.encode("v1.7")),
            Some(Cursor {
                after: 7,
                mark: None
            })
        );
        assert_eq!(decode_cursor("not a cursor"), None);
        assert_eq!(decode_cursor("3.5.ab"), None);
        assert_eq!(decode_cursor(&URL_SAFE_NO_PAD.encode("v1.+5")), None);
        assert_eq!(
            decode_cursor(&encode_cursor(i64::MAX, "ab")),
            None,
            "19 digits"
        );
        assert_eq!(decode_cursor("2.5"), None);
        assert_eq!(decode_cursor("2.5.AB"), None, "marks are lowercase");
        assert_eq!(decode_cursor(&format!("2.5.{}", "a".repeat(33))), None);
        assert_eq!(decode_cursor(&URL_SAFE_NO_PAD.encode("v1.-5")), None);
        assert_eq!(decode_cursor("2.5.not-hex"), None);
        assert_eq!(decode_cursor("2.-5.ab"), None);
    }
}
