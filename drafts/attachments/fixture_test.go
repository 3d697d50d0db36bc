package attachments_test

import (
	"context"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/accounts"
	"policydesk/drafts/markdown"
	"policydesk/storage/sqldb"
	"policydesk/storage/sqlite"
)

const password = "correct horse battery"

// fixture is the drafting service over a real SQLite file, which the
// attachment service checks document access through.
type fixture struct {
	tb  testing.TB
	db  *sqldb.DB
	acc *accounts.Service
	svc *drafts.Service
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "policydesk.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	acc := accounts.NewService(db)
	acc.BcryptCost = bcrypt.MinCost
	return &fixture{tb: tb, db: db, acc: acc, svc: drafts.NewService(db, db, markdown.NewRenderer(64))}
}

// user creates an account from the command line, which needs no admin.
func (f *fixture) user(login, role string) *policydesk.User {
	f.tb.Helper()
	u, err := f.acc.AddUserOffline(context.Background(), accounts.NewUser{Login: login, Password: password, Role: role})
	if err != nil {
		f.tb.Fatalf("add user %s: %v", login, err)
	}
	return u
}

func as(u *policydesk.User) context.Context {
	return policydesk.NewContextWithUser(context.Background(), u)
}

func (f *fixture) createDocument(u *policydesk.User, title, visibility, body string) *drafts.Document {
	f.tb.Helper()
	doc, _, err := f.svc.CreateDocument(as(u), drafts.NewDocument{Title: title, Kind: "regulation", Language: "sq", Visibility: visibility, Body: body})
	if err != nil {
		f.tb.Fatalf("create document %q: %v", title, err)
	}
	return doc
}
