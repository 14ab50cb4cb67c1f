-- A random mark for every change number, written with the change. A feed cursor carries the
-- mark of the change it stops at, so the service can tell a cursor from its current records
-- from one given before the database was restored from an earlier backup (whose change
-- numbers were then handed out again, or never reached): it answers 410 feedRestarted and the
-- client reads the person's feed again from the start.
CREATE TABLE finance_change_marks (
    change_number BIGINT PRIMARY KEY,
    mark          TEXT NOT NULL
);

INSERT INTO finance_change_marks (change_number, mark)
    SELECT change_number, lower(hex(randomblob(8))) FROM finance_documents;
