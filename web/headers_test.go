package web_test

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"policydesk/drafts"
	"policydesk/drafts/attachments"
	"policydesk/search"
	"policydesk/search/bleve"
	"policydesk/storage/folder"
	"policydesk/storage/sqldb"
	"policydesk/web"
)

// TestRestrictedContentIsNotCached checks that every authenticated answer,
// pages and API, the version HTML, attachments and reports included, tells
// browsers and proxies to keep nothing (so restricted text does not stay in
// the browser after logout), and that only the static assets under their
// checksummed URLs are cached for long.
func TestRestrictedContentIsNotCached(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(s *web.Server, db *sqldb.DB, svc *drafts.Service) {
		blobs, err := folder.Open(filepath.Join(t.TempDir(), "blobs"))
		if err != nil {
			t.Fatal(err)
		}
		s.Attachments = &attachments.Attachments{Drafts: svc, Store: db, Blobs: blobs}
		index, err := bleve.Open(filepath.Join(t.TempDir(), "index"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { index.Close() })
		s.Search = &search.Service{Index: index, Outbox: db}
	})
	ed := e.user("drita", "editor")
	id := e.doc(ed, "Rregullore e kufizuar", "restricted", twoArticles)
	must(t, e.api("POST", docPath(id, "/versions"), ed, map[string]any{"base": 1, "body": twoArticles + "\nShtesë.\n"}), 201)
	must(t, e.api("POST", docPath(id, "/rounds"), ed, map[string]any{"version": 2}), 201)
	ct, body := multipartBody(t, file("shenime.txt", []byte("Shënime të kufizuara.")))
	att := must(t, e.raw("POST", docPath(id, "/attachments"), ed, ct, body), 201).object(t)
	attID := int64(att["id"].(float64))

	doc := "/documents/" + itoa(id)
	api := []string{
		"/api/v1/documents", docPath(id, ""), docPath(id, "/versions"), docPath(id, "/versions/2"),
		docPath(id, "/versions/2/html"), docPath(id, "/versions/1/html"), docPath(id, "/outline"),
		docPath(id, "/members"), docPath(id, "/diff?from=1&to=2"), docPath(id, "/rounds"),
		docPath(id, "/comments"), docPath(id, "/rounds/1/report"), docPath(id, "/rounds/1/report?format=csv"),
		docPath(id, "/attachments"), "/api/v1/attachments/" + itoa(attID), "/api/v1/search?q=rregullore",
		docPath(9999, ""), // an error answer too
	}
	for _, path := range api {
		r := e.api("GET", path, ed, nil)
		if r.Status >= 500 {
			t.Fatalf("GET %s: %s", path, r)
		}
		if got := r.Header.Get("Cache-Control"); got != "private, no-store" {
			t.Errorf("GET %s (%d): Cache-Control %q, want private, no-store", path, r.Status, got)
		}
	}

	b := e.browser()
	b.login("drita", userPassword, "")
	pages := []string{"/documents", doc, doc + "/versions/1", doc + "/edit", doc + "/diff?from=1&to=2",
		doc + "/rounds/1", doc + "/rounds/1/report", "/attachments/" + itoa(attID), "/search?q=rregullore"}
	for _, path := range pages {
		r := b.get(path)
		if r.Status != 200 {
			t.Fatalf("GET %s: %s", path, r)
		}
		if got := r.Header.Get("Cache-Control"); got != "private, no-store" {
			t.Errorf("page %s: Cache-Control %q, want private, no-store", path, got)
		}
	}

	// Static assets, under URLs that change with their content, are cached.
	page := parseHTML(t, must(t, b.get(doc), 200).Body)
	css := find(page, func(n *html.Node) bool { return isElem(n, "link") && attr(n, "rel") == "stylesheet" })
	if css == nil || !strings.HasPrefix(attr(css, "href"), "/static/") {
		t.Fatal("no stylesheet under /static/")
	}
	r := must(t, b.get(attr(css, "href")), 200)
	if got := r.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("static asset: Cache-Control %q", got)
	}
}

// TestImagesOnlyFromSelf checks that pages let images come only from the
// service: a draft's external image would be a read receipt for its host.
// (The browser test TestBrowserExternalImageNotLoaded shows Chromium obeys.)
func TestImagesOnlyFromSelf(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ed := e.user("drita", "editor")
	id := e.doc(ed, "Me figurë", "internal", "## Neni 1\n\n![x](https://tracker.example/p.gif?who=drita)\n")
	b := e.browser()
	b.login("drita", userPassword, "")
	for _, path := range []string{"/documents/" + itoa(id), "/documents/" + itoa(id) + "/edit", "/login"} {
		r := b.get(path)
		var img []string
		for _, d := range strings.Split(r.Header.Get("Content-Security-Policy"), ";") {
			if f := strings.Fields(d); len(f) > 0 && f[0] == "img-src" {
				img = f[1:]
			}
		}
		if len(img) != 1 || img[0] != "'self'" {
			t.Errorf("%s: img-src %q, want only 'self'", path, img)
		}
	}
}
