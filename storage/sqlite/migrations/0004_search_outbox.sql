-- The search outbox: every change that affects what search shows enqueues
-- its document in the same transaction, through these triggers, so the
-- index can never miss a change even if the engine is down or the process
-- dies. The indexer drains it.
CREATE TABLE search_outbox (
	id          INTEGER PRIMARY KEY,
	document_id INTEGER NOT NULL,
	created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
	attempts    INTEGER NOT NULL DEFAULT 0,
	next_at     TEXT NOT NULL DEFAULT '',
	last_error  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX search_outbox_document ON search_outbox (document_id, id);

CREATE TRIGGER outbox_document_insert AFTER INSERT ON documents
BEGIN INSERT INTO search_outbox (document_id) VALUES (NEW.id); END;
CREATE TRIGGER outbox_document_update AFTER UPDATE ON documents
BEGIN INSERT INTO search_outbox (document_id) VALUES (NEW.id); END;
CREATE TRIGGER outbox_member_insert AFTER INSERT ON members
BEGIN INSERT INTO search_outbox (document_id) VALUES (NEW.document_id); END;
CREATE TRIGGER outbox_member_update AFTER UPDATE ON members
BEGIN INSERT INTO search_outbox (document_id) VALUES (NEW.document_id); END;
CREATE TRIGGER outbox_member_delete AFTER DELETE ON members
BEGIN INSERT INTO search_outbox (document_id) VALUES (OLD.document_id); END;
CREATE TRIGGER outbox_comment_insert AFTER INSERT ON comments
BEGIN INSERT INTO search_outbox (document_id) VALUES (NEW.document_id); END;
CREATE TRIGGER outbox_comment_update AFTER UPDATE ON comments
BEGIN INSERT INTO search_outbox (document_id) VALUES (NEW.document_id); END;
CREATE TRIGGER outbox_reply_insert AFTER INSERT ON replies
BEGIN INSERT INTO search_outbox (document_id) SELECT document_id FROM comments WHERE id = NEW.comment_id; END;
CREATE TRIGGER outbox_attachment_insert AFTER INSERT ON attachments
BEGIN INSERT INTO search_outbox (document_id) VALUES (NEW.document_id); END;
CREATE TRIGGER outbox_attachment_delete AFTER DELETE ON attachments
BEGIN INSERT INTO search_outbox (document_id) VALUES (OLD.document_id); END;

-- Documents that existed before the outbox get indexed once.
INSERT INTO search_outbox (document_id) SELECT id FROM documents;
