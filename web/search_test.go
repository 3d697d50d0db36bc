package web_test

import (
	"context"
	"encoding/json"
	"maps"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"policydesk/drafts"
	"policydesk/search"
	"policydesk/search/bleve"
	"policydesk/storage/sqldb"
	"policydesk/web"
)

// searchEnv is env with search wired as cmd/policydesk wires it: a bleve
// index in a temp dir, the SQLite outbox and an indexer drained on demand.
type searchEnv struct {
	*env
	indexer *search.Indexer
}

func newSearchEnv(t testing.TB) *searchEnv {
	t.Helper()
	var indexer *search.Indexer
	e := newEnv(t, func(s *web.Server, db *sqldb.DB, _ *drafts.Service) {
		index, err := bleve.Open(filepath.Join(t.TempDir(), "search", "index-1"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { index.Close() })
		s.Search = &search.Service{Index: index, Outbox: db, OutboxLag: db, SynonymStore: db}
		lib := &search.Library{Docs: db, Comments: db, Attachments: db, IDs: db.DocumentIDs}
		indexer = &search.Indexer{Index: index, Outbox: db, Source: lib}
	})
	return &searchEnv{env: e, indexer: indexer}
}

// drain indexes every change made so far.
func (e *searchEnv) drain() {
	e.t.Helper()
	ctx := context.Background()
	for range 100 {
		if _, err := e.indexer.Drain(ctx); err != nil {
			e.t.Fatalf("Drain: %v", err)
		}
		if n, err := e.db.Backlog(ctx); err != nil {
			e.t.Fatal(err)
		} else if n == 0 {
			return
		}
	}
	e.t.Fatal("the outbox does not drain")
}

func (e *searchEnv) create(token, title, kind, language, visibility, body string) int64 {
	e.t.Helper()
	r := must(e.t, e.api("POST", "/api/v1/documents", token, map[string]string{
		"title": title, "kind": kind, "language": language, "visibility": visibility, "body": body}), 201)
	return int64(r.object(e.t)["id"].(float64))
}

type searchHit struct {
	Type       string `json:"type"`
	ID         string `json:"id"`
	DocumentID int64  `json:"document_id"`
	Title      string `json:"title"`
	Kind       string `json:"kind"`
	Status     string `json:"status"`
	Language   string `json:"language"`
	Year       int    `json:"year"`
	Article    string `json:"article"`
	Heading    string `json:"heading"`
	CommentID  int64  `json:"comment_id"`
	Snippet    string `json:"snippet"`
	URL        string `json:"url"`
}

type searchResult struct {
	Total  int                       `json:"total"`
	Hits   []searchHit               `json:"hits"`
	Facets map[string]map[string]int `json:"facets"`
}

func (e *searchEnv) search(token, query string) searchResult {
	e.t.Helper()
	r := must(e.t, e.api("GET", "/api/v1/search?"+query, token, nil), 200)
	var res searchResult
	if err := json.Unmarshal(r.Body, &res); err != nil {
		e.t.Fatalf("search %s: %v: %s", query, err, r)
	}
	return res
}

func q(s string) string { return "q=" + url.QueryEscape(s) }

func hasDoc(res searchResult, id int64) *searchHit {
	for i := range res.Hits {
		if res.Hits[i].DocumentID == id {
			return &res.Hits[i]
		}
	}
	return nil
}

func TestSearchAPI_ShapeSnippetFilters(t *testing.T) {
	t.Parallel()
	e := newSearchEnv(t)
	reg := e.create(e.admin, "Rregullore për mbrojtjen e fëmijëve", "regulation", "sq", "internal",
		"# Rregullore\n\n## Neni 1 – Qëllimi\n\nMbrojtja e fëmijëve në institucione. <script>alert(1)</script>\n")
	sop := e.create(e.admin, "Standard operating procedure for shelters", "sop", "en", "internal",
		"# SOP\n\n## Article 1\n\nShelters protect children and victims.\n")
	must(t, e.api("PATCH", docPath(sop, ""), e.admin, map[string]string{"status": "adopted"}), 200)

	// Before indexing, readiness shows the backlog.
	r := must(t, e.api("GET", "/readyz", "", nil), 200)
	if ready := r.object(t); ready["search"] != "ok" || ready["search_backlog"] == "0" || ready["search_backlog"] == nil ||
		ready["search_lag_entries"] == "0" || ready["search_lag_seconds"] == nil || ready["search_building"] != "false" {
		t.Errorf("readyz before indexing: %v", ready)
	}
	e.drain()
	r = must(t, e.api("GET", "/readyz", "", nil), 200)
	if ready := r.object(t); ready["search"] != "ok" || ready["search_backlog"] != "0" || ready["database"] != "ok" ||
		ready["search_lag_entries"] != "0" || ready["search_lag_seconds"] != "0.0" {
		t.Errorf("readyz after indexing: %v", ready)
	}

	// The shape of API.md.
	raw := must(t, e.api("GET", "/api/v1/search?q=alert", e.admin, nil), 200)
	var shape map[string]json.RawMessage
	if err := json.Unmarshal(raw.Body, &shape); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"total", "hits", "facets"} {
		if _, ok := shape[k]; !ok {
			t.Errorf("response lacks %q: %s", k, raw)
		}
	}
	var facets map[string]map[string]int
	json.Unmarshal(shape["facets"], &facets)
	for _, f := range []string{"kind", "status", "language", "year"} {
		if _, ok := facets[f]; !ok {
			t.Errorf("facets lack %q: %s", f, shape["facets"])
		}
	}
	var hits []map[string]any
	json.Unmarshal(shape["hits"], &hits)
	if len(hits) == 0 {
		t.Fatalf("no hit for alert: %s", raw)
	}
	for _, k := range []string{"type", "document_id", "title", "kind", "snippet", "url"} {
		if _, ok := hits[0][k]; !ok {
			t.Errorf("hit lacks %q: %v", k, hits[0])
		}
	}

	// The snippet marks the match and escapes the text's HTML.
	res := e.search(e.admin, q("alert"))
	h := hasDoc(res, reg)
	if h == nil {
		t.Fatalf("alert did not find the regulation: %+v", res)
	}
	if h.Type != "document" || h.Kind != "regulation" || h.Title != "Rregullore për mbrojtjen e fëmijëve" {
		t.Errorf("hit %+v", h)
	}
	if !strings.Contains(h.Snippet, "<mark>alert</mark>") {
		t.Errorf("snippet does not mark the match: %q", h.Snippet)
	}
	if strings.Contains(h.Snippet, "<script") || !strings.Contains(h.Snippet, "&lt;script&gt;") {
		t.Errorf("snippet does not escape the text: %q", h.Snippet)
	}
	withoutMarks := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(h.Snippet)
	if strings.ContainsAny(withoutMarks, "<>") {
		t.Errorf("snippet has HTML other than <mark>: %q", h.Snippet)
	}

	// Filters.
	year := strconv.Itoa(time.Now().UTC().Year())
	for _, c := range []struct {
		query string
		want  []int64
	}{
		{"kind=regulation", []int64{reg}},
		{"kind=sop", []int64{sop}},
		{"language=en", []int64{sop}},
		{"language=sr", nil},
		{"status=adopted", []int64{sop}},
		{"status=draft", []int64{reg}},
		{"year=" + year, []int64{reg, sop}},
		{"year=2001", nil},
		{"kind=sop&language=sq", nil},
	} {
		res := e.search(e.admin, c.query)
		got := map[int64]bool{}
		for _, h := range res.Hits {
			got[h.DocumentID] = true
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: documents %v, want %v", c.query, got, c.want)
		}
		for _, id := range c.want {
			if !got[id] {
				t.Errorf("%s: document %d missing", c.query, id)
			}
		}
		if res.Total != len(res.Hits) {
			t.Errorf("%s: total %d, %d hits", c.query, res.Total, len(res.Hits))
		}
	}
	if res := e.search(e.admin, "q=children&kind=regulation"); res.Total != 0 {
		t.Errorf("query and filter: %+v", res)
	}
	if res := e.search(e.admin, "q=children&kind=sop"); hasDoc(res, sop) == nil {
		t.Errorf("children&kind=sop: %+v", res)
	}
	// Facets count by value.
	all := e.search(e.admin, "")
	if all.Facets["kind"]["regulation"] == 0 || all.Facets["kind"]["sop"] == 0 || all.Facets["language"]["en"] == 0 ||
		all.Facets["status"]["adopted"] == 0 || all.Facets["year"][year] != all.Total {
		t.Errorf("facets %v (total %d)", all.Facets, all.Total)
	}

	// Bad parameters are 422, anonymous callers 401.
	for _, bad := range []string{"year=abc", "year=12", "year=-1", "kind=law", "status=done", "language=de", "limit=x"} {
		r := must(t, e.api("GET", "/api/v1/search?q=a&"+bad, e.admin, nil), 422)
		if code := checkError(t, r); code != "invalid" {
			t.Errorf("%s: code %q", bad, code)
		}
	}
	r = must(t, e.api("GET", "/api/v1/search?q=alert", "", nil), 401)
	if code := checkError(t, r); code != "unauthorized" {
		t.Errorf("anonymous: code %q", code)
	}
	// Paging.
	p1 := e.search(e.admin, "limit=1")
	p2 := e.search(e.admin, "limit=1&offset=1")
	if len(p1.Hits) != 1 || len(p2.Hits) != 1 || p1.Hits[0].ID == p2.Hits[0].ID || p1.Total != p2.Total {
		t.Errorf("paging: %+v / %+v", p1, p2)
	}
}

