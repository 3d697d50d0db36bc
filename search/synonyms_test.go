package search

import (
	"reflect"
	"strings"
	"testing"
)

func TestSynonymsMatch(t *testing.T) {
	syn := CompileSynonyms(EffectiveSynonyms(nil))
	// The words as a query gives them (Terms): folded, stop words left
	// out, as the groups' terms are.
	words := func(q string) []string {
		var out []string
		for _, t := range Terms(q) {
			out = append(out, t.Variants[0])
		}
		return out
	}
	for _, c := range []struct {
		q    string
		want []Span
	}{
		{"mou bonevet", []Span{{0, 1, [][]string{{"memorandum", "understanding"}, {"memorandum", "mirekuptimit"}, {"memorandum", "razumevanju"}}}}},
		{"Memorandum i Mirëkuptimit", []Span{{0, 2, [][]string{{"mou"}, {"memorandum", "understanding"}, {"memorandum", "razumevanju"}}}}},
		{"memorandum of understanding", []Span{{0, 2, [][]string{{"mou"}, {"memorandum", "mirekuptimit"}, {"memorandum", "razumevanju"}}}}},
		{"memorandum i", nil}, // a phrase matches whole
		{"qendrat", nil},
		{"ЦМР ua", []Span{{0, 1, [][]string{{"tryezat", "multidisiplinare"}}}, {1, 2, [][]string{{"udhezim", "administrativ"}}}}},
	} {
		if got := syn.Match(words(c.q)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Match(%q) = %v, want %v", c.q, got, c.want)
		}
	}
	var none *Synonyms
	if none.Match([]string{"mou"}) != nil || len(none.Map()) != 0 {
		t.Error("nil synonyms match something")
	}
	m := syn.Map()
	if !reflect.DeepEqual(m["ua"], []string{"udhezim administrativ"}) || !reflect.DeepEqual(m["udhezim administrativ"], []string{"ua"}) {
		t.Errorf("Map: ua %v, udhezim administrativ %v", m["ua"], m["udhezim administrativ"])
	}
}

func TestEffectiveSynonyms(t *testing.T) {
	got := EffectiveSynonyms([]SynonymGroup{
		{ID: "mou", Removed: true},
		{ID: "ua", Terms: []string{"UA", "Udhëzimi Administrativ", "Udhëzim Administrativ"}},
		{ID: "dpk", Terms: []string{"DPK", "Departamenti"}},
	})
	var ids []string
	for _, g := range got {
		ids = append(ids, g.ID)
		if g.ID == "ua" && (len(g.Terms) != 3 || !g.Builtin) {
			t.Errorf("changed built-in: %+v", g)
		}
		if g.ID == "dpk" && g.Builtin {
			t.Errorf("an admin's group is built in: %+v", g)
		}
	}
	if want := "ai cmr dpk qps sop ua"; strings.Join(ids, " ") != want {
		t.Errorf("groups %q, want %q", ids, want)
	}
}

// TestMarkHTML: the query's words are marked in text nodes only; markup,
// attributes and entities come out as they went in; nothing in the query
// or the text can add an element.
func TestMarkHTML(t *testing.T) {
	page := `<h2 id="art-1">Neni 1 – Qendrat</h2><p title="qendrat">Qendrat ditore &amp; fëmijët &lt;b&gt;</p><script>qendrat</script>`
	for _, c := range []struct{ q, want string }{
		{"qendrat femijet", `<h2 id="art-1">Neni 1 – <mark>Qendrat</mark></h2><p title="qendrat"><mark>Qendrat</mark> ditore &amp; <mark>fëmijët</mark> &lt;b&gt;</p><script>qendrat</script>`},
		{`<script>alert(1)</script>`, strings.Replace(page, "Neni 1", "Neni <mark>1</mark>", 1)},
		{`"><img src=x onerror=alert(1)> b`, `<h2 id="art-1">Neni <mark>1</mark> – Qendrat</h2><p title="qendrat">Qendrat ditore &amp; fëmijët &lt;<mark>b</mark>&gt;</p><script>qendrat</script>`},
		{"", page},
	} {
		if got := MarkHTML(page, c.q, ""); got != c.want {
			t.Errorf("MarkHTML(%q)\n got %s\nwant %s", c.q, got, c.want)
		}
	}
	if got := HighlightQuery("MoU x", CompileSynonyms(BuiltinSynonyms)); got != "MoU x memorandum understanding memorandum mirekuptimit memorandum razumevanju" {
		t.Errorf("HighlightQuery = %q", got)
	}
}
