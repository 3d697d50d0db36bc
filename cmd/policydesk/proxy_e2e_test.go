package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCaddyfileForCompose: the Caddyfile, with the settings compose.yaml
// gives the proxy, balances round robin over exactly the replicas compose
// runs, at the port they listen on, and checks their readiness without the
// dependencies they share.
func TestCaddyfileForCompose(t *testing.T) {
	p, err := loadCompose(t, envExample)
	if err != nil {
		t.Fatal(err)
	}
	var settings []string
	for key, v := range p.Services["proxy"].Environment {
		settings = append(settings, key+"="+*v)
	}
	proxies := reverseProxies(t, settings...)
	if len(proxies) != 1 {
		t.Fatalf("the Caddyfile has %d reverse_proxy handlers, want 1", len(proxies))
	}
	rp := proxies[0]
	var dials, want []string
	for _, u := range rp["upstreams"].([]any) {
		dials = append(dials, u.(map[string]any)["dial"].(string))
	}
	for _, name := range replicas(t, p) {
		_, port, err := net.SplitHostPort(env(p.Services[name], "POLICYDESK_ADDR"))
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, net.JoinHostPort(name, port))
	}
	if slices.Sort(dials); !slices.Equal(dials, want) {
		t.Errorf("the proxy sends to %v, want the replicas %v", dials, want)
	}
	if got := dig(rp, "load_balancing", "selection_policy", "policy"); got != "round_robin" {
		t.Errorf("load balancing policy %v, want round_robin", got)
	}
	if got := dig(rp, "health_checks", "active", "uri"); got != "/readyz?exclude=blobs&exclude=search" {
		t.Errorf("active health check on %v", got)
	}
	// The Caddy these tests run is the one compose runs.
	deps, err := os.ReadFile("../../scripts/test-deps.sh")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^CADDY_VERSION=v(\S+)$`).FindSubmatch(deps)
	if m == nil {
		t.Fatal("scripts/test-deps.sh pins no CADDY_VERSION")
	}
	if image := p.Services["proxy"].Image; image != "caddy:"+string(m[1]) {
		t.Errorf("compose runs %s but the tests build Caddy %s", image, m[1])
	}
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

// TestBehindCaddy runs the repository's Caddyfile in a real Caddy in front
// of two policydesk processes (SQLite each; the replicas' shared database
// is tested elsewhere) and checks what serving behind it needs:
//   - a form login through the proxy works (Caddy keeps the Host header the
//     Origin check compares with) and its cookies are Secure and HttpOnly;
//   - the login throttle sees each client's own address, not the proxy's,
//     and never the X-Forwarded-For a client sends itself;
//   - a replica whose object store is down stays in rotation (readiness
//     without the shared dependencies), a frozen replica is taken out by
//     the active health check and comes back when it answers again, and a
//     killed one costs no request.
//
// Clients connect from their own loopback addresses (127.0.0.2, ...), the
// proxy from 127.0.0.1, which the replicas trust.
func TestBehindCaddy(t *testing.T) {
	testTool(t, "caddy") // skip or fail before starting anything
	common := []string{"POLICYDESK_TRUSTED_PROXIES=127.0.0.1", "POLICYDESK_SECURE_COOKIES=true"}
	a := startServer(t, "", common...)
	deadS3, err := freeLoopbackAddr()
	if err != nil {
		t.Fatal(err)
	}
	b := startServer(t, "", append(common, "POLICYDESK_S3_ENDPOINT="+deadS3,
		"POLICYDESK_S3_ACCESS_KEY=policydesk", "POLICYDESK_S3_SECRET_KEY=policydesk-secret")...)
	t.Cleanup(func() { b.cmd.Process.Signal(syscall.SIGCONT) }) // before b's own cleanup stops it
	if status, body := get(t, http.DefaultClient, b.URL+"/readyz", ""); status != http.StatusServiceUnavailable || !strings.Contains(body, `"blobs":"down"`) {
		t.Fatalf("replica B's readiness with its object store down: %d %s", status, body)
	}
	adminA := loginAPI(t, a.URL, "admin", e2eAdminPassword)
	adminB := loginAPI(t, b.URL, "admin", e2eAdminPassword)
	proxy := startCaddy(t, hostPort(a.URL), hostPort(b.URL))

	// A's token is valid on A alone: 200 says A answered, 401 says B did.
	time.Sleep(time.Second) // several health checks
	if served := whoServes(t, proxy, adminA.token, 8, 5*time.Second); served["A"] == 0 || served["B"] == 0 {
		t.Fatalf("both replicas should be in rotation (B's object store is a shared dependency): %v", served)
	}

	t.Run("login and cookies", func(t *testing.T) { checkProxiedLogin(t, proxy) })
	t.Run("throttle by forwarded address", func(t *testing.T) {
		checkForwardedThrottle(t, proxy, map[string]*apiClient{"A": adminA, "B": adminB})
	})

	// Frozen: B still accepts connections but answers nothing.
	if err := b.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	within(t, 30*time.Second, "the frozen replica B leaves the rotation", func() bool {
		served := whoServes(t, proxy, adminA.token, 6, 1500*time.Millisecond)
		return served["A"] == 6
	})
	if err := b.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	within(t, 30*time.Second, "replica B comes back into the rotation", func() bool {
		return whoServes(t, proxy, adminA.token, 6, 5*time.Second)["B"] > 0
	})

	b.Kill(t)
	if served := whoServes(t, proxy, adminA.token, 20, 5*time.Second); served["A"] != 20 {
		t.Errorf("with replica B killed, 20 requests were answered %v, want all by A", served)
	}
}

func hostPort(rawURL string) string { return strings.TrimPrefix(rawURL, "http://") }

// clientFrom is an HTTP client whose connections come from the loopback
// address ip and that does not follow redirects.
func clientFrom(ip string, timeout time.Duration) *http.Client {
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DialContext: dialer.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t *testing.T, c *http.Client, u, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// whoServes sends n requests through the proxy with A's token and counts
// who answered: "A" (200), "B" (401) or what went wrong.
func whoServes(t *testing.T, proxy, tokenA string, n int, timeout time.Duration) map[string]int {
	t.Helper()
	c := clientFrom("127.0.0.5", timeout)
	defer c.CloseIdleConnections()
	served := map[string]int{}
	for range n {
		switch status, body := get(t, c, proxy+"/api/v1/users/me", tokenA); status {
		case http.StatusOK:
			served["A"]++
		case http.StatusUnauthorized:
			served["B"]++
		default:
			served[fmt.Sprintf("%d %.80s", status, body)]++
		}
	}
	return served
}

// checkProxiedLogin logs in through the login form via the proxy, as a
// browser would, and checks the cookies; a form posted from another site is
// refused there too.
func checkProxiedLogin(t *testing.T, proxy string) {
	c := clientFrom("127.0.0.4", 10*time.Second)
	resp, err := c.Get(proxy + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	loginCookie := cookieNamed(t, resp, "pd_login")
	m := loginTokenField.FindSubmatch(page)
	if m == nil {
		t.Fatalf("the login page has no csrf_token (status %d)", resp.StatusCode)
	}
	post := func(origin string) *http.Response {
		form := url.Values{"login": {"admin"}, "password": {e2eAdminPassword}, "next": {"/documents"}, "csrf_token": {string(m[1])}}
		req, _ := http.NewRequest(http.MethodPost, proxy+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
		req.AddCookie(&http.Cookie{Name: loginCookie.Name, Value: loginCookie.Value})
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	if resp := post("http://evil.example"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a login posted from another site got %d through the proxy, want 403", resp.StatusCode)
	}
	resp = post(proxy)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/documents" {
		t.Fatalf("login through the proxy: %d to %q, want 303 to /documents", resp.StatusCode, resp.Header.Get("Location"))
	}
	session := cookieNamed(t, resp, "pd_session")
	if session.SameSite != http.SameSiteLaxMode {
		t.Errorf("the session cookie has SameSite %v, want Lax", session.SameSite)
	}
}

func cookieNamed(t *testing.T, resp *http.Response, name string) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == name {
			if !c.Secure || !c.HttpOnly {
				t.Errorf("cookie %s through the proxy: Secure=%v HttpOnly=%v, want both", name, c.Secure, c.HttpOnly)
			}
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", name, resp.Header.Values("Set-Cookie"))
	return nil
}

// checkForwardedThrottle: one client that keeps failing, and forges
// X-Forwarded-For, is throttled on both replicas by its own address; the
// failures are audited from that address; another client behind the same
// proxy is not throttled.
func checkForwardedThrottle(t *testing.T, proxy string, admins map[string]*apiClient) {
	attempt := func(c *http.Client, login string) int {
		req, _ := http.NewRequest(http.MethodPost, proxy+"/api/v1/sessions",
			strings.NewReader(`{"login":"`+login+`","password":"wrong-password-1"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", "203.0.113.9")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	guesser := clientFrom("127.0.0.2", 10*time.Second)
	var statuses []int
	// Twenty failures from one address on each replica (SQLite each here)
	// throttle it there; a few more for a 429 from both in a row.
	for i := 0; i < 60 && !slices.Equal(statuses[max(0, len(statuses)-2):], []int{429, 429}); i++ {
		statuses = append(statuses, attempt(guesser, fmt.Sprintf("guess%d", i)))
	}
	if n := len(statuses); n < 40 || n > 44 || statuses[n-1] != 429 {
		t.Fatalf("statuses of one client's failing logins through the proxy: %v", statuses)
	}
	other := clientFrom("127.0.0.3", 10*time.Second)
	for i := range 2 {
		if got := attempt(other, fmt.Sprintf("other%d", i)); got != http.StatusUnauthorized {
			t.Errorf("another client behind the proxy got %d, want 401: the throttle did not see the forwarded address", got)
		}
	}
	from := map[string]int{} // over both replicas
	for _, admin := range admins {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		var out struct {
			Entries []struct{ Action, Detail string } `json:"entries"`
		}
		err := admin.do(ctx, http.MethodGet, "/api/v1/audit?limit=100", nil, &out)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range out.Entries {
			if e.Action == "login.failed" {
				addr, _, _ := strings.Cut(strings.TrimPrefix(e.Detail, "from "), ";")
				from[addr]++
			}
		}
	}
	if from["127.0.0.2"] != 40 || from["127.0.0.3"] != 2 || len(from) != 2 {
		t.Errorf("login failures audited from %v, want 40 from 127.0.0.2 and 2 from 127.0.0.3", from)
	}
}
