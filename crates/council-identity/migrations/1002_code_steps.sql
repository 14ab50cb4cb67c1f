-- Codes tied to the registration they confirm, and the code step's tries kept per browser.

-- One "create an account" form submitted for an email that is not yet confirmed. Nothing is
-- written into the account until a code sent for this very registration is entered in the
-- browser that made it, so re-registering someone's email cannot swap in another password.
CREATE TABLE identity_registrations (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    address TEXT NOT NULL,
    postcode TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX identity_registrations_by_account ON identity_registrations (account_id);

-- The registration a confirm-email code was sent for (NULL: confirm the account as it stands).
ALTER TABLE identity_email_codes ADD COLUMN registration_id TEXT;

-- The browser's side of its code step: which registration, wrong tries, and when it ends. Pages
-- answer from these, so the answers are the same whether or not the email has an account.
ALTER TABLE identity_sessions ADD COLUMN pending_registration TEXT;
ALTER TABLE identity_sessions ADD COLUMN pending_tries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE identity_sessions ADD COLUMN pending_expires_at BIGINT;
