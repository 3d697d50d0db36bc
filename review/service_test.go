package review_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/markdown"
	"policydesk/review"
	"policydesk/storage/sqlite"
)

const password = "correct horse battery"

// The draft is Albanian with ë and ç before the quoted words, so byte and
// code point offsets differ.
const (
	art1 = "## Neni 1 – Qëllimi\n\n" +
		"1. Kjo rregullore përcakton mënyrën e funksionimit të qendrave ditore për fëmijë.\n" +
		"1.2. Çdo qendër siguron ushqim të shëndetshëm për çdo fëmijë.\n\n"
	art2 = "## Neni 2 – Fushëveprimi\n\n" +
		"Rregullorja zbatohet për të gjitha qendrat ditore, publike dhe private.\n\n"
	art3 = "## Neni 3 – Hyrja në fuqi\n\n" +
		"Kjo rregullore hyn në fuqi shtatë ditë pas publikimit në Gazetën Zyrtare.\n"
	title  = "# Rregullore për qendrat ditore\n\n"
	bodyV1 = title + art1 + art2 + art3
	quote  = "ushqim të shëndetshëm"
)

type fixture struct {
	t      *testing.T
	db     *sqlite.DB
	drafts *drafts.Service
	svc    *review.Service

	editor, other, reviewer, reader, outsider *policydesk.User
	doc                                       *drafts.Document
}

// newFixture opens a real SQLite file and creates a restricted document
// owned by an editor, shared with a reviewer (to comment) and with another
// reviewer as reader.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "policydesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ds := drafts.NewService(db, db, markdown.NewRenderer(64))
	ds.BcryptCost = bcrypt.MinCost
	f := &fixture{t: t, db: db, drafts: ds, svc: review.NewService(ds, db)}
	mk := func(login, name, org, role string) *policydesk.User {
		u, err := ds.AddUserOffline(ctx, drafts.NewUser{Login: login, Name: name, Organisation: org, Password: password, Role: role})
		if err != nil {
			t.Fatalf("user %s: %v", login, err)
		}
		return u
	}
	f.editor = mk("arta", "Arta Krasniqi", "Ministria e Punës", policydesk.RoleEditor)
	f.other = mk("besnik", "Besnik Gashi", "", policydesk.RoleEditor)
	f.reviewer = mk("vjosa", "Vjosa Berisha", "Ministria e Drejtësisë", policydesk.RoleReviewer)
	f.reader = mk("dren", "Dren Hoxha", "", policydesk.RoleReviewer)
	f.outsider = mk("lulzim", "Lulzim Morina", "", policydesk.RoleReviewer)
	f.doc, _, err = ds.CreateDocument(f.as(f.editor), drafts.NewDocument{Title: "Rregullore për qendrat ditore",
		Kind: "regulation", Language: "sq", Visibility: "restricted", Body: bodyV1})
	if err != nil {
		t.Fatal(err)
	}
	f.share("vjosa", "reviewer")
	f.share("dren", "reader")
	return f
}

func (f *fixture) as(u *policydesk.User) context.Context {
	return policydesk.NewContextWithUser(context.Background(), u)
}

func (f *fixture) share(login, role string) {
	f.t.Helper()
	if _, err := f.drafts.SetMember(f.as(f.editor), f.doc.ID, login, role); err != nil {
		f.t.Fatal(err)
	}
}

