//! The emails the provider sends, in plain English. Each says who sent it, what to do, and what
//! to do if it was not expected. Codes are the only secret in them, and only ever in the body:
//! a subject line is shown on lock screens and in notification previews.

use council_kit::mail::Email;

use crate::codes::CODE_LIFETIME;

fn minutes() -> i64 {
    CODE_LIFETIME.whole_minutes()
}

pub fn confirm_email(council: &str, to: &str, code: &str) -> Email {
    Email {
        to: to.to_owned(),
        subject: "Your code to confirm your email address".to_owned(),
        body: format!(
            "Your code to confirm your email address for your {council} account is:\n\n{code}\n\n\
             Enter it on the 'Confirm your email address' page. The code works once and only for the next {} minutes.\n\n\
             If you did not create an account with {council}, you can ignore this email. Nobody can use your email address without this code.\n\n\
             {council}\n",
            minutes()
        ),
    }
}

pub fn sign_in_code(council: &str, to: &str, code: &str) -> Email {
    Email {
        to: to.to_owned(),
        subject: "Your code to sign in".to_owned(),
        body: format!(
            "Your code to sign in to your {council} account is:\n\n{code}\n\n\
             The code works once and only for the next {} minutes.\n\n\
             If you are not signing in right now, someone else may know your password. Change it using 'Forgotten your password?' on the sign in page.\n\n\
             {council}\n",
            minutes()
        ),
    }
}

pub fn reset_password(council: &str, to: &str, code: &str) -> Email {
    Email {
        to: to.to_owned(),
        subject: "Your code to reset your password".to_owned(),
        body: format!(
            "Your code to reset the password for your {council} account is:\n\n{code}\n\n\
             The code works once and only for the next {} minutes.\n\n\
             If you did not ask to reset your password, you can ignore this email. Your password has not changed.\n\n\
             {council}\n",
            minutes()
        ),
    }
}

/// Sent instead of a code when someone tries to create an account for an address that already
/// has one: the page cannot say so (that would reveal who has an account), so the owner is told.
pub fn already_registered(council: &str, to: &str) -> Email {
    Email {
        to: to.to_owned(),
        subject: "You already have an account".to_owned(),
        body: format!(
            "Someone tried to create a {council} account with this email address, but you already have one.\n\n\
             If it was you, sign in instead. If you have forgotten your password, use 'Forgotten your password?' on the sign in page.\n\n\
             If it was not you, you can ignore this email. Your account has not changed.\n\n\
             {council}\n"
        ),
    }
}

/// Sent when someone asks to reset the password of an address with no account, so a person who
/// mistyped or used another address learns why no code came.
pub fn no_account(council: &str, to: &str) -> Email {
    Email {
        to: to.to_owned(),
        subject: format!("There is no {council} account for this email address"),
        body: format!(
            "Someone asked to reset the password of a {council} account with this email address, but there is no account for it.\n\n\
             If it was you, you may have used a different email address, or you can create an account.\n\n\
             If it was not you, you can ignore this email.\n\n\
             {council}\n"
        ),
    }
}

/// Sent once a day at most, when codes for the account were asked for or entered wrongly too
/// often: someone may be trying to get into it. It carries no code.
pub fn codes_capped(council: &str, to: &str) -> Email {
    Email {
        to: to.to_owned(),
        subject: format!("Someone may be trying to get into your {council} account"),
        body: format!(
            "Codes for your {council} account have been asked for, or entered wrongly, many times today. \
             To keep the account safe we have stopped sending or accepting codes for it for up to 24 hours.\n\n\
             If this was you, wait a day and try again.\n\n\
             If it was not you, someone may be trying to get into your account. Once the 24 hours have passed, \
             change your password using 'Forgotten your password?' on the sign in page.\n\n\
             {council}\n"
        ),
    }
}
