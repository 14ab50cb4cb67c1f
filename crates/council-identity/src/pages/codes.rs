//! The two "enter the code we emailed you" pages: confirming an email address, and the sign-in
//! code some councils ask for at every sign-in. Both offer "Send me a new code".

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use maud::html;
use serde::Deserialize;

use council_kit::page::{button, csrf_field, secondary_button, FieldError, Input};

use crate::accounts;
use crate::codes::{self, Purpose};
use crate::sessions::Stage;
use crate::web::{see_other, Browser, ClientAddress, PageResult};
use crate::Identity;

use super::sign_in::complete_sign_in;
use super::CodeFor;

/// What differs between the two code pages.
struct CodeStep {
    stage: Stage,
    purpose: Purpose,
    path: &'static str,
    resend_path: &'static str,
    title: &'static str,
    button: &'static str,
}

const CONFIRM_EMAIL: CodeStep = CodeStep {
    stage: Stage::ConfirmEmail,
    purpose: Purpose::ConfirmEmail,
    path: "/confirm-email",
    resend_path: "/confirm-email/resend",
    title: "Confirm your email address",
    button: "Confirm email address",
};

const SIGN_IN_CODE: CodeStep = CodeStep {
    stage: Stage::SignInCode,
    purpose: Purpose::SignIn,
    path: "/sign-in-code",
    resend_path: "/sign-in-code/resend",
    title: "Enter the code we emailed you",
    button: "Continue",
};

