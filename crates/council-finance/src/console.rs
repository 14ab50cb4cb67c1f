//! The finance team's console: server-rendered pages under `/console`, GOV.UK patterns through
//! council-kit's layout, usable with the keyboard alone and without JavaScript.
//!
//! Reviewers see the queue of requests with how each matches the records, approve, or reject with
//! a reason. Admins also remove access (with a reason) and read the audit log. Every decision
//! emails the requester and is written to the audit log in the same transaction as the decision.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{html, Markup};

use council_kit::cookie::{expired_cookie, read_cookie, session_cookie};
use council_kit::page::{button, csrf_field, FieldError, Input, NavItem, Page};
use council_kit::throttle::ClientAddress;

use cfp_domain::AccessRequestState;

use crate::access::{self, AccessError, StoredRequest};
use crate::audit::{self, Action, Actor, Entry};
use crate::emails;
use crate::staff::{self, Role, Staff};
use crate::Finance;

mod audit_log;
mod history;

/// What a reviewer is told when the request is not the version they decided on.
pub const CHANGED: &str = "This request changed while you were looking at it";

pub const HOME: &str = "/console";
const SIGN_IN: &str = "/console/sign-in";
/// Where a session that timed out is sent: the sign-in page, saying why.
const SIGNED_OUT_IDLE: &str = "/console/sign-in?ended=idle";
const SESSION_COOKIE: &str = "cfp_console";
/// Before sign-in there is no session: the sign-in form's CSRF token is also set in this cookie
/// and the two must match (double submit).
const SIGN_IN_COOKIE: &str = "cfp_console_signin";

pub const REJECT_REASONS: [&str; 3] = [
    "The details you gave do not match our records.",
    "We could not confirm that you act for this person in a formal role.",
    "The evidence you gave is not valid or has expired.",
];

pub const REMOVE_REASONS: [&str; 3] = [
    "The power of attorney, court order or appointment has ended.",
    "The person asked us to stop sharing their documents with you.",
    "You no longer manage the person's Direct Payment.",
];

pub fn routes(finance: Finance) -> Router {
    Router::new()
        .route(HOME, get(queue))
        .route("/console/sign-in", get(sign_in_form).post(sign_in))
        .route("/console/sign-out", post(sign_out))
        .route("/console/requests/{id}", get(request_page))
        .route("/console/requests/{id}/approve", post(approve))
        .route("/console/requests/{id}/reject", post(reject))
        .route("/console/access", get(access_list))
        .route("/console/access/{id}", get(remove_form))
        .route("/console/access/{id}/remove", post(remove))
        .route(
            "/console/audit",
            get(audit_log::page).post(audit_log::filter),
        )
        .with_state(finance)
}

/// A console failure, shown as a page.
pub enum ConsoleError {
    SignIn,
    /// The session had been idle for too long and has ended.
    TimedOut,
    NotAllowed,
    NotFound,
    Csrf,
    Internal,
    /// A whole page to show as it is (say, a request page saying the request changed).
    Shown(Box<Response>),
    /// The request was decided (or withdrawn) before this decision: a title and what happened.
    AlreadyDecided {
        title: String,
        what: String,
    },
}

impl From<sqlx::Error> for ConsoleError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(error = %error, "console request failed");
        ConsoleError::Internal
    }
}

impl From<staff::StaffError> for ConsoleError {
    fn from(error: staff::StaffError) -> Self {
        tracing::error!(error = %error, "console request failed");
        ConsoleError::Internal
    }
}

impl From<crate::records::RecordError> for ConsoleError {
    fn from(error: crate::records::RecordError) -> Self {
        tracing::error!(error = %error, "console request failed");
        ConsoleError::Internal
    }
}

struct ErrorPage {
    finance: Finance,
    error: ConsoleError,
}

impl IntoResponse for ErrorPage {
    fn into_response(self) -> Response {
        let (status, title, text): (StatusCode, String, String) = match self.error {
            ConsoleError::SignIn => return Redirect::to(SIGN_IN).into_response(),
            ConsoleError::TimedOut => return Redirect::to(SIGNED_OUT_IDLE).into_response(),
            ConsoleError::Shown(page) => return *page,
            ConsoleError::NotAllowed => (
                StatusCode::FORBIDDEN,
                "You cannot do this".into(),
                "Only an admin can remove access or read the audit log.".into(),
            ),
            ConsoleError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found".into(),
                "There is nothing here. It may have been decided already.".into(),
            ),
            ConsoleError::Csrf => (
                StatusCode::FORBIDDEN,
                "This form has expired".into(),
                "Go back, reload the page and try again.".into(),
            ),
            ConsoleError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sorry, there is a problem with the service".into(),
                "Try again later. Nothing was changed.".into(),
            ),
            ConsoleError::AlreadyDecided { title, what } => (
                StatusCode::CONFLICT,
                title,
                format!("{what} Your decision was not saved and nobody was emailed."),
            ),
        };
        let page = Page {
            chrome: self.finance.chrome(),
            title: &title,
            errors: &[],
            navigation: &[],
            content: html! {
                h1 class="govuk-heading-l" { (title) }
                p class="govuk-body" { (text) }
                p class="govuk-body" { a class="govuk-link" href=(HOME) { "Go to the queue of requests" } }
            },
        };
        let mut response = page.into_response();
        *response.status_mut() = status;
        response
    }
}

