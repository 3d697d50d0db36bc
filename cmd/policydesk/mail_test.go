package main

import (
	"context"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"policydesk/notify"
	"policydesk/notify/smtpmail"
	"policydesk/notify/smtpmail/smtptest"
	"policydesk/storage/sqlite"
)

// TestMailConfig: mail is off without POLICYDESK_SMTP_URL; with it, the
// sender's address and the base URL are needed and checked, and a bad
// setting stops the start with a sentence naming it.
func TestMailConfig(t *testing.T) {
	parse := func(vars map[string]string) (*Config, error) {
		c, _, err := parseConfig("serve", nil, func(k string) string { return vars[k] }, io.Discard)
		return c, err
	}
	c, err := parse(nil)
	if err != nil || c.Mail.On() || mailQueue(c.Mail, nil) != notify.MailOff {
		t.Fatalf("no SMTP URL: %+v, %v; want mail off", c.Mail, err)
	}
	c, err = parse(map[string]string{"POLICYDESK_SMTP_URL": "smtps://desk:p%40ss@mail.example.org",
		"POLICYDESK_MAIL_FROM": "desk@example.org", "POLICYDESK_BASE_URL": "https://desk.example.org/"})
	if err != nil || !c.Mail.On() || c.Mail.SMTP.Security != smtpmail.ImplicitTLS || c.Mail.SMTP.Password != "p@ss" ||
		c.Mail.SMTP.From != "desk@example.org" || c.Mail.BaseURL != "https://desk.example.org" {
		t.Fatalf("mail on: %+v, %v", c.Mail, err)
	}
	for _, bad := range []struct{ url, from, base, names string }{
		{"imap://h", "desk@example.org", "https://d.example", "POLICYDESK_SMTP_URL"},
		{"smtp://h", "", "https://d.example", "POLICYDESK_MAIL_FROM"},
		{"smtp://h", "Desk <desk@example.org>", "https://d.example", "POLICYDESK_MAIL_FROM"},
		{"smtp://h", "desk@example.org", "", "POLICYDESK_BASE_URL"},
		{"smtp://h", "desk@example.org", "desk.example.org", "POLICYDESK_BASE_URL"},
	} {
		_, err := parse(map[string]string{"POLICYDESK_SMTP_URL": bad.url, "POLICYDESK_MAIL_FROM": bad.from, "POLICYDESK_BASE_URL": bad.base})
		if err == nil || !strings.Contains(err.Error(), bad.names) {
			t.Errorf("%+v: %v, want an error naming %s", bad, err, bad.names)
		}
	}
}

// TestServe_SendsQueuedMail: the real binary with POLICYDESK_SMTP_URL set
// sends a mail queued in its database to a real SMTP server on loopback,
// and stops cleanly; without it the log says mail is off.
func TestServe_SendsQueuedMail(t *testing.T) {
	srv := smtptest.Start(t)
	srv.Stop()
	srv.TLS, srv.InsecureAuth = nil, true // ?tls=none, loopback only
	srv.Start(t)
	u := url.URL{Scheme: "smtp", User: url.UserPassword(smtptest.User, smtptest.Password), Host: srv.Addr, RawQuery: "tls=none"}
	s := startServer(t, "", "POLICYDESK_SMTP_URL="+u.String(), "POLICYDESK_MAIL_FROM=desk@policydesk.example",
		"POLICYDESK_BASE_URL=https://desk.example.org")
	db, err := sqlite.Open(context.Background(), filepath.Join(s.DataDir, databaseName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := notify.Mail{Key: "round.opened:1:user:2", To: "besa@ministria.example", Subject: "Raundi i ri — čćšžđ", Text: "https://desk.example.org/documents/1"}
	if err := db.EnqueueMail(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	srv.WaitFor(t, 1, 15*time.Second)
	if got := srv.Messages()[0]; got.To != m.To || got.Header(t).Get("Message-Id") != notify.MessageID(m.Key, "policydesk.example") {
		t.Fatalf("received to %s, Message-ID %s", got.To, got.Header(t).Get("Message-Id"))
	}
	if !strings.Contains(s.Logs(), "e-mail is on") {
		t.Errorf("the log does not say mail is on:\n%s", s.Logs())
	}
	off := startServer(t, "")
	if !strings.Contains(off.Logs(), "e-mail is off") {
		t.Errorf("without POLICYDESK_SMTP_URL the log does not say mail is off:\n%s", off.Logs())
	}
}
