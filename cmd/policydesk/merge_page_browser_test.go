package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The texts of the merge test: both editors change the hours (Neni 1)
// and the period (Neni 2) differently, so a save from the same version
// meets two conflicts; the second editor also changes Neni 3 alone.
const (
	mergeV1 = "# Rregullore për Qendrat Ditore\n\n## Neni 1 – Orari\n\nQendra punon nga ora 08:00 deri në 16:00.\n\n" +
		"## Neni 2 – Afati\n\nAnkesa shqyrtohet brenda 30 ditëve.\n\n## Neni 3 – Hyrja në fuqi\n\nKjo rregullore hyn në fuqi pas publikimit.\n"
	mergeTheirs = "# Rregullore për Qendrat Ditore\n\n## Neni 1 – Orari\n\nQendra punon nga ora 07:00 deri në 17:00.\n\n" +
		"## Neni 2 – Afati\n\nAnkesa shqyrtohet brenda 15 ditëve.\n\n## Neni 3 – Hyrja në fuqi\n\nKjo rregullore hyn në fuqi pas publikimit.\n"
	mergeMine = "# Rregullore për Qendrat Ditore\n\n## Neni 1 – Orari\n\nQendra punon nga ora 07:30 deri në 18:00.\n\n" +
		"## Neni 2 – Afati\n\nAnkesa shqyrtohet brenda 20 ditëve pune.\n\n## Neni 3 – Hyrja në fuqi\n\nKjo rregullore hyn në fuqi shtatë ditë pas publikimit.\n"
	// mergeExpected keeps my hours, their period, and my Neni 3.
	mergeExpected = "# Rregullore për Qendrat Ditore\n\n## Neni 1 – Orari\n\nQendra punon nga ora 07:30 deri në 18:00.\n\n" +
		"## Neni 2 – Afati\n\nAnkesa shqyrtohet brenda 15 ditëve.\n\n## Neni 3 – Hyrja në fuqi\n\nKjo rregullore hyn në fuqi shtatë ditë pas publikimit.\n"
)

