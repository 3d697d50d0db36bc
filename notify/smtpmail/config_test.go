package smtpmail_test

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"policydesk/notify"
	"policydesk/notify/smtpmail"
	"policydesk/notify/smtpmail/smtptest"
)

func TestParseURL(t *testing.T) {
	for raw, want := range map[string]smtpmail.Config{
		"smtp://desk:p%40ss@mail.example.org:587": {Host: "mail.example.org", Port: "587", Security: smtpmail.StartTLS, Username: "desk", Password: "p@ss"},
		"smtp://mail.example.org":                 {Host: "mail.example.org", Port: "587", Security: smtpmail.StartTLS},
		"smtps://desk:x@mail.example.org":         {Host: "mail.example.org", Port: "465", Security: smtpmail.ImplicitTLS, Username: "desk", Password: "x"},
		"smtp://127.0.0.1:1025?tls=none":          {Host: "127.0.0.1", Port: "1025", Security: smtpmail.Plain},
	} {
		got, err := smtpmail.ParseURL(raw)
		if err != nil || got.Host != want.Host || got.Port != want.Port || got.Security != want.Security ||
			got.Username != want.Username || got.Password != want.Password {
			t.Errorf("ParseURL(%q) = %+v, %v; want %+v", raw, got, err, want)
		}
	}
	for _, raw := range []string{"http://mail.example.org", "smtp://", "smtps://h?tls=none", "smtp://h?tls=maybe", "smtp://h?tracking=1", "smtp://desk:se cret@h:%zz"} {
		_, err := smtpmail.ParseURL(raw)
		if err == nil {
			t.Errorf("ParseURL(%q) accepted", raw)
		} else if strings.Contains(err.Error(), "se cret") {
			t.Errorf("ParseURL(%q) shows the password: %v", raw, err)
		}
	}
	if _, err := smtpmail.New(smtpmail.Config{Host: "h", Port: "25", From: "Desk <desk@example.org>"}); err == nil {
		t.Error("New accepted a From that is not a bare address")
	}
}

// TestStartTLSRequired: a server that does not offer STARTTLS gets no
// mail (and no password) over smtp://; the mail stays queued.
func TestStartTLSRequired(t *testing.T) {
	srv := smtptest.Start(t)
	srv.Stop()
	srv.TLS = nil // no certificate: go-smtp offers no STARTTLS (and no AUTH in clear)
	srv.Start(t)
	db := openSQLite(t, filepath.Join(t.TempDir(), "policydesk.db"))
	mustEnqueue(t, db, plainMail(1))
	w := fastWorker(db, senderFor(t, srv.Addr, srv.Roots), "one")
	_, err := w.Drain(context.Background())
	if err == nil || !strings.Contains(err.Error(), "does not offer STARTTLS") {
		t.Fatalf("drain: %v, want a refusal to send in clear", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d messages sent without TLS", n)
	}
	if b := backlog(t, db, time.Now()); b.Pending != 1 || b.Failing != 1 {
		t.Fatalf("backlog %+v, want the mail pending with a failed attempt", b)
	}
}

// TestPlainOnLoopback: ?tls=none talks to a loopback server in clear,
// and AUTH PLAIN in clear is allowed only because the server is loopback.
func TestPlainOnLoopback(t *testing.T) {
	srv := smtptest.Start(t)
	srv.Stop()
	srv.TLS = nil
	srv.InsecureAuth = true
	srv.Start(t)
	u := url.URL{Scheme: "smtp", User: url.UserPassword(smtptest.User, smtptest.Password), Host: srv.Addr, RawQuery: "tls=none"}
	c, err := smtpmail.ParseURL(u.String())
	if err != nil {
		t.Fatal(err)
	}
	c.From = testFrom
	snd, err := smtpmail.New(c)
	if err != nil {
		t.Fatal(err)
	}
	db := openSQLite(t, filepath.Join(t.TempDir(), "policydesk.db"))
	mustEnqueue(t, db, plainMail(1))
	if n, err := fastWorker(db, snd, "one").Drain(context.Background()); err != nil || n != 1 {
		t.Fatalf("drain: %d, %v", n, err)
	}
	if got := srv.Messages(); len(got) != 1 || got[0].TLS || got[0].User != smtptest.User {
		t.Fatalf("received %+v, want one message in clear from %s", got, smtptest.User)
	}
}

// TestRefused_KeptAndRetried: a recipient the server refuses (550) stays
// queued with its error and is retried with backoff; the mail after it in
// the batch still goes out.
func TestRefused_KeptAndRetried(t *testing.T) {
	srv := smtptest.Start(t)
	srv.SetRefuse("nobody@ministria.example")
	db := openSQLite(t, filepath.Join(t.TempDir(), "policydesk.db"))
	bad := plainMail(1)
	bad.To = "nobody@ministria.example"
	mustEnqueue(t, db, bad, plainMail(2))
	w := fastWorker(db, senderFor(t, srv.Addr, srv.Roots), "one")
	if n, err := w.Drain(context.Background()); err != nil || n != 2 {
		t.Fatalf("drain: %d, %v; want both handled", n, err)
	}
	if len(srv.Messages()) != 1 {
		t.Fatalf("%d messages, want the good one", len(srv.Messages()))
	}
	b := backlog(t, db, time.Now())
	if b.Pending != 1 || b.Failing != 1 || b.Sent != 1 {
		t.Fatalf("backlog %+v, want the refused mail pending and failing", b)
	}
	srv.SetRefuse("")
	time.Sleep(150 * time.Millisecond) // RetryBase is 100 ms
	if n, err := w.Drain(context.Background()); err != nil || n != 1 {
		t.Fatalf("retry: %d, %v", n, err)
	}
	if b := backlog(t, db, time.Now()); b.Sent != 2 {
		t.Fatalf("backlog %+v after the retry, want 2 sent", b)
	}
}

var _ notify.Sender = (*smtpmail.Sender)(nil)
