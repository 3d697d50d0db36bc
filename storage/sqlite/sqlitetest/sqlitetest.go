// Package sqlitetest wires the accounts and drafting services over a fresh
// SQLite file, for the tests of the packages that use them: one fixture
// instead of a copy in each test package.
package sqlitetest

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

// Password is the password of every user the fixture makes.
const Password = "correct horse battery"

// Services are the services over one SQLite file in the test's temporary
// folder, closed when the test ends. Passwords are hashed at bcrypt's
// lowest cost, to keep tests fast.
type Services struct {
	TB       testing.TB
	DB       *sqldb.DB
	Accounts *accounts.Service
	Drafts   *drafts.Service
}

// New opens a fresh database and the services over it.
func New(tb testing.TB) *Services {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "policydesk.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	acc := accounts.NewService(db)
	acc.BcryptCost = bcrypt.MinCost
	return &Services{TB: tb, DB: db, Accounts: acc, Drafts: drafts.NewService(db, db, markdown.NewRenderer(64))}
}

// User creates an account as the command line does, which needs no admin.
func (s *Services) User(login, role string) *policydesk.User {
	s.TB.Helper()
	u, err := s.Accounts.AddUserOffline(context.Background(), accounts.NewUser{Login: login, Password: Password, Role: role})
	if err != nil {
		s.TB.Fatalf("add user %s: %v", login, err)
	}
	return u
}

// As is a context acting as u.
func As(u *policydesk.User) context.Context {
	return policydesk.NewContextWithUser(context.Background(), u)
}

// CreateDocument creates a regulation in Albanian as u.
func (s *Services) CreateDocument(u *policydesk.User, title, visibility, body string) *drafts.Document {
	s.TB.Helper()
	doc, _, err := s.Drafts.CreateDocument(As(u), drafts.NewDocument{Title: title, Kind: "regulation", Language: "sq", Visibility: visibility, Body: body})
	if err != nil {
		s.TB.Fatalf("create document %q: %v", title, err)
	}
	return doc
}
