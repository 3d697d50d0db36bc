package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// conflictLeft is twoArticles with article 2 left as the merge proposal
// writes a conflict: the markers start on line 9.
var conflictLeft = strings.Replace(twoArticles, "Zbatohet për të gjitha institucionet.\n",
	"<<<<<<< your version\nZbatohet për të gjitha institucionet publike.\n||||||| base\nZbatohet për të gjitha institucionet.\n"+
		"=======\nZbatohet për institucionet qendrore.\n>>>>>>> saved version\n", 1)

// A save whose text still holds the merge's conflict markers is refused
// with 422, saying where, and writes nothing; resolved, it saves, and a
// "=======" heading underline of its own is no marker.
func TestAPISaveRefusesConflictMarkers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ed := e.user("drita", "editor")
	id := e.doc(ed, "Rregullore", "internal", twoArticles)
	versions := docPath(id, "/versions")

	for name, body := range map[string]string{
		"whole conflict":     conflictLeft,
		"closing line left":  twoArticles + "\n>>>>>>> saved version\n",
		"crlf from a client": strings.ReplaceAll(conflictLeft, "\n", "\r\n"),
	} {
		t.Run(name, func(t *testing.T) {
			before := e.counts(id)
			r := must(t, e.api("POST", versions, ed, map[string]any{"base": 1, "body": body, "message": "merged"}), 422)
			if code := checkError(t, r); code != "invalid" {
				t.Errorf("code %q, want invalid", code)
			}
			var out struct{ Error struct{ Message string } }
			json.Unmarshal(r.Body, &out)
			if msg := out.Error.Message; !strings.Contains(msg, "unresolved") || !strings.Contains(msg, "line ") {
				t.Errorf("message %q does not say a conflict is left and where", msg)
			}
			if name == "whole conflict" && !strings.Contains(out.Error.Message, "line 9 ") {
				t.Errorf("message %q does not name line 9", out.Error.Message)
			}
			if after := e.counts(id); after != before {
				t.Errorf("a refused save wrote something: %+v → %+v", before, after)
			}
		})
	}

	resolved := strings.Replace(twoArticles, "institucionet.", "institucionet publike.", 1) + "\nShtojca\n=======\n\nTeksti.\n"
	must(t, e.api("POST", versions, ed, map[string]any{"base": 1, "body": resolved, "message": "merged"}), 201)
	got := must(t, e.api("GET", docPath(id, "/versions/2"), ed, nil), 200).object(t)
	if got["body"] != resolved {
		t.Errorf("version 2 = %q, want %q", got["body"], resolved)
	}
}

// The editor and the merge page post to the same form: markers left there
// bring the editor back with the text kept and the reason, and nothing saved.
func TestEditorRefusesConflictMarkers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user("drita", "editor")
	b := e.browser()
	b.login("drita", userPassword, "")
	id := e.doc(e.admin, "Rregullore", "internal", twoArticles)
	e.share(e.admin, id, "drita", "editor")
	edit := "/documents/" + itoa(id) + "/edit"
	token := b.csrf(edit)

	before := e.counts(id)
	r := must(t, b.post(edit, url.Values{"csrf_token": {token}, "base": {"1"}, "body": {conflictLeft}, "message": {"merged"}}), http.StatusUnprocessableEntity)
	if after := e.counts(id); after != before {
		t.Errorf("a refused save wrote something: %+v → %+v", before, after)
	}
	doc := parseHTML(t, r.Body)
	if area := byID(doc, "body"); area == nil || textOf(area) != conflictLeft {
		t.Errorf("the editor does not give the text back")
	}
	if page := textOf(doc); !strings.Contains(page, "unresolved at line 9") {
		t.Errorf("the editor does not say where the conflict is left")
	}
}
