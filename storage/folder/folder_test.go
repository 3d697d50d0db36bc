package folder_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"policydesk"
	"policydesk/drafts/attachments"
	"policydesk/storage/blobtest"
	"policydesk/storage/folder"
)

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) attachments.BlobStore {
		s := MustOpen(t, t.TempDir())
		t.Cleanup(func() { checkNoTempFiles(t, s.Dir()) })
		return s
	})
}

func MustOpen(t testing.TB, dir string) *folder.Store {
	t.Helper()
	s, err := folder.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestValidKey(t *testing.T) {
	for _, key := range []string{"a", "att/2026/11/Xy_z-0.pdf", "a.b/c", "A/B/C"} {
		if !folder.ValidKey(key) {
			t.Errorf("ValidKey(%q) = false", key)
		}
	}
	bad := []string{
		"", "/abs", "a/", "a//b", "..", "../x", "a/../b", "a/..", ".", "./a", "a/./b",
		".hidden", "a/.tmp-123", `a\b`, "a b", "a:b", "ä", "a\x00b", "a%2e", strings.Repeat("a", 1025),
	}
	s := MustOpen(t, t.TempDir())
	ctx := t.Context()
	for _, key := range bad {
		if folder.ValidKey(key) {
			t.Errorf("ValidKey(%q) = true", key)
		}
		err := s.Put(ctx, key, bytes.NewReader([]byte("x")), 1, "")
		if policydesk.ErrorCode(err) != policydesk.EInvalid {
			t.Errorf("Put(%q) = %v, want %s", key, err, policydesk.EInvalid)
		}
		if _, _, err := s.Get(ctx, key); policydesk.ErrorCode(err) != policydesk.EInvalid {
			t.Errorf("Get(%q) = %v, want %s", key, err, policydesk.EInvalid)
		}
		if err := s.Delete(ctx, key); policydesk.ErrorCode(err) != policydesk.EInvalid {
			t.Errorf("Delete(%q) = %v, want %s", key, err, policydesk.EInvalid)
		}
	}
	for _, prefix := range []string{"../", "/", "a/../", ".tmp-", `a\`} {
		err := s.List(ctx, prefix, func(attachments.BlobInfo) error { return nil })
		if policydesk.ErrorCode(err) != policydesk.EInvalid {
			t.Errorf("List(%q) = %v, want %s", prefix, err, policydesk.EInvalid)
		}
	}
}

// TestKeysStayInside checks that nothing is written outside the root.
func TestKeysStayInside(t *testing.T) {
	parent := t.TempDir()
	s := MustOpen(t, filepath.Join(parent, "blobs"))
	for _, key := range []string{"../escape", "../../escape"} {
		s.Put(t.Context(), key, bytes.NewReader([]byte("x")), 1, "")
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Fatalf("parent holds %d entries, want only blobs/", len(entries))
	}
}

// TestCrashLeftovers: temporary files an interrupted Put left are neither
// listed nor kept once the store is opened again.
func TestCrashLeftovers(t *testing.T) {
	dir := t.TempDir()
	s := MustOpen(t, dir)
	blobtest.MustPut(t, s, "att/2026/11/kept", []byte("complete"))
	leftovers := []string{
		filepath.Join(dir, "att", "2026", "11", ".tmp-123456"),
		filepath.Join(dir, ".tmp-ping-1"),
	}
	for _, p := range leftovers {
		if err := os.WriteFile(p, []byte("half an upl"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if keys := blobtest.Keys(t, s, ""); len(keys) != 1 || keys[0] != "att/2026/11/kept" {
		t.Fatalf("List with leftovers = %q", keys)
	}
	s = MustOpen(t, dir)
	checkNoTempFiles(t, dir)
	if got := blobtest.MustGet(t, s, "att/2026/11/kept"); string(got) != "complete" {
		t.Fatalf("kept object = %q", got)
	}
}

// TestFailedOverwriteKeepsOld: the rename is the commit point, so a failed
// Put leaves the previous bytes whole.
func TestFailedOverwriteKeepsOld(t *testing.T) {
	s := MustOpen(t, t.TempDir())
	blobtest.MustPut(t, s, "att/k", []byte("old"))
	boom := errors.New("boom")
	r := &blobtest.FailingReader{R: blobtest.NewGenerator(1, 1<<20), N: 1000, Err: boom}
	if err := s.Put(t.Context(), "att/k", r, -1, ""); !errors.Is(err, boom) {
		t.Fatalf("Put = %v, want %v", err, boom)
	}
	if got := blobtest.MustGet(t, s, "att/k"); string(got) != "old" {
		t.Fatalf("after failed overwrite: %q", got)
	}
	checkNoTempFiles(t, s.Dir())
}

func TestPingUnwritable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes to read-only directories")
	}
	dir := t.TempDir()
	s := MustOpen(t, dir)
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	if err := s.Ping(t.Context()); policydesk.ErrorCode(err) != policydesk.EUnavailable {
		t.Fatalf("Ping on a read-only directory = %v, want %s", err, policydesk.EUnavailable)
	}
}

func TestPingRemovedDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "blobs")
	s := MustOpen(t, dir)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	err := s.Ping(t.Context())
	if policydesk.ErrorCode(err) != policydesk.EUnavailable {
		t.Fatalf("Ping on a removed directory = %v, want %s", err, policydesk.EUnavailable)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Ping error %v does not keep its cause", err)
	}
	if msg := policydesk.ErrorMessage(err); strings.Contains(msg, dir) {
		t.Errorf("user-facing message leaks the path: %q", msg)
	}
}

func checkNoTempFiles(t testing.TB, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}

// TestPrefixCollision: a file system cannot hold both "a" and "a/b".
func TestPrefixCollision(t *testing.T) {
	s := MustOpen(t, t.TempDir())
	blobtest.MustPut(t, s, "att/x", []byte("file"))
	blobtest.MustPut(t, s, "att/dir/y", []byte("below"))
	for _, key := range []string{"att/x/below", "att/dir"} {
		err := s.Put(t.Context(), key, bytes.NewReader([]byte("z")), 1, "")
		if policydesk.ErrorCode(err) != policydesk.EConflict {
			t.Errorf("Put(%q) = %v, want %s", key, err, policydesk.EConflict)
		}
	}
	checkNoTempFiles(t, s.Dir())
}
