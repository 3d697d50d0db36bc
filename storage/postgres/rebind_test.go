package postgres

import "testing"

func TestRebind(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT a FROM t WHERE b = ? AND c = ?`, `SELECT a FROM t WHERE b = $1 AND c = $2`},
		{`INSERT INTO t VALUES (?, '?', "q?", ?)`, `INSERT INTO t VALUES ($1, '?', "q?", $2)`},
		{`SELECT 'it''s ?', ? -- why?` + "\n" + `, ?`, `SELECT 'it''s ?', $1 -- why?` + "\n" + `, $2`},
		{`/* ? */ SELECT ?`, `/* ? */ SELECT $1`},
		{`DO $body$ BEGIN PERFORM '?'; END $body$; SELECT ?`, `DO $body$ BEGIN PERFORM '?'; END $body$; SELECT $1`},
		{`SELECT $$?$$, ?`, `SELECT $$?$$, $1`},
		{`? ? ? ? ? ? ? ? ? ? ?`, `$1 $2 $3 $4 $5 $6 $7 $8 $9 $10 $11`},
	} {
		if got := rebind(tc.in); got != tc.want {
			t.Errorf("rebind(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}
