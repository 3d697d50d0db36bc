package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"

	"policydesk/search"
	"policydesk/search/bleve"
	"policydesk/search/meili"
)

// The embedded index lives in data/search/<name>, with data/search/CURRENT
// naming the live one, so a rebuild can be swapped in with one rename.
const (
	searchDir   = "search"
	currentFile = "CURRENT"
	lockFile    = ".lock"
)

// openSearch opens Meilisearch when a URL is configured, else the embedded
// index. The returned release frees the embedded index's lock. requeue puts
// every document back in the outbox when the index had to start afresh.
func openSearch(ctx context.Context, c *Config, requeue func(context.Context) error) (search.Index, func(), error) {
	if c.MeiliURL != "" {
		ix, err := meili.Open(ctx, c.MeiliURL, c.MeiliKey, c.MeiliIndex)
		return ix, func() {}, err
	}
	dir := filepath.Join(c.Data, searchDir)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, nil, err
	}
	unlock, err := lockSearch(dir)
	if err != nil {
		return nil, nil, err
	}
	name, err := currentIndex(dir)
	if err != nil {
		unlock()
		return nil, nil, err
	}
	ix, err := bleve.Open(filepath.Join(dir, name))
	if errors.Is(err, bleve.ErrOldLayout) {
		// An upgrade changed the index layout: start a fresh index and let
		// the outbox refill it, rather than ask anyone to run a command.
		ix, err = rebuildInPlace(ctx, dir, name, requeue)
	}
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return ix, unlock, nil
}

// rebuildInPlace swaps in an empty index and queues every document for the
// indexer; search fills up again within moments of starting.
func rebuildInPlace(ctx context.Context, dir, old string, requeue func(context.Context) error) (*bleve.Index, error) {
	name := "index-" + time.Now().UTC().Format("20060102T150405.000000000")
	ix, err := bleve.Open(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	if err := requeue(ctx); err != nil {
		ix.Close()
		return nil, err
	}
	if err := swapCurrent(dir, name); err != nil {
		ix.Close()
		return nil, err
	}
	os.RemoveAll(filepath.Join(dir, old))
	return ix, nil
}

// lockSearch takes an exclusive lock on the embedded index directory, so a
// reindex never swaps an index that a running server has open.
func lockSearch(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, errors.New("the search index is in use by a running policydesk; stop it first (or use Meilisearch, which rebuilds live)")
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

// currentIndex reads CURRENT, creating a first index name when there is none.
func currentIndex(dir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		name := "index-1"
		return name, swapCurrent(dir, name)
	} else if err != nil {
		return "", err
	}
	name := strings.TrimSpace(string(data))
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return "", fmt.Errorf("%s names no index: %q", filepath.Join(dir, currentFile), name)
	}
	return name, nil
}

// swapCurrent points CURRENT at name atomically (write, fsync, rename).
func swapCurrent(dir, name string) error {
	tmp := filepath.Join(dir, currentFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(name + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, currentFile)); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
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
	progress := func(done, total int) { bar.Set(done) }
	if a.Config.MeiliURL != "" {
		ix, err := meili.Open(ctx, a.Config.MeiliURL, a.Config.MeiliKey, a.Config.MeiliIndex)
		if err != nil {
			return 0, err
		}
		defer ix.Close()
		err = ix.Rebuild(ctx, func(put func([]search.Entry) error) error {
			return search.Fill(ctx, lib, put, progress)
		})
		bar.Finish()
		return len(ids), err
	}
	dir := filepath.Join(a.Config.Data, searchDir)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return 0, err
	}
	unlock, err := lockSearch(dir)
	if err != nil {
		return 0, err
	}
	defer unlock()
	old, _ := currentIndex(dir)
	name := "index-" + time.Now().UTC().Format("20060102T150405.000000000")
	fresh, err := bleve.Open(filepath.Join(dir, name))
	if err != nil {
		return 0, err
	}
	err = search.Fill(ctx, lib, func(entries []search.Entry) error { return fresh.Upsert(ctx, entries) }, progress)
	bar.Finish()
	if err == nil {
		// One merged segment answers queries about a quarter faster.
		err = fresh.Compact(ctx)
	}
	if cerr := fresh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.RemoveAll(filepath.Join(dir, name))
		return 0, err
	}
	if err := swapCurrent(dir, name); err != nil {
		return 0, err
	}
	if old != "" && old != name {
		os.RemoveAll(filepath.Join(dir, old))
	}
	return len(ids), nil
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
