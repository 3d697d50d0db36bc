package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserRedlineUnits opens, at a desktop and a phone width, the
// redline and the comparative table of a version that changed working
// hours, an amount and a date, and renumbered a chapter: every changed
// number is marked whole (never "07" inserted beside an equal ":30"), and
// the chapter heading stands as its own section and table row, not at the
// end of the article before it.
func TestBrowserRedlineUnits(t *testing.T) {
	srv, ctx, editor := editorInBrowser(t)
	shots := screenshotDir(t)
	v1 := "# Rregullore për qendrat ditore\n\n## Neni 1 – Orari\n\nQendra punon nga ora 08:00–17:00, çdo ditë pune. " +
		"Tarifa mujore është 1.500,00 € për fëmijë dhe zbatohet nga 30.11.2026.\n\n" +
		"## KAPITULLI II – DISPOZITAT KALIMTARE\n\n## Neni 2 – Hyrja në fuqi\n\nKjo rregullore hyn në fuqi shtatë ditë pas publikimit.\n"
	v2 := strings.NewReplacer("08:00–17:00", "07:30–18:00", "1.500,00", "1.650,00", "30.11.2026", "01.01.2027",
		"KAPITULLI II", "KAPITULLI III").Replace(v1)
	doc := editor.createDocument(t, "Rregullore për qendrat ditore", v1)
	docPath := fmt.Sprintf("/documents/%d", doc.ID)
	editor.call(t, "POST", "/api/v1"+docPath+"/versions", map[string]any{"base": 1, "body": v2, "message": "Orari i ri"}, nil)

	browserLogin(ctx, t, srv.URL, "arta", editorPassword)
	for _, size := range browserSizes {
		for _, view := range []string{"", "table"} {
			err := chromedp.Do(ctx,
				chromedp.EmulateViewport(size.w, size.h),
				chromedp.Navigate(srv.URL+docPath+"/diff?from=1&to=2&view="+view),
				chromedp.WaitVisible(chromedp.CSS("#redline")),
			)
			if err != nil {
				t.Fatalf("%s %q: opening the redline: %v", size.name, view, err)
			}
			got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`({
				ins: [...document.querySelectorAll("#redline ins")].map(e => e.textContent),
				del: [...document.querySelectorAll("#redline del")].map(e => e.textContent),
				// the units: each section or row, as its header and its text
				units: [...document.querySelectorAll("#redline section, #redline tbody tr")].map(u =>
					({head: (u.querySelector(".art-head, th") || u).textContent, text: u.textContent}))})`))
			if err != nil {
				t.Fatal(err)
			}
			label := size.name + " " + view
			ins, del := fmt.Sprint(got["ins"]), fmt.Sprint(got["del"])
			for _, want := range []string{"07:30–18:00", "1.650,00", "01.01.2027"} {
				if !strings.Contains(ins, want) {
					t.Errorf("%s: insertions %s lack %q whole", label, ins, want)
				}
			}
			for _, want := range []string{"08:00–17:00", "1.500,00", "30.11.2026"} {
				if !strings.Contains(del, want) {
					t.Errorf("%s: deletions %s lack %q whole", label, del, want)
				}
			}
			headingUnit := false
			for _, u := range got["units"].([]any) {
				u := u.(map[string]any)
				head, text := u["head"].(string), u["text"].(string)
				if strings.Contains(head, "Neni 1") && strings.Contains(text, "KAPITULLI") {
					t.Errorf("%s: the chapter heading is inside Neni 1: %q", label, text)
				}
				headingUnit = headingUnit || strings.Contains(head, "KAPITULLI III")
			}
			if !headingUnit {
				t.Errorf("%s: no section or row is headed by the chapter: %v", label, got["units"])
			}
			saveScreenshot(ctx, t, shots, "redline-units-"+size.name+map[string]string{"": "", "table": "-table"}[view]+".png")
		}
	}
}

// browserSizes are the desktop and phone viewports the pages are tried at.
var browserSizes = []struct {
	name string
	w, h int64
}{{"desktop", 1366, 900}, {"phone", 390, 844}}

// editorInBrowser starts the server and a browser, and creates the editor
// "arta" (password editorPassword), logged in through the API.
func editorInBrowser(t *testing.T) (*testServer, context.Context, *apiClient) {
	t.Helper()
	srv := startServer(t, "")
	ctx := newBrowser(t)
	admin := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	admin.call(t, "POST", "/api/v1/users", map[string]string{"login": "arta", "name": "Arta Krasniqi",
		"password": editorPassword, "role": "editor"}, nil)
	return srv, ctx, loginAPI(t, srv.URL, "arta", editorPassword)
}
