package main

// End-to-end tests of indexing that no attachment can poison, on the real
// binary: poison files are refused with their reason, a file whose reader
// never returns holds back neither new documents nor access changes, and
// SIGTERM ends the process (and the reader) within its grace period, also
// across a restart.

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"policydesk/search/extract/extracttest"
)

// childPIDs lists the processes whose parent is pid.
func childPIDs(t testing.TB, pid int) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) > 1 {
			if ppid, _ := strconv.Atoi(fields[1]); ppid == pid {
				out = append(out, p)
			}
		}
	}
	return out
}

// alive reports whether pid runs (a zombie waiting to be reaped does not).
func alive(pid int) bool {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z" && fields[0] != "X"
}

type problemJSON struct {
	DocumentID   int64  `json:"document_id"`
	AttachmentID int64  `json:"attachment_id"`
	Filename     string `json:"filename"`
	SetAside     bool   `json:"set_aside"`
	Attempts     int    `json:"attempts"`
	Reason       string `json:"reason"`
}

func (c *apiClient) indexing(t testing.TB) (backlog, textBacklog int, problems []problemJSON) {
	t.Helper()
	var out struct {
		Backlog     int           `json:"backlog"`
		TextBacklog int           `json:"text_backlog"`
		Problems    []problemJSON `json:"problems"`
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.do(ctx, http.MethodGet, "/api/v1/admin/indexing", nil, &out); err != nil {
		t.Fatalf("GET /api/v1/admin/indexing: %v", err)
	}
	return out.Backlog, out.TextBacklog, out.Problems
}

func (c *apiClient) upload(t testing.TB, docID int64, name string, data []byte) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, err := c.uploadStream(ctx, docID, name, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("uploading %s: %v", name, err)
	}
	return a.ID
}

