package main

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var loginTokenField = regexp.MustCompile(`name="csrf_token" value="([A-Za-z0-9_-]+)"`)

// formLogin logs client (which must hold a cookie jar) in through the login
// page, as a browser does: open the form, then post it with its token.
func formLogin(tb testing.TB, client *http.Client, base, login, password, next string) *http.Response {
	tb.Helper()
	page, err := client.Get(base + "/login")
	if err != nil {
		tb.Fatal(err)
	}
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	m := loginTokenField.FindSubmatch(body)
	if m == nil {
		tb.Fatalf("the login page has no csrf_token (status %d)", page.StatusCode)
	}
	resp, err := client.PostForm(base+"/login", url.Values{"login": {login}, "password": {password}, "next": {next}, "csrf_token": {string(m[1])}})
	if err != nil {
		tb.Fatal(err)
	}
	return resp
}

// TestWeakPasswordsRefusedByCommands: the first start with a weak
// POLICYDESK_ADMIN_PASSWORD and `user add` with a weak password stop with a
// sentence saying why and create no account; the demo password still works.
func TestWeakPasswordsRefusedByCommands(t *testing.T) {
	data := t.TempDir()
	env := func(extra map[string]string) func(string) string {
		return func(k string) string {
			if k == "POLICYDESK_DATA" {
				return data
			}
			return extra[k]
		}
	}
	var out, errs strings.Builder
	for _, pw := range []string{"aaaaaaaaaa", "password1234", "admin-password-1"} {
		err := run(t.Context(), []string{"serve", "-addr", "127.0.0.1:0"}, env(map[string]string{"POLICYDESK_ADMIN_PASSWORD": pw}), &out, &errs)
		if err == nil || !strings.Contains(err.Error(), "POLICYDESK_ADMIN_PASSWORD") {
			t.Errorf("serve with admin password %q: %v", pw, err)
		}
	}
	for _, pw := range []string{"aaaaaaaaaa", "password1234", "drita-2026-drita"} {
		err := run(t.Context(), []string{"user", "add", "-login", "drita", "-role", "editor", "-password", pw}, env(nil), &out, &errs)
		if err == nil || !strings.Contains(err.Error(), "password") {
			t.Errorf("user add with %q: %v", pw, err)
		}
	}
	err := run(t.Context(), []string{"user", "add", "-login", "drita", "-role", "editor"}, env(map[string]string{"POLICYDESK_NEW_PASSWORD": "drita-secret-passphrase"}), &out, &errs)
	if err == nil {
		t.Error("user add accepted a password containing the login")
	}
	if err := run(t.Context(), []string{"demo"}, env(nil), &out, &errs); err != nil {
		t.Fatalf("demo: %v\n%s", err, errs.String())
	}
	if !strings.Contains(out.String(), "policydesk-demo") {
		t.Errorf("demo output: %s", out.String())
	}
}
