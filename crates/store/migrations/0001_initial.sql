-- The local store: a cache of what the council holds, plus the session's refresh token and
-- actions waiting to be sent. Money is INTEGER pence; dates are ISO text (YYYY-MM-DD);
-- timestamps are RFC 3339 text in UTC.

-- People the user may act for, as the council lists them.
CREATE TABLE people (
    person_id      TEXT PRIMARY KEY NOT NULL,
    client_id      TEXT NOT NULL CHECK (length(client_id) = 9),
    given_name     TEXT NOT NULL,
    family_name    TEXT NOT NULL,
    relationship   TEXT NOT NULL,
    granted_at     TEXT NOT NULL,
    last_synced_at TEXT
) STRICT;

-- Documents, one row per document (its latest version). The body is the document's JSON.
CREATE TABLE documents (
    document_id  TEXT PRIMARY KEY NOT NULL,
    person_id    TEXT NOT NULL REFERENCES people (person_id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('remittanceAdvice', 'deferredPaymentStatement', 'financialAssessmentResult')),
    version      INTEGER NOT NULL CHECK (version >= 1),
    reference    TEXT,
    payment_date TEXT NOT NULL CHECK (length(payment_date) = 10),
    period_from  TEXT,
    period_to    TEXT,
    net_pence    INTEGER,
    body         TEXT NOT NULL CHECK (json_valid(body)),
    CHECK (period_to IS NULL OR period_from IS NULL OR period_to >= period_from)
) STRICT;

CREATE INDEX documents_by_person_and_date ON documents (person_id, payment_date);

-- Where each person's incremental sync got to.
CREATE TABLE sync_cursors (
    person_id TEXT PRIMARY KEY NOT NULL REFERENCES people (person_id) ON DELETE CASCADE,
    cursor    TEXT NOT NULL
) STRICT;

-- The refresh token (one row at most). Never stored by a memory (kiosk) store.
CREATE TABLE tokens (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    refresh_token TEXT NOT NULL,
    expires_at    TEXT
) STRICT;

-- Actions made offline that wait to be sent, oldest first.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL CHECK (json_valid(payload)),
    created_at TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0)
) STRICT;
