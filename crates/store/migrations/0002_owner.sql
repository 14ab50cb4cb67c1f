-- Whose copy this is: the council account (issuer + subject) it was filled for. Another account
-- signing in on the same computer gets the store emptied first (`Store::bind_to_account`), so no
-- row of one account (people, documents, queued actions) is ever shown or sent under another.
CREATE TABLE owner (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    issuer  TEXT NOT NULL,
    subject TEXT NOT NULL
) STRICT;
