//! Sign-in against an independent, certified OpenID Connect provider (npm `oidc-provider`
//! 9.13.3), with the browser's part played by an HTTP client.

mod support;

use std::time::Duration as StdDuration;

use cfp_council_client::{
    CouncilHttp, Distrust, HttpTimeouts, OsRandomness, SignInClient, SignInError, SignInOptions,
    SystemClock,
};
use support::{
    channel_browser, is_loopback_callback, jwt_claims, jwt_with_claims, AtLogin, OidcProvider,
    TestBrowser, CLIENT_ID, LOGIN, NAME, PASSWORD, SUBJECT,
};
use time::{Duration, OffsetDateTime};
use url::Url;

fn http() -> CouncilHttp {
    CouncilHttp::new(HttpTimeouts::default()).unwrap()
}

async fn discover(provider: &OidcProvider) -> SignInClient {
    SignInClient::discover(http(), &provider.issuer, CLIENT_ID)
        .await
        .expect("discovery against oidc-provider")
}

/// Signs in with `options`, the test browser doing `at_login` at the provider's page.
async fn sign_in(
    client: &SignInClient,
    browser: &TestBrowser,
    options: &SignInOptions,
    at_login: AtLogin,
) -> (
    Result<cfp_council_client::Session, SignInError>,
    support::Visit,
) {
    let (opener, mut urls) = channel_browser();
    let signing_in = client.sign_in(
        options,
        &opener,
        &OsRandomness,
        &SystemClock,
        std::future::pending(),
    );
    let browsing = async {
        let url = urls.recv().await.expect("the app opened the browser");
        browser.visit(url, at_login).await
    };
    tokio::join!(signing_in, browsing)
}

/// Asks the provider's userinfo endpoint who the access token belongs to.
async fn userinfo(provider: &OidcProvider, access_token: &str) -> (u16, serde_json::Value) {
    let response = reqwest::Client::new()
        .get(provider.endpoint("/me"))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(serde_json::Value::Null);
    (status, body)
}

