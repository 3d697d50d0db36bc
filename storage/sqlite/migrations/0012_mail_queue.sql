-- The e-mail queue (notify.Worker sends it). A mail is queued once per key
-- (what it is about and for whom): queueing the key again does nothing.
--
-- status: pending (to send; attempts, next_at and last_error say when and
-- why after a failure; never dropped however often it fails), sending
-- (the mail was handed to the SMTP server and the server's answer was not
-- recorded yet: marked before the message's final "." so that a crash
-- after the server accepted it can never send it twice; a row left in
-- sending by a crash is never sent again and counts as unconfirmed), sent
-- (the server accepted it at sent_at).
--
-- Several replicas share the queue: a worker claims a row until
-- claimed_until, and marks it sending only while it still holds it.
CREATE TABLE mail_queue (
	id            INTEGER PRIMARY KEY,
	mail_key      TEXT NOT NULL UNIQUE,
	recipient     TEXT NOT NULL,
	subject       TEXT NOT NULL,
	text_body     TEXT NOT NULL,
	html_body     TEXT NOT NULL DEFAULT '',
	status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent')),
	attempts      INTEGER NOT NULL DEFAULT 0,
	next_at       TEXT NOT NULL DEFAULT '',
	last_error    TEXT NOT NULL DEFAULT '',
	claimed_by    TEXT NOT NULL DEFAULT '',
	claimed_until TEXT NOT NULL DEFAULT '',
	sent_at       TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX mail_queue_due ON mail_queue (status, next_at);
