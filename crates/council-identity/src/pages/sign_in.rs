//! Signing in with email and password, and what happens once someone is signed in.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use maud::html;
use serde::Deserialize;

use council_kit::page::{button, csrf_field, FieldError, Input};

use crate::accounts;
use crate::sessions::{self, Stage};
use crate::web::{see_other, Browser, ClientAddress, PageResult};
use crate::Identity;

use super::validate::email_problem;
use super::CodeFor;

#[derive(Debug, Default, Deserialize)]
pub struct SignInNotice {
    password_changed: Option<String>,
}

pub async fn form(
    State(identity): State<Identity>,
    headers: HeaderMap,
    Query(notice): Query<SignInNotice>,
) -> PageResult {
    let browser = Browser::load(&identity, &headers).await?;
    let page = render(
        &identity,
        &browser,
        "",
        &[],
        notice.password_changed.is_some(),
    );
    Ok(browser.respond(&identity, page))
}

fn render(
    identity: &Identity,
    browser: &Browser,
    email: &str,
    errors: &[FieldError],
    password_changed: bool,
) -> Response {
    let continuing_to = browser
        .session
        .authorization_request
        .as_ref()
        .and_then(|request| identity.config().client(&request.client_id))
        .map(|client| client.name.clone());
    identity.page(
        "Sign in",
        errors,
        html! {
            @if password_changed {
                div class="govuk-notification-banner govuk-notification-banner--success" role="alert"
                    aria-labelledby="password-changed-title" {
                    div class="govuk-notification-banner__header" {
                        h2 class="govuk-notification-banner__title" id="password-changed-title" { "Success" }
                    }
                    div class="govuk-notification-banner__content" {
                        p class="govuk-notification-banner__heading" { "Your password has been changed. Sign in with your new password." }
                    }
                }
            }
            h1 class="govuk-heading-l" { "Sign in" }
            @if let Some(name) = continuing_to {
                p class="govuk-body" { "Sign in to your " (identity.config().council_name) " account to continue to " (name) "." }
            }
            form method="post" action="/sign-in" novalidate {
                (csrf_field(&browser.session.csrf_token))
                (Input::new("email", "Email address").value(email).input_type("email").autocomplete("username").render(errors))
                (Input::new("password", "Password").input_type("password").autocomplete("current-password").render(errors))
                (button("Sign in"))
            }
            p class="govuk-body" { a class="govuk-link" href="/forgot-password" { "Forgotten your password?" } }
            h2 class="govuk-heading-m" { "If you do not have an account" }
            p class="govuk-body" { a class="govuk-link" href="/create-account" { "Create an account" } }
        },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignInForm {
    csrf_token: Option<String>,
    email: String,
    password: String,
}

pub async fn submit(
    State(identity): State<Identity>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> PageResult {
    let mut browser = Browser::load(&identity, &headers).await?;
    browser.check_csrf(form.csrf_token.as_deref())?;
    let email = form.email.trim();
    let mut errors = Vec::new();
    if let Some(problem) = email_problem(email) {
        errors.push(FieldError::new("email", problem));
    }
    if form.password.is_empty() {
        errors.push(FieldError::new("password", "Enter your password"));
    }
    if !errors.is_empty() {
        return Ok(browser.respond(
            &identity,
            render(&identity, &browser, email, &errors, false),
        ));
    }

    let now = identity.now();
    let throttles = &identity.inner.throttles;
    let account_key = accounts::normalise_email(email);
    let address_key = format!("sign-in:{address}");
    let throttled = match throttles
        .sign_in_per_account
        .check(&account_key, now)
        .await?
    {
        Some(throttled) => Some(throttled),
        None => {
            throttles
                .sign_in_per_address
                .check(&address_key, now)
                .await?
        }
    };
    if let Some(throttled) = throttled {
        let message = format!(
            "You have tried to sign in too many times. Wait {}, then try again.",
            throttled.wait_text()
        );
        let errors = [FieldError::new("email", message)];
        return Ok(browser.respond(
            &identity,
            render(&identity, &browser, email, &errors, false),
        ));
    }

    let account = accounts::find_by_email(identity.pool(), email).await?;
    if !identity
        .inner
        .passwords
        .verify(&form.password, account.as_ref())
        .await
    {
        throttles
            .sign_in_per_account
            .record(&account_key, now)
            .await?;
        throttles
            .sign_in_per_address
            .record(&address_key, now)
            .await?;
        // One message whether the email is unknown or the password wrong.
        let errors = [FieldError::new(
            "email",
            "The email address or password is not right. Check them and try again.",
        )];
        return Ok(browser.respond(
            &identity,
            render(&identity, &browser, email, &errors, false),
        ));
    }
    let account = account.expect("a password only verifies against a real account");
    throttles.sign_in_per_account.clear(&account_key).await?;

    let pending = if !account.email_verified {
        Some((Stage::ConfirmEmail, "/confirm-email?unconfirmed=1"))
    } else if identity.config().policy.sign_in_code_every_time {
        Some((Stage::SignInCode, "/sign-in-code"))
    } else {
        None
    };
    if let Some((stage, next)) = pending {
        // The password proved this browser may confirm the account as it stands (no registration).
        let to = CodeFor::Account {
            id: &account.id,
            email: &account.email,
        };
        identity
            .email_code(&mut browser, stage, &account.email, None, to)
            .await?;
        return Ok(browser.respond(&identity, see_other(next)));
    }
    complete_sign_in(&identity, &mut browser, &account.id).await
}

/// Marks the browser signed in (with a fresh cookie), then either returns to the app that asked
/// for the sign-in or shows the account page.
pub async fn complete_sign_in(
    identity: &Identity,
    browser: &mut Browser,
    account_id: &str,
) -> PageResult {
    browser.keep(identity).await?;
    let now = identity.now();
    let cookie = sessions::sign_in(
        identity.pool(),
        identity.rng(),
        &browser.session.id,
        account_id,
        now,
        identity.session_lifetime(),
    )
    .await?;
    browser.set_cookie(cookie);
    if let Some(request) = browser.session.authorization_request.take() {
        sessions::set_authorization_request(identity.pool(), &browser.session.id, None).await?;
        let response = crate::oidc::authorization_redirect(
            identity,
            &request,
            account_id,
            now.unix_timestamp(),
            &browser.session.id,
        )
        .await?;
        if request.leave_no_session {
            browser.end_session(identity).await?;
        }
        return Ok(browser.respond(identity, response));
    }
    Ok(browser.respond(identity, see_other("/")))
}
