package search

import (
	"context"
	"time"

	"policydesk"
)

// LogEntry is one change to what search shows of a document, numbered in
// commit order.
type LogEntry struct {
	Seq        int64
	DocumentID int64
	Access     bool // who may read it changed
	At         time.Time
}

// ChangeLog is the database's log of changes that every replica's embedded
// index follows from its own cursor. The store appends to it in the
// transaction of each change; numbers follow commit order without gaps, so
// a follower that has seen Seq n has seen every change numbered n or less.
type ChangeLog interface {
	// LogAfter returns up to limit entries numbered above seq, in order.
	LogAfter(ctx context.Context, seq int64, limit int) ([]LogEntry, error)
	// LogHead returns the last number given out (0 for an empty log).
	LogHead(ctx context.Context) (int64, error)
	// PruneLog removes entries older than before; a follower whose
	// cursor is older rebuilds its index from the database.
	PruneLog(ctx context.Context, before time.Time) (int, error)
}

// LogProblemStore keeps, per replica, the documents a follower could not
// index, for admins.
type LogProblemStore interface {
	// RecordLogProblem records a failed attempt (setAside: the last one).
	RecordLogProblem(ctx context.Context, replica string, p Problem) error
	// ClearLogProblems forgets the replica's problems with these
	// documents (all of them when docIDs is nil).
	ClearLogProblems(ctx context.Context, replica string, docIDs []int64) error
	// LogProblems lists every replica's problems, set aside first.
	LogProblems(ctx context.Context, limit int) ([]Problem, error)
	// LogNotIndexed counts documents set aside, over all replicas.
	LogNotIndexed(ctx context.Context) (int, error)
	// RetryLoggedDocumentNow forgets the document's problems and appends
	// it to the log, with audit, in one transaction: every replica
	// indexes it again. ENOTFOUND when no replica has a problem with it.
	RetryLoggedDocumentNow(ctx context.Context, documentID int64, audit *policydesk.AuditEntry) error
}

// Lag is how far an embedded index is behind the change log, for /readyz.
type Lag struct {
	Entries  int64         // log entries not yet applied
	Oldest   time.Duration // age of the oldest of them (0 when none)
	Building bool          // the index is being built from the database
}
