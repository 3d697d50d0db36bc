package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserInvitation: with mail off an admin invites a reviewer in
// Albanian through the API and gets the link; in a fresh browser the link
// opens the page in Albanian at 1366 and 390 px (no sideways scroll, no
// serious axe-core violation), two different passwords are refused, the
// same password twice logs the invitee in and lands on the inbox.
func TestBrowserInvitation(t *testing.T) {
	axe := axeScript(t)
	srv := startServer(t, "")
	api := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	apiCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var inv struct {
		Link string
		User struct{ Login string }
	}
	if err := api.do(apiCtx, "POST", "/api/v1/invitations", map[string]string{"email": "drita.berisha@example.org", "name": "Drita Berisha",
		"organisation": "Ministria e Punës", "language": "sq"}, &inv); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(inv.Link, srv.URL+"/invite/") || inv.User.Login != "drita.berisha" {
		t.Fatalf("the invitation: %+v", inv)
	}
	shots := screenshotDir(t)
	checkInvitationsPage(t, srv.URL, shots, axe)
	ctx := newBrowser(t)
	const pw = "lumi Drini në mëngjes 7"
	for _, width := range []int64{390, 1366} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(inv.Link),
			chromedp.WaitVisible(chromedp.CSS(`input[name="password2"]`))); err != nil {
			t.Fatal(err)
		}
		text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("main").innerText`))
		if err != nil || !strings.Contains(text, "Drita Berisha") || !strings.Contains(text, "Mirë se vini") {
			t.Fatalf("the invitation page says %q (%v)", text, err)
		}
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
		if err != nil || wide {
			t.Errorf("the invitation page scrolls sideways at %d px (%v)", width, err)
		}
		checkAxe(t, "invitation page", runAxe(ctx, t, axe))
		saveScreenshot(ctx, t, shots, fmt.Sprintf("invite-%d.png", width))
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), pw),
		chromedp.SendKeys(chromedp.CSS(`input[name="password2"]`), pw+"x")); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(ctx, t, `main form button[type=submit]`)
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("[role=alert]").innerText`))
	if err != nil || !strings.Contains(text, "nuk përputhen") {
		t.Fatalf("two different passwords: %q (%v)", text, err)
	}
	saveScreenshot(ctx, t, shots, "invite-refused-1366.png")
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), pw),
		chromedp.SendKeys(chromedp.CSS(`input[name="password2"]`), pw)); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(ctx, t, `main form button[type=submit]`)
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if u, _ := url.Parse(loc); err != nil || u == nil || u.Path != "/inbox" {
		t.Fatalf("after accepting the browser is at %s (%v), want /inbox", loc, err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`form.logout`))); err != nil {
		t.Fatalf("not logged in after accepting: %v", err)
	}
	saveScreenshot(ctx, t, shots, "invite-inbox-1366.png")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	saveScreenshot(ctx, t, shots, "invite-inbox-390.png")
	// The link is spent: opening it again says so, in Albanian.
	if err := chromedp.Do(ctx, chromedp.Navigate(inv.Link)); err != nil {
		t.Fatal(err)
	}
	text, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("main").innerText`))
	if err != nil || !strings.Contains(text, "është përdorur tashmë") {
		t.Errorf("the spent link says %q (%v)", text, err)
	}
}

// checkInvitationsPage: the admin's invitations page, with the pending
// invitation and its resend button, at 1366 and 390 px.
func checkInvitationsPage(t *testing.T, base, shots, axe string) {
	t.Helper()
	ctx := newBrowser(t)
	browserLogin(ctx, t, base, "admin", e2eAdminPassword)
	for _, width := range []int64{1366, 390} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(base+"/invitations"),
			chromedp.WaitVisible(chromedp.CSS(`form[action="/invitations/drita.berisha/resend"]`))); err != nil {
			t.Fatalf("the invitations page lacks the pending invitation: %v", err)
		}
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
		if err != nil || wide {
			t.Errorf("the invitations page scrolls sideways at %d px (%v)", width, err)
		}
		checkAxe(t, "invitations page", runAxe(ctx, t, axe))
		saveScreenshot(ctx, t, shots, fmt.Sprintf("invitations-%d.png", width))
	}
}
