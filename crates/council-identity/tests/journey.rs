//! The whole journey over real HTTP, with real SMTP, and `openidconnect` as an independent app:
//! create an account, confirm the email (with a resent code), sign in with code + PKCE, verify
//! the ID token against JWKS, call userinfo, refresh, revoke, and log out.

mod support;

use std::time::Duration;

use council_identity::{AccessTokenVerifier, Jwks};
use council_kit::clock::Clock;
use openidconnect::core::{
    CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AuthorizationCode, ClientId, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};
use reqwest::StatusCode;
use support::*;

#[tokio::test]
async fn a_new_person_creates_an_account_confirms_with_a_resent_code_and_the_app_signs_them_in() {
    let provider = start().await;
    let http = oidc_http();
    let metadata =
        CoreProviderMetadata::discover_async(IssuerUrl::new(provider.base.clone()).unwrap(), &http)
            .await
            .expect("discovery document is valid for openidconnect");
    let client =
        CoreClient::from_provider_metadata(metadata, ClientId::new(CLIENT_ID.into()), None)
            .set_redirect_uri(RedirectUrl::new(REDIRECT_URI.into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (authorize_url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("offline_access".into()))
        .add_prompt(CoreAuthPrompt::Extension("create".into()))
        .set_pkce_challenge(challenge)
        .url();

    // The app opens the system browser; prompt=create leads straight to "Create an account".
    let browser = provider.browser();
    let response = browser.get(authorize_url.as_str()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/create-account");
    let (_, page) = browser.get_text("/create-account").await;
    assert!(page.contains("to continue to Client Finance Portal"));

    let email = "ada@example.org";
    let response = browser.create_account(email, PASSWORD).await;
    assert_eq!(location(&response), "/confirm-email");
    let first_code = provider.code_for(email).await;

    // "Send me a new code": the first code stops working, the new one works.
    let response = browser
        .submit("/confirm-email", "/confirm-email/resend", &[])
        .await;
    assert_eq!(location(&response), "/confirm-email?resent=1");
    let second_code = provider.code_for(email).await;
    if first_code != second_code {
        let response = browser
            .submit("/confirm-email", "/confirm-email", &[("code", &first_code)])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert_eq!(
            error_messages(&html),
            ["The code is not right. Check the email and try again."]
        );
    }
    // Pasted with a space in the middle, as people do.
    let spaced = format!("{} {}", &second_code[..3], &second_code[3..]);
    let response = browser
        .submit("/confirm-email", "/confirm-email", &[("code", &spaced)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let callback = location(&response);
    assert!(
        callback.starts_with("http://127.0.0.1:54321/callback?"),
        "{callback}"
    );
    assert_eq!(
        query_param(&callback, "state").as_deref(),
        Some(state.secret().as_str())
    );
    assert_eq!(
        query_param(&callback, "iss").as_deref(),
        Some(provider.base.as_str())
    );
    let code = query_param(&callback, "code").unwrap();

    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("the code and PKCE verifier are accepted");
    let id_token = tokens.id_token().expect("an ID token is issued");
    let claims = id_token
        .claims(&client.id_token_verifier(), &nonce)
        .expect("the ID token verifies against the provider's JWKS, with our nonce");
    // The ID token names the person only by subject; name and email are at userinfo.
    assert_eq!(claims.email(), None);
    assert!(claims.name().is_none());
    assert!(claims.auth_time().is_some());
    assert!(
        tokens.refresh_token().is_some(),
        "offline_access was asked for"
    );

    // userinfo through the library, with the subject pinned.
    let userinfo: CoreUserInfoClaims = client
        .user_info(
            tokens.access_token().clone(),
            Some(claims.subject().clone()),
        )
        .unwrap()
        .request_async(&http)
        .await
        .unwrap();
    assert_eq!(userinfo.email().map(|e| e.as_str()), Some(email));
    assert_eq!(userinfo.email_verified(), Some(true));
    assert_eq!(
        userinfo
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str()),
        Some("Ada Lovelace")
    );
}

#[tokio::test]
async fn a_returning_person_signs_in_then_the_app_refreshes_revokes_and_logs_out() {
    let provider = start().await;
    let email = "grace@example.org";
    drop(provider.create_confirmed_account(email).await);

    let http = oidc_http();
    let metadata =
        CoreProviderMetadata::discover_async(IssuerUrl::new(provider.base.clone()).unwrap(), &http)
            .await
            .unwrap();
    let client =
        CoreClient::from_provider_metadata(metadata, ClientId::new(CLIENT_ID.into()), None)
            // The IPv6 loopback on yet another port is accepted too (RFC 8252 7.3).
            .set_redirect_uri(RedirectUrl::new("http://[::1]:61000/callback".into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (authorize_url, _state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("offline_access".into()))
        .set_pkce_challenge(challenge)
        .url();

    // A fresh browser: sign in with email and password.
    let browser = provider.browser();
    let response = browser.get(authorize_url.as_str()).await;
    assert_eq!(location(&response), "/sign-in");
    let response = browser.sign_in(email, PASSWORD).await;
    let callback = location(&response);
    assert!(
        callback.starts_with("http://[::1]:61000/callback?"),
        "{callback}"
    );
    let code = query_param(&callback, "code").unwrap();
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .unwrap();
    let id_token = tokens.id_token().unwrap().clone();
    let subject = id_token
        .claims(&client.id_token_verifier(), &nonce)
        .unwrap()
        .subject()
        .clone();

    // The finance API's view: the access token verifies against the published JWKS.
    let jwks: Jwks = reqwest::get(format!("{}/jwks.json", provider.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let api = AccessTokenVerifier::from_jwks(provider.base.clone(), "council-finance-api", &jwks)
        .unwrap();
    let access = api
        .verify(tokens.access_token().secret(), provider.clock.now())
        .unwrap();
    assert_eq!(access.sub, subject.as_str());
    assert_eq!(access.email, email);
    assert!(access.has_scope("email"));
    let other_api =
        AccessTokenVerifier::from_jwks(provider.base.clone(), "another-api", &jwks).unwrap();
    assert!(other_api
        .verify(tokens.access_token().secret(), provider.clock.now())
        .is_err());
    // An ID token is not an access token.
    assert!(api
        .verify(&id_token.to_string(), provider.clock.now())
        .is_err());

    // Refresh: a new refresh token replaces the old one.
    let first_refresh = tokens.refresh_token().unwrap().clone();
    let refreshed = client
        .exchange_refresh_token(&first_refresh)
        .unwrap()
        .request_async(&http)
        .await
        .expect("refresh works");
    let second_refresh = refreshed.refresh_token().unwrap().clone();
    assert_ne!(first_refresh.secret(), second_refresh.secret());
    assert!(api
        .verify(refreshed.access_token().secret(), provider.clock.now())
        .is_ok());

    // Revoke the current refresh token (RFC 7009): it no longer refreshes. Posted by hand because
    // the oauth2 crate only revokes over https, and this test provider is on http loopback.
    let revoked = reqwest::Client::new()
        .post(format!("{}/revoke", provider.base))
        .form(&[
            ("token", second_refresh.secret().as_str()),
            ("token_type_hint", "refresh_token"),
            ("client_id", CLIENT_ID),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    assert!(client
        .exchange_refresh_token(&second_refresh)
        .unwrap()
        .request_async(&http)
        .await
        .is_err());

    // Sign in again without the password (the browser session still stands): one click on
    // "Continue as ...?", then log out from the app.
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (authorize_url, _, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("offline_access".into()))
        .set_pkce_challenge(challenge)
        .url();
    let response = browser.get(authorize_url.as_str()).await;
    assert_eq!(
        location(&response),
        "/continue",
        "no sign-in page: the session is still there"
    );
    let response = browser.submit("/continue", "/continue", &[]).await;
    let code = query_param(&location(&response), "code").expect("the click issues the code");
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .unwrap();
    let id_token = tokens.id_token().unwrap();
    id_token
        .claims(&client.id_token_verifier(), &nonce)
        .unwrap();

    let logout = format!(
        "{}/logout?id_token_hint={}&post_logout_redirect_uri={}&state=bye",
        provider.base, id_token, "http%3A%2F%2F127.0.0.1%3A54321%2Fsigned-out"
    );
    let response = browser.get(&logout).await;
    assert_eq!(
        location(&response),
        "http://127.0.0.1:54321/signed-out?state=bye"
    );
    // Signed out everywhere that session reached: the page, and the app's refresh token.
    let (_, home) = browser.get_text("/").await;
    assert!(home.contains("Sign in") && !home.contains("You are signed in"));
    let refresh = tokens.refresh_token().unwrap();
    assert!(client
        .exchange_refresh_token(refresh)
        .unwrap()
        .request_async(&http)
        .await
        .is_err());
    // Userinfo refuses the access token of the ended sign-in.
    let refused = reqwest::Client::new()
        .get(format!("{}/userinfo", provider.base))
        .bearer_auth(tokens.access_token().secret())
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    // No email codes were needed for any of this.
    assert!(provider
        .sink
        .next_message(Duration::from_millis(20))
        .await
        .is_none());
}
