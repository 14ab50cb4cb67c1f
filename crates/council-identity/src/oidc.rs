//! The OpenID Connect endpoints: discovery, JWKS, authorize, token, userinfo, revocation
//! (RFC 7009) and RP-initiated logout. Protocol errors use the OAuth shapes the standards fix
//! (`error` and `error_description`), which every relying-party library understands.

use axum::extract::{Query, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, PRAGMA, SET_COOKIE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Json, Router};
use maud::html;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Duration, OffsetDateTime};
use url::Url;

use council_kit::cookie::expired_cookie;
use council_kit::page::{button, csrf_field};
use council_kit::secret::{constant_time_eq, random_token, sha256_base64url};

use crate::accounts;
use crate::clients::{post_logout_redirect_allowed, redirect_allowed};
use crate::config::ClientKind;
use crate::grants::{self, Grant, Redemption};
use crate::sessions::{self, AuthorizationRequest, COOKIE_NAME};
use crate::tokens::{self, AccessTokenClaims, IdTokenClaims, ACCESS_TOKEN_TYPE};
use crate::web::{see_other, Browser, PageError, PageResult};
use crate::Identity;

const SCOPES_SUPPORTED: [&str; 5] = ["openid", "profile", "email", "address", "offline_access"];

pub fn routes() -> Router<Identity> {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks.json", get(jwks))
        .route("/authorize", get(authorize_get).post(authorize_post))
        .route("/token", axum::routing::post(token))
        .route("/userinfo", get(userinfo).post(userinfo))
        .route("/revoke", axum::routing::post(revoke))
        .route("/logout", get(logout_get).post(logout_post))
}

async fn discovery(State(identity): State<Identity>) -> Response {
    let config = identity.config();
    let document = json!({
        "issuer": config.issuer_str(),
        "authorization_endpoint": config.endpoint("/authorize"),
        "token_endpoint": config.endpoint("/token"),
        "userinfo_endpoint": config.endpoint("/userinfo"),
        "jwks_uri": config.endpoint("/jwks.json"),
        "revocation_endpoint": config.endpoint("/revoke"),
        "end_session_endpoint": config.endpoint("/logout"),
        "scopes_supported": SCOPES_SUPPORTED,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "revocation_endpoint_auth_methods_supported": ["none"],
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": ["none", "login", "create"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "azp", "name",
            "given_name", "family_name", "email", "email_verified", "address"],
        "authorization_response_iss_parameter_supported": true,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "claims_parameter_supported": false,
    });
    ([(CACHE_CONTROL, "public, max-age=300")], Json(document)).into_response()
}

async fn jwks(State(identity): State<Identity>) -> Response {
    (
        [(CACHE_CONTROL, "public, max-age=300")],
        Json(identity.jwks().clone()),
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// Authorization endpoint

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

async fn authorize_get(
    s: State<Identity>,
    h: HeaderMap,
    Query(p): Query<AuthorizeParams>,
) -> PageResult {
    authorize(s, h, p).await
}

async fn authorize_post(
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

    if params.request.is_some() {
        return fail("request_not_supported", "request objects are not supported");
    }
    if params.request_uri.is_some() {
        return fail("request_uri_not_supported", "request_uri is not supported");
    }
    if params.response_type.as_deref() != Some("code") {
        return fail(
            "unsupported_response_type",
            "only the authorization code flow (response_type=code) is supported",
        );
    }
    let requested_scopes: Vec<&str> = params
        .scope
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    if !requested_scopes.contains(&"openid") {
        return fail("invalid_scope", "the openid scope is required");
    }
    // Unknown scopes are dropped rather than refused (RFC 6749 3.3 lets the server narrow them).
    let scope = SCOPES_SUPPORTED
        .iter()
        .filter(|s| requested_scopes.contains(s))
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let Some(code_challenge) = params.code_challenge.clone() else {
        return fail(
            "invalid_request",
            "PKCE is required: send code_challenge with code_challenge_method=S256",
        );
    };
    if params.code_challenge_method.as_deref() != Some("S256") {
        return fail("invalid_request", "PKCE code_challenge_method must be S256");
    }
    if code_challenge.len() != 43
        || !code_challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return fail(
            "invalid_request",
            "code_challenge must be a base64url SHA-256 hash (43 characters)",
        );
    }
    let prompts: Vec<&str> = params
        .prompt
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    if prompts.contains(&"none") && prompts.len() > 1 {
        return fail(
            "invalid_request",
            "prompt=none cannot be combined with other prompt values",
        );
    }
    let max_age = match params.max_age.as_deref() {
        None | Some("") => None,
        Some(text) => match text.parse::<i64>() {
            Ok(seconds) if seconds >= 0 => Some(seconds),
            _ => {
                return fail(
                    "invalid_request",
                    "max_age must be a whole number of seconds",
                )
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

    let now = identity.now().unix_timestamp();
    let session = Browser::existing(&identity, &headers).await?;
    let signed_in = session
        .as_ref()
        .and_then(|s| Some((s.account_id.clone()?, s.auth_time?, s.id.clone())));
    let fresh_enough = |auth_time: i64| max_age.is_none_or(|max| now - auth_time <= max);
    let wants_new_sign_in = prompts.contains(&"login") || prompts.contains(&"create");
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
            if prompts.contains(&"none") {
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
    if prompts.contains(&"none") {
        return fail("login_required", "the person is not signed in");
    }
    let browser = Browser::load_kept(&identity, &headers).await?;
    sessions::set_authorization_request(identity.pool(), &browser.session.id, Some(&request))
        .await?;
    let next = if prompts.contains(&"create") {
        "/create-account"
    } else {
        "/sign-in"
    };
    Ok(browser.respond(&identity, see_other(next)))
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

// ---------------------------------------------------------------------------------------------
// Token endpoint

/// An OAuth error response (RFC 6749 5.2).
struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: &'static str,
}

impl OAuthError {
    fn invalid_grant(description: &'static str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_grant",
            description,
        }
    }
    fn invalid_request(description: &'static str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_request",
            description,
        }
    }
    fn invalid_client() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            description: "unknown client_id",
        }
    }
    fn server_error() -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            error: "server_error",
            description: "something went wrong on our side",
        }
    }
}

