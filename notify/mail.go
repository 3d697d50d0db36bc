package notify

import "context"

// Mail is one e-mail ready to send: addressed, and written in its
// recipient's language.
type Mail struct {
	// Key identifies what the mail is about and for whom (for example
	// "comment.reply:812:user:7"). A key is queued and sent at most once:
	// queueing it again is a no-op.
	Key     string
	To      string // one address
	Subject string
	Text    string // the plain-text part, always present
	HTML    string // the HTML part; "" for a plain-text mail
}

// MailQueue is the durable queue of mails the worker sends.
type MailQueue interface {
	// EnqueueMail queues m unless a mail with its key was queued before.
	EnqueueMail(ctx context.Context, m Mail) error
}
