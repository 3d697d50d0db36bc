package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"policydesk/review/docx/docxtest"
)

// wordReviewFile is version 2 of the review desk's regulation returned
// from Word: a tracked replacement, a comment, and a comment on words the
// version does not have.
func wordReviewFile(t *testing.T) string {
	by := `w:author="Vjosa B." w:date="2026-11-20T10:00:00Z"`
	run := docxtest.Run
	body := `<w:p>` + run("1.2. Çdo qendër siguron ushqim të ") +
		`<w:del w:id="1" ` + by + `><w:r><w:delText>shëndetshëm</w:delText></w:r></w:del><w:ins w:id="2" ` + by + `>` + run("larmishëm") + `</w:ins>` +
		run(" për çdo fëmijë.") + `</w:p>` +
		`<w:p>` + run("Rregullorja zbatohet për të gjitha ") + `<w:commentRangeStart w:id="0"/>` + run("qendrat ditore") +
		`<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>` + run(" private.") + `</w:p>` +
		`<w:p><w:commentRangeStart w:id="1"/>` + run("Neni 9 që nuk ekziston në version.") + `<w:commentRangeEnd w:id="1"/><w:r><w:commentReference w:id="1"/></w:r></w:p>`
	comments := `<w:comment w:id="0" ` + by + `><w:p>` + run("Cilat qendra?") + `</w:p></w:comment>` +
		`<w:comment w:id="1" ` + by + `><w:p>` + run("Ky nen mungon.") + `</w:p></w:comment>`
	path := filepath.Join(t.TempDir(), "shqyrtimi.docx")
	if err := os.WriteFile(path, docxtest.WordReview(t, body, comments, ""), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBrowserWordReviewImport: the legal expert opens "Import a review
// from Word" on the round page, picks the reviewer and the file and
// imports it; the result page lists what was imported and the comment
// that was not found, at 1366 px and 390 px without widening the page; the
// round page then shows the imported comment and suggestion.
func TestBrowserWordReviewImport(t *testing.T) {
	d := startReviewDesk(t)
	srv, ctx, shots := d.srv, d.ctx, d.shots
	d.editor.call(t, "POST", "/api/v1"+d.docPath+"/rounds", map[string]any{"name": "Raundi 1", "version": 2, "reviewers": []string{"vjosa"}}, nil)
	roundURL := srv.URL + d.docPath + "/rounds/1"
	browserLogin(ctx, t, srv.URL, "arta", editorPassword)
	err := chromedp.Do(ctx, chromedp.Navigate(roundURL), chromedp.WaitVisible(chromedp.CSS("#word-import summary")),
		chromedp.Click(chromedp.CSS("#word-import summary")), chromedp.WaitVisible(chromedp.ID("wi-file")),
		chromedp.SetUploadFiles(chromedp.ID("wi-file"), []string{wordReviewFile(t)}), chromedp.ScrollIntoView(chromedp.ID("word-import")))
	if err != nil {
		t.Fatal(err)
	}
	saveScreenshot(ctx, t, shots, "word-import-form.png")
	clickAndLoad(ctx, t, "#wi-submit")
	for _, size := range browserSizes {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.w, size.h)); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`(() => ({
			counts: document.getElementById("import-counts").textContent.replace(/\s+/g, " "),
			missing: document.getElementById("unanchored").textContent.replace(/\s+/g, " "),
			page: document.documentElement.scrollWidth, width: document.documentElement.clientWidth}))()`))
		if err != nil {
			t.Fatal(err)
		}
		if c := got["counts"].(string); !strings.Contains(c, "2 comments imported") || !strings.Contains(c, "1 tracked change imported as a suggestion") {
			t.Errorf("%s: counts %q", size.name, c)
		}
		if m := got["missing"].(string); !strings.Contains(m, "Ky nen mungon.") || !strings.Contains(m, "Neni 9 që nuk ekziston") {
			t.Errorf("%s: not found: %q", size.name, m)
		}
		if got["page"].(float64) > got["width"].(float64) {
			t.Errorf("%s: the result is %.0f px wide on a %.0f px screen", size.name, got["page"], got["width"])
		}
		saveScreenshot(ctx, t, shots, "word-import-result-"+size.name+".png")
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(ctx, t, "#back-to-round")
	cards, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#margin-cards .comment, #margin-elsewhere .comment")].map(c => c.textContent.replace(/\s+/g, " ")).join(" | ")`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cards, "[Word: Vjosa B.] Cilat qendra?") || !strings.Contains(cards, "larmishëm") {
		t.Errorf("the round's comments: %q", cards)
	}
	saveScreenshot(ctx, t, shots, "word-import-round.png")
}