impl From<sqlx::Error> for OAuthError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error at the token endpoint");
        OAuthError::server_error()
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        (
            self.status,
            [(CACHE_CONTROL, "no-store"), (PRAGMA, "no-cache")],
            Json(json!({ "error": self.error, "error_description": self.description })),
        )
            .into_response()
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenForm {
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    client_id: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    scope: Option<String>,
}

#[derive(Debug, Serialize)]
struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
    /// Only for the `offline_access` scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    id_token: String,
    scope: String,
}

async fn token(
    State(identity): State<Identity>,
    Form(form): Form<TokenForm>,
) -> Result<Response, OAuthError> {
    let client_id = form
        .client_id
        .as_deref()
        .ok_or_else(OAuthError::invalid_client)?;
    if identity.config().client(client_id).is_none() {
        return Err(OAuthError::invalid_client());
    }
    let tokens = match form.grant_type.as_deref() {
        Some("authorization_code") => exchange_code(&identity, client_id, &form).await?,
        Some("refresh_token") => refresh(&identity, client_id, &form).await?,
        Some(_) => {
            return Err(OAuthError {
                status: StatusCode::BAD_REQUEST,
                error: "unsupported_grant_type",
                description: "only authorization_code and refresh_token are supported",
            })
        }
        None => return Err(OAuthError::invalid_request("grant_type is required")),
    };
    Ok((
        [(CACHE_CONTROL, "no-store"), (PRAGMA, "no-cache")],
        Json(tokens),
    )
        .into_response())
}

async fn exchange_code(
    identity: &Identity,
    client_id: &str,
    form: &TokenForm,
) -> Result<TokenResponse, OAuthError> {
    let code = form
        .code
        .as_deref()
        .ok_or(OAuthError::invalid_request("code is required"))?;
    let verifier = form
        .code_verifier
        .as_deref()
        .ok_or(OAuthError::invalid_request(
            "code_verifier is required (PKCE)",
        ))?;
    let now = identity.now();
    let grant = match grants::redeem_code(identity.pool(), code, now).await? {
        Redemption::Valid(grant) => grant,
        Redemption::Invalid => {
            return Err(OAuthError::invalid_grant(
                "the code is not valid or has expired",
            ))
        }
        Redemption::Replayed => {
            tracing::warn!("an authorization code was used twice; its tokens have been revoked");
            return Err(OAuthError::invalid_grant("the code has already been used"));
        }
    };
    if grant.client_id != client_id {
        return Err(OAuthError::invalid_grant(
            "the code was issued to another client",
        ));
    }
    if form.redirect_uri.as_deref() != Some(grant.redirect_uri.as_str()) {
        return Err(OAuthError::invalid_grant(
            "redirect_uri does not match the authorization request",
        ));
    }
    // RFC 7636 4.1: 43-128 characters from the unreserved set.
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if !well_formed
        || !constant_time_eq(
            sha256_base64url(verifier.as_bytes()).as_bytes(),
            grant.code_challenge.as_bytes(),
        )
    {
        return Err(OAuthError::invalid_grant(
            "the PKCE code_verifier does not match the code_challenge",
        ));
    }
    let grant_id = grants::create_grant(identity.pool(), identity.rng(), code, &grant, now).await?;
    let live = Grant {
        id: grant_id,
        account_id: grant.account_id.clone(),
        client_id: grant.client_id.clone(),
        scope: grant.scope.clone(),
        auth_time: grant.auth_time,
    };
    issue_tokens(identity, &live, &live.scope, grant.nonce.clone(), None, now).await
}

