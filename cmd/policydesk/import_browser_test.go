package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"policydesk/review/docx/docxtest"
)

// TestBrowserImportWord: from the new-document page an expert uploads a
// .docx, sees the Markdown, the article outline and what was left out,
// saves, and lands on the new document; at a desktop and a phone width,
// with no serious or critical axe-core violation on the form or preview.
func TestBrowserImportWord(t *testing.T) {
	axe := axeScript(t)
	srv := startServer(t, "")
	ctx := newBrowser(t)
	shots := screenshotDir(t)
	md := "## Neni 1 – Qëllimi\n\n1. Kjo Rregullore përcakton organizimin.\n\n## Neni 2 – Fushëveprimi\n\n1. Zbatohet për të gjitha qendrat.\n"
	path := filepath.Join(t.TempDir(), "Rregullore për Qendrat.docx")
	if err := os.WriteFile(path, docxtest.PandocWrite(t, md, "markdown"), 0o600); err != nil {
		t.Fatal(err)
	}
	browserLogin(ctx, t, srv.URL, "admin", e2eAdminPassword)
	for i, size := range []struct {
		name string
		w, h int64
	}{{"desktop", 1366, 900}, {"phone", 390, 844}} {
		err := chromedp.Do(ctx,
			chromedp.EmulateViewport(size.w, size.h),
			chromedp.Navigate(srv.URL+"/documents/new"),
			chromedp.WaitVisible(chromedp.ID("import-link")),
			chromedp.Click(chromedp.ID("import-link")),
			chromedp.WaitVisible(chromedp.ID("import-file")),
			chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{path}),
		)
		if err != nil {
			t.Fatalf("%s: opening the import form: %v", size.name, err)
		}
		saveScreenshot(ctx, t, shots, "import-form-"+size.name+".png")
		checkAxe(t, "import form "+size.name, runAxe(ctx, t, axe))
		err = chromedp.Do(ctx,
			chromedp.Click(chromedp.ID("import-upload")),
			chromedp.WaitVisible(chromedp.ID("import-save")),
		)
		if err != nil {
			t.Fatalf("%s: uploading: %v", size.name, err)
		}
		saveScreenshot(ctx, t, shots, "import-preview-"+size.name+".png")
		checkAxe(t, "import preview "+size.name, runAxe(ctx, t, axe))
		got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`(() => ({
			outline: [...document.querySelectorAll("#import-outline li")].map(li => li.textContent.trim()),
			body: document.getElementById("import-body").value,
			title: document.querySelector('#import-save input[name="title"]').value,
			overflow: document.documentElement.scrollWidth > document.documentElement.clientWidth}))()`))
		if err != nil {
			t.Fatal(err)
		}
		outline, _ := got["outline"].([]any)
		if len(outline) != 2 || outline[0] != "Neni 1 – Qëllimi" || outline[1] != "Neni 2 – Fushëveprimi" {
			t.Errorf("%s: outline %v", size.name, got["outline"])
		}
		if !strings.Contains(got["body"].(string), "1. Zbatohet për të gjitha qendrat.") || got["title"] != "Rregullore për Qendrat" {
			t.Errorf("%s: body %q title %q", size.name, got["body"], got["title"])
		}
		if got["overflow"] == true {
			t.Errorf("%s: the preview is wider than the screen", size.name)
		}
		if i == 1 {
			break // one document is enough; the phone only checks the pages
		}
		err = chromedp.Do(ctx,
			chromedp.Click(chromedp.ID("import-save-button")),
			chromedp.WaitVisible(chromedp.ID("edit-link")),
		)
		if err != nil {
			t.Fatalf("saving the import: %v", err)
		}
		h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.doc-head h1`)))
		if err != nil || strings.TrimSpace(h1) != "Rregullore për Qendrat" {
			t.Fatalf("landed on %q (%v)", h1, err)
		}
		arts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".outline li").length`))
		if err != nil || arts != 2 {
			t.Errorf("the new document shows %d articles (%v)", arts, err)
		}
		saveScreenshot(ctx, t, shots, "import-saved-"+size.name+".png")
	}
}
