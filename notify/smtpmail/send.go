package smtpmail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"policydesk/notify"
)

// Sender sends mails through the configured server, one connection per
// mail (a notification service sends few, and a fresh connection keeps
// one mail's failure from touching the next).
type Sender struct {
	cfg Config
}

var _ notify.Sender = (*Sender)(nil)

// New returns a sender for c, or says what is wrong with c.
func New(c Config) (*Sender, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	if c.HeloName == "" {
		c.HeloName = c.domain()
	}
	return &Sender{cfg: c}, nil
}

// Send delivers m as notify.Sender says: the whole message is written and
// flushed to the server, then handover is called, and only if it succeeds
// is the final "." sent. Every step is bounded by ctx, whose end closes
// the connection.
func (s *Sender) Send(ctx context.Context, m notify.Mail, handover func() error) error {
	msg, err := s.message(m)
	if err != nil {
		return err
	}
	c, err := s.connect(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Mail(s.cfg.From); err != nil {
		return refusal("MAIL FROM", err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return refusal("RCPT TO", err)
	}
	w, err := c.Data()
	if err != nil {
		return refusal("DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("writing the mail to the server: %w", err)
	}
	if err := c.Text.W.Flush(); err != nil {
		return fmt.Errorf("writing the mail to the server: %w", err)
	}
	if err := handover(); err != nil {
		// Closing without the final "." makes the server drop the message.
		return fmt.Errorf("the mail was not handed over: %w", err)
	}
	if err := w.Close(); err != nil {
		return refusal("the end of DATA", err)
	}
	_ = c.Quit() // the mail is accepted; a failed goodbye changes nothing
	return nil
}

// connect opens a connection, says EHLO, secures it as configured and
// authenticates.
func (s *Sender) connect(ctx context.Context) (*smtp.Client, error) {
	var conn net.Conn
	var err error
	if s.cfg.Security == ImplicitTLS {
		d := tls.Dialer{Config: s.cfg.tlsConfig()}
		conn, err = d.DialContext(ctx, "tcp", s.cfg.addr())
	} else {
		var d net.Dialer
		conn, err = d.DialContext(ctx, "tcp", s.cfg.addr())
	}
	if err != nil {
		return nil, fmt.Errorf("the mail server %s cannot be reached: %w", s.cfg.addr(), err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	c, err := s.greet(conn)
	if err != nil {
		stop()
		conn.Close()
		return nil, err
	}
	return c, nil
}

func (s *Sender) greet(conn net.Conn) (*smtp.Client, error) {
	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		return nil, fmt.Errorf("the mail server %s did not greet: %w", s.cfg.addr(), err)
	}
	if err := c.Hello(s.cfg.HeloName); err != nil {
		return nil, refusal("EHLO", err)
	}
	if s.cfg.Security == StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return nil, fmt.Errorf("the mail server %s does not offer STARTTLS; mail is not sent in clear (use smtps:// for TLS from the start)", s.cfg.addr())
		}
		if err := c.StartTLS(s.cfg.tlsConfig()); err != nil {
			return nil, fmt.Errorf("STARTTLS with the mail server %s failed: %w", s.cfg.addr(), err)
		}
	}
	if s.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host, false)); err != nil {
			return nil, refusal("AUTH", err)
		}
	}
	return c, nil
}

// refusal wraps the server's negative reply to step in
// notify.RefusedError; any other error (the connection broke) stays as it
// is.
func refusal(step string, err error) error {
	var reply *textproto.Error
	if errors.As(err, &reply) {
		return &notify.RefusedError{Err: fmt.Errorf("%s: %w", step, err)}
	}
	return fmt.Errorf("%s: %w", step, err)
}

// message builds m as a MIME message: UTF-8, quoted-printable, the text
// part and, when m has HTML, an alternative HTML part cleaned of anything
// that could load from elsewhere or track a reader.
func (s *Sender) message(m notify.Mail) ([]byte, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(s.cfg.From); err != nil {
		return nil, fmt.Errorf("the sender address %q: %w", s.cfg.From, err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("the recipient %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(strings.Trim(notify.MessageID(m.Key, s.cfg.domain()), "<>"))
	msg.SetDateWithValue(time.Now())
	// RFC 3834: an automatic notification, so auto-replies stay away.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, cleanHTML(m.HTML))
	}
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("building the mail: %w", err)
	}
	return buf.Bytes(), nil
}
