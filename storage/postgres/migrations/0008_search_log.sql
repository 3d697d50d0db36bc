-- Several replicas on one database: the change log every replica's
-- embedded index follows, its counter, the followers' problems, and claims
-- on the shared queues. See storage/sqlite/migrations/0008_search_log.sql
-- for the why of each.
CREATE TABLE search_log (
	seq         BIGINT PRIMARY KEY,
	document_id BIGINT NOT NULL,
	access      INTEGER NOT NULL DEFAULT 0,
	at          TEXT NOT NULL
);
CREATE INDEX search_log_at ON search_log (at);

-- Not an identity column: a writer takes the next number by updating this
-- one row, which it then holds until it commits, so numbers follow commit
-- order without gaps.
CREATE TABLE search_log_head (
	id  INTEGER PRIMARY KEY CHECK (id = 1),
	seq BIGINT NOT NULL
);
INSERT INTO search_log_head (id, seq) VALUES (1, 0);

CREATE TABLE search_log_problems (
	replica     TEXT NOT NULL,
	document_id BIGINT NOT NULL,
	attempts    INTEGER NOT NULL,
	set_aside   INTEGER NOT NULL DEFAULT 0,
	reason      TEXT NOT NULL,
	next_at     TEXT NOT NULL DEFAULT '',
	at          TEXT NOT NULL,
	PRIMARY KEY (replica, document_id)
);

ALTER TABLE search_outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE search_outbox ADD COLUMN claimed_until TEXT NOT NULL DEFAULT '';
ALTER TABLE attachment_texts ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE attachment_texts ADD COLUMN claimed_until TEXT NOT NULL DEFAULT '';
