//! The start page, creating an account, and the signed-out page.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use maud::html;
use serde::Deserialize;

use cfp_domain::Postcode;
use council_kit::page::{button, csrf_field, textarea, FieldError, Input};
use council_kit::secret::random_token;

use crate::accounts::{self, AccountDetails, PASSWORD_RULE};
use crate::emails;
use crate::sessions::Stage;
use crate::web::{see_other, Browser, ClientAddress, PageResult};
use crate::Identity;

use super::validate::{email_problem, new_password_problem, text_problem};
use super::CodeFor;

pub async fn home(State(identity): State<Identity>, headers: HeaderMap) -> PageResult {
    let browser = Browser::load(&identity, &headers).await?;
    let account = match &browser.session.account_id {
        Some(id) => accounts::find(identity.pool(), id).await?,
        None => None,
    };
    let council = &identity.config().council_name;
    let page = identity.page(
        &identity.config().service_name,
        &[],
        html! {
            h1 class="govuk-heading-l" { (identity.config().service_name) }
            @if let Some(account) = account {
                p class="govuk-body" { "You are signed in as " strong { (account.full_name()) } " (" (account.email) ")." }
                p class="govuk-body" { "You can now use this account to sign in to " (council) "'s online services, such as the Client Finance Portal app." }
                form method="post" action="/logout" {
                    (csrf_field(&browser.session.csrf_token))
                    (button("Sign out"))
                }
            } @else {
                p class="govuk-body" { "Use one account for " (council) "'s online services, such as the Client Finance Portal app." }
                a href="/sign-in" role="button" draggable="false" class="govuk-button govuk-button--start" data-module="govuk-button" { "Sign in" }
                p class="govuk-body" { "If you do not have an account, " a class="govuk-link" href="/create-account" { "create an account" } "." }
            }
        },
    );
    Ok(browser.respond(&identity, page))
}

