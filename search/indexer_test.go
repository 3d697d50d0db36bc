package search_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/accounts"
	"policydesk/drafts/attachments"
	"policydesk/drafts/markdown"
	"policydesk/review"
	"policydesk/search"
	"policydesk/search/bleve"
	"policydesk/search/extract"
	"policydesk/storage/folder"
	"policydesk/storage/sqldb"
	"policydesk/storage/sqlite"
)

// switchIndex is the real index with a switch that makes every call fail
// as an unreachable engine does.
type switchIndex struct {
	search.Index
	down atomic.Bool
}

func (s *switchIndex) err() error {
	if s.down.Load() {
		return policydesk.Errorf(policydesk.EUnavailable, "engine down")
	}
	return nil
}

func (s *switchIndex) Upsert(ctx context.Context, e []search.Entry) error {
	if err := s.err(); err != nil {
		return err
	}
	return s.Index.Upsert(ctx, e)
}

func (s *switchIndex) Delete(ctx context.Context, ids []string) error {
	if err := s.err(); err != nil {
		return err
	}
	return s.Index.Delete(ctx, ids)
}

func (s *switchIndex) DeleteDocument(ctx context.Context, id int64) error {
	if err := s.err(); err != nil {
		return err
	}
	return s.Index.DeleteDocument(ctx, id)
}

func (s *switchIndex) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	if err := s.err(); err != nil {
		return nil, err
	}
	return s.Index.Search(ctx, q)
}

func (s *switchIndex) Ping(ctx context.Context) error {
	if err := s.err(); err != nil {
		return err
	}
	return s.Index.Ping(ctx)
}

// fixture is the app's stores over real files in a temporary directory,
// wired as cmd/policydesk wires them.
type fixture struct {
	t       *testing.T
	db      *sqldb.DB
	acc     *accounts.Service
	svc     *drafts.Service
	rv      *review.Service
	att     *attachments.Attachments
	blobs   *downBlobs
	lib     *search.Library
	texts   *search.Extraction
	bleve   *bleve.Index
	index   *switchIndex
	indexer *search.Indexer
	admin   *policydesk.User
}

// downBlobs wraps the folder store; when down, Get fails as an unreachable
// object store does.
type downBlobs struct {
	attachments.BlobStore
	down atomic.Bool
}

