// Package searchtest is the conformance suite every search.Index engine must
// pass: the same entries, queries and access matrix for each.
package searchtest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"policydesk/search"
)

// Run runs the suite. open returns a new, empty index; Run closes it.
func Run(t *testing.T, open func(t *testing.T) search.Index) {
	t.Run("UpsertSearchDelete", func(t *testing.T) { testUpsertSearchDelete(t, mustOpen(t, open)) })
	t.Run("DeleteDocument", func(t *testing.T) { testDeleteDocument(t, mustOpen(t, open)) })
	t.Run("Language", func(t *testing.T) { testLanguage(t, mustOpen(t, open)) })
	t.Run("HitAndSnippet", func(t *testing.T) { testHitAndSnippet(t, mustOpen(t, open)) })
	t.Run("FiltersFacetsPages", func(t *testing.T) { testFiltersFacetsPages(t, mustOpen(t, open)) })
	t.Run("Access", func(t *testing.T) { testAccess(t, mustOpen(t, open)) })
	t.Run("Synonyms", func(t *testing.T) { testSynonyms(t, mustOpen(t, open)) })
	t.Run("Grouped", func(t *testing.T) { testGrouped(t, mustOpen(t, open)) })
	t.Run("WordForms", func(t *testing.T) { testWordForms(t, mustOpen(t, open)) })
	t.Run("StopWords", func(t *testing.T) { testStopWords(t, mustOpen(t, open)) })
}

