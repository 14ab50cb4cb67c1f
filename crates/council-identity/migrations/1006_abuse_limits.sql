-- Bounded work for visitors who are not signed in (see src/forms.rs and src/accounts.rs).

-- The key that signs the CSRF token of browsers that have no session yet: viewing a page no
-- longer stores a session. One row, id 'csrf'.
CREATE TABLE identity_form_keys (
    id TEXT PRIMARY KEY,
    key_base64 TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Expired sessions, unconfirmed accounts and old registrations are deleted as new ones are
-- made: find them by index, not by reading every row.
CREATE INDEX identity_sessions_by_expiry ON identity_sessions (expires_at);
CREATE INDEX identity_accounts_unconfirmed ON identity_accounts (email_verified, created_at);
CREATE INDEX identity_registrations_by_created ON identity_registrations (created_at);
