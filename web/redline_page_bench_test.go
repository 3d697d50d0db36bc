package web_test

import (
	"net/http"
	"testing"

	"policydesk/drafts/draftstest"
	"policydesk/drafts/markdown"
)

// BenchmarkRedlinePage serves the redline of a 100-article, 20,000-word
// regulation and its revision: the inline page, the comparative table and
// the API's HTML fragment. The redline itself comes from the service's
// cache after the first request, so this measures the page's rendering:
// with the renderer's cache as the service has it (a page seen before),
// and, for inline-first, without (its first view).
//
//	go test -run '^$' -bench RedlinePage -count 5 ./web/
func BenchmarkRedlinePage(b *testing.B) {
	e := newEnv(b)
	cached := markdown.NewRenderer(markdown.DefaultCacheBytes)
	e.svc.Renderer = cached
	v1 := draftstest.Regulation(100, 20000, 1)
	id := e.doc(e.admin, "Rregullore", "internal", v1)
	must(b, e.api("POST", docPath(id, "/versions"), e.admin, map[string]any{"base": 1, "body": draftstest.Revise(v1, 101)}), 201)
	br := e.browser()
	br.login("admin", adminPassword, "/")
	for _, c := range []struct{ name, path string }{
		{"inline", "/documents/" + itoa(id) + "/diff?from=1&to=2"},
		{"table", "/documents/" + itoa(id) + "/diff?from=1&to=2&view=table"},
		{"inline-first", "/documents/" + itoa(id) + "/diff?from=1&to=2"},
	} {
		e.svc.Renderer = cached
		if c.name == "inline-first" {
			e.svc.Renderer = markdown.NewRenderer(0)
		}
		b.Run(c.name, func(b *testing.B) {
			n := len(must(b, br.get(c.path), http.StatusOK).Body)
			b.SetBytes(int64(n))
			for b.Loop() {
				br.get(c.path)
			}
		})
	}
	e.svc.Renderer = cached
	b.Run("api-html", func(b *testing.B) {
		path := docPath(id, "/diff?from=1&to=2&format=html")
		b.SetBytes(int64(len(must(b, e.raw("GET", path, e.admin, "", nil), http.StatusOK).Body)))
		for b.Loop() {
			e.raw("GET", path, e.admin, "", nil)
		}
	})
}
