package accounts_test

import (
	"context"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"policydesk"
	"policydesk/drafts/accounts"
	"policydesk/storage/sqldb"
	"policydesk/storage/sqlite"
)

const password = "correct horse battery"

// fixture is the accounts service over a real SQLite file.
type fixture struct {
	tb  testing.TB
	db  *sqldb.DB
	svc *accounts.Service
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "policydesk.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	svc := accounts.NewService(db)
	svc.BcryptCost = bcrypt.MinCost
	return &fixture{tb: tb, db: db, svc: svc}
}

// user creates an account from the command line, which needs no admin.
func (f *fixture) user(login, role string) *policydesk.User {
	f.tb.Helper()
	u, err := f.svc.AddUserOffline(context.Background(), accounts.NewUser{Login: login, Password: password, Role: role})
	if err != nil {
		f.tb.Fatalf("add user %s: %v", login, err)
	}
	return u
}

func as(u *policydesk.User) context.Context {
	return policydesk.NewContextWithUser(context.Background(), u)
}

// auditCount reads the store directly, bypassing the service and its policy.
func (f *fixture) auditCount() int {
	f.tb.Helper()
	_, n, err := f.db.FindAudit(context.Background(), policydesk.AuditFilter{Limit: 1})
	if err != nil {
		f.tb.Fatal(err)
	}
	return n
}

func (f *fixture) lastAudit() *policydesk.AuditEntry {
	f.tb.Helper()
	entries, _, err := f.db.FindAudit(context.Background(), policydesk.AuditFilter{Limit: 1})
	if err != nil || len(entries) == 0 {
		f.tb.Fatalf("last audit entry: %v, %d entries", err, len(entries))
	}
	return entries[0]
}

func assertCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := policydesk.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}
