// Package blobtest is the conformance suite every attachments.BlobStore passes.
package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts/attachments"
)

// LargeSize is the size of the object streamed from a generator: larger than
// one 16 MiB S3 part, so multipart uploads are exercised.
const LargeSize = 20 << 20

// Run runs the suite. open returns a fresh, empty store for each subtest.
func Run(t *testing.T, open func(t *testing.T) attachments.BlobStore) {
	t.Run("RoundTrip", func(t *testing.T) { t.Parallel(); testRoundTrip(t, open(t)) })
	t.Run("Empty", func(t *testing.T) { t.Parallel(); testEmpty(t, open(t)) })
	t.Run("Large", func(t *testing.T) { testLarge(t, open(t)) }) // not parallel: measures allocation
	t.Run("Overwrite", func(t *testing.T) { t.Parallel(); testOverwrite(t, open(t)) })
	t.Run("Missing", func(t *testing.T) { t.Parallel(); testMissing(t, open(t)) })
	t.Run("Delete", func(t *testing.T) { t.Parallel(); testDelete(t, open(t)) })
	t.Run("List", func(t *testing.T) { t.Parallel(); testList(t, open(t)) })
	t.Run("FailingReader", func(t *testing.T) { t.Parallel(); testFailingReader(t, open(t)) })
	t.Run("ShortReader", func(t *testing.T) { t.Parallel(); testShortReader(t, open(t)) })
	t.Run("Concurrent", func(t *testing.T) { t.Parallel(); testConcurrent(t, open(t)) })
	t.Run("Cancel", func(t *testing.T) { t.Parallel(); testCancel(t, open(t)) })
	t.Run("Ping", func(t *testing.T) { t.Parallel(); testPing(t, open(t)) })
}

func testRoundTrip(t *testing.T, s attachments.BlobStore) {
	ctx := t.Context()
	data := []byte("Neni 1\n1. Kjo rregullore përcakton ... Član 1 — \x00\xff binary too")
	for _, size := range []int64{int64(len(data)), -1} {
		key := fmt.Sprintf("att/2026/11/roundtrip%d", size+1)
		if err := s.Put(ctx, key, bytes.NewReader(data), size, "text/markdown"); err != nil {
			t.Fatalf("Put(size %d): %v", size, err)
		}
		if got := MustGet(t, s, key); !bytes.Equal(got, data) {
			t.Fatalf("Get(size %d) = %q, want %q", size, got, data)
		}
	}
}

func testEmpty(t *testing.T, s attachments.BlobStore) {
	ctx := t.Context()
	for _, size := range []int64{0, -1} {
		key := fmt.Sprintf("att/empty%d", size+1)
		if err := s.Put(ctx, key, bytes.NewReader(nil), size, ""); err != nil {
			t.Fatalf("Put(empty, size %d): %v", size, err)
		}
		if got := MustGet(t, s, key); len(got) != 0 {
			t.Fatalf("Get(empty) returned %d bytes", len(got))
		}
	}
}

// testLarge streams objects that exist only as a generator and checks that
// Put's allocations stay well below the object's size plus one part buffer:
// an implementation reading the whole object, or picking a huge part size
// for an unknown length, fails here.
func testLarge(t *testing.T, s attachments.BlobStore) {
	ctx := t.Context()
	for _, size := range []int64{LargeSize, -1} {
		key := fmt.Sprintf("att/2026/11/large%d", size+1)
		gen := NewGenerator(uint64(size+2), LargeSize)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if err := s.Put(ctx, key, gen, size, "application/pdf"); err != nil {
			t.Fatalf("Put(large, size %d): %v", size, err)
		}
		runtime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("Put(large, size %d) allocated %.1f MiB", size, float64(alloc)/(1<<20))
		if alloc > 48<<20 {
			t.Errorf("Put(large, size %d) allocated %d MiB; it must stream", size, alloc>>20)
		}
		rc, n, err := s.Get(ctx, key)
		if err != nil {
			t.Fatalf("Get(large): %v", err)
		}
		h := sha256.New()
		copied, err := io.Copy(h, rc)
		rc.Close()
		if err != nil {
			t.Fatalf("reading large object: %v", err)
		}
		if n != LargeSize || copied != LargeSize {
			t.Fatalf("large object: Get size %d, read %d, want %d", n, copied, LargeSize)
		}
		if got, want := h.Sum(nil), NewGenerator(uint64(size+2), LargeSize).Sum(t); !bytes.Equal(got, want) {
			t.Fatalf("large object: content differs")
		}
	}
}

func testOverwrite(t *testing.T, s attachments.BlobStore) {
	key := "att/overwrite"
	MustPut(t, s, key, []byte("first version, longer than the second"))
	MustPut(t, s, key, []byte("second"))
	if got := MustGet(t, s, key); string(got) != "second" {
		t.Fatalf("after overwrite Get = %q", got)
	}
	if keys := Keys(t, s, "att/"); !slices.Equal(keys, []string{key}) {
		t.Fatalf("after overwrite List = %q", keys)
	}
}

