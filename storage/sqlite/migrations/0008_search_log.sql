-- Several replicas on one database.
--
-- search_log: every change to what search shows, numbered in commit order,
-- for the embedded indexes: each replica follows it from its own cursor
-- (kept inside its index), so every replica converges. enqueueSearch
-- appends to it in the transaction of the change. Old entries are pruned;
-- a replica further behind builds its index from the database again.
CREATE TABLE search_log (
	seq         INTEGER PRIMARY KEY,
	document_id INTEGER NOT NULL,
	access      INTEGER NOT NULL DEFAULT 0,
	at          TEXT NOT NULL
);
CREATE INDEX search_log_at ON search_log (at);

-- The last number given out. Taking the next one updates this one row, so
-- a writer holds the row until it commits and the next writer gets its
-- number only after that: numbers follow commit order, with no gap (a
-- rolled-back transaction gives its number back), on SQLite and
-- PostgreSQL alike.
CREATE TABLE search_log_head (
	id  INTEGER PRIMARY KEY CHECK (id = 1),
	seq INTEGER NOT NULL
);
INSERT INTO search_log_head (id, seq) VALUES (1, 0);

-- Documents a replica's follower could not index: retried with backoff,
-- then set aside; shown to admins with the replica's name.
CREATE TABLE search_log_problems (
	replica     TEXT NOT NULL,
	document_id INTEGER NOT NULL,
	attempts    INTEGER NOT NULL,
	set_aside   INTEGER NOT NULL DEFAULT 0,
	reason      TEXT NOT NULL,
	next_at     TEXT NOT NULL DEFAULT '',
	at          TEXT NOT NULL,
	PRIMARY KEY (replica, document_id)
);

-- Meilisearch has one index for all replicas, so exactly one replica works
-- on a document's outbox events (or reads an attachment) at a time: it
-- claims them until claimed_until, and a dead replica's claims expire.
ALTER TABLE search_outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE search_outbox ADD COLUMN claimed_until TEXT NOT NULL DEFAULT '';
ALTER TABLE attachment_texts ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE attachment_texts ADD COLUMN claimed_until TEXT NOT NULL DEFAULT '';
