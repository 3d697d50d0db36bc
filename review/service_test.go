package review_test

import (
	"context"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/accounts"
	"policydesk/drafts/markdown"
	"policydesk/review"
	"policydesk/storage/sqldb"
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
	t      testing.TB
	db     *sqldb.DB
	drafts *drafts.Service
	svc    *review.Service

	editor, other, reviewer, reader, outsider *policydesk.User
	doc                                       *drafts.Document
}

// newFixture opens a real SQLite file and creates a restricted document
// owned by an editor, shared with a reviewer (to comment) and with another
// reviewer as reader.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "policydesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ds := drafts.NewService(db, db, markdown.NewRenderer(64))
	acc := accounts.NewService(db)
	acc.BcryptCost = bcrypt.MinCost
	f := &fixture{t: t, db: db, drafts: ds, svc: review.NewService(ds, db)}
	mk := func(login, name, org, role string) *policydesk.User {
		u, err := acc.AddUserOffline(ctx, accounts.NewUser{Login: login, Name: name, Organisation: org, Password: password, Role: role})
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
