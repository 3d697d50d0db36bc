package web_test

import (
	"strings"
	"testing"
)

// TestInvisibleCharactersRefusedByAPI checks through the API that a title,
// a version message, a user's name and a round name holding a bidi control
// or a zero-width character answer 422 with a message naming it.
func TestInvisibleCharactersRefusedByAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ed := e.user("drita", "editor")
	id := e.doc(ed, "Rregullore", "internal", twoArticles)
	for _, c := range []struct {
		what, method, path, token string
		body                      map[string]any
		char                      string
	}{
		{"title", "POST", "/api/v1/documents", ed, map[string]any{"title": "Fatura\u202Efdp.exe", "kind": "regulation", "language": "sq", "body": "x"}, "U+202E"},
		{"title change", "PATCH", docPath(id, ""), ed, map[string]any{"title": "Rregullore\u2067 e re"}, "U+2067"},
		{"version message", "POST", docPath(id, "/versions"), ed, map[string]any{"base": 1, "body": "y", "message": "nd\u200Bryshim"}, "U+200B"},
		{"user name", "PATCH", "/api/v1/users/drita", e.admin, map[string]any{"name": "Drita\u200F"}, "U+200F"},
		{"round name", "POST", docPath(id, "/rounds"), ed, map[string]any{"name": "Raundi\u061C 1"}, "U+061C"},
	} {
		r := must(t, e.api(c.method, c.path, c.token, c.body), 422)
		checkError(t, r)
		if !strings.Contains(string(r.Body), c.char) {
			t.Errorf("%s: %s does not name %s", c.what, r, c.char)
		}
	}
	if got := must(t, e.api("GET", docPath(id, ""), ed, nil), 200).object(t); got["title"] != "Rregullore" || got["head"] != 1.0 {
		t.Errorf("refused changes were written: %v", got)
	}
}
