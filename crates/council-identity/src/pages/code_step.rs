//! The code step of a journey: we email a 6-digit code and the person enters it. Starting a step
//! ([`Identity::email_code`]) and checking a code ([`Identity::check_code`]) work the same on
//! every page, and answer the same whether or not the email has an account: the tries and the
//! expiry shown come from the browser's session, never from whether a code exists.

use council_kit::mail::Email;

use crate::accounts::{self, Account};
use crate::codes::{self, CodeCheck, Purpose, CODE_LIFETIME, MAX_WRONG_TRIES};
use crate::emails;
use crate::sessions::{self, Session, Stage};
use crate::web::PageError;
use crate::Identity;

/// Whom a new code step emails.
pub(crate) enum CodeFor<'a> {
    /// A code for this account.
    Account { id: &'a str, email: &'a str },
    /// No code (no such account, or nothing to confirm): this email instead, if any.
    Nobody(Option<Email>),
}

fn purpose(stage: Stage) -> Purpose {
    match stage {
        Stage::ConfirmEmail => Purpose::ConfirmEmail,
        Stage::SignInCode => Purpose::SignIn,
        Stage::ResetPassword => Purpose::ResetPassword,
    }
}

impl Identity {
    /// Starts `stage` for `email` in this browser and sends the code (or the other email).
    /// `registration` ties a confirm-email code to the registration this browser made.
    ///
    /// Codes issued per email are limited whatever the page, so asking again and again cannot
    /// buy fresh tries: past the limit nothing is sent, the live code keeps its count, and the
    /// person sees the usual next page. The limit counts emails without accounts too, so what
    /// happens next looks the same for them.
    pub(crate) async fn email_code(
        &self,
        session: &Session,
        stage: Stage,
        email: &str,
        registration: Option<&str>,
        to: CodeFor<'_>,
    ) -> Result<(), PageError> {
        let now = self.now();
        let limit = &self.inner.throttles.codes_per_email;
        if limit
            .hit(&accounts::normalise_email(email), now)
            .await?
            .is_some()
        {
            tracing::warn!("code not issued: too many for one email address lately");
            if session.pending(stage) != Some(email) {
                self.start_step(session, stage, email, registration).await?;
            }
            return Ok(());
        }
        match to {
            CodeFor::Account { id, email: to } => {
                let purpose = purpose(stage);
                let code =
                    codes::issue(self.pool(), self.rng(), id, purpose, registration, now).await?;
                let council = &self.config().council_name;
                let message = match purpose {
                    Purpose::ConfirmEmail => emails::confirm_email(council, to, &code),
                    Purpose::SignIn => emails::sign_in_code(council, to, &code),
                    Purpose::ResetPassword => emails::reset_password(council, to, &code),
                };
                self.send_mail(message).await?;
            }
            CodeFor::Nobody(Some(message)) => self.send_mail(message).await?,
            CodeFor::Nobody(None) => {}
        }
        self.start_step(session, stage, email, registration).await
    }

    async fn start_step(
        &self,
        session: &Session,
        stage: Stage,
        email: &str,
        registration: Option<&str>,
    ) -> Result<(), PageError> {
        let ends = self.now() + CODE_LIFETIME;
        sessions::start_code_step(self.pool(), &session.id, stage, email, registration, ends)
            .await?;
        Ok(())
    }

    /// Checks a code entered at `stage`: the account if it is right, otherwise what to tell the
    /// person. Wrong codes are also counted per network address.
    pub(crate) async fn check_code(
        &self,
        session: &Session,
        address: &str,
        stage: Stage,
        email: &str,
        code: &str,
    ) -> Result<Result<Account, String>, PageError> {
        let now = self.now();
        let per_address = &self.inner.throttles.code_tries_per_address;
        let address_key = format!("code:{address}");
        if let Some(throttled) = per_address.check(&address_key, now).await? {
            return Ok(Err(format!(
                "You have entered a wrong code too many times. Wait {}, then try again.",
                throttled.wait_text()
            )));
        }
        if session.pending_tries >= MAX_WRONG_TRIES {
            return Ok(Err(TOO_MANY_TRIES.into()));
        }
        if session
            .pending_expires_at
            .is_none_or(|ends| now.unix_timestamp() >= ends)
        {
            return Ok(Err(EXPIRED.into()));
        }
        if let Some(account) = accounts::find_by_email(self.pool(), email).await? {
            let registration = session.pending_registration.as_deref();
            let outcome = codes::check(
                self.pool(),
                &account.id,
                purpose(stage),
                registration,
                code,
                now,
            )
            .await?;
            if outcome == CodeCheck::Accepted {
                return Ok(Ok(account));
            }
        }
        per_address.record(&address_key, now).await?;
        let tries = sessions::count_wrong_code(self.pool(), &session.id).await?;
        Ok(Err(if tries >= MAX_WRONG_TRIES {
            TOO_MANY_TRIES
        } else {
            WRONG
        }
        .into()))
    }
}

const WRONG: &str = "The code is not right. Check the email and try again.";
const EXPIRED: &str = "The code has expired. Select 'Send me a new code'.";
const TOO_MANY_TRIES: &str =
    "You have entered a wrong code too many times. Select 'Send me a new code'.";
