package search_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts"
	"policydesk/review"
	"policydesk/search"
	"policydesk/search/bleve"
)

// replica is one replica's embedded index and its follower.
type replica struct {
	dir string
	ix  *bleve.Index
	fl  *search.Follower
}

// newReplica opens (or reopens) an embedded index in dir with a follower
// over the fixture's database.
func (f *fixture) newReplica(dir, name string, src search.Source) *replica {
	f.t.Helper()
	ix, err := bleve.Open(dir)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { ix.Close() })
	if src == nil {
		src = f.lib
	}
	return &replica{dir: dir, ix: ix, fl: &search.Follower{Index: ix, Log: f.db, Source: src, Problems: f.db, Replica: name, Poll: 10 * time.Millisecond}}
}

// follow drains the replica's follower until it has nothing left.
func (r *replica) follow(t *testing.T) {
	t.Helper()
	for range 1000 {
		n, err := r.fl.Drain(context.Background())
		if err != nil {
			t.Fatalf("%s: Drain: %v", r.fl.Replica, err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatalf("%s: the follower does not catch up", r.fl.Replica)
}

// snapshot lists every entry of the index as three readers see it (admin,
// staff, a member reviewer), one line per entry with what a hit shows.
func snapshot(t *testing.T, ix search.Index, users ...*policydesk.User) []string {
	t.Helper()
	var out []string
	queries := []search.Query{{All: true}}
	for _, u := range users {
		s := policydesk.ReadScope(u)
		queries = append(queries, search.Query{Internal: s.Internal, Owner: s.Owner, UserID: s.UserID})
	}
	for i, q := range queries {
		for q.Offset = 0; ; q.Offset += search.MaxLimit {
			q.Limit = search.MaxLimit
			res, err := ix.Search(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				out = append(out, fmt.Sprintf("%d %s|%s|%s|%s|%s", i, h.ID, h.Title, h.Status, h.Heading, h.Snippet))
			}
			if len(res.Hits) < search.MaxLimit {
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// reference builds an index from the database from scratch.
func (f *fixture) reference() search.Index {
	f.t.Helper()
	ix, err := bleve.Open(filepath.Join(f.t.TempDir(), "reference"))
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { ix.Close() })
	put := func(e []search.Entry) error { return ix.Upsert(context.Background(), e) }
	if err := search.Fill(context.Background(), f.lib, put, nil); err != nil {
		f.t.Fatal(err)
	}
	return ix
}

// assertLikeDatabase fails the test unless ix holds what an index built
// from the database holds, as the users and an admin see it.
func (f *fixture) assertLikeDatabase(ix search.Index, what string, users ...*policydesk.User) {
	f.t.Helper()
	want := snapshot(f.t, f.reference(), users...)
	if got := snapshot(f.t, ix, users...); !slices.Equal(got, want) {
		f.t.Fatalf("%s differs from the database: %d entries, want %d", what, len(got), len(want))
	}
}

// followedAfter makes n random changes and a replica that has followed
// them.
func (f *fixture) followedAfter(seed int64, n int) (*changer, *replica) {
	f.t.Helper()
	c := f.changer(seed)
	for range n {
		c.change()
	}
	a := f.newReplica(filepath.Join(f.t.TempDir(), "a"), "a", nil)
	a.follow(f.t)
	return c, a
}

// changer makes random changes of every kind search shows.
type changer struct {
	f        *fixture
	rnd      *rand.Rand
	owner    *policydesk.User
	reviewer *policydesk.User
	docs     []*drafts.Document
	heads    map[int64]int
	words    []string
}

func (f *fixture) changer(seed int64) *changer {
	return &changer{f: f, rnd: rand.New(rand.NewSource(seed)), owner: f.user("drita", policydesk.RoleEditor),
		reviewer: f.user("besa", policydesk.RoleReviewer), heads: map[int64]int{}}
}

// change makes one random change, with a new word in c.words.
func (c *changer) change() { c.f.t.Helper(); c.do(c.rnd.Intn(6)) }

// create adds a document, with a new word in c.words.
func (c *changer) create() { c.f.t.Helper(); c.do(0) }

func (c *changer) do(op int) {
	c.f.t.Helper()
	ctx, tok := as(c.owner), token(c.rnd)
	if len(c.docs) == 0 {
		op = 0
	}
	var err error
	switch op {
	case 0:
		var d *drafts.Document
		d, _, err = c.f.svc.CreateDocument(ctx, drafts.NewDocument{Title: "Rregullore " + tok, Kind: "regulation", Language: "sq", Body: convergeBody("R", tok, 1)})
		if err == nil {
			c.docs, c.heads[d.ID] = append(c.docs, d), 1
		}
	case 1, 2:
		d := c.docs[c.rnd.Intn(len(c.docs))]
		if _, err = c.f.svc.SaveVersion(ctx, d.ID, c.heads[d.ID], convergeBody("R", tok, c.heads[d.ID]+1), "v"); err == nil {
			c.heads[d.ID]++
		}
	case 3:
		vis := []string{"internal", "restricted"}[c.rnd.Intn(2)]
		_, err = c.f.svc.UpdateDocument(ctx, c.docs[c.rnd.Intn(len(c.docs))].ID, drafts.DocumentPatch{Visibility: &vis})
	case 4:
		_, err = c.f.svc.SetMember(ctx, c.docs[c.rnd.Intn(len(c.docs))].ID, c.reviewer.Login, "reviewer")
	case 5:
		_, err = c.f.rv.AddComment(ctx, c.docs[c.rnd.Intn(len(c.docs))].ID, review.NewComment{Quote: "Kjo rregullore përcakton", Body: "Propozim " + tok})
	}
	if err != nil {
		c.f.t.Fatalf("change %d: %v", op, err)
	}
	c.words = append(c.words, tok)
}

// TestFollower_TwoReplicasConverge: two embedded indexes in two folders
// follow one database through interleaved changes and passes; both end
// equal to an index built from the database, as every reader sees them.
func TestFollower_TwoReplicasConverge(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	staff := f.user("staff", policydesk.RoleStaff)
	c := f.changer(11)
	dir := t.TempDir()
	a := f.newReplica(filepath.Join(dir, "a"), "a", nil)
	b := f.newReplica(filepath.Join(dir, "b"), "b", nil)
	for i := range 200 {
		c.change()
		switch {
		case i%7 == 0:
			a.follow(t)
		case i%11 == 0:
			b.follow(t)
		case i%5 == 0: // one pass only, part way
			if _, err := a.fl.Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	a.follow(t)
	b.follow(t)
	for range 3 {
		c.change()
	}
	time.Sleep(10 * time.Millisecond)
	if lag, err := b.fl.Lag(context.Background()); err != nil || lag.Entries != 3 || lag.Oldest < 10*time.Millisecond || lag.Building {
		t.Errorf("lag with 3 changes waiting = %+v, %v", lag, err)
	}
	a.follow(t)
	b.follow(t)
	want := snapshot(t, f.reference(), staff, c.reviewer, c.owner)
	if len(want) < 200 {
		t.Fatalf("the reference has only %d entries", len(want))
	}
	for _, r := range []*replica{a, b} {
		if got := snapshot(t, r.ix, staff, c.reviewer, c.owner); !slices.Equal(got, want) {
			t.Errorf("replica %s differs from the database: %d entries, want %d", r.fl.Replica, len(got), len(want))
		}
		if lag, err := r.fl.Lag(context.Background()); err != nil || lag != (search.Lag{}) {
			t.Errorf("replica %s lag after catching up = %+v, %v", r.fl.Replica, lag, err)
		}
	}
}

// cancelAfter cancels its context after n documents were read, as a
// process killed mid-batch.
type cancelAfter struct {
	search.Source
	mu     sync.Mutex
	n      int
	cancel context.CancelFunc
}

func (s *cancelAfter) DocumentEntries(ctx context.Context, id int64) ([]search.Entry, error) {
	s.mu.Lock()
	s.n--
	if s.n == 0 {
		s.cancel()
	}
	s.mu.Unlock()
	return s.Source.DocumentEntries(ctx, id)
}

// TestFollower_KilledMidBatchResumes: a follower stopped in the middle of
// a batch (and of the build before it) leaves its cursor where the index
// is; reopened, it resumes and ends equal to the database, nothing lost
// and nothing twice.
func TestFollower_KilledMidBatchResumes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.changer(12)
	for range 60 {
		c.change()
	}
	dir := filepath.Join(t.TempDir(), "a")
	a := f.newReplica(dir, "a", nil)
	// Killed during its first build: no cursor, so the build starts over.
	ctx, cancel := context.WithCancel(context.Background())
	a.fl.Source = &cancelAfter{Source: f.lib, n: 4, cancel: cancel}
	if _, err := a.fl.Drain(ctx); err == nil {
		t.Fatal("a build with its context cancelled reported no error")
	}
	if st, err := a.ix.FollowState(context.Background()); st != nil || err != nil {
		t.Fatalf("a cut build left a cursor: %+v, %v", st, err)
	}
	a.ix.Close()
	a = f.newReplica(dir, "a", nil)
	a.follow(t)
	for range 80 {
		c.change()
	}
	for _, n := range []int{3, 1, 7} {
		ctx, cancel := context.WithCancel(context.Background())
		a.fl.Source = &cancelAfter{Source: f.lib, n: n, cancel: cancel}
		if _, err := a.fl.Drain(ctx); err == nil {
			t.Fatal("Drain with its context cancelled mid-batch reported no error")
		}
		cancel()
		st, err := a.ix.FollowState(context.Background())
		if err != nil || st == nil {
			t.Fatalf("state after a cut pass: %+v, %v", st, err)
		}
		// Killed: the index is closed and opened again.
		if err := a.ix.Close(); err != nil {
			t.Fatal(err)
		}
		a = f.newReplica(dir, "a", nil)
		if again, _ := a.ix.FollowState(context.Background()); again.Cursor != st.Cursor {
			t.Fatalf("cursor %d after reopening, %d before", again.Cursor, st.Cursor)
		}
	}
	a.follow(t)
	f.assertLikeDatabase(a.ix, "resumed replica", c.reviewer)
}

// TestFollower_NewIndexBuildsWithProgress: a new replica builds its index
// from the database, logging progress, removes what the database no
// longer has, then follows from the head it recorded.
func TestFollower_NewIndexBuildsWithProgress(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.changer(13)
	for range 130 {
		c.create()
	}
	for range 50 {
		c.change()
	}
	a := f.newReplica(filepath.Join(t.TempDir(), "a"), "a", nil)
	// An entry of a document the database does not have (left by an
	// earlier life of the folder).
	if err := a.ix.Upsert(context.Background(), []search.Entry{{ID: "doc:9999:_", Type: search.TypeDocument, DocumentID: 9999, Title: "qzstale"}}); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	a.fl.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	a.fl.ProgressEvery = time.Nanosecond
	if lag, _ := a.fl.Lag(context.Background()); !lag.Building || lag.Entries == 0 {
		t.Errorf("lag of a new index = %+v, want building", lag)
	}
	a.follow(t)
	if n := strings.Count(logs.String(), `msg="building the search index"`); n < 2 {
		t.Errorf("%d progress lines, want some:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "built the search index") {
		t.Errorf("no line says the build finished:\n%s", logs.String())
	}
	head, _ := f.db.LogHead(context.Background())
	if st, _ := a.ix.FollowState(context.Background()); st == nil || st.Cursor != head {
		t.Fatalf("cursor after the build = %+v, want the head %d", st, head)
	}
	f.assertLikeDatabase(a.ix, "built index", c.reviewer)
	c.change()
	a.follow(t)
	if res, _ := a.ix.Search(context.Background(), search.Query{Q: c.words[len(c.words)-1], All: true}); res.Total == 0 {
		t.Error("a change after the build is not followed")
	}
}

// TestFollower_PrunedPastCursorRebuilds: a replica whose cursor the pruned
// log no longer reaches builds its index again and converges.
func TestFollower_PrunedPastCursorRebuilds(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c, a := f.followedAfter(14, 30)
	for range 40 {
		c.change()
	}
	if n, err := f.db.PruneLog(context.Background(), time.Now().Add(time.Second)); err != nil || n == 0 {
		t.Fatalf("PruneLog = %d, %v", n, err)
	}
	for range 5 { // entries after the pruning: the log starts past the cursor
		c.change()
	}
	var logs bytes.Buffer
	a.fl.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	a.follow(t)
	if !strings.Contains(logs.String(), "pruned") {
		t.Errorf("the follower did not rebuild:\n%s", logs.String())
	}
	f.assertLikeDatabase(a.ix, "rebuilt index", c.reviewer)
}

// TestFollower_SetAsideAfterAttempts: a document that keeps failing on a
// replica loses its entries at once (fail closed), is retried with
// backoff, then set aside and shown to admins with the replica's name
// while the log moves on; an admin's retry indexes it everywhere.
func TestFollower_SetAsideAfterAttempts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	c := f.changer(15)
	c.change()
	bad := c.docs[0]
	src := &alwaysFailing{Source: f.lib, bad: map[int64]bool{}}
	a := f.newReplica(filepath.Join(t.TempDir(), "a"), "a", src)
	a.fl.MaxAttempts = 2
	a.follow(t)
	src.set(bad.ID, true)
	c.create() // another document
	if _, err := f.svc.UpdateDocument(as(c.owner), bad.ID, drafts.DocumentPatch{Title: ptr("Rregullore qzbad")}); err != nil {
		t.Fatal(err)
	}
	a.follow(t)
	if res, _ := a.ix.Search(ctx, search.Query{Q: c.words[0], All: true}); res.Total != 0 {
		t.Error("the failing document's old entries are still found")
	}
	if res, _ := a.ix.Search(ctx, search.Query{Q: c.words[1], All: true}); res.Total == 0 {
		t.Error("the log did not move on past the failing document")
	}
	if p, err := f.db.LogProblems(ctx, 10); err != nil || len(p) != 1 || p[0].SetAside || p[0].NextAt.IsZero() || p[0].Replica != "a" {
		t.Errorf("problems while retried = %+v, %v", p, err)
	}
	svc := &search.Service{Index: a.ix, Problems: f.db, LogProblems: f.db, Follower: a.fl}
	waitFor(t, 5*time.Second, "the second attempt sets the document aside", func() bool {
		a.follow(t)
		n, err := svc.NotIndexed(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n == 1
	})
	st, err := svc.Indexing(as(f.admin))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Problems) != 1 || st.Problems[0].DocumentID != bad.ID || st.Problems[0].Replica != "a" || !st.Problems[0].SetAside ||
		st.Problems[0].Reason != "corrupt outline" || st.Problems[0].Attempts != 2 {
		t.Fatalf("problems = %+v", st.Problems)
	}
	src.set(bad.ID, false)
	if err := svc.RetryDocument(as(f.admin), bad.ID); err != nil {
		t.Fatal(err)
	}
	a.follow(t)
	if res, _ := a.ix.Search(ctx, search.Query{Q: "qzbad", All: true}); res.Total == 0 {
		t.Error("the retried document is not indexed")
	}
	if st, _ := svc.Indexing(as(f.admin)); len(st.Problems) != 0 {
		t.Errorf("problems after the retry: %+v", st.Problems)
	}
}

// TestFollower_PrunesPastRetention: a follower prunes log entries older
// than its retention (and runs AfterPrune with the cutoff); a follower
// that had applied them goes on following without a rebuild.
func TestFollower_PrunesPastRetention(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	c, a := f.followedAfter(16, 10)
	var cutoff time.Time
	a.fl.Retention, a.fl.PruneEvery = 30*time.Millisecond, time.Nanosecond
	a.fl.AfterPrune = func(_ context.Context, before time.Time) error { cutoff = before; return nil }
	var logs bytes.Buffer
	a.fl.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	time.Sleep(40 * time.Millisecond)
	a.follow(t)
	if e, err := f.db.LogAfter(ctx, 0, 100); err != nil || len(e) != 0 {
		t.Fatalf("entries past the retention kept: %d, %v", len(e), err)
	}
	if cutoff.IsZero() || time.Since(cutoff) < 30*time.Millisecond {
		t.Errorf("AfterPrune cutoff = %v", cutoff)
	}
	c.create()
	a.follow(t)
	if strings.Contains(logs.String(), "building") {
		t.Errorf("a follower that had applied the pruned entries rebuilt:\n%s", logs.String())
	}
	f.assertLikeDatabase(a.ix, "the replica after pruning", c.reviewer)
}
