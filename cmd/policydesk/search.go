package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"

	"policydesk/search"
	"policydesk/search/bleve"
	"policydesk/search/meili"
)

// searchDir is the embedded index's folder in the data directory.
func searchDir(c *Config) string { return filepath.Join(c.Data, "search") }

// openSearch opens Meilisearch when a URL is configured, else the embedded
// index, which keeps its folder locked until it is closed. requeue puts
// every document back in the outbox when the index had to start afresh.
func openSearch(ctx context.Context, c *Config, requeue func(context.Context) error) (search.Index, error) {
	if c.MeiliURL != "" {
		return meili.Open(ctx, c.MeiliURL, c.MeiliKey, c.MeiliIndex)
	}
	return bleve.OpenCurrent(ctx, searchDir(c), requeue)
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
		err = bleve.Rebuild(ctx, searchDir(a.Config), fill)
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
