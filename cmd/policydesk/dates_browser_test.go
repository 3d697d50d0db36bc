package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserDateInputs: the date fields (the audit log's from/to, the
// open-round form's due date) let Chromium submit dd.mm.yyyy, d.m.yyyy and
// ISO and stop other shapes before sending; a date typed into the audit
// filter in dd.mm.yyyy filters the log and the times read as Kosovo's.
func TestBrowserDateInputs(t *testing.T) {
	srv := startServer(t, "")
	doc := loginAPI(t, srv.URL, "admin", e2eAdminPassword).createDocument(t, "Udhëzim administrativ", "# Neni 1\n\nTekst.\n")
	ctx := newBrowser(t)
	shots := screenshotDir(t)
	browserLogin(ctx, t, srv.URL, "admin", e2eAdminPassword)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(srv.URL+"/audit"),
		chromedp.WaitVisible(chromedp.CSS("#audit-from"))); err != nil {
		t.Fatal(err)
	}
	for typed, valid := range map[string]bool{"30.11.2026": true, "1.3.2026": true, " 30.11.2026. ": true, "2026-11-30": true,
		"30/11/2026": false, "11-30-2026": false, "30.11.26": false, "nesër": false} {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
			const f = document.querySelector("#audit-from"); f.value = %q; return f.checkValidity(); })()`, typed)))
		if err != nil {
			t.Fatal(err)
		}
		if got != valid {
			t.Errorf("the date field takes %q: %v, want %v", typed, got, valid)
		}
	}
	pattern, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#audit-from").pattern`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/documents/%d", srv.URL, doc.ID)), chromedp.WaitReady(chromedp.CSS("#round-due"))); err != nil {
		t.Fatal(err)
	}
	due, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`(() => { const f = document.querySelector("#round-due");
		return {pattern: f.pattern, type: f.type, inputmode: f.inputMode, placeholder: f.placeholder}; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if due["pattern"] != pattern || due["type"] != "text" || due["inputmode"] != "numeric" || due["placeholder"] != "dd.mm.yyyy" {
		t.Errorf("the due date field is %v, not the audit filter's dd.mm.yyyy field (pattern %q)", due, pattern)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/audit"), chromedp.WaitVisible(chromedp.CSS("#audit-from"))); err != nil {
		t.Fatal(err)
	}
	today, err := chromedp.Run(ctx, chromedp.Evaluate[string](`new Intl.DateTimeFormat("de-DE", {timeZone: "Europe/Belgrade", day: "2-digit", month: "2-digit", year: "numeric"}).format(new Date())`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#audit-from"), today), chromedp.SetValue(chromedp.CSS("#audit-to"), today),
		chromedp.SetValue(chromedp.CSS("#audit-user"), "admin")); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(ctx, t, "#audit-filters button[type=submit]")
	if u, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.search`)); err != nil || !strings.Contains(u, "user=admin") {
		t.Fatalf("the filter form went to %q (%v)", u, err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#audit time")].map(t => t.textContent + "|" +
		new Intl.DateTimeFormat("de-DE", {timeZone: "Europe/Belgrade", day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit"}).format(new Date(t.dateTime)).replace(",", ""))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(shown) == 0 {
		t.Fatal("filtering by today shows no entries")
	}
	for _, s := range shown {
		if text, want, _ := strings.Cut(s, "|"); text != want || !strings.HasPrefix(text, today) {
			t.Errorf("an entry of today reads %q, want %q (Kosovo's time)", text, want)
		}
	}
	saveScreenshot(ctx, t, shots, "audit-filtered-phone.png")
}
