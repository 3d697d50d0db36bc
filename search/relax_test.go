package search_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"policydesk"
	"policydesk/search"
)

// serviceEntries: the Bonevet MoU (named in Albanian only), another
// Bonevet text and an English SOP.
func serviceEntries() []search.Entry {
	e := func(id string, doc int64, kind, lang, text string) search.Entry {
		return search.Entry{ID: id, Type: search.TypeDocument, DocumentID: doc, Title: "Dokument", Kind: kind,
			Status: "adopted", Language: lang, Visibility: "internal", Year: 2025, Text: text}
	}
	return []search.Entry{
		e("doc:1:_", 1, "mou", "sq", "Memorandum i Mirëkuptimit ndërmjet ministrisë dhe komunës Bonevet."),
		e("doc:2:_", 2, "regulation", "sq", "Rregullore e komunës Bonevet për qendrat ditore."),
		e("doc:3:_", 3, "sop", "en", "Standard operating procedures for the registry office."),
	}
}

func serviceFixture(t *testing.T) (*fixture, *search.Service) {
	f := newFixture(t)
	if err := f.bleve.Upsert(context.Background(), serviceEntries()); err != nil {
		t.Fatal(err)
	}
	return f, &search.Service{Index: f.bleve, SynonymStore: f.db}
}