type ConsoleResult = Result<Response, ErrorPage>;

fn fail(finance: &Finance, error: ConsoleError) -> ErrorPage {
    ErrorPage {
        finance: finance.clone(),
        error,
    }
}

/// The signed-in staff member and the session's CSRF token.
async fn signed_in(finance: &Finance, headers: &HeaderMap) -> Result<(Staff, String), ErrorPage> {
    let token =
        read_cookie(headers, SESSION_COOKIE).ok_or_else(|| fail(finance, ConsoleError::SignIn))?;
    let mut conn = finance
        .pool()
        .acquire()
        .await
        .map_err(|e| fail(finance, e.into()))?;
    match staff::session(&mut conn, token, finance.now())
        .await
        .map_err(|e| fail(finance, e.into()))?
    {
        staff::SessionCheck::Live(staff, csrf) => Ok((staff, csrf)),
        staff::SessionCheck::Idle => Err(fail(finance, ConsoleError::TimedOut)),
        staff::SessionCheck::None => Err(fail(finance, ConsoleError::SignIn)),
    }
}

fn check_csrf(
    finance: &Finance,
    session_csrf: &str,
    form: &HashMap<String, String>,
) -> Result<(), ErrorPage> {
    council_kit::csrf::verify(
        session_csrf,
        form.get(council_kit::csrf::FIELD).map(String::as_str),
    )
    .map_err(|_| fail(finance, ConsoleError::Csrf))
}

fn navigation(staff: &Staff) -> Vec<NavItem> {
    let mut items = vec![NavItem {
        label: "Requests to review".into(),
        href: HOME.into(),
    }];
    if staff.role == Role::Admin {
        items.push(NavItem {
            label: "People with access".into(),
            href: "/console/access".into(),
        });
        items.push(NavItem {
            label: "Audit log".into(),
            href: "/console/audit".into(),
        });
    }
    items
}

fn render(
    finance: &Finance,
    staff: &Staff,
    csrf: &str,
    title: &str,
    errors: &[FieldError],
    content: Markup,
) -> Response {
    let nav = navigation(staff);
    let page = Page {
        chrome: finance.chrome(),
        title,
        errors,
        navigation: &nav,
        content: html! {
            (content)
            form method="post" action="/console/sign-out" {
                (csrf_field(csrf))
                p class="govuk-body-s" {
                    "Signed in as " (staff.name) " (" (staff.role.as_str()) "). "
                    "For your security, you are signed out after " (staff::IDLE_MINUTES)
                    " minutes without activity. "
                    button type="submit" class="govuk-button govuk-button--secondary" { "Sign out" }
                }
            }
        },
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut response = page.into_response();
    *response.status_mut() = status;
    response
}

fn date_time(at: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[day padding:none] [month repr:short] [year], [hour]:[minute]"
    );
    at.format(format).unwrap_or_default()
}

fn date(d: time::Date) -> String {
    let format = time::macros::format_description!("[day padding:none] [month repr:long] [year]");
    d.format(format).unwrap_or_default()
}

// ---- Sign in and out ----

async fn sign_in_form(
    State(finance): State<Finance>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let token = council_kit::csrf::new_token(finance.rng());
    let idle = query.get("ended").is_some_and(|why| why == "idle");
    let mut response = sign_in_page(&finance, &token, &[], "", idle);
    set_cookie(
        &mut response,
        &session_cookie(
            SIGN_IN_COOKIE,
            &token,
            finance.config().secure_cookies,
            Some(3600),
        ),
    );
    response
}

