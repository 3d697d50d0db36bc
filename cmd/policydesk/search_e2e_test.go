package main

// End-to-end tests of search on the real binary with the demo library: the
// outbox drains at start, queries in the languages of the demo find their
// documents, `policydesk reindex` swaps in a fresh index, and search as you
// type works in a real browser.

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

type e2eHit struct {
	Type       string `json:"type"`
	DocumentID int64  `json:"document_id"`
	Title      string `json:"title"`
	Kind       string `json:"kind"`
	Snippet    string `json:"snippet"`
	URL        string `json:"url"`
}

type e2eResult struct {
	Total  int                       `json:"total"`
	Hits   []e2eHit                  `json:"hits"`
	Facets map[string]map[string]int `json:"facets"`
}

func (c *apiClient) search(tb testing.TB, query string) e2eResult {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var res e2eResult
	if err := c.do(ctx, http.MethodGet, "/api/v1/search?q="+url.QueryEscape(query), nil, &res); err != nil {
		tb.Fatalf("search %q: %v", query, err)
	}
	return res
}

func hasTitle(res e2eResult, title string) bool {
	for _, h := range res.Hits {
		if h.Title == title {
			return true
		}
	}
	return false
}

// loadDemoData runs `policydesk demo -data dir`.
func loadDemoData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	out, err := runCommand(t, "demo", "-data", dir)
	if err != nil {
		t.Fatalf("policydesk demo: %v\n%s", err, out)
	}
	if !strings.Contains(out, "loaded 11 demo documents") {
		t.Logf("policydesk demo: %s", out)
	}
	return dir
}