async fn refresh(
    identity: &Identity,
    client_id: &str,
    form: &TokenForm,
) -> Result<TokenResponse, OAuthError> {
    let token = form
        .refresh_token
        .as_deref()
        .ok_or(OAuthError::invalid_request("refresh_token is required"))?;
    let now = identity.now();
    let (grant, replacing) = match grants::redeem_refresh_token(identity.pool(), token, now).await?
    {
        Redemption::Valid(refreshing) => (refreshing.grant, refreshing.replacing),
        Redemption::Invalid => {
            return Err(OAuthError::invalid_grant("the refresh token is not valid"))
        }
        Redemption::Replayed => {
            tracing::warn!(
                "a spent refresh token was presented; its whole family has been revoked"
            );
            return Err(OAuthError::invalid_grant(
                "the refresh token has already been used",
            ));
        }
    };
    if grant.client_id != client_id {
        grants::revoke_grant(identity.pool(), &grant.id, now).await?;
        return Err(OAuthError::invalid_grant(
            "the refresh token was issued to another client",
        ));
    }
    let scope = match form.scope.as_deref() {
        Some(requested) => {
            let granted: Vec<&str> = grant.scope.split(' ').collect();
            if !requested.split_whitespace().all(|s| granted.contains(&s)) {
                return Err(OAuthError {
                    status: StatusCode::BAD_REQUEST,
                    error: "invalid_scope",
                    description: "a refresh cannot widen the scope",
                });
            }
            requested.split_whitespace().collect::<Vec<_>>().join(" ")
        }
        None => grant.scope.clone(),
    };
    issue_tokens(identity, &grant, &scope, None, Some(&replacing), now).await
}

async fn issue_tokens(
    identity: &Identity,
    grant: &Grant,
    scope: &str,
    nonce: Option<String>,
    replacing: Option<&str>,
    now: OffsetDateTime,
) -> Result<TokenResponse, OAuthError> {
    let Some(account) = accounts::find(identity.pool(), &grant.account_id)
        .await?
        .filter(|a| a.email_verified)
    else {
        grants::revoke_grant(identity.pool(), &grant.id, now).await?;
        return Err(OAuthError::invalid_grant(
            "the account is no longer available",
        ));
    };
    let config = identity.config();
    let access_lifetime = Duration::minutes(config.policy.access_token_minutes);
    let issued_at = now.unix_timestamp();
    let access = AccessTokenClaims {
        iss: config.issuer_str().to_owned(),
        sub: account.id.clone(),
        aud: config.access_token_audience.clone(),
        exp: (now + access_lifetime).unix_timestamp(),
        iat: issued_at,
        scope: scope.to_owned(),
        client_id: grant.client_id.clone(),
        email: account.email.clone(),
        name: account.full_name(),
        jti: random_token(identity.rng()),
        sid: grant.id.clone(),
    };
    let id_token = IdTokenClaims {
        iss: config.issuer_str().to_owned(),
        sub: account.id.clone(),
        aud: grant.client_id.clone(),
        exp: (now + Duration::hours(1)).unix_timestamp(),
        iat: issued_at,
        auth_time: grant.auth_time,
        nonce,
        azp: grant.client_id.clone(),
    };
    let keys = &identity.inner.keys;
    let access_token =
        tokens::sign(keys, ACCESS_TOKEN_TYPE, &access).map_err(|_| OAuthError::server_error())?;
    let id_token = tokens::sign(keys, "JWT", &id_token).map_err(|_| OAuthError::server_error())?;
    // Staying signed in between uses of the app is what `offline_access` asks for (OpenID
    // Connect Core 11); without it the app signs in again when the access token runs out.
    let refresh_token = if grant.scope.split(' ').any(|s| s == "offline_access") {
        let lifetime = grants::RefreshLifetime {
            unused: Duration::days(config.policy.refresh_token_days),
            after_sign_in: Duration::days(config.policy.refresh_token_absolute_days),
        };
        let token = grants::issue_refresh_token(
            identity.pool(),
            identity.rng(),
            grant,
            replacing,
            now,
            lifetime,
        )
        .await?;
        Some(token)
    } else {
        None
    };
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: access_lifetime.whole_seconds(),
        refresh_token,
        id_token,
        scope: scope.to_owned(),
    })
}

