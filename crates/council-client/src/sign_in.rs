//! Signing in to the council's identity service: OpenID Connect authorization code flow with
//! PKCE (S256), state and nonce, through the system browser and a loopback redirect (RFC 8252);
//! silent refresh; sign-out that revokes the tokens (RFC 7009) and ends the provider's session
//! (RP-initiated logout).

use std::borrow::Cow;
use std::future::Future;
use std::str::FromStr;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreClaimName, CoreClaimType, CoreClient,
    CoreClientAuthMethod, CoreErrorResponseType, CoreGenderClaim, CoreGrantType, CoreIdToken,
    CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm,
    CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType, CoreTokenResponse,
};
use openidconnect::{
    AccessToken, AccessTokenHash, AdditionalProviderMetadata, AuthenticationFlow,
    AuthorizationCode, ClaimsVerificationError, ClientId, CsrfToken, DiscoveryError,
    EmptyAdditionalClaims, EndSessionUrl, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    IdTokenClaims, IssuerUrl, LogoutRequest, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadata, RedirectUrl, RefreshToken,
    RequestTokenError, Scope, StandardErrorResponse, SubjectIdentifier, TokenResponse,
    UserInfoClaims,
};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use url::Url;

use crate::http::{CouncilHttp, TransportError};
use crate::loopback::{Callback, Loopback};
use crate::{BrowserOpener, Clock, Distrust, Randomness, Secret, Session, SignInError};

/// How far apart the council's clock and this computer's may be before a token is refused.
pub const DEFAULT_LEEWAY: Duration = Duration::seconds(60);

/// How a sign-in should go.
#[derive(Clone, Debug)]
pub struct SignInOptions {
    /// Always ask for the password, even if the browser is still signed in at the council
    /// (`prompt=login`). Kiosk mode sets this.
    pub force_login: bool,
    /// The longest time since the person last typed their password that is acceptable
    /// (`max_age`); `Some(0)` means "now". Checked against the ID token's `auth_time`.
    pub max_age: Option<std::time::Duration>,
    /// Start at the council's "create an account" page (`prompt=create`).
    pub create_account: bool,
    /// Scopes beyond `openid` (which is always asked for).
    pub scopes: Vec<String>,
    /// How long to wait for the person to finish in the browser.
    pub timeout: std::time::Duration,
}

impl Default for SignInOptions {
    fn default() -> Self {
        Self {
            force_login: false,
            max_age: None,
            create_account: false,
            scopes: ["profile", "email", "offline_access"]
                .map(String::from)
                .to_vec(),
            timeout: std::time::Duration::from_secs(15 * 60),
        }
    }
}

impl SignInOptions {
    /// For shared computers: always ask for the password (`prompt=login`, `max_age=0`).
    pub fn kiosk() -> Self {
        Self {
            force_login: true,
            max_age: Some(std::time::Duration::ZERO),
            ..Self::default()
        }
    }

    /// "Create an account": the council's registration page first (`prompt=create`).
    pub fn create_account() -> Self {
        Self {
            create_account: true,
            ..Self::default()
        }
    }
}

/// The result of signing out.
#[derive(Clone, Debug)]
pub struct SignedOut {
    /// Open this in the browser to end the session at the council's identity service too
    /// (RP-initiated logout), if the service supports it. It names this app (`client_id`)
    /// and carries nothing from the ID token.
    pub end_session_url: Option<Url>,
    /// Whether the council confirmed the tokens are revoked. `false` when the council could not
    /// be reached or does not offer revocation; the tokens then simply expire.
    pub revoked: bool,
}

/// Provider metadata beyond what `openidconnect` reads by default.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
struct ExtraMetadata {
    end_session_endpoint: Option<Url>,
    revocation_endpoint: Option<Url>,
    #[serde(default)]
    authorization_response_iss_parameter_supported: bool,
}

impl AdditionalProviderMetadata for ExtraMetadata {}