func mustOpen(t *testing.T, open func(t *testing.T) search.Index) search.Index {
	t.Helper()
	ix := open(t)
	t.Cleanup(func() {
		if err := ix.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if err := ix.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	return ix
}

// admin is a query that may read everything.
func admin(q string) search.Query { return search.Query{Q: q, All: true} }

// Corpus is the fixture the language and filter cases search.
func Corpus() []search.Entry {
	return []search.Entry{
		{ID: "doc:1:_", Type: search.TypeDocument, DocumentID: 1,
			Title: "Memorandum mirëkuptimi me Akademinë e Drejtësisë", Kind: "mou", Status: "adopted",
			Language: "sq", Visibility: "internal", Year: 2025,
			Text: "Palët bien dakord për trajnimin e gjyqtarëve dhe prokurorëve.", Readers: []int64{2}},
		{ID: "doc:2:a1", Type: search.TypeDocument, DocumentID: 2,
			Title: "Udhëzim administrativ për qendrat ditore", Kind: "administrative_instruction", Status: "draft",
			Language: "sq", Visibility: "internal", Year: 2026, ArticleID: "a1", ArticleNum: "1", Heading: "Neni 1 Qëllimi",
			Text:    "Ky udhëzim përcakton licencimin e Qendrave Ditore për kujdesin ndaj fëmijëve. <script>alert(1)</script>",
			Readers: []int64{2}},
		{ID: "doc:3:a7", Type: search.TypeDocument, DocumentID: 3,
			Title: "Закон о раду", Kind: "regulation", Status: "in_review", Language: "sr", Visibility: "internal",
			Year: 2024, ArticleID: "a7", ArticleNum: "7", Heading: "Члан 7",
			Text: "Овај закон уређује права и обавезе запослених.", Readers: []int64{2}},
		{ID: "doc:4:_", Type: search.TypeDocument, DocumentID: 4,
			Title: "Procesverbal i takimit", Kind: "report", Status: "draft", Language: "sq", Visibility: "internal",
			Year: 2026, Text: "Takimi u kryesua nga Đorđe Petrović.", Readers: []int64{2}},
		{ID: "doc:5:a3", Type: search.TypeDocument, DocumentID: 5,
			Title: "Rregullore për mbrojtjen e të dhënave", Kind: "regulation", Status: "approved", Language: "sq",
			Visibility: "internal", Year: 2025, ArticleID: "a3", ArticleNum: "3", Heading: "Neni 3",
			Text: "Kjo rregullore hyn në fuqi shtatë ditë pas publikimit.", Readers: []int64{2}},
		{ID: "doc:6:_", Type: search.TypeDocument, DocumentID: 6,
			Title: "Standard operating procedure", Kind: "sop", Status: "adopted", Language: "en", Visibility: "internal",
			Year: 2023, Text: "Administrative procedures for the registry office.", Readers: []int64{2}},
		{ID: "comment:7", Type: search.TypeComment, DocumentID: 2, CommentID: 7,
			Title: "Udhëzim administrativ për qendrat ditore", Kind: "administrative_instruction", Status: "draft",
			Language: "sq", Visibility: "internal", Year: 2026, ArticleID: "a1", ArticleNum: "1",
			Text: "Propozoj të shtohet kriteri për stafin e kualifikuar.", Readers: []int64{2}},
		{ID: "att:8", Type: search.TypeAttachment, DocumentID: 2, AttachmentID: 8,
			Title: "Udhëzim administrativ për qendrat ditore", Kind: "administrative_instruction", Status: "draft",
			Language: "sq", Visibility: "internal", Year: 2026,
			Text: "Raporti i institucionalizimit të shërbimeve sociale.", Readers: []int64{2}},
	}
}

func upsert(t *testing.T, ix search.Index, entries ...search.Entry) {
	t.Helper()
	if err := ix.Upsert(context.Background(), entries); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
}

func find(t *testing.T, ix search.Index, q search.Query) *search.Result {
	t.Helper()
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

func ids(res *search.Result) []string {
	out := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	slices.Sort(out)
	return out
}

func hitByID(res *search.Result, id string) *search.Hit {
	for i := range res.Hits {
		if res.Hits[i].ID == id {
			return &res.Hits[i]
		}
	}
	return nil
}

func wantIDs(t *testing.T, what string, res *search.Result, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := ids(res); !slices.Equal(got, want) {
		t.Errorf("%s: hits %q, want %q", what, got, want)
	}
	if res.Total != len(want) {
		t.Errorf("%s: total %d, want %d", what, res.Total, len(want))
	}
}

func wantFound(t *testing.T, ix search.Index, q, id string) {
	t.Helper()
	res := find(t, ix, admin(q))
	if hitByID(res, id) == nil {
		t.Errorf("%q: %s not found in %q", q, id, ids(res))
	}
}

func testUpsertSearchDelete(t *testing.T, ix search.Index) {
	ctx := context.Background()
	wantIDs(t, "empty index", find(t, ix, admin("")))
	upsert(t, ix, Corpus()...)
	wantIDs(t, "everything", find(t, ix, admin("")),
		"doc:1:_", "doc:2:a1", "doc:3:a7", "doc:4:_", "doc:5:a3", "doc:6:_", "comment:7", "att:8")
	wantIDs(t, "one word", find(t, ix, admin("gjyqtarëve")), "doc:1:_")

	changed := Corpus()[0]
	changed.Text = "Bashkëpunim në fushën e ndërmjetësimit."
	upsert(t, ix, changed)
	wantIDs(t, "old text after upsert", find(t, ix, admin("gjyqtarëve")))
	wantIDs(t, "new text after upsert", find(t, ix, admin("ndërmjetësimit")), "doc:1:_")
	wantIDs(t, "title kept after upsert", find(t, ix, admin("Akademinë")), "doc:1:_")

	if err := ix.Delete(ctx, []string{"doc:1:_", "doc:404:_"}); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	wantIDs(t, "after delete", find(t, ix, admin("ndërmjetësimit")))
	if err := ix.Delete(ctx, nil); err != nil {
		t.Fatalf("Delete(nil): %v", err)
	}
	if err := ix.Upsert(ctx, nil); err != nil {
		t.Fatalf("Upsert(nil): %v", err)
	}
}

func testDeleteDocument(t *testing.T, ix search.Index) {
	upsert(t, ix, Corpus()...)
	extra := Corpus()[1]
	extra.ID, extra.ArticleID, extra.ArticleNum = "doc:2:a2", "a2", "2"
	upsert(t, ix, extra)
	if err := ix.DeleteDocument(context.Background(), 2); err != nil {
		t.Fatalf("DeleteDocument: %v", err)
	}
	wantIDs(t, "after DeleteDocument(2)", find(t, ix, admin("")),
		"doc:1:_", "doc:3:a7", "doc:4:_", "doc:5:a3", "doc:6:_")
	if err := ix.DeleteDocument(context.Background(), 404); err != nil {
		t.Fatalf("DeleteDocument(unknown): %v", err)
	}
}

func testLanguage(t *testing.T, ix search.Index) {
	upsert(t, ix, Corpus()...)
	for _, c := range []struct{ q, id string }{
		{"femijeve", "doc:2:a1"},               // typed without ë
		{"fëmijëve", "doc:2:a1"},               // typed with it
		{"qendrave ditore", "doc:2:a1"},        // case
		{"QENDRAVE DITORE", "doc:2:a1"},        // case
		{"zakon", "doc:3:a7"},                  // Latin finds Cyrillic
		{"закон", "doc:3:a7"},                  // Cyrillic finds Cyrillic
		{"zaposlenih", "doc:3:a7"},             // Cyrillic text, folded Latin query
		{"clan", "doc:3:a7"},                   // Cyrillic heading (Члан)
		{"Đorđe", "doc:4:_"},                   // as written
		{"Djordje", "doc:4:_"},                 // dj
		{"Dorde", "doc:4:_"},                   // d
		{"dorde petrovic", "doc:4:_"},          // ć folded
		{"rregullore", "doc:5:a3"},             // exact
		{"rregullre", "doc:5:a3"},              // one typo (deletion)
		{"rregulore", "doc:5:a3"},              // one typo (deletion)
		{"institucionalizmit", "att:8"},        // 18 letters, one typo
		{"instiucionalizmit", "att:8"},         // two typos
		{"administrat", "doc:6:_"},             // prefix of the last word
		{"registry admin", "doc:6:_"},          // prefix only on the last word
		{"akademine drejtesise", "doc:1:_"},    // title
		{"kualifikuar", "comment:7"},           // comment
		{"Memorandum Akademinë", "doc:1:_"},    // MoU with the Academy of Justice
		{"udhezim qendrat ditore", "doc:2:a1"}, // title and text together
	} {
		wantFound(t, ix, c.q, c.id)
	}
	for _, c := range []struct{ q, id string }{
		{"zakonx", "doc:1:_"},          // nothing like it
		{"femijeve zakon", "doc:2:a1"}, // every term is required
		{"registry", "doc:1:_"},
		{"kujdsn", "doc:2:a1"}, // two typos on a six-letter word
	} {
		if res := find(t, ix, admin(c.q)); hitByID(res, c.id) != nil {
			t.Errorf("%q: %s found, want not", c.q, c.id)
		}
	}
	// Short words tolerate no typo: "ligi" must not find "ligj".
	upsert(t, ix, search.Entry{ID: "doc:9:_", Type: search.TypeDocument, DocumentID: 9, Title: "Ligj",
		Kind: "regulation", Status: "draft", Language: "sq", Visibility: "internal", Year: 2026, Text: "ligj"})
	if res := find(t, ix, admin("ligi")); hitByID(res, "doc:9:_") != nil {
		t.Errorf(`"ligi" found "ligj": four-letter words tolerate no typo`)
	}
	// A 5-8 letter word tolerates one typo.
	wantFound(t, ix, "kujdsin", "doc:2:a1")
}

func testHitAndSnippet(t *testing.T, ix search.Index) {
	upsert(t, ix, Corpus()...)
	res := find(t, ix, admin("femijeve"))
	h := hitByID(res, "doc:2:a1")
	if h == nil {
		t.Fatalf("femijeve: no hit in %q", ids(res))
	}
	want := search.Hit{ID: "doc:2:a1", Type: search.TypeDocument, DocumentID: 2,
		Title: "Udhëzim administrativ për qendrat ditore", Kind: "administrative_instruction", Status: "draft",
		Language: "sq", Year: 2026, ArticleID: "a1", ArticleNum: "1", Heading: "Neni 1 Qëllimi", Snippet: h.Snippet}
	if *h != want {
		t.Errorf("hit\n got %+v\nwant %+v", *h, want)
	}
	if !strings.Contains(h.Snippet, "<mark>fëmijëve</mark>") {
		t.Errorf("snippet %q does not mark the original word", h.Snippet)
	}
	if strings.Contains(h.Snippet, "<script>") || !strings.Contains(h.Snippet, "&lt;script&gt;") {
		t.Errorf("snippet %q does not escape the text", h.Snippet)
	}

	res = find(t, ix, admin("kualifikuar"))
	if h := hitByID(res, "comment:7"); h == nil || h.Type != search.TypeComment || h.CommentID != 7 || h.DocumentID != 2 {
		t.Errorf("comment hit: %+v", h)
	}
	res = find(t, ix, admin("institucionalizimit"))
	if h := hitByID(res, "att:8"); h == nil || h.Type != search.TypeAttachment || h.AttachmentID != 8 || h.DocumentID != 2 ||
		h.Snippet != "Raporti i <mark>institucionalizimit</mark> të shërbimeve sociale." {
		t.Errorf("attachment hit: %+v", h)
	}
	// A document-level entry whose text does not match shows its title.
	res = find(t, ix, admin("akademine"))
	if h := hitByID(res, "doc:1:_"); h == nil || !strings.Contains(h.Snippet, "<mark>Akademinë</mark>") {
		t.Errorf("title snippet: %+v", h)
	}
	res = find(t, ix, admin("закон"))
	if h := hitByID(res, "doc:3:a7"); h == nil || !strings.Contains(h.Snippet, "<mark>закон</mark>") {
		t.Errorf("cyrillic snippet: %+v", h)
	}
}

func testFiltersFacetsPages(t *testing.T, ix search.Index) {
	upsert(t, ix, Corpus()...)
	all := []string{"doc:1:_", "doc:2:a1", "doc:3:a7", "doc:4:_", "doc:5:a3", "doc:6:_", "comment:7", "att:8"}
	for _, c := range []struct {
		q    search.Query
		want []string
	}{
		{search.Query{All: true, Kind: "regulation"}, []string{"doc:3:a7", "doc:5:a3"}},
		{search.Query{All: true, Status: "draft"}, []string{"doc:2:a1", "doc:4:_", "comment:7", "att:8"}},
		{search.Query{All: true, Language: "sr"}, []string{"doc:3:a7"}},
		{search.Query{All: true, Year: 2025}, []string{"doc:1:_", "doc:5:a3"}},
		{search.Query{All: true, Kind: "regulation", Year: 2025}, []string{"doc:5:a3"}},
		{search.Query{All: true, Kind: "administrative_instruction", Q: "qendrat"}, []string{"doc:2:a1", "comment:7", "att:8"}},
		{search.Query{All: true, Kind: "mou", Q: "qendrat"}, nil},
		{search.Query{All: true, Kind: `x" OR kind = "mou`}, nil}, // values are escaped
	} {
		wantIDs(t, fmt.Sprintf("filter %+v", c.q), find(t, ix, c.q), c.want...)
	}

	res := find(t, ix, admin(""))
	wantFacets(t, "facets of everything", res, Corpus())
	res = find(t, ix, search.Query{All: true, Status: "draft"})
	var drafts []search.Entry
	for _, e := range Corpus() {
		if e.Status == "draft" {
			drafts = append(drafts, e)
		}
	}
	wantFacets(t, "facets of drafts", res, drafts)

	var paged []string
	for off := 0; off < len(all); off += 3 {
		res := find(t, ix, search.Query{All: true, Limit: 3, Offset: off})
		if res.Total != len(all) {
			t.Errorf("page at %d: total %d, want %d", off, res.Total, len(all))
		}
		if len(res.Hits) > 3 {
			t.Errorf("page at %d: %d hits, limit 3", off, len(res.Hits))
		}
		for _, h := range res.Hits {
			paged = append(paged, h.ID)
		}
	}
	slices.Sort(paged)
	slices.Sort(all)
	if !slices.Equal(paged, all) {
		t.Errorf("pages gave %q, want each entry once: %q", paged, all)
	}
}

// Facets returns the facet counts of entries.
func Facets(entries []search.Entry) map[string]map[string]int {
	out := map[string]map[string]int{}
	add := func(facet, value string) {
		if value == "" {
			return
		}
		if out[facet] == nil {
			out[facet] = map[string]int{}
		}
		out[facet][value]++
	}
	for _, e := range entries {
		add(search.FacetKind, e.Kind)
		add(search.FacetStatus, e.Status)
		add(search.FacetLanguage, e.Language)
		if e.Year != 0 {
			add(search.FacetYear, strconv.Itoa(e.Year))
		}
	}
	return out
}

func wantFacets(t *testing.T, what string, res *search.Result, entries []search.Entry) {
	t.Helper()
	want := Facets(entries)
	for _, f := range search.Facets {
		got := res.Facets[f]
		if len(got) == 0 && len(want[f]) == 0 {
			continue
		}
		if !maps.Equal(got, want[f]) {
			t.Errorf("%s: facet %s = %v, want %v", what, f, got, want[f])
		}
	}
}

// access fixture: one internal document and one restricted document A,
// both created by user 2, A shared with reviewer 4, and a comment on A.
func accessEntries() []search.Entry {
	return []search.Entry{
		{ID: "doc:10:_", Type: search.TypeDocument, DocumentID: 10, Title: "Politika e brendshme matrica",
			Kind: "policy", Status: "draft", Language: "sq", Visibility: "internal", Year: 2024,
			Text: "Matrica e qasjes për dokumentin e brendshëm.", Owner: 2},
		{ID: "doc:11:a1", Type: search.TypeDocument, DocumentID: 11, Title: "Protokoll i kufizuar matrica",
			Kind: "protocol", Status: "in_review", Language: "sr", Visibility: "restricted", Year: 2025,
			ArticleID: "a1", ArticleNum: "1", Heading: "Član 1",
			Text: "Matrica pristupa za ograničeni dokument.", Readers: []int64{4}, Owner: 2},
		{ID: "comment:12", Type: search.TypeComment, DocumentID: 11, CommentID: 12,
			Title: "Protokoll i kufizuar matrica", Kind: "protocol", Status: "in_review", Language: "sr",
			Visibility: "restricted", Year: 2025, ArticleID: "a1", ArticleNum: "1",
			Text: "Komentar na matricu pristupa, matrica.", Readers: []int64{4}, Owner: 2},
	}
}

func testAccess(t *testing.T, ix search.Index) {
	entries := accessEntries()
	upsert(t, ix, entries...)
	users := []struct {
		name string
		q    search.Query
		sees []string
	}{
		{"admin", search.Query{All: true, UserID: 1}, []string{"doc:10:_", "doc:11:a1", "comment:12"}},
		{"editor 2 (creator)", search.Query{Internal: true, Owner: true, UserID: 2}, []string{"doc:10:_", "doc:11:a1", "comment:12"}},
		// The creator made staff or reviewer reads what that role reads.
		{"creator 2 made staff", search.Query{Internal: true, UserID: 2}, []string{"doc:10:_"}},
		{"creator 2 made reviewer", search.Query{UserID: 2}, nil},
		{"staff 3", search.Query{Internal: true, UserID: 3}, []string{"doc:10:_"}},
		{"editor 3 (not the creator)", search.Query{Internal: true, Owner: true, UserID: 3}, []string{"doc:10:_"}},
		{"reviewer 4 (member of A)", search.Query{UserID: 4}, []string{"doc:11:a1", "comment:12"}},
		{"reviewer 5 (member of nothing)", search.Query{UserID: 5}, nil},
		{"anonymous", search.Query{}, nil},
	}
	for _, u := range users {
		var visible []search.Entry
		for _, e := range entries {
			if slices.Contains(u.sees, e.ID) {
				visible = append(visible, e)
			}
		}
		for _, q := range []search.Query{
			{}, {Q: "matrica"}, {Q: "matric"}, {Q: "matrca"}, {Limit: 1}, {Kind: "protocol"}, {Year: 2025},
		} {
			q.All, q.Internal, q.Owner, q.UserID = u.q.All, u.q.Internal, u.q.Owner, u.q.UserID
			res := find(t, ix, q)
			what := fmt.Sprintf("%s, query %+v", u.name, q)
			want := visible
			if q.Kind != "" || q.Year != 0 {
				want = nil
				for _, e := range visible {
					if (q.Kind == "" || e.Kind == q.Kind) && (q.Year == 0 || e.Year == q.Year) {
						want = append(want, e)
					}
				}
			}
			for _, h := range res.Hits {
				if !slices.ContainsFunc(want, func(e search.Entry) bool { return e.ID == h.ID }) {
					t.Errorf("%s: LEAK of %s", what, h.ID)
				}
			}
			if res.Total != len(want) {
				t.Errorf("%s: total %d, want %d", what, res.Total, len(want))
			}
			if q.Limit == 0 && len(res.Hits) != len(want) {
				t.Errorf("%s: %d hits, want %d", what, len(res.Hits), len(want))
			}
			wantFacets(t, what, res, want)
		}
	}
}