// within polls cond every 50 ms for up to limit and returns the time it
// took; it fails the test past the limit.
func within(t testing.TB, limit time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			t.Fatalf("%s: not within %v", what, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
	took := time.Since(start)
	t.Logf("%s: %v", what, took.Round(time.Millisecond))
	return took
}

// TestIndexingE2E_StuckPDF is the scenario of the issue. Poison files are
// uploaded, among them one on which the PDF reader never returns; a new
// document is searchable within 5 s, a visibility change reaches search
// within 5 s, the refused files are shown to admins with their reason, and
// SIGTERM ends the server and the stuck reader at once. Restarted, the
// server tries the stuck file again within its time budget, sets it aside
// after its attempts, and keeps indexing meanwhile.
func TestIndexingE2E_StuckPDF(t *testing.T) {
	data := t.TempDir()
	srv := startServer(t, data, "POLICYDESK_EXTRACT_TIMEOUT=120s", "POLICYDESK_SHUTDOWN_GRACE=10s")
	admin := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	ctx := context.Background()
	const staffPassword = "kthim-e2e-fjalekalim-9431"
	if err := admin.do(ctx, http.MethodPost, "/api/v1/users", map[string]string{"login": "staff1", "name": "Staff", "role": "staff",
		"password": staffPassword}, nil); err != nil {
		t.Fatalf("creating staff1: %v", err)
	}
	staff := loginAPI(t, srv.URL, "staff1", staffPassword)

	doc := admin.createDocument(t, "Protokolli qzkorniza", "# Protokolli\n\n## Neni 1\n\nTakimet e tryezës.\n")
	refused := map[string]string{
		"self-parent.pdf": "its own ancestor",
		"kids-loop.pdf":   "lists itself",
		"huge-count.pdf":  "declares 2147483648 pages",
		"nested.docx":     "nested deeper than 256",
		"zip-bomb.docx":   "larger than 32 MiB",
	}
	files := map[string][]byte{
		"self-parent.pdf": extracttest.SelfParentPDF(),
		"kids-loop.pdf":   extracttest.KidsLoopPDF(),
		"huge-count.pdf":  extracttest.HugeCountPDF(),
		"nested.docx":     extracttest.NestedDOCX(1_000_000),
		"zip-bomb.docx":   extracttest.ZipBombDOCX(64 << 20),
	}
	ids := map[int64]string{}
	for _, name := range []string{"self-parent.pdf", "kids-loop.pdf", "huge-count.pdf", "nested.docx", "zip-bomb.docx"} {
		ids[admin.upload(t, doc.ID, name, files[name])] = name
	}
	// Refused files: set aside with their reason, in milliseconds.
	within(t, 10*time.Second, "every poison file is set aside with its reason", func() bool {
		_, _, problems := admin.indexing(t)
		n := 0
		for _, p := range problems {
			if name, ok := ids[p.AttachmentID]; ok && p.SetAside && strings.Contains(p.Reason, refused[name]) {
				n++
			}
		}
		return n == len(refused)
	})

	// A PDF on which the reader loops for ever, inside the library.
	stuckID := admin.upload(t, doc.ID, "xref-loop.pdf", extracttest.XrefLoopPDF())
	pid := srv.cmd.Process.Pid
	var reader int
	within(t, 10*time.Second, "the reader of xref-loop.pdf is running", func() bool {
		if c := childPIDs(t, pid); len(c) == 1 {
			reader = c[0]
			return true
		}
		return false
	})
	if env, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(reader), "environ")); err != nil || bytes.Contains(env, []byte("POLICYDESK_")) {
		t.Errorf("the reader's environment holds the service's settings (%v): %q", err, env)
	}

	// A new document is searchable while the reader is stuck (before this
	// fix, the indexer itself was stuck).
	admin.createDocument(t, "Rregullore qzvelanor", "# Rregullore\n\nTekst i ri.\n")
	within(t, 5*time.Second, "a new document is searchable while a PDF is stuck", func() bool {
		return hasTitle(admin.search(t, "qzvelanor"), "Rregullore qzvelanor")
	})

	// A visibility change reaches search while the document's own
	// attachment is stuck.
	within(t, 5*time.Second, "staff finds the internal document", func() bool {
		return hasTitle(staff.search(t, "qzkorniza"), doc.Title)
	})
	if err := admin.do(ctx, http.MethodPatch, "/api/v1/documents/"+strconv.FormatInt(doc.ID, 10), map[string]string{"visibility": "restricted"}, nil); err != nil {
		t.Fatal(err)
	}
	within(t, 5*time.Second, "the restricted document disappears from staff's search", func() bool {
		return staff.search(t, "qzkorniza").Total == 0
	})
	// Once the document is re-indexed (its entries are replaced, not
	// updated in place), its readers still find it.
	within(t, 5*time.Second, "the documents' backlog is empty", func() bool {
		backlog, _, _ := admin.indexing(t)
		return backlog == 0
	})
	if staff.search(t, "qzkorniza").Total != 0 {
		t.Error("staff finds the restricted document again")
	}
	if !hasTitle(admin.search(t, "qzkorniza"), doc.Title) {
		t.Error("the admin no longer finds the restricted document")
	}
	if c := childPIDs(t, pid); len(c) != 1 || c[0] != reader {
		t.Fatalf("the reader %d was not stuck throughout (now %v)", reader, c)
	}
	_, textBacklog, problems := admin.indexing(t)
	if textBacklog != 1 {
		t.Errorf("text backlog = %d, want 1 (the stuck file)", textBacklog)
	}
	for _, p := range problems {
		if p.AttachmentID == stuckID {
			t.Errorf("the file being read is listed as a problem: %+v", p)
		}
	}

	// SIGTERM while the reader is stuck: a clean exit within the grace
	// period, and the reader is gone too.
	start := time.Now()
	srv.Stop(t)
	took := time.Since(start)
	t.Logf("SIGTERM with a stuck reader: exited in %v", took.Round(time.Millisecond))
	if took > 10*time.Second {
		t.Errorf("shutdown took %v, more than the 10s grace period", took)
	}
	within(t, 2*time.Second, "the stuck reader ends with the server", func() bool { return !alive(reader) })
	if strings.Contains(srv.Logs(), "grace period") && strings.Contains(srv.Logs(), "exiting now") {
		t.Errorf("the shutdown needed the hard exit:\n%s", srv.Logs())
	}

	// Restarted with a 2 s budget: the stuck file was not counted against
	// (shutdown is not its fault), is tried again, and is set aside after
	// its attempts; indexing goes on meanwhile.
	srv2 := startServer(t, data, "POLICYDESK_EXTRACT_TIMEOUT=2s")
	admin2 := loginAPI(t, srv2.URL, "admin", e2eAdminPassword)
	admin2.createDocument(t, "Udhëzim qzpartenor", "# Udhëzim\n\nTekst.\n")
	within(t, 5*time.Second, "after a restart a new document is searchable while the PDF is retried", func() bool {
		return hasTitle(admin2.search(t, "qzpartenor"), "Udhëzim qzpartenor")
	})
	within(t, 60*time.Second, "the stuck file is set aside after its attempts", func() bool {
		_, _, problems := admin2.indexing(t)
		for _, p := range problems {
			if p.AttachmentID == stuckID && p.SetAside {
				if p.Attempts != 3 || !strings.Contains(p.Reason, "longer than 2s") {
					t.Errorf("the stuck file's problem: %+v", p)
				}
				return true
			}
		}
		return false
	})
	if c := childPIDs(t, srv2.cmd.Process.Pid); len(c) != 0 {
		t.Errorf("readers still running after the file was set aside: %v", c)
	}
	// Found by name, as every file is.
	waitSearchCaughtUp(t, srv2)
	if res := admin2.search(t, "xref-loop.pdf"); res.Total == 0 {
		t.Error("the set-aside file is not found by its name")
	}
	if status, out := readyz(t, srv2.URL); status != 200 || out["search_not_indexed"] != "6" || out["search_backlog"] != "0" {
		t.Errorf("readyz = %d %v, want 6 not indexed and an empty backlog", status, out)
	}
}