fn sign_in_page(
    finance: &Finance,
    csrf: &str,
    errors: &[FieldError],
    email: &str,
    timed_out: bool,
) -> Response {
    let page = Page {
        chrome: finance.chrome(),
        title: "Sign in to the finance team console",
        errors,
        navigation: &[],
        content: html! {
            @if timed_out {
                div class="govuk-notification-banner" role="region" aria-labelledby="ended-title" {
                    div class="govuk-notification-banner__header" {
                        h2 class="govuk-notification-banner__title" id="ended-title" { "Important" }
                    }
                    div class="govuk-notification-banner__content" {
                        p class="govuk-notification-banner__heading" {
                            "You were signed out because you had not used the console for "
                            (staff::IDLE_MINUTES) " minutes. Sign in again to carry on."
                        }
                    }
                }
            }
            h1 class="govuk-heading-l" { "Sign in to the finance team console" }
            p class="govuk-body" { "This is for council staff. People asking to see documents use the Client Finance Portal app." }
            form method="post" action="/console/sign-in" novalidate {
                (csrf_field(csrf))
                (Input::new("email", "Email address").value(email).autocomplete("username").input_type("email").render(errors))
                (Input::new("password", "Password").autocomplete("current-password").input_type("password").render(errors))
                (button("Sign in"))
            }
        },
    };
    let mut response = page.into_response();
    if !errors.is_empty() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

fn set_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = header::HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

async fn sign_in(
    State(finance): State<Finance>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    let cookie = read_cookie(&headers, SIGN_IN_COOKIE).unwrap_or("");
    check_csrf(&finance, cookie, &form)?;
    let email = form.get("email").map(|e| e.trim()).unwrap_or("");
    let password = form.get("password").map(String::as_str).unwrap_or("");
    let now = finance.now();
    let throttles = finance.throttles();
    let account_key = email.to_lowercase();
    let failed = |e: sqlx::Error| fail(&finance, e.into());
    let throttled = match throttles
        .per_account
        .check(&account_key, now)
        .await
        .map_err(failed)?
    {
        Some(throttled) => Some(throttled),
        None => throttles
            .per_address
            .check(&address, now)
            .await
            .map_err(failed)?,
    };
    if let Some(throttled) = throttled {
        let message = format!(
            "You have tried to sign in too many times. Wait {}, then try again.",
            throttled.wait_text()
        );
        let errors = [FieldError::new("email", message)];
        return Ok(sign_in_page(&finance, cookie, &errors, email, false));
    }
    let mut conn = finance.pool().acquire().await.map_err(failed)?;
    let member = match staff::check_sign_in(&mut conn, email, password, finance.argon2())
        .await
        .map_err(|e| fail(&finance, e.into()))?
    {
        staff::SignInCheck::Staff(member) => member,
        // Said only to someone who knows the account's password.
        staff::SignInCheck::TurnedOff => {
            let errors = [FieldError::new(
                "email",
                "This staff account is turned off. Ask a console admin to turn it on again.",
            )];
            return Ok(sign_in_page(&finance, cookie, &errors, email, false));
        }
        staff::SignInCheck::Wrong => {
            throttles
                .per_account
                .record(&account_key, now)
                .await
                .map_err(failed)?;
            throttles
                .per_address
                .record(&address, now)
                .await
                .map_err(failed)?;
            let errors = [FieldError::new(
                "email",
                "The email address or password is not right.",
            )];
            return Ok(sign_in_page(&finance, cookie, &errors, email, false));
        }
    };
    throttles
        .per_account
        .clear(&account_key)
        .await
        .map_err(failed)?;
    let (token, _) =
        staff::start_session(&mut conn, &member.staff_id, finance.rng(), finance.now())
            .await
            .map_err(|e| fail(&finance, e.into()))?;
    audit::record(
        &mut conn,
        &finance.new_id(),
        finance.now(),
        Entry {
            actor: Actor::Staff(&member.staff_id),
            action: Action::StaffSignedIn,
            person_id: None,
            request_id: None,
            detail: None,
        },
    )
    .await
    .map_err(|e| fail(&finance, e.into()))?;
    let secure = finance.config().secure_cookies;
    let mut response = Redirect::to(HOME).into_response();
    *response.status_mut() = StatusCode::SEE_OTHER;
    set_cookie(
        &mut response,
        &session_cookie(SESSION_COOKIE, &token, secure, None),
    );
    set_cookie(&mut response, &expired_cookie(SIGN_IN_COOKIE, secure));
    Ok(response)
}

async fn sign_out(
    State(finance): State<Finance>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    let (_, csrf) = signed_in(&finance, &headers).await?;
    check_csrf(&finance, &csrf, &form)?;
    if let Some(token) = read_cookie(&headers, SESSION_COOKIE) {
        let mut conn = finance
            .pool()
            .acquire()
            .await
            .map_err(|e| fail(&finance, e.into()))?;
        staff::end_session(&mut conn, token)
            .await
            .map_err(|e| fail(&finance, e.into()))?;
    }
    let mut response = Redirect::to(SIGN_IN).into_response();
    *response.status_mut() = StatusCode::SEE_OTHER;
    set_cookie(
        &mut response,
        &expired_cookie(SESSION_COOKIE, finance.config().secure_cookies),
    );
    Ok(response)
}

// ---- The queue and one request ----

async fn queue(
    State(finance): State<Finance>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> ConsoleResult {
    let (staff, csrf) = signed_in(&finance, &headers).await?;
    let mut conn = finance
        .pool()
        .acquire()
        .await
        .map_err(|e| fail(&finance, e.into()))?;
    let pending = access::list_in_state(&mut conn, "pending")
        .await
        .map_err(|e| fail(&finance, access_error(e)))?;
    let mut rows = Vec::with_capacity(pending.len());
    for request in &pending {
        let matched = access::match_person(&mut conn, &request.person)
            .await
            .map_err(|e| fail(&finance, access_error(e)))?;
        rows.push((request, matched));
    }
    let banner = query.get("done").map(|done| match done.as_str() {
        "approved" => "The request was approved and the requester was emailed.",
        "rejected" => "The request was rejected and the requester was emailed the reason.",
        "removed" => "Access was removed and the requester was emailed the reason.",
        _ => "Done.",
    });
    let mail_failed = query.get("mail").is_some_and(|m| m == "failed");
    Ok(render(
        &finance,
        &staff,
        &csrf,
        "Requests to review",
        &[],
        html! {
            @if let Some(banner) = banner {
                div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="done-title" {
                    div class="govuk-notification-banner__header" {
                        h2 class="govuk-notification-banner__title" id="done-title" { "Success" }
                    }
                    div class="govuk-notification-banner__content" {
                        p class="govuk-notification-banner__heading" { (banner) }
                        @if mail_failed {
                            p class="govuk-body" { "But the email could not be sent. Please contact the requester another way." }
                        }
                    }
                }
            }
            h1 class="govuk-heading-l" { "Requests to review" }
            @if rows.is_empty() {
                p class="govuk-body" { "There are no requests waiting for review." }
            } @else {
                table class="govuk-table" {
                    caption class="govuk-table__caption govuk-table__caption--m" { (rows.len()) " waiting, oldest first" }
                    thead class="govuk-table__head" {
                        tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Person" }
                            th scope="col" class="govuk-table__header" { "Requested by" }
                            th scope="col" class="govuk-table__header" { "Role" }
                            th scope="col" class="govuk-table__header" { "Match" }
                            th scope="col" class="govuk-table__header" { "Sent" }
                        }
                    }
                    tbody class="govuk-table__body" {
                        @for (request, matched) in &rows {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" {
                                    a class="govuk-link" href={ "/console/requests/" (request.request_id) } {
                                        "Review " span class="govuk-visually-hidden" { "the request for " } (request.person_name())
                                    }
                                }
                                td class="govuk-table__cell" { (request.requester_name) }
                                td class="govuk-table__cell" { (request.relationship.label()) }
                                td class="govuk-table__cell" { (match_tag(matched)) }
                                td class="govuk-table__cell" { (date_time(request.submitted_at)) }
                            }
                        }
                    }
                }
            }
        },
    ))
}

