//! A person asks for access, follows their requests, corrects and resends, or withdraws.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;

use council_api::{AccessRequest, AccessRequestList, ErrorBody, NewAccessRequest};

use super::{json_with_etag, ApiJson, Caller, Failure};
use crate::access;
use crate::audit::{self, Action, Actor, Entry};
use crate::records;
use crate::Finance;

#[utoipa::path(get, path = "/access-requests", tag = "access",
    security(("accessToken" = [])),
    responses(
        (status = 200, description = "The caller's requests, newest first (with an ETag)", body = AccessRequestList),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
pub async fn list(
    State(finance): State<Finance>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let mut conn = finance.pool().acquire().await?;
    let requests = access::list_for_account(&mut conn, caller.sub()).await?;
    let list = AccessRequestList {
        requests: requests.iter().map(|r| r.to_wire()).collect(),
    };
    Ok(json_with_etag(&headers, &list))
}

#[utoipa::path(post, path = "/access-requests", tag = "access",
    security(("accessToken" = [])),
    request_body = NewAccessRequest,
    responses(
        (status = 201, description = "The request, waiting for review", body = AccessRequest),
        (status = 400, description = "A detail is missing or not acceptable", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 409, description = "tooManyOpenRequests: the caller already has 10 requests waiting for review", body = ErrorBody),
    ))]
pub async fn create(
    State(finance): State<Finance>,
    caller: Caller,
    ApiJson(request): ApiJson<NewAccessRequest>,
) -> Result<(StatusCode, Json<AccessRequest>), Failure> {
    let now = finance.now();
    let mut tx = records::begin_write(finance.pool()).await?;
    let stored = access::create(
        &mut tx,
        &finance.new_id(),
        &caller.requester(),
        &request,
        now,
    )
    .await?;
    note(
        &finance,
        &mut tx,
        &caller,
        Action::RequestSubmitted,
        &stored.request_id,
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(stored.to_wire())))
}

#[utoipa::path(post, path = "/access-requests/{requestId}/resubmit", tag = "access",
    security(("accessToken" = [])),
    params(("requestId" = String, Path, description = "The request's id")),
    request_body = NewAccessRequest,
    responses(
        (status = 200, description = "The request, corrected and waiting for review again", body = AccessRequest),
        (status = 400, description = "A detail is missing or not acceptable", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such request for this caller", body = ErrorBody),
        (status = 409, description = "Only a rejected or withdrawn request can be sent again (conflict), and not while 10 others wait for review (tooManyOpenRequests)", body = ErrorBody),
    ))]
pub async fn resubmit(
    State(finance): State<Finance>,
    caller: Caller,
    Path(request_id): Path<String>,
    ApiJson(corrected): ApiJson<NewAccessRequest>,
) -> Result<Json<AccessRequest>, Failure> {
    let mut tx = records::begin_write(finance.pool()).await?;
    let stored = access::resubmit(
        &mut tx,
        caller.sub(),
        &request_id,
        &corrected,
        finance.now(),
    )
    .await?;
    note(
        &finance,
        &mut tx,
        &caller,
        Action::RequestResubmitted,
        &request_id,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(stored.to_wire()))
}

#[utoipa::path(post, path = "/access-requests/{requestId}/withdraw", tag = "access",
    security(("accessToken" = [])),
    params(("requestId" = String, Path, description = "The request's id")),
    responses(
        (status = 200, description = "The request, withdrawn", body = AccessRequest),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such request for this caller", body = ErrorBody),
        (status = 409, description = "Only a request waiting for review can be withdrawn", body = ErrorBody),
    ))]
pub async fn withdraw(
    State(finance): State<Finance>,
    caller: Caller,
    Path(request_id): Path<String>,
) -> Result<Json<AccessRequest>, Failure> {
    let mut tx = records::begin_write(finance.pool()).await?;
    let stored = access::withdraw(&mut tx, caller.sub(), &request_id, finance.now()).await?;
    note(
        &finance,
        &mut tx,
        &caller,
        Action::RequestWithdrawn,
        &request_id,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(stored.to_wire()))
}

async fn note(
    finance: &Finance,
    conn: &mut sqlx::SqliteConnection,
    caller: &Caller,
    action: Action,
    request_id: &str,
) -> Result<(), Failure> {
    audit::record(
        conn,
        &finance.new_id(),
        finance.now(),
        Entry {
            actor: Actor::Account(caller.sub()),
            action,
            person_id: None,
            request_id: Some(request_id),
            detail: None,
        },
    )
    .await?;
    Ok(())
}
