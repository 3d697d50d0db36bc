package main

// The review acceptance scenario in a real headless Chromium: a ministry
// reviewer selects words in the redline of round 2 and proposes wording; the
// legal expert accepts it, applies it as a new version and downloads the
// consultation report.

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

const (
	reviewV1 = "# Rregullore për qendrat ditore\n\n" +
		"## Neni 1 – Qëllimi\n\n" +
		"1. Kjo rregullore përcakton mënyrën e funksionimit të qendrave ditore për fëmijë.\n" +
		"1.2. Çdo qendër siguron ushqim të shëndetshëm për çdo fëmijë.\n\n" +
		"## Neni 2 – Fushëveprimi\n\n" +
		"Rregullorja zbatohet për të gjitha qendrat ditore, publike dhe private.\n"
	reviewV2 = "# Rregullore për qendrat ditore\n\n" +
		"## Neni 1 – Qëllimi\n\n" +
		"1. Kjo rregullore përcakton mënyrën e funksionimit të qendrave ditore dhe çerdheve për fëmijë.\n" +
		"1.2. Çdo qendër siguron ushqim të shëndetshëm për çdo fëmijë.\n\n" +
		"## Neni 2 – Fushëveprimi\n\n" +
		"Rregullorja zbatohet për të gjitha qendrat ditore private.\n"
	reviewQuote      = "ushqim të shëndetshëm"
	reviewComment    = "Të përcaktohet edhe larmia e ushqimit."
	reviewSuggestion = "ushqim të shëndetshëm dhe të larmishëm"
	reviewerName     = "Vjosa Berisha"
	reviewerPassword = "linden-meadow-42"
	editorPassword   = "copper-lantern-42"
)

// call is apiClient.do with a deadline, failing the test on error.
func (c *apiClient) call(t *testing.T, method, path string, in, out any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.do(ctx, method, path, in, out); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
}

// clickAndLoad clicks and waits for the page it leads to.
func clickAndLoad(ctx context.Context, t *testing.T, sel string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel))))
	if err != nil {
		t.Fatalf("clicking %s: %v", sel, err)
	}
}

// selectWordsJS selects the words in a text node of the newer version's
// text (not inside <del>) of the redline, as a mouse would, and releases
// the mouse so review.js picks the selection up.
const selectWordsJS = `((words) => {
	for (const text of document.querySelectorAll("#redline section .art-text")) {
		const walk = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			if (n.parentElement.closest("del")) continue;
			const i = n.data.indexOf(words);
			if (i < 0) continue;
			const r = document.createRange();
			r.setStart(n, i);
			r.setEnd(n, i + words.length);
			const sel = window.getSelection();
			sel.removeAllRanges();
			sel.addRange(r);
			const got = sel.toString();
			document.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
			return got;
		}
	}
	return "";
})(%q)`

