package web_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
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

// Restoring version 1 makes a new version with its text, byte for byte,
// under a message saying so, and the audit log records it. A stale base is
// the usual 409; a reader may not restore; the head, a version that does
// not exist and a missing base are refused; none of them writes anything.
func TestAPIRestoreVersion(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ed := e.user("drita", "editor")
	reader := e.user("besa", "reviewer")
	// Trailing spaces, a tab, a decomposed "ë", a blank and no final newline.
	v1 := "# Rregullore  \n\n## Neni 1\n\n\tTeksti i pare\u0308.\nPrishtinë, më __.__.2026"
	id := e.doc(ed, "Rregullore", "internal", v1)
	e.share(ed, id, "besa", "reader")
	for _, body := range []string{"# Rregullore\n\n## Neni 1\n\nTeksti i dytë.\n", "# Rregullore\n\n## Neni 1\n\nTeksti i tretë.\n"} {
		head := int(must(t, e.api("GET", docPath(id, ""), ed, nil), 200).object(t)["head"].(float64))
		must(t, e.api("POST", docPath(id, "/versions"), ed, map[string]any{"base": head, "body": body}), 201)
	}
	restore := docPath(id, "/versions/1/restore")

	for _, c := range []struct {
		name, path, token string
		body              any
		status            int
	}{
		{"stale base", restore, ed, map[string]any{"base": 2}, 409},
		{"reader", restore, reader, map[string]any{"base": 3}, 403},
		{"the head", docPath(id, "/versions/3/restore"), ed, map[string]any{"base": 3}, 422},
		{"no such version", docPath(id, "/versions/9/restore"), ed, map[string]any{"base": 3}, 404},
		{"no base", restore, ed, map[string]any{}, 422},
		{"unknown field", restore, ed, map[string]any{"base": 3, "body": "x"}, 422},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := e.counts(id)
			r := must(t, e.api("POST", c.path, c.token, c.body), c.status)
			checkError(t, r)
			if c.status == 409 {
				var conflict struct{ Head int }
				if err := json.Unmarshal(r.Body, &conflict); err != nil || conflict.Head != 3 {
					t.Errorf("conflict %s does not name head 3", r)
				}
			}
			if after := e.counts(id); after != before {
				t.Errorf("a refused restore wrote something: %+v → %+v", before, after)
			}
		})
	}

	v := must(t, e.api("POST", restore, ed, map[string]any{"base": 3}), 201).object(t)
	keys(t, "restored version", v, "number", "sha256", "author", "message", "created_at")
	if _, ok := v["body"]; ok || v["number"] != 4.0 || v["message"] != "U rikthye versioni 1" || v["author"] != "drita" {
		t.Errorf("restored version = %v", v)
	}
	old := must(t, e.api("GET", docPath(id, "/versions/1"), ed, nil), 200).object(t)
	got := must(t, e.api("GET", docPath(id, "/versions/4"), ed, nil), 200).object(t)
	sum := sha256.Sum256([]byte(v1))
	if got["body"] != v1 || got["sha256"] != old["sha256"] || got["sha256"] != hex.EncodeToString(sum[:]) || v["sha256"] != got["sha256"] {
		t.Errorf("version 4 = %q (%v), want version 1's %q (%v)", got["body"], got["sha256"], v1, old["sha256"])
	}
	audit := must(t, e.api("GET", "/api/v1/audit?object_type=document&object_id="+itoa(id)+"&limit=1", e.admin, nil), 200).object(t)
	entries, _ := audit["entries"].([]any)
	if len(entries) != 1 {
		t.Fatalf("audit = %v", audit)
	}
	if a := entries[0].(map[string]any); a["action"] != "version.restore" || a["actor"] != "drita" || a["detail"] != "version 4 restores version 1" {
		t.Errorf("audit entry = %v", a)
	}
}

// An old version's page offers "Restore this version" (a form with the
// CSRF token and the head as its base) where the head's page offers
// "Edit"; a reader gets neither. The button restores and sends the editor
// to the document; pressed on a page read before someone saved, it shows
// the page again with the newer head and restores nothing.
func TestRestoreButton(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ed := e.user("drita", "editor")
	e.user("besa", "reviewer")
	id := e.doc(ed, "Rregullore", "internal", twoArticles)
	e.share(ed, id, "besa", "reader")
	v2 := strings.Replace(twoArticles, "rregullat", "rregullat dhe procedurat", 1)
	must(t, e.api("POST", docPath(id, "/versions"), ed, map[string]any{"base": 1, "body": v2}), 201)
	page := "/documents/" + itoa(id)
	b := e.browser()
	b.login("drita", userPassword, "")

	head := parseHTML(t, must(t, b.get(page), 200).Body)
	if byID(head, "edit-link") == nil || byID(head, "restore-form") != nil {
		t.Errorf("the head's page should offer Edit and no restore")
	}
	doc := parseHTML(t, must(t, b.get(page+"/versions/1"), 200).Body)
	form := byID(doc, "restore-form")
	if byID(doc, "edit-link") != nil || form == nil {
		t.Fatalf("version 1's page should offer Restore and no Edit")
	}
	field := func(name string) string {
		in := find(form, func(n *html.Node) bool { return isElem(n, "input") && attr(n, "name") == name })
		return attr(in, "value")
	}
	button := find(form, tagged("button"))
	if attr(form, "method") != "post" || attr(form, "action") != page+"/versions/1/restore" || field("base") != "2" || field("csrf_token") == "" ||
		button == nil || textOf(button) != "Restore this version" {
		t.Errorf("restore form: action %q base %q button %v", attr(form, "action"), field("base"), button)
	}

	r := b.post(page+"/versions/1/restore", url.Values{"base": {"2"}})
	if r.Status != http.StatusForbidden {
		t.Errorf("a restore without the CSRF token: status %d", r.Status)
	}
	r = must(t, b.post(page+"/versions/1/restore", url.Values{"csrf_token": {field("csrf_token")}, "base": {"2"}}), http.StatusSeeOther)
	if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, page+"?") {
		t.Errorf("restore redirects to %q", loc)
	}
	if got := must(t, e.api("GET", docPath(id, "/versions/3"), ed, nil), 200).object(t); got["body"] != twoArticles {
		t.Errorf("version 3 = %q", got["body"])
	}

	// The same form again, from the page read at head 2: nothing restored.
	before := e.counts(id)
	r = must(t, b.post(page+"/versions/1/restore", url.Values{"csrf_token": {field("csrf_token")}, "base": {"2"}}), http.StatusConflict)
	if after := e.counts(id); after != before {
		t.Errorf("a stale restore wrote something: %+v → %+v", before, after)
	}
	doc = parseHTML(t, r.Body)
	if form = byID(doc, "restore-form"); form == nil || field("base") != "3" || !strings.Contains(textOf(doc), "Version 3 was saved while you were reading") {
		t.Errorf("the stale restore does not show the page again with head 3")
	}

	rb := e.browser()
	rb.login("besa", userPassword, "")
	doc = parseHTML(t, must(t, rb.get(page+"/versions/1"), 200).Body)
	if byID(doc, "restore-form") != nil || byID(doc, "edit-link") != nil {
		t.Errorf("a reader is offered to change the document")
	}
}
