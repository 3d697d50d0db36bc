package search

import (
	"context"
	"log/slog"
	"time"
)

// buildBatch is about how many entries a build writes per batch, as a
// reindex does.
const buildBatch = 500

// build fills the index from the database: it forgets the cursor (a build
// cut short starts over), empties the index, records the log's head, adds
// every document's entries and writes the head as the cursor; following
// from there catches every change made meanwhile. Emptying first keeps
// search failing closed: a stale index may hold entries that grant what
// the Policy no longer does (a document made restricted while this
// replica was away), so until the build is done search shows less, never
// more.
func (f *Follower) build(ctx context.Context, why string) (int, error) {
	f.building.Store(true)
	defer f.building.Store(false)
	start := time.Now()
	if err := f.Index.ForgetState(ctx); err != nil {
		return 0, err
	}
	head, err := f.Log.LogHead(ctx)
	if err != nil {
		return 0, err
	}
	ids, err := f.Source.DocumentIDs(ctx)
	if err != nil {
		return 0, err
	}
	if err := f.empty(ctx); err != nil {
		return 0, err
	}
	f.Logger.Info("building the search index from the database", slog.String("why", why),
		slog.Int("documents", len(ids)), slog.Int64("log_head", head))
	st := &FollowState{Cursor: head}
	var problems []Problem
	lastLog := start
	var batch []Replacement
	size := 0
	for i, id := range ids {
		reps, _, p, err := f.collect(ctx, []int64{id}, st)
		if err != nil {
			return 0, err
		}
		problems = append(problems, p...)
		batch = append(batch, reps...)
		size += len(reps[0].Entries)
		if size >= buildBatch || i == len(ids)-1 {
			if err := f.Index.Replace(ctx, batch, nil); err != nil {
				return 0, err
			}
			batch, size = batch[:0], 0
		}
		if time.Since(lastLog) >= f.ProgressEvery && i < len(ids)-1 {
			lastLog = time.Now()
			f.Logger.Info("building the search index", slog.Int("done", i+1), slog.Int("documents", len(ids)),
				slog.Duration("elapsed", time.Since(start).Round(time.Millisecond)))
		}
	}
	if err := f.finishBuild(ctx, st, problems); err != nil {
		return 0, err
	}
	f.Logger.Info("built the search index", slog.Int("documents", len(ids)), slog.Int64("log_head", head),
		slog.Duration("took", time.Since(start).Round(time.Millisecond)))
	return len(ids), nil
}

// empty removes every entry from the index.
func (f *Follower) empty(ctx context.Context) error {
	indexed, err := f.Index.IndexedDocuments(ctx)
	if err != nil {
		return err
	}
	for len(indexed) > 0 {
		chunk := indexed[:min(len(indexed), 100)]
		indexed = indexed[len(chunk):]
		gone := make([]Replacement, len(chunk))
		for i, id := range chunk {
			gone[i] = Replacement{DocumentID: id}
		}
		if err := f.Index.Replace(ctx, gone, nil); err != nil {
			return err
		}
	}
	return nil
}

// finishBuild replaces the replica's recorded problems with the build's
// and writes the cursor.
func (f *Follower) finishBuild(ctx context.Context, st *FollowState, problems []Problem) error {
	if f.Problems != nil {
		if err := f.Problems.ClearLogProblems(ctx, f.Replica, nil); err != nil {
			return err
		}
		for _, p := range problems {
			if err := f.recordProblem(ctx, p); err != nil {
				return err
			}
		}
	}
	return f.Index.Replace(ctx, nil, st)
}

// Lag reports how far the index is behind the log: entries not yet
// applied and the age of the oldest of them.
func (f *Follower) Lag(ctx context.Context) (Lag, error) {
	head, err := f.Log.LogHead(ctx)
	if err != nil {
		return Lag{}, err
	}
	st, err := f.Index.FollowState(ctx)
	if err != nil {
		return Lag{}, err
	}
	if st == nil || f.building.Load() {
		return Lag{Entries: head, Building: true}, nil
	}
	lag := Lag{Entries: max(head-st.Cursor, 0)}
	if lag.Entries == 0 {
		return lag, nil
	}
	next, err := f.Log.LogAfter(ctx, st.Cursor, 1)
	if err != nil {
		return Lag{}, err
	}
	if len(next) > 0 {
		lag.Oldest = time.Since(next[0].At)
	}
	return lag, nil
}
