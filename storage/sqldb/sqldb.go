// Package sqldb is Policy Desk's store on database/sql: one copy of every
// store method (drafts.DocumentStore, accounts.UserStore, review.Store,
// attachments.AttachmentStore, the search queues) for SQLite and
// PostgreSQL alike. storage/sqlite and storage/postgres open the database,
// run its migrations and hand over a Dialect for what differs.
//
// The SQL is written once, with ? placeholders (storage/postgres's driver
// rewrites them to $n), ids taken with RETURNING id, integers for booleans
// and timestamps as sortable RFC 3339 text in UTC (formatTime), so one Go
// code path reads both databases and a copy between them is byte-exact.
//
// Every method that changes what search shows queues its document in the
// search outbox (enqueueSearch) in the same transaction as the change, and
// a new attachment is queued for text extraction (enqueueText) likewise; the
// search package's workers drain both queues.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"policydesk"
)

// timeFormat sorts lexically in time order and keeps nanoseconds.
const timeFormat = "2006-01-02T15:04:05.000000000Z07:00"

// Dialect is what differs between the databases beyond their drivers.
type Dialect struct {
	// Name is "sqlite" or "postgres".
	Name string
	// ForUpdate ends a SELECT that reads a row the transaction then
	// changes: " FOR UPDATE" where writers run side by side, "" where the
	// database has one writer at a time anyway.
	ForUpdate string
	// LockKey takes a transaction-scoped lock on the key given as its one
	// argument, serialising read-modify-write on rows that may not exist
	// yet; "" where the database has one writer.
	LockKey string
	// Check verifies the whole database (policydesk check); nil is clean.
	Check func(ctx context.Context, db *sql.DB) error
}

// DB is the store. Writes run in transactions on write, reads outside any
// transaction on read; the two are one pool where the database takes
// writers side by side (PostgreSQL) and two where it has one writer
// (SQLite, whose writer is a single connection).
type DB struct {
	write   *sql.DB
	read    *sql.DB
	dialect Dialect
}

// New returns the store over the pools; write and read may be the same.
// Close closes them.
func New(write, read *sql.DB, d Dialect) *DB {
	return &DB{write: write, read: read, dialect: d}
}

// Dialect names the database and its differences.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close closes the pools.
func (db *DB) Close() error {
	if db.read == db.write {
		return db.write.Close()
	}
	return errors.Join(db.write.Close(), db.read.Close())
}

// Ping tells whether the database answers, for /readyz.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return translate(db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one), "database")
}

// Check verifies the whole database in the dialect's way; nil means clean.
func (db *DB) Check(ctx context.Context) error {
	return db.dialect.Check(ctx, db.write)
}

// maxAttempts bounds the retries of a transaction that the database
// aborted to keep concurrent transactions apart.
const maxAttempts = 5

// tx runs fn in a write transaction, committing if it returns nil. A
// transaction the database aborts as a serialization failure or deadlock
// is run again from the start (fn must only write through tx), a few
// times, with a short growing pause.
func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := db.tryTx(ctx, fn)
		if attempt == maxAttempts || classify(err) != classRetry {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt*attempt) * 5 * time.Millisecond):
		}
	}
}

func (db *DB) tryTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return translate(err, "transaction")
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		if classify(err) == classUnavailable {
			return translate(err, "transaction")
		}
		return err
	}
	return translate(tx.Commit(), "commit")
}

// forUpdate ends a SELECT whose row the transaction changes next.
func (db *DB) forUpdate(query string) string { return query + db.dialect.ForUpdate }

// lockKeys takes the dialect's transaction-scoped locks on keys, in the
// order given (callers sort them, so two transactions cannot deadlock).
func (db *DB) lockKeys(ctx context.Context, tx *sql.Tx, keys []string) error {
	if db.dialect.LockKey == "" {
		return nil
	}
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, db.dialect.LockKey, k); err != nil {
			return err
		}
	}
	return nil
}

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeFormat, s)
	return t
}

// insertID runs an INSERT and returns the id of the new row, through
// RETURNING id, which SQLite (3.35 and later) and PostgreSQL both know.
func insertID(ctx context.Context, tx *sql.Tx, insert string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, insert+" RETURNING id", args...).Scan(&id)
	return id, err
}

func appendAudit(ctx context.Context, tx *sql.Tx, e *policydesk.AuditEntry) error {
	if e == nil {
		return nil
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	args, err := policydesk.EncodeArgs(e.DetailArgs)
	if err != nil {
		return err
	}
	e.ID, err = insertID(ctx, tx, `INSERT INTO audit_log (at, actor_id, actor, action, object_type, object_id, detail, detail_format, detail_args)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, formatTime(e.At), nullID(e.ActorID), e.Actor, e.Action, e.ObjectType, e.ObjectID, e.Detail,
		e.DetailFormat, args)
	return err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// flag stores a boolean as the integer 0 or 1 both schemas keep.
func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// where joins SQL conditions.
func where(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}
