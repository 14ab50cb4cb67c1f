//! Forgotten password: a code by email, then a new password.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use maud::html;
use serde::Deserialize;

use council_kit::page::{button, csrf_field, secondary_button, FieldError, Input};

use crate::accounts::{self, PASSWORD_RULE};
use crate::codes;
use crate::emails;
use crate::grants;
use crate::sessions::{self, Stage};
use crate::web::{see_other, Browser, ClientAddress, PageResult};
use crate::Identity;

use super::validate::{email_problem, new_password_problem};
use super::CodeFor;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ForgotForm {
    csrf_token: Option<String>,
    email: String,
}

pub async fn forgot_form(State(identity): State<Identity>, headers: HeaderMap) -> PageResult {
    let browser = Browser::load(&identity, &headers).await?;
    let page = render_forgot(&identity, &browser, "", &[]);
    Ok(browser.respond(&identity, page))
}

fn render_forgot(
    identity: &Identity,
    browser: &Browser,
    email: &str,
    errors: &[FieldError],
) -> Response {
    identity.page(
        "Reset your password",
        errors,
        html! {
            h1 class="govuk-heading-l" { "Reset your password" }
            p class="govuk-body" { "Enter the email address you use for your account. We will email you a code to reset your password." }
            form method="post" action="/forgot-password" novalidate {
                (csrf_field(&browser.session.csrf_token))
                (Input::new("email", "Email address").value(email).input_type("email").autocomplete("username").render(errors))
                (button("Send code"))
            }
        },
    )
}

pub async fn forgot(
    State(identity): State<Identity>,
    headers: HeaderMap,
    Form(form): Form<ForgotForm>,
) -> PageResult {
    let mut browser = Browser::load(&identity, &headers).await?;
    browser.check_csrf(form.csrf_token.as_deref())?;
    if let Some(problem) = email_problem(&form.email) {
        let errors = [FieldError::new("email", problem)];
        return Ok(browser.respond(
            &identity,
            render_forgot(&identity, &browser, form.email.trim(), &errors),
        ));
    }
    let email = accounts::normalise_email(&form.email);
    send_reset_code(&identity, &mut browser, &email).await?;
    Ok(browser.respond(&identity, see_other("/reset-password")))
}

