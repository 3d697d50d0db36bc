package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"policydesk"
)

// Bounds of a mail the queue takes: a key or subject fits a line, and a
// body stays far below what any SMTP server accepts.
const (
	MaxKeyLen     = 200
	MaxSubjectLen = 400
	MaxBodyLen    = 512 << 10
)

// Validate says what is wrong with m for the queue, as an EInvalid error,
// or nil. Line breaks in the key, address or subject are refused: they
// would end a mail header early.
func (m Mail) Validate() error {
	switch {
	case strings.TrimSpace(m.Key) == "" || len(m.Key) > MaxKeyLen || strings.ContainsAny(m.Key, "\r\n"):
		return policydesk.Errorf(policydesk.EInvalid, "A mail needs a key of one line and at most %d bytes.", MaxKeyLen)
	case !validAddress(m.To):
		return policydesk.Errorf(policydesk.EInvalid, "The mail's recipient %q is not an e-mail address.", m.To)
	case strings.TrimSpace(m.Subject) == "" || len(m.Subject) > MaxSubjectLen || strings.ContainsAny(m.Subject, "\r\n"):
		return policydesk.Errorf(policydesk.EInvalid, "A mail needs a subject of one line and at most %d bytes.", MaxSubjectLen)
	case strings.TrimSpace(m.Text) == "":
		return policydesk.Errorf(policydesk.EInvalid, "A mail needs a plain-text part.")
	case len(m.Text) > MaxBodyLen || len(m.HTML) > MaxBodyLen:
		return policydesk.Errorf(policydesk.EInvalid, "A mail's text and HTML parts may each hold at most %d KB.", MaxBodyLen>>10)
	case !utf8.ValidString(m.Subject) || !utf8.ValidString(m.Text) || !utf8.ValidString(m.HTML):
		return policydesk.Errorf(policydesk.EInvalid, "A mail's subject and parts must be UTF-8 text.")
	}
	return nil
}

// validAddress accepts one bare address (name@domain), nothing around it.
func validAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == "" && strings.Contains(s, "@")
}

// MessageID is the Message-ID of the mail with key, sent from domain:
// derived from the key alone, so the same mail carries the same id on
// every attempt and a receiving server can recognise a copy.
func MessageID(key, domain string) string {
	sum := sha256.Sum256([]byte(key))
	return "<" + hex.EncodeToString(sum[:16]) + "@" + domain + ">"
}

// QueuedMail is a mail the worker claimed from the queue.
type QueuedMail struct {
	ID int64
	Mail
	Attempts int // failed attempts so far
}

// MailStore is the queue as the worker drains it. Several workers (one per
// replica) may share it; each row is held by at most one at a time.
type MailStore interface {
	MailQueue
	// ClaimMails claims for consumer, until until, up to limit pending
	// mails due by now that no other consumer holds a live claim on,
	// oldest due first. A consumer may claim its own claims again; another
	// only once they expired (a dead replica's).
	ClaimMails(ctx context.Context, consumer string, limit int, now, until time.Time) ([]QueuedMail, error)
	// MarkMailSending records, at at, that consumer is handing mail id to
	// the server: only if the mail is pending and consumer still holds it
	// (even past its claim's end: nobody else took it). Otherwise it
	// returns an EConflict error and changes nothing; the caller must then
	// not hand the mail over.
	MarkMailSending(ctx context.Context, id int64, consumer string, at time.Time) error
	// MarkMailSent records that the server accepted mail id, which
	// consumer marked sending.
	MarkMailSent(ctx context.Context, id int64, consumer string, at time.Time) error
	// RetryMail puts mail id, held by consumer (pending or sending), back
	// as pending with one more attempt, due at next, keeping cause.
	RetryMail(ctx context.Context, id int64, consumer string, next time.Time, cause string) error
	// UnconfirmedMail keeps mail id, which consumer marked sending, as
	// sending (it is never sent again) with cause, and ends the claim: the
	// server may or may not have accepted it.
	UnconfirmedMail(ctx context.Context, id int64, consumer, cause string) error
	// ReleaseMailClaims ends consumer's claims on pending mails, when it
	// stops, so another replica takes them at once.
	ReleaseMailClaims(ctx context.Context, consumer string) error
	// MailBacklog counts the queue's mails by state, for logs and checks.
	MailBacklog(ctx context.Context, now time.Time) (Backlog, error)
}

// Backlog is the state of the mail queue.
type Backlog struct {
	Pending     int       // waiting to be sent, failing ones included
	Failing     int       // pending after at least one failed attempt
	Unconfirmed int       // handed over by a worker that stopped before the server answered
	Sent        int       // accepted by the server
	Oldest      time.Time // when the oldest pending mail was queued; zero when none
}

// MailOff is the queue when no mail server is configured: it queues
// nothing, so no mail piles up that nobody will send.
var MailOff MailQueue = mailOff{}

type mailOff struct{}

func (mailOff) EnqueueMail(context.Context, Mail) error { return nil }
