//! The authorization endpoint: checks the app's request (PKCE S256, scopes, prompt, max_age),
//! then sends the browser to sign in, to "Continue as", or straight back to a web app with a code.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use maud::html;
use serde::Deserialize;
use url::Url;

use crate::clients::redirect_allowed;
use crate::config::{ClientConfig, ClientKind};
use crate::grants::{self};
use crate::sessions::{self, AuthorizationRequest};
use crate::web::{see_other, Browser, PageError, PageResult};
use crate::Identity;

use super::SCOPES_SUPPORTED;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuthorizeParams {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    nonce: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    prompt: Option<String>,
    max_age: Option<String>,
    request: Option<String>,
    request_uri: Option<String>,
}

pub(super) async fn authorize_get(
    s: State<Identity>,
    h: HeaderMap,
    Query(p): Query<AuthorizeParams>,
) -> PageResult {
    authorize(s, h, p).await
}

pub(super) async fn authorize_post(
    s: State<Identity>,
    h: HeaderMap,
    Form(p): Form<AuthorizeParams>,
) -> PageResult {
    authorize(s, h, p).await
}

/// An error that goes back to the app on its redirect URI.
fn error_redirect(
    identity: &Identity,
    redirect_uri: &str,
    state: Option<&str>,
    error: &str,
    description: &str,
) -> Response {
    let Ok(mut url) = Url::parse(redirect_uri) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("error", error);
        query.append_pair("error_description", description);
        if let Some(state) = state {
            query.append_pair("state", state);
        }
        query.append_pair("iss", identity.config().issuer_str());
    }
    see_other(url.as_str())
}

/// Shown in the browser when the app itself is unknown or its redirect is not registered: the
/// person must not be sent to an address we cannot trust.
fn cannot_continue(identity: &Identity, reason: &str) -> Response {
    identity.page_with_status(
        StatusCode::BAD_REQUEST,
        "We cannot sign you in to this app",
        &[],
        html! {
            h1 class="govuk-heading-l" { "We cannot sign you in to this app" }
            p class="govuk-body" { (reason) }
            p class="govuk-body" { "Close this page and try again from the app. If it keeps happening, contact "
                (identity.config().council_name) " and tell them what you were trying to do." }
        },
    )
}

async fn authorize(
    State(identity): State<Identity>,
    headers: HeaderMap,
    params: AuthorizeParams,
) -> PageResult {
    let config = identity.config();
    let Some(client) = params.client_id.as_deref().and_then(|id| config.client(id)) else {
        return Ok(cannot_continue(
            &identity,
            "The app that sent you here is not registered with this service.",
        ));
    };
    let Some(redirect_uri) = params
        .redirect_uri
        .as_deref()
        .filter(|uri| redirect_allowed(client, uri))
    else {
        return Ok(cannot_continue(
            &identity,
            "The app asked to return to an address that is not registered for it.",
        ));
    };
    let state = params.state.as_deref();
    let fail = |error: &str, description: &str| {
        Ok(error_redirect(
            &identity,
            redirect_uri,
            state,
            error,
            description,
        ))
    };
    let Checked {
        request,
        prompt,
        max_age,
    } = match checked_request(&params, client, redirect_uri) {
        Ok(checked) => checked,
        Err((error, description)) => return fail(error, description),
    };

    let now = identity.now().unix_timestamp();
    let session = Browser::existing(&identity, &headers).await?;
    let signed_in = session
        .as_ref()
        .and_then(|s| Some((s.account_id.clone()?, s.auth_time?, s.id.clone())));
    let fresh_enough = |auth_time: i64| max_age.is_none_or(|max| now - auth_time <= max);
    let wants_new_sign_in = prompt.login || prompt.create;
    if let Some((account_id, auth_time, session_id)) = &signed_in {
        if !wants_new_sign_in && fresh_enough(*auth_time) {
            if client.kind == ClientKind::Web {
                return authorization_redirect(
                    &identity, &request, account_id, *auth_time, session_id,
                )
                .await;
            }
            // RFC 8252 8.6: any program on this computer can ask for a loopback redirect, so
            // an app on it gets a code only when the person says so on this very request.
            if prompt.none {
                return fail(
                    "interaction_required",
                    "the person must confirm this sign-in in the browser",
                );
            }
            sessions::set_authorization_request(identity.pool(), session_id, Some(&request))
                .await?;
            return Ok(see_other("/continue"));
        }
    }
    if prompt.none {
        return fail("login_required", "the person is not signed in");
    }
    let browser = Browser::load_kept(&identity, &headers).await?;
    sessions::set_authorization_request(identity.pool(), &browser.session.id, Some(&request))
        .await?;
    let next = if prompt.create {
        "/create-account"
    } else {
        "/sign-in"
    };
    Ok(browser.respond(&identity, see_other(next)))
}

