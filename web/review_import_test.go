package web_test

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"policydesk/review/docx/docxtest"
)

// wordReviewOfV2 is version 2 returned from Word with a replacement, a
// comment, and a comment on words the version does not have.
func wordReviewOfV2(t testing.TB, note string) []byte {
	by := `w:author="Vjosa B." w:date="2026-11-20T10:00:00Z"`
	body := `<w:p>` + docxtest.Run("1.2. Çdo qendër siguron ushqim të ") +
		`<w:del w:id="1" ` + by + `><w:r><w:delText>shëndetshëm</w:delText></w:r></w:del><w:ins w:id="2" ` + by + `>` + docxtest.Run("larmishëm") + `</w:ins>` +
		docxtest.Run(" për çdo fëmijë.") + `</w:p>` +
		`<w:p>` + docxtest.Run("Rregullorja zbatohet për të gjitha ") + `<w:commentRangeStart w:id="0"/>` + docxtest.Run("qendrat ditore") +
		`<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>` + docxtest.Run(" private.") + `</w:p>` +
		`<w:p><w:commentRangeStart w:id="1"/>` + docxtest.Run("Neni 9 që nuk ekziston.") + `<w:commentRangeEnd w:id="1"/><w:r><w:commentReference w:id="1"/></w:r></w:p>`
	comments := `<w:comment w:id="0" ` + by + `><w:p>` + docxtest.Run("Cilat qendra? "+note) + `</w:p></w:comment>` +
		`<w:comment w:id="1" ` + by + `><w:p>` + docxtest.Run("Ky nen mungon.") + `</w:p></w:comment>`
	return docxtest.WordReview(t, body, comments, "")
}

// roundWithVjosa opens a round on version 2 with vjosa as its reviewer.
func (r *reviewEnv) roundWithVjosa() int {
	r.t.Helper()
	res := must(r.t, r.api("POST", docPath(r.id, "/rounds"), r.editor, map[string]any{"name": "Raundi", "version": 2, "reviewers": []string{"vjosa"}}), 201)
	return int(res.object(r.t)["number"].(float64))
}

func (r *reviewEnv) importWord(round int, token string, parts ...part) resp {
	r.t.Helper()
	ct, body := multipartBody(r.t, parts...)
	return r.raw("POST", docPath(r.id, "/rounds/"+itoa(int64(round))+"/import"), token, ct, body)
}

// TestImportWordReviewAPI: POST .../rounds/{r}/import takes the file and
// the reviewer and answers 201 with what it imported; every refusal is a
// clear 4xx that writes nothing.
func TestImportWordReviewAPI(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	round := r.roundWithVjosa()
	docx := wordReviewOfV2(t, "")
	refusals := []struct {
		name   string
		token  string
		parts  []part
		status int
		says   string
	}{
		{"not a docx", r.editor, []part{field("reviewer", "vjosa"), file("r.docx", []byte("tekst"))}, 422, "not a Word document"},
		{"too big", r.editor, []part{field("reviewer", "vjosa"), file("r.docx", make([]byte, 20<<20+1))}, 413, "larger than 20 MB"},
		{"no file", r.editor, []part{field("reviewer", "vjosa")}, 422, "no field named"},
		{"an editor who is not a reviewer", r.editor, []part{file("r.docx", docx)}, 422, "not a reviewer of round"},
		{"not in the round", r.editor, []part{field("reviewer", "lulzim"), file("r.docx", docx)}, 422, "not a reviewer of round"},
		{"an outsider", r.outsider, []part{file("r.docx", docx)}, 404, ""},
		{"staff", r.staff, []part{field("reviewer", "vjosa"), file("r.docx", docx)}, 403, ""},
	}
	for _, c := range refusals {
		res := r.importWord(round, c.token, c.parts...)
		if res.Status != c.status || !strings.Contains(string(res.Body), c.says) {
			t.Errorf("%s: %d %s, want %d saying %q", c.name, res.Status, res.Body, c.status, c.says)
		}
		if n := r.commentCount(); n != 0 {
			t.Fatalf("%s left %d comments", c.name, n)
		}
	}
	res := must(t, r.importWord(round, r.editor, field("reviewer", "vjosa"), file("r.docx", docx)), 201)
	sum := res.object(t)
	counts, _ := sum["counts"].(map[string]any)
	unanchored, _ := sum["not_found"].([]any)
	made, _ := sum["comments"].([]any)
	if counts["comments"] != 2.0 || counts["suggestions"] != 1.0 || counts["replies"] != 0.0 || len(unanchored) != 1 ||
		sum["unanchored"] != 1.0 || len(made) != 3 {
		t.Fatalf("summary = %s", res.Body)
	}
	for _, c := range made {
		if c := c.(map[string]any); c["id"] == nil || c["author"] != "vjosa" {
			t.Errorf("a comment made by the import: %v", c)
		}
	}
	if u := unanchored[0].(map[string]any); u["kind"] != "comment" || u["author"] != "Vjosa B." || !strings.Contains(u["text"].(string), "Ky nen mungon.") {
		t.Errorf("unanchored = %v", u)
	}
	comments := must(t, r.api("GET", docPath(r.id, "/rounds/"+itoa(int64(round))+"/comments"), r.editor, nil), 200).object(t)["comments"].([]any)
	quotes := map[string]string{}
	for _, c := range comments {
		c := c.(map[string]any)
		quotes[c["quote"].(string)] = c["suggestion"].(string)
		if c["author"] != "vjosa" {
			t.Errorf("comment by %v, want vjosa", c["author"])
		}
	}
	if s, ok := quotes["shëndetshëm"]; !ok || s != "larmishëm" {
		t.Errorf("quotes and suggestions = %v", quotes)
	}
	if _, ok := quotes["qendrat ditore"]; !ok {
		t.Errorf("the comment is not on its words: %v", quotes)
	}
	again := r.importWord(round, r.editor, field("reviewer", "vjosa"), file("r.docx", docx))
	if again.Status != 409 || !strings.Contains(string(again.Body), "already imported") || r.commentCount() != 3 {
		t.Errorf("the same file again: %d %s, %d comments", again.Status, again.Body, r.commentCount())
	}
	// The reviewer imports their own file, naming no one.
	must(t, r.importWord(round, r.reviewer, file("r.docx", wordReviewOfV2(t, "Përsëri."))), 201)
}

