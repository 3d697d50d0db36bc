package web_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestSynonymsAPI: everyone signed in lists the groups (the built-in ones
// at first); only admins change them; a bad group is refused with 422 and
// writes nothing; each change is in the audit log; the search uses a new
// group at once.
func TestSynonymsAPI(t *testing.T) {
	t.Parallel()
	e := newSearchEnv(t)
	staff := e.user("staff", "staff")
	id := e.create(e.admin, "Rregullore e DPK", "regulation", "sq", "internal", "# R\n\n## Neni 1\n\nDepartamenti i Punës Sociale.\n")
	e.drain()
	var list struct {
		Groups []struct {
			ID      string   `json:"id"`
			Terms   []string `json:"terms"`
			Builtin bool     `json:"builtin"`
		} `json:"groups"`
	}
	if err := json.Unmarshal(must(t, e.api("GET", "/api/v1/search/synonyms", staff, nil), 200).Body, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Groups) != 6 || list.Groups[0].ID != "ai" || !list.Groups[0].Builtin {
		t.Fatalf("built-in groups: %+v", list.Groups)
	}
	body := map[string]any{"terms": []string{"DPS", "Departamenti i Punës Sociale"}}
	must(t, e.api("PUT", "/api/v1/search/synonyms/dps", staff, body), 403)
	for _, bad := range []any{
		map[string]any{"terms": []string{"DPS"}},
		map[string]any{"terms": append(make([]string, 20), "x", "y")},
		map[string]any{"terms": []string{"DPS", strings.Repeat("a", 81)}},
		map[string]any{"terms": []string{"DPS", ""}},
		map[string]any{"terms": []string{"DPS", "two\nlines"}},
		map[string]any{"terms": "DPS"},
		map[string]any{"terms": []string{"DPS", "x"}, "extra": 1},
	} {
		must(t, e.api("PUT", "/api/v1/search/synonyms/dps", e.admin, bad), 422)
	}
	must(t, e.api("PUT", "/api/v1/search/synonyms/Not%20an%20id", e.admin, body), 422)
	if n := len(e.search(e.admin, q("dps")).Hits); n != 0 {
		t.Errorf("dps before its group: %d hits", n)
	}
	got := must(t, e.api("PUT", "/api/v1/search/synonyms/dps", e.admin, body), 200).object(t)
	if got["id"] != "dps" || got["builtin"] != false || got["updated_by"] != "admin" {
		t.Errorf("PUT answered %v", got)
	}
	if res := e.search(staff, q("dps")); hasDoc(res, id) == nil {
		t.Errorf("dps does not find the document through its group: %+v", res)
	}
	must(t, e.api("DELETE", "/api/v1/search/synonyms/dps", staff, nil), 403)
	must(t, e.api("DELETE", "/api/v1/search/synonyms/dps", e.admin, nil), 204)
	must(t, e.api("DELETE", "/api/v1/search/synonyms/dps", e.admin, nil), 404)
	must(t, e.api("DELETE", "/api/v1/search/synonyms/mou", e.admin, nil), 204)
	var audit struct {
		Entries []struct {
			Action   string `json:"action"`
			ObjectID string `json:"object_id"`
			Detail   string `json:"detail"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(must(t, e.api("GET", "/api/v1/audit?object_type=synonyms", e.admin, nil), 200).Body, &audit); err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range audit.Entries {
		actions = append(actions, a.Action+" "+a.ObjectID)
	}
	if strings.Join(actions, ", ") != "synonyms.delete mou, synonyms.delete dps, synonyms.put dps" {
		t.Errorf("audit: %q", actions)
	}
}

// TestSearchAPI_GroupedAndRelaxed: group=document answers one hit per
// document with "more", total counting documents, pages without repeats;
// no group keeps one hit per article without "more"; a query that matches
// nothing whole answers a shorter one and says which words were left out.
func TestSearchAPI_GroupedAndRelaxed(t *testing.T) {
	t.Parallel()
	e := newSearchEnv(t)
	big := e.create(e.admin, "Rregullore për licencimin", "regulation", "sq", "internal",
		"# R\n\n## Neni 1\n\nLicencimi i qendrave.\n\n## Neni 2\n\nLicencimi përtërihet.\n\n## Neni 3\n\nLicencimi kushton.\n")
	small := e.create(e.admin, "Udhëzim", "administrative_instruction", "sq", "internal", "# U\n\n## Neni 1\n\nLicencimi i strehimoreve.\n")
	e.drain()
	r := must(t, e.api("GET", "/api/v1/search?group=document&"+q("licencimi"), e.admin, nil), 200)
	var res struct {
		Total int `json:"total"`
		Hits  []struct {
			DocumentID int64 `json:"document_id"`
			More       *int  `json:"more"`
		} `json:"hits"`
		Relaxed      []string `json:"relaxed"`
		RelaxedQuery string   `json:"relaxed_query"`
	}
	if err := json.Unmarshal(r.Body, &res); err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 || len(res.Hits) != 2 {
		t.Fatalf("grouped: %s", r.Body)
	}
	for _, h := range res.Hits {
		want := map[int64]int{big: 3, small: 0}[h.DocumentID] // big: its title entry and three articles
		if h.More == nil || *h.More != want {
			t.Errorf("document %d: more %v, want %d", h.DocumentID, h.More, want)
		}
	}
	seen := map[int64]bool{}
	for off := range 2 {
		page := must(t, e.api("GET", "/api/v1/search?group=document&limit=1&offset="+itoa(int64(off))+"&"+q("licencimi"), e.admin, nil), 200)
		if err := json.Unmarshal(page.Body, &res); err != nil || res.Total != 2 || len(res.Hits) != 1 || seen[res.Hits[0].DocumentID] {
			t.Errorf("page %d: %s", off, page.Body)
		} else {
			seen[res.Hits[0].DocumentID] = true
		}
	}
	flat := must(t, e.api("GET", "/api/v1/search?"+q("licencimi"), e.admin, nil), 200)
	if strings.Contains(string(flat.Body), `"more"`) || e.search(e.admin, q("licencimi")).Total != 5 {
		t.Errorf("per article: %s", flat.Body)
	}
	must(t, e.api("GET", "/api/v1/search?group=documents&q=x", e.admin, nil), 422)
	must(t, e.api("GET", "/api/v1/search?document=-1&q=x", e.admin, nil), 422)

	r = must(t, e.api("GET", "/api/v1/search?"+q("licencimi strehimoreve kopshteve"), e.admin, nil), 200)
	if err := json.Unmarshal(r.Body, &res); err != nil {
		t.Fatal(err)
	}
	if res.RelaxedQuery != "licencimi strehimoreve" || strings.Join(res.Relaxed, " ") != "kopshteve" ||
		res.Total != 1 || res.Hits[0].DocumentID != small {
		t.Errorf("relaxed: %s", r.Body)
	}
}

// TestSearchPage_GroupedHighlighted: the page groups by default, says
// when words were left out, links each hit to its article with ?hl=, and
// the document page marks those words in the article, never adding markup
// from ?hl.
func TestSearchPage_GroupedHighlighted(t *testing.T) {
	t.Parallel()
	e := newSearchEnv(t)
	id := e.create(e.admin, "Memorandum i Mirëkuptimit me Bonevet", "mou", "sq", "internal",
		"# M\n\n## Neni 1\n\nKomuna Bonevet dhe ministria.\n\n## Neni 2\n\nBonevet ofron <b>hapësira</b>.\n")
	e.drain()
	b := e.adminBrowser()
	doc := parseHTML(t, must(t, b.get("/search?q=MoU+Bonevet+zyrtar"), 200).Body)
	if n := byID(doc, "relaxed"); n == nil || !strings.Contains(textOf(n), "MoU Bonevet") || !strings.Contains(textOf(n), "zyrtar") {
		t.Errorf("no note of the words left out")
	}
	hits := findAll(byID(doc, "hits"), func(n *html.Node) bool { return isElem(n, "article") })
	if len(hits) != 1 {
		t.Fatalf("%d hits, want the document once", len(hits))
	}
	more := find(hits[0], func(n *html.Node) bool { return isElem(n, "details") })
	if more == nil || !strings.Contains(textOf(more), "2 more matches") { // the title entry and two articles
		t.Errorf("no \"2 more matches\" details: %q", textOf(hits[0]))
	}
	link := attr(find(hits[0], tagged("a")), "href")
	u, err := url.Parse(link)
	if err != nil || u.Path != "/documents/"+itoa(id) || u.Query().Get("hl") != "MoU Bonevet" {
		t.Fatalf("hit link %q", link)
	}
	page := parseHTML(t, must(t, b.get(link), 200).Body)
	marks := findAll(byID(page, "rendered"), tagged("mark"))
	var marked []string
	for _, m := range marks {
		marked = append(marked, textOf(m))
	}
	if got := strings.Join(marked, " "); !strings.Contains(got, "Bonevet") {
		t.Errorf("marked in the article: %q", got)
	}
	evil := parseHTML(t, must(t, b.get("/documents/"+itoa(id)+"?hl="+url.QueryEscape(`"><script>alert(1)</script><img src=x onerror=alert(1)> bonevet`)), 200).Body)
	rendered := byID(evil, "rendered")
	if find(rendered, tagged("script")) != nil || find(rendered, tagged("img")) != nil || find(rendered, tagged("b")) != nil {
		t.Error("?hl added markup to the article")
	}
	if len(findAll(rendered, tagged("mark"))) < 2 {
		t.Error("?hl with markup marked nothing")
	}
}
