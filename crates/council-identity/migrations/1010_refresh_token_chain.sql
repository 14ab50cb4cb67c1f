-- Each refresh token names the one that replaced it (its fingerprint), so a retry of the token
-- just spent, whose answer was lost on the way to the app, can be told from reuse of an older
-- one. NULL: not replaced yet.
ALTER TABLE identity_refresh_tokens ADD COLUMN replaced_by TEXT;
