-- The identity provider's tables. Portable SQL (SQLite and PostgreSQL): TEXT ids, BIGINT unix
-- seconds, BOOLEAN flags, no AUTOINCREMENT. Secrets (session cookies, codes, tokens) are stored
-- only as SHA-256 fingerprints; passwords only as Argon2id hashes.

-- Token signing keys. The newest unretired key signs; every unretired key is published in JWKS.
CREATE TABLE identity_signing_keys (
    kid TEXT PRIMARY KEY,
    algorithm TEXT NOT NULL,
    private_key_pkcs1_base64 TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);

CREATE TABLE identity_accounts (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    address TEXT NOT NULL,
    postcode TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    email_verified BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Codes emailed to confirm an address, reset a password or sign in. Only the newest unspent code
-- of a purpose counts; each allows a limited number of wrong tries.
CREATE TABLE identity_email_codes (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    failed_attempts INTEGER NOT NULL,
    spent_at BIGINT
);
CREATE INDEX identity_email_codes_by_account ON identity_email_codes (account_id, purpose, created_at);

-- Browser sessions. `id` is stable (grants point at it); `token_hash` is the cookie's fingerprint
-- and changes at every sign-in so a planted cookie is worthless.
CREATE TABLE identity_sessions (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    csrf_token TEXT NOT NULL,
    account_id TEXT REFERENCES identity_accounts (id) ON DELETE CASCADE,
    auth_time BIGINT,
    pending_email TEXT,
    pending_stage TEXT,
    authorization_request TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- A grant is one sign-in of one account to one client: the family of its refresh tokens.
CREATE TABLE identity_grants (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    auth_time BIGINT NOT NULL,
    session_id TEXT,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX identity_grants_by_session ON identity_grants (session_id);
CREATE INDEX identity_grants_by_account ON identity_grants (account_id);

CREATE TABLE identity_authorization_codes (
    code_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    nonce TEXT,
    code_challenge TEXT NOT NULL,
    auth_time BIGINT NOT NULL,
    session_id TEXT,
    expires_at BIGINT NOT NULL,
    spent_at BIGINT,
    grant_id TEXT
);

CREATE TABLE identity_refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL REFERENCES identity_grants (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    spent_at BIGINT
);
CREATE INDEX identity_refresh_tokens_by_grant ON identity_refresh_tokens (grant_id);