func (b *downBlobs) Get(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	if b.down.Load() {
		return nil, 0, policydesk.Errorf(policydesk.EUnavailable, "The file store cannot be reached.")
	}
	return b.BlobStore.Get(ctx, key)
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "policydesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := drafts.NewService(db, db, markdown.NewRenderer(64))
	acc := accounts.NewService(db)
	acc.BcryptCost = bcrypt.MinCost
	if _, err := acc.Bootstrap(ctx, "kestrel-harbour-41"); err != nil {
		t.Fatal(err)
	}
	admin, err := db.FindUserByLogin(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	store, err := folder.Open(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	blobs := &downBlobs{BlobStore: store}
	bl, err := bleve.Open(filepath.Join(dir, "search", "index-1"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bl.Close() })
	f := &fixture{t: t, db: db, acc: acc, svc: svc, rv: review.NewService(svc, db), blobs: blobs, bleve: bl, index: &switchIndex{Index: bl}, admin: admin}
	f.att = &attachments.Attachments{Drafts: svc, Store: db, Blobs: blobs, MaxBytes: 1 << 20}
	// As cmd/policydesk newLibrary builds it; files are read in this
	// process here (the child process is tested in package extract and
	// end to end).
	f.lib = &search.Library{Docs: db, Comments: db, Attachments: db, Texts: db, IDs: db.DocumentIDs}
	f.texts = &search.Extraction{Queue: db, Blobs: blobs, Extract: inProcess, Poll: 10 * time.Millisecond}
	f.indexer = &search.Indexer{Index: f.index, Outbox: db, Source: f.lib, Batch: 20, Poll: 10 * time.Millisecond}
	return f
}

func inProcess(ctx context.Context, filename, contentType string, r io.Reader) (string, error) {
	return extract.Text(filename, contentType, r)
}

// extract reads every attachment due now.
func (f *fixture) extract() {
	f.t.Helper()
	for range 100 {
		n, err := f.texts.Drain(context.Background())
		if err != nil {
			f.t.Fatalf("extraction Drain: %v", err)
		}
		if n == 0 {
			return
		}
	}
	f.t.Fatal("the extraction queue does not drain")
}

func (f *fixture) user(login, role string) *policydesk.User {
	f.t.Helper()
	u, err := f.acc.AddUserOffline(context.Background(), accounts.NewUser{Login: login, Name: strings.ToUpper(login), Password: "user-password-1", Role: role})
	if err != nil {
		f.t.Fatalf("user %s: %v", login, err)
	}
	return u
}

func as(u *policydesk.User) context.Context {
	return policydesk.NewContextWithUser(context.Background(), u)
}

// drain reads attachments due and runs the indexer until the outbox is
// empty.
func (f *fixture) drain() {
	f.t.Helper()
	ctx := context.Background()
	f.extract()
	for i := 0; ; i++ {
		if _, err := f.indexer.Drain(ctx); err != nil {
			f.t.Fatalf("Drain: %v", err)
		}
		n, err := f.db.Backlog(ctx)
		if err != nil {
			f.t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if i > 1000 {
			f.t.Fatalf("the outbox does not drain: backlog %d", n)
		}
	}
}

func (f *fixture) backlog() int {
	f.t.Helper()
	n, err := f.db.Backlog(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

// find searches the real index with full access.
func (f *fixture) find(q string) *search.Result {
	f.t.Helper()
	res, err := f.bleve.Search(context.Background(), search.Query{Q: q, All: true, Limit: search.MaxLimit})
	if err != nil {
		f.t.Fatalf("search %q: %v", q, err)
	}
	if res.Total > len(res.Hits) {
		f.t.Fatalf("search %q: %d hits, more than one page", q, res.Total)
	}
	return res
}

func hitIDs(res *search.Result) []string {
	ids := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	slices.Sort(ids)
	return ids
}

func entryIDs(entries []search.Entry) []string {
	ids := make([]string, 0, len(entries))
	for _, e := range entries {
		ids = append(ids, e.ID)
	}
	slices.Sort(ids)
	return ids
}

// token makes a random word of ten letters: far (more than two edits) from
// every other token, so typo tolerance never confuses two of them.
func token(rnd *rand.Rand) string {
	b := make([]byte, 10)
	for i := range b {
		b[i] = byte('a' + rnd.Intn(26))
	}
	return "q" + string(b)
}

// convergeDoc is one document of the convergence test.
type convergeDoc struct {
	id         int64
	titleToken string   // in every title the document ever had
	versionTok []string // versionTok[k] is only in version k+1
	head       int
	comments   []int64
}

// body is version k of a document: the version's own word in the preamble
// and the last article, and a number of articles that changes between
// versions so that article entries appear and disappear.
func convergeBody(title, tok string, k int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\nHyrje e versionit %d: %s.\n\n", title, k, tok)
	n := k%4 + 1
	for a := 1; a <= n; a++ {
		fmt.Fprintf(&b, "## Neni %d – Dispozita\n\nKjo rregullore përcakton çështjen %d.", a, a)
		if a == n {
			fmt.Fprintf(&b, " Fjala e versionit: %s.", tok)
		}
		b.WriteString("\n\n")
	}
	return b.String()
}

// TestIndexer_OutboxConverges is the outbox test: a thousand changes made
// while the engine is down are all indexed once it is back, with nothing
// missing and nothing stale.
func TestIndexer_OutboxConverges(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	owner := f.user("drita", policydesk.RoleEditor)
	other := f.user("arben", policydesk.RoleEditor)
	reviewer := f.user("besa", policydesk.RoleReviewer)
	staff := f.user("staff", policydesk.RoleStaff)
	// Clear what bootstrap left, then take the engine down.
	f.drain()
	f.index.down.Store(true)

	rnd := rand.New(rand.NewSource(7))
	const nDocs = 50
	docs := make([]*convergeDoc, nDocs)
	changes := 0
	oc := as(owner)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		changes++
	}
	title := func(d *convergeDoc, suffix string) string { return "Rregullore " + d.titleToken + " " + suffix }
	save := func(d *convergeDoc) {
		t.Helper()
		d.versionTok = append(d.versionTok, token(rnd))
		k := len(d.versionTok)
		_, err := f.svc.SaveVersion(oc, d.id, d.head, convergeBody("Rregullore", d.versionTok[k-1], k), fmt.Sprintf("v%d", k))
		must("save version", err)
		d.head = k
	}
	comment := func(d *convergeDoc, text string) {
		t.Helper()
		c, err := f.rv.AddComment(oc, d.id, review.NewComment{Quote: "Kjo rregullore përcakton", Body: text})
		must("comment", err)
		d.comments = append(d.comments, c.ID)
	}
	str := func(s string) *string { return &s }

	// Interleave the documents: each step touches every document.
	steps := []func(i int, d *convergeDoc){
		func(i int, d *convergeDoc) {
			d.titleToken = token(rnd)
			d.versionTok = []string{token(rnd)}
			doc, _, err := f.svc.CreateDocument(oc, drafts.NewDocument{Title: title(d, "fillestare"), Kind: drafts.Kinds[i%len(drafts.Kinds)],
				Language: drafts.Languages[i%len(drafts.Languages)], Body: convergeBody("Rregullore", d.versionTok[0], 1)})
			must("create", err)
			d.id, d.head = doc.ID, 1
		},
		func(i int, d *convergeDoc) { save(d) },
		func(i int, d *convergeDoc) { save(d) },
		func(i int, d *convergeDoc) { comment(d, "Propozim i parë") },
		func(i int, d *convergeDoc) { comment(d, "Propozim i dytë") },
		func(i int, d *convergeDoc) {
			_, err := f.rv.Reply(oc, d.comments[0], "Përgjigje e parë")
			must("reply", err)
		},
		func(i int, d *convergeDoc) { save(d) },
		func(i int, d *convergeDoc) {
			_, err := f.svc.UpdateDocument(oc, d.id, drafts.DocumentPatch{Title: str(title(d, "e ndryshuar"))})
			must("patch title", err)
		},
		func(i int, d *convergeDoc) {
			_, err := f.svc.SetMember(oc, d.id, reviewer.Login, "reviewer")
			must("share with reviewer", err)
		},
		func(i int, d *convergeDoc) {
			_, err := f.svc.SetMember(oc, d.id, staff.Login, "reader")
			must("share with staff", err)
		},
		func(i int, d *convergeDoc) { save(d) },
		func(i int, d *convergeDoc) { comment(d, "Propozim i tretë") },
		func(i int, d *convergeDoc) { comment(d, "Propozim i katërt") },
		func(i int, d *convergeDoc) {
			_, err := f.rv.Reply(oc, d.comments[2], "Përgjigje e dytë")
			must("reply", err)
		},
		func(i int, d *convergeDoc) {
			_, err := f.rv.Decide(oc, d.comments[1], "rejected", "Nuk pajtohemi")
			must("decide", err)
		},
		func(i int, d *convergeDoc) { save(d) },
		func(i int, d *convergeDoc) {
			_, err := f.svc.UpdateDocument(oc, d.id, drafts.DocumentPatch{Status: str(drafts.Statuses[i%len(drafts.Statuses)])})
			must("patch status", err)
		},
		func(i int, d *convergeDoc) {
			p := drafts.DocumentPatch{Title: str(title(d, "përfundimtare"))}
			if i%3 == 0 {
				p = drafts.DocumentPatch{Visibility: str("restricted")}
			}
			_, err := f.svc.UpdateDocument(oc, d.id, p)
			must("patch visibility", err)
		},
		func(i int, d *convergeDoc) {
			if i%2 == 0 {
				must("remove reviewer", f.svc.RemoveMember(oc, d.id, reviewer.Login))
			} else {
				must("remove staff", f.svc.RemoveMember(oc, d.id, staff.Login))
			}
		},
		func(i int, d *convergeDoc) { save(d) },
	}
	for s, step := range steps {
		for i := range docs {
			if s == 0 {
				docs[i] = &convergeDoc{}
			}
			step(i, docs[i])
		}
		if s == len(steps)/2 {
			// A drain in the middle, still down: it fails and loses nothing.
			if _, err := f.indexer.Drain(ctx); policydesk.ErrorCode(err) != policydesk.EUnavailable {
				t.Fatalf("Drain with the engine down: %v, want unavailable", err)
			}
		}
	}
	if changes != 1000 {
		t.Fatalf("made %d changes, want 1000", changes)
	}

	for range 3 {
		n, err := f.indexer.Drain(ctx)
		if policydesk.ErrorCode(err) != policydesk.EUnavailable || n != 0 {
			t.Fatalf("Drain with the engine down = %d, %v; want 0, unavailable", n, err)
		}
	}
	if b := f.backlog(); b != nDocs {
		t.Fatalf("backlog with the engine down = %d, want %d documents", b, nDocs)
	}
	if res := f.find(""); res.Total != 0 {
		t.Fatalf("the index holds %d entries before the engine came back", res.Total)
	}

	f.index.down.Store(false)
	f.drain()

	// Convergence: per document, the index holds exactly what the
	// Library builds from the database now.
	total := 0
	for i, d := range docs {
		want, err := f.lib.DocumentEntries(ctx, d.id)
		if err != nil {
			t.Fatal(err)
		}
		total += len(want)
		res := f.find(d.titleToken)
		for _, h := range res.Hits {
			if h.DocumentID != d.id {
				t.Errorf("doc %d: title token found in document %d (%s)", d.id, h.DocumentID, h.ID)
			}
		}
		got, wantIDs := hitIDs(res), entryIDs(want)
		if !slices.Equal(got, wantIDs) {
			var missing, stale []string
			for _, id := range wantIDs {
				if !slices.Contains(got, id) {
					missing = append(missing, id)
				}
			}
			for _, id := range got {
				if !slices.Contains(wantIDs, id) {
					stale = append(stale, id)
				}
			}
			t.Errorf("doc %d (#%d): missing %v, stale %v", d.id, i, missing, stale)
		}
		// Metadata converged too: the newest title, status and visibility.
		doc, err := f.db.FindDocument(ctx, d.id)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			if h.Title != doc.Title || h.Status != doc.Status {
				t.Errorf("doc %d: hit %s has title %q status %q, want %q %q", d.id, h.ID, h.Title, h.Status, doc.Title, doc.Status)
				break
			}
		}
		// Words of replaced text are gone; the newest version's are found.
		for k, tok := range d.versionTok {
			res := f.find(tok)
			if k == len(d.versionTok)-1 {
				if len(res.Hits) == 0 {
					t.Errorf("doc %d: the newest version's word %q is not found", d.id, tok)
				}
				for _, h := range res.Hits {
					if h.DocumentID != d.id || h.Type != search.TypeDocument {
						t.Errorf("doc %d: newest word found in %s of document %d", d.id, h.ID, h.DocumentID)
					}
				}
			} else if len(res.Hits) > 0 {
				t.Errorf("doc %d: word %q of version %d is still found in %v", d.id, tok, k+1, hitIDs(res))
			}
		}
	}
	if res, err := f.bleve.Search(ctx, search.Query{All: true, Limit: 1}); err != nil || res.Total != total {
		t.Errorf("the index holds %v entries, want exactly %d (err %v)", res.Total, total, err)
	}

	// Access converged: each user finds a document's entries exactly when
	// the drafts policy lets them read it now.
	svc := &search.Service{Index: f.bleve, Outbox: f.db}
	for _, u := range []*policydesk.User{reviewer, staff, other} {
		for _, d := range docs {
			_, _, err := f.svc.Document(as(u), d.id)
			canRead := err == nil
			res, serr := svc.Search(as(u), search.Query{Q: d.titleToken, Limit: search.MaxLimit})
			if serr != nil {
				t.Fatal(serr)
			}
			if found := res.Total > 0; found != canRead {
				t.Errorf("%s (%s) on doc %d: search finds %d entries, may read = %v", u.Login, u.Role, d.id, res.Total, canRead)
			}
		}
	}
	if b := f.backlog(); b != 0 {
		t.Errorf("backlog = %d after converging", b)
	}
}

// failingSource fails for one document with an ordinary (not unavailable)
// error until healed.
type failingSource struct {
	search.Source
	bad    atomic.Int64
	failed atomic.Int64
}

func (s *failingSource) DocumentEntries(ctx context.Context, id int64) ([]search.Entry, error) {
	if id == s.bad.Load() {
		s.failed.Add(1)
		return nil, errors.New("corrupt outline")
	}
	return s.Source.DocumentEntries(ctx, id)
}

func TestIndexer_DocumentFailureRetriedWithoutBlockingOthers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	owner := f.user("drita", policydesk.RoleEditor)
	var ids []int64
	for i := range 5 {
		d, _, err := f.svc.CreateDocument(as(owner), drafts.NewDocument{Title: fmt.Sprintf("Dokument %d", i), Kind: "regulation", Language: "sq",
			Body: fmt.Sprintf("# Dokument\n\n## Neni 1\n\nFjala%d e veçantë.\n", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	src := &failingSource{Source: f.lib}
	src.bad.Store(ids[0]) // the oldest, first in every pass
	f.indexer.Source = src

	n, err := f.indexer.Drain(ctx)
	if err != nil {
		t.Fatalf("Drain: %v", err)
	}
	if n != len(ids)-1 {
		t.Errorf("Drain indexed %d documents, want %d (all but the failing one)", n, len(ids)-1)
	}
	if b := f.backlog(); b != 1 {
		t.Fatalf("backlog = %d, want 1 (the failing document waits)", b)
	}
	for _, id := range ids[1:] {
		if res := f.find(fmt.Sprintf("Fjala%d", id-ids[0])); len(res.Hits) == 0 {
			t.Errorf("document %d was not indexed behind the failing one", id)
		}
	}
	// Postponed with backoff: not due now, due after the backoff.
	if p, _ := f.db.PendingDocuments(ctx, 10, time.Now()); len(p) != 0 {
		t.Errorf("the failing document is due again at once: %+v", p)
	}
	p, err := f.db.PendingDocuments(ctx, 10, time.Now().Add(2*time.Minute))
	if err != nil || len(p) != 1 || p[0].DocumentID != ids[0] || p[0].Attempts != 1 {
		t.Fatalf("pending after the backoff = %+v, %v; want document %d with 1 attempt", p, err, ids[0])
	}
	if n, err := f.indexer.Drain(ctx); n != 0 || err != nil {
		t.Errorf("a second Drain within the backoff = %d, %v; want nothing to do", n, err)
	}
	if got := src.failed.Load(); got != 1 {
		t.Errorf("the failing document was tried %d times within its backoff, want 1", got)
	}

	// Healed: after the backoff it is indexed.
	src.bad.Store(0)
	deadline := time.Now().Add(10 * time.Second)
	for f.backlog() > 0 && time.Now().Before(deadline) {
		if _, err := f.indexer.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if b := f.backlog(); b != 0 {
		t.Fatalf("backlog = %d after healing", b)
	}
	if res := f.find("Fjala0"); len(res.Hits) == 0 {
		t.Errorf("the healed document was not indexed")
	}
}

func ptr[T any](v T) *T { return &v }

func TestIndexer_RunStopsOnCancel(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	owner := f.user("drita", policydesk.RoleEditor)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); f.indexer.Run(ctx) }()

	// It indexes changes as they come.
	if _, _, err := f.svc.CreateDocument(as(owner), drafts.NewDocument{Title: "Rregullore qzvxwkpl", Kind: "regulation", Language: "sq",
		Body: "# R\n\nTekst.\n"}); err != nil {
		t.Fatal(err)
	}
	f.indexer.Notify()
	deadline := time.Now().Add(10 * time.Second)
	for f.backlog() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if len(f.find("qzvxwkpl").Hits) == 0 {
		t.Fatal("Run did not index the new document")
	}

	// Down: it backs off, and still stops at once when cancelled.
	f.index.down.Store(true)
	f.indexer.Notify()
	time.Sleep(50 * time.Millisecond)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	start := time.Now()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context was cancelled")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Run took %v to stop", d)
	}
}