// TestImportWordReviewPage: the round page offers editors the form
// (reviewer and file, the CSRF token first); posting it shows what was
// imported and what could not be placed, and the comments are on the
// round's page. Without the token nothing is imported.
func TestImportWordReviewPage(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	round := r.roundWithVjosa()
	b := r.browser()
	b.login("arta", userPassword, "")
	roundPath := docPath(r.id, "")[len("/api/v1"):] + "/rounds/" + itoa(int64(round))
	doc := parseHTML(t, must(t, b.get(roundPath), 200).Body)
	form := byID(doc, "word-import-form")
	if form == nil || attr(form, "enctype") != "multipart/form-data" || attr(form, "action") != roundPath+"/import" {
		t.Fatalf("no import form on the round page")
	}
	fields := findAll(form, func(n *html.Node) bool { return attr(n, "name") != "" })
	if len(fields) != 3 || attr(fields[0], "name") != "csrf_token" || attr(fields[1], "name") != "reviewer" || attr(fields[2], "name") != "file" {
		t.Fatalf("the form must send csrf_token, reviewer, file in that order")
	}
	if opt := find(fields[1], tagged("option")); opt == nil || attr(opt, "value") != "vjosa" {
		t.Errorf("the reviewer select does not offer vjosa")
	}
	token := attr(fields[0], "value")
	docx := wordReviewOfV2(t, "")
	must(t, b.postMultipart(roundPath+"/import", field("reviewer", "vjosa"), file("r.docx", docx)), 403)
	if n := r.commentCount(); n != 0 {
		t.Fatalf("an import without the token left %d comments", n)
	}
	res := must(t, b.postMultipart(roundPath+"/import", field("csrf_token", token), field("reviewer", "vjosa"), file("r.docx", docx)), 201)
	page := parseHTML(t, res.Body)
	counts, list := byID(page, "import-counts"), byID(page, "unanchored")
	if counts == nil || !strings.Contains(textOf(counts), "2 comments imported") || !strings.Contains(textOf(counts), "1 tracked change imported") {
		t.Errorf("counts: %q", textOf(counts))
	}
	if list == nil || !strings.Contains(textOf(list), "Ky nen mungon.") || !strings.Contains(textOf(list), "Comment") {
		t.Errorf("unanchored list: %q", textOf(list))
	}
	after := string(must(t, b.get(roundPath), 200).Body)
	if !strings.Contains(after, "[Word: Vjosa B.] Cilat qendra?") || !strings.Contains(after, "larmishëm") {
		t.Errorf("the round page does not show the imported comments")
	}
}

// TestImportWordReviewOfTheExport: the round's version downloaded as .docx
// (GET .../versions/2/docx), edited with a tracked change and a comment
// and sent back, becomes a suggestion and a comment on those words.
func TestImportWordReviewOfTheExport(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	round := r.roundWithVjosa()
	out := must(t, r.api("GET", docPath(r.id, "/versions/2/docx"), r.reviewer, nil), 200).Body
	edited := docxtest.AddReview(t, out, func(xml string) string {
		xml = docxtest.TrackedReplace(t, xml, "shëndetshëm", "larmishëm", "Vjosa B.")
		return docxtest.Commented(t, xml, "qendrat ditore", 0)
	}, `<w:comment w:id="0" w:author="Vjosa B."><w:p>`+docxtest.Run("Cilat?")+`</w:p></w:comment>`, "")
	sum := must(t, r.importWord(round, r.reviewer, file("v2.docx", edited)), 201).object(t)
	if counts := sum["counts"].(map[string]any); counts["comments"] != 1.0 || counts["suggestions"] != 1.0 || sum["unanchored"] != 0.0 || len(sum["comments"].([]any)) != 2 {
		t.Fatalf("summary = %v", sum)
	}
	comments := must(t, r.api("GET", docPath(r.id, "/rounds/"+itoa(int64(round))+"/comments"), r.editor, nil), 200).object(t)["comments"].([]any)
	got := map[string]string{}
	for _, c := range comments {
		c := c.(map[string]any)
		got[c["quote"].(string)] = c["suggestion"].(string) + "|" + c["body"].(string)
	}
	if got["shëndetshëm"] != "larmishëm|[Word: Vjosa B.] Zëvendësim i gjurmuar në Word." || got["qendrat ditore"] != "|[Word: Vjosa B.] Cilat?" {
		t.Errorf("comments = %v", got)
	}
}
