package review_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"policydesk"
	"policydesk/review"
)

// TestInvisibleCharactersRefused checks that round names, comments, replies
// and reasons holding a bidi control or a zero-width character are refused
// with a message naming it, and that nothing is written.
func TestInvisibleCharactersRefused(t *testing.T) {
	f := newFixture(t)
	c := f.comment(f.reviewer, review.NewComment{Quote: quote, Body: "Koment"})
	for _, r := range []rune{'\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C', '\u200B', '\u200D', '\uFEFF'} {
		bad := "Pajtohem" + string(r) + "plotësisht"
		before := f.state()
		attempts := map[string]func() error{
			"round name": func() error { _, err := f.svc.OpenRound(f.as(f.editor), f.doc.ID, bad, 1, ""); return err },
			"comment": func() error {
				_, err := f.svc.AddComment(f.as(f.reviewer), f.doc.ID, review.NewComment{Quote: quote, Body: bad})
				return err
			},
			"reply":  func() error { _, err := f.svc.Reply(f.as(f.reviewer), c.ID, bad); return err },
			"reason": func() error { _, err := f.svc.Decide(f.as(f.editor), c.ID, "rejected", bad); return err },
		}
		for what, attempt := range attempts {
			err := attempt()
			if code := fmt.Sprintf("U+%04X", r); policydesk.ErrorCode(err) != policydesk.EInvalid || !strings.Contains(policydesk.ErrorMessage(err), code) {
				t.Errorf("%s with %U: %v, want EInvalid naming %s", what, r, err, code)
			}
		}
		f.unchanged(before, fmt.Sprintf("texts with %U", r))
	}
	stored, err := f.db.FindComment(context.Background(), c.ID)
	if err != nil || stored.Decision != "" || len(stored.Replies) != 0 {
		t.Errorf("comment after refused texts: %+v, %v", stored, err)
	}
}