type Metadata = ProviderMetadata<
    ExtraMetadata,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

type OidcClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

type Claims = IdTokenClaims<EmptyAdditionalClaims, CoreGenderClaim>;

/// A council's identity service, discovered and ready for signing in.
#[derive(Clone)]
pub struct SignInClient {
    http: CouncilHttp,
    client: OidcClient,
    issuer: IssuerUrl,
    client_id: ClientId,
    end_session: Option<Url>,
    revocation: Option<Url>,
    iss_in_response: bool,
    leeway: Duration,
}

impl std::fmt::Debug for SignInClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInClient")
            .field("issuer", &self.issuer.as_str())
            .field("client_id", &self.client_id.as_str())
            .finish_non_exhaustive()
    }
}

/// The issuer as the provider writes it: `Url` adds a `/` to a bare host, which the
/// provider's metadata usually does not have.
fn issuer_string(issuer: &Url) -> String {
    let text = issuer.as_str();
    if issuer.path() == "/" && issuer.query().is_none() {
        text.trim_end_matches('/').to_string()
    } else {
        text.to_string()
    }
}

/// How far the council's clock is from this computer's, by the `Date` of its answer (zero when
/// it sends none). An ID token's times are the council's: checked against the council's clock,
/// a computer clock a day ahead or behind still signs in and refreshes, while a token that is
/// really stale or from the future (by the council's own clock) is still refused. The `Date`
/// comes over the same TLS connection as the token it judges.
fn council_offset(response: &openidconnect::HttpResponse, local_now: OffsetDateTime) -> Duration {
    (response.headers().get(openidconnect::http::header::DATE))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .map_or(Duration::ZERO, |at| OffsetDateTime::from(at) - local_now)
}

fn to_chrono(t: OffsetDateTime) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(t.unix_timestamp(), t.nanosecond()).unwrap_or_default()
}

fn from_chrono(t: chrono::DateTime<chrono::Utc>) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(t.timestamp()).ok()
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// 256 unpredictable bits, base64url without padding (43 characters: a valid PKCE verifier).
fn random_secret(rng: &dyn Randomness) -> Result<Secret, SignInError> {
    let mut bytes = [0u8; 32];
    rng.fill(&mut bytes)
        .map_err(|_| SignInError::LocalListener)?;
    let secret = Secret::new(URL_SAFE_NO_PAD.encode(bytes));
    zeroize::Zeroize::zeroize(&mut bytes);
    Ok(secret)
}

fn discovery_error(error: DiscoveryError<TransportError>) -> SignInError {
    match error {
        DiscoveryError::Request(_) => SignInError::Unreachable,
        DiscoveryError::Response(status, ..) if status.is_server_error() => {
            SignInError::Unreachable
        }
        _ => SignInError::ProviderInvalid,
    }
}

fn token_error(
    error: RequestTokenError<TransportError, StandardErrorResponse<CoreErrorResponseType>>,
    refreshing: bool,
) -> SignInError {
    match error {
        RequestTokenError::Request(_) => SignInError::Unreachable,
        RequestTokenError::ServerResponse(response) => match response.error() {
            CoreErrorResponseType::InvalidGrant if refreshing => SignInError::SessionEnded,
            other => SignInError::ProviderRefused {
                code: other.as_ref().to_string(),
            },
        },
        RequestTokenError::Parse(..) | RequestTokenError::Other(_) => SignInError::ProviderInvalid,
    }
}

fn claims_error(error: ClaimsVerificationError) -> SignInError {
    SignInError::Untrusted(match error {
        ClaimsVerificationError::Expired(_) => Distrust::Expired,
        ClaimsVerificationError::InvalidAudience(_) => Distrust::Audience,
        ClaimsVerificationError::InvalidAuthTime(_) => Distrust::AuthTime,
        ClaimsVerificationError::InvalidIssuer(_) => Distrust::Issuer,
        ClaimsVerificationError::InvalidNonce(_) => Distrust::Nonce,
        ClaimsVerificationError::InvalidSubject(_) => Distrust::Subject,
        ClaimsVerificationError::SignatureVerification(_) => Distrust::Signature,
        _ => Distrust::Malformed,
    })
}

