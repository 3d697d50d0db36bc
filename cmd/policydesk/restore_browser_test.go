package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserRestoreVersion: on an old version's page, at a desktop and a
// phone width, the expert finds "Restore this version" where "Edit" was,
// uncovered and inside the screen; clicking it with the mouse saves the
// old text as the newest version, blanks and signature line as written.
func TestBrowserRestoreVersion(t *testing.T) {
	srv := startServer(t, "")
	ctx := newBrowser(t)
	shots := screenshotDir(t)

	admin := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	admin.call(t, "POST", "/api/v1/users", map[string]string{"login": "arta", "name": "Arta Krasniqi",
		"password": editorPassword, "role": "editor"}, nil)
	editor := loginAPI(t, srv.URL, "arta", editorPassword)
	v1 := "# Marrëveshje\n\n## Neni 1 – Qëllimi\n\nKjo marrëveshje hyn në fuqi më __.__.2026.\n\nPër Ministrinë\n\n_______________\n\nNënshkrimi: ________\n"
	doc := editor.createDocument(t, "Marrëveshje", v1)
	docPath := fmt.Sprintf("/documents/%d", doc.ID)
	editor.call(t, "POST", "/api/v1"+docPath+"/versions", map[string]any{"base": 1,
		"body": strings.Replace(v1, "__.__.2026", "1 janar 2027", 1), "message": "Data e caktuar"}, nil)

	browserLogin(ctx, t, srv.URL, "arta", editorPassword)
	for _, size := range []struct {
		name string
		w, h int64
	}{{"desktop", 1366, 900}, {"phone", 390, 844}} {
		err := chromedp.Do(ctx,
			chromedp.EmulateViewport(size.w, size.h),
			chromedp.Navigate(srv.URL+docPath+"/versions/1"),
			chromedp.WaitVisible(chromedp.CSS("#restore-form button")),
		)
		if err != nil {
			t.Fatalf("%s: opening version 1: %v", size.name, err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`(() => {
			const b = document.querySelector("#restore-form button"), r = b.getBoundingClientRect();
			const text = document.querySelector("#rendered");
			return {label: b.textContent.trim(), edit: !!document.getElementById("edit-link"),
				onTop: document.elementFromPoint(r.x + r.width/2, r.y + r.height/2) === b,
				right: r.right, width: document.documentElement.clientWidth,
				text: text.textContent, rules: text.querySelectorAll("hr").length,
				emphasis: text.querySelectorAll("p em, p strong").length};
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if got["label"] != "Restore this version" || got["edit"] == true || got["onTop"] != true {
			t.Errorf("%s: button %q, edit link %v, uncovered %v", size.name, got["label"], got["edit"], got["onTop"])
		}
		if got["right"].(float64) > got["width"].(float64) {
			t.Errorf("%s: the button ends at %.0f px on a %.0f px screen", size.name, got["right"], got["width"])
		}
		text := got["text"].(string)
		if !strings.Contains(text, "më __.__.2026") || !strings.Contains(text, "_______________") || !strings.Contains(text, "Nënshkrimi: ________") ||
			got["rules"].(float64) != 0 || got["emphasis"].(float64) != 0 {
			t.Errorf("%s: the blanks are not shown as written (%v rules, %v emphasis): %q", size.name, got["rules"], got["emphasis"], text)
		}
		saveScreenshot(ctx, t, shots, "restore-"+size.name+".png")
	}

	// A real mouse click on the button.
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(srv.URL+docPath+"/versions/1"),
		chromedp.WaitVisible(chromedp.CSS("#restore-form button")),
		chromedp.Click(chromedp.CSS("#restore-form button")),
		chromedp.WaitVisible(chromedp.ID("edit-link")),
	)
	if err != nil {
		t.Fatalf("restoring version 1: %v", err)
	}
	line, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#rendered .version-line")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(line, "Version 3") || !strings.Contains(line, "U rikthye versioni 1") { // the document is Albanian
		t.Errorf("after restoring, the page shows %q", line)
	}
	var v versionJSON
	editor.call(t, "GET", "/api/v1"+docPath+"/versions/3", nil, &v)
	if v.Body != v1 || v.SHA256 != sha256Hex(v1) {
		t.Errorf("version 3 = %q, want version 1's text", v.Body)
	}
}
