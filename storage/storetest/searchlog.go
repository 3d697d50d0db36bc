package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"policydesk"
	"policydesk/search"
	"policydesk/storage/sqldb"
)

// testSearchLog_NumbersFollowCommitOrder: writers saving side by side
// (on PostgreSQL each on its own connection, as replicas do) while a
// follower reads the log: every read shows numbers 1..n with no gap, so a follower that
// moves its cursor to the last number it saw never skips a change that
// commits later; at the end the follower saw every save exactly once.
func testSearchLog_NumbersFollowCommitOrder(t *testing.T, open Opener) {
	ctx := context.Background()
	be := open(t)
	replicas := []*sqldb.DB{be.DB, be.DB} // one pool of connections, as two replicas are
	ana := MustCreateUser(t, replicas[0], "ana", policydesk.RoleEditor)
	const writers, saves = 8, 15
	var done atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			db := replicas[w%2]
			doc := MustCreateDocument(t, db, ana, fmt.Sprintf("Rregullore %d", w), "internal", "v1")
			for n := 2; n <= saves+1; n++ {
				if err := db.AddVersion(ctx, newVersion(doc, n, ana, fmt.Sprintf("writer %d version %d", w, n)), nil); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	seen := map[int64]int{} // document → entries the follower applied
	var cursor int64
	follow := func() {
		entries, err := replicas[1].LogAfter(ctx, cursor, 7)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Seq != cursor+1 {
				t.Fatalf("after %d the log shows %d: a follower would skip %d", cursor, e.Seq, cursor+1)
			}
			cursor = e.Seq
			seen[e.DocumentID]++
		}
	}
	go func() { wg.Wait(); done.Store(true) }()
	for !done.Load() {
		follow()
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for head, _ := replicas[0].LogHead(ctx); cursor < head; {
		follow()
	}
	if cursor != writers*(saves+1) || len(seen) != writers {
		t.Fatalf("follower at %d over %d documents, want %d over %d", cursor, len(seen), writers*(saves+1), writers)
	}
	for doc, n := range seen {
		if n != saves+1 {
			t.Errorf("document %d: %d entries, want %d", doc, n, saves+1)
		}
	}
}

// testSearchLog_RollbackGivesItsNumberBack: a transaction that took a
// number and rolled back leaves no gap: the next change gets that number.
func testSearchLog_RollbackGivesItsNumberBack(t *testing.T, open Opener) {
	ctx := context.Background()
	be := open(t)
	db, raw := be.DB, be.Raw
	ana := MustCreateUser(t, db, "ana", policydesk.RoleEditor)
	MustCreateDocument(t, db, ana, "Rregullore", "internal", "v1") // 1
	tx, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`UPDATE search_log_head SET seq = seq + 1 WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO search_log (seq, document_id, at) VALUES (2, 1, 'x')`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	doc := MustCreateDocument(t, db, ana, "Udhëzim", "internal", "v1")
	entries, err := db.LogAfter(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[1].Seq != 2 || entries[1].DocumentID != doc.ID || entries[1].At.IsZero() {
		t.Fatalf("log after a rollback = %+v", entries)
	}
}

// testSearchLog_AccessAndPrune: access changes are flagged; pruning
// removes entries older than the cutoff and keeps the head.
func testSearchLog_AccessAndPrune(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t).DB
	ana := MustCreateUser(t, db, "ana", policydesk.RoleEditor)
	doc := MustCreateDocument(t, db, ana, "Rregullore", "internal", "v1")
	doc.Visibility = "restricted"
	if err := db.UpdateDocument(ctx, doc, nil); err != nil {
		t.Fatal(err)
	}
	entries, err := db.LogAfter(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].Access || !entries[1].Access {
		t.Fatalf("log = %+v, want a content entry then an access entry", entries)
	}
	if n, err := db.PruneLog(ctx, entries[0].At.Add(-time.Second)); err != nil || n != 0 {
		t.Fatalf("PruneLog before the oldest = %d, %v", n, err)
	}
	if n, err := db.PruneLog(ctx, time.Now().Add(time.Second)); err != nil || n != 2 {
		t.Fatalf("PruneLog = %d, %v; want 2", n, err)
	}
	if head, err := db.LogHead(ctx); err != nil || head != 2 {
		t.Fatalf("head after pruning = %d, %v; want 2", head, err)
	}
	if e, _ := db.LogAfter(ctx, 0, 10); len(e) != 0 {
		t.Fatalf("entries after pruning: %+v", e)
	}
}

// testClaims_TwoConsumersNeverShare: two consumers claiming and finishing
// concurrently (on their own connections, as two replicas) never hold the same
// document or attachment; together they handle each exactly once.
func testClaims_TwoConsumersNeverShare(t *testing.T, open Opener) {
	ctx := context.Background()
	be := open(t)
	dbs := []*sqldb.DB{be.DB, be.DB}
	owner := MustCreateUser(t, dbs[0], "drita", policydesk.RoleEditor)
	const docs = 30
	for i := range docs {
		doc := MustCreateDocument(t, dbs[0], owner, fmt.Sprintf("Rregullore %d", i), "internal", "v1")
		mustAttach(t, dbs[0], doc, owner, fmt.Sprintf("a%d.pdf", i))
	}
	var mu sync.Mutex
	holder := map[string]string{} // "doc:1" → consumer holding it
	handled := map[string]int{}
	take := func(key, me string) {
		mu.Lock()
		defer mu.Unlock()
		if h := holder[key]; h != "" {
			t.Errorf("%s claimed by %s while %s holds it", key, me, h)
		}
		holder[key] = me
		handled[key]++
	}
	let := func(key string) { mu.Lock(); delete(holder, key); mu.Unlock() }
	var wg sync.WaitGroup
	for c := range 2 {
		me := fmt.Sprintf("replica-%d", c)
		db := dbs[c]
		wg.Go(func() {
			for {
				now := time.Now()
				ps, err := db.ClaimDocuments(ctx, me, 3, now, now.Add(time.Minute))
				if err != nil {
					t.Error(err)
					return
				}
				ts, err := db.ClaimTexts(ctx, me, 2, now, now.Add(time.Minute))
				if err != nil {
					t.Error(err)
					return
				}
				if len(ps) > 3 || len(ts) > 2 {
					t.Errorf("claimed %d documents (limit 3) and %d texts (limit 2)", len(ps), len(ts))
				}
				if len(ps) == 0 && len(ts) == 0 {
					return
				}
				for _, p := range ps {
					key := fmt.Sprint("doc:", p.DocumentID)
					take(key, me)
					time.Sleep(time.Millisecond)
					let(key)
					if err := db.DoneDocument(ctx, p.DocumentID, p.UpTo); err != nil {
						t.Error(err)
					}
				}
				for _, p := range ts {
					key := fmt.Sprint("att:", p.AttachmentID)
					take(key, me)
					time.Sleep(time.Millisecond)
					let(key)
					if err := db.SaveText(ctx, &search.AttachmentText{AttachmentID: p.AttachmentID, DocumentID: p.DocumentID, Status: search.TextDone, Text: "x"}); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	// Saving the texts queued the documents again: drain those too, then
	// every document and attachment was handled, none twice at once.
	atts := 0
	for key, n := range handled {
		if key[:4] == "att:" {
			atts++
			if n != 1 {
				t.Errorf("%s handled %d times, want once", key, n)
			}
		}
	}
	if atts != docs || len(handled) != 2*docs {
		t.Errorf("handled %d attachments and %d keys, want %d and %d", atts, len(handled), docs, 2*docs)
	}
	if n, err := dbs[0].Backlog(ctx); err != nil || n != 0 {
		t.Errorf("backlog after both consumers = %d, %v", n, err)
	}
}

// testClaims_ExpireAndRelease: another consumer cannot take claimed work
// until the claim expires (a dead replica) or is released (a clean stop);
// the holder itself may claim it again, as after a retry's backoff.
func testClaims_ExpireAndRelease(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t).DB
	owner := MustCreateUser(t, db, "drita", policydesk.RoleEditor)
	doc := MustCreateDocument(t, db, owner, "Rregullore", "internal", "v1")
	att := mustAttach(t, db, doc, owner, "a.pdf")
	now := time.Now()
	lease := now.Add(time.Minute)
	if p, err := db.ClaimDocuments(ctx, "a", 10, now, lease); err != nil || len(p) != 1 || p[0].DocumentID != doc.ID {
		t.Fatalf("a claims documents: %+v, %v", p, err)
	}
	if p, err := db.ClaimTexts(ctx, "a", 10, now, lease); err != nil || len(p) != 1 || p[0].AttachmentID != att.ID || p[0].Filename != "a.pdf" {
		t.Fatalf("a claims texts: %+v, %v", p, err)
	}
	// A new change to the document while a holds it stays with a.
	doc.Title = "Rregullore e re"
	if err := db.UpdateDocument(ctx, doc, nil); err != nil {
		t.Fatal(err)
	}
	if p, _ := db.ClaimDocuments(ctx, "b", 10, now.Add(time.Second), lease); len(p) != 0 {
		t.Fatalf("b claims a document a holds: %+v", p)
	}
	if p, _ := db.ClaimTexts(ctx, "b", 10, now.Add(time.Second), lease); len(p) != 0 {
		t.Fatalf("b claims an attachment a holds: %+v", p)
	}
	if p, _ := db.ClaimDocuments(ctx, "a", 10, now.Add(time.Second), lease); len(p) != 1 || p[0].UpTo <= 0 {
		t.Fatalf("a cannot claim its own document again: %+v", p)
	}
	// a dies: after the lease, b takes both.
	later := lease.Add(time.Second)
	if p, err := db.ClaimDocuments(ctx, "b", 10, later, later.Add(time.Minute)); err != nil || len(p) != 1 {
		t.Fatalf("b after a's lease: %+v, %v", p, err)
	}
	if p, err := db.ClaimTexts(ctx, "b", 10, later, later.Add(time.Minute)); err != nil || len(p) != 1 {
		t.Fatalf("b after a's lease (texts): %+v, %v", p, err)
	}
	// b stops cleanly: c takes them at once.
	if err := db.ReleaseClaims(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if p, _ := db.ClaimDocuments(ctx, "c", 10, later, later.Add(time.Minute)); len(p) != 1 {
		t.Fatalf("c after b released: %+v", p)
	}
	if p, _ := db.ClaimTexts(ctx, "c", 10, later, later.Add(time.Minute)); len(p) != 1 {
		t.Fatalf("c after b released (texts): %+v", p)
	}
}

// testClaims_EndAtRestore: a database restored from a backup holds the
// claims the backed-up installation's processes had; none of them runs
// here, so the restore ends them and the restored service takes the work
// at once instead of when the leases expire.
func testClaims_EndAtRestore(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t).DB
	owner := MustCreateUser(t, db, "drita", policydesk.RoleEditor)
	MustCreateDocument(t, db, owner, "Rregullore", "internal", "v1")
	mustAttach(t, db, MustCreateDocument(t, db, owner, "Udhëzim", "internal", "v1"), owner, "a.pdf")
	now := time.Now()
	lease := now.Add(2 * time.Minute)
	if p, err := db.ClaimDocuments(ctx, "old-server", 10, now, lease); err != nil || len(p) != 2 {
		t.Fatalf("claims before the backup: %+v, %v", p, err)
	}
	if p, err := db.ClaimTexts(ctx, "old-server", 10, now, lease); err != nil || len(p) != 1 {
		t.Fatalf("text claims before the backup: %+v, %v", p, err)
	}
	if err := db.Restored(ctx, &policydesk.AuditEntry{Actor: "policydesk restore", Action: "backup.restore", ObjectType: "database"}); err != nil {
		t.Fatal(err)
	}
	if p, err := db.ClaimDocuments(ctx, "restored", 10, now.Add(time.Second), lease); err != nil || len(p) != 2 {
		t.Errorf("the restored service claims %d documents (%v), want both at once", len(p), err)
	}
	if p, err := db.ClaimTexts(ctx, "restored", 10, now.Add(time.Second), lease); err != nil || len(p) != 1 {
		t.Errorf("the restored service claims %d attachments (%v), want it at once", len(p), err)
	}
}

// testOutboxLag: the outbox's backlog as /readyz reports it with
// Meilisearch: documents waiting and the age of the oldest event.
func testOutboxLag(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t).DB
	if lag, err := db.OutboxLag(ctx); err != nil || lag != (search.Lag{}) {
		t.Fatalf("lag of an empty outbox = %+v, %v", lag, err)
	}
	owner := MustCreateUser(t, db, "drita", policydesk.RoleEditor)
	MustCreateDocument(t, db, owner, "Rregullore", "internal", "v1")
	MustCreateDocument(t, db, owner, "Udhëzim", "internal", "v1")
	time.Sleep(20 * time.Millisecond)
	lag, err := db.OutboxLag(ctx)
	if err != nil || lag.Entries != 2 || lag.Oldest < 20*time.Millisecond || lag.Oldest > time.Minute {
		t.Fatalf("lag = %+v, %v; want 2 documents waiting for about 20ms", lag, err)
	}
	clearOutbox(t, db)
	if lag, err := db.OutboxLag(ctx); err != nil || lag != (search.Lag{}) {
		t.Fatalf("lag after draining = %+v, %v", lag, err)
	}
}
