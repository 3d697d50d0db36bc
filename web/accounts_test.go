package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"policydesk/drafts"
	"policydesk/storage/sqldb"
	"policydesk/web"
)

// testClock is a time source the test moves while the server reads it.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func withClock(c *testClock) func(*web.Server, *sqldb.DB, *drafts.Service) {
	return func(s *web.Server, _ *sqldb.DB, svc *drafts.Service) { s.Accounts.Now, svc.Now = c.Now, c.Now }
}

// browserLike resolves a Location header the way a browser's URL parser
// does: it drops tabs and newlines and reads a backslash as a slash.
func browserLike(base *url.URL, loc string) (*url.URL, error) {
	loc = strings.NewReplacer("\t", "", "\n", "", "\r", "", `\`, "/").Replace(loc)
	loc = strings.TrimLeft(loc, " \x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f")
	ref, err := url.Parse(loc)
	if err != nil {
		return nil, err
	}
	return base.ResolveReference(ref), nil
}

// hostileNext are values of ?next= that try to send the browser elsewhere
// after login.
var hostileNext = []string{
	"/\t/evil.example", // the finding: /%09/evil.example once decoded
	"/%09/evil.example",
	"/\n/evil.example",
	"/\r\n/evil.example",
	"//evil.example",
	"///evil.example",
	"/\\evil.example",
	"/\\/evil.example",
	"\\\\evil.example",
	"https://evil.example/",
	"http:evil.example",
	"javascript:alert(1)",
	"/%2F%2Fevil.example",
	"/%2f/evil.example",
	"/%5Cevil.example",
	"/%5C%5Cevil.example",
	"\t//evil.example",
	" //evil.example",
	"/\x00/evil.example",
	"/\u2215\u2215evil.example", // division slashes
	"/\uff0f\uff0fevil.example", // fullwidth solidus
	"/\u3002evil.example",
	"/\u202e/evil.example",
	"evil.example",
	"//@evil.example",
	"/@evil.example/%2e%2e",
}

// TestLoginNextStaysOnSite sends each hostile next through the login form
// and through the login page of a logged-in browser, then follows the
// redirect like a browser: it must end on this server.
func TestLoginNextStaysOnSite(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	base, _ := url.Parse(e.srv.URL)
	check := func(how, next string, r resp) {
		t.Helper()
		if r.Status != http.StatusSeeOther {
			t.Fatalf("%s next=%q: status %d", how, next, r.Status)
		}
		loc := r.Header.Get("Location")
		to, err := browserLike(base, loc)
		if err != nil || to.Host != base.Host || to.Scheme != base.Scheme || strings.HasPrefix(to.Path, "//") {
			t.Errorf("%s next=%q redirects to %q (a browser goes to %v)", how, next, loc, to)
		}
		if loc != "/documents" && !strings.HasPrefix(next, "/@") {
			t.Errorf("%s next=%q redirects to %q, want /documents", how, next, loc)
		}
	}
	for _, next := range hostileNext {
		b := e.browser()
		check("form", next, b.login("admin", adminPassword, next))
		// Logged in, /login?next=... sends the browser on at once.
		check("page", next, b.get("/login?next="+url.QueryEscape(next)))
	}
	// The raw query of the finding, exactly as an attacker's link has it.
	b := e.browser()
	b.login("admin", adminPassword, "")
	check("raw link", "/%09/evil.example", b.get("/login?next=/%09/evil.example"))

	// A real client following every redirect stays on the server.
	for _, next := range hostileNext {
		jar := e.browser().c.Jar
		var hosts []string
		client := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
			hosts = append(hosts, req.URL.Host)
			return nil
		}}
		fb := &browser{t: t, e: e, c: client}
		token := fb.loginToken()
		req, _ := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader(url.Values{
			"login": {"admin"}, "password": {adminPassword}, "next": {next}, "csrf_token": {token}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := client.Do(req)
		if err == nil {
			res.Body.Close()
		}
		for _, h := range hosts {
			if h != base.Host {
				t.Errorf("next=%q: the client was sent to %q", next, h)
			}
		}
	}

	// Paths of the site itself still work, query and all.
	for _, next := range []string{"/documents/1", "/search?q=neni+5&kind=document", "/documents?kind=sop#top", "/users"} {
		r := e.browser().login("admin", adminPassword, next)
		if loc := r.Header.Get("Location"); loc != next {
			t.Errorf("next=%q redirects to %q", next, loc)
		}
	}
}

// TestLoginCSRF: the login form needs the token of its login cookie and an
// Origin (or Referer) of this site, so another site cannot log a victim's
// browser in to the attacker's account.
func TestLoginCSRF(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user("mallory", "staff")
	post := func(b *browser, form url.Values, header map[string]string) resp {
		req, _ := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		return b.do(req)
	}
	creds := func(token string) url.Values {
		v := url.Values{"login": {"mallory"}, "password": {userPassword}}
		if token != "" {
			v.Set("csrf_token", token)
		}
		return v
	}
	self := e.srv.URL

	// The login page sets the login cookie, HttpOnly and SameSite=Lax.
	b := e.browser()
	r := must(t, b.get("/login"), 200)
	var cookie *http.Cookie
	for _, c := range r.Cookies {
		if c.Name == "pd_login" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Value == "" {
		t.Fatalf("login cookie %+v", cookie)
	}

	victim := e.browser() // never saw the login page: what a cross-site form meets
	// A token one character off the real one (never equal to it).
	wrong := "x" + cookie.Value[1:]
	if wrong == cookie.Value {
		wrong = "y" + cookie.Value[1:]
	}
	for _, c := range []struct {
		name   string
		b      *browser
		form   url.Values
		header map[string]string
	}{
		{"cross-site form, no cookie, no token", victim, creds(""), map[string]string{"Origin": "https://evil.example"}},
		{"cross-site form guessing a token", victim, creds(cookie.Value), map[string]string{"Origin": "https://evil.example"}},
		{"no Origin, no cookie, token of another browser", victim, creds(cookie.Value), nil},
		{"own cookie, no token", b, creds(""), map[string]string{"Origin": self}},
		{"own cookie, wrong token", b, creds(wrong), map[string]string{"Origin": self}},
		{"own cookie and token, foreign Origin", b, creds(cookie.Value), map[string]string{"Origin": "https://evil.example"}},
		{"own cookie and token, Origin null", b, creds(cookie.Value), map[string]string{"Origin": "null"}},
		{"own cookie and token, foreign Referer", b, creds(cookie.Value), map[string]string{"Referer": "https://evil.example/login"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := post(c.b, c.form, c.header)
			if r.Status != http.StatusForbidden {
				t.Fatalf("status %d, want 403: %s", r.Status, r)
			}
			if c.b.session() != "" {
				t.Fatal("the refused login set a session")
			}
			doc := parseHTML(t, r.Body)
			if alert := find(doc, func(n *html.Node) bool { return attr(n, "role") == "alert" }); alert == nil || textOf(alert) == "" {
				t.Error("the refusal does not say why")
			}
		})
	}
	// The same form from the site itself logs in.
	r = must(t, post(b, creds(cookie.Value), map[string]string{"Origin": self, "Referer": self + "/login"}), http.StatusSeeOther)
	if b.session() == "" {
		t.Fatal("no session after a proper login")
	}

	// The API login: JSON only, and not from a page of another site.
	body := `{"login":"mallory","password":"` + userPassword + `"}`
	for _, c := range []struct {
		ct, origin string
		status     int
	}{
		{"text/plain", "", 415},
		{"application/x-www-form-urlencoded", "", 415},
		{"application/json", "https://evil.example", 403},
		{"application/json", "null", 403},
		{"application/json", self, 201},
		{"application/json", "", 201},
	} {
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/sessions", strings.NewReader(body))
		req.Header.Set("Content-Type", c.ct)
		if c.origin != "" {
			req.Header.Set("Origin", c.origin)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r := readResp(t, res)
		if r.Status != c.status {
			t.Errorf("API login %s from %q: status %d, want %d: %s", c.ct, c.origin, r.Status, c.status, r)
		}
	}
}

// TestLoginThrottledOverHTTP: after five wrong passwords the API answers
// 429 too_many_requests with Retry-After, the right password included, and
// the page says how long to wait; once the wait is over the login works.
func TestLoginThrottledOverHTTP(t *testing.T) {
	t.Parallel()
	clk := &testClock{t: time.Now()}
	e := newEnv(t, withClock(clk))
	e.user("drita", "editor")
	login := func(pw string) resp {
		return e.api("POST", "/api/v1/sessions", "", map[string]string{"login": "drita", "password": pw})
	}
	for range 5 {
		must(t, login("wrong-password-1"), 401)
	}
	for _, pw := range []string{"wrong-password-1", userPassword} {
		r := must(t, login(pw), 429)
		if code := checkError(t, r); code != "too_many_requests" {
			t.Errorf("code %q", code)
		}
		if ra := r.Header.Get("Retry-After"); ra != "15" {
			t.Errorf("Retry-After %q, want 15", ra)
		}
	}
	// An unknown login answers exactly like a known one.
	for range 5 {
		must(t, e.api("POST", "/api/v1/sessions", "", map[string]string{"login": "nobody", "password": "x"}), 401)
	}
	if r := must(t, e.api("POST", "/api/v1/sessions", "", map[string]string{"login": "nobody", "password": "x"}), 429); r.Header.Get("Retry-After") != "15" {
		t.Errorf("unknown login: Retry-After %q", r.Header.Get("Retry-After"))
	}

	// The page: 429, Retry-After and a sentence with the wait.
	b := e.browser()
	r := b.post("/login", url.Values{"login": {"drita"}, "password": {userPassword}, "csrf_token": {b.loginToken()}})
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || b.session() != "" {
		t.Fatalf("page login while throttled: status %d, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}
	alert := find(parseHTML(t, r.Body), func(n *html.Node) bool { return attr(n, "role") == "alert" })
	if alert == nil || !strings.Contains(textOf(alert), "15 seconds") {
		t.Errorf("the page does not say how long to wait")
	}

	clk.Advance(15 * time.Second)
	must(t, login(userPassword), 201)

	// Both kinds of attempt are in the audit log, throttled ones are not.
	entries := must(t, e.api("GET", "/api/v1/audit?limit=100", e.admin, nil), 200).object(t)["entries"].([]any)
	counts := map[string]int{}
	for _, en := range entries {
		m := en.(map[string]any)
		counts[m["action"].(string)+" "+m["object_id"].(string)]++
		if m["action"] == "login.failed" && !strings.Contains(m["detail"].(string), "127.0.0.1") {
			t.Errorf("failure without the address: %v", m)
		}
	}
	if counts["login.failed drita"] != 5 || counts["login.failed nobody"] != 5 || counts["login.ok drita"] != 2 {
		t.Errorf("audit counts %v; want 5 failures each for drita and nobody, 2 logins of drita", counts)
	}
	if r := e.api("POST", "/api/v1/sessions", "", map[string]string{"login": "drita", "password": "wrong-password-1"}); r.Status != 401 {
		t.Errorf("a success did not reset the account: %d", r.Status)
	}
}

// TestChangeOwnPassword: GET and PATCH /api/v1/users/me and the page. The
// current password is required, other sessions end, the caller goes on.
func TestChangeOwnPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	token := e.user("drita", "editor")
	other := e.login("drita", userPassword)

	me := must(t, e.api("GET", "/api/v1/users/me", token, nil), 200).object(t)
	if me["login"] != "drita" || me["role"] != "editor" {
		t.Fatalf("me = %v", me)
	}
	must(t, e.api("GET", "/api/v1/users/me", "", nil), 401)
	for _, c := range []struct {
		body   map[string]string
		status int
	}{
		{map[string]string{"password": "a-fresh-passphrase-9"}, 422},
		{map[string]string{"old_password": "not-my-password", "password": "a-fresh-passphrase-9"}, 422},
		{map[string]string{"old_password": userPassword, "password": "aaaaaaaaaaaa"}, 422},
		{map[string]string{"old_password": userPassword, "password": "password1234"}, 422},
	} {
		checkError(t, must(t, e.api("PATCH", "/api/v1/users/me", token, c.body), c.status))
	}
	r := must(t, e.api("PATCH", "/api/v1/users/me", token, map[string]string{"old_password": userPassword, "password": "a-fresh-passphrase-9"}), 200).object(t)
	fresh, _ := r["token"].(string)
	if fresh == "" || fresh == token {
		t.Fatalf("no new token: %v", r)
	}
	must(t, e.api("GET", "/api/v1/documents", token, nil), 401)
	must(t, e.api("GET", "/api/v1/documents", other, nil), 401)
	must(t, e.api("GET", "/api/v1/documents", fresh, nil), 200)
	must(t, e.api("POST", "/api/v1/sessions", "", map[string]string{"login": "drita", "password": userPassword}), 401)
	e.login("drita", "a-fresh-passphrase-9")

	// The page, linked from every page's header.
	b := e.browser()
	b.login("drita", "a-fresh-passphrase-9", "")
	stale := e.login("drita", "a-fresh-passphrase-9")
	doc := parseHTML(t, must(t, b.get("/documents"), 200).Body)
	if find(doc, func(n *html.Node) bool { return isElem(n, "a") && attr(n, "href") == "/account/password" }) == nil {
		t.Error("no link to /account/password in the header")
	}
	csrf := b.csrf("/account/password")
	must(t, b.post("/account/password", url.Values{"current_password": {"a-fresh-passphrase-9"},
		"new_password": {"another-passphrase-7"}, "repeat_password": {"another-passphrase-7"}}), 403)
	for _, form := range []url.Values{
		{"current_password": {"wrong-one-entirely"}, "new_password": {"another-passphrase-7"}, "repeat_password": {"another-passphrase-7"}},
		{"current_password": {"a-fresh-passphrase-9"}, "new_password": {"another-passphrase-7"}, "repeat_password": {"another-passphrase-8"}},
		{"current_password": {"a-fresh-passphrase-9"}, "new_password": {"drita-passphrase"}, "repeat_password": {"drita-passphrase"}},
	} {
		form.Set("csrf_token", csrf)
		r := must(t, b.post("/account/password", form), 422)
		if alert := find(parseHTML(t, r.Body), func(n *html.Node) bool { return attr(n, "role") == "alert" }); alert == nil {
			t.Error("a refused change does not say why")
		}
	}
	before := b.session()
	rr := must(t, b.post("/account/password", url.Values{"csrf_token": {csrf}, "current_password": {"a-fresh-passphrase-9"},
		"new_password": {"another-passphrase-7"}, "repeat_password": {"another-passphrase-7"}}), http.StatusSeeOther)
	if loc := rr.Header.Get("Location"); loc != "/account/password?changed=1" {
		t.Errorf("redirect to %q", loc)
	}
	if after := b.session(); after == "" || after == before {
		t.Fatal("the browser did not get a new session")
	}
	must(t, b.get("/account/password?changed=1"), 200)
	must(t, e.api("GET", "/api/v1/documents", stale, nil), 401)
	must(t, e.api("GET", "/api/v1/documents", fresh, nil), 401)
}

// TestAdminResetEndsSessions: an admin's password reset or role change
// through the API or the users page ends the user's sessions at once.
func TestAdminResetEndsSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	token := e.user("drita", "editor")
	must(t, e.api("GET", "/api/v1/documents", token, nil), 200)
	must(t, e.api("PATCH", "/api/v1/users/drita", e.admin, map[string]string{"name": "Drita Gashi"}), 200)
	must(t, e.api("GET", "/api/v1/documents", token, nil), 200)
	must(t, e.api("PATCH", "/api/v1/users/drita", e.admin, map[string]string{"password": "aaaaaaaaaa"}), 422)
	must(t, e.api("PATCH", "/api/v1/users/drita", e.admin, map[string]string{"password": "reset-by-the-admin-3"}), 200)
	must(t, e.api("GET", "/api/v1/documents", token, nil), 401)

	token = e.login("drita", "reset-by-the-admin-3")
	must(t, e.api("PATCH", "/api/v1/users/drita", e.admin, map[string]string{"role": "staff"}), 200)
	must(t, e.api("GET", "/api/v1/documents", token, nil), 401)

	// The users page always sends the role: saving it unchanged keeps the
	// sessions, a new role ends them.
	token = e.login("drita", "reset-by-the-admin-3")
	admin := e.browser()
	admin.login("admin", adminPassword, "")
	csrf := admin.csrf("/users")
	must(t, admin.post("/users/drita", url.Values{"csrf_token": {csrf}, "role": {"staff"}, "disabled": {"0"}}), http.StatusSeeOther)
	must(t, e.api("GET", "/api/v1/documents", token, nil), 200)
	must(t, admin.post("/users/drita", url.Values{"csrf_token": {csrf}, "role": {"reviewer"}, "disabled": {"0"}}), http.StatusSeeOther)
	must(t, e.api("GET", "/api/v1/documents", token, nil), 401)
}

// TestTrustedProxies: behind a trusted proxy the client is the nearest
// untrusted address of X-Forwarded-For, so one client's failures do not
// throttle everyone behind the proxy; from anywhere else the header is
// ignored, so it cannot be used to dodge the throttle.
func TestTrustedProxies(t *testing.T) {
	t.Parallel()
	if _, err := web.ParseTrustedProxies("10.0.0.0/8, 192.0.2.1, nonsense"); err == nil {
		t.Error("a bad entry was accepted")
	}
	loginVia := func(e *env, login, xff string) resp {
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/sessions", strings.NewReader(`{"login":"`+login+`","password":"wrong-password-1"}`))
		req.Header.Set("Content-Type", "application/json")
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return readResp(t, res)
	}
	lastFailure := func(e *env) string {
		entries := must(t, e.api("GET", "/api/v1/audit?limit=1", e.admin, nil), 200).object(t)["entries"].([]any)
		return entries[0].(map[string]any)["detail"].(string)
	}

	behind := newEnv(t, func(s *web.Server, _ *sqldb.DB, _ *drafts.Service) {
		s.TrustedProxies, _ = web.ParseTrustedProxies("127.0.0.1, 10.0.0.0/8")
	})
	must(t, loginVia(behind, "x0", "198.51.100.66, 203.0.113.7, 10.1.2.3"), 401)
	if d := lastFailure(behind); !strings.Contains(d, "from 203.0.113.7;") {
		t.Errorf("behind a proxy the failure is from %q", d)
	}
	for i := range 20 {
		must(t, loginVia(behind, "guess"+strconv.Itoa(i), "203.0.113.5"), 401)
	}
	must(t, loginVia(behind, "guess-more", "203.0.113.5"), 429)
	must(t, loginVia(behind, "guess-more", "203.0.113.6"), 401)

	direct := newEnv(t)
	must(t, loginVia(direct, "x0", "203.0.113.5"), 401)
	if d := lastFailure(direct); !strings.Contains(d, "from 127.0.0.1;") {
		t.Errorf("an untrusted X-Forwarded-For was believed: %q", d)
	}
	for i := range 19 { // twenty failures in all from 127.0.0.1, whatever the header says
		must(t, loginVia(direct, "guess"+strconv.Itoa(i), "203.0.113."+strconv.Itoa(i)), 401)
	}
	must(t, loginVia(direct, "guess-more", "203.0.113.99"), 429)
}
