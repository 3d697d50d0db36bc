package review_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// reversedLines is a body of n numbered lines and the same lines reversed.
func reversedLines(n int) (string, string) {
	ls := make([]string, n)
	for k := range ls {
		ls[k] = fmt.Sprintf("%d. Rreshti %d i rregullores.\n", k, k)
	}
	a := strings.Join(ls, "")
	slices.Reverse(ls)
	return a, strings.Join(ls, "")
}

// TestDiffCancelled checks that a redline whose request has ended fails
// with the context's error and leaves nothing behind: the next request
// computes it in full. (redline.TestComputeContextCancelled stops one in
// the middle of its work.)
func TestDiffCancelled(t *testing.T) {
	f := newFixture(t)
	a, b := reversedLines(16000)
	v2 := f.save(a)
	v3 := f.save(b)
	ctx, cancel := context.WithCancel(f.as(f.editor))
	cancel()
	if _, _, _, err := f.svc.Diff(ctx, f.doc.ID, v2.Number, v3.Number); !errors.Is(err, context.Canceled) {
		t.Fatalf("Diff with an ended request: %v", err)
	}
	r, _, _, err := f.svc.Diff(f.as(f.editor), f.doc.ID, v2.Number, v3.Number)
	if err != nil || !r.Bounded {
		t.Fatalf("Diff after it: %v, bounded %v", err, r != nil && r.Bounded)
	}
	if ga, gb := r.Reconstruct(); ga != a || gb != b {
		t.Fatal("the redline does not rebuild both versions")
	}
}

// TestDiffWaitsForHeavySlot checks that with every Heavy slot taken a
// redline waits, and gives up when its request ends rather than running
// beside the others.
func TestDiffWaitsForHeavySlot(t *testing.T) {
	f := newFixture(t)
	v2 := f.save(bodyV1 + "\nShtesë.\n")
	release := make(chan struct{})
	var held sync.WaitGroup
	started := make(chan struct{}, 64)
	for range 64 { // more than GOMAXPROCS: some wait, all are released below
		held.Add(1)
		go func() {
			defer held.Done()
			f.drafts.Heavy(context.Background(), func() error {
				started <- struct{}{}
				<-release
				return nil
			})
		}()
	}
	for range runtime.GOMAXPROCS(0) { // every slot taken, not just one
		<-started
	}
	const wait = time.Second
	start := time.Now() // before the deadline is set, so took ≥ wait when it ends the wait
	ctx, cancel := context.WithTimeout(f.as(f.editor), wait)
	defer cancel()
	_, _, _, err := f.svc.Diff(ctx, f.doc.ID, 1, v2.Number)
	took := time.Since(start)
	close(release)
	held.Wait()
	// Computed beside the held slots, it would have succeeded at once.
	if !errors.Is(err, context.DeadlineExceeded) || took < wait {
		t.Fatalf("Diff while every slot is taken: %v after %v", err, took)
	}
	if _, _, _, err := f.svc.Diff(f.as(f.editor), f.doc.ID, 1, v2.Number); err != nil {
		t.Fatalf("Diff once the slots are free: %v", err)
	}
}

// TestRedlineCacheIsBoundedInBytes checks that a cache too small for a
// redline of two large versions does not keep it, and that one large
// enough does (the second request is then served from it).
func TestRedlineCacheIsBoundedInBytes(t *testing.T) {
	f := newFixture(t)
	a, b := reversedLines(4000) // two bodies of about 130 KB
	v2, v3 := f.save(a), f.save(b)
	for _, tc := range []struct {
		bytes int64
		kept  bool
	}{{4 * 200 << 10, false}, {8 << 20, true}} {
		f.svc.SetRedlineCacheBytes(tc.bytes)
		r1, _, _, err := f.svc.Diff(f.as(f.editor), f.doc.ID, v2.Number, v3.Number)
		if err != nil {
			t.Fatal(err)
		}
		r2, _, _, err := f.svc.Diff(f.as(f.editor), f.doc.ID, v2.Number, v3.Number)
		if err != nil {
			t.Fatal(err)
		}
		if kept := r1 == r2; kept != tc.kept {
			t.Errorf("cache of %d bytes: kept %v, want %v", tc.bytes, kept, tc.kept)
		}
	}
}