// ---------------------------------------------------------------------------------------------
// UserInfo

async fn userinfo(State(identity): State<Identity>, headers: HeaderMap) -> Response {
    let refuse = |error: &str| {
        let challenge = format!("Bearer error=\"{error}\"");
        let mut response =
            (StatusCode::UNAUTHORIZED, Json(json!({ "error": error }))).into_response();
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response.headers_mut().insert(WWW_AUTHENTICATE, value);
        }
        response
    };
    let Some(token) = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
    else {
        return refuse("invalid_request");
    };
    let Ok(claims) = identity
        .access_token_verifier()
        .verify(token.trim(), identity.now())
    else {
        return refuse("invalid_token");
    };
    let lookup = async {
        let grant = grants::find_grant(identity.pool(), &claims.sid).await?;
        let account = accounts::find(identity.pool(), &claims.sub).await?;
        Ok::<_, sqlx::Error>(grant.zip(account))
    };
    let account = match lookup.await {
        Ok(Some((_, account))) => account,
        Ok(None) => return refuse("invalid_token"),
        Err(error) => {
            tracing::error!(%error, "database error at userinfo");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let mut body = serde_json::Map::new();
    body.insert("sub".into(), json!(account.id));
    if claims.has_scope("profile") {
        body.insert("name".into(), json!(account.full_name()));
        body.insert("given_name".into(), json!(account.given_name));
        body.insert("family_name".into(), json!(account.family_name));
    }
    if claims.has_scope("email") {
        body.insert("email".into(), json!(account.email));
        body.insert("email_verified".into(), json!(account.email_verified));
    }
    if claims.has_scope("address") {
        body.insert(
            "address".into(),
            json!({ "formatted": account.address, "postal_code": account.postcode }),
        );
    }
    (
        [(CACHE_CONTROL, "no-store")],
        Json(serde_json::Value::Object(body)),
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// Revocation (RFC 7009)

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RevokeForm {
    token: Option<String>,
    token_type_hint: Option<String>,
    client_id: Option<String>,
}

async fn revoke(
    State(identity): State<Identity>,
    Form(form): Form<RevokeForm>,
) -> Result<Response, OAuthError> {
    let client_id = form
        .client_id
        .as_deref()
        .ok_or_else(OAuthError::invalid_client)?;
    if identity.config().client(client_id).is_none() {
        return Err(OAuthError::invalid_client());
    }
    let token = form
        .token
        .as_deref()
        .ok_or(OAuthError::invalid_request("token is required"))?;
    let now = identity.now();
    // Either kind is accepted whatever the hint says (RFC 7009 2.1 allows searching both).
    let _ = form.token_type_hint;
    if let Some(grant) = grants::grant_of_refresh_token(identity.pool(), token).await? {
        if grant.client_id == client_id {
            grants::revoke_grant(identity.pool(), &grant.id, now).await?;
        }
    } else if let Ok(claims) = identity.access_token_verifier().verify(token, now) {
        if claims.client_id == client_id {
            grants::revoke_grant(identity.pool(), &claims.sid, now).await?;
        }
    }
    // Unknown and already-revoked tokens also get 200: there is nothing left to revoke.
    Ok(StatusCode::OK.into_response())
}

// ---------------------------------------------------------------------------------------------
// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0)

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LogoutParams {
    id_token_hint: Option<String>,
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
    client_id: Option<String>,
    csrf_token: Option<String>,
}

async fn logout_get(s: State<Identity>, h: HeaderMap, Query(p): Query<LogoutParams>) -> PageResult {
    logout(s, h, p, false).await
}

async fn logout_post(s: State<Identity>, h: HeaderMap, Form(p): Form<LogoutParams>) -> PageResult {
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
