-- Actions one account queued (offline) and had not sent when another account signed in on the
-- same computer. They are not that other account's: they leave the outbox, which is all that is
-- ever shown or sent, and wait here under their own account until it signs in again
-- (`Store::bind_to_account`). Everything else of the first account is a cache and is dropped.
CREATE TABLE outbox_set_aside (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL CHECK (json_valid(payload)),
    created_at TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0)
) STRICT;

CREATE INDEX outbox_set_aside_by_account ON outbox_set_aside (issuer, subject, id);
