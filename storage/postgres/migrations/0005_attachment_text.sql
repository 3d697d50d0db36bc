-- Attachment text is extracted once per attachment (attachments never
-- change) by its own worker, and stored: indexing a document then reads
-- stored text only, so no file can slow or stall it. A row is queued in the
-- same transaction as its attachment (enqueueText), so a crash loses nothing.
--
-- status: pending (to extract; attempts and next_at say when after a
-- failure), done (text holds it), unsupported (no reader for the kind, or
-- too large; found by name), failed (set aside after its attempts, reason
-- says why; an administrator may retry it).
CREATE TABLE attachment_texts (
	attachment_id BIGINT PRIMARY KEY REFERENCES attachments (id) ON DELETE CASCADE,
	document_id   BIGINT NOT NULL,
	status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'unsupported', 'failed')),
	text          TEXT NOT NULL DEFAULT '',
	reason        TEXT NOT NULL DEFAULT '',
	attempts      INTEGER NOT NULL DEFAULT 0,
	next_at       TEXT NOT NULL DEFAULT '',
	updated_at    TEXT NOT NULL DEFAULT (to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
);
CREATE INDEX attachment_texts_queue ON attachment_texts (status, next_at);
CREATE INDEX attachment_texts_document ON attachment_texts (document_id);

-- Attachments stored before this migration are extracted once.
INSERT INTO attachment_texts (attachment_id, document_id) SELECT id, document_id FROM attachments;

-- Access changes go first: the indexer takes documents with an access
-- event before any other, so search never shows a document to someone the
-- Policy no longer lets read it for longer than one indexing pass.
ALTER TABLE search_outbox ADD COLUMN access INTEGER NOT NULL DEFAULT 0;
-- A document whose indexing keeps failing is set aside (not retried until
-- it changes again or an administrator retries it) and shown to admins.
ALTER TABLE search_outbox ADD COLUMN set_aside INTEGER NOT NULL DEFAULT 0;
CREATE INDEX search_outbox_due ON search_outbox (set_aside, next_at);
