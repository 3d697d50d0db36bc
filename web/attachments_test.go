package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"policydesk/drafts"
	"policydesk/drafts/attachments"
	"policydesk/storage/folder"
	"policydesk/storage/sqldb"
	"policydesk/web"
)

const testUploadLimit = 1 << 20

// attEnv is an env whose server keeps attachments in a folder store.
type attEnv struct {
	*env
	blobs *folder.Store
	att   *attachments.Attachments
}

// newAttachmentEnv builds what newEnv builds, with srv.Attachments set;
// maxBytes 0 leaves the service's default.
func newAttachmentEnv(t testing.TB, maxBytes int64) *attEnv {
	t.Helper()
	blobs, err := folder.Open(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	var att *attachments.Attachments
	e := newEnv(t, func(s *web.Server, db *sqldb.DB, svc *drafts.Service) {
		att = &attachments.Attachments{Drafts: svc, Store: db, Blobs: blobs, MaxBytes: maxBytes}
		s.Attachments = att
		s.Checks["blobs"] = blobs.Ping
	})
	return &attEnv{env: e, blobs: blobs, att: att}
}

// objects counts what the blob store holds.
func (e *attEnv) objects() int {
	e.t.Helper()
	n := 0
	if err := e.blobs.List(context.Background(), "", func(attachments.BlobInfo) error { n++; return nil }); err != nil {
		e.t.Fatal(err)
	}
	return n
}

type part struct {
	name, filename string
	data           []byte
}

func field(name, value string) part { return part{name: name, data: []byte(value)} }
func file(filename string, data []byte) part {
	return part{name: "file", filename: filename, data: data}
}

// multipartBody encodes the parts in order.
func multipartBody(t testing.TB, parts ...part) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p.filename != "" || p.name == "file" {
			h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": p.name, "filename": p.filename}))
			h.Set("Content-Type", "application/octet-stream")
		} else {
			h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": p.name}))
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.data)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), buf.Bytes()
}

