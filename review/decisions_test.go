package review_test

import (
	"context"
	"strings"
	"testing"

	"policydesk"
	"policydesk/review"
)

func TestDecide(t *testing.T) {
	f := newFixture(t)
	c := f.comment(f.reviewer, review.NewComment{Quote: quote, Body: "Koment"})

	before := f.state()
	_, err := f.svc.Decide(f.as(f.reviewer), c.ID, "accepted", "")
	wantCode(t, err, policydesk.EForbidden)
	_, err = f.svc.Decide(f.as(f.outsider), c.ID, "accepted", "")
	wantCode(t, err, policydesk.ENotFound)
	for _, d := range []string{"rejected", "partially"} {
		_, err = f.svc.Decide(f.as(f.editor), c.ID, d, "   ")
		wantCode(t, err, policydesk.EInvalid)
	}
	_, err = f.svc.Decide(f.as(f.editor), c.ID, "maybe", "arsye")
	wantCode(t, err, policydesk.EInvalid)
	_, err = f.svc.Decide(f.as(f.editor), 9999, "accepted", "")
	wantCode(t, err, policydesk.ENotFound)
	f.unchanged(before, "refused decisions")

	if _, err := f.svc.Decide(f.as(f.editor), c.ID, "accepted", ""); err != nil {
		t.Fatal(err)
	}
	d, err := f.svc.Decide(f.as(f.editor), c.ID, "rejected", "Bie ndesh me ligjin bazë.")
	if err != nil {
		t.Fatal(err)
	}
	stored, err := f.db.FindComment(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Decision != "rejected" || stored.Decision != "rejected" || stored.Reason != "Bie ndesh me ligjin bazë." ||
		stored.DecidedBy != "arta" || stored.DecidedAt.IsZero() {
		t.Errorf("stored decision = %+v", stored)
	}

	r, err := f.svc.Reply(f.as(f.reviewer), c.ID, "Faleminderit.")
	if err != nil || r.ID == 0 {
		t.Fatalf("reply: %+v %v", r, err)
	}
	_, err = f.svc.Reply(f.as(f.reader), c.ID, "Edhe unë.")
	wantCode(t, err, policydesk.EForbidden)
}

// TestDecideAfterApply checks that wording already applied cannot be
// recorded as not accepted: the consultation report would say the
// proposal was refused while the text carries it.
func TestDecideAfterApply(t *testing.T) {
	f := newFixture(t)
	c := f.comment(f.reviewer, review.NewComment{Version: 1, Quote: quote, Body: "Shtohet larmia.",
		Suggestion: strp("ushqim të larmishëm")})
	if _, err := f.svc.Apply(f.as(f.editor), c.ID, 1); err != nil {
		t.Fatal(err)
	}
	before := f.state()
	_, err := f.svc.Decide(f.as(f.editor), c.ID, "rejected", "Nuk pajtohemi.")
	wantCode(t, err, policydesk.EConflict)
	if msg := policydesk.ErrorMessage(err); !strings.Contains(msg, "version 2") || !strings.Contains(msg, "partially accepted") {
		t.Errorf("message %q does not say where the wording is and what may be recorded", msg)
	}
	f.unchanged(before, "a refused decision")
	stored, err := f.db.FindComment(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Decision != "accepted" || stored.Reason != "" {
		t.Errorf("after a refused decision: %q (%q)", stored.Decision, stored.Reason)
	}
	// Partially accepted, with a reason, and back to accepted remain possible.
	for _, d := range []struct{ decision, reason string }{{"partially", "Vetëm pjesa e parë."}, {"accepted", ""}} {
		got, err := f.svc.Decide(f.as(f.editor), c.ID, d.decision, d.reason)
		if err != nil || got.Decision != d.decision {
			t.Fatalf("Decide %s after apply: %+v, %v", d.decision, got, err)
		}
	}
}
