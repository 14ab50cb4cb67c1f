//! The code step of a journey: we email a 6-digit code and the person enters it. Starting a step
//! ([`Identity::email_code`]) and checking a code ([`Identity::check_code`]) work the same on
//! every page, and answer the same whether or not the email has an account: the tries and the
//! expiry shown come from the browser's session, never from whether a code exists.

use council_kit::mail::Email;

use crate::accounts::{self, Account};
use crate::codes::{self, CodeCheck, Purpose, CODE_LIFETIME, MAX_WRONG_TRIES};
use crate::emails;
use crate::sessions::{self, Session, Stage};
use crate::web::{Browser, PageError};
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
    /// Codes issued per email are limited whatever the page (a few in 15 minutes, and
    /// [`crate::DAILY_CODES_PER_EMAIL`] a day), so asking again and again cannot buy fresh tries;
    /// nor is a code issued while the address's mail is held back, since a code nobody is sent
    /// would only give a guesser fresh tries. Past a limit nothing is sent, the live code keeps
    /// its count, and the person sees the usual next page. The limits count emails without
    /// accounts too, so what happens next looks the same for them. When the daily cap is
    /// reached the owner of an account is told, once.
    ///
    /// The browser's session is stored first if it was not: the step is remembered in it.
    pub(crate) async fn email_code(
        &self,
        browser: &mut Browser,
        stage: Stage,
        email: &str,
        registration: Option<&str>,
        to: CodeFor<'_>,
    ) -> Result<(), PageError> {
        browser.keep(self).await?;
        let session = &browser.session;
        let now = self.now();
        let key = accounts::normalise_email(email);
        let throttles = &self.inner.throttles;
        let soon = throttles.codes_per_email.check(&key, now).await?;
        let today = throttles.codes_per_email_daily.check(&key, now).await?;
        let mail_held = throttles.mail_per_email.check(&key, now).await?;
        if soon.is_some() || today.is_some() || mail_held.is_some() {
            tracing::warn!("code not issued: too many for one email address lately");
            if let (Some(_), CodeFor::Account { email: owner, .. }) = (today, &to) {
                self.warn_owner_of_cap(owner).await?;
            }
            if session.pending(stage) != Some(email) {
                self.start_step(session, stage, email, registration).await?;
            }
            return Ok(());
        }
        throttles.codes_per_email.record(&key, now).await?;
        throttles.codes_per_email_daily.record(&key, now).await?;
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

    /// Tells the owner that codes for their account were asked for or guessed at too often
    /// today, at most once a day. Sent even when the address's other mail is held back (it is
    /// bounded by its own once-a-day limit), and it never contains a code.
    async fn warn_owner_of_cap(&self, owner: &str) -> Result<(), PageError> {
        let key = accounts::normalise_email(owner);
        let warnings = &self.inner.throttles.cap_warnings_per_email;
        if warnings.hit(&key, self.now()).await?.is_some() {
            return Ok(());
        }
        let message = emails::codes_capped(&self.config().council_name, owner);
        self.inner
            .mailer
            .send(&message)
            .await
            .map_err(|_| PageError::Internal("sending email"))
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
        // Per email (not per account) so an address without an account answers the same.
        let daily = &self.inner.throttles.wrong_codes_per_email_daily;
        let email_key = accounts::normalise_email(email);
        if let Some(throttled) = daily.check(&email_key, now).await? {
            return Ok(Err(format!(
                "You have entered a wrong code too many times today. Wait {}, then try again.",
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
        let account = accounts::find_by_email(self.pool(), email).await?;
        if let Some(account) = &account {
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
                return Ok(Ok(account.clone()));
            }
        }
        per_address.record(&address_key, now).await?;
        daily.record(&email_key, now).await?;
        if let Some(account) = &account {
            if daily.check(&email_key, now).await?.is_some() {
                self.warn_owner_of_cap(&account.email).await?;
            }
        }
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
