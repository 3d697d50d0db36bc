package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/net/html"

	"policydesk/calendar"
	"policydesk/drafts"
	"policydesk/drafts/accounts"
	"policydesk/drafts/markdown"
	"policydesk/review"
	"policydesk/storage/sqldb"
	"policydesk/storage/sqlite"
	"policydesk/web"
	"policydesk/web/i18n"
)

const (
	adminPassword = "kestrel-harbour-41"
	userPassword  = "user-password-1"
)

// env is a running server over a real SQLite file, with an admin token.
type env struct {
	t     testing.TB
	srv   *httptest.Server
	db    *sqldb.DB
	svc   *drafts.Service
	admin string
}

// newEnv starts a server over a fresh SQLite file with an admin logged in;
// each wire function may add parts (attachments, search) before it starts.
func newEnv(t testing.TB, wire ...func(s *web.Server, db *sqldb.DB, svc *drafts.Service)) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "policydesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := drafts.NewService(db, db, markdown.NewRenderer(512))
	cat, err := i18n.Load() // the services write into documents in their language
	if err != nil {
		t.Fatal(err)
	}
	svc.Translator = cat
	rv := review.NewService(svc, db)
	rv.Translator = cat
	acc := accounts.NewService(db)
	acc.BcryptCost = bcrypt.MinCost
	if _, err := acc.Bootstrap(ctx, adminPassword); err != nil {
		t.Fatal(err)
	}
	s, err := web.NewServer(acc, svc, rv, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	s.Checks["database"] = db.Ping
	s.Calendar = calendar.NewService(db)
	// The pages these tests read are in English; the language tests ask
	// for the others.
	s.Language = "en"
	for _, w := range wire {
		w(s, db, svc)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, db: db, svc: svc}
	e.admin = e.login("admin", adminPassword)
	return e
}

// resp is a fully read response.
type resp struct {
	Status  int
	Header  http.Header
	Body    []byte
	Cookies []*http.Cookie
}

func (r resp) String() string {
	b := string(r.Body)
	if len(b) > 500 {
		b = b[:500] + "..."
	}
	return http.StatusText(r.Status) + ": " + b
}

// object decodes the body as a JSON object.
func (r resp) object(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response is not a JSON object (%v): %s", err, r)
	}
	return m
}

func readResp(t testing.TB, res *http.Response) resp {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp{Status: res.StatusCode, Header: res.Header, Body: b, Cookies: res.Cookies()}
}

// raw sends a request with an exact body and content type.
func (e *env) raw(method, path, token, contentType string, body []byte) resp {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		e.t.Fatal(err)
	}
	return readResp(e.t, res)
}

// api sends v as JSON (a string is sent as is).
func (e *env) api(method, path, token string, v any) resp {
	e.t.Helper()
	var body []byte
	switch v := v.(type) {
	case nil:
	case string:
		body = []byte(v)
	default:
		var err error
		if body, err = json.Marshal(v); err != nil {
			e.t.Fatal(err)
		}
	}
	ct := ""
	if body != nil {
		ct = "application/json"
	}
	return e.raw(method, path, token, ct, body)
}

// must fails the test unless the response has the status.
func must(t testing.TB, r resp, status int) resp {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r)
	}
	return r
}

func (e *env) login(login, password string) string {
	e.t.Helper()
	r := must(e.t, e.api("POST", "/api/v1/sessions", "", map[string]string{"login": login, "password": password}), 201)
	tok, _ := r.object(e.t)["token"].(string)
	if tok == "" {
		e.t.Fatalf("no token: %s", r)
	}
	return tok
}

// user creates an account as admin and returns a token for it.
func (e *env) user(login, role string) string {
	e.t.Helper()
	must(e.t, e.api("POST", "/api/v1/users", e.admin, map[string]string{
		"login": login, "name": strings.ToUpper(login), "password": userPassword, "role": role}), 201)
	return e.login(login, userPassword)
}

// doc creates a document and returns its id.
func (e *env) doc(token, title, visibility, body string) int64 {
	e.t.Helper()
	r := must(e.t, e.api("POST", "/api/v1/documents", token, map[string]string{
		"title": title, "kind": "regulation", "language": "sq", "visibility": visibility, "body": body}), 201)
	return int64(r.object(e.t)["id"].(float64))
}

func (e *env) share(token string, id int64, login, role string) {
	e.t.Helper()
	must(e.t, e.api("PUT", docPath(id, "/members/"+login), token, map[string]string{"role": role}), 200)
}

func docPath(id int64, rest string) string {
	return "/api/v1/documents/" + itoa(id) + rest
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// counts is what a rejected request must leave unchanged.
type counts struct{ documents, versions, audit int }

func (e *env) counts(id int64) counts {
	e.t.Helper()
	var c counts
	c.documents = int(must(e.t, e.api("GET", "/api/v1/documents", e.admin, nil), 200).object(e.t)["total"].(float64))
	c.audit = int(must(e.t, e.api("GET", "/api/v1/audit", e.admin, nil), 200).object(e.t)["total"].(float64))
	if id != 0 {
		c.versions = len(must(e.t, e.api("GET", docPath(id, "/versions"), e.admin, nil), 200).object(e.t)["versions"].([]any))
	}
	return c
}

// checkError asserts the error object of the contract and returns its code.
func checkError(t testing.TB, r resp) string {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type %q, want application/json", ct)
	}
	var body struct {
		Error *struct{ Code, Message string }
	}
	if err := json.Unmarshal(r.Body, &body); err != nil || body.Error == nil {
		t.Fatalf("no error object: %s", r)
	}
	if body.Error.Code == "" || body.Error.Message == "" {
		t.Errorf("error needs code and message: %s", r)
	}
	return body.Error.Code
}