/// What `authorize` goes on with once the app's request has passed every check.
struct Checked {
    request: AuthorizationRequest,
    prompt: Prompt,
    max_age: Option<i64>,
}

/// The `prompt` values this service acts on (OpenID Connect Core 3.1.2.1; `create` from
/// Initiating User Registration 1.0).
struct Prompt {
    none: bool,
    login: bool,
    create: bool,
}

/// Checks the app's request against what this service supports (RFC 6749 4.1.1, PKCE S256,
/// OpenID Connect Core 3.1.2.1). A refusal is an OAuth error code and its description, which
/// go back to the app on its (already checked) redirect URI.
fn checked_request(
    params: &AuthorizeParams,
    client: &ClientConfig,
    redirect_uri: &str,
) -> Result<Checked, (&'static str, &'static str)> {
    if params.request.is_some() {
        return Err(("request_not_supported", "request objects are not supported"));
    }
    if params.request_uri.is_some() {
        return Err(("request_uri_not_supported", "request_uri is not supported"));
    }
    if params.response_type.as_deref() != Some("code") {
        return Err((
            "unsupported_response_type",
            "only the authorization code flow (response_type=code) is supported",
        ));
    }
    let requested_scopes: Vec<&str> = params
        .scope
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    if !requested_scopes.contains(&"openid") {
        return Err(("invalid_scope", "the openid scope is required"));
    }
    // Unknown scopes are dropped rather than refused (RFC 6749 3.3 lets the server narrow them).
    let scope = SCOPES_SUPPORTED
        .iter()
        .filter(|s| requested_scopes.contains(s))
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let Some(code_challenge) = params.code_challenge.clone() else {
        return Err((
            "invalid_request",
            "PKCE is required: send code_challenge with code_challenge_method=S256",
        ));
    };
    if params.code_challenge_method.as_deref() != Some("S256") {
        return Err(("invalid_request", "PKCE code_challenge_method must be S256"));
    }
    if code_challenge.len() != 43
        || !code_challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err((
            "invalid_request",
            "code_challenge must be a base64url SHA-256 hash (43 characters)",
        ));
    }
    let prompts: Vec<&str> = params
        .prompt
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    if prompts.contains(&"none") && prompts.len() > 1 {
        return Err((
            "invalid_request",
            "prompt=none cannot be combined with other prompt values",
        ));
    }
    let max_age = match params.max_age.as_deref() {
        None | Some("") => None,
        Some(text) => match text.parse::<i64>() {
            Ok(seconds) if seconds >= 0 => Some(seconds),
            _ => {
                return Err((
                    "invalid_request",
                    "max_age must be a whole number of seconds",
                ))
            }
        },
    };
    let request = AuthorizationRequest {
        client_id: client.id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        scope,
        state: params.state.clone(),
        nonce: params.nonce.clone(),
        code_challenge,
        leave_no_session: prompts.contains(&"login") && max_age == Some(0),
    };
    Ok(Checked {
        request,
        prompt: Prompt {
            none: prompts.contains(&"none"),
            login: prompts.contains(&"login"),
            create: prompts.contains(&"create"),
        },
        max_age,
    })
}

/// Issues an authorization code and sends the browser back to the app with it.
pub(crate) async fn authorization_redirect(
    identity: &Identity,
    request: &AuthorizationRequest,
    account_id: &str,
    auth_time: i64,
    session_id: &str,
) -> PageResult {
    let code = grants::issue_code(
        identity.pool(),
        identity.rng(),
        request,
        account_id,
        auth_time,
        session_id,
        identity.now(),
    )
    .await?;
    let mut url =
        Url::parse(&request.redirect_uri).map_err(|_| PageError::Internal("stored redirect"))?;
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("code", &code);
        if let Some(state) = &request.state {
            query.append_pair("state", state);
        }
        query.append_pair("iss", identity.config().issuer_str());
    }
    Ok(see_other(url.as_str()))
}
