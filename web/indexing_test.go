package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/attachments"
	"policydesk/search"
	"policydesk/search/bleve"
	"policydesk/search/extract"
	"policydesk/search/extract/extracttest"
	"policydesk/storage/folder"
	"policydesk/storage/sqldb"
	"policydesk/web"
)

// indexingEnv is search wired with attachments and the extraction worker
// (reading in this process), as cmd/policydesk wires it.
type indexingEnv struct {
	*env
	att        *attachments.Attachments
	extraction *search.Extraction
}

func newIndexingEnv(t testing.TB) *indexingEnv {
	t.Helper()
	blobs, err := folder.Open(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	ie := &indexingEnv{}
	ie.env = newEnv(t, func(s *web.Server, db *sqldb.DB, svc *drafts.Service) {
		index, err := bleve.Open(filepath.Join(t.TempDir(), "search", "index-1"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { index.Close() })
		ie.att = &attachments.Attachments{Drafts: svc, Store: db, Blobs: blobs}
		s.Attachments = ie.att
		s.Search = &search.Service{Index: index, Outbox: db, Texts: db, Problems: db}
		ie.extraction = &search.Extraction{Queue: db, Blobs: blobs, MaxAttempts: 1,
			Extract: func(ctx context.Context, name, ct string, r io.Reader) (string, error) {
				return extract.Text(name, ct, r)
			}}
	})
	return ie
}

// setAsideAttachment is a document the admin made with a PDF whose text
// cannot be read (its page tree loops), already tried and set aside.
func (ie *indexingEnv) setAsideAttachment(t *testing.T) (int64, *attachments.Attachment) {
	t.Helper()
	ctx := context.Background()
	adminUser, err := ie.db.FindUserByLogin(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	docID := ie.doc(ie.admin, "Protokolli i tryezave", "internal", "# P\n\nTekst.\n")
	att, err := ie.att.Upload(policydesk.NewContextWithUser(ctx, adminUser), docID, "loop.pdf", bytes.NewReader(extracttest.SelfParentPDF()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ie.extraction.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	return docID, att
}

// TestIndexingPage: an admin sees an attachment that was not extracted,
// with its reason, on the page and through the API, and retries it with
// the form (CSRF-checked, audited) or the API; nobody else may.
func TestIndexingPage(t *testing.T) {
	t.Parallel()
	e := newIndexingEnv(t)
	ctx := context.Background()
	docID, att := e.setAsideAttachment(t)

	// The API.
	var st struct {
		Backlog     int              `json:"backlog"`
		TextBacklog int              `json:"text_backlog"`
		Problems    []search.Problem `json:"problems"`
	}
	r := must(t, e.api("GET", "/api/v1/admin/indexing", e.admin, nil), 200)
	if err := json.Unmarshal(r.Body, &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Problems) != 1 || st.Problems[0].AttachmentID != att.ID || st.Problems[0].DocumentID != docID ||
		!st.Problems[0].SetAside || !strings.Contains(st.Problems[0].Reason, "loops") || st.Problems[0].Filename != "loop.pdf" {
		t.Fatalf("GET /api/v1/admin/indexing = %s", r)
	}
	if ready := must(t, e.api("GET", "/readyz", "", nil), 200).object(t); ready["search_not_indexed"] != "1" {
		t.Errorf("readyz = %v, want search_not_indexed 1", ready)
	}
	staff := e.user("staff1", "staff")
	editor := e.user("editor1", "editor")
	for _, tok := range []string{staff, editor} {
		must(t, e.api("GET", "/api/v1/admin/indexing", tok, nil), 403)
		must(t, e.api("POST", "/api/v1/admin/indexing/attachments/"+itoa(att.ID)+"/retry", tok, nil), 403)
	}
	must(t, e.api("GET", "/api/v1/admin/indexing", "", nil), 401)

	// The page: the reason, a retry form with the CSRF token.
	b := e.browser()
	b.login("admin", adminPassword, "")
	page := must(t, b.get("/admin/indexing"), 200)
	checkPageHeaders(t, "/admin/indexing", page)
	doc := parseHTML(t, page.Body)
	row := find(doc, func(n *html.Node) bool { return isElem(n, "tr") && strings.Contains(textOf(n), "loop.pdf") })
	if row == nil || !strings.Contains(textOf(row), "loops") || !strings.Contains(textOf(row), "not extracted") {
		t.Fatalf("no row naming loop.pdf and its reason on the page:\n%s", page)
	}
	form := find(row, tagged("form"))
	if form == nil || attr(form, "action") != "/admin/indexing/attachments/"+itoa(att.ID)+"/retry" {
		t.Fatalf("no retry form in the row")
	}
	if link := find(parseHTML(t, must(t, b.get("/audit"), 200).Body), func(n *html.Node) bool {
		return isElem(n, "a") && attr(n, "href") == "/admin/indexing"
	}); link == nil {
		t.Error("the audit page does not link to /admin/indexing")
	}

	// Without the token: refused, nothing retried.
	before := e.counts(0)
	must(t, b.post(attr(form, "action"), url.Values{}), 403)
	if e.counts(0) != before {
		t.Error("a retry without the CSRF token wrote something")
	}
	token := b.csrf("/admin/indexing")
	r = b.post(attr(form, "action"), url.Values{"csrf_token": {token}})
	if r.Status != 303 || r.Header.Get("Location") != "/admin/indexing?notice=indexing-retried" {
		t.Fatalf("retry form: %d %s", r.Status, r.Header.Get("Location"))
	}
	if after := e.counts(0); after.audit != before.audit+1 {
		t.Errorf("the retry was not audited: %+v → %+v", before, after)
	}
	if n, _ := e.db.TextBacklog(ctx); n != 1 {
		t.Errorf("text backlog after the retry = %d, want 1", n)
	}
	if !strings.Contains(string(must(t, b.get("/admin/indexing?notice=indexing-retried"), 200).Body), "Queued again") {
		t.Error("no notice after the retry")
	}
	// Nothing left to retry: 404 from the API.
	must(t, e.api("POST", "/api/v1/admin/indexing/documents/"+itoa(docID)+"/retry", e.admin, nil), 404)

	// Through the API once it failed again.
	if _, err := e.extraction.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	must(t, e.api("POST", "/api/v1/admin/indexing/attachments/"+itoa(att.ID)+"/retry", e.admin, nil), 204)
	if n, _ := e.db.TextBacklog(ctx); n != 1 {
		t.Errorf("text backlog after the API retry = %d, want 1", n)
	}

	// Others get the 403 page.
	sb := e.browser()
	sb.login("staff1", userPassword, "")
	must(t, sb.get("/admin/indexing"), 403)
}
