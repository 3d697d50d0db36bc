package storetest

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"policydesk"
)

// testFindAudit_Filters checks each audit filter alone and combined: the
// login, the action, the time range (From inclusive, To exclusive, to the
// nanosecond) and BeforeID, with totals that match the filter.
func testFindAudit_Filters(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t).DB
	actors, actions := []string{"ana", "besa", "policydesk backup"}, []string{"version.create", "comment.create"}
	for i := range 12 { // one entry an hour: ana, besa, backup, ana, ...
		e := &policydesk.AuditEntry{At: t0.Add(time.Duration(i) * time.Hour), Actor: actors[i%3], Action: actions[i%2],
			ObjectType: "document", ObjectID: strconv.Itoa(i)}
		if err := db.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	hour := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	for _, c := range []struct {
		name string
		f    policydesk.AuditFilter
		want []string // object ids, newest first
	}{
		{"actor", policydesk.AuditFilter{Actor: "besa"}, []string{"10", "7", "4", "1"}},
		{"actor with a space", policydesk.AuditFilter{Actor: "policydesk backup"}, []string{"11", "8", "5", "2"}},
		{"action", policydesk.AuditFilter{Action: "comment.create"}, []string{"11", "9", "7", "5", "3", "1"}},
		{"from", policydesk.AuditFilter{From: hour(9)}, []string{"11", "10", "9"}},
		{"to, exclusive", policydesk.AuditFilter{To: hour(2)}, []string{"1", "0"}},
		{"to, a nanosecond later", policydesk.AuditFilter{To: hour(2).Add(time.Nanosecond)}, []string{"2", "1", "0"}},
		{"range", policydesk.AuditFilter{From: hour(3), To: hour(6)}, []string{"5", "4", "3"}},
		{"range in another zone", policydesk.AuditFilter{From: hour(3).In(time.FixedZone("X", 5*3600)), To: hour(6).In(time.FixedZone("Y", -3600))}, []string{"5", "4", "3"}},
		{"actor and action", policydesk.AuditFilter{Actor: "ana", Action: "version.create"}, []string{"6", "0"}},
		{"all four", policydesk.AuditFilter{Actor: "ana", Action: "comment.create", From: hour(1), To: hour(10)}, []string{"9", "3"}},
		{"nobody", policydesk.AuditFilter{Actor: "nobody"}, nil},
		{"unknown action", policydesk.AuditFilter{Action: "'; DROP TABLE audit_log; --"}, nil},
	} {
		for _, before := range []int64{0, 6} {
			f := c.f
			f.Limit, f.BeforeID = 100, before
			entries, total, err := db.FindAudit(ctx, f)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			want := c.want
			if before > 0 { // ids are 1..12 for objects 0..11
				want = nil
				for _, id := range c.want {
					if n, _ := strconv.Atoi(id); int64(n+1) < before {
						want = append(want, id)
					}
				}
			}
			var got []string
			for _, e := range entries {
				got = append(got, e.ObjectID)
			}
			if strings.Join(got, ",") != strings.Join(want, ",") || total != len(want) {
				t.Errorf("%s (before id %d): %v (total %d), want %v", c.name, before, got, total, want)
			}
		}
	}
}

// testDocumentTitles checks that titles come back for the documents that
// exist and nothing for the others.
func testDocumentTitles(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t).DB
	owner := MustCreateUser(t, db, "ana", "editor")
	a := MustCreateDocument(t, db, owner, "Ligji për ujërat", "internal", "a")
	b := MustCreateDocument(t, db, owner, "Zakon o vodama", "restricted", "b")
	titles, err := db.DocumentTitles(ctx, []int64{b.ID, a.ID, 999999, -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(titles) != 2 || titles[a.ID] != "Ligji për ujërat" || titles[b.ID] != "Zakon o vodama" {
		t.Fatalf("titles = %v", titles)
	}
	if titles, err := db.DocumentTitles(ctx, nil); err != nil || len(titles) != 0 {
		t.Fatalf("no ids: %v, %v", titles, err)
	}
	many := make([]int64, 500)
	for i := range many {
		many[i] = int64(i + 1)
	}
	if titles, err := db.DocumentTitles(ctx, many); err != nil || len(titles) != 2 {
		t.Fatalf("500 ids: %d titles, %v", len(titles), err)
	}
}
