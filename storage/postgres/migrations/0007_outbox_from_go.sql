-- SQLite's 0007 drops the triggers that queued search work; the Go code
-- queues it (enqueueSearch, enqueueText in storage/sqldb). PostgreSQL never
-- had those triggers; this file keeps the two lists of migrations in step
-- and says where the queue is filled.
COMMENT ON TABLE search_outbox IS 'Filled by the store''s Go code (enqueueSearch) in the transaction of each change; drained by the search indexer.';
