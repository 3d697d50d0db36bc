package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"policydesk/drafts"
	"policydesk/storage/sqldb"
	"policydesk/web"
)

// TestReadyzExclude: a load balancer's active health check asks whether this
// replica can serve. A dependency every replica shares (the object store,
// Meilisearch) being down is no reason to take every replica out of rotation
// — drafting still works — so /readyz?exclude=NAME still runs and reports
// that check but does not answer 503 for it. An unknown name is a 400, so a
// typo in a proxy's configuration shows at once, not in the next outage.
func TestReadyzExclude(t *testing.T) {
	t.Parallel()
	blobsDown := errors.New("object store unreachable")
	e := newEnv(t, func(s *web.Server, _ *sqldb.DB, _ *drafts.Service) {
		s.Checks["blobs"] = func(context.Context) error { return blobsDown }
	})
	r := must(t, e.api("GET", "/readyz", "", nil), 503)
	if got := r.object(t)["blobs"]; got != "down" {
		t.Errorf("readyz blobs = %v, want down", got)
	}
	r = must(t, e.api("GET", "/readyz?exclude=blobs", "", nil), 200)
	if got := r.object(t); got["blobs"] != "down" || got["database"] != "ok" {
		t.Errorf("readyz?exclude=blobs = %v, want blobs still reported down and database ok", got)
	}
	// search is a name the proxy may exclude whether or not this server has
	// an index configured; excluding it does not hide the database.
	must(t, e.api("GET", "/readyz?exclude=blobs&exclude=search", "", nil), 200)
	must(t, e.api("GET", "/readyz?exclude=search", "", nil), 503)

	r = must(t, e.api("GET", "/readyz?exclude=blbos", "", nil), 400)
	if msg := string(r.Body); !strings.Contains(msg, "blbos") {
		t.Errorf("the error does not name the unknown check: %s", msg)
	}

	e.db.Close()
	r = must(t, e.api("GET", "/readyz?exclude=blobs", "", nil), 503)
	if got := r.object(t)["database"]; got != "down" {
		t.Errorf("readyz database = %v, want down", got)
	}
}

// TestSecureCookies: with SecureCookies every cookie the service sets — the
// login form's token, the session, its removal at logout — carries Secure,
// so a browser never sends them over plain HTTP; without it none does (a
// plain-HTTP installation would otherwise lose its logins).
func TestSecureCookies(t *testing.T) {
	t.Parallel()
	for _, secure := range []bool{true, false} {
		e := newEnv(t, func(s *web.Server, _ *sqldb.DB, _ *drafts.Service) { s.SecureCookies = secure })
		cookies := browserLoginLogout(t, e.srv.URL)
		for _, name := range []string{"pd_login", "pd_session"} {
			if len(cookies[name]) == 0 {
				t.Fatalf("secure=%v: no %s cookie was set (got %v)", secure, name, cookies)
			}
		}
		for name, set := range cookies {
			for i, c := range set {
				if c.Secure != secure {
					t.Errorf("secure=%v: cookie %s (set #%d) has Secure=%v", secure, name, i+1, c.Secure)
				}
			}
		}
		if n := len(cookies["pd_session"]); n < 2 {
			t.Errorf("secure=%v: the session cookie was set %d times, want at login and at logout", secure, n)
		}
	}
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// browserLoginLogout logs admin in through the form and out again, as a
// browser on HTTPS would, and returns every Set-Cookie the server sent, by
// name. The cookies go back by hand: a cookie jar would keep Secure ones
// from an http:// test server.
func browserLoginLogout(t *testing.T, base string) map[string][]*http.Cookie {
	t.Helper()
	seen, current := map[string][]*http.Cookie{}, map[string]string{}
	send := func(method, path string, form url.Values) resp {
		req, err := http.NewRequest(method, base+path, strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", base)
		}
		for name, value := range current {
			req.AddCookie(&http.Cookie{Name: name, Value: value})
		}
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		r := readResp(t, res)
		for _, c := range r.Cookies {
			seen[c.Name] = append(seen[c.Name], c)
			current[c.Name] = c.Value
		}
		return r
	}
	token := func(r resp) string {
		m := csrfField.FindSubmatch(r.Body)
		if m == nil {
			t.Fatalf("no csrf_token on the page: %s", r)
		}
		return string(m[1])
	}
	page := must(t, send("GET", "/login", nil), 200)
	must(t, send("POST", "/login", url.Values{"login": {"admin"}, "password": {adminPassword}, "csrf_token": {token(page)}}), 303)
	docs := must(t, send("GET", "/documents", nil), 200)
	must(t, send("POST", "/logout", url.Values{"csrf_token": {token(docs)}}), 303)
	return seen
}

// TestForwardedForWithPorts: some load balancers write the client's port
// into X-Forwarded-For ("203.0.113.5:41234", "[2001:db8::7]:443"). The
// client is still that address — not the proxy, which would make every
// client behind it share one login throttle.
func TestForwardedForWithPorts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(s *web.Server, _ *sqldb.DB, _ *drafts.Service) {
		s.TrustedProxies, _ = web.ParseTrustedProxies("127.0.0.1")
	})
	for xff, want := range map[string]string{
		"203.0.113.5:41234":               "203.0.113.5",
		"[2001:db8::7]:443":               "2001:db8::7",
		"198.51.100.1, 203.0.113.6:80":    "203.0.113.6",
		"203.0.113.8:80, 127.0.0.1:55555": "203.0.113.8",
	} {
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/sessions", strings.NewReader(`{"login":"nobody","password":"wrong-password-1"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", xff)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		must(t, readResp(t, res), 401)
		entries := must(t, e.api("GET", "/api/v1/audit?limit=1", e.admin, nil), 200).object(t)["entries"].([]any)
		if d := entries[0].(map[string]any)["detail"].(string); !strings.HasPrefix(d, "from "+want+";") {
			t.Errorf("X-Forwarded-For %q: the failure is audited %q, want from %s", xff, d, want)
		}
	}
}