func TestSearchAPI_Language(t *testing.T) {
	t.Parallel()
	e := newSearchEnv(t)
	children := e.create(e.admin, "Udhëzim administrativ për kujdesin", "administrative_instruction", "sq", "internal",
		"# Udhëzim\n\n## Neni 1\n\nKujdesi ndaj fëmijëve pa përkujdesje prindërore.\n")
	law := e.create(e.admin, "Закон о социјалној заштити", "regulation", "sr", "internal",
		"# Закон\n\n## Члан 1\n\nОвај закон уређује социјалну заштиту.\n")
	rules := e.create(e.admin, "Akt nënligjor", "regulation", "sq", "internal",
		"# Akt\n\n## Neni 1\n\nKjo rregullore hyn në fuqi menjëherë.\n")
	centres := e.create(e.admin, "Licencimi i shërbimeve", "regulation", "sq", "internal",
		"# Licencimi\n\n## Neni 1 – Qëllimi\n\nQëllimi i aktit.\n\n## Neni 2 – Përkufizimet\n\nPërkufizime.\n\n"+
			"## Neni 3 – Qendrat Ditore\n\nQendrat Ditore ofrojnë shërbime gjatë ditës.\n")
	e.drain()

	for _, c := range []struct {
		query string
		doc   int64
	}{
		{"femijeve", children}, // no diacritics finds ë
		{"fëmijëve", children}, // with them too
		{"zakon", law},         // Latin finds Cyrillic
		{"закон", law},         // and Cyrillic itself
		{"rregulore", rules},   // one typo
		{"qendrat ditore", centres},
	} {
		res := e.search(e.admin, q(c.query))
		h := hasDoc(res, c.doc)
		if h == nil {
			t.Errorf("%q does not find document %d: %+v", c.query, c.doc, res.Hits)
			continue
		}
		if !strings.Contains(h.Snippet, "<mark>") {
			t.Errorf("%q: snippet without a mark: %q", c.query, h.Snippet)
		}
	}
	res := e.search(e.admin, q("qendrat ditore"))
	if len(res.Hits) == 0 || res.Hits[0].DocumentID != centres {
		t.Fatalf("qendrat ditore: %+v", res.Hits)
	}
	top := res.Hits[0]
	if top.Article != "3" || !strings.HasSuffix(top.URL, "/documents/"+itoa(centres)+"#art-3") || !strings.Contains(top.Heading, "Qendrat Ditore") {
		t.Errorf("the hit does not link to article 3: %+v", top)
	}
	if !strings.Contains(top.Snippet, "<mark>Qendrat</mark>") || !strings.Contains(top.Snippet, "<mark>Ditore</mark>") {
		t.Errorf("snippet keeps the original words marked: %q", top.Snippet)
	}
	// The anchor exists on the document page.
	b := e.browser()
	b.login("admin", adminPassword, "")
	page := parseHTML(t, must(t, b.get("/documents/"+itoa(centres)), 200).Body)
	if byID(page, "art-3") == nil {
		t.Errorf("the document page has no element #art-3 for the hit's link")
	}
}

