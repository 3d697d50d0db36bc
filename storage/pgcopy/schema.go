package pgcopy

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
)

// notCopied are the tables a copy deliberately leaves out, on both sides.
var notCopied = map[string]string{
	// Each side's own record of the migrations applied to it: the target's
	// is written by its migrations, and the copy compares the two lists
	// instead of copying one over the other.
	"schema_migrations": "compared, not copied",
}

// seeded are tables a migration fills with a starting row, each with the
// condition that row meets: the target counts as empty while they hold only
// that row, and the copy replaces it with the source's rows.
var seeded = map[string]string{
	// The search change log's counter (migration 0008): the source's value
	// keeps the numbers of the copied search_log rows continuous, so a
	// replica's index that follows the log carries on after the copy.
	"search_log_head": "id = 1 AND seq = 0",
}

// table is one table to copy, as the target's catalog describes it.
type table struct {
	name     string
	columns  []string
	textCols map[string]bool // columns of a text type (ordered byte-wise)
	key      []string        // primary key, or every column when there is none
	identity []string        // identity columns, whose sequences are set past the copy
}

// discover reads the tables of the target's current schema, their columns,
// keys and identity columns, and orders them so that every table comes
// after the tables its foreign keys name.
func discover(ctx context.Context, conn *pgx.Conn) ([]*table, error) {
	byName := map[string]*table{}
	rows, err := conn.Query(ctx, `SELECT c.table_name, c.column_name, c.data_type, c.is_identity
		FROM information_schema.columns c JOIN information_schema.tables t
		  ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
		WHERE c.table_schema = current_schema() ORDER BY c.table_name, c.ordinal_position`)
	if err != nil {
		return nil, fmt.Errorf("reading the target's tables: %w", err)
	}
	var tname, cname, ctype, ident string
	_, err = pgx.ForEachRow(rows, []any{&tname, &cname, &ctype, &ident}, func() error {
		if _, skip := notCopied[tname]; skip {
			return nil
		}
		t := byName[tname]
		if t == nil {
			t = &table{name: tname, textCols: map[string]bool{}}
			byName[tname] = t
		}
		t.columns = append(t.columns, cname)
		t.textCols[cname] = ctype == "text" || strings.HasPrefix(ctype, "character")
		if ident == "YES" {
			t.identity = append(t.identity, cname)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the target's columns: %w", err)
	}
	if err := readKeys(ctx, conn, byName); err != nil {
		return nil, err
	}
	parents, err := readForeignKeys(ctx, conn)
	if err != nil {
		return nil, err
	}
	return orderByForeignKeys(byName, parents)
}

// readKeys sets each table's primary key columns, in key order.
func readKeys(ctx context.Context, conn *pgx.Conn, byName map[string]*table) error {
	rows, err := conn.Query(ctx, `SELECT tc.table_name, kcu.column_name
		FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage kcu
		  ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema AND kcu.table_name = tc.table_name
		WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema()
		ORDER BY tc.table_name, kcu.ordinal_position`)
	if err != nil {
		return fmt.Errorf("reading the target's primary keys: %w", err)
	}
	var tname, cname string
	_, err = pgx.ForEachRow(rows, []any{&tname, &cname}, func() error {
		if t := byName[tname]; t != nil {
			t.key = append(t.key, cname)
		}
		return nil
	})
	for _, t := range byName {
		if len(t.key) == 0 { // no primary key: all columns give the same order on both sides
			t.key = t.columns
		}
	}
	return err
}

// readForeignKeys returns, for each table, the tables its foreign keys name.
func readForeignKeys(ctx context.Context, conn *pgx.Conn) (map[string][]string, error) {
	rows, err := conn.Query(ctx, `SELECT c.relname, p.relname FROM pg_constraint k
		JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
		WHERE k.contype = 'f' AND k.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())`)
	if err != nil {
		return nil, fmt.Errorf("reading the target's foreign keys: %w", err)
	}
	parents := map[string][]string{}
	var child, parent string
	_, err = pgx.ForEachRow(rows, []any{&child, &parent}, func() error {
		if child != parent {
			parents[child] = append(parents[child], parent)
		}
		return nil
	})
	return parents, err
}

// orderByForeignKeys sorts the tables so that parents come first, ties in
// name order.
func orderByForeignKeys(byName map[string]*table, parents map[string][]string) ([]*table, error) {
	done := map[string]bool{}
	var order []*table
	names := make([]string, 0, len(byName))
	for name := range byName {
		names = append(names, name)
	}
	sort.Strings(names)
	for len(order) < len(names) {
		progress := false
		for _, name := range names {
			if done[name] || !slices.ContainsFunc(parents[name], func(p string) bool { return !done[p] && byName[p] != nil }) {
				if !done[name] {
					done[name], progress = true, true
					order = append(order, byName[name])
				}
			}
		}
		if !progress {
			var left []string
			for _, name := range names {
				if !done[name] {
					left = append(left, name)
				}
			}
			return nil, fmt.Errorf("the foreign keys of %s form a cycle, so no table order lets them be copied", strings.Join(left, ", "))
		}
	}
	return order, nil
}

// compareSource checks that the source has exactly the target's copied
// tables, each with the same columns.
func compareSource(ctx context.Context, src *sql.DB, tables []*table) error {
	all, err := queryStrings(ctx, src, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`)
	if err != nil {
		return fmt.Errorf("reading the source's tables: %w", err)
	}
	var names, want []string
	for _, name := range all {
		if _, skip := notCopied[name]; !skip {
			names = append(names, name)
		}
	}
	for _, t := range tables {
		want = append(want, t.name)
		cols, err := queryStrings(ctx, src, `SELECT name FROM pragma_table_info(?)`, t.name)
		if err != nil {
			return fmt.Errorf("reading the source's columns of %s: %w", t.name, err)
		}
		if !sameSet(cols, t.columns) {
			return fmt.Errorf("table %s has columns (%s) in the source but (%s) in the target", t.name, strings.Join(cols, ", "), strings.Join(t.columns, ", "))
		}
	}
	if !sameSet(names, want) {
		sort.Strings(names)
		sort.Strings(want)
		return fmt.Errorf("the source has the tables (%s) but the target (%s)", strings.Join(names, ", "), strings.Join(want, ", "))
	}
	return nil
}

// queryStrings returns the one text column of a query's rows.
func queryStrings(ctx context.Context, db *sql.DB, query string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}

// quote quotes an identifier the same way for both databases.
func quote(name string) string { return pgx.Identifier{name}.Sanitize() }

// columnList is t's columns, quoted, in the target's order.
func (t *table) columnList() string {
	q := make([]string, len(t.columns))
	for i, c := range t.columns {
		q[i] = quote(c)
	}
	return strings.Join(q, ", ")
}

// orderBy orders t's rows by its key; collate "C" on PostgreSQL's text
// columns compares bytes, as SQLite's default BINARY collation does, so
// both sides list the rows in the same order.
func (t *table) orderBy(postgres bool) string {
	q := make([]string, len(t.key))
	for i, c := range t.key {
		q[i] = quote(c)
		if postgres && t.textCols[c] {
			q[i] += ` COLLATE "C"`
		}
	}
	return strings.Join(q, ", ")
}

// selectAll reads every row of t in key order.
func (t *table) selectAll(postgres bool) string {
	return fmt.Sprintf(`SELECT %s FROM %s ORDER BY %s`, t.columnList(), quote(t.name), t.orderBy(postgres))
}
