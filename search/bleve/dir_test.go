package bleve

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"policydesk/search"
	"policydesk/search/searchtest"
)

func readCurrent(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, currentFile))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// indexDirs lists the index directories in the folder.
func indexDirs(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}

func noRequeue(context.Context) error { return errors.New("requeue called") }

func mustOpenCurrent(t *testing.T, dir string) *Index {
	t.Helper()
	ix, err := OpenCurrent(context.Background(), dir, noRequeue)
	if err != nil {
		t.Fatalf("OpenCurrent: %v", err)
	}
	return ix
}

func total(t *testing.T, ix *Index) int {
	t.Helper()
	res, err := ix.Search(context.Background(), search.Query{All: true})
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

func TestOpenCurrentLocksTheFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "search")
	ix := mustOpenCurrent(t, dir)
	if got := readCurrent(t, dir); got != firstIndex {
		t.Errorf("a new folder's CURRENT names %q, want %q", got, firstIndex)
	}
	if _, err := os.Stat(filepath.Join(dir, firstIndex, "index_meta.json")); err != nil {
		t.Errorf("the first index: %v", err)
	}
	if ix2, err := OpenCurrent(context.Background(), dir, noRequeue); err == nil {
		ix2.Close()
		t.Fatal("a second OpenCurrent of an open folder succeeded")
	} else if !strings.Contains(err.Error(), "running policydesk") || !strings.Contains(err.Error(), "stop it first") {
		t.Errorf("a second OpenCurrent: unclear message %q", err)
	}
	err := Rebuild(context.Background(), dir, func(func([]search.Entry) error) error {
		t.Error("Rebuild of an open folder filled an index")
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "stop it first") {
		t.Errorf("Rebuild of an open folder: %v, want it refused", err)
	}
	if got := readCurrent(t, dir); got != firstIndex {
		t.Errorf("a refused rebuild changed CURRENT to %q", got)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	// Closing the index releases the folder.
	mustOpenCurrent(t, dir).Close()
}

// corpusFolder makes a folder whose live index holds the conformance
// corpus; change, if not nil, acts on the index before it is closed.
func corpusFolder(t *testing.T, change func(*Index)) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "search")
	ix := mustOpenCurrent(t, dir)
	if err := ix.Upsert(context.Background(), searchtest.Corpus()); err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(ix)
	}
	ix.Close()
	return dir
}

func TestRebuildSwapsCurrent(t *testing.T) {
	ctx := context.Background()
	dir := corpusFolder(t, nil)
	old := readCurrent(t, dir)

	corpus := searchtest.Corpus()[:2]
	err := Rebuild(ctx, dir, func(put func([]search.Entry) error) error {
		for _, e := range corpus {
			if err := put([]search.Entry{e}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	name := readCurrent(t, dir)
	if name == old {
		t.Fatalf("CURRENT still names %s after a rebuild", old)
	}
	if got := indexDirs(t, dir); len(got) != 1 || got[0] != name {
		t.Errorf("index directories after a rebuild: %q, want only %q", got, name)
	}
	ix := mustOpenCurrent(t, dir)
	defer ix.Close()
	if got := total(t, ix); got != len(corpus) {
		t.Errorf("the rebuilt index holds %d entries, want %d", got, len(corpus))
	}
}

func TestRebuildFailureKeepsCurrent(t *testing.T) {
	ctx := context.Background()
	dir := corpusFolder(t, nil)
	broken := errors.New("the database went away")
	err := Rebuild(ctx, dir, func(put func([]search.Entry) error) error {
		if err := put(searchtest.Corpus()[:1]); err != nil {
			return err
		}
		return broken
	})
	if !errors.Is(err, broken) {
		t.Fatalf("Rebuild = %v, want %v", err, broken)
	}
	if got := readCurrent(t, dir); got != firstIndex {
		t.Errorf("a failed rebuild changed CURRENT to %q", got)
	}
	if got := indexDirs(t, dir); len(got) != 1 || got[0] != firstIndex {
		t.Errorf("index directories after a failed rebuild: %q, want only %q", got, firstIndex)
	}
	ix := mustOpenCurrent(t, dir)
	defer ix.Close()
	if got, want := total(t, ix), len(searchtest.Corpus()); got != want {
		t.Errorf("the live index holds %d entries after a failed rebuild, want %d", got, want)
	}
}

// oldLayoutFolder makes a folder whose live index has an older layout.
func oldLayoutFolder(t *testing.T) string {
	t.Helper()
	return corpusFolder(t, func(ix *Index) {
		if err := ix.idx.SetInternal([]byte(layoutKey), []byte("1")); err != nil {
			t.Fatal(err)
		}
	})
}

func TestOpenCurrentRebuildsAnOldLayout(t *testing.T) {
	dir := oldLayoutFolder(t)
	requeued := 0
	ix, err := OpenCurrent(context.Background(), dir, func(context.Context) error { requeued++; return nil })
	if err != nil {
		t.Fatalf("OpenCurrent of an old layout: %v", err)
	}
	defer ix.Close()
	if requeued != 1 {
		t.Errorf("requeue called %d times, want once", requeued)
	}
	name := readCurrent(t, dir)
	if name == firstIndex {
		t.Errorf("CURRENT still names the old index")
	}
	if got := indexDirs(t, dir); len(got) != 1 || got[0] != name {
		t.Errorf("index directories: %q, want only %q", got, name)
	}
	if got := total(t, ix); got != 0 {
		t.Errorf("the new index holds %d entries, want none until the indexer refills it", got)
	}
}

func TestOpenCurrentOldLayoutRequeueFails(t *testing.T) {
	dir := oldLayoutFolder(t)
	broken := errors.New("the database went away")
	if _, err := OpenCurrent(context.Background(), dir, func(context.Context) error { return broken }); !errors.Is(err, broken) {
		t.Fatalf("OpenCurrent = %v, want %v", err, broken)
	}
	if got := readCurrent(t, dir); got != firstIndex {
		t.Errorf("a failed requeue changed CURRENT to %q", got)
	}
	// The folder is not left locked.
	requeued := false
	ix, err := OpenCurrent(context.Background(), dir, func(context.Context) error { requeued = true; return nil })
	if err != nil {
		t.Fatalf("OpenCurrent after a failed requeue: %v", err)
	}
	ix.Close()
	if !requeued {
		t.Error("the second OpenCurrent did not requeue")
	}
}

func TestOpenCurrentRefusesABadName(t *testing.T) {
	for _, name := range []string{"", "..", ".", "../elsewhere", `a\b`} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, currentFile), []byte(name+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if ix, err := OpenCurrent(context.Background(), dir, noRequeue); err == nil {
			ix.Close()
			t.Errorf("CURRENT naming %q was accepted", name)
		} else if !strings.Contains(err.Error(), "names no index") {
			t.Errorf("CURRENT naming %q: %v", name, err)
		}
		// The folder is not left locked.
		unlock, err := lockDir(dir)
		if err != nil {
			t.Fatalf("CURRENT naming %q left the folder locked: %v", name, err)
		}
		unlock()
	}
}