fn access_error(error: AccessError) -> ConsoleError {
    match error {
        AccessError::NotFound => ConsoleError::NotFound,
        AccessError::Record(e) => e.into(),
        other => {
            tracing::error!(error = %other, "console request failed");
            ConsoleError::Internal
        }
    }
}

fn match_tag(matched: &access::MatchResult) -> Markup {
    let (class, text) = match (&matched.candidate, matched.is_exact()) {
        (None, _) => ("govuk-tag govuk-tag--red", "No match"),
        (Some(_), true) => ("govuk-tag govuk-tag--green", "Full match"),
        (Some(_), false) => ("govuk-tag govuk-tag--yellow", "Partial match"),
    };
    html! { strong class=(class) { (text) } }
}

async fn load_request(finance: &Finance, id: &str) -> Result<StoredRequest, ErrorPage> {
    let mut conn = finance
        .pool()
        .acquire()
        .await
        .map_err(|e| fail(finance, e.into()))?;
    access::get(&mut conn, id)
        .await
        .map_err(|e| fail(finance, access_error(e)))?
        .ok_or_else(|| fail(finance, ConsoleError::NotFound))
}

async fn request_page(
    State(finance): State<Finance>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ConsoleResult {
    let (staff, csrf) = signed_in(&finance, &headers).await?;
    let request = load_request(&finance, &id).await?;
    request_view(
        &finance,
        &staff,
        &csrf,
        &request,
        &[],
        Typed::default(),
        false,
    )
    .await
}

async fn request_view(
    finance: &Finance,
    staff: &Staff,
    csrf: &str,
    request: &StoredRequest,
    errors: &[FieldError],
    typed: Typed<'_>,
    changed: bool,
) -> ConsoleResult {
    let mut conn = finance
        .pool()
        .acquire()
        .await
        .map_err(|e| fail(finance, e.into()))?;
    let matched = access::match_person(&mut conn, &request.person)
        .await
        .map_err(|e| fail(finance, access_error(e)))?;
    let history = history::section(&mut conn, request)
        .await
        .map_err(|e| fail(finance, e))?;
    let pending = request.state == cfp_domain::AccessRequestState::Pending;
    let p = &request.person;
    let title = format!("Request for {}", request.person_name());
    let version = request.version.to_string();
    let mut response = render(
        finance,
        staff,
        csrf,
        &title,
        errors,
        html! {
            @if changed {
                div class="govuk-notification-banner" role="alert" aria-labelledby="changed-title" {
                    div class="govuk-notification-banner__header" {
                        h2 class="govuk-notification-banner__title" id="changed-title" { "Important" }
                    }
                    div class="govuk-notification-banner__content" {
                        p class="govuk-notification-banner__heading" { (CHANGED) }
                        p class="govuk-body" {
                            "Your decision was not saved and nobody was emailed. These are the "
                            "details as they are now: check them, then decide again."
                        }
                    }
                }
            }
            span class="govuk-caption-l" { (request.relationship.label()) }
            h1 class="govuk-heading-l" { (title) }
            p class="govuk-body" { strong class="govuk-tag" { (request.state.label()) } }
            h2 class="govuk-heading-m" { "What the requester told us" }
            dl class="govuk-summary-list" {
                (row("Requested by", &format!("{} ({})", request.requester_name, request.requester_email)))
                (row("Role", request.relationship.label()))
                (row("Evidence", request.evidence.as_deref().unwrap_or("None given")))
                (row("Name", &request.person_name()))
                (row("Date of birth", &date(p.date_of_birth)))
                (row("Postcode", p.postcode.as_str()))
                (row("Client ID", p.client_id.as_ref().map(|c| c.as_str()).unwrap_or("Not given")))
                (row("Sent", &date_time(request.submitted_at)))
            }
            h2 class="govuk-heading-m" { "How this matches our records" }
            p class="govuk-body" { (match_tag(&matched)) " " (matched.summary()) }
            @if let Some(record) = &matched.candidate {
                dl class="govuk-summary-list" {
                    (row("Name on record", &record.full_name()))
                    (row("Date of birth on record", &date(record.date_of_birth)))
                    (row("Postcode on record", record.postcode.as_str()))
                    (row("Client ID on record", record.client_id.as_str()))
                }
            }
            @if pending {
                @if let Some(record) = &matched.candidate {
                    h2 class="govuk-heading-m" { "Approve" }
                    // The version and the person on screen: the decision binds exactly these.
                    form method="post" action={ "/console/requests/" (request.request_id) "/approve" } {
                        (csrf_field(csrf))
                        input type="hidden" name="version" value=(version);
                        input type="hidden" name="person_id" value=(record.person_id);
                        (button("Approve access"))
                    }
                } @else {
                    p class="govuk-body" { "There is no matching record, so this request cannot be approved." }
                }
                h2 class="govuk-heading-m" { "Reject" }
                form method="post" action={ "/console/requests/" (request.request_id) "/reject" } novalidate {
                    (csrf_field(csrf))
                    input type="hidden" name="version" value=(version);
                    (reason_fields("reason", "Why is the request rejected?", &REJECT_REASONS, errors, typed))
                    button type="submit" class="govuk-button govuk-button--warning" { "Reject request" }
                }
            }
            (history)
        },
    );
    if changed {
        *response.status_mut() = StatusCode::CONFLICT;
    }
    Ok(response)
}

fn row(key: &str, value: &str) -> Markup {
    html! {
        div class="govuk-summary-list__row" {
            dt class="govuk-summary-list__key" { (key) }
            dd class="govuk-summary-list__value" { (value) }
        }
    }
}

/// What was typed in a reason form, shown again when the form comes back with an error.
#[derive(Default, Clone, Copy)]
struct Typed<'a> {
    reason: Option<&'a str>,
    details: &'a str,
}

