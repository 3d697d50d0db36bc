package review_test

import (
	"context"
	"strings"
	"testing"

	"policydesk"
	"policydesk/review"
)

func TestAddComment_AnchorsInCodePoints(t *testing.T) {
	f := newFixture(t)
	round := f.openRound(1)
	c := f.comment(f.reviewer, review.NewComment{Version: 1, Round: round.Number, Quote: quote, Prefix: "Çdo qendër siguron ",
		Suffix: " për çdo", Body: "Të përcaktohet çka nënkuptohet.", Suggestion: strp("ushqim të shëndetshëm dhe të larmishëm")})

	if c.ID == 0 || c.Status != "open" || c.Quote != quote || c.Author != "vjosa" || c.Round != 1 || c.Version != 1 {
		t.Errorf("comment = %+v", c)
	}
	byteStart := strings.Index(bodyV1, quote)
	if c.Start == byteStart {
		t.Fatalf("test text does not tell bytes from code points (start %d)", c.Start)
	}
	if got := runes(bodyV1, review.Anchor{Start: c.Start, End: c.End}); got != quote {
		t.Errorf("[]rune(body)[%d:%d] = %q, want %q", c.Start, c.End, got, quote)
	}
	if c.Anchor != (review.Anchor{Version: 1, Start: c.Start, End: c.End}) {
		t.Errorf("anchor = %+v", c.Anchor)
	}
	if c.ArticleNum != "1" || c.ArticleID == "" || c.Paragraph != "1.2" {
		t.Errorf("article %q (id %q) paragraph %q, want article 1 paragraph 1.2", c.ArticleNum, c.ArticleID, c.Paragraph)
	}
	if !c.HasSuggestion || c.Suggestion != "ushqim të shëndetshëm dhe të larmishëm" {
		t.Errorf("suggestion = %v %q", c.HasSuggestion, c.Suggestion)
	}

	// What the store holds is the same.
	stored, err := f.db.FindComment(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Start != c.Start || stored.End != c.End || stored.Quote != quote || stored.Paragraph != "1.2" || stored.ArticleNum != "1" {
		t.Errorf("stored = %+v", stored)
	}

	// A quote in article 3, in a plain paragraph.
	c3 := f.comment(f.reviewer, review.NewComment{Version: 1, Quote: "shtatë ditë", Body: "Pse shtatë?"})
	if c3.ArticleNum != "3" || c3.Paragraph != "" || runes(bodyV1, review.Anchor{Start: c3.Start, End: c3.End}) != "shtatë ditë" {
		t.Errorf("comment in article 3 = %+v", c3)
	}
	// Browsers send a form's line breaks as CRLF; the body has LF.
	crlf := f.comment(f.reviewer, review.NewComment{Version: 1, Quote: "për fëmijë.\r\n1.2. Çdo", Prefix: "ditore\r\n",
		Body: "Rreshti 1\r\nRreshti 2", Suggestion: strp("a\r\nb")})
	if crlf.Quote != "për fëmijë.\n1.2. Çdo" || crlf.Body != "Rreshti 1\nRreshti 2" || crlf.Suggestion != "a\nb" {
		t.Errorf("CRLF comment stored as quote %q body %q suggestion %q", crlf.Quote, crlf.Body, crlf.Suggestion)
	}
	// An editor may comment too, without a round.
	f.comment(f.editor, review.NewComment{Quote: "publike dhe private", Body: "Edhe komunale?"})
}

func TestAddComment_Refused(t *testing.T) {
	f := newFixture(t)
	round := f.openRound(1)
	closedRound := f.openRound(1)
	if _, err := f.svc.CloseRound(f.as(f.editor), f.doc.ID, closedRound.Number); err != nil {
		t.Fatal(err)
	}
	ok := review.NewComment{Version: 1, Round: round.Number, Quote: quote, Body: "Koment"}
	cases := []struct {
		name string
		user *policydesk.User
		in   func(review.NewComment) review.NewComment
		code string
	}{
		{"quote not in version", f.reviewer, func(c review.NewComment) review.NewComment { c.Quote = "ushqim të pashëndetshëm"; return c }, policydesk.EInvalid},
		{"empty quote", f.reviewer, func(c review.NewComment) review.NewComment { c.Quote = ""; return c }, policydesk.EInvalid},
		{"no body nor suggestion", f.reviewer, func(c review.NewComment) review.NewComment { c.Body = "  "; return c }, policydesk.EInvalid},
		{"over-long body", f.reviewer, func(c review.NewComment) review.NewComment {
			c.Body = strings.Repeat("ë", review.MaxCommentRunes+1)
			return c
		}, policydesk.EInvalid},
		{"control character", f.reviewer, func(c review.NewComment) review.NewComment { c.Body = "a\x00b"; return c }, policydesk.EInvalid},
		{"version out of range", f.reviewer, func(c review.NewComment) review.NewComment { c.Version = 7; return c }, policydesk.EInvalid},
		{"no such round", f.reviewer, func(c review.NewComment) review.NewComment { c.Round = 42; return c }, policydesk.EInvalid},
		{"closed round", f.reviewer, func(c review.NewComment) review.NewComment { c.Round = closedRound.Number; return c }, policydesk.EConflict},
		{"reviewer not shared", f.outsider, func(c review.NewComment) review.NewComment { return c }, policydesk.ENotFound},
		{"reviewer shared as reader", f.reader, func(c review.NewComment) review.NewComment { return c }, policydesk.EForbidden},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := f.state()
			_, err := f.svc.AddComment(f.as(tc.user), f.doc.ID, tc.in(ok))
			wantCode(t, err, tc.code)
			f.unchanged(before, tc.name)
		})
	}
}