type attJSON struct {
	ID          int64  `json:"id"`
	DocumentID  int64  `json:"document_id"`
	Filename    string `json:"filename"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	ContentType string `json:"content_type"`
	Uploader    string `json:"uploader"`
	CreatedAt   string `json:"created_at"`
}

func (e *attEnv) upload(token string, docID int64, filename string, data []byte) resp {
	e.t.Helper()
	ct, body := multipartBody(e.t, file(filename, data))
	return e.raw("POST", docPath(docID, "/attachments"), token, ct, body)
}

func (e *attEnv) list(token string, docID int64) []attJSON {
	e.t.Helper()
	r := must(e.t, e.api("GET", docPath(docID, "/attachments"), token, nil), 200)
	var out struct {
		Attachments []attJSON `json:"attachments"`
	}
	if err := json.Unmarshal(r.Body, &out); err != nil || out.Attachments == nil {
		e.t.Fatalf("list shape: %v %s", err, r)
	}
	return out.Attachments
}

func hexSHA(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// checkDownload asserts the download headers and bytes of an attachment.
func checkDownload(t testing.TB, r resp, wantName, wantType string, data []byte) {
	t.Helper()
	must(t, r, 200)
	cd := r.Header.Get("Content-Disposition")
	disp, params, err := mime.ParseMediaType(cd)
	if err != nil || disp != "attachment" {
		t.Errorf("Content-Disposition %q: %q %v, want attachment", cd, disp, err)
	}
	if params["filename"] != wantName {
		t.Errorf("Content-Disposition %q names %q, want %q", cd, params["filename"], wantName)
	}
	// The plain filename is always ASCII, for old clients.
	if i := strings.Index(cd, "filename="); i >= 0 {
		for _, c := range []byte(cd[i:]) {
			if c < 0x20 || c > 0x7e {
				t.Errorf("Content-Disposition %q is not ASCII", cd)
				break
			}
		}
	}
	if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options %q", got)
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") {
		t.Errorf("Content-Security-Policy %q lacks sandbox", csp)
	}
	if got := r.Header.Get("Content-Type"); got != wantType {
		t.Errorf("Content-Type %q, want %q", got, wantType)
	}
	if !bytes.Equal(r.Body, data) || hexSHA(r.Body) != hexSHA(data) {
		t.Errorf("downloaded %d bytes (sha %s), want %d (sha %s)", len(r.Body), hexSHA(r.Body), len(data), hexSHA(data))
	}
}

func TestHostileUploads(t *testing.T) {
	t.Parallel()
	e := newAttachmentEnv(t, testUploadLimit)
	id := e.doc(e.admin, "Rregullore", "internal", "Neni 1\n\nTekst.")
	const oct = "application/octet-stream"
	for _, tc := range []struct {
		name, filename, cleaned, ctype string
		data                           []byte
	}{
		{"svg with script", "logo.svg", "logo.svg", oct,
			[]byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>`)},
		{"html", "index.html", "index.html", oct, []byte("<!DOCTYPE html><html><script>fetch('/api/v1/users')</script></html>")},
		{"gif/html polyglot", "pixel.gif", "pixel.gif", oct, []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00<html><script>alert(1)</script></html>")},
		{"path traversal", "../../etc/passwd", "passwd", oct, []byte("root:x:0:0:root:/root:/bin/bash\n")},
		{"windows path", `C:\Users\drita\Shtojca.pdf`, "Shtojca.pdf", "application/pdf", []byte("%PDF-1.4 windows")},
		{"zero bytes", "empty.txt", "empty.txt", "text/plain; charset=utf-8", []byte{}},
		{"albanian", "Shtojca – fëmijët.pdf", "Shtojca – fëmijët.pdf", "application/pdf", []byte("%PDF-1.7\n\xe2\xe3 Shtojca")},
		{"serbian cyrillic", "Прилог 1.docx", "Прилог 1.docx",
			"application/vnd.openxmlformats-officedocument.wordprocessingml.document", []byte("PK\x03\x04 docx bytes")},
		{"bidi override", "invoice\u202Efdp.exe", "invoicefdp.exe", oct, []byte("MZ\x90\x00")},
		{"header injection", "a\";\r\nX-Evil: 1;%41.pdf", "a;X-Evil: 1;%41.pdf", "application/pdf", []byte("%PDF-1.4 inj")},
		{"binary", "scan.png", "scan.png", "image/png", append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0, 0xff, 0x10}, 50000)...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.objects()
			r := must(t, e.upload(e.admin, id, tc.filename, tc.data), 201)
			if strings.Contains(string(r.Body), "att/") || strings.Contains(strings.ToLower(string(r.Body)), `"key"`) {
				t.Errorf("upload answer exposes the storage key: %s", r)
			}
			var a attJSON
			if err := json.Unmarshal(r.Body, &a); err != nil {
				t.Fatal(err)
			}
			if a.ID == 0 || a.Filename != tc.cleaned || a.Size != int64(len(tc.data)) || a.SHA256 != hexSHA(tc.data) || a.ContentType != tc.ctype {
				t.Errorf("upload answer %+v; want name %q, size %d, type %q", a, tc.cleaned, len(tc.data), tc.ctype)
			}
			if e.objects() != before+1 {
				t.Errorf("objects %d, want %d", e.objects(), before+1)
			}
			checkDownload(t, e.api("GET", "/api/v1/attachments/"+itoa(a.ID), e.admin, nil), tc.cleaned, tc.ctype, tc.data)
		})
	}
}

func TestAttachmentContentDisposition(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"a.pdf", "a b.pdf", "Shtojca – fëmijët.pdf", "Прилог 1.docx", `we\ird;na%me'.txt`, "日本語.txt", "x=y,z.pdf"} {
		v := web.ContentDisposition(name)
		disp, params, err := mime.ParseMediaType(v)
		if err != nil || disp != "attachment" || params["filename"] != name {
			t.Errorf("ContentDisposition(%q) = %q → %q %v %v", name, v, disp, params, err)
		}
	}
}

