-- The inbox: what concerns each user, derived from the audit log by the
-- notify package's follower. key is unique per (event, user), so a follower
-- that retries a batch adds nothing twice. mail says what the user's mail
-- setting was when the item was made: 'now' (one mail each), 'digest' (the
-- daily digest) or 'none'; mailed_at is set once the mail is queued.
-- digest_day is the day (YYYY-MM-DD) of the digest an item was put in,
-- fixed before the digest is queued so a repeated attempt sends the same.
CREATE TABLE inbox_items (
	id          INTEGER PRIMARY KEY,
	key         TEXT NOT NULL UNIQUE,
	user_id     INTEGER NOT NULL REFERENCES users (id),
	kind        TEXT NOT NULL CHECK (kind <> ''),
	document_id INTEGER NOT NULL REFERENCES documents (id),
	round       INTEGER,
	comment_id  INTEGER REFERENCES comments (id),
	actor_id    INTEGER REFERENCES users (id),
	at          TEXT NOT NULL,
	read        INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1)),
	mail        TEXT NOT NULL CHECK (mail IN ('now', 'digest', 'none')),
	mailed_at   TEXT NOT NULL DEFAULT '',
	digest_day  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX inbox_items_user ON inbox_items (user_id, id);
CREATE INDEX inbox_items_unread ON inbox_items (user_id) WHERE read = 0;
CREATE INDEX inbox_items_unmailed ON inbox_items (mail, id) WHERE mailed_at = '' AND mail <> 'none';

-- Followers of the audit log: how far each has read, and which replica
-- holds it until when (a lease, so one replica follows at a time).
CREATE TABLE audit_followers (
	name        TEXT PRIMARY KEY,
	position    INTEGER NOT NULL DEFAULT 0,
	holder      TEXT NOT NULL DEFAULT '',
	lease_until TEXT NOT NULL DEFAULT ''
);

-- How each user wants mail about their inbox, and where it goes ('' is
-- no address: nothing is mailed).
ALTER TABLE users ADD COLUMN mail TEXT NOT NULL DEFAULT 'immediately' CHECK (mail IN ('immediately', 'digest', 'off'));
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
