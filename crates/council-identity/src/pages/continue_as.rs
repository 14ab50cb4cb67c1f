//! "Continue as Ruth Adeyemi?": an app on this computer asks for a sign-in while the browser is
//! already signed in. The code is issued only when the person presses Continue on this request
//! (RFC 8252 8.6), so another program, or the next person at a shared computer, cannot collect
//! one silently. "Not you?" leads to the sign-in page for the same request.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Form;
use maud::html;
use serde::Deserialize;

use council_kit::page::{button, csrf_field};
use council_kit::secret::sha256_base64url;

use crate::accounts;
use crate::sessions::{self, AuthorizationRequest, Session};
use crate::web::{see_other, Browser, PageResult};
use crate::Identity;

/// Names the request and the account the page showed, so a click answers exactly that
/// question: if another request (another tab) or another person took their place since, the
/// page is shown again instead.
fn fingerprint(account_id: &str, request: &AuthorizationRequest) -> String {
    let request = serde_json::to_string(request).expect("plain strings serialise");
    sha256_base64url(format!("{account_id}\n{request}").as_bytes())
}

/// The signed-in account and the request waiting for its answer, if both are there.
fn waiting(session: &Session) -> Option<(&str, &AuthorizationRequest)> {
    Some((
        session.account_id.as_deref()?,
        session.authorization_request.as_ref()?,
    ))
}

pub async fn form(State(identity): State<Identity>, headers: HeaderMap) -> PageResult {
    let Some(session) = Browser::existing(&identity, &headers).await? else {
        return Ok(see_other("/"));
    };
    let Some((account_id, request)) = waiting(&session) else {
        let next = match session.authorization_request {
            Some(_) => "/sign-in",
            None => "/",
        };
        return Ok(see_other(next));
    };
    let Some(account) = accounts::find(identity.pool(), account_id).await? else {
        return Ok(see_other("/sign-in"));
    };
    let app = identity
        .config()
        .client(&request.client_id)
        .map_or("the app", |client| client.name.as_str());
    let name = account.full_name();
    // The title stays free of the name: a shared computer's history keeps page titles.
    let title = format!("Continue to {app}");
    Ok(identity.page(
        &title,
        &[],
        html! {
            h1 class="govuk-heading-l" { "Continue as " (name) "?" }
            p class="govuk-body" { "You are signed in to your " (identity.config().council_name)
                " account in this browser. Continue to sign in to " (app) " as " (name) "." }
            form method="post" action="/continue" {
                (csrf_field(&session.csrf_token))
                input type="hidden" name="request" value=(fingerprint(account_id, request));
                (button("Continue"))
            }
            p class="govuk-body" { a class="govuk-link" href="/sign-in" { "Not you? Sign in as someone else" } }
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ContinueForm {
    csrf_token: Option<String>,
    request: Option<String>,
}

pub async fn submit(
    State(identity): State<Identity>,
    headers: HeaderMap,
    Form(form): Form<ContinueForm>,
) -> PageResult {
    let Some(session) = Browser::existing(&identity, &headers).await? else {
        return Ok(see_other("/"));
    };
    council_kit::csrf::verify(&session.csrf_token, form.csrf_token.as_deref())?;
    let Some((account_id, request)) = waiting(&session) else {
        return Ok(see_other("/continue"));
    };
    if form.request.as_deref() != Some(fingerprint(account_id, request).as_str()) {
        return Ok(see_other("/continue"));
    }
    let Some(auth_time) = session.auth_time else {
        return Ok(see_other("/sign-in"));
    };
    sessions::set_authorization_request(identity.pool(), &session.id, None).await?;
    crate::oidc::authorization_redirect(&identity, request, account_id, auth_time, &session.id)
        .await
}
