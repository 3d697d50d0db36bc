package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"policydesk/storage/postgres/pgtest"
)

// htmlLang is the language a page declares.
var htmlLang = regexp.MustCompile(`<html lang="([a-z]+)">`)

// pageLang fetches path as c (its bearer token is a session like a
// browser's cookie) with acceptLanguage, and returns <html lang>.
func (c *apiClient) pageLang(t *testing.T, path, acceptLanguage string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := htmlLang.FindSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("GET %s: %d, no <html lang>", path, resp.StatusCode)
	}
	return string(m[1])
}

// TestLanguagePreference_API runs on SQLite and on PostgreSQL: PATCH
// /api/v1/users/me {"language"} saves sq, sr or en, refuses anything else
// with 422 naming the three and changes nothing, GET shows it, it outlives
// the session (a new login has it), and the pages follow it over the
// browser's Accept-Language, which decides only while the user chose none.
func TestLanguagePreference_API(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			var env []string
			if backend == "postgres" {
				env = append(env, "POLICYDESK_DATABASE_URL="+pgtest.URL(t))
			}
			srv := startServer(t, "", env...)
			admin := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
			admin.call(t, http.MethodPost, "/api/v1/users", map[string]string{"login": "vesa", "name": "Vesa",
				"role": "editor", "password": editorPassword}, nil)
			checkLanguagePreference(t, srv)
		})
	}
}

type meJSON struct {
	Login    string `json:"login"`
	Language string `json:"language"`
}

func checkLanguagePreference(t *testing.T, srv *testServer) {
	vesa := loginAPI(t, srv.URL, "vesa", editorPassword)
	var me meJSON
	vesa.call(t, http.MethodGet, "/api/v1/users/me", nil, &me)
	if me.Login != "vesa" || me.Language != "" {
		t.Fatalf("before choosing: %+v", me)
	}
	if got := vesa.pageLang(t, "/documents", "sr-Latn-RS,sr;q=0.9"); got != "sr" {
		t.Errorf("no choice, Accept-Language sr: the page is %s", got)
	}
	if got := vesa.pageLang(t, "/documents", "de-DE"); got != "en" {
		t.Errorf("no choice, Accept-Language de: the page is %s, want the installation's en", got)
	}

	var out struct{ User meJSON }
	vesa.call(t, http.MethodPatch, "/api/v1/users/me", map[string]string{"language": "sq"}, &out)
	if out.User.Language != "sq" {
		t.Fatalf("PATCH sq answered %+v", out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, bad := range []any{"de", "", "SQ", "sr-cyrl", "sr-Latn", 7} {
		err := vesa.do(ctx, http.MethodPatch, "/api/v1/users/me", map[string]any{"language": bad}, nil)
		var body struct {
			Error struct{ Code, Message, Field string }
		}
		if ae, ok := err.(*apiError); ok {
			json.Unmarshal(ae.Body, &body)
		}
		if statusOfErr(err) != http.StatusUnprocessableEntity && !(bad == 7 && statusOfErr(err) == http.StatusBadRequest) {
			t.Errorf("PATCH language %v: %v, want 422", bad, err)
		} else if bad != 7 && (body.Error.Field != "language" || !strings.Contains(body.Error.Message, "sq (shqip), sr (serbisht), sr-Cyrl (serbisht me alfabet cirilik) ose en (anglisht)")) {
			// vesa has no preference yet and the installation speaks
			// Albanian: the API's message is in Albanian too.
			t.Errorf("PATCH language %v: the error %+v does not say which languages there are", bad, body.Error)
		}
	}

	again := loginAPI(t, srv.URL, "vesa", editorPassword)
	again.call(t, http.MethodGet, "/api/v1/users/me", nil, &me)
	if me.Language != "sq" {
		t.Errorf("after refused changes and a new login: %+v, want sq", me)
	}
	if got := again.pageLang(t, "/documents", "sr,en;q=0.5"); got != "sq" {
		t.Errorf("chose sq, Accept-Language sr: the page is %s", got)
	}
	again.call(t, http.MethodPatch, "/api/v1/users/me", map[string]string{"language": "sr"}, nil)
	if got := vesa.pageLang(t, "/account/password", ""); got != "sr" {
		t.Errorf("chose sr in another session: this one shows %s", got)
	}
}

// TestLanguageSetting: POLICYDESK_LANGUAGE sets the pages' language for a
// browser that names none; a value that is not sq, sr or en stops the start
// with a sentence naming the three.
func TestLanguageSetting(t *testing.T) {
	srv := startServer(t, "", "POLICYDESK_LANGUAGE=sr")
	anon := &apiClient{base: srv.URL, http: &http.Client{Timeout: 10 * time.Second}}
	if got := anon.pageLang(t, "/login", ""); got != "sr" {
		t.Errorf("the login page with POLICYDESK_LANGUAGE=sr is %s", got)
	}
	if got := anon.pageLang(t, "/login", "sq-AL"); got != "sq" {
		t.Errorf("the login page for an Albanian browser is %s", got)
	}
	out, err := runCommand(t, "serve", "-language", "de", "-data", t.TempDir(), "-addr", "127.0.0.1:0")
	if err == nil || !strings.Contains(out, "sq (Albanian), sr (Serbian, Latin script), sr-Cyrl (Serbian, Cyrillic script) or en (English)") {
		t.Errorf("serve -language de: %v\n%s", err, out)
	}
}

// TestDemoUsersLanguages: the demo users show the three languages — admin
// English, drita and arben Albanian, besa Serbian — and staff chose none,
// so their browser decides.
func TestDemoUsersLanguages(t *testing.T) {
	srv := startServer(t, loadDemoData(t))
	for login, want := range map[string]string{"admin": "en", "drita": "sq", "arben": "sq", "besa": "sr", "staff": ""} {
		c := loginAPI(t, srv.URL, login, demoPassword)
		var me meJSON
		c.call(t, http.MethodGet, "/api/v1/users/me", nil, &me)
		if me.Language != want {
			t.Errorf("demo user %s chose %q, want %q", login, me.Language, want)
		}
		if want != "" {
			if got := c.pageLang(t, "/documents", "de"); got != want {
				t.Errorf("demo user %s sees the library in %s", login, got)
			}
		}
	}
}