// browser is a cookie-holding client that does not follow redirects.
type browser struct {
	t testing.TB
	e *env
	c *http.Client
}

func (e *env) browser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &browser{t: e.t, e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) do(req *http.Request) resp {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	return readResp(b.t, res)
}

func (b *browser) get(path string) resp {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.e.srv.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) resp {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// login submits the login form, with the token the login page gave, and
// expects the redirect.
func (b *browser) login(login, password, next string) resp {
	b.t.Helper()
	r := b.post("/login", url.Values{"login": {login}, "password": {password}, "next": {next}, "csrf_token": {b.loginToken()}})
	if r.Status != http.StatusSeeOther {
		b.t.Fatalf("login: status %d: %s", r.Status, r)
	}
	return r
}

// loginToken opens the login page and returns its form's CSRF token. A
// browser already logged in is sent on by the page; like a tab still
// showing the form, it uses the token of its login cookie.
func (b *browser) loginToken() string {
	b.t.Helper()
	doc := parseHTML(b.t, b.get("/login").Body)
	in := find(doc, func(n *html.Node) bool { return isElem(n, "input") && attr(n, "name") == "csrf_token" })
	if in != nil && attr(in, "value") != "" {
		return attr(in, "value")
	}
	u, _ := url.Parse(b.e.srv.URL + "/login")
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "pd_login" {
			return c.Value
		}
	}
	b.t.Fatal("the login page has no csrf_token")
	return ""
}

// session is the current pd_session cookie value in the jar.
func (b *browser) session() string {
	u, _ := url.Parse(b.e.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "pd_session" {
			return c.Value
		}
	}
	return ""
}

func (b *browser) setSession(value string) {
	u, _ := url.Parse(b.e.srv.URL)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "pd_session", Value: value, Path: "/"}})
}

// csrf reads the csrf_token hidden field from a page.
func (b *browser) csrf(path string) string {
	b.t.Helper()
	doc := parseHTML(b.t, must(b.t, b.get(path), 200).Body)
	in := find(doc, func(n *html.Node) bool { return isElem(n, "input") && attr(n, "name") == "csrf_token" })
	if in == nil || attr(in, "value") == "" {
		b.t.Fatalf("no csrf_token on %s", path)
	}
	return attr(in, "value")
}

// HTML helpers.

func parseHTML(t testing.TB, b []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func isElem(n *html.Node, tag string) bool { return n.Type == html.ElementNode && n.Data == tag }

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func findAll(n *html.Node, pred func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if pred(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func find(n *html.Node, pred func(*html.Node) bool) *html.Node {
	if all := findAll(n, pred); len(all) > 0 {
		return all[0]
	}
	return nil
}

func byID(n *html.Node, id string) *html.Node {
	return find(n, func(n *html.Node) bool { return n.Type == html.ElementNode && attr(n, "id") == id })
}

func tagged(tag string) func(*html.Node) bool {
	return func(n *html.Node) bool { return isElem(n, tag) }
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for _, t := range findAll(n, func(n *html.Node) bool { return n.Type == html.TextNode }) {
		b.WriteString(t.Data)
	}
	return b.String()
}

func checkPageHeaders(t testing.TB, path string, r resp) {
	t.Helper()
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("%s: Content-Security-Policy %q lacks script-src 'self'", path, csp)
	}
	if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q", path, got)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	must(t, e.api("GET", "/healthz", "", nil), 200)
	r := must(t, e.api("GET", "/readyz", "", nil), 200)
	if got := r.object(t)["database"]; got != "ok" {
		t.Errorf("readyz database = %v, want ok", got)
	}

	// With the database gone, readiness names the part that is down and a
	// failing request is a bare 500 without the driver's words.
	token := e.admin
	e.db.Close()
	r = must(t, e.api("GET", "/readyz", "", nil), 503)
	got, _ := r.object(t)["database"].(string)
	if !strings.HasPrefix(got, "down") {
		t.Errorf("readyz database = %q, want down", got)
	}
	if strings.Contains(strings.ToLower(string(r.Body)), "sql") {
		t.Errorf("readyz leaks internal detail: %s", r)
	}
	r = must(t, e.api("GET", "/api/v1/documents", token, nil), 500)
	if code := checkError(t, r); code != "internal" {
		t.Errorf("code %q, want internal", code)
	}
	if low := strings.ToLower(string(r.Body)); strings.Contains(low, "sql") || strings.Contains(low, "closed") || strings.Contains(low, "database") {
		t.Errorf("500 leaks internal detail: %s", r)
	}
}

func TestUnknownRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := must(t, e.api("GET", "/api/v1/nothing-here", e.admin, nil), 404)
	if code := checkError(t, r); code != "not_found" {
		t.Errorf("code %q", code)
	}
	// A known path with the wrong method: 405 or 404, always the error object.
	r = e.api("PUT", "/api/v1/documents", e.admin, nil)
	if r.Status != 405 && r.Status != 404 {
		t.Errorf("PUT /api/v1/documents: status %d", r.Status)
	}
	checkError(t, r)
}