#[tokio::test]
async fn full_flow_sign_in_refresh_revoke_and_end_the_provider_session() {
    let provider = OidcProvider::start().await;
    let client = discover(&provider).await;
    assert!(client.supports_end_session());
    let browser = TestBrowser::new();
    let before = OffsetDateTime::now_utc();

    // Sign in: the person types their password at the provider.
    let (session, visit) = sign_in(
        &client,
        &browser,
        &SignInOptions::default(),
        AtLogin::SignIn,
    )
    .await;
    let mut session = session.expect("signed in");
    assert!(visit.saw_login_form, "the provider asked for the password");
    assert!(
        is_loopback_callback(&visit, &provider),
        "the browser came back to the app: {}",
        visit.final_url.path()
    );
    assert_eq!(visit.status, 200);
    assert!(visit.content_type.starts_with("text/html"));
    assert!(visit.body.contains("<html lang=\"en-GB\">"));
    assert!(visit.body.contains("<h1>You have signed in</h1>"));
    assert!(visit
        .body
        .contains("Go back to the Client Finance Portal app"));
    for external in ["<script", "src=", "href=", "url(", "@import"] {
        assert!(
            !visit.body.contains(external),
            "the page loads nothing: {external}"
        );
    }
    assert_eq!(visit.headers["cache-control"], "no-store");
    assert_eq!(visit.headers["referrer-policy"], "no-referrer");

    assert_eq!(session.subject(), SUBJECT);
    assert_eq!(session.name(), Some(NAME));
    assert_eq!(session.email(), Some(LOGIN));
    assert_eq!(
        session.issuer(),
        provider.issuer.as_str().trim_end_matches('/')
    );
    assert!(session.can_refresh(), "a refresh token was issued");
    let expires = session.access_token_expires_at().expect("expiry known");
    assert!(expires > before + Duration::seconds(500) && expires < before + Duration::seconds(700));

    // The access token is real: the provider says whose it is.
    let (status, me) = userinfo(&provider, session.access_token().expose()).await;
    assert_eq!(status, 200);
    assert_eq!(me["sub"], SUBJECT);

    // Nothing secret or personal in Debug output.
    let debug = format!("{session:?}");
    for secret in [
        session.access_token().expose(),
        session.refresh_token().unwrap().expose(),
        session.id_token().unwrap().expose(),
        NAME,
        LOGIN,
        SUBJECT,
    ] {
        assert!(
            !debug.contains(secret),
            "Debug shows nothing secret: {debug}"
        );
    }

    // The provider now has a session: signing in again needs no password...
    let (again, visit) = sign_in(
        &client,
        &browser,
        &SignInOptions::default(),
        AtLogin::Unexpected,
    )
    .await;
    assert!(!visit.saw_login_form);
    assert_eq!(again.expect("single sign-on").subject(), SUBJECT);

    // ...but the kiosk options (prompt=login, max_age=0) always ask for the password again.
    let kiosk_started = OffsetDateTime::now_utc();
    let (kiosk, visit) = sign_in(&client, &browser, &SignInOptions::kiosk(), AtLogin::SignIn).await;
    assert!(
        visit.saw_login_form,
        "kiosk sign-in asked for the password despite the session"
    );
    let kiosk = kiosk.expect("kiosk sign-in");
    let authenticated = kiosk.authenticated_at().expect("auth_time with max_age");
    assert!(authenticated >= kiosk_started - Duration::seconds(1));

    // Silent refresh: nothing to do while the token is fresh...
    let now = OffsetDateTime::now_utc();
    let old_access = session.access_token().expose().to_string();
    let old_refresh = session.refresh_token().unwrap().expose().to_string();
    assert!(!client.refresh_if_needed(&mut session, now).await.unwrap());
    assert_eq!(session.access_token().expose(), old_access);
    // ...and a new token when it is about to run out.
    let later = now + Duration::seconds(560);
    assert!(session.needs_refresh(later));
    assert!(client.refresh_if_needed(&mut session, later).await.unwrap());
    assert_ne!(session.access_token().expose(), old_access);
    assert_ne!(
        session.refresh_token().unwrap().expose(),
        old_refresh,
        "refresh token rotated"
    );
    assert_eq!(session.subject(), SUBJECT);
    let (status, _) = userinfo(&provider, session.access_token().expose()).await;
    assert_eq!(status, 200, "the refreshed access token works");

    // Sign out: the tokens are revoked and the provider session is ended in the browser.
    let kept = session.clone();
    let signed_out = client.sign_out(session, None).await;
    assert!(signed_out.revoked, "the provider confirmed revocation");
    let (status, _) = userinfo(&provider, kept.access_token().expose()).await;
    assert_eq!(status, 401, "the revoked access token no longer works");
    let mut stale = kept.clone();
    let refused = client.refresh(&mut stale, OffsetDateTime::now_utc()).await;
    assert!(
        matches!(refused, Err(SignInError::SessionEnded)),
        "{refused:?}"
    );
    assert_eq!(
        refused.unwrap_err().to_string(),
        "Your sign-in has ended. Please sign in again."
    );

    let end_session = signed_out.end_session_url.expect("RP-initiated logout URL");
    assert_eq!(end_session.path(), "/session/end");
    let params: Vec<(String, String)> = end_session.query_pairs().into_owned().collect();
    assert!(params.contains(&("client_id".into(), CLIENT_ID.into())));
    // Nothing from the ID token (name, email) goes into the browser's history.
    assert!(
        !params.iter().any(|(k, _)| k == "id_token_hint"),
        "{params:?}"
    );
    let id_token = kept.id_token().unwrap().expose();
    assert!(!end_session.as_str().contains(id_token));
    let done = browser.end_session(end_session).await;
    assert_eq!(done.status, 200);
    let (_, visit) = sign_in(
        &client,
        &browser,
        &SignInOptions::default(),
        AtLogin::SignIn,
    )
    .await;
    assert!(
        visit.saw_login_form,
        "after sign-out the provider asks for the password again"
    );
}

