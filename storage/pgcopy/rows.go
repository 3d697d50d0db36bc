package pgcopy

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"policydesk/drafts"
)

// digest is a SHA-256 over rows, fed the same way from both databases:
// each value tagged with its kind (n NULL, i integer, s text with its
// length), so no two different rows can feed the same bytes.
type digest struct {
	h   hash.Hash
	buf []byte
}

func newDigest() *digest { return &digest{h: sha256.New()} }

// add feeds one row. Values are what the drivers return: int64 (or int32
// from PostgreSQL's integer), string or []byte, nil.
func (d *digest) add(row []any) error {
	b := d.buf[:0]
	for _, v := range row {
		switch v := v.(type) {
		case nil:
			b = append(b, 'n')
		case int64:
			b = strconv.AppendInt(append(b, 'i'), v, 10)
		case int32:
			b = strconv.AppendInt(append(b, 'i'), int64(v), 10)
		case string:
			b = append(strconv.AppendInt(append(b, 's'), int64(len(v)), 10), ':')
			b = append(b, v...)
		default:
			return fmt.Errorf("a value of type %T, which the copy does not know", v)
		}
		b = append(b, ';')
	}
	d.buf = append(b, '\n')
	_, err := d.h.Write(d.buf)
	return err
}

func (d *digest) sum() string { return hex.EncodeToString(d.h.Sum(nil)) }

// sourceRows streams one table from SQLite to pgx's CopyFrom, one row in
// memory at a time, digesting each row as it passes.
type sourceRows struct {
	rows   *sql.Rows
	vals   []any
	ptrs   []any
	digest *digest
	n      int64
	err    error
}

func newSourceRows(rows *sql.Rows, ncols int) *sourceRows {
	s := &sourceRows{rows: rows, vals: make([]any, ncols), ptrs: make([]any, ncols), digest: newDigest()}
	for i := range s.vals {
		s.ptrs[i] = &s.vals[i]
	}
	return s
}

func (s *sourceRows) Next() bool {
	if s.err != nil || !s.rows.Next() {
		return false
	}
	if s.err = s.rows.Scan(s.ptrs...); s.err != nil {
		return false
	}
	for i, v := range s.vals {
		if b, ok := v.([]byte); ok { // a text stored as a blob: its bytes, as text
			s.vals[i] = string(b)
		}
	}
	if s.err = s.digest.add(s.vals); s.err != nil {
		return false
	}
	s.n++
	return true
}

func (s *sourceRows) Values() ([]any, error) { return s.vals, nil }

func (s *sourceRows) Err() error {
	if s.err != nil {
		return s.err
	}
	return s.rows.Err()
}

// TableResult is what the copy did to one table.
type TableResult struct {
	Name    string
	Rows    int64
	SHA256  string // of the rows in key order, equal on both sides
	Elapsed time.Duration
}

// copyTable streams t from src into tx and returns the source's count and
// digest.
func copyTable(ctx context.Context, src *sql.DB, tx pgx.Tx, t *table, insert bool) (*TableResult, error) {
	start := time.Now()
	rows, err := src.QueryContext(ctx, t.selectAll(false))
	if err != nil {
		return nil, fmt.Errorf("reading %s from the source: %w", t.name, err)
	}
	defer rows.Close()
	sr := newSourceRows(rows, len(t.columns))
	n, err := writeRows(ctx, tx, t, sr, insert)
	if err != nil {
		if sr.err != nil {
			err = sr.err
		}
		return nil, fmt.Errorf("copying %s: %w", t.name, err)
	}
	if n != sr.n {
		return nil, fmt.Errorf("copying %s: the target took %d rows of the %d read", t.name, n, sr.n)
	}
	return &TableResult{Name: t.name, Rows: sr.n, SHA256: sr.digest.sum(), Elapsed: time.Since(start)}, nil
}

// insertBatch is the rows per batch when writing with INSERT.
const insertBatch = 500

// writeRows writes the rows of sr into t with PostgreSQL's COPY protocol,
// or batches of INSERT statements if insert is set.
func writeRows(ctx context.Context, tx pgx.Tx, t *table, sr *sourceRows, insert bool) (int64, error) {
	if !insert {
		return tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.columns, sr)
	}
	marks := make([]string, len(t.columns))
	for i := range marks {
		marks[i] = "$" + strconv.Itoa(i+1)
	}
	stmt := fmt.Sprintf(`INSERT INTO %s (%s) VALUES (%s)`, quote(t.name), t.columnList(), strings.Join(marks, ", "))
	var n int64
	batch := &pgx.Batch{}
	flush := func() error {
		if batch.Len() == 0 {
			return nil
		}
		err := tx.SendBatch(ctx, batch).Close()
		batch = &pgx.Batch{}
		return err
	}
	for sr.Next() {
		batch.Queue(stmt, append([]any(nil), sr.vals...)...)
		n++
		if batch.Len() == insertBatch {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := sr.Err(); err != nil {
		return n, err
	}
	return n, flush()
}

// targetDigest reads t back from the target, in key order, and returns
// its count and digest.
func targetDigest(ctx context.Context, tx pgx.Tx, t *table) (int64, string, error) {
	rows, err := tx.Query(ctx, t.selectAll(true))
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	d := newDigest()
	var n int64
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return 0, "", err
		}
		if err := d.add(vals); err != nil {
			return 0, "", err
		}
		n++
	}
	return n, d.sum(), rows.Err()
}

// verifyVersions recomputes the SHA-256 of every version in the target
// from its body.
func verifyVersions(ctx context.Context, tx pgx.Tx) (int64, error) {
	rows, err := tx.Query(ctx, `SELECT document_id, number, body, sha256 FROM versions`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	var docID, number int64
	var body, sum string
	for rows.Next() {
		if err := rows.Scan(&docID, &number, &body, &sum); err != nil {
			return n, err
		}
		if drafts.SHA256Hex(body) != sum {
			return n, fmt.Errorf("version %d of document %d does not match its SHA-256 in the target", number, docID)
		}
		n++
	}
	return n, rows.Err()
}

// setSequences sets the sequence of every identity column past the
// largest id copied, so the next row the service inserts gets a fresh id.
func setSequences(ctx context.Context, tx pgx.Tx, tables []*table) error {
	for _, t := range tables {
		for _, c := range t.identity {
			q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(%s), 0) + 1, false) FROM %s`, quote(c), quote(t.name))
			if _, err := tx.Exec(ctx, q, quote(t.name), c); err != nil {
				return fmt.Errorf("setting the sequence of %s.%s: %w", t.name, c, err)
			}
		}
	}
	return nil
}

// nonEmpty lists the tables of the target that hold any row.
func nonEmpty(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, tables []*table) ([]string, error) {
	var full []string
	for _, t := range tables {
		query := fmt.Sprintf(`SELECT EXISTS (SELECT 1 FROM %s)`, quote(t.name))
		if cond, ok := seeded[t.name]; ok {
			query = fmt.Sprintf(`SELECT EXISTS (SELECT 1 FROM %s WHERE NOT (%s))`, quote(t.name), cond)
		}
		var any bool
		if err := q.QueryRow(ctx, query).Scan(&any); err != nil {
			return nil, fmt.Errorf("looking for rows in %s: %w", t.name, err)
		}
		if any {
			full = append(full, t.name)
		}
	}
	return full, nil
}