// TestSearchAPI_AccessMatrix: every user × every kind of entry, with
// queries that match everything: no leak in hits or in facet counts.
func TestSearchAPI_AccessMatrix(t *testing.T) {
	t.Parallel()
	e := newSearchEnv(t)
	tokens := map[string]string{
		"admin":          e.admin,
		"editor owner":   e.user("drita", "editor"),
		"other editor":   e.user("arben", "editor"),
		"staff":          e.user("staff", "staff"),
		"reviewer":       e.user("besa", "reviewer"),
		"other reviewer": e.user("vesa", "reviewer"),
	}
	owner := tokens["editor owner"]
	internal := e.create(owner, "Matrica e brendshme", "regulation", "sq", "internal",
		"# Matrica\n\n## Neni 1\n\nMatrica e qasjes për dokumentin e brendshëm.\n")
	restricted := e.create(owner, "Matrica e kufizuar", "mou", "en", "restricted",
		"# Matrica\n\n## Neni 1\n\nMatrica e qasjes për dokumentin e kufizuar.\n")
	e.share(owner, restricted, "besa", "reviewer")
	r := must(t, e.api("POST", docPath(restricted, "/comments"), tokens["reviewer"], map[string]any{
		"version": 1, "quote": "dokumentin e kufizuar", "body": "Matrica: komenti i recensentit."}), 201)
	commentID := int64(r.object(t)["id"].(float64))
	e.drain()

	type entry struct {
		doc     int64
		comment bool
	}
	visible := map[string][]entry{
		"admin":          {{internal, false}, {restricted, false}, {restricted, true}},
		"editor owner":   {{internal, false}, {restricted, false}, {restricted, true}},
		"other editor":   {{internal, false}},
		"staff":          {{internal, false}},
		"reviewer":       {{restricted, false}, {restricted, true}},
		"other reviewer": nil,
	}
	for who, token := range tokens {
		for _, query := range []string{"", q("matrica"), q("Matrica e"), "q=" + url.QueryEscape("qasjes")} {
			res := e.search(token, query+"&limit=100")
			seen := map[entry]bool{}
			for _, h := range res.Hits {
				en := entry{h.DocumentID, h.Type == "comment"}
				allowed := false
				for _, v := range visible[who] {
					allowed = allowed || v == en
				}
				if !allowed {
					t.Errorf("%s, query %q: LEAK %s (%s of document %d)", who, query, h.ID, h.Type, h.DocumentID)
				}
				if h.Type == "comment" && h.CommentID != commentID {
					t.Errorf("%s: comment hit %d, want %d", who, h.CommentID, commentID)
				}
				seen[en] = true
			}
			if res.Total != len(res.Hits) {
				t.Errorf("%s, query %q: total %d but %d hits", who, query, res.Total, len(res.Hits))
			}
			if query == "" || query == q("matrica") {
				for _, v := range visible[who] {
					if !seen[v] {
						t.Errorf("%s, query %q: does not find %+v", who, query, v)
					}
				}
			}
			// Facets count exactly the visible hits.
			want := map[string]map[string]int{"kind": {}, "status": {}, "language": {}, "year": {}}
			for _, h := range res.Hits {
				want["kind"][h.Kind]++
				want["status"][h.Status]++
				want["language"][h.Language]++
				want["year"][strconv.Itoa(h.Year)]++
			}
			for name, counts := range want {
				got := map[string]int{}
				for k, n := range res.Facets[name] {
					if n != 0 {
						got[k] = n
					}
				}
				if !maps.Equal(got, counts) {
					t.Errorf("%s, query %q: facet %s = %v, want %v from the visible hits", who, query, name, res.Facets[name], counts)
				}
			}
		}
	}

	// The comment hit links to the comment on the document's review page.
	var commentURL string
	for _, h := range e.search(owner, "q=recensentit").Hits {
		if h.Type == "comment" {
			commentURL = h.URL
		}
	}
	if want := "/documents/" + itoa(restricted) + "/diff#comment-" + itoa(commentID); commentURL != want {
		t.Errorf("comment hit url %q, want %q", commentURL, want)
	}
	ob := e.browser()
	ob.login("drita", userPassword, "")
	diff := parseHTML(t, must(t, ob.get(strings.Split(commentURL, "#")[0]), 200).Body)
	if byID(diff, "comment-"+itoa(commentID)) == nil {
		t.Errorf("the page of the comment hit has no #comment-%d", commentID)
	}

	// The same on the page: the reviewer without a share sees nothing.
	b := e.browser()
	b.login("vesa", userPassword, "")
	page := must(t, b.get("/search?q=matrica"), 200)
	if strings.Contains(string(page.Body), "Matrica e") || strings.Contains(string(page.Body), "kufizuar") {
		t.Errorf("the search page leaks to an unshared reviewer")
	}
}