impl<'a> Typed<'a> {
    fn from_form(form: &'a HashMap<String, String>) -> Self {
        Typed {
            reason: form.get("reason").map(String::as_str),
            details: form.get("details").map(String::as_str).unwrap_or(""),
        }
    }
}

/// Radios for the standard reasons plus "Another reason", and a text area for details.
fn reason_fields(
    name: &'static str,
    legend: &str,
    reasons: &[&str],
    errors: &[FieldError],
    typed: Typed<'_>,
) -> Markup {
    let chosen = typed.reason;
    let error = errors.iter().find(|e| e.field == name);
    let details_error = errors.iter().find(|e| e.field == "details");
    html! {
        div class=(group_class(error.is_some())) {
            fieldset class="govuk-fieldset" aria-describedby=[error.map(|_| format!("{name}-error"))] {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (legend) }
                @if let Some(error) = error {
                    p id={ (name) "-error" } class="govuk-error-message" {
                        span class="govuk-visually-hidden" { "Error:" } " " (error.message)
                    }
                }
                div class="govuk-radios" {
                    @for (index, reason) in reasons.iter().enumerate() {
                        @let id = if index == 0 { name.to_string() } else { format!("{name}-{index}") };
                        div class="govuk-radios__item" {
                            input class="govuk-radios__input" id=(id) name=(name) type="radio" value=(index)
                                checked[chosen == Some(index.to_string().as_str())];
                            label class="govuk-label govuk-radios__label" for=(id) { (reason) }
                        }
                    }
                    div class="govuk-radios__item" {
                        input class="govuk-radios__input" id={ (name) "-other" } name=(name) type="radio" value="other"
                            checked[chosen == Some("other")];
                        label class="govuk-label govuk-radios__label" for={ (name) "-other" } { "Another reason (write it below)" }
                    }
                }
            }
        }
        div class=(group_class(details_error.is_some())) {
            label class="govuk-label" for="details" { "Details for the requester" }
            div id="details-hint" class="govuk-hint" { "Optional, unless you chose another reason. The requester reads this in the email." }
            @if let Some(error) = details_error {
                p id="details-error" class="govuk-error-message" {
                    span class="govuk-visually-hidden" { "Error:" } " " (error.message)
                }
            }
            // The error is linked as well as the hint, so a screen reader reads both on focus.
            @let described_by = if details_error.is_some() { "details-hint details-error" } else { "details-hint" };
            textarea class=(if details_error.is_some() { "govuk-textarea govuk-textarea--error" } else { "govuk-textarea" })
                id="details" name="details" rows="3" aria-describedby=(described_by) { (typed.details) }
        }
    }
}

