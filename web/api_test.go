package web_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

const twoArticles = "# Rregullore\n\n## Neni 1 – Qëllimi\n\nKjo rregullore përcakton rregullat.\n\n## Neni 2 – Fushëveprimi\n\nZbatohet për të gjitha institucionet.\n"

// keys fails unless m has every key.
func keys(t testing.TB, what string, m map[string]any, want ...string) {
	t.Helper()
	for _, k := range want {
		if _, ok := m[k]; !ok {
			t.Errorf("%s: no %q in %v", what, k, m)
		}
	}
}

func TestAPISessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user("drita", "editor")

	r := must(t, e.api("POST", "/api/v1/sessions", "", map[string]string{"login": "drita", "password": userPassword}), 201)
	body := r.object(t)
	keys(t, "session", body, "token", "user")
	u, _ := body["user"].(map[string]any)
	keys(t, "session user", u, "id", "login", "name", "role")
	if u["login"] != "drita" || u["role"] != "editor" || u["name"] != "DRITA" {
		t.Errorf("user = %v", u)
	}
	if strings.Contains(string(r.Body), "password") || strings.Contains(string(r.Body), "$2") {
		t.Errorf("session answer mentions the password: %s", r)
	}
	token := body["token"].(string)
	must(t, e.api("GET", "/api/v1/documents", token, nil), 200)

	for _, c := range []struct{ name, login, password string }{
		{"wrong password", "drita", "not-her-password"},
		{"unknown login", "nobody", userPassword},
		{"empty", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := must(t, e.api("POST", "/api/v1/sessions", "", map[string]string{"login": c.login, "password": c.password}), 401)
			if code := checkError(t, r); code != "unauthorized" {
				t.Errorf("code %q", code)
			}
		})
	}

	r = e.api("DELETE", "/api/v1/sessions/current", token, nil)
	if r.Status != http.StatusNoContent || len(r.Body) != 0 {
		t.Fatalf("logout: %s", r)
	}
	r = must(t, e.api("GET", "/api/v1/documents", token, nil), 401)
	checkError(t, r)
	must(t, e.api("DELETE", "/api/v1/sessions/current", token, nil), 401)
}

func TestAPIUsers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := must(t, e.api("POST", "/api/v1/users", e.admin, map[string]string{
		"login": "besa", "name": "Besa Krasniqi", "password": userPassword, "role": "reviewer"}), 201)
	u := r.object(t)
	keys(t, "user", u, "id", "login", "name", "role")
	if u["login"] != "besa" || u["role"] != "reviewer" {
		t.Errorf("user = %v", u)
	}
	if strings.Contains(strings.ToLower(string(r.Body)), "password") {
		t.Errorf("user answer mentions the password: %s", r)
	}
	// Taken login, unknown role, short password.
	for _, c := range []struct {
		name string
		in   map[string]string
		want int
	}{
		{"taken", map[string]string{"login": "besa", "password": userPassword, "role": "staff"}, 409},
		{"role", map[string]string{"login": "x1", "password": userPassword, "role": "king"}, 422},
		{"password", map[string]string{"login": "x2", "password": "short", "role": "staff"}, 422},
		{"login", map[string]string{"login": "Has Space", "password": userPassword, "role": "staff"}, 422},
	} {
		t.Run(c.name, func(t *testing.T) {
			checkError(t, must(t, e.api("POST", "/api/v1/users", e.admin, c.in), c.want))
		})
	}
	list := must(t, e.api("GET", "/api/v1/users", e.admin, nil), 200).object(t)
	if users, _ := list["users"].([]any); len(users) != 2 {
		t.Errorf("users = %v", list)
	}
}

