package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A text the renderer refuses shows the server's reason in the live
// preview, as a readable alert and never as markup, and the preview comes
// back as soon as the text is fixed. Saving it shows the same reason in the
// editor, with the text kept.
func TestBrowserPreviewRefusal(t *testing.T) {
	srv := startServer(t, "")
	ctx := newBrowser(t)
	api := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	doc := api.createDocument(t, "Rregullore", "## Neni 1\n\nTeksti.\n")
	browserLogin(ctx, t, srv.URL, "admin", e2eAdminPassword)

	err := chromedp.Do(ctx,
		chromedp.Navigate(fmt.Sprintf("%s/documents/%d/edit", srv.URL, doc.ID)),
		void(chromedp.Poll[bool](`document.getElementById("preview").hasAttribute("data-rendered")`,
			chromedp.WithPollingTimeout(10*time.Second))),
	)
	if err != nil {
		t.Fatalf("opening the editor: %v", err)
	}

	// 40 nested block quotes with markup inside: beyond the 32 allowed.
	deep := strings.Repeat("> ", 40) + "<b>Neni 2</b>\n"
	setBody := func(body string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
			const b = document.getElementById("body");
			b.value = %q;
			b.dispatchEvent(new Event("input", {bubbles: true}));
		})()`, body))
	}
	if err := chromedp.Do(ctx, setBody(deep)); err != nil {
		t.Fatal(err)
	}
	problem := `(() => {
		const p = document.querySelector("#preview .preview-problem");
		return p ? [p.getAttribute("role"), p.getAttribute("data-status"), p.textContent, document.getElementById("preview").innerHTML] : null;
	})()`
	shown, err := chromedp.Run(ctx, chromedp.Poll[[]string](problem, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Fatalf("the preview never showed the refusal: %v", err)
	}
	if len(shown) != 4 {
		t.Fatalf("unexpected %q", shown)
	}
	role, status, text, inner := shown[0], shown[1], shown[2], shown[3]
	if role != "alert" || status != "422" {
		t.Errorf("role %q, status %q; want alert, 422", role, status)
	}
	if want := "No preview: The text nests block quotes or lists more than 32 levels deep (line 1); at most 32 levels are allowed."; text != want {
		t.Errorf("preview says %q, want %q", text, want)
	}
	if strings.Contains(inner, "<b>") || strings.Contains(inner, "<blockquote") {
		t.Errorf("the refused text reached the pane as markup: %s", inner)
	}
	saveScreenshot(ctx, t, screenshotDir(t), "preview-refusal.png")

	// Fixed text renders again.
	if err := chromedp.Do(ctx, setBody("## Neni 2\n\nTeksti i ri.\n")); err != nil {
		t.Fatal(err)
	}
	back := `(() => { const p = document.getElementById("preview");
		return !p.querySelector(".preview-problem") && [...p.querySelectorAll("h2")].some(h => h.textContent === "Neni 2"); })()`
	if err := chromedp.Do(ctx, void(chromedp.Poll[bool](back, chromedp.WithPollingTimeout(10*time.Second)))); err != nil {
		t.Fatalf("the preview did not come back after the fix: %v", err)
	}

	// Saving the refused text keeps it in the editor with the reason.
	err = chromedp.Do(ctx,
		setBody(deep),
		chromedp.SendKeys(chromedp.ID("message"), "Thellë"),
		chromedp.Click(chromedp.ID("save")),
		chromedp.WaitVisible(chromedp.CSS(`form p.error[role="alert"], p.error[role="alert"]`)),
	)
	if err != nil {
		t.Fatalf("saving: %v", err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`p.error[role="alert"]`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg, "levels deep") {
		t.Errorf("the editor says %q after the refused save", msg)
	}
	kept, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`textarea#body`)))
	if err != nil {
		t.Fatal(err)
	}
	if kept != deep {
		t.Errorf("the editor lost the text: %q", kept)
	}
	var head struct {
		Head int `json:"head"`
	}
	if err := api.do(ctx, "GET", fmt.Sprintf("/api/v1/documents/%d", doc.ID), nil, &head); err != nil || head.Head != 1 {
		t.Errorf("head %d, %v after a refused save", head.Head, err)
	}
}
