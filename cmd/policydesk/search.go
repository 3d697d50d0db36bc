package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"policydesk/search"
	"policydesk/search/bleve"
	"policydesk/search/meili"
)

// searchDir is the embedded index's folder in the data directory.
func searchDir(c *Config) string { return filepath.Join(c.Data, "search") }

// openSearch opens Meilisearch when a URL is configured, else the embedded
// index, which keeps its folder locked until it is closed. An embedded
// index that had to start afresh (another layout) needs nothing queued:
// having no cursor, its follower builds it from the database.
func openSearch(ctx context.Context, c *Config) (search.Index, error) {
	if c.MeiliURL != "" {
		return meili.Open(ctx, c.MeiliURL, c.MeiliKey, c.MeiliIndex)
	}
	return bleve.OpenCurrent(ctx, searchDir(c), func(context.Context) error { return nil })
}

// searchWork is serve's background search work.
type searchWork struct {
	stop, wait func()
	// notify tells the work that this process changed something, so that
	// its search catches up at once; other replicas find the change at
	// their next poll.
	notify  func()
	service *search.Service
}

// startSearchWork starts keeping the index up to date and reading
// attachments' text, as two workers, so that access and content changes
// reach search however long a file takes to read. Meilisearch has one
// index for every replica: one outbox consumer at a time (claims). An
// embedded index is this replica's own: it follows the change log.
func (a *App) startSearchWork(index search.Index) (*searchWork, error) {
	extraction, err := a.newExtraction()
	if err != nil {
		return nil, err
	}
	w := &searchWork{service: &search.Service{Index: index, Texts: a.DB, Problems: a.DB, SynonymStore: a.DB}}
	var run func(context.Context)
	if fi, ok := index.(search.FollowedIndex); ok && a.Config.MeiliURL == "" {
		f := &search.Follower{Index: fi, Log: a.DB, Source: a.newLibrary(), Problems: a.DB, Replica: replicaName(a.Config),
			Logger: a.Logger, Poll: time.Second, AfterPrune: a.DB.DiscardOutbox}
		w.service.Follower, w.service.LogProblems = f, a.DB
		run, w.notify = f.Run, f.Notify
	} else {
		ix := &search.Indexer{Index: index, Outbox: a.DB, Source: a.newLibrary(), Logger: a.Logger, Poll: 500 * time.Millisecond}
		w.service.Outbox, w.service.OutboxLag = a.DB, a.DB
		run, w.notify = ix.Run, ix.Notify
	}
	ctx, cancel := context.WithCancel(context.Background())
	var workers sync.WaitGroup
	workers.Go(func() { run(ctx) })
	workers.Go(func() { extraction.Run(ctx) })
	w.stop, w.wait = cancel, workers.Wait
	return w, nil
}

// replicaName names this replica in what its follower records: the host
// and the data directory (two replicas on one host have two).
func replicaName(c *Config) string {
	host, _ := os.Hostname()
	dir, err := filepath.Abs(c.Data)
	if err != nil {
		dir = c.Data
	}
	return host + ":" + dir
}

// nudgeAfterWrites calls notify after every request that may have changed
// something.
func nudgeAfterWrites(next http.Handler, notify func()) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			notify()
		}
	})
}

// newLibrary builds the search source over the app's stores.
func (a *App) newLibrary() *search.Library {
	return &search.Library{Docs: a.DB, Comments: a.DB, Attachments: a.DB, Texts: a.DB, IDs: a.DB.DocumentIDs}
}

// reindex rebuilds the whole index into a fresh one and swaps it in:
// Meilisearch swaps indexes atomically on the server; the embedded engine
// builds a new directory and renames CURRENT. Progress goes to out.
func reindex(ctx context.Context, a *App, out io.Writer) (int, error) {
	lib := a.newLibrary()
	ids, err := lib.DocumentIDs(ctx)
	if err != nil {
		return 0, err
	}
	bar := newProgress(out, len(ids))
	fill := func(put func([]search.Entry) error) error {
		defer bar.Finish()
		return search.Fill(ctx, lib, put, func(done, total int) { bar.Set(done) })
	}
	if a.Config.MeiliURL == "" {
		// Changes made during the rebuild are in the log after head: the
		// fresh index follows from there.
		var head int64
		if head, err = a.DB.LogHead(ctx); err != nil {
			return 0, err
		}
		err = bleve.RebuildFollowing(ctx, searchDir(a.Config), &search.FollowState{Cursor: head}, fill)
	} else {
		err = rebuildMeili(ctx, a.Config, fill)
	}
	if err != nil {
		return 0, err
	}
	return len(ids), nil
}

func rebuildMeili(ctx context.Context, c *Config, fill func(put func([]search.Entry) error) error) error {
	ix, err := meili.Open(ctx, c.MeiliURL, c.MeiliKey, c.MeiliIndex)
	if err != nil {
		return err
	}
	defer ix.Close()
	return ix.Rebuild(ctx, fill)
}

// newProgress draws a progress bar on out for a reindex.
func newProgress(out io.Writer, total int) *progressbar.ProgressBar {
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(out),
		progressbar.OptionSetDescription("reindexing documents"),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(out) }),
	)
}
