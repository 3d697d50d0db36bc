package searchtest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"policydesk/search"
)

// synonymEntries are the fixture of the synonym cases: a MoU named in
// Albanian and one named by its abbreviation, a centre for social work in
// Albanian and in English, and a text with "memorandum" alone, which no
// synonym of MoU may match.
func synonymEntries() []search.Entry {
	e := func(id string, doc int64, text string) search.Entry {
		return search.Entry{ID: id, Type: search.TypeDocument, DocumentID: doc, Title: "Dokument", Kind: "mou",
			Status: "adopted", Language: "sq", Visibility: "internal", Year: 2025, Text: text}
	}
	return []search.Entry{
		e("doc:11:_", 11, "Memorandum i Mirëkuptimit me komunën e Bonevetit për qendrat ditore."),
		e("doc:12:_", 12, "The MoU with the Centre for Social Work of the region."),
		e("doc:13:_", 13, "Qendra për Punë Sociale e Bonevetit pranon kërkesat."),
		e("doc:14:_", 14, "Memorandum for the board of directors."),
	}
}

// testSynonyms: a query word or phrase of a group matches every term of
// the group, after folding (Cyrillic, diacritics); a phrase matches only
// entries holding all of its words.
func testSynonyms(t *testing.T, ix search.Index) {
	syn := search.CompileSynonyms(search.EffectiveSynonyms(nil))
	if setter, ok := ix.(search.SynonymSetter); ok {
		if err := setter.SetSynonyms(context.Background(), syn); err != nil {
			t.Fatalf("SetSynonyms: %v", err)
		}
	}
	upsert(t, ix, synonymEntries()...)
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"MoU", []string{"doc:11:_", "doc:12:_"}},
		{"memorandum of understanding", []string{"doc:11:_", "doc:12:_"}},
		{"memorandum i mirekuptimit", []string{"doc:11:_", "doc:12:_"}},
		{"QPS", []string{"doc:12:_", "doc:13:_"}},
		{"Центар за социјални рад", []string{"doc:12:_", "doc:13:_"}},
		{"qps bonevetit", []string{"doc:13:_"}},
		{"memorandum", []string{"doc:11:_", "doc:14:_"}},
	} {
		res := find(t, ix, search.Query{Q: c.q, All: true, Synonyms: syn})
		wantIDs(t, fmt.Sprintf("synonyms of %q", c.q), res, c.want...)
	}
	res := find(t, ix, search.Query{Q: "mou", All: true, Synonyms: syn})
	if h := hitByID(res, "doc:11:_"); h == nil || !containsAll(h.Snippet, "<mark>Memorandum</mark>", "<mark>Mirëkuptimit</mark>") {
		t.Errorf("mou: the synonym's words are not marked: %+v", h)
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// groupedEntries: document 21 has three matching articles and a matching
// comment, documents 22 and 23 one article each.
func groupedEntries() []search.Entry {
	e := func(id string, doc int64, typ, text string) search.Entry {
		return search.Entry{ID: id, Type: typ, DocumentID: doc, Title: fmt.Sprintf("Rregullore %d", doc), Kind: "regulation",
			Status: "draft", Language: "sq", Visibility: "internal", Year: 2026, Text: text}
	}
	return []search.Entry{
		e("doc:21:a1", 21, search.TypeDocument, "Licencimi i qendrave."),
		e("doc:21:a2", 21, search.TypeDocument, "Kushtet e licencimi për stafin."),
		e("doc:21:a3", 21, search.TypeDocument, "Licencimi përtërihet çdo vit."),
		e("comment:25", 21, search.TypeComment, "Licencimi duhet të jetë falas."),
		e("doc:22:a1", 22, search.TypeDocument, "Licencimi i strehimoreve."),
		e("doc:23:a1", 23, search.TypeDocument, "Licencimi licencimi dhe mbikëqyrja."),
		e("doc:24:a1", 24, search.TypeDocument, "Mbikëqyrja e punës."),
	}
}

// testGrouped: grouped results give one hit per document with its other
// matches counted, Total counts documents, and pages neither repeat nor
// skip a document; the document filter keeps one document's entries.
func testGrouped(t *testing.T, ix search.Index) {
	upsert(t, ix, groupedEntries()...)
	res := find(t, ix, search.Query{Q: "licencimi", All: true, Group: true})
	if res.Total != 3 || len(res.Hits) != 3 {
		t.Fatalf("grouped: total %d, %d hits, want 3 documents: %q", res.Total, len(res.Hits), ids(res))
	}
	if n := res.Facets[search.FacetKind]["regulation"]; n != 3 {
		t.Errorf("grouped: the kind facet counts %d, want 3 documents", n)
	}
	more := map[int64]int{}
	for _, h := range res.Hits {
		if _, dup := more[h.DocumentID]; dup {
			t.Errorf("document %d twice", h.DocumentID)
		}
		more[h.DocumentID] = h.More
	}
	if want := map[int64]int{21: 3, 22: 0, 23: 0}; !maps.Equal(more, want) {
		t.Errorf("more = %v, want %v", more, want)
	}
	var paged []int64
	for off := 0; off < 4; off += 2 {
		page := find(t, ix, search.Query{Q: "licencimi", All: true, Group: true, Limit: 2, Offset: off})
		if page.Total != 3 {
			t.Errorf("page at %d: total %d, want 3", off, page.Total)
		}
		for _, h := range page.Hits {
			paged = append(paged, h.DocumentID)
		}
	}
	slices.Sort(paged)
	if !slices.Equal(paged, []int64{21, 22, 23}) {
		t.Errorf("pages gave documents %v, want 21, 22, 23 once each", paged)
	}
	flat := find(t, ix, search.Query{Q: "licencimi", All: true})
	if flat.Total != 6 || flat.Facets[search.FacetKind]["regulation"] != 6 {
		t.Errorf("per entry: total %d, kind facet %v; want 6 entries", flat.Total, flat.Facets[search.FacetKind])
	}
	wantIDs(t, "document 21", find(t, ix, search.Query{Q: "licencimi", All: true, Document: 21}),
		"doc:21:a1", "doc:21:a2", "doc:21:a3", "comment:25")
}