func TestAPIDocumentsAndVersions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ed := e.user("drita", "editor")

	r := must(t, e.api("POST", "/api/v1/documents", ed, map[string]string{
		"title": "Rregullore për qendrat ditore", "kind": "regulation", "language": "sq",
		"visibility": "internal", "body": twoArticles, "message": "Draft i parë"}), 201)
	doc := r.object(t)
	keys(t, "document", doc, "id", "title", "kind", "language", "status", "visibility", "head", "created_at")
	if doc["head"] != 1.0 || doc["status"] != "draft" || doc["kind"] != "regulation" || doc["language"] != "sq" || doc["visibility"] != "internal" {
		t.Errorf("document = %v", doc)
	}
	id := int64(doc["id"].(float64))

	// More documents for the filters.
	e.doc(ed, "Udhëzim administrativ", "internal", "tekst")
	must(t, e.api("POST", "/api/v1/documents", ed, map[string]string{
		"title": "SOP", "kind": "sop", "language": "en", "body": "text"}), 201)
	must(t, e.api("POST", "/api/v1/documents", ed, map[string]string{
		"title": "Protokol", "kind": "protocol", "language": "sr", "status": "adopted", "body": "tekst"}), 201)

	for _, c := range []struct {
		query string
		want  int
	}{
		{"", 4},
		{"?kind=regulation", 2},
		{"?kind=sop", 1},
		{"?language=en", 1},
		{"?language=sr", 1},
		{"?status=draft", 3},
		{"?status=adopted", 1},
		{"?kind=sop&language=sq", 0},
	} {
		t.Run("list"+c.query, func(t *testing.T) {
			list := must(t, e.api("GET", "/api/v1/documents"+c.query, ed, nil), 200).object(t)
			docs, ok := list["documents"].([]any)
			if !ok || list["total"] != float64(c.want) || len(docs) != c.want {
				t.Fatalf("got %v, want %d documents", list, c.want)
			}
			for _, d := range docs {
				keys(t, "listed document", d.(map[string]any), "id", "title", "kind", "language", "status", "visibility", "head")
			}
		})
	}
	checkError(t, must(t, e.api("GET", "/api/v1/documents?kind=poem", ed, nil), 422))

	got := must(t, e.api("GET", docPath(id, ""), ed, nil), 200).object(t)
	if got["title"] != "Rregullore për qendrat ditore" || got["head"] != 1.0 {
		t.Errorf("GET document = %v", got)
	}
	got = must(t, e.api("PATCH", docPath(id, ""), ed, map[string]string{"status": "in_review", "title": "Rregullore e re"}), 200).object(t)
	if got["status"] != "in_review" || got["title"] != "Rregullore e re" {
		t.Errorf("PATCH document = %v", got)
	}
	checkError(t, must(t, e.api("PATCH", docPath(id, ""), ed, map[string]string{"status": "done"}), 422))
	checkError(t, must(t, e.api("GET", docPath(9999, ""), ed, nil), 404))

	e.user("besa", "reviewer")
	m := must(t, e.api("PUT", docPath(id, "/members/besa"), ed, map[string]string{"role": "reviewer"}), 200).object(t)
	if m["login"] != "besa" || m["role"] != "reviewer" {
		t.Errorf("member = %v", m)
	}
	checkError(t, must(t, e.api("PUT", docPath(id, "/members/besa"), ed, map[string]string{"role": "owner"}), 422))
	checkError(t, must(t, e.api("PUT", docPath(id, "/members/nobody"), ed, map[string]string{"role": "reader"}), 422))

	// Version 2 from base 1.
	v2body := strings.Replace(twoArticles, "përcakton rregullat", "përcakton rregullat dhe procedurat", 1)
	v := must(t, e.api("POST", docPath(id, "/versions"), ed, map[string]any{"base": 1, "body": v2body, "message": "Neni 1"}), 201).object(t)
	keys(t, "new version", v, "number", "sha256", "author", "created_at")
	if v["number"] != 2.0 || v["author"] != "drita" {
		t.Errorf("new version = %v", v)
	}

	// A stale base: 409 with the head and a merge proposal holding both edits.
	mine := strings.Replace(twoArticles, "të gjitha institucionet", "të gjitha institucionet publike", 1)
	r = must(t, e.api("POST", docPath(id, "/versions"), ed, map[string]any{"base": 1, "body": mine}), 409)
	if code := checkError(t, r); code != "conflict" {
		t.Errorf("code %q", code)
	}
	var conflict struct {
		Head  *int
		Merge *struct {
			Body  *string
			Clean *bool
		}
	}
	if err := json.Unmarshal(r.Body, &conflict); err != nil || conflict.Head == nil || conflict.Merge == nil || conflict.Merge.Body == nil || conflict.Merge.Clean == nil {
		t.Fatalf("conflict shape: %s", r)
	}
	if *conflict.Head != 2 || !*conflict.Merge.Clean ||
		!strings.Contains(*conflict.Merge.Body, "rregullat dhe procedurat") || !strings.Contains(*conflict.Merge.Body, "institucionet publike") {
		t.Errorf("conflict = head %d clean %v body %q", *conflict.Head, *conflict.Merge.Clean, *conflict.Merge.Body)
	}
	checkError(t, must(t, e.api("POST", docPath(id, "/versions"), ed, map[string]any{"base": 7, "body": mine}), 422))

	list := must(t, e.api("GET", docPath(id, "/versions"), ed, nil), 200).object(t)
	versions, _ := list["versions"].([]any)
	if len(versions) != 2 {
		t.Fatalf("versions = %v", list)
	}
	for _, x := range versions {
		ver := x.(map[string]any)
		keys(t, "listed version", ver, "number", "author", "message", "created_at", "sha256")
		if _, ok := ver["body"]; ok {
			t.Errorf("version list carries bodies")
		}
	}

	for n, want := range map[string]string{"1": twoArticles, "2": v2body} {
		ver := must(t, e.api("GET", docPath(id, "/versions/"+n), ed, nil), 200).object(t)
		keys(t, "version", ver, "number", "body", "sha256", "author", "message", "created_at")
		sum := sha256.Sum256([]byte(ver["body"].(string)))
		if ver["body"] != want || ver["sha256"] != hex.EncodeToString(sum[:]) {
			t.Errorf("version %s: body %q sha256 %v", n, ver["body"], ver["sha256"])
		}
	}
	checkError(t, must(t, e.api("GET", docPath(id, "/versions/3"), ed, nil), 404))
	checkError(t, must(t, e.api("GET", docPath(id, "/versions/zero"), ed, nil), 404))

	r = must(t, e.api("GET", docPath(id, "/versions/1/html"), ed, nil), 200)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("html Content-Type %q", ct)
	}
	frag := parseHTML(t, r.Body)
	if byID(frag, "art-1") == nil || byID(frag, "art-2") == nil {
		t.Errorf("rendered version lacks article anchors: %s", r.Body)
	}

	out := must(t, e.api("GET", docPath(id, "/outline?version=1"), ed, nil), 200).object(t)
	arts, _ := out["articles"].([]any)
	if len(arts) != 2 {
		t.Fatalf("outline = %v", out)
	}
	for i, x := range arts {
		a := x.(map[string]any)
		keys(t, "article", a, "id", "num", "heading")
		if a["num"] != []string{"1", "2"}[i] || !strings.HasPrefix(a["heading"].(string), "Neni "+a["num"].(string)) || a["id"] == "" {
			t.Errorf("article %d = %v", i, a)
		}
	}
	checkError(t, must(t, e.api("GET", docPath(id, "/outline?version=x"), ed, nil), 422))
	checkError(t, must(t, e.api("GET", docPath(id, "/outline?version=9"), ed, nil), 404))
}

