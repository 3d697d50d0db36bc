package search

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"policydesk"
)

// FollowState is what a follower keeps inside its index, written in the
// same batch as the entries it covers: the last log entry applied and the
// documents being retried.
type FollowState struct {
	Cursor  int64            `json:"cursor"`
	Retries map[int64]*Retry `json:"retries,omitempty"`
}

// Retry is a document whose entries could not be built: tried again at
// Next, set aside after MaxAttempts.
type Retry struct {
	Attempts int       `json:"attempts"`
	Next     time.Time `json:"next"`
	Reason   string    `json:"reason"`
}

// Replacement is a document's entries as they are now; none when it is
// gone or cannot be read (search fails closed).
type Replacement struct {
	DocumentID int64
	Entries    []Entry
}

// FollowedIndex is an index of one replica that follows the change log.
type FollowedIndex interface {
	Index
	// FollowState returns the state kept in the index, nil for none.
	FollowState(ctx context.Context) (*FollowState, error)
	// ForgetState removes it, before the index is built from the database.
	ForgetState(ctx context.Context) error
	// Replace replaces each document's entries and, when st is not nil,
	// writes st, atomically.
	Replace(ctx context.Context, docs []Replacement, st *FollowState) error
	// IndexedDocuments lists the documents with entries (it may name a
	// document whose entries were just removed).
	IndexedDocuments(ctx context.Context) ([]int64, error)
}

// Follower keeps one replica's embedded index up to date by following the
// database's change log from the cursor kept in the index: any number of
// replicas, each with its own index, converge. A new index, or one whose
// cursor the pruned log no longer reaches, is built from the database
// first. A document that keeps failing is retried with backoff and set
// aside after MaxAttempts (its entries removed, the problem recorded).
type Follower struct {
	Index  FollowedIndex
	Log    ChangeLog
	Source Source
	// Problems, when set, records documents retried and set aside under
	// Replica's name.
	Problems LogProblemStore
	Replica  string
	Logger   *slog.Logger
	// Batch is how many log entries one pass applies (default 200).
	Batch int
	// MaxAttempts before a document is set aside (default 6).
	MaxAttempts int
	// Poll is how often the log is read when nobody calls Notify
	// (default 1s: a change on another replica is found within about a
	// second).
	Poll time.Duration
	// Retention is how long log entries are kept (default 7 days); a
	// replica stopped for longer builds its index again. They are pruned
	// every PruneEvery (default 10 minutes).
	Retention, PruneEvery time.Duration
	// AfterPrune, when set, runs after each pruning with its cutoff.
	AfterPrune func(ctx context.Context, before time.Time) error
	// ProgressEvery is how often a build logs its progress (default 5s).
	ProgressEvery time.Duration

	wake      chan struct{}
	once      sync.Once
	mu        sync.Mutex // held by a pass
	building  atomic.Bool
	lastPrune time.Time
}

func (f *Follower) init() {
	f.once.Do(func() {
		f.wake = make(chan struct{}, 1)
		if f.Batch <= 0 {
			f.Batch = 200
		}
		if f.MaxAttempts <= 0 {
			f.MaxAttempts = 6
		}
		if f.Poll <= 0 {
			f.Poll = time.Second
		}
		if f.Retention <= 0 {
			f.Retention = 7 * 24 * time.Hour
		}
		if f.PruneEvery <= 0 {
			f.PruneEvery = 10 * time.Minute
		}
		if f.ProgressEvery <= 0 {
			f.ProgressEvery = 5 * time.Second
		}
		if f.Logger == nil {
			f.Logger = slog.New(slog.DiscardHandler)
		}
	})
}

// Notify wakes the follower after a local change.
func (f *Follower) Notify() {
	f.init()
	nudge(f.wake)
}

// Run follows the log until ctx ends.
func (f *Follower) Run(ctx context.Context) {
	f.init()
	drainLoop(ctx, f.Drain, f.wake, f.Poll, f.Logger, "following the search change log failed; will retry")
}