func testMissing(t *testing.T, s attachments.BlobStore) {
	MustPut(t, s, "att/present", []byte("x"))
	for _, key := range []string{"att/absent", "att/present/below", "never/was/here"} {
		rc, _, err := s.Get(t.Context(), key)
		if code := policydesk.ErrorCode(err); code != policydesk.ENotFound {
			if rc != nil {
				rc.Close()
			}
			t.Errorf("Get(%q) error = %v (code %q), want %s", key, err, code, policydesk.ENotFound)
		}
	}
}

func testDelete(t *testing.T, s attachments.BlobStore) {
	ctx := t.Context()
	MustPut(t, s, "att/del", []byte("bye"))
	MustPut(t, s, "att/keep", []byte("stay"))
	for i := range 2 {
		if err := s.Delete(ctx, "att/del"); err != nil {
			t.Fatalf("Delete #%d: %v", i+1, err)
		}
	}
	if err := s.Delete(ctx, "att/never"); err != nil {
		t.Fatalf("Delete(missing): %v", err)
	}
	MustNotExist(t, s, "att/del")
	if got := MustGet(t, s, "att/keep"); string(got) != "stay" {
		t.Fatalf("neighbour changed: %q", got)
	}
}

func testList(t *testing.T, s attachments.BlobStore) {
	ctx := t.Context()
	start := time.Now().Add(-time.Hour)
	for _, k := range []string{"att/2026/10/a", "att/2026/11/b", "att/2026/11/c", "att/2027/01/d", "other/e"} {
		MustPut(t, s, k, []byte(k))
	}
	for prefix, want := range map[string][]string{
		"":              {"att/2026/10/a", "att/2026/11/b", "att/2026/11/c", "att/2027/01/d", "other/e"},
		"att/":          {"att/2026/10/a", "att/2026/11/b", "att/2026/11/c", "att/2027/01/d"},
		"att/2026/11/":  {"att/2026/11/b", "att/2026/11/c"},
		"att/2026/1":    {"att/2026/10/a", "att/2026/11/b", "att/2026/11/c"},
		"att/2026/11/c": {"att/2026/11/c"},
		"att/2028/":     nil,
		"nothing":       nil,
	} {
		if got := Keys(t, s, prefix); !slices.Equal(got, want) {
			t.Errorf("List(%q) = %q, want %q", prefix, got, want)
		}
	}
	err := s.List(ctx, "att/2026/11/", func(bi attachments.BlobInfo) error {
		if bi.Size != int64(len(bi.Key)) {
			t.Errorf("List: %s has size %d, want %d", bi.Key, bi.Size, len(bi.Key))
		}
		if bi.Modified.Before(start) || bi.Modified.After(time.Now().Add(time.Hour)) {
			t.Errorf("List: %s modified at %v", bi.Key, bi.Modified)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	calls := 0
	err = s.List(ctx, "att/", func(attachments.BlobInfo) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("List with a failing fn: err %v after %d calls, want %v after 1", err, calls, stop)
	}
}

// errHalfway is what FailingReader fails with.
var errHalfway = errors.New("blobtest: reader failed halfway")

func testFailingReader(t *testing.T, s attachments.BlobStore) {
	ctx := t.Context()
	cases := []struct {
		name        string
		total, fail int64
		size        int64
	}{
		{"small known size", 1 << 20, 512 << 10, 1 << 20},
		{"small unknown size", 1 << 20, 512 << 10, -1},
		{"after first part", LargeSize, 18 << 20, -1},
		{"large known size", LargeSize, 18 << 20, LargeSize},
	}
	for i, c := range cases {
		key := fmt.Sprintf("att/failing/%d", i)
		r := &FailingReader{R: NewGenerator(uint64(i), c.total), N: c.fail, Err: errHalfway}
		err := s.Put(ctx, key, r, c.size, "")
		if err == nil {
			t.Fatalf("%s: Put from a failing reader succeeded", c.name)
		}
		if !errors.Is(err, errHalfway) {
			t.Errorf("%s: Put error = %v, want it to wrap %v", c.name, err, errHalfway)
		}
		MustNotExist(t, s, key)
	}
	if keys := Keys(t, s, ""); len(keys) != 0 {
		t.Fatalf("failed Puts left %q", keys)
	}
}

// testShortReader announces more bytes than the reader has.
func testShortReader(t *testing.T, s attachments.BlobStore) {
	for i, n := range []int64{100, LargeSize - 1} {
		key := fmt.Sprintf("att/short/%d", i)
		if err := s.Put(t.Context(), key, NewGenerator(1, n), n+1, ""); err == nil {
			t.Fatalf("Put of %d bytes announced as %d succeeded", n, n+1)
		}
		MustNotExist(t, s, key)
	}
}

func testConcurrent(t *testing.T, s attachments.BlobStore) {
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			data := bytes.Repeat([]byte{byte(i)}, 1000+i*4096)
			errs[i] = s.Put(t.Context(), fmt.Sprintf("att/c/%02d", i), bytes.NewReader(data), -1, "")
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Put #%d: %v", i, err)
		}
	}
	for i := range n {
		got := MustGet(t, s, fmt.Sprintf("att/c/%02d", i))
		if want := bytes.Repeat([]byte{byte(i)}, 1000+i*4096); !bytes.Equal(got, want) {
			t.Fatalf("object %d: %d bytes differ from the %d put", i, len(got), len(want))
		}
	}
	if keys := Keys(t, s, "att/c/"); len(keys) != n {
		t.Fatalf("List after concurrent puts: %d keys, want %d", len(keys), n)
	}
}

func testCancel(t *testing.T, s attachments.BlobStore) {
	MustPut(t, s, "att/there", []byte("x"))
	done, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.Put(done, "att/cancelled", bytes.NewReader([]byte("x")), 1, ""); err == nil {
		t.Error("Put with a cancelled context succeeded")
	}
	MustNotExist(t, s, "att/cancelled")
	if rc, _, err := s.Get(done, "att/there"); err == nil {
		rc.Close()
		t.Error("Get with a cancelled context succeeded")
	}
	if err := s.List(done, "", func(attachments.BlobInfo) error { return nil }); err == nil {
		t.Error("List with a cancelled context succeeded")
	}

	// Cancelled while streaming, past the first S3 part.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r := &FailingReader{R: NewGenerator(7, LargeSize), N: 17 << 20, OnFail: cancel}
	err := s.Put(ctx, "att/cancelled-midway", r, -1, "")
	if err == nil {
		t.Fatal("Put cancelled midway succeeded")
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Put cancelled midway: %v, want context.Canceled", err)
	}
	MustNotExist(t, s, "att/cancelled-midway")
}

func testPing(t *testing.T, s attachments.BlobStore) {
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

// MustPut stores data under key with its size known.
func MustPut(t testing.TB, s attachments.BlobStore, key string, data []byte) {
	t.Helper()
	if err := s.Put(t.Context(), key, bytes.NewReader(data), int64(len(data)), "application/octet-stream"); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

// MustGet reads key whole and checks the size Get reported.
func MustGet(t testing.TB, s attachments.BlobStore, key string) []byte {
	t.Helper()
	rc, size, err := s.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("Get(%q): reading: %v", key, err)
	}
	if int64(len(data)) != size {
		t.Fatalf("Get(%q) reported size %d but gave %d bytes", key, size, len(data))
	}
	return data
}

// MustNotExist checks that Get says ENotFound and List does not name key.
func MustNotExist(t testing.TB, s attachments.BlobStore, key string) {
	t.Helper()
	rc, _, err := s.Get(t.Context(), key)
	if err == nil {
		rc.Close()
		t.Fatalf("%q exists, want it absent", key)
	}
	if code := policydesk.ErrorCode(err); code != policydesk.ENotFound {
		t.Fatalf("Get(%q): %v (code %q), want %s", key, err, code, policydesk.ENotFound)
	}
	if slices.Contains(Keys(t, s, key), key) {
		t.Fatalf("List still names %q", key)
	}
}

// Keys lists the keys under prefix, sorted.
func Keys(t testing.TB, s attachments.BlobStore, prefix string) []string {
	t.Helper()
	var keys []string
	err := s.List(t.Context(), prefix, func(bi attachments.BlobInfo) error {
		keys = append(keys, bi.Key)
		return nil
	})
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	slices.Sort(keys)
	return keys
}

// Generator yields n pseudo-random bytes from a seed without holding them:
// a stream, not a ReaderAt or Seeker.
type Generator struct {
	rng  *rand.ChaCha8
	left int64
}

// NewGenerator returns a Generator of n bytes; the same seed gives the same bytes.
func NewGenerator(seed uint64, n int64) *Generator {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	return &Generator{rng: rand.NewChaCha8(s), left: n}
}

func (g *Generator) Read(p []byte) (int, error) {
	if g.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > g.left {
		p = p[:g.left]
	}
	n, _ := g.rng.Read(p)
	g.left -= int64(n)
	return n, nil
}

// Sum drains the generator and returns the SHA-256 of its bytes.
func (g *Generator) Sum(t testing.TB) []byte {
	h := sha256.New()
	if _, err := io.Copy(h, g); err != nil {
		t.Fatal(err)
	}
	return h.Sum(nil)
}

// FailingReader passes N bytes of R, then calls OnFail (if set) and fails
// with Err (or, without one, goes on reading R).
type FailingReader struct {
	R      io.Reader
	N      int64
	Err    error
	OnFail func()
	failed bool
}

func (r *FailingReader) Read(p []byte) (int, error) {
	if r.N <= 0 {
		if !r.failed && r.OnFail != nil {
			r.OnFail()
		}
		r.failed = true
		if r.Err != nil {
			return 0, r.Err
		}
		return r.R.Read(p)
	}
	if int64(len(p)) > r.N {
		p = p[:r.N]
	}
	n, err := r.R.Read(p)
	r.N -= int64(n)
	return n, err
}
