package postgres

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"policydesk"
)

// connector wraps pgx's database/sql connector so that the store's SQL,
// written with ? placeholders, reaches PostgreSQL with $n ones, and so that
// a database that cannot be reached is EUnavailable (503, and "database"
// failing in /readyz) on every path, not only where the store translates.
type connector struct{ driver.Connector }

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	raw, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	pc, ok := raw.(pgxConn)
	if !ok {
		raw.Close()
		return nil, errors.New("postgres: pgx's connection lacks a database/sql interface this package relies on")
	}
	return conn{pc}, nil
}

// pgxConn is what pgx's stdlib connection implements.
type pgxConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.NamedValueChecker
	driver.SessionResetter
}

type conn struct{ pgxConn }

func (c conn) Prepare(query string) (driver.Stmt, error) {
	st, err := c.pgxConn.Prepare(rebind(query))
	return st, unavailable(err)
}

func (c conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := c.pgxConn.PrepareContext(ctx, rebind(query))
	return st, unavailable(err)
}

// ExecContext rewrites placeholders only when there are arguments, so a
// script without any (a migration, PL/pgSQL bodies) goes as written.
func (c conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if len(args) > 0 {
		query = rebind(query)
	}
	res, err := c.pgxConn.ExecContext(ctx, query, args)
	return res, unavailable(err)
}

func (c conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if len(args) > 0 {
		query = rebind(query)
	}
	rs, err := c.pgxConn.QueryContext(ctx, query, args)
	if err != nil {
		return nil, unavailable(err)
	}
	if r, ok := rs.(pgxRows); ok {
		return rows{r}, nil
	}
	return rs, nil
}

func (c conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	t, err := c.pgxConn.BeginTx(ctx, opts)
	if err != nil {
		return nil, unavailable(err)
	}
	return tx{t}, nil
}

// tx and rows carry a connection that breaks at the commit or while a
// result is read to the same EUnavailable.
type tx struct{ driver.Tx }

func (t tx) Commit() error   { return unavailable(t.Tx.Commit()) }
func (t tx) Rollback() error { return unavailable(t.Tx.Rollback()) }

// pgxRows is what pgx's stdlib rows implement.
type pgxRows interface {
	driver.Rows
	driver.RowsColumnTypeDatabaseTypeName
	driver.RowsColumnTypeLength
	driver.RowsColumnTypePrecisionScale
	driver.RowsColumnTypeScanType
}

type rows struct{ pgxRows }

func (r rows) Next(dest []driver.Value) error { return unavailable(r.pgxRows.Next(dest)) }

func (c conn) Ping(ctx context.Context) error { return unavailable(c.pgxConn.Ping(ctx)) }

// unavailable marks an error that says the server cannot be reached (or is
// shutting down or starting) as EUnavailable, keeping the cause for the
// logs and for database/sql, which looks for driver.ErrBadConn through it.
// A query given up because its caller went away stays what it is.
func unavailable(err error) error {
	if err == nil || errors.Is(err, driver.ErrBadConn) || !unreachable(err) {
		return err
	}
	return policydesk.Unavailable("The database cannot be reached; try again.", err)
}

func unreachable(err error) bool {
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) { // refused, or no answer within the connect timeout
		return true
	}
	// The connection broke earlier (pgx closed it), or in the middle of an
	// answer.
	if errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		s := pgErr.Code
		return strings.HasPrefix(s, "08") || s == "57P01" || s == "57P02" || s == "57P03"
	}
	var netErr net.Error
	return errors.As(err, &netErr)
}
