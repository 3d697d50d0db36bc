package storetest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts/accounts"
	"policydesk/drafts/attachments"
)

// testAuditOrder_FollowsSaves: writers race to save the next version of
// one document until it has twelve; the audit entries of the saves, in
// the order the log keeps (id), name the versions in the order they were
// made, wherever the database lets writers run side by side.
func testAuditOrder_FollowsSaves(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t).DB
	ana := MustCreateUser(t, db, "ana", policydesk.RoleEditor)
	doc := MustCreateDocument(t, db, ana, "Rregullore", "internal", "v1")
	const last, writers = 12, 4
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				cur, err := db.FindDocument(ctx, doc.ID)
				if err != nil {
					t.Error(err)
					return
				}
				if cur.Head >= last {
					return
				}
				n := cur.Head + 1
				audit := &policydesk.AuditEntry{Actor: "writer " + strconv.Itoa(w), Action: "version.create", ObjectType: "document",
					ObjectID: strconv.FormatInt(doc.ID, 10), Detail: strconv.Itoa(n)}
				err = db.AddVersion(ctx, newVersion(doc, n, ana, fmt.Sprintf("v%d by %d", n, w)), audit)
				if err != nil && policydesk.ErrorCode(err) != policydesk.EConflict {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	entries, _, err := db.FindAudit(ctx, policydesk.AuditFilter{ObjectType: "document", ObjectID: strconv.FormatInt(doc.ID, 10), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range slices.Backward(entries) { // FindAudit is newest first
		if e.Action == "version.create" {
			got = append(got, e.Detail)
		}
	}
	var want []string
	for n := 2; n <= last; n++ {
		want = append(want, strconv.Itoa(n))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("saves in audit order %v, want %v", got, want)
	}
}

// testUniqueViolation_IsConflict: a second row with a unique value is
// EConflict, whatever the table, and writes nothing.
func testUniqueViolation_IsConflict(t *testing.T, open Opener) {
	ctx := context.Background()
	be := open(t)
	db := be.DB
	ana := MustCreateUser(t, db, "ana", policydesk.RoleEditor)
	doc := MustCreateDocument(t, db, ana, "Rregullore", "internal", "v1")
	att := func() *attachments.Attachment {
		return &attachments.Attachment{DocumentID: doc.ID, Filename: "a.pdf", Size: 1, SHA256: "x", ContentType: "application/pdf",
			Key: "same/key", UploaderID: ana.ID, CreatedAt: t0}
	}
	if err := db.CreateAttachment(ctx, att(), nil); err != nil {
		t.Fatal(err)
	}
	before := CountRows(t, be.Raw, "audit_log")
	assertCode(t, db.CreateAttachment(ctx, att(), auditFor(ana, "attachment.add")), policydesk.EConflict)
	if n := CountRows(t, be.Raw, "attachments"); n != 1 {
		t.Errorf("%d attachments after a refused duplicate, want 1", n)
	}
	if after := CountRows(t, be.Raw, "audit_log"); after != before {
		t.Errorf("refused duplicates appended %d audit entries", after-before)
	}
}

// testThrottle_ConcurrentFailuresAllCount: failures counted at once on one
// key, from many goroutines (as from many replicas), are all counted.
func testThrottle_ConcurrentFailuresAllCount(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t).DB
	const n = 16
	keys := []string{"address:127.0.0.1", "account:ana"}
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := db.UpdateThrottle(ctx, keys, func(states []*accounts.ThrottleState) error {
				for _, st := range states {
					st.Failures++
					st.LastFailure = time.Now()
				}
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	states, err := db.FindThrottle(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range states {
		if st.Failures != n {
			t.Errorf("%s counts %d failures, want %d", st.Key, st.Failures, n)
		}
	}
}