// save writes a new version as the editor on top of the head.
func (f *fixture) save(body string) *drafts.Version {
	f.t.Helper()
	doc, _, err := f.drafts.Document(f.as(f.editor), f.doc.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	v, err := f.drafts.SaveVersion(f.as(f.editor), f.doc.ID, doc.Head, body, "ndryshim")
	if err != nil {
		f.t.Fatal(err)
	}
	return v
}

func (f *fixture) openRound(version int) *review.Round {
	f.t.Helper()
	r, err := f.svc.OpenRound(f.as(f.editor), f.doc.ID, "", version, "2026-12-31")
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

func (f *fixture) comment(u *policydesk.User, in review.NewComment) *review.Comment {
	f.t.Helper()
	c, err := f.svc.AddComment(f.as(u), f.doc.ID, in)
	if err != nil {
		f.t.Fatalf("AddComment %+v: %v", in, err)
	}
	return c
}

// state counts what a refused call must leave untouched.
type state struct{ comments, audit, head int }

func (f *fixture) state() state {
	f.t.Helper()
	ctx := context.Background()
	cs, err := f.db.FindComments(ctx, review.CommentFilter{DocumentID: f.doc.ID})
	if err != nil {
		f.t.Fatal(err)
	}
	_, audit, err := f.db.FindAudit(ctx, policydesk.AuditFilter{Limit: 1})
	if err != nil {
		f.t.Fatal(err)
	}
	doc, err := f.db.FindDocument(ctx, f.doc.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return state{len(cs), audit, doc.Head}
}

func (f *fixture) unchanged(before state, what string) {
	f.t.Helper()
	if after := f.state(); after != before {
		f.t.Errorf("%s changed the store: %+v → %+v", what, before, after)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := policydesk.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}

func strp(s string) *string { return &s }

// runes returns body[start:end] counted in code points.
func runes(body string, a review.Anchor) string {
	r := []rune(body)
	if a.Start < 0 || a.End > len(r) || a.Start > a.End {
		return "<out of range>"
	}
	return string(r[a.Start:a.End])
}

func TestRounds_OpenAndClose(t *testing.T) {
	f := newFixture(t)
	f.save(bodyV1 + "\nShënim.\n")

	r1, err := f.svc.OpenRound(f.as(f.editor), f.doc.ID, "Konsultimi me ministritë", 1, "2026-06-30")
	if err != nil {
		t.Fatal(err)
	}
	if r1.Number != 1 || r1.Status != "open" || r1.Version != 1 || r1.Due != "2026-06-30" || r1.Name != "Konsultimi me ministritë" {
		t.Errorf("round 1 = %+v", r1)
	}
	r2, err := f.svc.OpenRound(f.as(f.editor), f.doc.ID, "", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if r2.Number != 2 || r2.Version != 2 || r2.Name == "" {
		t.Errorf("round 2 (version 0 = head) = %+v", r2)
	}

	before := f.state()
	_, err = f.svc.OpenRound(f.as(f.reviewer), f.doc.ID, "", 1, "")
	wantCode(t, err, policydesk.EForbidden)
	_, err = f.svc.OpenRound(f.as(f.outsider), f.doc.ID, "", 1, "")
	wantCode(t, err, policydesk.ENotFound)
	for _, due := range []string{"31.12.2026", "2026-13-01", "nesër"} {
		_, err = f.svc.OpenRound(f.as(f.editor), f.doc.ID, "", 1, due)
		wantCode(t, err, policydesk.EInvalid)
	}
	for _, v := range []int{3, -1} {
		_, err = f.svc.OpenRound(f.as(f.editor), f.doc.ID, "", v, "")
		wantCode(t, err, policydesk.EInvalid)
	}
	_, err = f.svc.OpenRound(f.as(f.editor), f.doc.ID, "line\nbreak", 1, "")
	wantCode(t, err, policydesk.EInvalid)
	_, err = f.svc.CloseRound(f.as(f.reviewer), f.doc.ID, 1)
	wantCode(t, err, policydesk.EForbidden)
	f.unchanged(before, "refused round changes")

	closed, err := f.svc.CloseRound(f.as(f.editor), f.doc.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if closed.Status != "closed" || closed.ClosedAt.IsZero() {
		t.Errorf("closed round = %+v", closed)
	}
	_, err = f.svc.CloseRound(f.as(f.editor), f.doc.ID, 1)
	wantCode(t, err, policydesk.EConflict)
	_, err = f.svc.CloseRound(f.as(f.editor), f.doc.ID, 9)
	wantCode(t, err, policydesk.ENotFound)

	rounds, err := f.svc.Rounds(f.as(f.reviewer), f.doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rounds) != 2 || rounds[0].Status != "closed" || rounds[1].Status != "open" {
		t.Errorf("rounds = %+v", rounds)
	}
	_, err = f.svc.Rounds(f.as(f.outsider), f.doc.ID)
	wantCode(t, err, policydesk.ENotFound)

	r, prev, err := f.svc.Round(f.as(f.reviewer), f.doc.ID, 2)
	if err != nil || r.Number != 2 || prev != 1 {
		t.Errorf("Round(2) = %+v, prev %d, %v; want prev 1", r, prev, err)
	}
}

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

func TestComments_AnchorsFollowLaterVersions(t *testing.T) {
	f := newFixture(t)
	c := f.comment(f.reviewer, review.NewComment{Version: 1, Quote: quote, Body: "Koment në nenin 1"})
	gone := f.comment(f.reviewer, review.NewComment{Version: 1, Quote: "shtatë ditë pas publikimit", Body: "Koment në nenin 3"})

	find := func(at int, id int64) *review.Comment {
		t.Helper()
		cs, err := f.svc.Comments(f.as(f.reviewer), f.doc.ID, review.CommentFilter{}, at)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range cs {
			if x.ID == id {
				return x
			}
		}
		t.Fatalf("comment %d missing from version %d (never drop a comment)", id, at)
		return nil
	}
	intact := func(v *drafts.Version, what string) {
		t.Helper()
		got := find(v.Number, c.ID)
		if got.Outdated || got.Orphaned {
			t.Errorf("%s: comment outdated=%v orphaned=%v, want intact", what, got.Outdated, got.Orphaned)
		}
		if got.Anchor.Version != v.Number || runes(v.Body, got.Anchor) != quote || got.Quote != quote {
			t.Errorf("%s: anchor %+v holds %q, want %q in v%d", what, got.Anchor, runes(v.Body, got.Anchor), quote, v.Number)
		}
	}

	// An edit in another article.
	v2 := f.save(title + art1 + art2 + strings.Replace(art3, "shtatë ditë", "pesëmbëdhjetë ditë", 1))
	intact(v2, "edit in article 3")

	// A new article before the quoted one renumbers it: Neni 1 becomes Neni 2.
	newArt := "## Neni 1 – Përkufizimet\n\nNë këtë rregullore, “qendër ditore” është çdo institucion për fëmijë.\n\n"
	renumber := func(s, from, to string) string { return strings.Replace(s, "## Neni "+from+" ", "## Neni "+to+" ", 1) }
	v3 := f.save(title + newArt + renumber(art1, "1", "2") + renumber(art2, "2", "3") +
		renumber(strings.Replace(art3, "shtatë ditë", "pesëmbëdhjetë ditë", 1), "3", "4"))
	intact(v3, "new article before it")
	if before := find(v3.Number, c.ID).Anchor.Start; before <= c.Start {
		t.Errorf("anchor start %d in v3 did not move past the inserted article (v1: %d)", before, c.Start)
	}

	// An edit inside the quoted words makes it outdated, with its quote kept.
	v4 := f.save(strings.Replace(v3.Body, "të shëndetshëm", "të freskët", 1))
	got := find(v4.Number, c.ID)
	if !got.Outdated || got.Quote != quote {
		t.Errorf("edit inside the words: outdated=%v quote=%q, want outdated with %q", got.Outdated, got.Quote, quote)
	}
	// Still intact in v3 when viewed there.
	intact(v3, "viewed in v3 after v4 exists")

	// Article 3's words were changed in v2; deleting the whole article
	// (Neni 4 in v4) orphans a comment on it: outdated, never dropped.
	i := strings.Index(v4.Body, "## Neni 4 ")
	v5 := f.save(v4.Body[:i])
	g := find(v5.Number, gone.ID)
	if !g.Outdated || !g.Orphaned || g.Quote != "shtatë ditë pas publikimit" {
		t.Errorf("comment on a deleted article: outdated=%v orphaned=%v quote=%q", g.Outdated, g.Orphaned, g.Quote)
	}
	if g.Anchor.Version != 1 || runes(bodyV1, g.Anchor) != g.Quote {
		t.Errorf("orphaned anchor %+v should stay in the version it was made on", g.Anchor)
	}
	// Head is the default view.
	cs, err := f.svc.Comments(f.as(f.reviewer), f.doc.ID, review.CommentFilter{}, 0)
	if err != nil || len(cs) != 2 {
		t.Errorf("comments at head: %d, %v; want 2", len(cs), err)
	}
	_, err = f.svc.Comments(f.as(f.outsider), f.doc.ID, review.CommentFilter{}, 0)
	wantCode(t, err, policydesk.ENotFound)
}

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

func TestReport(t *testing.T) {
	f := newFixture(t)
	round := f.openRound(1)
	c1 := f.comment(f.reviewer, review.NewComment{Round: round.Number, Quote: quote, Body: "=HYPERLINK(\"http://x\") është e rrezikshme",
		Suggestion: strp("ushqim të larmishëm")})
	c2 := f.comment(f.reviewer, review.NewComment{Round: round.Number, Quote: "shtatë ditë", Body: "Shumë shpejt.", Suggestion: strp("")})
	f.comment(f.reviewer, review.NewComment{Quote: "publike dhe private", Body: "Jashtë raundit"})
	if _, err := f.svc.Decide(f.as(f.editor), c1.ID, "accepted", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Decide(f.as(f.editor), c2.ID, "rejected", "Afati është i zakonshëm."); err != nil {
		t.Fatal(err)
	}
	f.comment(f.editor, review.NewComment{Round: round.Number, Quote: "Fushëveprimi", Body: "@todo"})

	rep, err := f.svc.Report(f.as(f.reviewer), f.doc.ID, round.Number)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 3 || rep.Undecided != 1 {
		t.Fatalf("report has %d rows, %d undecided; want 3 and 1", len(rep.Rows), rep.Undecided)
	}
	r1, r2, r3 := rep.Rows[0], rep.Rows[1], rep.Rows[2]
	if r1.No != 1 || r1.Reviewer != "Vjosa Berisha" || r1.Organisation != "Ministria e Drejtësisë" || r1.Article != "1" ||
		r1.Paragraph != "1.2" || r1.Quote != quote || r1.Comment != c1.Body || r1.Suggestion != "ushqim të larmishëm" ||
		r1.Decision != "Accepted" || r1.Reason != "" {
		t.Errorf("row 1 = %+v", r1)
	}
	if r2.No != 2 || r2.Article != "3" || r2.Suggestion != "(delete these words)" || r2.Decision != "Not accepted" || r2.Reason != "Afati është i zakonshëm." {
		t.Errorf("row 2 = %+v", r2)
	}
	if r3.No != 3 || r3.Reviewer != "Arta Krasniqi" || r3.Article != "2" || r3.Decision != "Not yet decided" {
		t.Errorf("row 3 = %+v", r3)
	}
	_, err = f.svc.Report(f.as(f.outsider), f.doc.ID, round.Number)
	wantCode(t, err, policydesk.ENotFound)
	_, err = f.svc.Report(f.as(f.editor), f.doc.ID, 9)
	wantCode(t, err, policydesk.ENotFound)

	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	data, ok := bytes.CutPrefix(buf.Bytes(), []byte("\ufeff"))
	if !ok {
		t.Fatalf("CSV does not start with a UTF-8 BOM: %q", buf.Bytes()[:min(8, buf.Len())])
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v\n%s", err, data)
	}
	if len(records) != 4 {
		t.Fatalf("CSV has %d records, want header + 3", len(records))
	}
	header := strings.Join(records[0], "|")
	if header != "No.|Reviewer|Organisation|Article|Paragraph|Quoted text|Comment|Suggested wording|Decision|Reason" {
		t.Errorf("header = %q", header)
	}
	want := []string{"1", "Vjosa Berisha", "Ministria e Drejtësisë", "1", "1.2", quote, "'" + c1.Body, "ushqim të larmishëm", "Accepted", ""}
	if strings.Join(records[1], "|") != strings.Join(want, "|") {
		t.Errorf("row 1 = %q\nwant    %q", records[1], want)
	}
	if got := records[3][6]; got != "'@todo" {
		t.Errorf("comment %q starting with @ not defused", got)
	}
}

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