/// Starts (or restarts) the reset step: a code if the email has an account, otherwise an email
/// saying so; the same pages either way.
async fn send_reset_code(
    identity: &Identity,
    browser: &mut Browser,
    email: &str,
) -> Result<(), crate::web::PageError> {
    let council = identity.config().council_name.clone();
    let account = accounts::find_by_email(identity.pool(), email).await?;
    let to = match &account {
        Some(account) => CodeFor::Account {
            id: &account.id,
            email: &account.email,
        },
        None => CodeFor::Nobody(Some(emails::no_account(&council, email))),
    };
    identity
        .email_code(browser, Stage::ResetPassword, email, None, to)
        .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResetForm {
    csrf_token: Option<String>,
    code: String,
    password: String,
}

pub async fn reset_form(State(identity): State<Identity>, headers: HeaderMap) -> PageResult {
    let browser = Browser::load(&identity, &headers).await?;
    let Some(email) = browser
        .session
        .pending(Stage::ResetPassword)
        .map(str::to_owned)
    else {
        return Ok(browser.respond(&identity, see_other("/forgot-password")));
    };
    let page = render_reset(&identity, &browser, &email, &[]);
    Ok(browser.respond(&identity, page))
}

fn render_reset(
    identity: &Identity,
    browser: &Browser,
    email: &str,
    errors: &[FieldError],
) -> Response {
    identity.page(
        "Choose a new password",
        errors,
        html! {
            h1 class="govuk-heading-l" { "Choose a new password" }
            p class="govuk-body" { "If " strong { (email) } " has an account, we have sent a 6-digit code to it. The code works for "
                (codes::CODE_LIFETIME.whole_minutes()) " minutes." }
            form method="post" action="/reset-password" novalidate {
                (csrf_field(&browser.session.csrf_token))
                (Input::new("code", "Code from the email").hint("For example, 123456").inputmode("numeric")
                    .autocomplete("one-time-code").width("govuk-input--width-10").render(errors))
                (Input::new("password", "New password").input_type("password").autocomplete("new-password").hint(PASSWORD_RULE).render(errors))
                (button("Change password"))
            }
            h2 class="govuk-heading-m" { "If you did not get the code" }
            form method="post" action="/reset-password/resend" {
                (csrf_field(&browser.session.csrf_token))
                (secondary_button("Send me a new code"))
            }
        },
    )
}

pub async fn reset(
    State(identity): State<Identity>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<ResetForm>,
) -> PageResult {
    let browser = Browser::load(&identity, &headers).await?;
    browser.check_csrf(form.csrf_token.as_deref())?;
    let Some(email) = browser
        .session
        .pending(Stage::ResetPassword)
        .map(str::to_owned)
    else {
        return Ok(browser.respond(&identity, see_other("/forgot-password")));
    };
    let mut errors = Vec::new();
    let code = codes::tidy_code(&form.code);
    if code.is_none() {
        errors.push(FieldError::new(
            "code",
            "Enter the 6-digit code from the email",
        ));
    }
    if let Some(problem) = new_password_problem(&form.password, &email) {
        errors.push(FieldError::new("password", problem));
    }
    let (Some(code), true) = (code, errors.is_empty()) else {
        return Ok(browser.respond(
            &identity,
            render_reset(&identity, &browser, &email, &errors),
        ));
    };
    let now = identity.now();
    let outcome = identity
        .check_code(
            &browser.session,
            &address,
            Stage::ResetPassword,
            &email,
            &code,
        )
        .await?;
    let message = match outcome {
        Ok(account) => {
            let hash = identity
                .inner
                .passwords
                .hash(&form.password, identity.rng())
                .await;
            accounts::set_password(identity.pool(), &account.id, &hash, now).await?;
            // Getting the code proves the address is theirs (and ends any pending registration).
            accounts::confirm_registration(identity.pool(), &account.id, None, now).await?;
            // A new password ends every existing sign-in, in browsers and in apps.
            grants::revoke_account_grants(identity.pool(), &account.id, now).await?;
            sessions::delete_for_account(identity.pool(), &account.id).await?;
            sessions::clear_pending(identity.pool(), &browser.session.id).await?;
            return Ok(browser.respond(&identity, see_other("/sign-in?password_changed=1")));
        }
        Err(message) => message,
    };
    let errors = [FieldError::new("code", message)];
    Ok(browser.respond(
        &identity,
        render_reset(&identity, &browser, &email, &errors),
    ))
}

pub async fn reset_resend(
    State(identity): State<Identity>,
    headers: HeaderMap,
    Form(form): Form<super::codes::ResendFormPublic>,
) -> PageResult {
    let mut browser = Browser::load(&identity, &headers).await?;
    browser.check_csrf(form.csrf_token.as_deref())?;
    let Some(email) = browser
        .session
        .pending(Stage::ResetPassword)
        .map(str::to_owned)
    else {
        return Ok(browser.respond(&identity, see_other("/forgot-password")));
    };
    let key = crate::accounts::normalise_email(&email);
    if let Some(throttled) = identity
        .inner
        .throttles
        .resend_per_email
        .hit(&key, identity.now())
        .await?
    {
        let message = format!(
            "You have asked for a new code too many times. Wait {}, then try again.",
            throttled.wait_text()
        );
        let errors = [FieldError::new("code", message)];
        return Ok(browser.respond(
            &identity,
            render_reset(&identity, &browser, &email, &errors),
        ));
    }
    send_reset_code(&identity, &mut browser, &email).await?;
    Ok(browser.respond(&identity, see_other("/reset-password")))
}