fn group_class(has_error: bool) -> &'static str {
    if has_error {
        "govuk-form-group govuk-form-group--error"
    } else {
        "govuk-form-group"
    }
}

/// The reason text from the form, or the errors to show.
fn chosen_reason(
    reasons: &[&str],
    form: &HashMap<String, String>,
    field: &'static str,
) -> Result<String, Vec<FieldError>> {
    let details = form.get("details").map(|d| d.trim()).unwrap_or("");
    match form.get(field).map(String::as_str) {
        Some("other") if details.is_empty() => Err(vec![FieldError::new(
            "details",
            "Write the reason the requester will read.",
        )]),
        Some("other") => Ok(details.to_owned()),
        Some(index) => match index.parse::<usize>().ok().and_then(|i| reasons.get(i)) {
            Some(reason) if details.is_empty() => Ok((*reason).to_owned()),
            Some(reason) => Ok(format!("{reason} {details}")),
            None => Err(vec![FieldError::new(field, "Choose a reason.")]),
        },
        None => Err(vec![FieldError::new(field, "Choose a reason.")]),
    }
}

// ---- Decisions ----

enum Decision {
    /// The version the reviewer saw and the person it matched on their screen.
    Approve {
        version: i64,
        person_id: String,
    },
    Reject {
        reason: String,
        version: i64,
    },
    Remove(String),
}

