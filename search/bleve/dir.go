package bleve

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"policydesk/search"
)

// The embedded index lives in a folder of its own (the data directory's
// search/): one directory per index built, CURRENT naming the live one, so
// that a rebuild is swapped in with one rename, and .lock, held by whoever
// has the folder open, so that a rebuild never swaps an index that a
// running server reads.
const (
	currentFile = "CURRENT"
	lockFile    = ".lock"
	// firstIndex is the name CURRENT gets in a new folder.
	firstIndex = "index-1"
)

// OpenCurrent opens the live index of the folder dir, creating the folder
// and a first index when there are none. The folder stays locked until the
// index is closed. An index built with another layout (an upgrade changed
// it) is replaced by an empty one once requeue has put every document back
// in the outbox: search fills up again within moments of starting, and
// nobody has to run a command.
func OpenCurrent(ctx context.Context, dir string, requeue func(context.Context) error) (*Index, error) {
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	name, err := currentIndex(dir)
	if err != nil {
		unlock()
		return nil, err
	}
	ix, err := Open(filepath.Join(dir, name))
	if errors.Is(err, ErrOldLayout) {
		ix, err = rebuildInPlace(ctx, dir, name, requeue)
	}
	if err != nil {
		unlock()
		return nil, err
	}
	ix.unlock = unlock
	return ix, nil
}

// rebuildInPlace swaps in an empty index for old and queues every document
// for the indexer.
func rebuildInPlace(ctx context.Context, dir, old string, requeue func(context.Context) error) (*Index, error) {
	name := newIndexName()
	ix, err := Open(filepath.Join(dir, name))
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

// Rebuild builds a fresh index in the folder dir from what fill puts,
// merges it into one segment (queries on one segment answer about a
// quarter faster), points CURRENT at it and removes the index it replaces.
// It fails while a server has the folder open; a failed rebuild leaves the
// live index as it was.
func Rebuild(ctx context.Context, dir string, fill func(put func([]search.Entry) error) error) error {
	return rebuild(ctx, dir, fill, nil)
}

// RebuildFollowing is Rebuild for an index that follows the change log:
// st, with the log's head read before fill began as its cursor, is
// written into the fresh index, which then follows from there instead of
// building itself again.
func RebuildFollowing(ctx context.Context, dir string, st *search.FollowState, fill func(put func([]search.Entry) error) error) error {
	return rebuild(ctx, dir, fill, st)
}

func rebuild(ctx context.Context, dir string, fill func(put func([]search.Entry) error) error, st *search.FollowState) error {
	unlock, err := lockDir(dir)
	if err != nil {
		return err
	}
	defer unlock()
	old, _ := currentIndex(dir)
	name := newIndexName()
	fresh, err := Open(filepath.Join(dir, name))
	if err != nil {
		return err
	}
	err = fill(func(entries []search.Entry) error { return fresh.Upsert(ctx, entries) })
	if err == nil && st != nil {
		err = fresh.Replace(ctx, nil, st)
	}
	if err == nil {
		err = fresh.Compact(ctx)
	}
	if cerr := fresh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.RemoveAll(filepath.Join(dir, name))
		return err
	}
	if err := swapCurrent(dir, name); err != nil {
		return err
	}
	if old != "" && old != name {
		os.RemoveAll(filepath.Join(dir, old))
	}
	return nil
}

// newIndexName names an index by the time it is built.
func newIndexName() string {
	return "index-" + time.Now().UTC().Format("20060102T150405.000000000")
}

// lockDir creates the folder dir if needed and takes its lock; the
// returned func releases it.
func lockDir(dir string) (func(), error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
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

// currentIndex reads CURRENT, creating it with a first index name when
// there is none.
func currentIndex(dir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return firstIndex, swapCurrent(dir, firstIndex)
	} else if err != nil {
		return "", err
	}
	name := strings.TrimSpace(string(data))
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return "", fmt.Errorf("%s names no index: %q", filepath.Join(dir, currentFile), name)
	}
	return name, nil
}

// swapCurrent points CURRENT at name atomically (write, fsync, rename,
// fsync the folder).
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
