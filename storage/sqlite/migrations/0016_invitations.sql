-- Accounts made by an invitation: invited = 1 until the invitee chooses a
-- password through the link; an invited account cannot log in.
ALTER TABLE users ADD COLUMN invited INTEGER NOT NULL DEFAULT 0 CHECK (invited IN (0, 1));

-- One invitation per account: the SHA-256 of its one-time token (the token
-- itself is never stored), when it expires, and when it was spent ('' while
-- it is not). email is lower-cased and unique among pending invitations,
-- so two inviters at once cannot make two accounts for one address. Re-inviting replaces the token.
CREATE TABLE invitations (
	user_id    INTEGER PRIMARY KEY REFERENCES users (id),
	email      TEXT NOT NULL CHECK (email <> ''),
	token_hash TEXT NOT NULL UNIQUE CHECK (token_hash <> ''),
	invited_by TEXT NOT NULL,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	spent_at   TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX invitations_pending_email ON invitations (email) WHERE spent_at = '';
