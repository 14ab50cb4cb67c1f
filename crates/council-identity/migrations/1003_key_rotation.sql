-- Two-step key rotation: a new key is published first ("next", promoted_at NULL) and signs only
-- once promoted, after relying parties have had time to fetch it. The promoted key with the
-- latest promoted_at signs; every unretired key is published. Keys made before this signed by
-- creation date, so that order is kept.
ALTER TABLE identity_signing_keys ADD COLUMN promoted_at BIGINT;
UPDATE identity_signing_keys SET promoted_at = created_at;
