-- The finance side of the council service (versions 2000-2999; identity uses 1000-1999).
-- Portable to PostgreSQL: TEXT ids, BIGINT unix seconds, ISO dates as TEXT, money as BIGINT pence,
-- BOOLEAN columns bound from Rust bools, no AUTOINCREMENT and no SQLite-only functions.

-- People the council holds records about. person_id is opaque (it appears in URLs; client IDs
-- and names never do).
CREATE TABLE finance_people (
    person_id     TEXT PRIMARY KEY,
    client_id     TEXT NOT NULL UNIQUE,
    given_name    TEXT NOT NULL,
    family_name   TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    address       TEXT NOT NULL,
    postcode      TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- Named counters. The change counter is one row updated inside the writing transaction, so
-- change numbers are handed out in commit order (a database sequence would not promise that,
-- and a reader could then skip a change committed late with a smaller number).
CREATE TABLE finance_counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO finance_counters (name, value) VALUES ('change', 0);

-- Every published document, one row each; a correction bumps version and change_number, a
-- withdrawal keeps the row as a tombstone so clients learn to delete their copy.
CREATE TABLE finance_documents (
    document_id   TEXT PRIMARY KEY,
    person_id     TEXT NOT NULL REFERENCES finance_people (person_id),
    kind          TEXT NOT NULL,
    reference     TEXT NOT NULL UNIQUE,
    version       INTEGER NOT NULL,
    published_at  BIGINT NOT NULL,
    content_hash  TEXT NOT NULL,
    change_number BIGINT NOT NULL UNIQUE,
    withdrawn     BOOLEAN NOT NULL
);
CREATE INDEX finance_documents_feed ON finance_documents (person_id, change_number);

CREATE TABLE finance_remittances (
    document_id  TEXT PRIMARY KEY REFERENCES finance_documents (document_id),
    client_name  TEXT NOT NULL,
    payee        TEXT NOT NULL,
    period_from  TEXT NOT NULL,
    period_to    TEXT NOT NULL,
    finalised_on TEXT NOT NULL,
    payment_date TEXT NOT NULL,
    net_pence    BIGINT NOT NULL
);

CREATE TABLE finance_remittance_lines (
    document_id       TEXT NOT NULL REFERENCES finance_documents (document_id),
    line_no           INTEGER NOT NULL,
    kind              TEXT NOT NULL,
    description       TEXT NOT NULL,
    amount_pence      BIGINT NOT NULL,
    weekly_rate_pence BIGINT,
    days              INTEGER,
    council_note      TEXT,
    PRIMARY KEY (document_id, line_no)
);

-- Requests for access; an approved one is a grant. The requester's details are kept as given,
-- so reviewers see exactly what was asked; person_id is set when a reviewer approves.
CREATE TABLE finance_access_requests (
    request_id      TEXT PRIMARY KEY,
    account_sub     TEXT NOT NULL,
    requester_name  TEXT NOT NULL,
    requester_email TEXT NOT NULL,
    relationship    TEXT NOT NULL,
    given_name      TEXT NOT NULL,
    family_name     TEXT NOT NULL,
    date_of_birth   TEXT NOT NULL,
    postcode        TEXT NOT NULL,
    client_id       TEXT,
    evidence        TEXT,
    state           TEXT NOT NULL,
    reason          TEXT,
    person_id       TEXT REFERENCES finance_people (person_id),
    submitted_at    BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    decided_at      BIGINT,
    decided_by      TEXT
);
CREATE INDEX finance_access_requests_account ON finance_access_requests (account_sub, state);
CREATE INDEX finance_access_requests_state ON finance_access_requests (state, submitted_at);

-- Finance-team accounts: separate from citizens' accounts, created by a command.
CREATE TABLE finance_staff (
    staff_id      TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE TABLE finance_staff_sessions (
    token_hash TEXT PRIMARY KEY,
    staff_id   TEXT NOT NULL REFERENCES finance_staff (staff_id),
    csrf_token TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Who decided what and when, and who read which person's documents.
CREATE TABLE finance_audit (
    audit_id   TEXT PRIMARY KEY,
    at         BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    person_id  TEXT,
    request_id TEXT,
    detail     TEXT
);
CREATE INDEX finance_audit_at ON finance_audit (at);
