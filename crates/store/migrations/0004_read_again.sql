-- A person's documents kept from before the council's records were restored from an earlier
-- backup (`Store::read_again`): each stays readable, and is replaced by whatever version the
-- council now holds, until the feed read again from the start reaches its end; those the
-- council no longer holds then go. A sync cut off part way resumes and still ends that way.
ALTER TABLE documents ADD COLUMN unconfirmed INTEGER NOT NULL DEFAULT 0 CHECK (unconfirmed IN (0, 1));