// TestAPIRejectsBadInput: every bad request gets a clear error and writes
// nothing — no document, no version, no audit entry.
func TestAPIRejectsBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.doc(e.admin, "Rregullore", "internal", twoArticles)
	validDoc := `{"title":"T","kind":"regulation","language":"sq","visibility":"internal","body":"b"}`
	huge := strings.Repeat("a", 5<<20+1)
	hugeDoc, _ := json.Marshal(map[string]string{"title": "T", "kind": "regulation", "language": "sq", "body": huge})
	hugeVersion, _ := json.Marshal(map[string]any{"base": 1, "body": huge})
	tooBigRequest, _ := json.Marshal(map[string]any{"base": 1, "body": strings.Repeat("a", 7<<20)})
	docs, versions := "/api/v1/documents", docPath(id, "/versions")

	cases := []struct {
		name        string
		path        string
		token       string // "" means the admin's; "-" none
		contentType string
		body        string
		status      int
		code        string
		mention     string // a word the message must contain
	}{
		{"invalid UTF-8 document", docs, "", "application/json", `{"title":"T","kind":"regulation","language":"sq","body":"a` + "\xff\xfe" + `"}`, 400, "bad_request", "UTF-8"},
		{"invalid UTF-8 version", versions, "", "application/json", `{"base":1,"body":"` + "\xc3\x28" + `"}`, 400, "bad_request", "UTF-8"},
		{"body over 5 MiB document", docs, "", "application/json", string(hugeDoc), 413, "too_large", ""},
		{"body over 5 MiB version", versions, "", "application/json", string(hugeVersion), 413, "too_large", ""},
		{"request over the limit", versions, "", "application/json", string(tooBigRequest), 413, "too_large", ""},
		{"unknown kind", docs, "", "application/json", `{"title":"T","kind":"poem","language":"sq","body":"b"}`, 422, "invalid", "kind"},
		{"unknown language", docs, "", "application/json", `{"title":"T","kind":"regulation","language":"de","body":"b"}`, 422, "invalid", "language"},
		{"unknown visibility", docs, "", "application/json", `{"title":"T","kind":"regulation","language":"sq","visibility":"secret","body":"b"}`, 422, "invalid", "visibility"},
		{"missing title", docs, "", "application/json", `{"kind":"regulation","language":"sq","body":"b"}`, 422, "invalid", "title"},
		{"control character", docs, "", "application/json", `{"title":"T\u0007","kind":"regulation","language":"sq","body":"b"}`, 422, "invalid", "title"},
		{"malformed JSON document", docs, "", "application/json", `{"title":`, 400, "bad_request", "JSON"},
		{"malformed JSON version", versions, "", "application/json", `{"base":1,`, 400, "bad_request", "JSON"},
		{"two JSON values", versions, "", "application/json", `{"base":1,"body":"x"}{}`, 400, "bad_request", ""},
		{"JSON array", versions, "", "application/json", `[1,2]`, 422, "", "object"},
		{"JSON string", docs, "", "application/json", `"title"`, 422, "", "object"},
		{"base is a fraction", versions, "", "application/json", `{"base":1.5,"body":"x"}`, 422, "", "base"},
		{"body is a number", versions, "", "application/json", `{"base":1,"body":5}`, 422, "", "body"},
		{"title is a number", docs, "", "application/json", `{"title":5,"kind":"regulation","language":"sq","body":"b"}`, 422, "", "title"},
		{"base is a string", versions, "", "application/json", `{"base":"two","body":"x"}`, 422, "", "base"},
		{"wrong content type document", docs, "", "text/plain", validDoc, 415, "unsupported", ""},
		{"form content type version", versions, "", "application/x-www-form-urlencoded", `base=1&body=x`, 415, "unsupported", ""},
		{"no content type", docs, "", "", validDoc, 415, "unsupported", ""},
		{"unknown field document", docs, "", "application/json", `{"title":"T","kind":"regulation","language":"sq","body":"b","owner":"x"}`, 422, "invalid", "owner"},
		{"unknown field version", versions, "", "application/json", `{"base":1,"body":"x","head":3}`, 422, "invalid", "head"},
		{"missing base", versions, "", "application/json", `{"body":"x"}`, 422, "invalid", "base"},
		{"no token document", docs, "-", "application/json", validDoc, 401, "unauthorized", ""},
		{"no token version", versions, "-", "application/json", `{"base":1,"body":"x"}`, 401, "unauthorized", ""},
		{"bogus token document", docs, "bogus-token", "application/json", validDoc, 401, "unauthorized", ""},
		{"bogus token version", versions, "bogus-token", "application/json", `{"base":1,"body":"x"}`, 401, "unauthorized", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := e.counts(id)
			token := c.token
			switch token {
			case "":
				token = e.admin
			case "-":
				token = ""
			}
			r := e.raw("POST", c.path, token, c.contentType, []byte(c.body))
			status := c.status
			if r.Status != status && !(status == 422 && c.code == "" && r.Status == 400) {
				t.Errorf("status %d, want %d: %s", r.Status, status, r)
			}
			code := checkError(t, r)
			if c.code != "" && code != c.code {
				t.Errorf("code %q, want %q", code, c.code)
			}
			var body struct{ Error struct{ Message string } }
			json.Unmarshal(r.Body, &body)
			if c.mention != "" && !strings.Contains(strings.ToLower(body.Error.Message), strings.ToLower(c.mention)) {
				t.Errorf("message %q does not name %q", body.Error.Message, c.mention)
			}
			if strings.Contains(body.Error.Message, "struct {") || strings.Contains(body.Error.Message, "*int") {
				t.Errorf("message %q speaks Go, not JSON", body.Error.Message)
			}
			if after := e.counts(id); after != before {
				t.Errorf("a rejected request wrote something: %+v → %+v", before, after)
			}
		})
	}
}
