package search

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"policydesk"
)

// Pending is a document with outbox events waiting: UpTo is the newest
// event id read, Attempts how often indexing it failed.
type Pending struct {
	DocumentID int64
	UpTo       int64
	Attempts   int
}

// Outbox is the queue of documents whose search entries are stale. The
// store queues a document in the transaction of every change to what search
// shows of it, so a search outage or a crash loses nothing.
type Outbox interface {
	// ClaimDocuments claims for consumer, until until, documents with
	// events due by now that no other consumer holds a live claim on:
	// those with an access change (visibility, members, deletion) first,
	// then oldest first. Set-aside events are not due. Two consumers
	// (replicas) never hold the same document; a dead one's claims expire.
	ClaimDocuments(ctx context.Context, consumer string, limit int, now, until time.Time) ([]Pending, error)
	// ReleaseClaims ends the consumer's claims on documents and
	// attachments, when it stops.
	ReleaseClaims(ctx context.Context, consumer string) error
	DoneDocument(ctx context.Context, docID, upTo int64) error
	RetryDocument(ctx context.Context, docID, upTo int64, next time.Time, cause string) error
	// SetAsideDocument stops retrying the document's events up to upTo
	// and keeps the cause for admins; a later change queues it again.
	SetAsideDocument(ctx context.Context, docID, upTo int64, cause string) error
	// Backlog counts the documents waiting to be indexed, not those set
	// aside.
	Backlog(ctx context.Context) (int, error)
}

// Source builds a document's entries from the system of record.
type Source interface {
	// DocumentEntries returns every entry of the document as it is now,
	// or ENotFound when the document no longer exists.
	DocumentEntries(ctx context.Context, documentID int64) ([]Entry, error)
	DocumentIDs(ctx context.Context) ([]int64, error)
}

// Indexer drains the outbox into the index, with retries and backoff. A
// document that keeps failing is set aside after MaxAttempts and shown to
// admins; the queue moves on.
type Indexer struct {
	Index  Index
	Outbox Outbox
	Source Source
	Logger *slog.Logger
	// Batch is how many documents one drain pass takes.
	Batch int
	// MaxAttempts before a document is set aside (default 6: about half a
	// minute of retries).
	MaxAttempts int
	// Poll is how often the outbox is read when nobody calls Notify.
	Poll time.Duration
	// Consumer names this indexer in its claims (default: a random name,
	// one per process); Lease is how long a claim lasts (default 2
	// minutes), far longer than a batch takes.
	Consumer string
	Lease    time.Duration

	wake chan struct{}
	once sync.Once
}

func (ix *Indexer) init() {
	ix.once.Do(func() {
		ix.wake = make(chan struct{}, 1)
		if ix.Batch <= 0 {
			ix.Batch = 50
		}
		if ix.Poll <= 0 {
			ix.Poll = time.Second
		}
		if ix.MaxAttempts <= 0 {
			ix.MaxAttempts = 6
		}
		ix.Consumer, ix.Lease = consumerDefaults(ix.Consumer, ix.Lease)
	})
}

// Notify wakes the worker after a change, so search catches up at once.
func (ix *Indexer) Notify() {
	ix.init()
	nudge(ix.wake)
}

// Run drains the outbox until ctx ends. While the engine is down it backs
// off up to a minute between tries; the outbox keeps every change.
func (ix *Indexer) Run(ctx context.Context) {
	ix.init()
	drainLoop(ctx, ix.Drain, ix.wake, ix.Poll, ix.Logger, "search index unavailable; changes wait in the outbox")
	release(ix.Outbox, ix.Consumer, ix.Logger)
}

// drainLoop calls drain until ctx ends: again at once while it finds work,
// after poll (or a wake-up) when idle, and with growing pauses while it
// fails, logging the first failure and every twentieth with failed.
func drainLoop(ctx context.Context, drain func(context.Context) (int, error), wake <-chan struct{}, poll time.Duration, logger *slog.Logger, failed string) {
	down := 0
	for {
		n, err := drain(ctx)
		wait := poll
		switch {
		case err != nil && ctx.Err() == nil:
			down++
			wait = backoff(down)
			if logger != nil && (down == 1 || down%20 == 0) {
				logger.Warn(failed, slog.Any("err", err), slog.Duration("retry_in", wait))
			}
		case n > 0:
			down = 0
			continue // more may be waiting
		default:
			down = 0
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-time.After(wait):
		}
	}
}