#[derive(Debug, Default, Deserialize)]
pub struct Notice {
    resent: Option<String>,
    unconfirmed: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    csrf_token: Option<String>,
    code: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResendForm {
    pub(super) csrf_token: Option<String>,
}

/// The resend form, shared with the password reset page.
pub type ResendFormPublic = ResendForm;

pub async fn confirm_form(s: State<Identity>, h: HeaderMap, q: Query<Notice>) -> PageResult {
    show(&CONFIRM_EMAIL, s, h, q).await
}
pub async fn confirm(
    s: State<Identity>,
    a: ClientAddress,
    h: HeaderMap,
    f: Form<CodeForm>,
) -> PageResult {
    submit(&CONFIRM_EMAIL, s, a, h, f).await
}
pub async fn confirm_resend(s: State<Identity>, h: HeaderMap, f: Form<ResendForm>) -> PageResult {
    resend(&CONFIRM_EMAIL, s, h, f).await
}
pub async fn sign_in_code_form(s: State<Identity>, h: HeaderMap, q: Query<Notice>) -> PageResult {
    show(&SIGN_IN_CODE, s, h, q).await
}
pub async fn sign_in_code(
    s: State<Identity>,
    a: ClientAddress,
    h: HeaderMap,
    f: Form<CodeForm>,
) -> PageResult {
    submit(&SIGN_IN_CODE, s, a, h, f).await
}
pub async fn sign_in_code_resend(
    s: State<Identity>,
    h: HeaderMap,
    f: Form<ResendForm>,
) -> PageResult {
    resend(&SIGN_IN_CODE, s, h, f).await
}

async fn show(
    step: &CodeStep,
    State(identity): State<Identity>,
    headers: HeaderMap,
    Query(notice): Query<Notice>,
) -> PageResult {
    let browser = Browser::load(&identity, &headers).await?;
    let Some(email) = browser.session.pending(step.stage).map(str::to_owned) else {
        return Ok(browser.respond(&identity, see_other("/sign-in")));
    };
    let notice = if notice.resent.is_some() {
        Some("We have sent you a new code. Codes you were sent before no longer work.")
    } else if notice.unconfirmed.is_some() {
        Some("You need to confirm your email address before you can sign in. We have sent you a code.")
    } else {
        None
    };
    Ok(browser.respond(
        &identity,
        render(step, &identity, &browser, &email, &[], notice),
    ))
}

fn render(
    step: &CodeStep,
    identity: &Identity,
    browser: &Browser,
    email: &str,
    errors: &[FieldError],
    notice: Option<&str>,
) -> Response {
    let minutes = codes::CODE_LIFETIME.whole_minutes();
    identity.page(
        step.title,
        errors,
        html! {
            @if let Some(notice) = notice {
                div class="govuk-inset-text" role="status" { (notice) }
            }
            h1 class="govuk-heading-l" { (step.title) }
            p class="govuk-body" { "We have sent a 6-digit code to " strong { (email) } "." }
            p class="govuk-body" { "The code works for " (minutes) " minutes. If the email has not arrived, check your spam or junk folder." }
            form method="post" action=(step.path) novalidate {
                (csrf_field(&browser.session.csrf_token))
                (Input::new("code", "Code").hint("For example, 123456").input_type("text").inputmode("numeric")
                    .autocomplete("one-time-code").width("govuk-input--width-10").render(errors))
                (button(step.button))
            }
            h2 class="govuk-heading-m" { "If you did not get the code" }
            form method="post" action=(step.resend_path) {
                (csrf_field(&browser.session.csrf_token))
                (secondary_button("Send me a new code"))
            }
        },
    )
}

async fn submit(
    step: &CodeStep,
    State(identity): State<Identity>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> PageResult {
    let mut browser = Browser::load(&identity, &headers).await?;
    browser.check_csrf(form.csrf_token.as_deref())?;
    let Some(email) = browser.session.pending(step.stage).map(str::to_owned) else {
        return Ok(browser.respond(&identity, see_other("/sign-in")));
    };
    let Some(code) = codes::tidy_code(&form.code) else {
        let message = if form.code.trim().is_empty() {
            "Enter the 6-digit code from the email"
        } else {
            "The code must be 6 numbers, like 123456"
        };
        let page = render_error(step, &identity, &browser, &email, message);
        return Ok(browser.respond(&identity, page));
    };
    let session = browser.session.clone();
    let outcome = identity
        .check_code(&session, &address, step.stage, &email, &code)
        .await?;
    let message = match outcome {
        Ok(account) => {
            if step.purpose == Purpose::ConfirmEmail {
                let registration = session.pending_registration.as_deref();
                accounts::confirm_registration(
                    identity.pool(),
                    &account.id,
                    registration,
                    identity.now(),
                )
                .await?;
            }
            return complete_sign_in(&identity, &mut browser, &account.id).await;
        }
        Err(message) => message,
    };
    let page = render_error(step, &identity, &browser, &email, &message);
    Ok(browser.respond(&identity, page))
}

fn render_error(
    step: &CodeStep,
    identity: &Identity,
    browser: &Browser,
    email: &str,
    message: &str,
) -> Response {
    let errors = [FieldError::new("code", message)];
    render(step, identity, browser, email, &errors, None)
}

async fn resend(
    step: &CodeStep,
    State(identity): State<Identity>,
    headers: HeaderMap,
    Form(form): Form<ResendForm>,
) -> PageResult {
    let mut browser = Browser::load(&identity, &headers).await?;
    browser.check_csrf(form.csrf_token.as_deref())?;
    let Some(email) = browser.session.pending(step.stage).map(str::to_owned) else {
        return Ok(browser.respond(&identity, see_other("/sign-in")));
    };
    let now = identity.now();
    let key = accounts::normalise_email(&email);
    if let Some(throttled) = identity
        .inner
        .throttles
        .resend_per_email
        .hit(&key, now)
        .await?
    {
        let message = format!(
            "You have asked for a new code too many times. Wait {}, then try again.",
            throttled.wait_text()
        );
        let errors = [FieldError::new("code", message)];
        return Ok(browser.respond(
            &identity,
            render(step, &identity, &browser, &email, &errors, None),
        ));
    }
    let account = accounts::find_by_email(identity.pool(), &email).await?;
    let registration = browser.session.pending_registration.clone();
    let registration = registration.as_deref();
    let wanted = match (&account, step.purpose) {
        (Some(account), Purpose::ConfirmEmail) if !account.email_verified => match registration {
            // Only the registration this browser made (or the account as it stands).
            Some(id) => accounts::registration_exists(identity.pool(), id, &account.id).await?,
            None => true,
        },
        (Some(_), Purpose::SignIn) => true,
        _ => false,
    };
    let to = match &account {
        Some(account) if wanted => CodeFor::Account {
            id: &account.id,
            email: &account.email,
        },
        _ => CodeFor::Nobody(None),
    };
    identity
        .email_code(&mut browser, step.stage, &email, registration, to)
        .await?;
    Ok(browser.respond(&identity, see_other(&format!("{}?resent=1", step.path))))
}