func TestBrowserReviewFlow(t *testing.T) {
	// Set up through the API: users, a document in two versions, sharing
	// and two rounds.
	d := startReviewDesk(t)
	srv, ctx, shots, editor, docPath := d.srv, d.ctx, d.shots, d.editor, d.docPath
	for v := 1; v <= 2; v++ {
		var round struct{ Number, Version int }
		editor.call(t, "POST", "/api/v1"+docPath+"/rounds", map[string]any{"name": fmt.Sprintf("Raundi %d", v), "version": v}, &round)
		if round.Number != v || round.Version != v {
			t.Fatalf("round %d = %+v", v, round)
		}
	}
	roundURL := srv.URL + docPath + "/rounds/2"

	// The reviewer selects words in the redline v1 → v2 and comments.
	browserLogin(ctx, t, srv.URL, "vjosa", reviewerPassword)
	if err := chromedp.Do(ctx, chromedp.Navigate(roundURL), chromedp.WaitVisible(chromedp.CSS("#redline ins"))); err != nil {
		t.Fatalf("opening round 2: %v", err)
	}
	redline, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`({
		ins: [...document.querySelectorAll("#redline ins")].map(e => e.textContent).join("|"),
		del: [...document.querySelectorAll("#redline del")].map(e => e.textContent).join("|")})`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(redline["ins"], "çerdheve") || !strings.Contains(redline["del"], "publike dhe") {
		t.Errorf("round 2 redline: ins %q del %q, want v1→v2", redline["ins"], redline["del"])
	}
	selected, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(selectWordsJS, reviewQuote)))
	if err != nil {
		t.Fatal(err)
	}
	if selected != reviewQuote {
		dump, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("#redline")))
		t.Logf("#redline: %s", dump)
		t.Fatalf("selected %q in #redline, want %q", selected, reviewQuote)
	}
	form, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`({
		quote: document.getElementById("c-quote").value,
		prefix: document.getElementById("c-prefix").value,
		suffix: document.getElementById("c-suffix").value})`))
	if err != nil {
		t.Fatal(err)
	}
	if form["quote"] != reviewQuote {
		t.Fatalf("#c-quote = %q, want %q", form["quote"], reviewQuote)
	}
	if !strings.HasSuffix(form["prefix"], "Çdo qendër siguron ") || !strings.HasPrefix(form["suffix"], " për çdo fëmijë") {
		t.Errorf("context: prefix %q suffix %q", form["prefix"], form["suffix"])
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("c-body"), reviewComment),
		chromedp.SendKeys(chromedp.ID("c-suggestion"), reviewSuggestion),
	)
	if err != nil {
		t.Fatal(err)
	}
	clickAndLoad(ctx, t, "#c-submit")
	comment, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`(() => {
		const c = document.querySelector(".comments-pane article.comment");
		return c ? {id: c.id, text: c.textContent.replace(/\s+/g, " ")} : {id: "", text: ""};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{reviewerName, reviewQuote, reviewComment, reviewSuggestion, "article 1"} {
		if !strings.Contains(comment["text"], want) {
			t.Errorf("the comments pane lacks %q: %q", want, comment["text"])
		}
	}
	if comment["id"] == "" {
		where, _ := chromedp.Run(ctx, chromedp.Location())
		text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText.slice(0, 1500)`))
		t.Fatalf("no comment in the comments pane after submitting; the browser is at %s:\n%s", where, text)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := url.Parse(loc); u == nil || u.Path != docPath+"/rounds/2" {
		t.Errorf("after commenting the browser is at %s", loc)
	}
	// The comment sits next to its words: they are marked in the redline.
	marked, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`(() => {
		const m = document.querySelector("#redline mark.anchor");
		return m ? {text: m.textContent, comment: m.getAttribute("data-comments")} : {text: "", comment: ""};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if marked["text"] != reviewQuote || marked["comment"] != comment["id"] {
		t.Errorf("the redline marks %q for %q, want %q for %q", marked["text"], marked["comment"], reviewQuote, comment["id"])
	}
	saveScreenshot(ctx, t, shots, "review-round-comment.png")

	// The legal expert accepts and applies the suggestion.
	clickAndLoad(ctx, t, "form.logout button")
	browserLogin(ctx, t, srv.URL, "arta", editorPassword)
	if err := chromedp.Do(ctx, chromedp.Navigate(roundURL), chromedp.WaitVisible(chromedp.CSS("#"+comment["id"]))); err != nil {
		t.Fatal(err)
	}
	cSel := "#" + comment["id"]
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(cSel+` .decide-form select[name="decision"]`), "accepted")); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(ctx, t, cSel+` .decide-form button[type="submit"]`)
	decision, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(cSel+" .decision")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(decision, "Accepted") {
		t.Errorf("decision shown as %q", decision)
	}
	clickAndLoad(ctx, t, cSel+` .apply-form button[type="submit"]`)
	loc, err = chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := url.Parse(loc); u == nil || u.Path != docPath+"/diff" || u.Query().Get("from") != "2" || u.Query().Get("to") != "3" {
		t.Errorf("after applying the browser is at %s, want the redline 2→3", loc)
	}
	ins, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#redline ins")].map(e => e.textContent).join("|")`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ins, "dhe të larmishëm") {
		t.Errorf("the new version's redline shows <ins> %q, want the suggestion", ins)
	}
	var v3 versionJSON
	editor.call(t, "GET", "/api/v1"+docPath+"/versions/3", nil, &v3)
	if want := strings.Replace(reviewV2, reviewQuote, reviewSuggestion, 1); v3.Body != want {
		t.Errorf("version 3 = %q, want %q", v3.Body, want)
	}
	// Its message is in the document's language (Albanian), not the editor's.
	if m := v3.Message; !strings.HasPrefix(m, "U zbatua sugjerimi i komentit ") || !strings.HasSuffix(m, " nga vjosa (neni 1)") {
		t.Errorf("version 3's message %q is not the Albanian one", m)
	}

	// The consultation report, as the browser downloads it.
	csvText, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		fmt.Sprintf(`fetch(%q).then(r => r.ok ? r.text() : Promise.reject(new Error("HTTP " + r.status)))`, docPath+"/rounds/2/report?format=csv"),
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetching the CSV report: %v", err)
	}
	records, err := csv.NewReader(bytes.NewReader([]byte(strings.TrimPrefix(csvText, "\ufeff")))).ReadAll()
	if err != nil {
		t.Fatalf("the CSV report does not parse: %v\n%s", err, csvText)
	}
	var found bool
	for _, rec := range records[1:] {
		if len(rec) >= 11 && rec[1] == reviewerName && rec[3] == "1" && rec[6] == reviewComment && rec[7] == reviewSuggestion && rec[8] == "E pranuar" { // the document is Albanian, so is its CSV
			found = true
		}
	}
	if !found {
		t.Errorf("the CSV report has no row for the comment: %q", records)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+docPath+"/rounds/2/report"), chromedp.WaitVisible(chromedp.CSS("table#report"))); err != nil {
		t.Fatal(err)
	}
	row, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("table#report tbody tr")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{reviewerName, "Neni 1", reviewComment, reviewSuggestion, "E pranuar"} { // the document is Albanian
		if !strings.Contains(row, want) {
			t.Errorf("report page row lacks %q: %q", want, row)
		}
	}
	saveScreenshot(ctx, t, shots, "review-report.png")

	// The editor's view of the round after applying, for the record.
	if err := chromedp.Do(ctx, chromedp.Navigate(roundURL), chromedp.WaitVisible(chromedp.CSS(cSel))); err != nil {
		t.Fatal(err)
	}
	saveScreenshot(ctx, t, shots, "review-round-editor.png")
}
