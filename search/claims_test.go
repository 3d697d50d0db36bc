package search_test

import (
	"context"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts"
	"policydesk/search"
)

// overlapWatch fails the test when two workers hold the same key at once.
type overlapWatch struct {
	t    *testing.T
	mu   sync.Mutex
	busy map[string]bool
	seen map[string]int
}

func newOverlapWatch(t *testing.T) *overlapWatch {
	return &overlapWatch{t: t, busy: map[string]bool{}, seen: map[string]int{}}
}

// hold marks key busy for a moment, as reading a document or a file does.
func (w *overlapWatch) hold(key string) {
	w.mu.Lock()
	if w.busy[key] {
		w.t.Errorf("%s is worked on by two replicas at once", key)
	}
	w.busy[key] = true
	w.seen[key]++
	w.mu.Unlock()
	time.Sleep(2 * time.Millisecond)
	w.mu.Lock()
	delete(w.busy, key)
	w.mu.Unlock()
}

// watchedSource reports every document read to an overlapWatch.
type watchedSource struct {
	search.Source
	w *overlapWatch
}

func (s *watchedSource) DocumentEntries(ctx context.Context, id int64) ([]search.Entry, error) {
	s.w.hold(fmt.Sprint("document ", id))
	return s.Source.DocumentEntries(ctx, id)
}

// TestClaims_TwoReplicasNeverWorkOnTheSameDocument: two indexers and two
// text readers (two replicas, as with Meilisearch) drain one database
// while changes keep coming: no document is read by both at once, no
// attachment either, and together they leave nothing behind.
func TestClaims_TwoReplicasNeverWorkOnTheSameDocument(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	owner := f.user("drita", policydesk.RoleEditor)
	w := newOverlapWatch(t)
	var docs []int64
	for i := range 20 {
		d, _, err := f.svc.CreateDocument(as(owner), drafts.NewDocument{Title: fmt.Sprint("Rregullore ", i), Kind: "regulation", Language: "sq", Body: "# R\n"})
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d.ID)
		if _, err := f.att.Upload(as(owner), d.ID, fmt.Sprintf("shenime%d.txt", i), io.LimitReader(zeros{}, 10)); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var workers sync.WaitGroup
	for r := range 2 {
		ix := &search.Indexer{Index: f.index, Outbox: f.db, Source: &watchedSource{Source: f.lib, w: w}, Batch: 3, Poll: 5 * time.Millisecond, Consumer: fmt.Sprint("replica-", r)}
		x := &search.Extraction{Queue: f.db, Blobs: f.blobs, Poll: 5 * time.Millisecond, Consumer: fmt.Sprint("replica-", r),
			Extract: func(ctx context.Context, filename, contentType string, rd io.Reader) (string, error) {
				w.hold("file " + filename)
				return inProcess(ctx, filename, contentType, rd)
			}}
		workers.Go(func() { ix.Run(ctx) })
		workers.Go(func() { x.Run(ctx) })
	}
	for i := range 60 { // changes while they work
		title := fmt.Sprint("Rregullore e ndryshuar ", i)
		if _, err := f.svc.UpdateDocument(as(owner), docs[i%len(docs)], drafts.DocumentPatch{Title: &title}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 20*time.Second, "both replicas drain the outbox and the text queue", func() bool {
		n, err := f.db.TextBacklog(context.Background())
		return err == nil && n == 0 && f.backlog() == 0
	})
	cancel()
	workers.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := range 20 {
		if n := w.seen[fmt.Sprintf("file shenime%d.txt", i)]; n != 1 {
			t.Errorf("shenime%d.txt read %d times, want once", i, n)
		}
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// TestClaims_DeadReplicasWorkIsTakenOver: a replica that stops in the
// middle of a pass (killed: its claims are neither finished nor released)
// holds its documents until its lease ends; then another replica indexes
// them.
func TestClaims_DeadReplicasWorkIsTakenOver(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	owner := f.user("drita", policydesk.RoleEditor)
	if _, _, err := f.svc.CreateDocument(as(owner), drafts.NewDocument{Title: "Rregullore qzdead", Kind: "regulation", Language: "sq", Body: "# R\n"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	dying := &search.Indexer{Index: f.index, Outbox: f.db, Source: &cancelAfter{Source: f.lib, n: 1, cancel: cancel}, Consumer: "dying", Lease: 300 * time.Millisecond}
	if _, err := dying.Drain(ctx); err == nil {
		t.Fatal("the dying indexer's pass reported no error")
	}
	other := &search.Indexer{Index: f.index, Outbox: f.db, Source: f.lib, Consumer: "other"}
	if n, err := other.Drain(context.Background()); err != nil || n != 0 {
		t.Fatalf("another replica took claimed work: %d, %v", n, err)
	}
	took := waitFor(t, 5*time.Second, "the other replica takes over after the lease", func() bool {
		n, err := other.Drain(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return n > 0
	})
	if took < 200*time.Millisecond {
		t.Errorf("taken over after %v, before the lease ended", took)
	}
	if len(f.find("qzdead").Hits) == 0 {
		t.Error("the document is not indexed after the takeover")
	}
}
