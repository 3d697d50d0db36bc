package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserCalendar: an admin opens the calendar page from the
// navigation at 1366 and 390 px, adds a day off through its form (typed
// dd.mm.yyyy) and sees it in the year's list, with no serious or critical
// axe-core violation at either size; an editor typing a
// consultation period in the round form sees the due date the server
// computes, and the round opened with it carries that date.
func TestBrowserCalendar(t *testing.T) {
	axe := axeScript(t)
	srv := startServer(t, "")
	api := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	doc := api.createDocument(t, "Rregullore për konsultimin", "# Neni 1\n\nTekst.\n")
	ctx := newBrowser(t)
	shots := screenshotDir(t)
	browserLogin(ctx, t, srv.URL, "admin", e2eAdminPassword)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatal(err)
	}
	// The calendar is in the header's Administration menu: open it, then
	// follow the link.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`nav .nav-admin summary`)),
		chromedp.WaitVisible(chromedp.CSS(`nav a[href="/admin/calendar"]`))); err != nil {
		t.Fatalf("opening the Administration menu: %v", err)
	}
	clickAndLoad(ctx, t, `nav a[href="/admin/calendar"]`)
	year := time.Now().Year()
	next := year + 1
	if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/admin/calendar?year=%d", srv.URL, next)),
		chromedp.WaitVisible(chromedp.CSS("#calendar-add")),
		chromedp.SetValue(chromedp.CSS("#add-date"), fmt.Sprintf("30.12.%d", next)),
		chromedp.SetValue(chromedp.CSS("#add-name"), "Dita e deklaruar nga Qeveria")); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(ctx, t, `#calendar-add button[type=submit]`)
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("main").innerText`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{fmt.Sprintf("30.12.%d", next), "Dita e deklaruar nga Qeveria", "Catholic Easter"} {
		if !strings.Contains(text, want) {
			t.Errorf("the calendar page lacks %q after adding a day off", want)
		}
	}
	saveScreenshot(ctx, t, shots, "calendar-admin-1366.png")
	checkAxe(t, "calendar 1366", runAxe(ctx, t, axe))
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
	if err != nil || wide {
		t.Errorf("the calendar page scrolls sideways at 390 px (%v)", err)
	}
	saveScreenshot(ctx, t, shots, "calendar-admin-390.png")
	checkAxe(t, "calendar 390", runAxe(ctx, t, axe))

	ctxAPI, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var want struct{ Due string }
	if err := api.do(ctxAPI, "GET", "/api/v1/calendar/due?working_days=7", nil, &want); err != nil {
		t.Fatal(err)
	}
	due := want.Due
	shown := due[8:10] + "." + due[5:7] + "." + due[0:4]
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(fmt.Sprintf("%s/documents/%d", srv.URL, doc.ID)),
		chromedp.WaitReady(chromedp.CSS("#round-days")),
		void(chromedp.Evaluate[bool](`document.querySelector("#open-round").closest("details").open = true`)),
		chromedp.SendKeys(chromedp.CSS("#round-days"), "7"),
		void(chromedp.Poll[bool](fmt.Sprintf(`document.querySelector("#round-days-due").textContent.includes(%q)`, shown),
			chromedp.WithPollingTimeout(10*time.Second)))); err != nil {
		t.Fatalf("the round form does not show the due date %s: %v", shown, err)
	}
	saveScreenshot(ctx, t, shots, "calendar-round-form-1366.png")
	clickAndLoad(ctx, t, `#open-round button[type=submit]`)
	var rounds struct{ Rounds []struct{ Due string } }
	if err := api.do(ctxAPI, "GET", fmt.Sprintf("/api/v1/documents/%d/rounds", doc.ID), nil, &rounds); err != nil {
		t.Fatal(err)
	}
	if len(rounds.Rounds) != 1 || rounds.Rounds[0].Due != due {
		t.Errorf("the round opened with 7 working days: %+v, want due %s", rounds.Rounds, due)
	}
}
