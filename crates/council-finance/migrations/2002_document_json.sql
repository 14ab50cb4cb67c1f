-- Each published document as the API sends it (its JSON), written in the same transaction as the
-- rows it is made from. A page of the change feed is then one indexed read of one table, with no
-- joins and no re-serialising (see records::feed_page). NULL for a withdrawn document (a
-- tombstone). Documents published before this column existed are filled in when the service
-- starts (records::fill_missing_document_json). Portable: ADD COLUMN works the same in PostgreSQL.
ALTER TABLE finance_documents ADD COLUMN document_json TEXT;