// TestBrowserMergePage: two legal experts edit version 1; the second to
// save meets the merge page with two conflicts, told who saved first.
// Saving with one conflict settled is refused with the message beside the
// other and the choice kept; keeping mine in one and theirs in the other
// saves exactly that text. A later save that touches other parts is a
// clean merge, announced as good news.
func TestBrowserMergePage(t *testing.T) {
	srv := startServer(t, "")
	ctx := newBrowser(t)
	shots := screenshotDir(t)

	admin := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	for _, u := range []struct{ login, name string }{{"arta", "Arta Krasniqi"}, {"besa", "Besa Gashi"}} {
		admin.call(t, "POST", "/api/v1/users", map[string]string{"login": u.login, "name": u.name, "password": editorPassword, "role": "editor"}, nil)
	}
	arta := loginAPI(t, srv.URL, "arta", editorPassword)
	doc := arta.createDocument(t, "Rregullore për Qendrat Ditore", mergeV1)
	docPath := fmt.Sprintf("/documents/%d", doc.ID)
	arta.call(t, "PUT", "/api/v1"+docPath+"/members/besa", map[string]string{"role": "editor"}, nil)

	// Besa opens the editor on version 1; Arta saves version 2 meanwhile.
	browserLogin(ctx, t, srv.URL, "besa", editorPassword)
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(srv.URL+docPath+"/edit"),
		chromedp.WaitVisible(chromedp.CSS("textarea#body")),
	)
	if err != nil {
		t.Fatalf("opening the editor: %v", err)
	}
	arta.call(t, "POST", "/api/v1"+docPath+"/versions", map[string]any{"base": 1, "body": mergeTheirs, "message": "Orari dhe afati sipas Ministrisë"}, nil)
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("textarea#body"), mergeMine),
		chromedp.SendKeys(chromedp.CSS("input#message"), "Hyrja në fuqi pas shtatë ditësh"),
	)
	if err != nil {
		t.Fatal(err)
	}
	clickAndLoad(ctx, t, "#save")

	state := func() map[string]any {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`(() => ({
			left: document.getElementById("conflicts-left")?.textContent.trim(),
			savedBy: document.getElementById("saved-by")?.textContent.replace(/\s+/g, " "),
			conflicts: document.querySelectorAll("fieldset.conflict").length,
			error1: document.getElementById("conflict-1-error")?.textContent || "",
			error1Visible: !!document.getElementById("conflict-1-error")?.offsetParent,
			mine0: !!document.querySelector('input[name="choice-0"][value="mine"]:checked'),
			text: document.querySelector("main").textContent,
			width: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth,
		}))()`))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	got := state()
	if got["conflicts"] != 2.0 || got["left"] != "2 conflicts left" {
		t.Fatalf("the merge page shows %v conflicts and %q", got["conflicts"], got["left"])
	}
	if s := got["savedBy"].(string); !strings.Contains(s, "version 2 was saved by Arta Krasniqi") || !strings.Contains(s, "Orari dhe afati sipas Ministrisë") {
		t.Errorf("the page does not say who saved first: %q", s)
	}
	for _, git := range []string{"<<<<<<<", ">>>>>>>", "=======", "base"} {
		if strings.Contains(got["text"].(string), git) {
			t.Errorf("the merge page speaks git: %q", git)
		}
	}
	saveScreenshot(ctx, t, shots, "merge-conflicts-desktop.png")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	if got := state(); got["width"].(float64) > got["viewport"].(float64) {
		t.Errorf("at 390 px the merge page is %v px wide", got["width"])
	}
	saveScreenshot(ctx, t, shots, "merge-conflicts-phone.png")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatal(err)
	}

	// One conflict settled: the count says one is left, and saving is refused.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name="choice-0"][value="mine"]`))); err != nil {
		t.Fatal(err)
	}
	if got := state(); got["left"] != "1 conflict left" {
		t.Errorf("after settling one, the count says %q", got["left"])
	}
	clickAndLoad(ctx, t, "#save")
	got = state()
	if !strings.Contains(got["error1"].(string), "Choose a wording for this conflict") || got["error1Visible"] != true || got["mine0"] != true {
		t.Errorf("saving with a conflict left: message %q (visible %v), first choice kept %v", got["error1"], got["error1Visible"], got["mine0"])
	}
	saveScreenshot(ctx, t, shots, "merge-refused-desktop.png")
	var list struct {
		Versions []versionJSON `json:"versions"`
	}
	arta.call(t, "GET", "/api/v1"+docPath+"/versions", nil, &list)
	if len(list.Versions) != 2 {
		t.Fatalf("the refused save wrote a version: %d versions", len(list.Versions))
	}

	// "Write my own wording" opens a box holding my wording to edit.
	box := `document.getElementById("text-1")`
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](box+`.offsetParent === null`))
	if err != nil || !hidden {
		t.Errorf("the box for my own wording shows before it is chosen (%v)", err)
	}
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name="choice-1"][value="edit"]`)))
	if err != nil {
		t.Fatal(err)
	}
	own, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`({visible: `+box+`.offsetParent !== null, value: `+box+`.value, focused: document.activeElement === `+box+`})`))
	if err != nil {
		t.Fatal(err)
	}
	if own["visible"] != true || own["value"] != "Ankesa shqyrtohet brenda 20 ditëve pune." || own["focused"] != true {
		t.Errorf("after choosing to write my own wording the box is %v", own)
	}

	// The other conflict settled with their wording: saved exactly.
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name="choice-1"][value="theirs"]`)))
	if err != nil {
		t.Fatal(err)
	}
	if got := state(); got["left"] != "All conflicts settled: read it through and save." {
		t.Errorf("with both settled, the count says %q", got["left"])
	}
	clickAndLoad(ctx, t, "#save")
	var v versionJSON
	arta.call(t, "GET", "/api/v1"+docPath+"/versions/3", nil, &v)
	if v.Body != mergeExpected || v.Author != "besa" {
		t.Errorf("version 3 by %s = %q, want %q", v.Author, v.Body, mergeExpected)
	}

	// A clean merge: Arta retitles Neni 3 while Besa edits Neni 1.
	err = chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+docPath+"/edit"),
		chromedp.WaitVisible(chromedp.CSS("textarea#body")),
	)
	if err != nil {
		t.Fatal(err)
	}
	arta.call(t, "POST", "/api/v1"+docPath+"/versions", map[string]any{"base": 3, "body": strings.Replace(mergeExpected, "Hyrja në fuqi\n", "Hyrja në fuqi dhe zbatimi\n", 1), "message": "Titulli i Nenit 3"}, nil)
	mine := strings.Replace(mergeExpected, "07:30", "07:00", 1)
	want := strings.Replace(mine, "Hyrja në fuqi\n", "Hyrja në fuqi dhe zbatimi\n", 1)
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("textarea#body"), mine)); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(ctx, t, "#save")
	clean, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`(() => ({
		notice: document.getElementById("merge-clean")?.textContent || "",
		body: document.getElementById("body")?.value || "",
		link: document.getElementById("their-changes")?.getAttribute("href") || "",
		errors: document.querySelectorAll(".error").length,
	}))()`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(clean["notice"].(string), "Your changes and Arta Krasniqi’s (version 4) touch different parts; they were merged.") ||
		clean["body"] != want || clean["link"] != docPath+"/diff?from=3&to=4" || clean["errors"] != 0.0 {
		t.Errorf("the clean merge page shows %v", clean)
	}
	saveScreenshot(ctx, t, shots, "merge-clean-desktop.png")
	clickAndLoad(ctx, t, "#save")
	arta.call(t, "GET", "/api/v1"+docPath+"/versions/5", nil, &v)
	if v.Body != want {
		t.Errorf("version 5 = %q, want %q", v.Body, want)
	}
}