// Drain applies one batch of log entries (building the index first when it
// has no cursor, or its cursor is older than the log) and reports how many
// entries and retries it handled.
func (f *Follower) Drain(ctx context.Context) (int, error) {
	f.init()
	f.mu.Lock()
	defer f.mu.Unlock()
	st, err := f.Index.FollowState(ctx)
	if err != nil {
		return 0, err
	}
	if st == nil {
		return f.build(ctx, "the search index has no cursor (new, or its build was cut short)")
	}
	entries, err := f.Log.LogAfter(ctx, st.Cursor, f.Batch)
	if err != nil {
		return 0, err
	}
	if why, err := f.unreachable(ctx, st.Cursor, entries); err != nil {
		return 0, err
	} else if why != "" {
		return f.build(ctx, why)
	}
	now := time.Now()
	f.prune(ctx, now)
	var ids []int64
	seen := map[int64]bool{}
	for _, e := range entries {
		if !seen[e.DocumentID] {
			seen[e.DocumentID] = true
			ids = append(ids, e.DocumentID)
		}
	}
	for id, r := range st.Retries {
		if !seen[id] && !r.Next.After(now) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	if len(entries) > 0 {
		st.Cursor = entries[len(entries)-1].Seq
	}
	return len(ids), f.apply(ctx, ids, st)
}

// unreachable tells why the log cannot bring the index up to date from
// cursor (empty: it can): numbers have no gaps, so a first entry past
// cursor+1 means entries were pruned; a head below cursor means the
// database is not the one the index followed (a restore).
func (f *Follower) unreachable(ctx context.Context, cursor int64, entries []LogEntry) (string, error) {
	if len(entries) > 0 {
		if entries[0].Seq != cursor+1 {
			return "the search index is further behind than the change log reaches (pruned)", nil
		}
		return "", nil
	}
	head, err := f.Log.LogHead(ctx)
	switch {
	case err != nil:
		return "", err
	case head < cursor:
		return "the search index is ahead of the database's change log (the database was replaced)", nil
	case head == cursor:
		return "", nil
	}
	// Entries committed between the two reads: read again.
	again, err := f.Log.LogAfter(ctx, cursor, 1)
	if err != nil {
		return "", err
	}
	if len(again) == 0 || again[0].Seq != cursor+1 {
		return "the search index is further behind than the change log reaches (pruned)", nil
	}
	return "", nil
}

// apply rebuilds the documents' entries and writes them with st in one
// batch. Problems are recorded before the batch and cleared after it, so
// a crash between the two repeats the work rather than hides a failure.
func (f *Follower) apply(ctx context.Context, ids []int64, st *FollowState) error {
	reps, ok, problems, err := f.collect(ctx, ids, st)
	if err != nil {
		return err
	}
	for _, p := range problems {
		if err := f.recordProblem(ctx, p); err != nil {
			return err
		}
	}
	if err := f.Index.Replace(ctx, reps, st); err != nil {
		return err
	}
	if f.Problems != nil && len(ok) > 0 {
		return f.Problems.ClearLogProblems(ctx, f.Replica, ok)
	}
	return nil
}

// collect builds each document's entries; a document that cannot be read
// loses its entries (search fails closed) and is retried, or set aside on
// its last attempt.
func (f *Follower) collect(ctx context.Context, ids []int64, st *FollowState) (reps []Replacement, ok []int64, problems []Problem, err error) {
	now := time.Now()
	for _, id := range ids {
		entries, err := f.Source.DocumentEntries(ctx, id)
		if ctx.Err() != nil {
			return nil, nil, nil, ctx.Err()
		}
		switch {
		case err == nil:
		case policydesk.ErrorCode(err) == policydesk.ENotFound:
			entries = nil
		default:
			reps = append(reps, Replacement{DocumentID: id})
			problems = append(problems, f.failed(st, id, err, now))
			continue
		}
		reps = append(reps, Replacement{DocumentID: id, Entries: entries})
		delete(st.Retries, id)
		ok = append(ok, id)
	}
	return reps, ok, problems, nil
}

// failed counts a failed attempt at a document in st and returns the
// problem to record.
func (f *Follower) failed(st *FollowState, id int64, err error, now time.Time) Problem {
	if st.Retries == nil {
		st.Retries = map[int64]*Retry{}
	}
	r := st.Retries[id]
	if r == nil {
		r = &Retry{}
		st.Retries[id] = r
	}
	r.Attempts++
	r.Reason = err.Error()
	p := Problem{DocumentID: id, Attempts: r.Attempts, Reason: r.Reason, Replica: f.Replica}
	if r.Attempts >= f.MaxAttempts {
		delete(st.Retries, id)
		p.SetAside = true
		f.Logger.Error("indexing a document keeps failing; set aside", slog.Int64("document", id),
			slog.Int("attempts", r.Attempts), slog.Any("err", err))
		return p
	}
	r.Next = now.Add(backoff(r.Attempts))
	p.NextAt = r.Next
	f.Logger.Warn("indexing a document failed; will retry", slog.Int64("document", id), slog.Any("err", err))
	return p
}

func (f *Follower) recordProblem(ctx context.Context, p Problem) error {
	if f.Problems == nil {
		return nil
	}
	return f.Problems.RecordLogProblem(ctx, f.Replica, p)
}

// prune removes log entries past the retention, every PruneEvery. A
// failure is logged, not returned: it holds back no change.
func (f *Follower) prune(ctx context.Context, now time.Time) {
	if now.Sub(f.lastPrune) < f.PruneEvery {
		return
	}
	before := now.Add(-f.Retention)
	n, err := f.Log.PruneLog(ctx, before)
	if err == nil && f.AfterPrune != nil {
		err = f.AfterPrune(ctx, before)
	}
	if err != nil {
		f.Logger.Warn("pruning the search change log failed; will retry", slog.Any("err", err))
		return
	}
	f.lastPrune = now
	if n > 0 {
		f.Logger.Info("pruned the search change log", slog.Int("entries", n), slog.Time("before", before))
	}
}
