package notify

import (
	"context"
	"errors"
)

// Sender hands one mail to a mail server (notify/smtpmail over SMTP).
//
// Send delivers m within ctx. Just before the step after which the server
// may accept the message (over SMTP: the final "." of DATA, every byte of
// the message already written), it calls handover. If handover returns an
// error, Send must abandon the message without that step and return an
// error wrapping handover's. After handover returned nil, an error Send
// returns is either the server's explicit refusal, wrapped in
// *RefusedError (the mail was not accepted), or anything else (the
// connection broke or timed out: whether the server accepted the mail is
// unknown).
type Sender interface {
	Send(ctx context.Context, m Mail, handover func() error) error
}

// RefusedError is a mail server's answer that it does not take a mail
// (over SMTP a 4xx or 5xx reply): nothing was delivered.
type RefusedError struct{ Err error }

func (e *RefusedError) Error() string { return "the mail server refused the mail: " + e.Err.Error() }
func (e *RefusedError) Unwrap() error { return e.Err }

// refused tells whether err is a server's refusal.
func refused(err error) bool {
	var r *RefusedError
	return errors.As(err, &r)
}