/// What an ID token must show, beyond issuer, audience, signature and expiry.
struct Expectations<'a> {
    nonce: &'a Secret,
    /// On refresh the provider may leave the nonce out; if present it must still match.
    nonce_required: bool,
    /// The person must have typed their password at or after this time (`auth_time`).
    authenticated_since: Option<OffsetDateTime>,
    /// On refresh, the ID token must name the same person.
    subject: Option<&'a str>,
}

impl SignInClient {
    /// Reads the council's identity service settings (OpenID Connect Discovery) and its
    /// signing keys. `issuer` and `client_id` come from the council profile.
    pub async fn discover(
        http: CouncilHttp,
        issuer: &Url,
        client_id: &str,
    ) -> Result<Self, SignInError> {
        let issuer_url =
            IssuerUrl::new(issuer_string(issuer)).map_err(|_| SignInError::Misconfigured)?;
        let send = |request| http.send(request);
        let metadata = Metadata::discover_async(issuer_url.clone(), &send)
            .await
            .map_err(discovery_error)?;
        if metadata.token_endpoint().is_none() {
            return Err(SignInError::ProviderInvalid);
        }
        let extra = metadata.additional_metadata().clone();
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(client_id.to_string()),
            None,
        );
        Ok(Self {
            http,
            client,
            issuer: issuer_url,
            client_id: ClientId::new(client_id.to_string()),
            end_session: extra.end_session_endpoint,
            revocation: extra.revocation_endpoint,
            iss_in_response: extra.authorization_response_iss_parameter_supported,
            leeway: DEFAULT_LEEWAY,
        })
    }

    /// Discovers the identity service named in a council profile.
    pub async fn for_profile(
        http: CouncilHttp,
        profile: &cfp_core::profile::CouncilProfile,
    ) -> Result<Self, SignInError> {
        Self::discover(http, &profile.issuer_url, &profile.client_id).await
    }

    /// Changes the clock leeway (default [`DEFAULT_LEEWAY`]).
    pub fn with_leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    pub fn issuer(&self) -> &str {
        self.issuer.as_str()
    }

    /// Whether signing out can also end the session at the identity service.
    pub fn supports_end_session(&self) -> bool {
        self.end_session.is_some()
    }

    /// Signs in: opens the browser at the council's sign-in page and waits for the person to
    /// finish there, for the options' timeout or until `cancel` completes.
    pub async fn sign_in(
        &self,
        options: &SignInOptions,
        browser: &dyn BrowserOpener,
        rng: &dyn Randomness,
        clock: &dyn Clock,
        cancel: impl Future<Output = ()>,
    ) -> Result<Session, SignInError> {
        let pending = self.begin(options, rng, clock.now()).await?;
        browser
            .open(pending.authorization_url())
            .map_err(|_| SignInError::BrowserNotOpened)?;
        pending.finish(clock, cancel).await
    }

    /// The first half of [`sign_in`](Self::sign_in): starts the loopback listener and builds
    /// the authorization URL, so the app can also show the link if the browser did not open.
    pub async fn begin(
        &self,
        options: &SignInOptions,
        rng: &dyn Randomness,
        now: OffsetDateTime,
    ) -> Result<PendingSignIn<'_>, SignInError> {
        let loopback = Loopback::bind().await?;
        let state = random_secret(rng)?;
        let nonce = random_secret(rng)?;
        let verifier = random_secret(rng)?;
        let challenge = PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(
            verifier.expose().to_string(),
        ));
        let redirect = RedirectUrl::from_url(loopback.redirect_uri().clone());
        let state_value = state.expose().to_string();
        let nonce_value = nonce.expose().to_string();
        let mut request = self
            .client
            .authorize_url(
                AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
                move || CsrfToken::new(state_value),
                move || Nonce::new(nonce_value),
            )
            .set_pkce_challenge(challenge)
            .set_redirect_uri(Cow::Owned(redirect));
        for scope in &options.scopes {
            if scope != "openid" {
                request = request.add_scope(Scope::new(scope.clone()));
            }
        }
        if options.force_login {
            request = request.add_prompt(CoreAuthPrompt::Login);
        }
        if options.create_account {
            request = request.add_prompt(CoreAuthPrompt::Extension("create".into()));
        }
        if let Some(max_age) = options.max_age {
            request = request.set_max_age(max_age);
        }
        let (authorization_url, _, _) = request.url();
        let authenticated_since = options.max_age.map(|max_age| {
            Duration::try_from(max_age)
                .ok()
                .and_then(|max_age| now.checked_sub(max_age))
                .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        });
        Ok(PendingSignIn {
            client: self,
            loopback,
            authorization_url,
            state,
            nonce,
            verifier,
            authenticated_since,
            timeout: options.timeout,
        })
    }

    /// Checks a raw ID token as sign-in does (signature through the provider's keys, issuer,
    /// audience, nonce, expiry and issue time with the leeway) and returns its subject.
    pub fn check_id_token(
        &self,
        raw: &str,
        expected_nonce: &str,
        now: OffsetDateTime,
    ) -> Result<String, SignInError> {
        let token =
            CoreIdToken::from_str(raw).map_err(|_| SignInError::Untrusted(Distrust::Malformed))?;
        let nonce = Secret::new(expected_nonce.to_string());
        let claims = self.verify(
            &token,
            None,
            &Expectations {
                nonce: &nonce,
                nonce_required: true,
                authenticated_since: None,
                subject: None,
            },
            now,
        )?;
        Ok(claims.subject().as_str().to_string())
    }

    /// Sends a token request and notes how far the council's clock is from ours.
    async fn send_noting_offset(
        &self,
        request: openidconnect::HttpRequest,
        clock: &dyn Clock,
        offset: &std::sync::Mutex<Duration>,
    ) -> Result<openidconnect::HttpResponse, TransportError> {
        let response = self.http.send(request).await?;
        *offset.lock().unwrap_or_else(|e| e.into_inner()) = council_offset(&response, clock.now());
        Ok(response)
    }

    fn verify(
        &self,
        token: &CoreIdToken,
        access_token: Option<&AccessToken>,
        expect: &Expectations<'_>,
        now: OffsetDateTime,
    ) -> Result<Claims, SignInError> {
        let leeway = chrono::Duration::seconds(self.leeway.whole_seconds());
        let now = to_chrono(now);
        let since = expect.authenticated_since.map(to_chrono);
        let verifier = self
            .client
            .id_token_verifier()
            // Expired means: expiry is before now, less the leeway.
            .set_time_fn(move || now - leeway)
            .set_issue_time_verifier_fn(move |issued| {
                if issued > now + leeway {
                    Err("issued in the future".into())
                } else {
                    Ok(())
                }
            })
            .set_auth_time_verifier_fn(move |auth_time| match (since, auth_time) {
                (None, _) => Ok(()),
                (Some(since), Some(at)) if at >= since - leeway => Ok(()),
                _ => Err("not authenticated recently enough".into()),
            });
        let expected = expect.nonce.expose();
        let required = expect.nonce_required;
        let nonce_check = move |nonce: Option<&Nonce>| match nonce {
            Some(n) if constant_time_eq(n.secret(), expected) => Ok(()),
            None if !required => Ok(()),
            _ => Err("nonce".to_string()),
        };
        let claims = token.claims(&verifier, nonce_check).map_err(claims_error)?;
        if let Some(subject) = expect.subject {
            if claims.subject().as_str() != subject {
                return Err(SignInError::Untrusted(Distrust::Subject));
            }
        }
        if let (Some(expected_hash), Some(access_token)) =
            (claims.access_token_hash(), access_token)
        {
            let alg = token
                .signing_alg()
                .map_err(|_| SignInError::Untrusted(Distrust::Signature))?;
            let key = token
                .signing_key(&verifier)
                .map_err(|_| SignInError::Untrusted(Distrust::Signature))?;
            let actual = AccessTokenHash::from_token(access_token, alg, key)
                .map_err(|_| SignInError::Untrusted(Distrust::AccessTokenHash))?;
            if actual != *expected_hash {
                return Err(SignInError::Untrusted(Distrust::AccessTokenHash));
            }
        }
        Ok(claims.clone())
    }

    /// `offset`: how far the council's clock is from `now` (see [`council_offset`]).
    fn new_session(
        &self,
        response: &CoreTokenResponse,
        nonce: Secret,
        authenticated_since: Option<OffsetDateTime>,
        now: OffsetDateTime,
        offset: Duration,
    ) -> Result<Session, SignInError> {
        let id_token = response
            .id_token()
            .ok_or(SignInError::Untrusted(Distrust::Malformed))?;
        let claims = self.verify(
            id_token,
            Some(response.access_token()),
            &Expectations {
                nonce: &nonce,
                nonce_required: true,
                authenticated_since: authenticated_since.map(|since| since + offset),
                subject: None,
            },
            now + offset,
        )?;
        Ok(Session {
            issuer: self.issuer.as_str().to_string(),
            client_id: self.client_id.as_str().to_string(),
            subject: claims.subject().as_str().to_string(),
            name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.as_str().to_string()),
            email: claims.email().map(|e| e.as_str().to_string()),
            access_token: Secret::new(response.access_token().secret().clone()),
            access_token_expires_at: response.expires_in().map(|d| now + d),
            refresh_token: response
                .refresh_token()
                .map(|t| Secret::new(t.secret().clone())),
            id_token: Some(Secret::new(id_token.to_string())),
            nonce,
            authenticated_at: claims.auth_time().and_then(from_chrono),
        })
    }

    /// Checks the browser's answer, exchanges the code and verifies the ID token.
    async fn complete(
        &self,
        callback: Callback,
        redirect: RedirectUrl,
        nonce: Secret,
        verifier: Secret,
        authenticated_since: Option<OffsetDateTime>,
        clock: &dyn Clock,
    ) -> Result<Session, SignInError> {
        let (code, iss) = match callback {
            Callback::Code { code, iss } => (code, iss),
            Callback::Error { code } if code == "access_denied" => {
                return Err(SignInError::NotCompleted)
            }
            Callback::Error { code } => return Err(SignInError::ProviderRefused { code }),
        };
        // RFC 9207: the answer must come from the identity service we asked.
        match iss {
            Some(iss) if iss != self.issuer.as_str() => {
                return Err(SignInError::Untrusted(Distrust::Issuer))
            }
            None if self.iss_in_response => return Err(SignInError::Untrusted(Distrust::Issuer)),
            _ => {}
        }
        let offset = std::sync::Mutex::new(Duration::ZERO);
        let send = |request| self.send_noting_offset(request, clock, &offset);
        let response = self
            .client
            .exchange_code(AuthorizationCode::new(code.expose().to_string()))
            .map_err(|_| SignInError::Misconfigured)?
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.expose().to_string()))
            .set_redirect_uri(Cow::Owned(redirect))
            .request_async(&send)
            .await
            .map_err(|e| token_error(e, false))?;
        let offset = *offset.lock().unwrap_or_else(|e| e.into_inner());
        let mut session =
            self.new_session(&response, nonce, authenticated_since, clock.now(), offset)?;
        self.add_profile(&mut session).await;
        Ok(session)
    }

    /// Many providers put the person's name and email only in the userinfo answer, not in the
    /// ID token. Ask for them (the answer must name the same person); sign-in does not depend
    /// on it.
    async fn add_profile(&self, session: &mut Session) {
        if session.name.is_some() && session.email.is_some() {
            return;
        }
        let Ok(request) = self.client.user_info(
            AccessToken::new(session.access_token.expose().to_string()),
            Some(SubjectIdentifier::new(session.subject.clone())),
        ) else {
            return;
        };
        let send = |request| self.http.send(request);
        let claims: Result<UserInfoClaims<EmptyAdditionalClaims, CoreGenderClaim>, _> =
            request.request_async(&send).await;
        if let Ok(claims) = claims {
            if session.name.is_none() {
                session.name = claims
                    .name()
                    .and_then(|n| n.get(None))
                    .map(|n| n.as_str().to_string());
            }
            if session.email.is_none() {
                session.email = claims.email().map(|e| e.as_str().to_string());
            }
        }
    }

    fn check_session(&self, session: &Session) -> Result<(), SignInError> {
        if session.issuer != self.issuer.as_str() || session.client_id != self.client_id.as_str() {
            return Err(SignInError::SessionEnded);
        }
        Ok(())
    }

    /// Renews the access token with the refresh token, without the person noticing.
    /// Fails with [`SignInError::SessionEnded`] when the council no longer accepts the session.
    pub async fn refresh(
        &self,
        session: &mut Session,
        now: OffsetDateTime,
    ) -> Result<(), SignInError> {
        self.check_session(session)?;
        let refresh_token = RefreshToken::new(
            session
                .refresh_token
                .as_ref()
                .ok_or(SignInError::SessionEnded)?
                .expose()
                .to_string(),
        );
        let offset = std::sync::Mutex::new(Duration::ZERO);
        let fixed = move || now;
        let send = |request| self.send_noting_offset(request, &fixed, &offset);
        let response = self
            .client
            .exchange_refresh_token(&refresh_token)
            .map_err(|_| SignInError::Misconfigured)?
            .request_async(&send)
            .await
            .map_err(|e| token_error(e, true))?;
        let offset = *offset.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(id_token) = response.id_token() {
            let claims = self.verify(
                id_token,
                Some(response.access_token()),
                &Expectations {
                    nonce: &session.nonce,
                    nonce_required: false,
                    authenticated_since: None,
                    subject: Some(&session.subject),
                },
                now + offset,
            )?;
            if let Some(name) = claims.name().and_then(|n| n.get(None)) {
                session.name = Some(name.as_str().to_string());
            }
            if let Some(email) = claims.email() {
                session.email = Some(email.as_str().to_string());
            }
            session.id_token = Some(Secret::new(id_token.to_string()));
        }
        session.access_token = Secret::new(response.access_token().secret().clone());
        session.access_token_expires_at = response.expires_in().map(|d| now + d);
        if let Some(rotated) = response.refresh_token() {
            session.refresh_token = Some(Secret::new(rotated.secret().clone()));
        }
        Ok(())
    }

    /// Refreshes when the access token has run out or is about to ([`crate::REFRESH_MARGIN`]).
    /// Returns whether it refreshed.
    pub async fn refresh_if_needed(
        &self,
        session: &mut Session,
        now: OffsetDateTime,
    ) -> Result<bool, SignInError> {
        if !session.needs_refresh(now) {
            return Ok(false);
        }
        self.refresh(session, now).await?;
        Ok(true)
    }

    /// Signs out: revokes the refresh and access tokens (RFC 7009) and returns the URL that
    /// ends the session at the identity service, for the browser. Never fails: the app forgets
    /// the session whatever the council answers. `post_logout_redirect` must be registered
    /// with the council if given.
    pub async fn sign_out(
        &self,
        session: Session,
        post_logout_redirect: Option<&Url>,
    ) -> SignedOut {
        let revoked = self.check_session(&session).is_ok() && self.revoke(&session).await;
        let end_session_url = self.end_session_url(post_logout_redirect);
        SignedOut {
            end_session_url,
            revoked,
        }
    }

    /// The address that ends the person's session at the identity service in the browser
    /// (RP-initiated logout), if the service offers one. It needs no session: a kiosk opens it
    /// at start-up after a crash, when the tokens died with the process.
    ///
    /// No `id_token_hint`: the address goes to the system browser, whose history would keep
    /// the ID token (the person's name and email) on a shared computer. `client_id` (and a
    /// registered post-logout address) are what OpenID Connect RP-Initiated Logout 1.0 offers
    /// instead; the identity service may then ask the person to confirm.
    pub fn end_session_url(&self, post_logout_redirect: Option<&Url>) -> Option<Url> {
        self.end_session.as_ref().map(|endpoint| {
            let mut request = LogoutRequest::from(EndSessionUrl::from_url(endpoint.clone()))
                .set_client_id(self.client_id.clone());
            if let Some(uri) = post_logout_redirect {
                request = request
                    .set_post_logout_redirect_uri(PostLogoutRedirectUrl::from_url(uri.clone()));
            }
            request.http_get_url()
        })
    }

    /// RFC 7009 revocation, done here rather than through `oauth2` because that refuses a
    /// plain-http endpoint even on this computer (the demo service and the tests run on
    /// 127.0.0.1; council profiles allow http only there).
    async fn revoke(&self, session: &Session) -> bool {
        let Some(url) = &self.revocation else {
            return false;
        };
        let mut tokens = Vec::new();
        if let Some(refresh) = &session.refresh_token {
            tokens.push((refresh, "refresh_token"));
        }
        tokens.push((&session.access_token, "access_token"));
        let mut all = true;
        for (token, hint) in tokens {
            let response = self
                .http
                .reqwest()
                .post(url.clone())
                .form(&[
                    ("token", token.expose()),
                    ("token_type_hint", hint),
                    ("client_id", self.client_id.as_str()),
                ])
                .send()
                .await;
            all &= matches!(response, Ok(r) if r.status().is_success());
        }
        all
    }
}

