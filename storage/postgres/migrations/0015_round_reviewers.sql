-- Rounds with reviewers: who is asked to review a round, how far each has
-- got (opened_at: first opened the round's page; done_at: said they have
-- finished; "commenting" is derived from their comments), the round's
-- instructions to its reviewers and the history of its extensions.
ALTER TABLE rounds ADD COLUMN instructions TEXT NOT NULL DEFAULT '';

CREATE TABLE round_reviewers (
	document_id BIGINT NOT NULL,
	round       INTEGER NOT NULL,
	user_id     BIGINT NOT NULL REFERENCES users (id),
	added_at    TEXT NOT NULL,
	opened_at   TEXT NOT NULL DEFAULT '',
	done_at     TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (document_id, round, user_id),
	FOREIGN KEY (document_id, round) REFERENCES rounds (document_id, number)
);
CREATE INDEX round_reviewers_user ON round_reviewers (user_id) WHERE done_at = '';

CREATE TABLE round_extensions (
	document_id BIGINT NOT NULL,
	round       INTEGER NOT NULL,
	at          TEXT NOT NULL,
	by_id       BIGINT NOT NULL REFERENCES users (id),
	old_due     TEXT NOT NULL,
	new_due     TEXT NOT NULL CHECK (new_due <> ''),
	reason      TEXT NOT NULL CHECK (reason <> ''),
	FOREIGN KEY (document_id, round) REFERENCES rounds (document_id, number)
);
CREATE INDEX round_extensions_round ON round_extensions (document_id, round);
