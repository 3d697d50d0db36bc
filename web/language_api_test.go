package web_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAPIErrorsInTheUsersLanguage: the API's error messages are sentences
// in the caller's language (the saved preference here), the code and the
// field stay as they are, the answer says its language in
// Content-Language, and an English user still reads English.
func TestAPIErrorsInTheUsersLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ed := e.user("drita", "editor")
	long := strings.Repeat("x", 1000)
	refusals := []struct {
		method, path string
		body         any
		status       int
		field        string
		english      string
	}{
		{"GET", "/api/v1/documents/99999", nil, 404, "", "Document 99999 not found."},
		{"POST", "/api/v1/documents", map[string]any{"title": long, "kind": "regulation", "language": "sq", "body": "# A\n"}, 422, "title",
			"The title is longer than"},
		{"POST", "/api/v1/documents", map[string]any{"title": "T", "kind": "poem", "language": "sq", "body": "# A\n"}, 422, "",
			"Unknown kind \"poem\""},
		{"POST", "/api/v1/documents", `{"title": 7}`, 422, "", "Field \"title\" must be a string, not a number."},
		{"POST", "/api/v1/documents", `[1]`, 422, "", "The request body must be a JSON object, not an array."},
		{"POST", "/api/v1/documents", `{"title": "T",,}`, 400, "", "The request body is not valid JSON: it breaks off or goes wrong at byte 15."},
		{"PATCH", "/api/v1/users/me", map[string]any{"language": "de"}, 422, "language", "The language must be sq (Albanian)"},
	}
	for _, lang := range []string{"en", "sq", "sr"} {
		must(t, e.api("PATCH", "/api/v1/users/me", ed, map[string]string{"language": lang}), 200)
		for _, c := range refusals {
			r := e.api(c.method, c.path, ed, c.body)
			var body struct {
				Error struct{ Code, Message, Field string }
			}
			if r.Status != c.status || json.Unmarshal(r.Body, &body) != nil {
				t.Errorf("%s %s %s: %s, want %d", lang, c.method, c.path, r, c.status)
				continue
			}
			if got := r.Header.Get("Content-Language"); got != lang {
				t.Errorf("%s %s %s: Content-Language %q", lang, c.method, c.path, got)
			}
			if c.field != "" && body.Error.Field != c.field {
				t.Errorf("%s %s %s: field %q, want %q", lang, c.method, c.path, body.Error.Field, c.field)
			}
			msg := body.Error.Message
			if english := strings.Contains(msg, c.english); english != (lang == "en") {
				t.Errorf("%s %s %s: message %q (English %q expected only in en)", lang, c.method, c.path, msg, c.english)
			}
			if lang != "en" {
				for _, w := range []string{" the ", " not ", " must ", " is ", "Unknown", "Field", "found"} {
					if strings.Contains(" "+msg+" ", w) {
						t.Errorf("%s %s %s: English %q left in %q", lang, c.method, c.path, strings.TrimSpace(w), msg)
					}
				}
			}
		}
	}
}
