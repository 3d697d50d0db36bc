package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"policydesk/notify"
	"policydesk/timefmt"
	"policydesk/web"
)

// TestMailRoundOpenedAndClosed: a reviewer who wants mail immediately, in
// Serbian, gets "round opened" with the round's address and "round
// closed" with the consultation report's; the editor who opened and closed
// it gets neither.
func TestMailRoundOpenedAndClosed(t *testing.T) {
	t.Parallel()
	r := newInboxEnv(t)
	must(t, r.api("PATCH", "/api/v1/users/me", r.reviewer, map[string]string{"language": "sr"}), 200)
	must(t, r.api("PATCH", "/api/v1/users/me", r.reviewer, map[string]any{"mail": "immediately", "email": "vjosa@example.org"}), 200)
	must(t, r.api("PATCH", "/api/v1/users/me", r.editor, map[string]any{"mail": "immediately", "email": "arta@example.org"}), 200)
	must(t, r.api("POST", docPath(r.id, "/rounds"), r.editor, map[string]any{"version": 2, "reviewers": []string{"vjosa"}}), 201)
	must(t, r.api("POST", docPath(r.id, "/rounds/1/close"), r.editor, nil), 200)
	r.follow()
	render, err := web.NewMailRenderer("https://policydesk.example.org/", "en", timefmt.Kosovo())
	if err != nil {
		t.Fatal(err)
	}
	q := &memQueue{}
	m := &notify.Mailer{Store: r.db, Queue: q, Render: render, Zone: timefmt.Kosovo(), DigestHour: 8, Now: time.Now}
	if _, err := m.SendImmediate(context.Background()); err != nil {
		t.Fatal(err)
	}
	mails := q.to("vjosa@example.org")
	if len(mails) != 2 {
		t.Fatalf("the reviewer got %d mails, want 2", len(mails))
	}
	round := "https://policydesk.example.org/documents/" + itoa(r.id) + "/rounds/1"
	want := map[string]string{
		"Otvoren je krug recenzije: Rregullore për qendrat ditore":  round + "\n",
		"Zatvoren je krug recenzije: Rregullore për qendrat ditore": round + "/report",
	}
	for _, mail := range mails {
		link, ok := want[mail.Subject]
		if !ok {
			t.Errorf("unexpected subject %q", mail.Subject)
			continue
		}
		if !strings.Contains(mail.Text+"\n", link) || !strings.Contains(mail.Text, "ARTA") {
			t.Errorf("mail %q lacks the link %q or who did it:\n%s", mail.Subject, link, mail.Text)
		}
	}
	if got := q.to("arta@example.org"); len(got) != 0 {
		t.Errorf("the editor got mail about her own round: %q", got[0].Subject)
	}
}