pub async fn signed_out(State(identity): State<Identity>) -> Response {
    identity.page(
        "You have signed out",
        &[],
        html! {
            h1 class="govuk-heading-l" { "You have signed out" }
            p class="govuk-body" { "You are no longer signed in to your " (identity.config().council_name) " account on this device." }
            p class="govuk-body" { "If you are using a shared computer, close the browser too." }
            p class="govuk-body" { a class="govuk-link" href="/sign-in" { "Sign in again" } }
        },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CreateForm {
    csrf_token: Option<String>,
    given_name: String,
    family_name: String,
    address: String,
    postcode: String,
    email: String,
    password: String,
}

pub async fn create_form(State(identity): State<Identity>, headers: HeaderMap) -> PageResult {
    let browser = Browser::load(&identity, &headers).await?;
    let page = render(&identity, &browser, &CreateForm::default(), &[]);
    Ok(browser.respond(&identity, page))
}

fn render(
    identity: &Identity,
    browser: &Browser,
    form: &CreateForm,
    errors: &[FieldError],
) -> Response {
    let continuing_to = browser
        .session
        .authorization_request
        .as_ref()
        .and_then(|request| identity.config().client(&request.client_id))
        .map(|client| client.name.clone());
    identity.page(
        "Create an account",
        errors,
        html! {
            h1 class="govuk-heading-l" { "Create an account" }
            @if let Some(name) = continuing_to {
                p class="govuk-body" { "Create a " (identity.config().council_name) " account to continue to " (name) "." }
            }
            p class="govuk-body" { "We will email you a code to confirm your email address." }
            form method="post" action="/create-account" novalidate {
                (csrf_field(&browser.session.csrf_token))
                (Input::new("given_name", "First name").value(&form.given_name).autocomplete("given-name").render(errors))
                (Input::new("family_name", "Last name").value(&form.family_name).autocomplete("family-name").render(errors))
                (textarea("address", "Address", &form.address, Some("Your house number or name, street and town"), "street-address", errors))
                (Input::new("postcode", "Postcode").value(&form.postcode).autocomplete("postal-code").width("govuk-input--width-10").render(errors))
                (Input::new("email", "Email address").value(&form.email).input_type("email").autocomplete("email")
                    .hint("We will only use this to send you codes and messages about your account").render(errors))
                (Input::new("password", "Create a password").input_type("password").autocomplete("new-password").hint(PASSWORD_RULE).render(errors))
                (button("Create account"))
            }
            p class="govuk-body" { "If you already have an account, " a class="govuk-link" href="/sign-in" { "sign in" } "." }
        },
    )
}

pub async fn create(
    State(identity): State<Identity>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<CreateForm>,
) -> PageResult {
    let mut browser = Browser::load(&identity, &headers).await?;
    browser.check_csrf(form.csrf_token.as_deref())?;
    let mut errors = Vec::new();
    let mut problem = |field: &'static str, message: Option<&'static str>| {
        if let Some(message) = message {
            errors.push(FieldError::new(field, message));
        }
    };
    problem(
        "given_name",
        text_problem(
            &form.given_name,
            100,
            "Enter your first name",
            "First name must be 100 characters or fewer",
        ),
    );
    problem(
        "family_name",
        text_problem(
            &form.family_name,
            100,
            "Enter your last name",
            "Last name must be 100 characters or fewer",
        ),
    );
    problem(
        "address",
        text_problem(
            &form.address,
            500,
            "Enter your address",
            "Address must be 500 characters or fewer",
        ),
    );
    let postcode = form.postcode.parse::<Postcode>();
    problem(
        "postcode",
        match (&postcode, form.postcode.trim().is_empty()) {
            (_, true) => Some("Enter your postcode"),
            (Err(_), false) => Some("Enter a real postcode, like WR5 2NP"),
            (Ok(_), false) => None,
        },
    );
    problem("email", email_problem(&form.email));
    problem(
        "password",
        new_password_problem(&form.password, &form.email),
    );
    let Ok(postcode) = postcode else {
        return Ok(browser.respond(&identity, render(&identity, &browser, &form, &errors)));
    };
    if !errors.is_empty() {
        return Ok(browser.respond(&identity, render(&identity, &browser, &form, &errors)));
    }

    let details = AccountDetails {
        given_name: form.given_name.trim().to_owned(),
        family_name: form.family_name.trim().to_owned(),
        address: form.address.trim().to_owned(),
        postcode: postcode.as_str().to_owned(),
        email: accounts::normalise_email(&form.email),
    };
    let now = identity.now();
    if let Some(message) = too_many_new_accounts(&identity, &address).await? {
        let errors = [FieldError::new("email", message)];
        return Ok(browser.respond(&identity, render(&identity, &browser, &form, &errors)));
    }
    // Housekeeping: accounts nobody confirmed within a day go (found by index).
    accounts::delete_unconfirmed(identity.pool(), now).await?;
    let council = identity.config().council_name.clone();
    let hash = identity
        .inner
        .passwords
        .hash(&form.password, identity.rng())
        .await;
    // Every form is its own registration; only a code sent for it, entered in this browser,
    // confirms it (so re-registering someone's email cannot hand them your password).
    let registration = random_token(identity.rng());
    let existing = accounts::find_by_email(identity.pool(), &details.email).await?;
    let account_id = match &existing {
        Some(existing) if existing.email_verified => None,
        Some(unconfirmed) => Some(unconfirmed.id.clone()),
        None => {
            let id = random_token(identity.rng());
            accounts::insert(identity.pool(), &id, &details, &hash, false, now).await?;
            Some(id)
        }
    };
    let to = match &account_id {
        Some(id) => {
            accounts::add_registration(identity.pool(), &registration, id, &details, &hash, now)
                .await?;
            CodeFor::Account {
                id,
                email: &details.email,
            }
        }
        None => CodeFor::Nobody(Some(emails::already_registered(&council, &details.email))),
    };
    // The same next page whatever happened above, so the page never reveals who has an account.
    identity
        .email_code(
            &mut browser,
            Stage::ConfirmEmail,
            &details.email,
            Some(&registration),
            to,
        )
        .await?;
    Ok(browser.respond(&identity, see_other("/confirm-email")))
}

/// Counts this form against the new-account limits (per network address, and for everyone
/// together) before any password is hashed; the message to show if it is over either.
async fn too_many_new_accounts(
    identity: &Identity,
    address: &str,
) -> Result<Option<String>, crate::web::PageError> {
    let now = identity.now();
    let throttles = &identity.inner.throttles;
    let address_key = format!("new-account:{address}");
    if let Some(throttled) = throttles
        .new_accounts_per_address
        .check(&address_key, now)
        .await?
    {
        return Ok(Some(format!(
            "Too many accounts have been created from your network. Wait {}, then try again.",
            throttled.wait_text()
        )));
    }
    if let Some(throttled) = throttles.new_accounts.check("everyone", now).await? {
        return Ok(Some(format!(
            "We are getting more new accounts than we can check right now. Wait {}, then try again.",
            throttled.wait_text()
        )));
    }
    throttles
        .new_accounts_per_address
        .record(&address_key, now)
        .await?;
    throttles.new_accounts.record("everyone", now).await?;
    Ok(None)
}