func backoff(failures int) time.Duration {
	d := 500 * time.Millisecond << min(failures, 7)
	return min(d, time.Minute)
}

// Drain indexes one batch of pending documents and reports how many it
// indexed. An unavailable engine stops the pass with an error; a document
// that fails on its own is postponed with backoff and the pass goes on.
func (ix *Indexer) Drain(ctx context.Context) (int, error) {
	ix.init()
	now := time.Now()
	pending, err := ix.Outbox.ClaimDocuments(ctx, ix.Consumer, ix.Batch, now, now.Add(ix.Lease))
	if err != nil {
		return 0, err
	}
	done := 0
	for _, p := range pending {
		err := ix.IndexDocument(ctx, p.DocumentID)
		var serr *sourceError
		fromSource := errors.As(err, &serr)
		// Only the engine being down stops the pass: a document whose own
		// data cannot be read now (say its attachments' store is down) waits
		// with backoff and does not hold back the documents behind it.
		if (policydesk.ErrorCode(err) == policydesk.EUnavailable && !fromSource) || ctx.Err() != nil {
			return done, errors.Join(err, ctx.Err())
		}
		if err != nil {
			if err := ix.failed(ctx, p, err); err != nil {
				return done, err
			}
			continue
		}
		if err := ix.Outbox.DoneDocument(ctx, p.DocumentID, p.UpTo); err != nil {
			return done, err
		}
		done++
	}
	return done, nil
}

// failed postpones a document whose indexing failed, or sets it aside
// after its last attempt.
func (ix *Indexer) failed(ctx context.Context, p Pending, err error) error {
	if p.Attempts+1 >= ix.MaxAttempts {
		if ix.Logger != nil {
			ix.Logger.Error("indexing a document keeps failing; set aside", slog.Int64("document", p.DocumentID),
				slog.Int("attempts", p.Attempts+1), slog.Any("err", err))
		}
		return ix.Outbox.SetAsideDocument(ctx, p.DocumentID, p.UpTo, err.Error())
	}
	if ix.Logger != nil {
		ix.Logger.Warn("indexing a document failed; will retry", slog.Int64("document", p.DocumentID), slog.Any("err", err))
	}
	return ix.Outbox.RetryDocument(ctx, p.DocumentID, p.UpTo, time.Now().Add(backoff(p.Attempts+1)), err.Error())
}

// sourceError marks a failure to build a document's entries, as opposed to
// a failure of the index: Drain postpones that one document.
type sourceError struct{ err error }

func (e *sourceError) Error() string { return e.err.Error() }
func (e *sourceError) Unwrap() error { return e.err }

// IndexDocument replaces every entry of one document with its current state.
// When its state cannot be read, its old entries are removed: they may
// grant what the Policy no longer does, and search must fail closed.
func (ix *Indexer) IndexDocument(ctx context.Context, docID int64) error {
	entries, err := ix.Source.DocumentEntries(ctx, docID)
	if policydesk.ErrorCode(err) == policydesk.ENotFound {
		return ix.Index.DeleteDocument(ctx, docID)
	} else if err != nil {
		if ctx.Err() == nil {
			if derr := ix.Index.DeleteDocument(ctx, docID); derr != nil && ix.Logger != nil {
				ix.Logger.Warn("removing the entries of a document that cannot be read failed", slog.Int64("document", docID), slog.Any("err", derr))
			}
		}
		return &sourceError{err}
	}
	if err := ix.Index.DeleteDocument(ctx, docID); err != nil {
		return err
	}
	return ix.Index.Upsert(ctx, entries)
}

// Fill writes every document's entries through put, reporting progress as
// (done, total) — the body of a reindex.
func Fill(ctx context.Context, src Source, put func([]Entry) error, progress func(done, total int)) error {
	ids, err := src.DocumentIDs(ctx)
	if err != nil {
		return err
	}
	var batch []Entry
	for i, id := range ids {
		entries, err := src.DocumentEntries(ctx, id)
		if policydesk.ErrorCode(err) == policydesk.ENotFound {
			continue
		} else if err != nil {
			return err
		}
		batch = append(batch, entries...)
		if len(batch) >= 500 {
			if err := put(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
		if progress != nil {
			progress(i+1, len(ids))
		}
	}
	if len(batch) > 0 {
		return put(batch)
	}
	return nil
}