func TestUploadLimitsAndErrors(t *testing.T) {
	t.Parallel()
	e := newAttachmentEnv(t, testUploadLimit)
	id := e.doc(e.admin, "Rregullore", "internal", "Neni 1\n\nTekst.")
	audit := e.counts(id).audit

	r := must(t, e.upload(e.admin, id, "big.pdf", bytes.Repeat([]byte("x"), testUploadLimit+1)), 413)
	if code := checkError(t, r); code != "too_large" {
		t.Errorf("code %q, want too_large", code)
	}
	r = must(t, e.upload(e.admin, id, "huge.pdf", bytes.Repeat([]byte("x"), 3*testUploadLimit)), 413)
	if code := checkError(t, r); code != "too_large" {
		t.Errorf("code %q, want too_large", code)
	}
	ct, body := multipartBody(t, field("note", "no file here"))
	r = must(t, e.raw("POST", docPath(id, "/attachments"), e.admin, ct, body), 422)
	if code := checkError(t, r); code != "invalid" {
		t.Errorf("code %q, want invalid", code)
	}
	r = must(t, e.api("POST", docPath(id, "/attachments"), e.admin, map[string]string{"file": "x"}), 415)
	checkError(t, r)
	r = must(t, e.raw("POST", docPath(id, "/attachments"), e.admin, "text/plain", []byte("raw bytes")), 415)
	checkError(t, r)
	if n := len(e.list(e.admin, id)); n != 0 || e.objects() != 0 {
		t.Errorf("refused uploads left %d rows, %d objects", n, e.objects())
	}
	if got := e.counts(id).audit; got != audit {
		t.Errorf("audit grew from %d to %d", audit, got)
	}
	// Anonymous: 401 and nothing stored.
	r = must(t, e.upload("", id, "a.pdf", []byte("%PDF")), 401)
	checkError(t, r)

	// Exactly at the limit is accepted.
	must(t, e.upload(e.admin, id, "exact.bin", bytes.Repeat([]byte("y"), testUploadLimit)), 201)
}

// With no limit configured the service's default applies, not 1 MiB.
func TestUploadDefaultLimit(t *testing.T) {
	t.Parallel()
	e := newAttachmentEnv(t, 0)
	id := e.doc(e.admin, "Rregullore", "internal", "Neni 1\n\nTekst.")
	data := bytes.Repeat([]byte("z"), 3<<20)
	must(t, e.upload(e.admin, id, "three-mib.bin", data), 201)
}

func TestAttachmentListAndDeleteAPI(t *testing.T) {
	t.Parallel()
	e := newAttachmentEnv(t, testUploadLimit)
	id := e.doc(e.admin, "Memorandum", "restricted", "Neni 1\n\nTekst.")
	reviewer := e.user("besa", "reviewer")
	stranger := e.user("arben", "reviewer")
	e.share(e.admin, id, "besa", "reviewer")

	data := []byte("%PDF-1.4 signed MoU")
	must(t, e.upload(e.admin, id, "MoU.pdf", data), 201)
	must(t, e.upload(e.admin, id, "Прилог 1.docx", []byte("PK\x03\x04")), 201)

	r := must(t, e.api("GET", docPath(id, "/attachments"), e.admin, nil), 200)
	var raw map[string][]map[string]any
	if err := json.Unmarshal(r.Body, &raw); err != nil {
		t.Fatalf("shape: %v %s", err, r)
	}
	list := raw["attachments"]
	if len(list) != 2 {
		t.Fatalf("list %s", r)
	}
	for _, a := range list {
		for _, k := range []string{"id", "filename", "size", "sha256", "content_type", "created_at", "uploader"} {
			if _, ok := a[k]; !ok {
				t.Errorf("attachment lacks %q: %v", k, a)
			}
		}
		for k := range a {
			if strings.Contains(k, "key") || strings.Contains(k, "blob") {
				t.Errorf("attachment exposes %q", k)
			}
		}
	}
	mou := e.list(e.admin, id)[1]
	if mou.Filename != "MoU.pdf" || mou.SHA256 != hexSHA(data) || mou.Size != int64(len(data)) {
		t.Errorf("newest first, then MoU.pdf: %+v", mou)
	}
	aid := itoa(mou.ID)

	// The shared reviewer downloads but may not upload or delete.
	checkDownload(t, e.api("GET", "/api/v1/attachments/"+aid, reviewer, nil), "MoU.pdf", "application/pdf", data)
	must(t, e.upload(reviewer, id, "x.pdf", []byte("x")), 403)
	must(t, e.api("DELETE", "/api/v1/attachments/"+aid, reviewer, nil), 403)
	// A reviewer it is not shared with learns nothing.
	for _, p := range []string{"/api/v1/attachments/" + aid, docPath(id, "/attachments")} {
		r := must(t, e.api("GET", p, stranger, nil), 404)
		checkError(t, r)
	}
	must(t, e.api("DELETE", "/api/v1/attachments/"+aid, stranger, nil), 404)
	must(t, e.upload(stranger, id, "x.pdf", []byte("x")), 404)
	must(t, e.api("GET", "/api/v1/attachments/999999", e.admin, nil), 404)
	if e.objects() != 2 {
		t.Errorf("objects %d, want 2", e.objects())
	}

	must(t, e.api("DELETE", "/api/v1/attachments/"+aid, e.admin, nil), 204)
	must(t, e.api("GET", "/api/v1/attachments/"+aid, e.admin, nil), 404)
	must(t, e.api("DELETE", "/api/v1/attachments/"+aid, e.admin, nil), 404)
	if n := len(e.list(e.admin, id)); n != 1 || e.objects() != 1 {
		t.Errorf("after delete: %d rows, %d objects", n, e.objects())
	}
	checkAudit(t, e, "attachment.create", 2)
	checkAudit(t, e, "attachment.delete", 1)
}

