//! The pages people use: sign in, "Continue as ...?", create an account, confirm an email,
//! sign-in codes, forgotten password, signed out. Server-rendered, no JavaScript, GOV.UK Design
//! System patterns.

mod account;
mod code_step;
mod codes;
mod continue_as;
mod password;
mod sign_in;
pub(crate) mod validate;

use axum::routing::get;
use axum::Router;

use council_kit::mail::Email;

use crate::web::PageError;
use crate::Identity;

pub(crate) use code_step::CodeFor;

pub fn routes() -> Router<Identity> {
    Router::new()
        .route("/", get(account::home))
        .route("/signed-out", get(account::signed_out))
        .route(
            "/create-account",
            get(account::create_form).post(account::create),
        )
        .route("/sign-in", get(sign_in::form).post(sign_in::submit))
        .route(
            "/continue",
            get(continue_as::form).post(continue_as::submit),
        )
        .route(
            "/confirm-email",
            get(codes::confirm_form).post(codes::confirm),
        )
        .route(
            "/confirm-email/resend",
            axum::routing::post(codes::confirm_resend),
        )
        .route(
            "/sign-in-code",
            get(codes::sign_in_code_form).post(codes::sign_in_code),
        )
        .route(
            "/sign-in-code/resend",
            axum::routing::post(codes::sign_in_code_resend),
        )
        .route(
            "/forgot-password",
            get(password::forgot_form).post(password::forgot),
        )
        .route(
            "/reset-password",
            get(password::reset_form).post(password::reset),
        )
        .route(
            "/reset-password/resend",
            axum::routing::post(password::reset_resend),
        )
}

impl Identity {
    /// Sends an email unless this address has had [`crate::DAILY_MAIL_PER_EMAIL`] in the last
    /// day from any page (which quietly drops it: the person sees the same page either way, and
    /// nobody can flood an inbox through us).
    pub(crate) async fn send_mail(&self, email: Email) -> Result<(), PageError> {
        let key = crate::accounts::normalise_email(&email.to);
        let throttled = self
            .inner
            .throttles
            .mail_per_email
            .hit(&key, self.now())
            .await?;
        if throttled.is_some() {
            tracing::warn!("email not sent: too many to one address today");
            return Ok(());
        }
        self.inner
            .mailer
            .send(&email)
            .await
            .map_err(|_| PageError::Internal("sending email"))
    }
}