func TestSearchPage(t *testing.T) {
	t.Parallel()
	e := newSearchEnv(t)
	id := e.create(e.admin, "Rregullore për qendrat ditore", "regulation", "sq", "internal",
		"# Rregullore\n\nHyrje.\n\n## Neni 1 – Qendrat Ditore\n\nQendrat ditore për fëmijët <b>me aftësi</b> të kufizuara.\n")
	e.create(e.admin, "Udhëzim për qendrat e strehimit", "administrative_instruction", "sq", "internal",
		"# Udhëzim\n\n## Neni 1\n\nQendrat e strehimit për viktimat.\n")
	e.drain()

	// Anonymous: the page asks to log in.
	anon := e.browser()
	if r := anon.get("/search?q=qendrat"); r.Status == 200 && strings.Contains(string(r.Body), "Rregullore") {
		t.Errorf("anonymous /search shows results")
	}

	b := e.browser()
	b.login("admin", adminPassword, "")
	r := must(t, b.get("/search?q=qendrat"), 200)
	checkPageHeaders(t, "/search", r)
	doc := parseHTML(t, r.Body)
	results := byID(doc, "results")
	if results == nil {
		t.Fatal("no #results")
	}
	hits := findAll(results, func(n *html.Node) bool { return isElem(n, "article") && strings.Contains(attr(n, "class"), "hit") })
	if len(hits) < 2 {
		t.Fatalf("%d hits on the page, want 2 or more", len(hits))
	}
	foundLink := false
	for _, h := range hits {
		snip := find(h, func(n *html.Node) bool { return isElem(n, "p") && strings.Contains(attr(n, "class"), "snippet") })
		if snip == nil || find(snip, tagged("mark")) == nil {
			t.Errorf("hit without a marked snippet: %q", textOf(h))
		}
		if snip != nil && find(snip, tagged("b")) != nil {
			t.Errorf("the snippet renders the text's HTML")
		}
		if a := find(h, tagged("a")); a != nil && attr(a, "href") == "/documents/"+itoa(id)+"?hl=qendrat#art-1" {
			foundLink = true
		}
	}
	if !foundLink {
		t.Errorf("no hit links to /documents/%d?hl=qendrat#art-1", id)
	}
	if c := byID(doc, "result-count"); c == nil || !strings.Contains(textOf(c), "document") {
		t.Errorf("no result count")
	}
	facets := byID(doc, "facets")
	if facets == nil {
		t.Fatal("no #facets")
	}
	links := findAll(facets, func(n *html.Node) bool { return isElem(n, "a") && strings.HasPrefix(attr(n, "href"), "/search?") })
	if len(links) < 3 {
		t.Fatalf("%d facet links, want kind, status, language and year links", len(links))
	}
	// Following a facet link narrows the results and keeps the query.
	var kindLink string
	for _, l := range links {
		if u, err := url.Parse(attr(l, "href")); err == nil && u.Query().Get("kind") == "administrative_instruction" {
			kindLink = attr(l, "href")
			if u.Query().Get("q") != "qendrat" {
				t.Errorf("facet link drops the query: %s", kindLink)
			}
		}
	}
	if kindLink == "" {
		t.Fatal("no facet link for kind administrative_instruction")
	}
	narrowed := parseHTML(t, must(t, b.get(kindLink), 200).Body)
	nh := findAll(byID(narrowed, "results"), func(n *html.Node) bool { return isElem(n, "article") })
	if len(nh) == 0 {
		t.Errorf("narrowed by kind: no hits")
	}
	for _, h := range nh {
		if !strings.Contains(textOf(h), "strehimit") || strings.Contains(textOf(h), "Rregullore") {
			t.Errorf("narrowed by kind, a hit of another kind: %q", textOf(h))
		}
	}
	if sel := find(byID(narrowed, "facets"), func(n *html.Node) bool { return isElem(n, "a") && attr(n, "aria-current") == "true" }); sel == nil {
		t.Errorf("the chosen facet is not marked")
	}
	// Bad parameters on the page are an error page, not a crash.
	if r := b.get("/search?q=a&year=abc"); r.Status != 422 {
		t.Errorf("/search?year=abc: status %d", r.Status)
	}

	// A search box in the header of every page.
	for _, path := range []string{"/documents", "/documents/" + itoa(id), "/documents/new", "/search", "/search?q=x", "/users", "/audit", "/documents/" + itoa(id) + "/diff"} {
		page := parseHTML(t, must(t, b.get(path), 200).Body)
		header := find(page, func(n *html.Node) bool { return isElem(n, "header") })
		if header == nil {
			t.Errorf("%s: no header", path)
			continue
		}
		form := find(header, func(n *html.Node) bool {
			return isElem(n, "form") && attr(n, "role") == "search" && attr(n, "action") == "/search"
		})
		if form == nil {
			t.Errorf("%s: no search form in the header", path)
			continue
		}
		if in := find(form, func(n *html.Node) bool { return isElem(n, "input") && attr(n, "name") == "q" }); in == nil {
			t.Errorf("%s: the header search form has no q input", path)
		}
		if strings.ToLower(attr(form, "method")) != "get" {
			t.Errorf("%s: header search form method %q", path, attr(form, "method"))
		}
	}
	// The search page loads the search-as-you-type script.
	page := parseHTML(t, must(t, b.get("/search"), 200).Body)
	if s := find(page, func(n *html.Node) bool { return isElem(n, "script") && strings.Contains(attr(n, "src"), "search.js") }); s == nil {
		t.Errorf("the search page does not load search.js")
	}
	// The facet labels the script uses when it redraws the facets.
	var labels map[string]map[string]string
	if f := byID(page, "facets"); f == nil || json.Unmarshal([]byte(attr(f, "data-labels")), &labels) != nil ||
		labels["kind"]["administrative_instruction"] == "" || labels["language"]["sq"] == "" || labels["status"]["draft"] == "" {
		t.Errorf("#facets data-labels is not the labels' JSON: %v", labels)
	}
	if in := byID(page, "search-q"); in == nil || attr(in, "name") != "q" {
		t.Errorf("no #search-q input")
	}
}