/// A sign-in waiting for the person to finish in the browser.
pub struct PendingSignIn<'a> {
    client: &'a SignInClient,
    loopback: Loopback,
    authorization_url: Url,
    state: Secret,
    nonce: Secret,
    verifier: Secret,
    authenticated_since: Option<OffsetDateTime>,
    timeout: std::time::Duration,
}

impl std::fmt::Debug for PendingSignIn<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingSignIn")
            .field("redirect_uri", &self.loopback.redirect_uri().as_str())
            .finish_non_exhaustive()
    }
}

impl PendingSignIn<'_> {
    /// The council's sign-in page for this attempt. It carries the state, nonce and PKCE
    /// challenge: open it in the browser, never log it.
    pub fn authorization_url(&self) -> &Url {
        &self.authorization_url
    }

    /// Where the browser will come back to (`http://127.0.0.1:PORT/callback`).
    pub fn redirect_uri(&self) -> &Url {
        self.loopback.redirect_uri()
    }

    /// Waits for the browser to come back, then exchanges the code and checks the ID token.
    pub async fn finish(
        self,
        clock: &dyn Clock,
        cancel: impl Future<Output = ()>,
    ) -> Result<Session, SignInError> {
        let PendingSignIn {
            client,
            loopback,
            state,
            nonce,
            verifier,
            authenticated_since,
            timeout,
            ..
        } = self;
        let (callback, mut browser) = tokio::select! {
            outcome = tokio::time::timeout(timeout, loopback.wait(&state)) => {
                outcome.map_err(|_| SignInError::TimedOut)?
            }
            () = cancel => return Err(SignInError::Cancelled),
        };
        let redirect = RedirectUrl::from_url(loopback.redirect_uri().clone());
        drop(loopback);
        let result = client
            .complete(
                callback,
                redirect,
                nonce,
                verifier,
                authenticated_since,
                clock,
            )
            .await;
        crate::loopback::answer(&mut browser, result.is_ok()).await;
        result
    }
}
