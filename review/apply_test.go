package review_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"policydesk"
	"policydesk/drafts"
	"policydesk/review"
)

func TestApply(t *testing.T) {
	f := newFixture(t)
	suggestion := "ushqim të shëndetshëm dhe të larmishëm"
	c := f.comment(f.reviewer, review.NewComment{Version: 1, Quote: quote, Body: "Shtohet larmia.", Suggestion: strp(suggestion)})
	plain := f.comment(f.reviewer, review.NewComment{Version: 1, Quote: "publike dhe private", Body: "Pa sugjerim"})
	changed := f.comment(f.reviewer, review.NewComment{Version: 1, Quote: "shtatë ditë", Body: "x", Suggestion: strp("tetë ditë")})

	// The head moves on elsewhere, and changes the words of `changed`.
	v2 := f.save(strings.Replace(bodyV1, "shtatë ditë", "pesëmbëdhjetë ditë", 1))

	before := f.state()
	_, err := f.svc.Apply(f.as(f.reviewer), c.ID, v2.Number)
	wantCode(t, err, policydesk.EForbidden)
	_, err = f.svc.Apply(f.as(f.editor), plain.ID, v2.Number)
	wantCode(t, err, policydesk.EInvalid)
	_, err = f.svc.Apply(f.as(f.editor), changed.ID, v2.Number)
	wantCode(t, err, policydesk.EConflict)
	_, err = f.svc.Apply(f.as(f.editor), c.ID, 1)
	var conflict *drafts.ConflictError
	if !errors.As(err, &conflict) || conflict.Head != v2.Number {
		t.Fatalf("stale base: %v, want *drafts.ConflictError with head %d", err, v2.Number)
	}
	f.unchanged(before, "refused applies")

	v3, err := f.svc.Apply(f.as(f.editor), c.ID, v2.Number)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(v2.Body, quote, suggestion, 1)
	if v3.Number != 3 || v3.Body != want {
		t.Errorf("applied version %d body:\n%s\nwant version 3:\n%s", v3.Number, v3.Body, want)
	}
	stored, err := f.db.FindComment(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Decision != "accepted" || stored.Status != "resolved" || stored.AppliedVersion != 3 || stored.DecidedBy != "arta" {
		t.Errorf("after apply: decision %q status %q applied %d by %q", stored.Decision, stored.Status, stored.AppliedVersion, stored.DecidedBy)
	}
	// The suggestion keeps the quoted words, so they are still intact in v3;
	// applying it a second time must not duplicate the new words.
	before = f.state()
	_, err = f.svc.Apply(f.as(f.editor), c.ID, v3.Number)
	wantCode(t, err, policydesk.EConflict)
	f.unchanged(before, "applying an applied suggestion again")
	cs, err := f.svc.Comments(f.as(f.editor), f.doc.ID, review.CommentFilter{}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 3 {
		t.Errorf("comments at v3 = %d, want 3", len(cs))
	}
}