// waitSearchCaughtUp waits until /readyz reports search ok and an empty
// backlog.
func waitSearchCaughtUp(t testing.TB, srv *testServer) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var last map[string]string
	for time.Now().Before(deadline) {
		c := &apiClient{base: srv.URL, http: &http.Client{Timeout: 5 * time.Second}}
		last = nil
		err := c.do(context.Background(), http.MethodGet, "/readyz", nil, &last)
		if err == nil && last["search"] == "ok" && last["search_backlog"] == "0" {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("search did not catch up within 60s: /readyz = %v", last)
}

// runSplit runs the binary and returns stdout and stderr apart.
func runSplit(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, policydeskBinary(t), args...)
	cmd.Env = cleanEnv()
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

func readCurrent(t *testing.T, data string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(data, "search", "CURRENT"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

const (
	mouAcademy  = "Memorandum of Understanding with the Academy of Justice"
	uaIntegrity = "Udhëzim Administrativ për Shërbimet e Integruara"
	dayCareReg  = "Rregullore për Organizimin dhe Fushëveprimin e Qendrave Ditore"
)

// checkDemoSearches runs the demo queries every deployment must answer.
func checkDemoSearches(t *testing.T, c *apiClient) map[string]int {
	t.Helper()
	totals := map[string]int{}
	for _, tc := range []struct{ query, title string }{
		{"Academy of Justice", mouAcademy},
		{"academy justice", mouAcademy},
		{"Akademy of Justise", mouAcademy}, // a typo in each word
		{"udhezim administrativ ditore", uaIntegrity},
		{"Udhëzim Administrativ shërbimet ditore", uaIntegrity},
		{"qendrat ditore", dayCareReg},
		{"qendrave ditore", dayCareReg},
	} {
		res := c.search(t, tc.query)
		if !hasTitle(res, tc.title) {
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.Title)
			}
			t.Errorf("%q does not find %q; hits: %q", tc.query, tc.title, got)
		}
		for _, h := range res.Hits {
			if !strings.Contains(h.Snippet, "<mark>") && h.Title != tc.title {
				t.Errorf("%q: hit %q has no marked snippet: %q", tc.query, h.Title, h.Snippet)
			}
		}
		totals[tc.query] = res.Total
	}
	// The hit for an article links to the article.
	res := c.search(t, "qendrat ditore")
	linked := false
	for _, h := range res.Hits {
		if regexp.MustCompile(`^/documents/\d+#art-\d+$`).MatchString(h.URL) {
			linked = true
		}
	}
	if !linked {
		t.Errorf("no hit of %q links to an article: %+v", "qendrat ditore", res.Hits)
	}
	return totals
}

func TestSearchE2E_DemoAndReindex(t *testing.T) {
	data := loadDemoData(t)
	srv := startServer(t, data)
	waitSearchCaughtUp(t, srv)
	admin := loginAPI(t, srv.URL, "admin", demoPassword)
	before := checkDemoSearches(t, admin)

	// "Akademia" is the Albanian name; the demo MoU is written in English
	// only, so it must not match it by accident either.
	if res := admin.search(t, "Akademia"); hasTitle(res, mouAcademy) {
		t.Logf("note: Akademia finds the English MoU")
	}

	// The reviewer sees only what is shared with her.
	besa := loginAPI(t, srv.URL, "besa", demoPassword)
	if res := besa.search(t, "Academy of Justice"); hasTitle(res, mouAcademy) {
		t.Errorf("the ministry reviewer finds an internal MoU that is not shared with her")
	}

	// While the server runs, reindex refuses, naming the running server.
	out, stderr, err := runSplit(t, "reindex", "-data", data)
	if err == nil {
		t.Fatalf("reindex while the server runs succeeded: %s", out)
	}
	if !strings.Contains(stderr, "running policydesk") || !strings.Contains(stderr, "stop it first") {
		t.Errorf("reindex while running: unclear message %q", stderr)
	}
	oldIndex := readCurrent(t, data)
	if _, err := os.Stat(filepath.Join(data, "search", oldIndex)); err != nil {
		t.Fatalf("the live index %s: %v", oldIndex, err)
	}

	srv.Stop(t)
	out, stderr, err = runSplit(t, "reindex", "-data", data)
	if err != nil { // exit status 0 only
		t.Fatalf("reindex: %v\nstdout: %s\nstderr: %s", err, out, stderr)
	}
	m := regexp.MustCompile(`reindexed (\d+) documents`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("reindex stdout %q lacks \"reindexed N documents\"", out)
	}
	if n, _ := strconv.Atoi(m[1]); n != 11 {
		t.Errorf("reindexed %d documents, want the 11 of the demo", n)
	}
	newIndex := readCurrent(t, data)
	if newIndex == oldIndex {
		t.Fatalf("CURRENT still names %s after a reindex", oldIndex)
	}
	if _, err := os.Stat(filepath.Join(data, "search", newIndex, "index_meta.json")); err != nil {
		t.Errorf("the new index %s: %v", newIndex, err)
	}
	if _, err := os.Stat(filepath.Join(data, "search", oldIndex)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the old index %s is still there (%v)", oldIndex, err)
	}
	entries, _ := os.ReadDir(filepath.Join(data, "search"))
	for _, e := range entries {
		if e.IsDir() && e.Name() != newIndex {
			t.Errorf("left over in the search directory: %s", e.Name())
		}
	}

	// Started again, search works on the new index with the same answers.
	srv2 := startServer(t, data)
	waitSearchCaughtUp(t, srv2)
	admin2 := loginAPI(t, srv2.URL, "admin", demoPassword)
	after := checkDemoSearches(t, admin2)
	for q, n := range before {
		if after[q] != n {
			t.Errorf("%q: %d hits before the reindex, %d after", q, n, after[q])
		}
	}
	if got := readCurrent(t, data); got != newIndex {
		t.Errorf("starting the server changed CURRENT to %s", got)
	}
}

// TestSearchE2E_BrowserSearchAsYouType types a query in the search page, one
// key at a time, and waits for the results the script draws.
func TestSearchE2E_BrowserSearchAsYouType(t *testing.T) {
	ctx := newBrowser(t) // fails, not skips, when a browser is required
	data := loadDemoData(t)
	srv := startServer(t, data)
	waitSearchCaughtUp(t, srv)
	shots := screenshotDir(t)
	browserLogin(ctx, t, srv.URL, "admin", demoPassword)

	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/search"),
		chromedp.WaitVisible(chromedp.ID("search-q")),
		chromedp.Click(chromedp.ID("search-q")),
	); err != nil {
		t.Fatalf("opening /search: %v", err)
	}
	for _, r := range "femij" {
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("search-q"), string(r)), chromedp.Sleep(60*time.Millisecond)); err != nil {
			t.Fatalf("typing %q: %v", r, err)
		}
	}
	// No page load: the script fetched the API and drew the hits.
	const marked = `Array.from(document.querySelectorAll("#results mark")).some(m => m.textContent.toLowerCase().startsWith("fëmij"))`
	if err := chromedp.Do(ctx, void(chromedp.Poll[bool](marked, chromedp.WithPollingTimeout(15*time.Second)))); err != nil {
		text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("results")))
		saveScreenshot(ctx, t, shots, "search-as-you-type-failed.png")
		t.Fatalf("no <mark> with fëmij in #results after typing femij: %v\n#results: %q", err, text)
	}
	value, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("search-q").value`))
	if err != nil || value != "femij" {
		t.Errorf("the search box holds %q (%v), want femij", value, err)
	}
	hits, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#results article.hit").length`))
	if err != nil || hits == 0 {
		t.Errorf("%d hits drawn (%v)", hits, err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.Contains(loc, "/search?q=femij") {
		t.Errorf("the address is %q, want it to keep the query", loc)
	}
	// Snippets are HTML with only <mark> inside.
	bad, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#results .snippet *:not(mark)").length`))
	if err != nil || bad != 0 {
		t.Errorf("%d elements other than <mark> in the snippets (%v)", bad, err)
	}
	// The facets belong to the typed query: links carry it, counts add up.
	facetLinks, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#facets a[href*="q=femij"]').length`))
	if err != nil || facetLinks == 0 {
		t.Errorf("the facets were not redrawn for the typed query (%d links, %v)", facetLinks, err)
	}
	kindSum, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll('#facets section[data-facet="kind"] .muted')).reduce((s, e) => s + Number(e.textContent), 0)`))
	total, err2 := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("result-count").textContent`))
	if err != nil || err2 != nil || !strings.HasPrefix(total, strconv.Itoa(kindSum)+" document") { // grouped: documents, counted so in the facets too
		t.Errorf("kind facet counts add up to %d, the page says %q (%v, %v)", kindSum, total, err, err2)
	}
	saveScreenshot(ctx, t, shots, "search-as-you-type.png")
}
