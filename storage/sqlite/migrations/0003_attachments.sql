-- Attachment metadata; the bytes live in the blob store under key.
CREATE TABLE attachments (
	id           INTEGER PRIMARY KEY,
	document_id  INTEGER NOT NULL REFERENCES documents (id),
	filename     TEXT NOT NULL,
	size         INTEGER NOT NULL CHECK (size >= 0),
	sha256       TEXT NOT NULL,
	content_type TEXT NOT NULL,
	blob_key     TEXT NOT NULL UNIQUE,
	uploader_id  INTEGER NOT NULL REFERENCES users (id),
	created_at   TEXT NOT NULL
);
CREATE INDEX attachments_document ON attachments (document_id);
