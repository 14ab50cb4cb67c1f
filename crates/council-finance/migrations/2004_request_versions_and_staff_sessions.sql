-- Access requests keep every version the requester sent. A resubmission adds a version and never
-- overwrites an earlier one, so reviewers see what changed and when, and a console decision binds
-- the version the reviewer saw (finance_access_requests.version is the current one; its detail
-- columns are a copy of that version's, read by the queue and the API). Portable: ADD COLUMN
-- with a constant default and INSERT ... SELECT work the same in PostgreSQL.
ALTER TABLE finance_access_requests ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE finance_access_request_versions (
    request_id    TEXT NOT NULL REFERENCES finance_access_requests (request_id),
    version       INTEGER NOT NULL,
    relationship  TEXT NOT NULL,
    given_name    TEXT NOT NULL,
    family_name   TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    postcode      TEXT NOT NULL,
    client_id     TEXT,
    evidence      TEXT,
    submitted_at  BIGINT NOT NULL,
    -- How the version ended once a later one replaced it: 'rejected' (with the reason, when and
    -- by which staff id) or 'withdrawn' (when; by the requester). NULL for the current version,
    -- whose outcome is the request's own state.
    outcome       TEXT,
    reason        TEXT,
    ended_at      BIGINT,
    ended_by      TEXT,
    PRIMARY KEY (request_id, version)
);

-- Requests made before versions were kept: what they hold now is their first version.
INSERT INTO finance_access_request_versions (request_id, version, relationship, given_name,
    family_name, date_of_birth, postcode, client_id, evidence, submitted_at)
SELECT request_id, 1, relationship, given_name, family_name, date_of_birth, postcode, client_id,
    evidence, submitted_at FROM finance_access_requests;

-- A staff account can be turned off (`council-service staff disable`): it cannot sign in, and
-- its sessions are deleted when it is turned off.
ALTER TABLE finance_staff ADD COLUMN disabled_at BIGINT;

-- The console's idle timeout: a session unused for 15 minutes has ended. Sessions open before
-- this column existed count as idle (their staff sign in again).
ALTER TABLE finance_staff_sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX finance_staff_sessions_staff ON finance_staff_sessions (staff_id);
