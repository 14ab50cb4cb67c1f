-- council-kit's own tables (versions 100-999; identity uses 1000-1999, finance 2000-2999).

-- Rate limits (council_kit::throttle): one row per counted event, so limits hold across restarts
-- and across several instances sharing the database. Keys (email addresses, network addresses)
-- are stored only as SHA-256 fingerprints. Rows older than a scope's window are deleted as new
-- events are counted.
CREATE TABLE kit_throttle_events (
    scope    TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    at       BIGINT NOT NULL
);
CREATE INDEX kit_throttle_events_by_key ON kit_throttle_events (scope, key_hash, at);
CREATE INDEX kit_throttle_events_by_age ON kit_throttle_events (scope, at);
