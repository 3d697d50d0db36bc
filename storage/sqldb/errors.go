package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"policydesk"
)

// errorClass is what the store does about a driver's error.
type errorClass int

const (
	classOther       errorClass = iota
	classUnique                 // a unique or primary key taken: EConflict
	classRetry                  // serialization failure or deadlock: run the transaction again
	classBusy                   // SQLite busy or locked past its timeout: EUnavailable, try again
	classUnavailable            // the database cannot be reached: EUnavailable
)

// SQLite's result codes (https://sqlite.org/rescode.html), stable across
// versions; modernc.org/sqlite's *Error reports them through Code().
const (
	sqliteBusy             = 5
	sqliteLocked           = 6
	sqliteConstraintPK     = 1555
	sqliteConstraintUnique = 2067
)

// classify reads the driver's error through the methods its error types
// have: SQLState (PostgreSQL's SQLSTATE, pgconn.PgError) and Code
// (SQLite's extended result code), and the network errors of a database
// that is down or restarting.
func classify(err error) errorClass {
	if err == nil {
		return classOther
	}
	var pg interface{ SQLState() string }
	if errors.As(err, &pg) {
		return classifySQLState(pg.SQLState())
	}
	var lite interface{ Code() int }
	if errors.As(err, &lite) {
		switch code := lite.Code(); {
		case code == sqliteConstraintUnique || code == sqliteConstraintPK:
			return classUnique
		case code&0xff == sqliteBusy || code&0xff == sqliteLocked:
			return classBusy
		}
		return classOther
	}
	var netErr net.Error
	switch {
	case errors.As(err, &netErr), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, io.ErrUnexpectedEOF):
		return classUnavailable
	case policydesk.ErrorCode(err) == policydesk.EUnavailable:
		return classUnavailable
	}
	return classOther
}

// classifySQLState sorts PostgreSQL's SQLSTATE codes.
func classifySQLState(state string) errorClass {
	switch {
	case state == "23505":
		return classUnique
	case state == "40001", state == "40P01":
		return classRetry
	// Class 08 is a connection exception; 57P01-57P03 an administrator or
	// crash shutdown, or a server still starting.
	case strings.HasPrefix(state, "08"), state == "57P01", state == "57P02", state == "57P03":
		return classUnavailable
	}
	return classOther
}

// translate turns driver errors into domain errors at the boundary; what
// names the kind of thing for the message ("Document").
func translate(err error, what string) error {
	return translateOne(err, what, nil)
}

// translateOne is translate for one thing, named with its number or login
// (id) in the message ("Document 4 not found.").
func translateOne(err error, what string, id any) error {
	if err == nil {
		return nil
	}
	name := thingNames[what]
	if name == (policydesk.Words{}) {
		name = policydesk.Say("Record")
	}
	if errors.Is(err, sql.ErrNoRows) {
		if id != nil {
			return policydesk.Errorf(policydesk.ENotFound, "%s %v not found.", name, id)
		}
		return policydesk.Errorf(policydesk.ENotFound, "%s not found.", name)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	switch classify(err) {
	case classUnique:
		if id != nil {
			return policydesk.Errorf(policydesk.EConflict, "%s %v already exists.", name, id)
		}
		return policydesk.Errorf(policydesk.EConflict, "%s already exists.", name)
	case classBusy:
		return policydesk.Errorf(policydesk.EUnavailable, "The database is busy; try again.")
	case classUnavailable:
		if policydesk.ErrorCode(err) == policydesk.EUnavailable {
			return err
		}
		return policydesk.Unavailable("The database cannot be reached; try again.", err)
	}
	return err
}

// thingNames are the words for what translate names.
var thingNames = map[string]policydesk.Words{
	"Attachment": policydesk.Say("Attachment"),
	"Comment":    policydesk.Say("Comment"),
	"Document":   policydesk.Say("Document"),
	"Invitation": policydesk.Say("Invitation"),
	"Member":     policydesk.Say("Member"),
	"Reply":      policydesk.Say("Reply"),
	"Round":      policydesk.Say("Round"),
	"Session":    policydesk.Say("Session"),
	"User":       policydesk.Say("User"),
	"Version":    policydesk.Say("Version"),
}
