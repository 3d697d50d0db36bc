-- Review rounds, comments anchored to words, replies and decisions.

CREATE TABLE rounds (
	document_id INTEGER NOT NULL REFERENCES documents (id),
	number      INTEGER NOT NULL CHECK (number >= 1),
	name        TEXT NOT NULL,
	version     INTEGER NOT NULL,
	due         TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL CHECK (status IN ('open', 'closed')),
	opened_by   INTEGER NOT NULL REFERENCES users (id),
	created_at  TEXT NOT NULL,
	closed_at   TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (document_id, number),
	FOREIGN KEY (document_id, version) REFERENCES versions (document_id, number)
);

CREATE TABLE comments (
	id           INTEGER PRIMARY KEY,
	document_id  INTEGER NOT NULL REFERENCES documents (id),
	round        INTEGER,
	version      INTEGER NOT NULL,
	start_pos    INTEGER NOT NULL,
	end_pos      INTEGER NOT NULL,
	quote        TEXT NOT NULL,
	prefix       TEXT NOT NULL,
	suffix       TEXT NOT NULL,
	body         TEXT NOT NULL,
	suggestion   TEXT NOT NULL,
	has_suggestion INTEGER NOT NULL DEFAULT 0,
	article_id   TEXT NOT NULL,
	article_num  TEXT NOT NULL,
	paragraph    TEXT NOT NULL,
	author_id    INTEGER NOT NULL REFERENCES users (id),
	status       TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
	decision     TEXT NOT NULL DEFAULT '' CHECK (decision IN ('', 'accepted', 'partially', 'rejected')),
	reason       TEXT NOT NULL DEFAULT '',
	decided_by   INTEGER REFERENCES users (id),
	decided_at   TEXT NOT NULL DEFAULT '',
	applied_version INTEGER,
	created_at   TEXT NOT NULL,
	FOREIGN KEY (document_id, version) REFERENCES versions (document_id, number),
	FOREIGN KEY (document_id, round) REFERENCES rounds (document_id, number)
);
CREATE INDEX comments_document ON comments (document_id, round);

CREATE TABLE replies (
	id         INTEGER PRIMARY KEY,
	comment_id INTEGER NOT NULL REFERENCES comments (id),
	author_id  INTEGER NOT NULL REFERENCES users (id),
	body       TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE INDEX replies_comment ON replies (comment_id);