// TestService_RelaxedAndSynonyms: "MoU Bonevet" finds the Bonevet MoU
// through the built-in synonyms; when no entry has all the words, the
// last ones are left out and the result says so; a query that matches
// keeps all of its words.
func TestService_RelaxedAndSynonyms(t *testing.T) {
	t.Parallel()
	f, svc := serviceFixture(t)
	ctx := as(f.admin)
	res, err := svc.Search(ctx, search.Query{Q: "MoU Bonevet"})
	if err != nil {
		t.Fatal(err)
	}
	if got := hitIDs(res); !slices.Equal(got, []string{"doc:1:_"}) || res.Relaxed != nil {
		t.Errorf("MoU Bonevet: %q, relaxed %+v; want the Bonevet MoU with all words", got, res.Relaxed)
	}
	res, err = svc.Search(ctx, search.Query{Q: "Bonevet qendrat zyrtare licencimi"})
	if err != nil {
		t.Fatal(err)
	}
	if got := hitIDs(res); !slices.Equal(got, []string{"doc:2:_"}) || res.Relaxed == nil ||
		res.Relaxed.Query != "Bonevet qendrat" || !slices.Equal(res.Relaxed.Dropped, []string{"zyrtare", "licencimi"}) {
		t.Errorf("relaxed: %q, %+v; want doc 2 for \"Bonevet qendrat\", zyrtare and licencimi left out", got, res.Relaxed)
	}
	// A synonym phrase is left out whole.
	res, err = svc.Search(ctx, search.Query{Q: "registry Standard Operating Procedures"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Relaxed != nil || res.Total != 1 {
		t.Errorf("registry SOP: %+v", res)
	}
	res, err = svc.Search(ctx, search.Query{Q: "Bonevet Centre for Social Work"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Relaxed == nil || !slices.Equal(res.Relaxed.Dropped, []string{"Centre", "for", "Social", "Work"}) || res.Total != 2 {
		t.Errorf("a phrase is one unit: %+v, %+v", res.Relaxed, hitIDs(res))
	}
	// Nothing close: nothing, and no relaxed query.
	res, err = svc.Search(ctx, search.Query{Q: "xyzzy plugh"})
	if err != nil || res.Total != 0 || res.Relaxed != nil {
		t.Errorf("nothing close: %+v, %v", res, err)
	}
}

// TestService_ChosenFacetShowsOtherValues: with kind chosen, the kind
// facet still counts the other kinds (of the query without it), while the
// other facets count the narrowed result.
func TestService_ChosenFacetShowsOtherValues(t *testing.T) {
	t.Parallel()
	f, svc := serviceFixture(t)
	res, err := svc.Search(as(f.admin), search.Query{Q: "bonevet", Kind: "mou"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 {
		t.Fatalf("total %d, want 1", res.Total)
	}
	if k := res.Facets["kind"]; k["mou"] != 1 || k["regulation"] != 1 {
		t.Errorf("kind facet %v, want mou 1 and regulation 1", k)
	}
	if l := res.Facets["language"]; l["sq"] != 1 || len(l) != 1 {
		t.Errorf("language facet %v, want sq 1 (the narrowed result)", l)
	}
}

// TestService_SynonymGroups: admins add, change and remove groups (a
// built-in one is hidden, not deleted), each audited; others are refused;
// bad groups are refused with nothing written; a search sees a change at
// once on this replica and within the cache time on another.
func TestService_SynonymGroups(t *testing.T) {
	t.Parallel()
	f, svc := serviceFixture(t)
	other := &search.Service{Index: f.bleve, SynonymStore: f.db, SynonymsMaxAge: 50 * time.Millisecond}
	staff := f.user("staff", policydesk.RoleStaff)
	ctx := as(f.admin)
	if _, err := svc.PutSynonymGroup(as(staff), search.SynonymGroup{ID: "x", Terms: []string{"a", "b"}}); policydesk.ErrorCode(err) != policydesk.EForbidden {
		t.Errorf("staff put: %v", err)
	}
	for _, bad := range []search.SynonymGroup{
		{ID: "x", Terms: []string{"only one"}},
		{ID: "x", Terms: []string{"same", "Sáme"}},
		{ID: "Bad ID", Terms: []string{"a", "b"}},
		{ID: "x", Terms: []string{"a", string(make([]rune, 81))}},
		{ID: "x", Terms: []string{"a", "b\nc"}},
		{ID: "x", Terms: []string{"a", "…"}},
	} {
		if _, err := svc.PutSynonymGroup(ctx, bad); policydesk.ErrorCode(err) != policydesk.EInvalid {
			t.Errorf("put %+v: %v, want invalid", bad, err)
		}
	}
	if stored, _ := f.db.SynonymGroups(context.Background()); len(stored) != 0 {
		t.Fatalf("refused groups wrote %+v", stored)
	}
	other.Search(ctx, search.Query{Q: "rregullore"}) // the other replica reads the groups now
	g, err := svc.PutSynonymGroup(ctx, search.SynonymGroup{ID: "rr", Terms: []string{" RR ", "Rregullore"}})
	if err != nil || g.Builtin || !slices.Equal(g.Terms, []string{"RR", "Rregullore"}) || g.By != "admin" {
		t.Fatalf("put: %+v, %v", g, err)
	}
	res, err := svc.Search(ctx, search.Query{Q: "rr"})
	if err != nil || res.Total != 1 {
		t.Errorf("rr after the change on this replica: %+v, %v", res, err)
	}
	if err := svc.DeleteSynonymGroup(ctx, "mou"); err != nil {
		t.Fatal(err)
	}
	groups, _ := svc.Synonyms(ctx)
	if slices.ContainsFunc(groups, func(g search.SynonymGroup) bool { return g.ID == "mou" }) {
		t.Error("the removed built-in group is still in effect")
	}
	if res, _ := svc.Search(ctx, search.Query{Q: "mou"}); res.Total != 0 {
		t.Errorf("mou after its group was removed: %d hits", res.Total)
	}
	if err := svc.DeleteSynonymGroup(ctx, "mou"); policydesk.ErrorCode(err) != policydesk.ENotFound {
		t.Errorf("second removal: %v", err)
	}
	if err := svc.DeleteSynonymGroup(ctx, "rr"); err != nil {
		t.Fatal(err)
	}
	entries, _, err := f.db.FindAudit(context.Background(), policydesk.AuditFilter{ObjectType: "synonyms", Limit: 10})
	if err != nil || len(entries) != 3 {
		t.Errorf("audit: %d entries, %v; want put rr, delete mou, delete rr", len(entries), err)
	}
	// The other replica sees the changes once its cache time is over.
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := other.Search(ctx, search.Query{Q: "mou"})
		if err == nil && res.Total == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the other replica still expands mou: %+v, %v", res, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