#[tokio::test]
async fn forged_callbacks_are_refused_and_the_real_one_still_completes() {
    let provider = OidcProvider::start().await;
    let client = discover(&provider).await;
    let browser = TestBrowser::new();
    let pending = client
        .begin(
            &SignInOptions::default(),
            &OsRandomness,
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    let authorization_url = pending.authorization_url().clone();
    let redirect = pending.redirect_uri().clone();
    assert_eq!(redirect.host_str(), Some("127.0.0.1"));
    assert_ne!(redirect.port(), None);

    let query: Vec<(String, String)> = authorization_url.query_pairs().into_owned().collect();
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(param("response_type").as_deref(), Some("code"));
    assert_eq!(param("code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(param("redirect_uri").as_deref(), Some(redirect.as_str()));
    assert_eq!(param("client_id").as_deref(), Some(CLIENT_ID));
    assert!(param("scope").unwrap().split(' ').any(|s| s == "openid"));
    let state = param("state").unwrap();
    assert!(state.len() >= 43 && param("nonce").unwrap().len() >= 43);
    assert_eq!(param("prompt"), None);

    let finishing = pending.finish(&SystemClock, std::future::pending());
    let attacking = async {
        let mut wrong_state = redirect.clone();
        wrong_state.set_query(Some("code=forged&state=not-the-state"));
        let (status, body) = browser.get(wrong_state).await;
        assert_eq!(status, 400);
        assert!(body.contains("This page did not come from your sign-in"));
        let mut no_state = redirect.clone();
        no_state.set_query(Some("code=forged"));
        assert_eq!(browser.get(no_state).await.0, 400);
        let mut error_without_state = redirect.clone();
        error_without_state.set_query(Some("error=access_denied"));
        assert_eq!(browser.get(error_without_state).await.0, 400);
        let mut other_path = redirect.clone();
        other_path.set_path("/favicon.ico");
        assert_eq!(browser.get(other_path).await.0, 404);
        // The genuine browser still completes the sign-in.
        browser.visit(authorization_url, AtLogin::SignIn).await
    };
    let (session, visit) = tokio::join!(finishing, attacking);
    assert!(is_loopback_callback(&visit, &provider));
    assert_eq!(
        session.expect("the real sign-in completed").subject(),
        SUBJECT
    );
}

#[tokio::test]
async fn the_authorization_request_carries_the_chosen_prompts() {
    let provider = OidcProvider::start().await;
    let client = discover(&provider).await;
    let now = OffsetDateTime::now_utc();
    let params = |url: &Url| -> Vec<(String, String)> { url.query_pairs().into_owned().collect() };

    let kiosk = client
        .begin(&SignInOptions::kiosk(), &OsRandomness, now)
        .await
        .unwrap();
    let query = params(kiosk.authorization_url());
    assert!(query.contains(&("prompt".into(), "login".into())));
    assert!(query.contains(&("max_age".into(), "0".into())));

    let create = client
        .begin(&SignInOptions::create_account(), &OsRandomness, now)
        .await
        .unwrap();
    let query = params(create.authorization_url());
    assert!(query.contains(&("prompt".into(), "create".into())));
    assert!(!query.iter().any(|(k, _)| k == "max_age"));

    // Every attempt has its own state, nonce, challenge and port.
    let a = params(kiosk.authorization_url());
    for name in ["state", "nonce", "code_challenge", "redirect_uri"] {
        let value =
            |q: &Vec<(String, String)>| q.iter().find(|(k, _)| k == name).unwrap().1.clone();
        assert_ne!(value(&a), value(&query), "{name} differs between attempts");
    }
}

#[tokio::test]
async fn cancelling_at_the_provider_is_reported_plainly() {
    let provider = OidcProvider::start().await;
    let client = discover(&provider).await;
    let browser = TestBrowser::new();
    let (result, visit) = sign_in(
        &client,
        &browser,
        &SignInOptions::default(),
        AtLogin::Cancel,
    )
    .await;
    assert!(is_loopback_callback(&visit, &provider));
    assert!(visit.body.contains("Sign-in was not finished"));
    let error = result.unwrap_err();
    assert!(matches!(error, SignInError::NotCompleted), "{error:?}");
    assert_eq!(
        error.to_string(),
        "Sign-in was not finished on the council's website. You can try again when you are ready."
    );
}

#[tokio::test]
async fn an_unreachable_provider_is_a_plain_error() {
    // A port that nothing listens on.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let issuer = Url::parse(&format!("http://127.0.0.1:{port}")).unwrap();
    let error = SignInClient::discover(http(), &issuer, CLIENT_ID)
        .await
        .unwrap_err();
    assert!(matches!(error, SignInError::Unreachable), "{error:?}");
    assert!(error.is_offline());
    assert_eq!(
        error.to_string(),
        "The council's sign-in service did not answer. Check your internet connection and try again."
    );

    // A provider that went away after discovery: refresh and sign-out say so, plainly.
    let provider = OidcProvider::start().await;
    let client = discover(&provider).await;
    let browser = TestBrowser::new();
    let (session, _) = sign_in(
        &client,
        &browser,
        &SignInOptions::default(),
        AtLogin::SignIn,
    )
    .await;
    let mut session = session.unwrap();
    drop(provider);
    tokio::time::sleep(StdDuration::from_millis(200)).await;
    let error = client
        .refresh(&mut session, OffsetDateTime::now_utc())
        .await
        .unwrap_err();
    assert!(matches!(error, SignInError::Unreachable), "{error:?}");
    let signed_out = client.sign_out(session, None).await;
    assert!(!signed_out.revoked, "revocation could not be confirmed");
    assert!(signed_out.end_session_url.is_some());
}

#[tokio::test]
async fn sign_in_times_out_or_is_cancelled_and_stops_listening() {
    let provider = OidcProvider::start().await;
    let client = discover(&provider).await;

    let options = SignInOptions {
        timeout: StdDuration::from_millis(300),
        ..SignInOptions::default()
    };
    let pending = client
        .begin(&options, &OsRandomness, OffsetDateTime::now_utc())
        .await
        .unwrap();
    let redirect = pending.redirect_uri().clone();
    let error = pending
        .finish(&SystemClock, std::future::pending())
        .await
        .unwrap_err();
    assert!(matches!(error, SignInError::TimedOut), "{error:?}");
    assert_eq!(
        error.to_string(),
        "Sign-in took too long, so it was stopped. Please try again."
    );
    let port = redirect.port().unwrap();
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err(),
        "the loopback listener is closed"
    );

    let pending = client
        .begin(
            &SignInOptions::default(),
            &OsRandomness,
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    let (cancel, cancelled) = tokio::sync::oneshot::channel::<()>();
    let finishing = pending.finish(&SystemClock, async {
        let _ = cancelled.await;
    });
    let (result, ()) = tokio::join!(finishing, async {
        tokio::time::sleep(StdDuration::from_millis(100)).await;
        cancel.send(()).unwrap();
    });
    let error = result.unwrap_err();
    assert!(matches!(error, SignInError::Cancelled), "{error:?}");
    assert_eq!(error.to_string(), "Sign-in was cancelled.");

    // A browser that cannot be opened is reported, not waited for.
    let no_browser = |_: &Url| Err(cfp_council_client::BrowserError);
    let error = client
        .sign_in(
            &SignInOptions::default(),
            &no_browser,
            &OsRandomness,
            &SystemClock,
            std::future::pending(),
        )
        .await
        .unwrap_err();
    assert!(matches!(error, SignInError::BrowserNotOpened), "{error:?}");
}

#[tokio::test]
async fn id_tokens_that_fail_any_check_are_refused() {
    let provider = OidcProvider::start().await;
    let client = discover(&provider).await;
    let browser = TestBrowser::new();
    let (session, _) = sign_in(
        &client,
        &browser,
        &SignInOptions::default(),
        AtLogin::SignIn,
    )
    .await;
    let session = session.unwrap();
    let raw = session.id_token().unwrap().expose().to_string();
    let claims = jwt_claims(&raw);
    let nonce = claims["nonce"].as_str().unwrap().to_string();
    let exp = OffsetDateTime::from_unix_timestamp(claims["exp"].as_i64().unwrap()).unwrap();
    let iat = OffsetDateTime::from_unix_timestamp(claims["iat"].as_i64().unwrap()).unwrap();
    let now = OffsetDateTime::now_utc();

    // The genuine token passes.
    assert_eq!(client.check_id_token(&raw, &nonce, now).unwrap(), SUBJECT);

    let untrusted = |result: Result<String, SignInError>| match result {
        Err(SignInError::Untrusted(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    };
    // Wrong nonce: not the answer to this sign-in.
    assert_eq!(
        untrusted(client.check_id_token(&raw, "another-nonce", now)),
        Distrust::Nonce
    );
    // Claims changed after signing: the signature no longer matches.
    let mut forged = claims.clone();
    forged["sub"] = "someone-else".into();
    assert_eq!(
        untrusted(client.check_id_token(&jwt_with_claims(&raw, &forged), &nonce, now)),
        Distrust::Signature
    );
    // A damaged signature.
    let damaged_sig = {
        let (head, sig) = raw.rsplit_once('.').unwrap();
        let mut sig = sig.to_string();
        sig.replace_range(
            0..4,
            if sig.starts_with("AAAA") {
                "BBBB"
            } else {
                "AAAA"
            },
        );
        format!("{head}.{sig}")
    };
    assert_eq!(
        untrusted(client.check_id_token(&damaged_sig, &nonce, now)),
        Distrust::Signature
    );
    // No signature at all (alg "none").
    let unsigned = {
        use base64::Engine;
        let header = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#);
        let payload = raw.split('.').nth(1).unwrap();
        format!("{header}.{payload}.")
    };
    assert!(matches!(
        client.check_id_token(&unsigned, &nonce, now),
        Err(SignInError::Untrusted(
            Distrust::Signature | Distrust::Malformed
        ))
    ));
    // Expired: accepted within the leeway, refused beyond it.
    assert!(client
        .check_id_token(&raw, &nonce, exp + Duration::seconds(30))
        .is_ok());
    assert_eq!(
        untrusted(client.check_id_token(&raw, &nonce, exp + Duration::seconds(61))),
        Distrust::Expired
    );
    // Issued in the future (beyond the leeway).
    assert_eq!(
        untrusted(client.check_id_token(&raw, &nonce, iat - Duration::minutes(5))),
        Distrust::Expired
    );
    // Issued to another app.
    let other_app = SignInClient::discover(http(), &provider.issuer, "another-app")
        .await
        .unwrap();
    assert_eq!(
        untrusted(other_app.check_id_token(&raw, &nonce, now)),
        Distrust::Audience
    );
    // Not a JWT.
    assert_eq!(
        untrusted(client.check_id_token("not.a.token", &nonce, now)),
        Distrust::Malformed
    );

    // The refusal says nothing about the token.
    let error = client
        .check_id_token(&damaged_sig, &nonce, now)
        .unwrap_err();
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains(&nonce) && !shown.contains(raw.split('.').nth(1).unwrap()));
        assert!(!shown.contains(PASSWORD));
    }
}

#[tokio::test]
async fn a_council_profile_is_all_it_takes() {
    let provider = OidcProvider::start().await;
    let profile = cfp_core::CouncilProfile::from_toml(
        &format!(
            r#"
council_name = "Test Council"
issuer_url = "{}"
api_url = "http://127.0.0.1:9/api/"
client_id = "{CLIENT_ID}"
contact_email = "finance@example.test"
contact_phone = "01234 567890"
help_text = "Call us."
"#,
            provider.issuer.as_str().trim_end_matches('/')
        ),
        "test profile",
    )
    .unwrap();
    let client = SignInClient::for_profile(http(), &profile).await.unwrap();
    assert_eq!(
        client.issuer(),
        provider.issuer.as_str().trim_end_matches('/')
    );
    let browser = TestBrowser::new();
    let (session, _) = sign_in(
        &client,
        &browser,
        &SignInOptions::default(),
        AtLogin::SignIn,
    )
    .await;
    assert_eq!(session.unwrap().subject(), SUBJECT);
}
