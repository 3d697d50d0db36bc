package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"policydesk"
	"policydesk/search"
)

func init() {
	cases = append(cases, struct {
		name string
		test func(*testing.T, Opener)
	}{"SearchSynonyms", testSearchSynonyms})
}

// testSearchSynonyms: synonym groups are written, replaced (one per ID),
// marked removed and deleted, each with its audit entry in the same
// transaction, and read back as written (terms in order, UTF-8 intact);
// deleting nothing is ENotFound and audits nothing; the schema refuses a
// group with no terms that is not a removal.
func testSearchSynonyms(t *testing.T, open Opener) {
	ctx := context.Background()
	b := open(t)
	db := b.DB
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	audit := func(action, id string) *policydesk.AuditEntry {
		return &policydesk.AuditEntry{At: at, Actor: "admin", Action: action, ObjectType: "synonyms", ObjectID: id}
	}
	put := func(g search.SynonymGroup) {
		t.Helper()
		if err := db.PutSynonymGroup(ctx, g, audit(search.ActionSynonymsPut, g.ID)); err != nil {
			t.Fatalf("PutSynonymGroup %s: %v", g.ID, err)
		}
	}
	put(search.SynonymGroup{ID: "qps", Terms: []string{"QPS", "Qendra për Punë Sociale", "Центар за социјални рад"}, By: "admin", At: at})
	put(search.SynonymGroup{ID: "cmr", Removed: true, By: "admin", At: at})
	put(search.SynonymGroup{ID: "zz", Terms: []string{"a", "b"}, By: "admin", At: at})
	put(search.SynonymGroup{ID: "zz", Terms: []string{"DPK", "Departamenti"}, By: "besa", At: at.Add(time.Hour)})
	got, err := db.SynonymGroups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []search.SynonymGroup{
		{ID: "cmr", Terms: []string{}, Removed: true, By: "admin", At: at},
		{ID: "qps", Terms: []string{"QPS", "Qendra për Punë Sociale", "Центар за социјални рад"}, By: "admin", At: at},
		{ID: "zz", Terms: []string{"DPK", "Departamenti"}, By: "besa", At: at.Add(time.Hour)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("SynonymGroups\n got %+v\nwant %+v", got, want)
	}
	if err := db.DeleteSynonymGroup(ctx, "zz", audit(search.ActionSynonymsDelete, "zz")); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteSynonymGroup(ctx, "zz", audit(search.ActionSynonymsDelete, "zz")); policydesk.ErrorCode(err) != policydesk.ENotFound {
		t.Fatalf("deleting a missing group = %v, want not found", err)
	}
	entries, _, err := db.FindAudit(ctx, policydesk.AuditFilter{ObjectType: "synonyms", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 5 {
		t.Errorf("audit entries = %d, want 5 (4 puts, 1 delete)", len(entries))
	}
	if got, _ := db.SynonymGroups(ctx); len(got) != 2 {
		t.Errorf("after delete: %+v", got)
	}
	if _, err := b.Raw.ExecContext(ctx, `INSERT INTO search_synonyms (id, terms, removed, updated_at) VALUES ('x', '[]', 0, 'x')`); err == nil {
		t.Error("the schema took a group without terms that is not a removal")
	}
}