/// The version of the request the form was made for (a form without one is out of date: it
/// can match no version, so the decision is refused as changed).
fn seen_version(form: &HashMap<String, String>) -> i64 {
    form.get("version")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// Makes the decision and its audit entry in one transaction, then emails the requester.
/// Returns whether the email was sent.
async fn decide(
    finance: &Finance,
    staff: &Staff,
    csrf: &str,
    request_id: &str,
    decision: Decision,
) -> Result<bool, ErrorPage> {
    let now = finance.now();
    // Take the write lock at once, like every other writer, so two decisions at the same moment
    // queue instead of one failing with "database is locked".
    let mut tx = crate::records::begin_write(finance.pool())
        .await
        .map_err(|e| fail(finance, e.into()))?;
    let (result, action, reason) = match &decision {
        Decision::Approve { version, person_id } => {
            let seen = access::Seen {
                version: *version,
                person_id: Some(person_id),
            };
            (
                access::approve_seen(&mut tx, request_id, seen, &staff.staff_id, now).await,
                Action::RequestApproved,
                None,
            )
        }
        Decision::Reject { reason, version } => (
            access::reject_seen(&mut tx, request_id, *version, &staff.staff_id, reason, now).await,
            Action::RequestRejected,
            Some(reason.clone()),
        ),
        Decision::Remove(reason) => (
            access::remove(&mut tx, request_id, &staff.staff_id, reason, now).await,
            Action::AccessRemoved,
            Some(reason.clone()),
        ),
    };
    let request = match result {
        Ok(request) => request,
        // Someone else decided it first (or the requester withdrew it): say who, when and what.
        Err(AccessError::Transition(_)) => {
            drop(tx);
            return Err(already_decided(finance, request_id).await);
        }
        // The requester sent it again (or it matches someone else now): show what is there now.
        Err(AccessError::Changed) => {
            drop(tx);
            return Err(changed_page(finance, staff, csrf, request_id).await);
        }
        Err(AccessError::NoMatchingRecord) => return Err(fail(finance, ConsoleError::NotFound)),
        Err(error) => return Err(fail(finance, access_error(error))),
    };
    audit::record(
        &mut tx,
        &finance.new_id(),
        now,
        Entry {
            actor: Actor::Staff(&staff.staff_id),
            action,
            person_id: request.person_id.as_deref(),
            request_id: Some(request_id),
            detail: reason,
        },
    )
    .await
    .map_err(|e| fail(finance, e.into()))?;
    tx.commit().await.map_err(|e| fail(finance, e.into()))?;
    let council = &finance.config().council_name;
    let email = match &decision {
        Decision::Approve { .. } => emails::approved(council, &request),
        Decision::Reject { reason, .. } => emails::rejected(council, &request, reason),
        Decision::Remove(reason) => emails::removed(council, &request, reason),
    };
    Ok(finance.mailer().send(&email).await.is_ok())
}

/// The request page again, as the request is now, saying it changed and nothing was saved.
async fn changed_page(finance: &Finance, staff: &Staff, csrf: &str, request_id: &str) -> ErrorPage {
    let shown = async {
        let request = load_request(finance, request_id).await?;
        request_view(finance, staff, csrf, &request, &[], Typed::default(), true).await
    };
    match shown.await {
        Ok(page) => ErrorPage {
            finance: finance.clone(),
            error: ConsoleError::Shown(Box::new(page)),
        },
        Err(page) => page,
    }
}

/// The page for a decision that came too late: who decided the request, when, and what.
async fn already_decided(finance: &Finance, request_id: &str) -> ErrorPage {
    let request = match load_request(finance, request_id).await {
        Ok(request) => request,
        Err(page) => return page,
    };
    let decider = match &request.decided_by {
        Some(staff_id) => match finance.pool().acquire().await {
            Ok(mut conn) => staff::name_of(&mut conn, staff_id).await.ok().flatten(),
            Err(e) => return fail(finance, e.into()),
        },
        None => None,
    };
    let who = decider.unwrap_or_else(|| "Another member of the team".into());
    let when = date_time(request.decided_at.unwrap_or(request.updated_at));
    let decided = "This request has already been decided".to_string();
    let (title, what) = match &request.state {
        AccessRequestState::Approved => (decided, format!("{who} approved it on {when}.")),
        AccessRequestState::Rejected { reason } => (
            decided,
            format!("{who} rejected it on {when}, with the reason: {reason}"),
        ),
        AccessRequestState::Removed { reason } => (
            decided,
            format!("{who} removed this access on {when}, with the reason: {reason}"),
        ),
        AccessRequestState::Withdrawn => (
            "This request was withdrawn".into(),
            format!("The requester withdrew it on {when}."),
        ),
        AccessRequestState::Pending => (
            "This request has not been decided yet".into(),
            "It is waiting for review, so there is no access to remove.".into(),
        ),
    };
    fail(finance, ConsoleError::AlreadyDecided { title, what })
}

fn done(what: &str, mailed: bool) -> Response {
    let target = if mailed {
        format!("{HOME}?done={what}")
    } else {
        format!("{HOME}?done={what}&mail=failed")
    };
    let mut response = Redirect::to(&target).into_response();
    *response.status_mut() = StatusCode::SEE_OTHER;
    response
}

async fn approve(
    State(finance): State<Finance>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    let (staff, csrf) = signed_in(&finance, &headers).await?;
    check_csrf(&finance, &csrf, &form)?;
    let decision = Decision::Approve {
        version: seen_version(&form),
        person_id: form.get("person_id").cloned().unwrap_or_default(),
    };
    let mailed = decide(&finance, &staff, &csrf, &id, decision).await?;
    Ok(done("approved", mailed))
}

async fn reject(
    State(finance): State<Finance>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    let (staff, csrf) = signed_in(&finance, &headers).await?;
    check_csrf(&finance, &csrf, &form)?;
    match chosen_reason(&REJECT_REASONS, &form, "reason") {
        Ok(reason) => {
            let decision = Decision::Reject {
                reason,
                version: seen_version(&form),
            };
            let mailed = decide(&finance, &staff, &csrf, &id, decision).await?;
            Ok(done("rejected", mailed))
        }
        Err(errors) => {
            let request = load_request(&finance, &id).await?;
            let typed = Typed::from_form(&form);
            request_view(&finance, &staff, &csrf, &request, &errors, typed, false).await
        }
    }
}

// ---- Access that was given, and removing it (admins) ----

fn admin_only(finance: &Finance, staff: &Staff) -> Result<(), ErrorPage> {
    if staff.role == Role::Admin {
        Ok(())
    } else {
        Err(fail(finance, ConsoleError::NotAllowed))
    }
}

async fn access_list(State(finance): State<Finance>, headers: HeaderMap) -> ConsoleResult {
    let (staff, csrf) = signed_in(&finance, &headers).await?;
    admin_only(&finance, &staff)?;
    let mut conn = finance
        .pool()
        .acquire()
        .await
        .map_err(|e| fail(&finance, e.into()))?;
    let approved = access::list_in_state(&mut conn, "approved")
        .await
        .map_err(|e| fail(&finance, access_error(e)))?;
    Ok(render(
        &finance,
        &staff,
        &csrf,
        "People with access",
        &[],
        html! {
            h1 class="govuk-heading-l" { "People with access" }
            @if approved.is_empty() {
                p class="govuk-body" { "Nobody has been given access yet." }
            } @else {
                table class="govuk-table" {
                    caption class="govuk-table__caption govuk-table__caption--m" { "Approved requests" }
                    thead class="govuk-table__head" {
                        tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Person" }
                            th scope="col" class="govuk-table__header" { "Who has access" }
                            th scope="col" class="govuk-table__header" { "Role" }
                            th scope="col" class="govuk-table__header" { span class="govuk-visually-hidden" { "Action" } }
                        }
                    }
                    tbody class="govuk-table__body" {
                        @for request in &approved {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { (request.person_name()) }
                                td class="govuk-table__cell" { (request.requester_name) }
                                td class="govuk-table__cell" { (request.relationship.label()) }
                                td class="govuk-table__cell" {
                                    a class="govuk-link" href={ "/console/access/" (request.request_id) } {
                                        "Remove access" span class="govuk-visually-hidden" { " of " (request.requester_name) " to " (request.person_name()) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

async fn remove_form(
    State(finance): State<Finance>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ConsoleResult {
    let (staff, csrf) = signed_in(&finance, &headers).await?;
    admin_only(&finance, &staff)?;
    let request = load_request(&finance, &id).await?;
    remove_view(&finance, &staff, &csrf, &request, &[], Typed::default())
}

fn remove_view(
    finance: &Finance,
    staff: &Staff,
    csrf: &str,
    request: &StoredRequest,
    errors: &[FieldError],
    typed: Typed<'_>,
) -> ConsoleResult {
    if !request.state.grants_access() {
        return Err(fail(finance, ConsoleError::NotFound));
    }
    let title = format!(
        "Remove {}'s access to {}",
        request.requester_name,
        request.person_name()
    );
    Ok(render(
        finance,
        staff,
        csrf,
        &title,
        errors,
        html! {
            h1 class="govuk-heading-l" { (title) }
            div class="govuk-warning-text" {
                span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                strong class="govuk-warning-text__text" {
                    span class="govuk-visually-hidden" { "Warning" }
                    "They will no longer see this person's documents, and we will email them the reason."
                }
            }
            form method="post" action={ "/console/access/" (request.request_id) "/remove" } novalidate {
                (csrf_field(csrf))
                (reason_fields("reason", "Why is access being removed?", &REMOVE_REASONS, errors, typed))
                button type="submit" class="govuk-button govuk-button--warning" { "Remove access" }
            }
        },
    ))
}

async fn remove(
    State(finance): State<Finance>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    let (staff, csrf) = signed_in(&finance, &headers).await?;
    check_csrf(&finance, &csrf, &form)?;
    admin_only(&finance, &staff)?;
    match chosen_reason(&REMOVE_REASONS, &form, "reason") {
        Ok(reason) => {
            let mailed = decide(&finance, &staff, &csrf, &id, Decision::Remove(reason)).await?;
            Ok(done("removed", mailed))
        }
        Err(errors) => {
            let request = load_request(&finance, &id).await?;
            remove_view(
                &finance,
                &staff,
                &csrf,
                &request,
                &errors,
                Typed::from_form(&form),
            )
        }
    }
}
