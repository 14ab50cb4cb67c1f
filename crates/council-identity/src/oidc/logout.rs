//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0), with a confirmation page when
//! the request cannot be shown to come from the signed-in person's app.

use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use axum::Form;
use maud::html;
use serde::Deserialize;
use url::Url;

use council_kit::cookie::expired_cookie;
use council_kit::page::{button, csrf_field};

use crate::clients::post_logout_redirect_allowed;
use crate::grants::{self};
use crate::sessions::{self, COOKIE_NAME};
use crate::web::{see_other, Browser, PageError, PageResult};
use crate::Identity;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LogoutParams {
    id_token_hint: Option<String>,
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
    client_id: Option<String>,
    csrf_token: Option<String>,
}

pub(super) async fn logout_get(
    s: State<Identity>,
    h: HeaderMap,
    Query(p): Query<LogoutParams>,
) -> PageResult {
    logout(s, h, p, false).await
}

pub(super) async fn logout_post(
    s: State<Identity>,
    h: HeaderMap,
    Form(p): Form<LogoutParams>,
) -> PageResult {
    logout(s, h, p, true).await
}

async fn logout(
    State(identity): State<Identity>,
    headers: HeaderMap,
    params: LogoutParams,
    posted: bool,
) -> PageResult {
    let config = identity.config();
    let client_ids: Vec<&str> = config.clients.iter().map(|c| c.id.as_str()).collect();
    let hint = params.id_token_hint.as_deref().and_then(|token| {
        identity
            .access_token_verifier()
            .verify_id_token_hint(token, &client_ids)
            .ok()
    });
    let client = match (&hint, params.client_id.as_deref()) {
        (Some(hint), Some(id)) if hint.aud != id => None,
        (Some(hint), _) => config.client(&hint.aud),
        (None, Some(id)) => config.client(id),
        (None, None) => None,
    };
    // Only a registered address is followed; anything else ends on our own signed-out page.
    let redirect = params
        .post_logout_redirect_uri
        .as_deref()
        .filter(|uri| client.is_some_and(|c| post_logout_redirect_allowed(c, uri)));

    let session = Browser::existing(&identity, &headers).await?;
    if let Some(session) = &session {
        let confirmed = match (&hint, &session.account_id) {
            (_, None) => true,
            (Some(hint), Some(account)) if &hint.sub == account => true,
            // The app's own sign-out without a token in the address (which a browser's history
            // would keep): its client_id and a return address registered for it. Another site
            // could only send the person back to that app; a cross-site POST carries no
            // SameSite=Lax cookie at all.
            (None, Some(_)) if redirect.is_some() => true,
            _ => {
                posted
                    && council_kit::csrf::verify(&session.csrf_token, params.csrf_token.as_deref())
                        .is_ok()
            }
        };
        if !confirmed {
            return Ok(confirm_logout(
                &identity,
                session,
                redirect,
                params.state.as_deref(),
                client.map(|c| c.id.as_str()),
            ));
        }
        grants::revoke_session_grants(identity.pool(), &session.id, identity.now()).await?;
        sessions::delete(identity.pool(), &session.id).await?;
    }
    let mut response = match redirect {
        Some(uri) => {
            let mut url =
                Url::parse(uri).map_err(|_| PageError::Internal("post-logout redirect"))?;
            if let Some(state) = &params.state {
                url.query_pairs_mut().append_pair("state", state);
            }
            see_other(url.as_str())
        }
        None => see_other("/signed-out"),
    };
    if let Ok(value) = HeaderValue::from_str(&expired_cookie(COOKIE_NAME, config.is_https())) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    Ok(response)
}

/// Without proof that the request came from the signed-in person's app, ask before signing out,
/// so a link on another site cannot sign someone out.
fn confirm_logout(
    identity: &Identity,
    session: &sessions::Session,
    redirect: Option<&str>,
    state: Option<&str>,
    client_id: Option<&str>,
) -> Response {
    identity.page(
        "Do you want to sign out?",
        &[],
        html! {
            h1 class="govuk-heading-l" { "Do you want to sign out?" }
            p class="govuk-body" { "You will be signed out of your " (identity.config().council_name) " account on this device, and of the apps you signed in to with it here." }
            form method="post" action="/logout" {
                (csrf_field(&session.csrf_token))
                @if let Some(uri) = redirect { input type="hidden" name="post_logout_redirect_uri" value=(uri); }
                @if let Some(state) = state { input type="hidden" name="state" value=(state); }
                @if let Some(client_id) = client_id { input type="hidden" name="client_id" value=(client_id); }
                (button("Sign out"))
            }
            p class="govuk-body" { a class="govuk-link" href="/" { "Stay signed in" } }
        },
    )
}
