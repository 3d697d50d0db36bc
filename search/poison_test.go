package search_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts"
	"policydesk/search"
	"policydesk/search/extract"
	"policydesk/search/extract/extracttest"
)

// waitFor polls cond every 10 ms up to limit and reports how long it took.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			t.Fatalf("%s: not within %v", what, limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start)
}

// staffFinds searches as the user, through the Service (the access filter
// of every caller).
func staffFinds(t *testing.T, f *fixture, u *policydesk.User, q string) int {
	t.Helper()
	res, err := (&search.Service{Index: f.bleve}).Search(as(u), search.Query{Q: q})
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

// TestIndexing_StuckAttachmentHoldsBackNothing is the finding's scenario
// with the two workers running as the service runs them: while reading one
// attachment never returns, a new document becomes searchable, a document
// made restricted stops showing to staff, and the stuck document's own
// metadata changes reach search; once the reader returns, its text lands.
// Cancelling the workers stops them even while the reader is stuck.
func TestIndexing_StuckAttachmentHoldsBackNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	owner := f.user("drita", policydesk.RoleEditor)
	staff := f.user("staff", policydesk.RoleStaff)
	release := make(chan struct{})
	var stuck atomic.Bool
	f.texts.Extract = func(ctx context.Context, filename, contentType string, r io.Reader) (string, error) {
		if filename == "stuck.pdf" {
			stuck.Store(true)
			select {
			case <-release:
				return "Teksti i bllokuar qzstuckword", nil
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}
		return inProcess(ctx, filename, contentType, r)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var workers sync.WaitGroup
	workers.Go(func() { f.indexer.Run(ctx) })
	workers.Go(func() { f.texts.Run(ctx) })
	defer func() { cancel(); workers.Wait() }()

	a, _, err := f.svc.CreateDocument(as(owner), drafts.NewDocument{Title: "Protokolli qzalpha", Kind: "protocol", Language: "sq",
		Visibility: "internal", Body: "# Protokolli\n\n## Neni 1\n\nTakimet e tryezës.\n"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.att.Upload(as(owner), a.ID, "stuck.pdf", bytes.NewReader(extracttest.TextPDF("x"))); err != nil {
		t.Fatal(err)
	}
	f.texts.Notify()
	waitFor(t, 5*time.Second, "the reader is stuck", stuck.Load)
	waitFor(t, 5*time.Second, "staff finds the internal document", func() bool { return staffFinds(t, f, staff, "qzalpha") > 0 })

	// A new document becomes searchable.
	if _, _, err := f.svc.CreateDocument(as(owner), drafts.NewDocument{Title: "Rregullore qzbeta", Kind: "regulation", Language: "sq",
		Body: "# R\n\nTekst.\n"}); err != nil {
		t.Fatal(err)
	}
	f.indexer.Notify()
	took := waitFor(t, 5*time.Second, "the new document is searchable while an attachment is stuck", func() bool { return len(f.find("qzbeta").Hits) > 0 })
	t.Logf("new document searchable after %v", took)

	// The stuck document is made restricted: staff stops finding it.
	if _, err := f.svc.UpdateDocument(as(owner), a.ID, drafts.DocumentPatch{Visibility: ptr("restricted")}); err != nil {
		t.Fatal(err)
	}
	f.indexer.Notify()
	took = waitFor(t, 5*time.Second, "the visibility change reaches search while its attachment is stuck", func() bool {
		return f.backlog() == 0 && staffFinds(t, f, staff, "qzalpha") == 0
	})
	t.Logf("visibility change in search after %v", took)
	if n := staffFinds(t, f, owner, "qzalpha"); n == 0 {
		t.Error("the owner no longer finds the restricted document")
	}

	// The reader returns: the text lands and is found.
	close(release)
	waitFor(t, 5*time.Second, "the text lands once the reader returns", func() bool { return len(f.find("qzstuckword").Hits) > 0 })
}

// TestIndexing_CancelStopsAStuckReader: the extraction worker returns when
// its context ends even while the reader is stuck, and records nothing
// against the file (shutting down is not the file's fault).
func TestIndexing_CancelStopsAStuckReader(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	owner := f.user("drita", policydesk.RoleEditor)
	var stuck atomic.Bool
	f.texts.Extract = func(ctx context.Context, filename, contentType string, r io.Reader) (string, error) {
		stuck.Store(true)
		<-ctx.Done()
		return "", ctx.Err()
	}
	doc, _, err := f.svc.CreateDocument(as(owner), drafts.NewDocument{Title: "R", Kind: "regulation", Language: "sq", Body: "# R\n"})
	if err != nil {
		t.Fatal(err)
	}
	att, err := f.att.Upload(as(owner), doc.ID, "a.pdf", bytes.NewReader(extracttest.TextPDF("x")))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.texts.Run(ctx); close(done) }()
	waitFor(t, 5*time.Second, "the reader is stuck", stuck.Load)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the extraction worker did not stop")
	}
	p, err := f.db.PendingTexts(context.Background(), 10, time.Now())
	if err != nil || len(p) != 1 || p[0].AttachmentID != att.ID || p[0].Attempts != 0 {
		t.Errorf("after a cancelled read, pending = %+v, %v; want the file due again with no attempt counted", p, err)
	}
}

// TestIndexer_AccessChangesFirstInADrain: with a batch of one, a drain
// pass takes the document whose visibility changed before older content
// changes.
func TestIndexer_AccessChangesFirstInADrain(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	owner := f.user("drita", policydesk.RoleEditor)
	staff := f.user("staff", policydesk.RoleStaff)
	var ids []int64
	words := []string{"qzkalbrtyw", "qzmuvenhop", "qzditrasxe", "qzfoglumib", "qzpernaswo"}
	for i := range 5 {
		d, _, err := f.svc.CreateDocument(as(owner), drafts.NewDocument{Title: "Dokument " + words[i], Kind: "regulation",
			Language: "sq", Body: "# D\n\nTekst.\n"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	f.drain()
	for _, id := range ids[:4] {
		d, _, err := f.svc.Document(as(owner), id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SaveVersion(as(owner), id, d.Head, "# D\n\nTekst i ri.\n", "v2"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.UpdateDocument(as(owner), ids[4], drafts.DocumentPatch{Visibility: ptr("restricted")}); err != nil {
		t.Fatal(err)
	}
	f.indexer.Batch = 1
	if n, err := f.indexer.Drain(ctx); err != nil || n != 1 {
		t.Fatalf("Drain = %d, %v", n, err)
	}
	if got := staffFinds(t, f, staff, words[4]); got != 0 {
		t.Errorf("after one document's drain, staff still finds the restricted one (%d hits): access changes must go first", got)
	}
	if f.backlog() != 4 {
		t.Errorf("backlog = %d, want the 4 content changes still waiting", f.backlog())
	}
}

// alwaysFailing fails every document in bad with an ordinary error.
type alwaysFailing struct {
	search.Source
	mu  sync.Mutex
	bad map[int64]bool
}

func (s *alwaysFailing) DocumentEntries(ctx context.Context, id int64) ([]search.Entry, error) {
	s.mu.Lock()
	bad := s.bad[id]
	s.mu.Unlock()
	if bad {
		return nil, errors.New("corrupt outline")
	}
	return s.Source.DocumentEntries(ctx, id)
}

func (s *alwaysFailing) set(id int64, bad bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bad[id] = bad
}

// TestIndexer_SetAsideAfterAttempts: a document whose indexing keeps
// failing is retried with backoff, then set aside: out of the backlog,
// shown to admins as not indexed with the reason, while the queue moves
// on. Its old entries are removed at the first failure (fail closed). An
// admin's retry (audited) indexes it once healed.
func TestIndexer_SetAsideAfterAttempts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	owner := f.user("drita", policydesk.RoleEditor)
	staff := f.user("staff", policydesk.RoleStaff)
	bad, _, err := f.svc.CreateDocument(as(owner), drafts.NewDocument{Title: "Rregullore qzbad", Kind: "regulation", Language: "sq", Body: "# R\n"})
	if err != nil {
		t.Fatal(err)
	}
	f.drain()
	if len(f.find("qzbad").Hits) == 0 {
		t.Fatal("not indexed while healthy")
	}
	src := &alwaysFailing{Source: f.lib, bad: map[int64]bool{bad.ID: true}}
	f.indexer.Source = src
	f.indexer.MaxAttempts = 2
	if _, err := f.svc.UpdateDocument(as(owner), bad.ID, drafts.DocumentPatch{Visibility: ptr("restricted")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.indexer.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	// Fail closed: its state could not be read, so its old (internal)
	// entries are gone rather than still shown to staff.
	if n := staffFinds(t, f, staff, "qzbad"); n != 0 {
		t.Errorf("staff finds %d entries of a document whose new state could not be indexed", n)
	}
	if f.backlog() != 1 {
		t.Fatalf("backlog = %d after the first failure, want 1 (retried)", f.backlog())
	}
	// The queue moves on while it waits.
	if _, _, err := f.svc.CreateDocument(as(owner), drafts.NewDocument{Title: "Rregullore qzgood", Kind: "regulation", Language: "sq", Body: "# R\n"}); err != nil {
		t.Fatal(err)
	}
	if n, err := f.indexer.Drain(ctx); err != nil || n != 1 || len(f.find("qzgood").Hits) == 0 {
		t.Fatalf("Drain behind the failing document = %d, %v", n, err)
	}
	// After the backoff (1s), the second failure sets it aside.
	waitFor(t, 5*time.Second, "the second attempt sets the document aside", func() bool {
		if _, err := f.indexer.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		return f.backlog() == 0
	})
	svc := &search.Service{Index: f.bleve, Outbox: f.db, Texts: f.db, Problems: f.db}
	admin := as(f.admin)
	st, err := svc.Indexing(admin)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Problems) != 1 || st.Problems[0].DocumentID != bad.ID || !st.Problems[0].SetAside ||
		st.Problems[0].Attempts != 2 || st.Problems[0].Reason != "corrupt outline" || st.Backlog != 0 {
		t.Fatalf("indexing status = %+v", st)
	}
	if n, err := svc.NotIndexed(ctx); err != nil || n != 1 {
		t.Errorf("NotIndexed = %d, %v", n, err)
	}
	if _, err := svc.Indexing(as(owner)); policydesk.ErrorCode(err) != policydesk.EForbidden {
		t.Errorf("an editor reads the indexing status: %v", err)
	}
	if err := svc.RetryDocument(as(owner), bad.ID); policydesk.ErrorCode(err) != policydesk.EForbidden {
		t.Errorf("an editor retries: %v", err)
	}

	// Healed and retried by an admin: indexed, and the retry is audited.
	src.set(bad.ID, false)
	if err := svc.RetryDocument(admin, bad.ID); err != nil {
		t.Fatal(err)
	}
	f.drain()
	if n := staffFinds(t, f, owner, "qzbad"); n == 0 {
		t.Error("the retried document is not indexed")
	}
	if st, _ := svc.Indexing(admin); len(st.Problems) != 0 {
		t.Errorf("problems after the retry: %+v", st.Problems)
	}
	entries, _, err := f.svc.Audit(admin, policydesk.AuditFilter{ObjectType: "document"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 || entries[0].Action != "indexing.retry" || entries[0].Actor != "admin" {
		t.Errorf("newest document audit entry %+v, want the retry", entries[0])
	}
}

// TestExtraction_RetriesThenSetsAside: a file over its budget is retried
// with backoff and set aside after its attempts; a refused file is set
// aside at once; an unsupported kind is settled as such; the queue moves
// on in the same pass; an admin's retry queues it again.
func TestExtraction_RetriesThenSetsAside(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	owner := f.user("drita", policydesk.RoleEditor)
	f.texts.MaxAttempts = 2
	var overBudget atomic.Int64
	f.texts.Extract = func(ctx context.Context, filename, contentType string, r io.Reader) (string, error) {
		if filename == "slow.pdf" {
			overBudget.Add(1)
			return "", &extract.LimitError{Reason: "reading it took longer than 20s"}
		}
		return inProcess(ctx, filename, contentType, r)
	}
	doc, _, err := f.svc.CreateDocument(as(owner), drafts.NewDocument{Title: "R", Kind: "regulation", Language: "sq", Body: "# R\n"})
	if err != nil {
		t.Fatal(err)
	}
	upload := func(name string, data []byte) int64 {
		a, err := f.att.Upload(as(owner), doc.ID, name, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	slow := upload("slow.pdf", extracttest.TextPDF("x"))
	loop := upload("loop.pdf", extracttest.SelfParentPDF())
	png := upload("photo.png", []byte("\x89PNG"))
	good := upload("shenime.txt", []byte("qzgoodtext"))

	if _, err := f.texts.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	texts := func() map[int64]*search.AttachmentText {
		m, err := f.db.AttachmentTexts(ctx, doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := texts()
	if s := m[slow]; s.Status != search.TextPending || s.Attempts != 1 || !strings.Contains(s.Reason, "longer than 20s") {
		t.Errorf("slow file after one attempt: %+v", s)
	}
	if s := m[loop]; s.Status != search.TextFailed || !strings.Contains(s.Reason, "loops") || !strings.HasPrefix(s.Reason, "The PDF") {
		t.Errorf("looping PDF: %+v", s)
	}
	if s := m[png]; s.Status != search.TextUnsupported {
		t.Errorf("png: %+v", s)
	}
	if s := m[good]; s.Status != search.TextDone || s.Text != "qzgoodtext" {
		t.Errorf("good file: %+v", s)
	}
	waitFor(t, 5*time.Second, "the second attempt sets the slow file aside", func() bool {
		if _, err := f.texts.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		return texts()[slow].Status == search.TextFailed
	})
	if n := overBudget.Load(); n != 2 {
		t.Errorf("the slow file was read %d times, want 2", n)
	}
	if n, _ := f.db.TextBacklog(ctx); n != 0 {
		t.Errorf("text backlog %d after setting aside", n)
	}
	f.drain()
	if len(f.find("qzgoodtext").Hits) != 1 {
		t.Error("the good file's text is not found")
	}
	svc := &search.Service{Index: f.bleve, Outbox: f.db, Texts: f.db, Problems: f.db}
	st, err := svc.Indexing(as(f.admin))
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[int64]string{}
	for _, p := range st.Problems {
		if p.SetAside {
			reasons[p.AttachmentID] = p.Reason
		}
	}
	if len(reasons) != 2 || !strings.Contains(reasons[slow], "20s") || !strings.Contains(reasons[loop], "loops") {
		t.Errorf("problems shown to admins: %+v", st.Problems)
	}
	if err := svc.RetryAttachment(as(f.admin), slow); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.db.TextBacklog(ctx); n != 1 {
		t.Errorf("text backlog after the retry = %d, want 1", n)
	}
}