// TestShutdownE2E_GraceBoundsAStuckRequest: a request that never finishes
// (an upload trickling in) cannot keep the process alive past its grace
// period after SIGTERM.
func TestShutdownE2E_GraceBoundsAStuckRequest(t *testing.T) {
	srv := startServer(t, "", "POLICYDESK_SHUTDOWN_GRACE=2s")
	admin := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	doc := admin.createDocument(t, "Rregullore", "# R\n")
	pr, pw := io.Pipe()
	defer pw.Close()
	go func() {
		for {
			if _, err := pw.Write([]byte("a")); err != nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go admin.uploadStream(ctx, doc.ID, "slow.txt", pr)
	time.Sleep(500 * time.Millisecond) // the upload is being received

	start := time.Now()
	err := srv.shutdown()
	took := time.Since(start)
	t.Logf("SIGTERM with a request that never ends: exited in %v (%v)", took.Round(time.Millisecond), err)
	if took > 4*time.Second {
		t.Errorf("the process took %v to exit with a 2s grace period", took)
	}
	if err == nil {
		t.Error("the process reported a clean shutdown although a request was cut off")
	}
	if !strings.Contains(srv.Logs(), "still running") {
		t.Errorf("the log does not say requests were still running:\n%s", srv.Logs())
	}
}

// TestIndexingE2E_ReaderDiesWithTheServer: a reader stuck on a file does
// not outlive a server killed outright (SIGKILL, the OOM killer): it
// notices its parent is gone and exits.
func TestIndexingE2E_ReaderDiesWithTheServer(t *testing.T) {
	srv := startServer(t, "", "POLICYDESK_EXTRACT_TIMEOUT=120s")
	admin := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	doc := admin.createDocument(t, "Rregullore", "# R\n")
	admin.upload(t, doc.ID, "xref-loop.pdf", extracttest.XrefLoopPDF())
	var reader int
	within(t, 10*time.Second, "the reader is running", func() bool {
		if c := childPIDs(t, srv.cmd.Process.Pid); len(c) == 1 {
			reader = c[0]
			return true
		}
		return false
	})
	srv.Kill(t)
	within(t, 3*time.Second, "the orphaned reader exits", func() bool { return !alive(reader) })
}
