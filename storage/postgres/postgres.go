// Package postgres opens Policy Desk's store (storage/sqldb) on PostgreSQL
// through jackc/pgx/v5's database/sql driver: one pool shared by reads and
// writes, migrations applied at start under an advisory lock so replicas
// starting together do not race, and a check for `policydesk check`.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"policydesk/storage/sqldb"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrationLock is held by the transaction of each migration: a replica
// starting while another migrates waits, then finds the work done. The key
// is any constant of this program's own.
const migrationLock = `SELECT pg_advisory_xact_lock(7011200411)`

// dialect is PostgreSQL's: writers run side by side under READ COMMITTED,
// so rows read to be changed are locked, and so are throttle keys, which
// may have no row yet.
var dialect = sqldb.Dialect{
	Name:      "postgres",
	ForUpdate: " FOR UPDATE",
	LockKey:   `SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`,
	Check:     check,
}

// Pool bounds the connections one process keeps. Every open connection may
// stay idle: a pool that closes the ones above a lower idle limit as they
// come back opens them again for the next requests, a new PostgreSQL
// backend each time, under any load with more than that many queries at
// once. Connections idle for connMaxIdleTime close, so a quiet replica
// gives them back.
const (
	maxOpenConns    = 16
	maxIdleConns    = maxOpenConns
	connMaxIdleTime = 5 * time.Minute
	connMaxLifetime = 30 * time.Minute
	connectTimeout  = 5 * time.Second
)

// Open connects to the database that dsn (postgres://...) names and applies
// the migrations. It fails if the server cannot be reached.
func Open(ctx context.Context, dsn string) (*sqldb.DB, error) {
	pool, err := Connect(dsn)
	if err != nil {
		return nil, err
	}
	if err := sqldb.Migrate(ctx, pool, migrationFS, "migrations", migrationLock); err != nil {
		return nil, errors.Join(fmt.Errorf("migrate %s: %w", Redact(dsn), err), pool.Close())
	}
	return sqldb.New(pool, pool, dialect), nil
}

// Connect returns a pool on the database dsn names whose statements may use
// ? placeholders; it does not contact the server. Open uses it; so do tests
// and tools that need the database without the store.
func Connect(dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("the database URL %s cannot be read: %w", Redact(dsn), err)
	}
	if cfg.ConnectTimeout == 0 || cfg.ConnectTimeout > connectTimeout {
		cfg.ConnectTimeout = connectTimeout
	}
	pool := sql.OpenDB(connector{stdlib.GetConnector(*cfg)})
	pool.SetMaxOpenConns(maxOpenConns)
	pool.SetMaxIdleConns(maxIdleConns)
	pool.SetConnMaxIdleTime(connMaxIdleTime)
	pool.SetConnMaxLifetime(connMaxLifetime)
	return pool, nil
}

var keywordPassword = regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)

// Redact returns dsn without its password, for logs and messages.
func Redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		q := u.Query()
		if q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.Redacted()
	}
	return keywordPassword.ReplaceAllString(dsn, "${1}xxxxx")
}
