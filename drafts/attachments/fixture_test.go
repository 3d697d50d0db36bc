package attachments_test

import (
	"testing"

	"policydesk/storage/sqlite/sqlitetest"
)

const password = sqlitetest.Password

var as = sqlitetest.As

// fixture is the drafting service over a real SQLite file, which the
// attachment service checks document access through.
type fixture struct{ *sqlitetest.Services }

func newFixture(tb testing.TB) *fixture { return &fixture{sqlitetest.New(tb)} }
