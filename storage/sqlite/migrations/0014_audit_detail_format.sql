-- The audit log keeps each detail's English sentence format and its values
-- (JSON), so that the log reads in its reader's language; entries written
-- before keep only the English detail, shown as written.
ALTER TABLE audit_log ADD COLUMN detail_format TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN detail_args TEXT NOT NULL DEFAULT '';