func checkAudit(t testing.TB, e *attEnv, action string, want int) {
	t.Helper()
	r := must(t, e.api("GET", "/api/v1/audit?limit=200", e.admin, nil), 200)
	var out struct {
		Entries []struct{ Action, Actor, Detail string }
	}
	if err := json.Unmarshal(r.Body, &out); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, en := range out.Entries {
		if en.Action == action {
			n++
		}
	}
	if n != want {
		t.Errorf("audit has %d %s entries, want %d", n, action, want)
	}
}

// uploadForm reads #upload-form from the document page.
func uploadForm(t testing.TB, b *browser, id int64) (action, token string) {
	t.Helper()
	doc := parseHTML(t, must(t, b.get("/documents/"+itoa(id)), 200).Body)
	form := byID(doc, "upload-form")
	if form == nil {
		t.Fatal("no #upload-form on the document page")
	}
	if attr(form, "enctype") != "multipart/form-data" || strings.ToLower(attr(form, "method")) != "post" {
		t.Errorf("upload form enctype %q method %q", attr(form, "enctype"), attr(form, "method"))
	}
	inputs := findAll(form, tagged("input"))
	if len(inputs) < 2 || attr(inputs[0], "name") != "csrf_token" || attr(inputs[1], "name") != "file" {
		t.Errorf("the form must send csrf_token before file")
	}
	in := find(form, func(n *html.Node) bool { return isElem(n, "input") && attr(n, "name") == "csrf_token" })
	if in == nil {
		t.Fatal("no csrf_token in #upload-form")
	}
	return attr(form, "action"), attr(in, "value")
}

func (b *browser) postMultipart(path string, parts ...part) resp {
	b.t.Helper()
	ct, body := multipartBody(b.t, parts...)
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	return b.do(req)
}

