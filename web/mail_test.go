package web_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"policydesk/notify"
	"policydesk/timefmt"
	"policydesk/web"
)

// memQueue is an in-memory notify.MailQueue keeping the first mail of
// each key, as the database queue does, until the transport lands.
type memQueue struct {
	mu    sync.Mutex
	mails []notify.Mail
	keys  map[string]bool
}

func (q *memQueue) EnqueueMail(_ context.Context, m notify.Mail) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.keys == nil {
		q.keys = map[string]bool{}
	}
	if !q.keys[m.Key] {
		q.keys[m.Key] = true
		q.mails = append(q.mails, m)
	}
	return nil
}

func (q *memQueue) to(addr string) []notify.Mail {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []notify.Mail
	for _, m := range q.mails {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

// mailWorld: the editor (arta) wants mail immediately in Albanian, the
// reviewer (vjosa) a daily digest in Serbian; a comment mentioning the
// editor, a reply and a decision make one item for the editor and two for
// the reviewer.
func mailWorld(t *testing.T) (*inboxEnv, *notify.Mailer, *memQueue, *time.Time) {
	t.Helper()
	r := newInboxEnv(t)
	must(t, r.api("PATCH", "/api/v1/users/me", r.editor, map[string]string{"language": "sq"}), 200)
	must(t, r.api("PATCH", "/api/v1/users/me", r.editor, map[string]any{"mail": "immediately", "email": "arta@example.org"}), 200)
	must(t, r.api("PATCH", "/api/v1/users/me", r.reviewer, map[string]string{"language": "sr"}), 200)
	must(t, r.api("PATCH", "/api/v1/users/me", r.reviewer, map[string]any{"mail": "digest", "email": "vjosa@example.org"}), 200)
	round := r.openRound(2)
	cid := r.comment(round, 2, rvQuote, "Të shtohet larmia, @arta.", nil)
	must(t, r.api("POST", "/api/v1/comments/"+itoa(cid)+"/replies", r.editor, map[string]any{"body": "Pranohet <b>me kënaqësi</b>."}), 201)
	must(t, r.api("POST", "/api/v1/comments/"+itoa(cid)+"/decision", r.editor, map[string]any{"decision": "accepted"}), 200)
	r.follow()
	render, err := web.NewMailRenderer("https://policydesk.example.org/", "en", timefmt.Kosovo())
	if err != nil {
		t.Fatal(err)
	}
	q := &memQueue{}
	now := time.Now().Add(24 * time.Hour)
	m := &notify.Mailer{Store: r.db, Queue: q, Render: render, Zone: timefmt.Kosovo(), DigestHour: 8, Now: func() time.Time { return now }}
	return r, m, q, &now
}

// TestMailImmediatelyInTheRecipientsLanguage: the editor who wants mail
// immediately gets one mail per item, in Albanian, links absolute, no
// images; sending again queues nothing new.
func TestMailImmediatelyInTheRecipientsLanguage(t *testing.T) {
	t.Parallel()
	_, m, q, _ := mailWorld(t)
	for range 2 {
		if _, err := m.SendImmediate(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	mails := q.to("arta@example.org")
	if len(mails) != 1 {
		t.Fatalf("the editor got %d mails, want 1: %+v", len(mails), mails)
	}
	mail := mails[0]
	if mail.Subject != "VJOSA ju përmendi në “Rregullore për qendrat ditore”" {
		t.Errorf("subject = %q", mail.Subject)
	}
	for _, part := range []string{mail.Text, mail.HTML} {
		for _, want := range []string{"Përshëndetje ARTA,", "VJOSA ju përmendi në një koment në", "https://policydesk.example.org/documents/", "#comment-"} {
			if !strings.Contains(part, want) {
				t.Errorf("the mail lacks %q:\n%s", want, part)
			}
		}
	}
	if strings.Contains(mail.HTML, "<img") || strings.Contains(mail.HTML, `href="/`) || strings.Contains(mail.HTML, "src=") {
		t.Errorf("the HTML part has an image or a relative link:\n%s", mail.HTML)
	}
	if !strings.HasPrefix(mail.Key, "audit:") || !strings.Contains(mail.HTML, `lang="sq"`) {
		t.Errorf("key %q, or the HTML is not marked Albanian", mail.Key)
	}
	if len(q.to("vjosa@example.org")) != 0 {
		t.Errorf("the digest reader got an immediate mail")
	}
}

// TestMailDigest: before 08:00 in Kosovo nothing goes; after, one mail for
// the day with every unread item in the reader's language (Serbian);
// again the same day, nothing more; an item after 08:00 waits for the
// next day's digest.
func TestMailDigest(t *testing.T) {
	t.Parallel()
	r, m, q, now := mailWorld(t)
	ctx := context.Background()
	day := m.DigestTime(*now)
	*now = day.Add(-time.Minute)
	if n, err := m.SendDigests(ctx); err != nil || n != 0 {
		t.Fatalf("before 08:00: %d digests (%v)", n, err)
	}
	*now = day.Add(time.Minute)
	for range 2 {
		if _, err := m.SendDigests(ctx); err != nil {
			t.Fatal(err)
		}
	}
	mails := q.to("vjosa@example.org")
	if len(mails) != 1 {
		t.Fatalf("%d digests the first day, want 1", len(mails))
	}
	d := mails[0]
	if d.Subject != "Policy Desk: 2 nova obaveštenja u prijemnom sandučetu" || !strings.Contains(d.Key, day.Format(time.DateOnly)) {
		t.Errorf("digest subject %q key %q", d.Subject, d.Key)
	}
	for _, want := range []string{"ARTA odgovara u diskusiji", "ARTA donosi odluku o vašem komentaru", "https://policydesk.example.org/documents/"} {
		if !strings.Contains(d.Text, want) || !strings.Contains(d.HTML, want) {
			t.Errorf("the digest lacks %q:\n%s", want, d.Text)
		}
	}
	if strings.Contains(d.HTML, "<b>") || strings.Contains(d.HTML, "<img") {
		t.Errorf("the digest's HTML carries markup from user text or an image:\n%s", d.HTML)
	}
	// A reply after 08:00: not in today's digest, in tomorrow's.
	cid := int64(1)
	must(t, r.api("POST", "/api/v1/comments/"+itoa(cid)+"/replies", r.editor, map[string]any{"body": "Edhe diçka."}), 201)
	r.follow()
	if _, err := m.SendDigests(ctx); err != nil || len(q.to("vjosa@example.org")) != 1 {
		t.Fatalf("a second digest the same day (%v)", err)
	}
	*now = day.Add(24*time.Hour + time.Minute)
	if _, err := m.SendDigests(ctx); err != nil {
		t.Fatal(err)
	}
	if got := q.to("vjosa@example.org"); len(got) != 2 || !strings.HasPrefix(got[1].Subject, "Policy Desk: 1 novo") {
		t.Fatalf("the next day's digest: %+v", got)
	}
}

// TestMailSubjectOfALongTitle: a document's title of any length gives a
// subject the queue takes, cut at a character.
func TestMailSubjectOfALongTitle(t *testing.T) {
	t.Parallel()
	render, err := web.NewMailRenderer("https://desk.example.org", "en", timefmt.Kosovo())
	if err != nil {
		t.Fatal(err)
	}
	it := &notify.Item{Kind: notify.KindReply, DocumentID: 1, Round: 1, CommentID: 2, ActorName: "Arta", DocumentTitle: strings.Repeat("Rregullorja ë ", 60), At: time.Now()}
	subject, text, html, err := render.RenderMail(&notify.Recipient{Name: "Vjosa", Email: "v@example.org", Language: "sq"}, []*notify.Item{it}, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	m := notify.Mail{Key: "k", To: "v@example.org", Subject: subject, Text: text, HTML: html}
	if err := m.Validate(); err != nil || !strings.HasSuffix(subject, "…") {
		t.Fatalf("subject of %d bytes %q: %v", len(subject), subject, err)
	}
	if _, err := web.NewMailRenderer("desk.example.org", "en", nil); err == nil {
		t.Fatal("a base URL without a scheme was taken")
	}
}

// TestMailOffMarksOnly: with mail off (no renderer) items are marked and
// nothing is queued, so turning mail on later sends no old news.
func TestMailOffMarksOnly(t *testing.T) {
	t.Parallel()
	_, m, q, _ := mailWorld(t)
	m.Render = nil
	if n, err := m.SendImmediate(context.Background()); err != nil || n != 1 {
		t.Fatalf("with mail off: %d items handled (%v), want the editor's 1", n, err)
	}
	if len(q.mails) != 0 {
		t.Fatalf("with mail off, %d mails were queued", len(q.mails))
	}
	if n, _ := m.SendImmediate(context.Background()); n != 0 {
		t.Fatalf("the items were not marked: %d again", n)
	}
}
