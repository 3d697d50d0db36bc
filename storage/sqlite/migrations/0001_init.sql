-- Schema kept to what PostgreSQL can serve as well: integer keys, text
-- timestamps in UTC (RFC 3339, sortable), CHECK lists mirroring the domain.

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	login         TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	organisation  TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'reviewer', 'staff')),
	password_hash TEXT NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0,
	created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id),
	csrf       TEXT NOT NULL,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE documents (
	id         INTEGER PRIMARY KEY,
	title      TEXT NOT NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('regulation', 'administrative_instruction', 'sop', 'protocol', 'mou', 'policy', 'report', 'other')),
	language   TEXT NOT NULL CHECK (language IN ('sq', 'sr', 'en')),
	status     TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'approved', 'adopted', 'archived')),
	visibility TEXT NOT NULL CHECK (visibility IN ('internal', 'restricted')),
	head       INTEGER NOT NULL,
	created_by INTEGER NOT NULL REFERENCES users (id),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX documents_updated ON documents (updated_at);

CREATE TABLE versions (
	document_id INTEGER NOT NULL REFERENCES documents (id),
	number      INTEGER NOT NULL CHECK (number >= 1),
	body        TEXT NOT NULL,
	sha256      TEXT NOT NULL,
	author_id   INTEGER NOT NULL REFERENCES users (id),
	message     TEXT NOT NULL,
	outline     TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	PRIMARY KEY (document_id, number)
);

-- The database itself refuses to change or remove a version.
CREATE TRIGGER versions_immutable_update BEFORE UPDATE ON versions
BEGIN SELECT RAISE(ABORT, 'versions are immutable'); END;
CREATE TRIGGER versions_immutable_delete BEFORE DELETE ON versions
BEGIN SELECT RAISE(ABORT, 'versions are immutable'); END;

CREATE TABLE members (
	document_id INTEGER NOT NULL REFERENCES documents (id),
	user_id     INTEGER NOT NULL REFERENCES users (id),
	role        TEXT NOT NULL CHECK (role IN ('editor', 'reviewer', 'reader')),
	PRIMARY KEY (document_id, user_id)
);
CREATE INDEX members_user ON members (user_id);

CREATE TABLE audit_log (
	id          INTEGER PRIMARY KEY,
	at          TEXT NOT NULL,
	actor_id    INTEGER,
	actor       TEXT NOT NULL,
	action      TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id   TEXT NOT NULL,
	detail      TEXT NOT NULL
);
CREATE INDEX audit_object ON audit_log (object_type, object_id);

-- The audit log is append-only.
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