func TestUploadPageFlow(t *testing.T) {
	t.Parallel()
	e := newAttachmentEnv(t, testUploadLimit)
	id := e.doc(e.admin, "Rregullore", "internal", "Neni 1\n\nTekst.")
	b := e.browser()
	b.login("admin", adminPassword, "/documents/"+itoa(id))
	action, token := uploadForm(t, b, id)
	if action != "/documents/"+itoa(id)+"/attachments" {
		t.Errorf("form action %q", action)
	}
	data := bytes.Repeat([]byte("Shtojca 1 — "), 200)

	// Refused: no token, a wrong token, the token after the file, a token
	// in the header that is wrong.
	for name, parts := range map[string][]part{
		"no token":         {file("Shtojca.pdf", data)},
		"wrong token":      {field("csrf_token", "x"+token), file("Shtojca.pdf", data)},
		"empty token":      {field("csrf_token", ""), file("Shtojca.pdf", data)},
		"token after file": {file("Shtojca.pdf", data), field("csrf_token", token)},
	} {
		r := b.postMultipart(action, parts...)
		if r.Status != 403 {
			t.Errorf("%s: status %d, want 403: %s", name, r.Status, r)
		}
	}
	ct, body := multipartBody(t, file("Shtojca.pdf", data))
	req, _ := http.NewRequest("POST", e.srv.URL+action, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("X-CSRF-Token", "wrong")
	must(t, b.do(req), 403)
	// The API route is an upload route too; a cookie without a token is refused.
	must(t, b.postMultipart(docPath(id, "/attachments"), file("Shtojca.pdf", data)), 403)
	if n := len(e.list(e.admin, id)); n != 0 || e.objects() != 0 {
		t.Fatalf("refused uploads left %d rows, %d objects", n, e.objects())
	}

	r := must(t, b.postMultipart(action, field("csrf_token", token), file("Shtojca – fëmijët.pdf", data)), 303)
	loc := r.Header.Get("Location")
	if !strings.HasPrefix(loc, "/documents/"+itoa(id)) || !strings.HasSuffix(loc, "#attachments") {
		t.Errorf("redirect to %q", loc)
	}
	page := parseHTML(t, must(t, b.get("/documents/"+itoa(id)), 200).Body)
	table := byID(page, "attachments-table")
	if table == nil {
		t.Fatal("no #attachments-table after the upload")
	}
	text := textOf(table)
	if !strings.Contains(text, "Shtojca – fëmijët.pdf") || !strings.Contains(text, fmt.Sprintf("%.0f KB", float64(len(data))/1024)) {
		t.Errorf("#attachments-table shows %q; want the name and size", text)
	}
	list := e.list(e.admin, id)
	if len(list) != 1 || list[0].SHA256 != hexSHA(data) {
		t.Fatalf("list %+v", list)
	}
	link := find(table, func(n *html.Node) bool { return isElem(n, "a") && attr(n, "href") == "/attachments/"+itoa(list[0].ID) })
	if link == nil {
		t.Error("no download link in the table")
	}
	// The page route downloads with the cookie.
	checkDownload(t, b.get("/attachments/"+itoa(list[0].ID)), "Shtojca – fëmijët.pdf", "application/pdf", data)

	// Delete through the page form.
	form := find(table, func(n *html.Node) bool {
		return isElem(n, "form") && attr(n, "action") == "/attachments/"+itoa(list[0].ID)+"/delete"
	})
	if form == nil {
		t.Fatal("no delete form")
	}
	must(t, b.post(attr(form, "action"), url.Values{}), 403)
	r = must(t, b.post(attr(form, "action"), url.Values{"csrf_token": {token}}), 303)
	if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/documents/"+itoa(id)) {
		t.Errorf("delete redirect to %q", loc)
	}
	if n := len(e.list(e.admin, id)); n != 0 || e.objects() != 0 {
		t.Errorf("after delete: %d rows, %d objects", n, e.objects())
	}
	checkAudit(t, e, "attachment.delete", 1)
	page = parseHTML(t, must(t, b.get("/documents/"+itoa(id)), 200).Body)
	if byID(page, "attachments-table") != nil {
		t.Error("the table still shows after the delete")
	}
}

// The CSRF token inside a multipart body counts only on upload routes.
func TestUploadCSRFNotBypassableElsewhere(t *testing.T) {
	t.Parallel()
	e := newAttachmentEnv(t, testUploadLimit)
	id := e.doc(e.admin, "Original title", "internal", "Neni 1\n\nTekst.")
	b := e.browser()
	b.login("admin", adminPassword, "/documents")
	_, token := uploadForm(t, b, id)
	for _, path := range []string{"/documents/" + itoa(id) + "/settings", "/documents/" + itoa(id) + "/members", "/documents/new"} {
		r := b.postMultipart(path, field("csrf_token", token), field("title", "Hijacked"), field("login", "admin"), field("role", "reader"),
			field("kind", "regulation"), field("language", "sq"), field("body", "x"))
		if r.Status != 403 {
			t.Errorf("multipart POST %s with the token in the body: status %d, want 403", path, r.Status)
		}
	}
	r := must(t, e.api("GET", docPath(id, ""), e.admin, nil), 200)
	if title := r.object(t)["title"]; title != "Original title" {
		t.Errorf("title changed to %v", title)
	}
	// The same token in an ordinary form works: the 403 was the transport.
	must(t, b.post("/documents/"+itoa(id)+"/settings", url.Values{"csrf_token": {token}, "title": {"New title"}}), 303)
}

func TestAttachmentReadyzNamesBlobs(t *testing.T) {
	t.Parallel()
	e := newAttachmentEnv(t, testUploadLimit)
	r := must(t, e.api("GET", "/readyz", "", nil), 200)
	if got := r.object(t)["blobs"]; got != "ok" {
		t.Errorf("readyz blobs = %v", got)
	}
}
