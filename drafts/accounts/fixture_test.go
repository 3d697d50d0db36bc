package accounts_test

import (
	"context"
	"testing"

	"policydesk"
	"policydesk/storage/sqlite/sqlitetest"
)

const password = sqlitetest.Password

var as = sqlitetest.As

// fixture is the accounts service over a real SQLite file.
type fixture struct{ *sqlitetest.Services }

func newFixture(tb testing.TB) *fixture { return &fixture{sqlitetest.New(tb)} }

// auditCount reads the store directly, bypassing the service and its policy.
func (f *fixture) auditCount() int {
	f.TB.Helper()
	_, n, err := f.DB.FindAudit(context.Background(), policydesk.AuditFilter{Limit: 1})
	if err != nil {
		f.TB.Fatal(err)
	}
	return n
}

func (f *fixture) lastAudit() *policydesk.AuditEntry {
	f.TB.Helper()
	entries, _, err := f.DB.FindAudit(context.Background(), policydesk.AuditFilter{Limit: 1})
	if err != nil || len(entries) == 0 {
		f.TB.Fatalf("last audit entry: %v, %d entries", err, len(entries))
	}
	return entries[0]
}

func assertCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := policydesk.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}
