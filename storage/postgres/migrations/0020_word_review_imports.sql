-- Reviews imported from Word into a round: one row per file, by its
-- SHA-256, so that importing the same file into the round again is refused
-- instead of making every comment twice.
CREATE TABLE word_review_imports (
	document_id BIGINT NOT NULL,
	round       INTEGER NOT NULL,
	sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
	reviewer_id BIGINT NOT NULL REFERENCES users (id),
	imported_by BIGINT NOT NULL REFERENCES users (id),
	imported_at TEXT NOT NULL,
	comments    INTEGER NOT NULL,
	PRIMARY KEY (document_id, round, sha256),
	FOREIGN KEY (document_id, round) REFERENCES rounds (document_id, number)
);
