package smtpmail_test

import (
	"context"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"policydesk/notify"
	"policydesk/notify/smtpmail/smtptest"
)

// TestSend_RecipientSubjectPartsUTF8: over STARTTLS with AUTH PLAIN, the
// server gets the right envelope and headers, a UTF-8 subject that
// decodes back intact, a text and an HTML part (cleaned of remote images)
// and the Message-ID derived from the key.
func TestSend_RecipientSubjectPartsUTF8(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	db := openSQLite(t, filepath.Join(t.TempDir(), "policydesk.db"))
	m := notify.Mail{Key: "round.opened:12:user:7", To: "besa@ministria.example",
		Subject: "Raundi i ri: Rregullore për çerdhet — novi krug: čćšžđ ČĆŠŽĐ",
		Text:    "Përshëndetje Besa,\nraundi është hapur: https://desk.example/documents/12\nPozdrav, čćšžđ",
		HTML:    `<p>Përshëndetje <strong>Besa</strong>, čćšžđ</p><p><a href="https://desk.example/documents/12">Hap</a></p><img src="https://tracker.example/p.gif" width="1">`}
	mustEnqueue(t, db, m)
	w := fastWorker(db, senderFor(t, srv.Addr, srv.Roots), "one")
	if n, err := w.Drain(context.Background()); err != nil || n != 1 {
		t.Fatalf("drain: %d sent, %v", n, err)
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages arrived, want 1", len(got))
	}
	r := got[0]
	if r.From != testFrom || r.To != m.To || !r.TLS || r.User != smtptest.User {
		t.Fatalf("envelope from %q to %q, TLS %v, user %q", r.From, r.To, r.TLS, r.User)
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(r.Data)))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Fatalf("subject %q (%v), want %q; raw %q", subject, err, m.Subject, msg.Header.Get("Subject"))
	}
	if id := msg.Header.Get("Message-Id"); id != notify.MessageID(m.Key, "policydesk.example") || !strings.HasSuffix(id, "@policydesk.example>") {
		t.Fatalf("Message-ID %q, want %q", id, notify.MessageID(m.Key, "policydesk.example"))
	}
	if to := msg.Header.Get("To"); !strings.Contains(to, m.To) {
		t.Fatalf("To: %q", to)
	}
	parts := readParts(t, msg)
	if parts["text/plain"] != m.Text {
		t.Fatalf("text part %q, want %q", parts["text/plain"], m.Text)
	}
	html := parts["text/html"]
	if !strings.Contains(html, "Përshëndetje <strong>Besa</strong>, čćšžđ") || !strings.Contains(html, `href="https://desk.example/documents/12"`) {
		t.Fatalf("html part lacks its text or link: %q", html)
	}
	if strings.Contains(html, "<img") || strings.Contains(html, "tracker.example") {
		t.Fatalf("html part keeps a remote image: %q", html)
	}
	if b := backlog(t, db, time.Now()); b.Sent != 1 || b.Pending != 0 {
		t.Fatalf("backlog %+v, want 1 sent", b)
	}
}

// readParts returns the decoded parts of a multipart/alternative message
// by content type.
func readParts(tb testing.TB, msg *mail.Message) map[string]string {
	tb.Helper()
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		tb.Fatalf("Content-Type %q (%v), want multipart/alternative", msg.Header.Get("Content-Type"), err)
	}
	out := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			tb.Fatal(err)
		}
		ct, ctParams, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if !strings.EqualFold(ctParams["charset"], "utf-8") {
			tb.Fatalf("part %s has charset %q, want UTF-8", ct, ctParams["charset"])
		}
		var body io.Reader = p
		if p.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
			body = quotedprintable.NewReader(p)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			tb.Fatal(err)
		}
		out[ct] = strings.ReplaceAll(string(b), "\r\n", "\n")
	}
}

// TestSend_DuplicateKeySentOnce: a key queued again, before or after it
// was sent, is sent once.
func TestSend_DuplicateKeySentOnce(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	db := openSQLite(t, filepath.Join(t.TempDir(), "policydesk.db"))
	mustEnqueue(t, db, plainMail(1), plainMail(1))
	w := fastWorker(db, senderFor(t, srv.Addr, srv.Roots), "one")
	ctx := context.Background()
	if _, err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	mustEnqueue(t, db, plainMail(1))
	if n, err := w.Drain(ctx); err != nil || n != 0 {
		t.Fatalf("second drain sent %d (%v), want 0", n, err)
	}
	if got := len(srv.Messages()); got != 1 {
		t.Fatalf("%d messages for one key, want 1", got)
	}
}

// TestOutage_NothingLost: mails queued while the SMTP server is down for
// 30 seconds all arrive, once each, after it is back.
func TestOutage_NothingLost(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	srv.Stop()
	db := openSQLite(t, filepath.Join(t.TempDir(), "policydesk.db"))
	runWorker(t, fastWorker(db, senderFor(t, srv.Addr, srv.Roots), "one"))
	for i := range 6 {
		mustEnqueue(t, db, plainMail(i))
		time.Sleep(time.Second)
	}
	time.Sleep(24 * time.Second) // 30 s down in all
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d messages while the server was down", n)
	}
	b := backlog(t, db, time.Now())
	if b.Pending != 6 || b.Failing != 6 {
		t.Fatalf("during the outage: backlog %+v, want 6 pending, all with failed attempts", b)
	}
	srv.Start(t)
	srv.WaitFor(t, 6, 15*time.Second)
	time.Sleep(500 * time.Millisecond) // anything sent twice would show by now
	for id, n := range srv.ByMessageID(t) {
		if n != 1 {
			t.Errorf("%s arrived %d times", id, n)
		}
	}
	if got := len(srv.ByMessageID(t)); got != 6 {
		t.Fatalf("%d distinct mails arrived, want 6", got)
	}
	if b := backlog(t, db, time.Now()); b.Sent != 6 || b.Pending != 0 {
		t.Fatalf("after the outage: backlog %+v, want 6 sent", b)
	}
}

// TestTwoWorkers_EachMailOnce: two workers (replicas) on one database, each
// with its own connection pool, send 40 mails once each, on SQLite and
// PostgreSQL.
func TestTwoWorkers_EachMailOnce(t *testing.T) {
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			srv := smtptest.Start(t)
			a, b := open(t)
			for i := range 40 {
				mustEnqueue(t, a, plainMail(i))
			}
			runWorker(t, fastWorker(a, senderFor(t, srv.Addr, srv.Roots), "replica-a"))
			runWorker(t, fastWorker(b, senderFor(t, srv.Addr, srv.Roots), "replica-b"))
			srv.WaitFor(t, 40, 30*time.Second)
			time.Sleep(500 * time.Millisecond)
			counts := srv.ByMessageID(t)
			for id, n := range counts {
				if n != 1 {
					t.Errorf("%s arrived %d times", id, n)
				}
			}
			if len(counts) != 40 || len(srv.Messages()) != 40 {
				t.Fatalf("%d distinct mails in %d messages, want 40 in 40", len(counts), len(srv.Messages()))
			}
		})
	}
}
