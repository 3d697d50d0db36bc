package main

// Refused forms in a real headless Chromium: a reviewer's empty comment and
// an editor's decision without a reason come back on the same page with the
// message beside the field and what was typed still in the form.

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// fieldState is what the browser shows of a form field after a refusal.
type fieldState struct {
	Value     string `json:"value"`
	Invalid   string `json:"invalid"`
	Message   string `json:"message"`
	Focused   bool   `json:"focused"` // the page focuses it when it loads
	Described string `json:"described"`
}

func readField(ctx context.Context, t *testing.T, id string) fieldState {
	t.Helper()
	st, err := chromedp.Run(ctx, chromedp.Evaluate[fieldState](fmt.Sprintf(`((id) => {
		const f = document.getElementById(id), m = document.getElementById(id + "-error");
		if (!f) return {value: "", invalid: "", message: "", focused: false, described: ""};
		return {value: f.value, invalid: f.getAttribute("aria-invalid") || "", message: m ? m.textContent : "",
			focused: f.hasAttribute("autofocus"), described: f.getAttribute("aria-describedby") || ""};
	})(%q)`, id)))
	if err != nil {
		t.Fatalf("reading #%s: %v", id, err)
	}
	return st
}

func checkRefusedField(t *testing.T, st fieldState, id, message string) {
	t.Helper()
	if st.Invalid != "true" || st.Described != id+"-error" || st.Message == "" || !st.Focused {
		t.Errorf("#%s after the refusal: %+v, want invalid, described by its message and focused", id, st)
	}
	if message != "" && st.Message != message {
		t.Errorf("#%s message %q, want %q", id, st.Message, message)
	}
}

// reviewDesk is a running server with the legal expert arta, the ministry
// reviewer vjosa and a document in two versions (reviewV1, reviewV2)
// shared with her, and a browser.
type reviewDesk struct {
	srv     *testServer
	ctx     context.Context
	shots   string
	editor  *apiClient
	docPath string
}

func startReviewDesk(t *testing.T) *reviewDesk {
	d := &reviewDesk{srv: startServer(t, ""), ctx: newBrowser(t), shots: screenshotDir(t)}
	admin := loginAPI(t, d.srv.URL, "admin", e2eAdminPassword)
	admin.call(t, "POST", "/api/v1/users", map[string]string{"login": "arta", "name": "Arta Krasniqi",
		"password": editorPassword, "role": "editor"}, nil)
	admin.call(t, "POST", "/api/v1/users", map[string]string{"login": "vjosa", "name": reviewerName,
		"organisation": "Ministria e Drejtësisë", "password": reviewerPassword, "role": "reviewer"}, nil)
	d.editor = loginAPI(t, d.srv.URL, "arta", editorPassword)
	doc := d.editor.createDocument(t, "Rregullore për qendrat ditore", reviewV1)
	d.docPath = fmt.Sprintf("/documents/%d", doc.ID)
	d.editor.call(t, "POST", "/api/v1"+d.docPath+"/versions", map[string]any{"base": 1, "body": reviewV2, "message": "Shtohen çerdhet"}, nil)
	d.editor.call(t, "PUT", "/api/v1"+d.docPath+"/members/vjosa", map[string]string{"role": "reviewer"}, nil)
	return d
}

func TestBrowserFormErrorsKeepTheText(t *testing.T) {
	d := startReviewDesk(t)
	srv, ctx, shots, docPath := d.srv, d.ctx, d.shots, d.docPath
	d.editor.call(t, "POST", "/api/v1"+docPath+"/rounds", map[string]any{"name": "Raundi 1", "version": 2}, nil)
	roundURL := srv.URL + docPath + "/rounds/1"

	// The reviewer selects words and sends a comment of blanks.
	browserLogin(ctx, t, srv.URL, "vjosa", reviewerPassword)
	if err := chromedp.Do(ctx, chromedp.Navigate(roundURL), chromedp.WaitVisible(chromedp.CSS("#redline ins"))); err != nil {
		t.Fatalf("opening round 1: %v", err)
	}
	if selected, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(selectWordsJS, reviewQuote))); err != nil || selected != reviewQuote {
		t.Fatalf("selecting %q: %q, %v", reviewQuote, selected, err)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("c-body"), "   ")); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(ctx, t, "#c-submit")
	checkRefusedField(t, readField(ctx, t, "c-body"), "c-body", "Write a comment or propose wording.")
	if q := readField(ctx, t, "c-quote"); q.Value != reviewQuote || q.Invalid != "" {
		t.Errorf("#c-quote after the refusal: %+v, want the selected words kept", q)
	}
	// Words that are not in the version, with a comment written: the
	// comment stays while the words are marked.
	err := chromedp.Do(ctx, void(chromedp.Evaluate[bool](`document.getElementById("c-quote").value = "fjalë që nuk janë";
		document.getElementById("c-body").value = ""; true`)), chromedp.SendKeys(chromedp.ID("c-body"), reviewComment))
	if err != nil {
		t.Fatal(err)
	}
	clickAndLoad(ctx, t, "#c-submit")
	checkRefusedField(t, readField(ctx, t, "c-quote"), "c-quote", "")
	if b := readField(ctx, t, "c-body"); b.Value != reviewComment {
		t.Errorf("#c-body after the refusal holds %q, want the comment typed %q", b.Value, reviewComment)
	}
	saveScreenshot(ctx, t, shots, "form-error-comment.png")

	// A comment to decide on, then the editor rejects it without a reason.
	reviewer := loginAPI(t, srv.URL, "vjosa", reviewerPassword)
	var c struct{ ID int64 }
	reviewer.call(t, "POST", "/api/v1"+docPath+"/comments", map[string]any{"round": 1, "quote": reviewQuote, "body": reviewComment}, &c)
	clickAndLoad(ctx, t, "form.logout button")
	browserLogin(ctx, t, srv.URL, "arta", editorPassword)
	cSel := fmt.Sprintf("#comment-%d", c.ID)
	if err := chromedp.Do(ctx, chromedp.Navigate(roundURL), chromedp.WaitVisible(chromedp.CSS(cSel))); err != nil {
		t.Fatal(err)
	}
	if d := readField(ctx, t, fmt.Sprintf("decision-%d", c.ID)); d.Value != "" {
		t.Errorf("the decision dropdown starts at %q, want “— choose —”", d.Value)
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(cSel+` .decide-form select[name="decision"]`), "rejected")); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(ctx, t, cSel+` .decide-form button[type="submit"]`)
	reasonID := fmt.Sprintf("reason-%d", c.ID)
	checkRefusedField(t, readField(ctx, t, reasonID), reasonID, "Give the reason for a decision other than accepted.")
	if d := readField(ctx, t, fmt.Sprintf("decision-%d", c.ID)); d.Value != "rejected" {
		t.Errorf("the decision dropdown after the refusal shows %q, want the chosen “rejected”", d.Value)
	}
	saveScreenshot(ctx, t, shots, "form-error-decision.png")

	// Closing the round takes a confirmation, by plain links and forms.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+docPath), chromedp.WaitVisible(chromedp.CSS("#rounds-table"))); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(ctx, t, "#rounds-table a.close-round")
	for _, size := range []struct {
		name string
		w, h int64
	}{{"desktop", 1366, 900}, {"phone", 390, 844}} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.w, size.h), chromedp.WaitVisible(chromedp.ID("confirm-close"))); err != nil {
			t.Fatalf("%s: the confirmation page: %v", size.name, err)
		}
		saveScreenshot(ctx, t, shots, "round-close-confirm-"+size.name+".png")
	}
	clickAndLoad(ctx, t, "#confirm-close")
	reopen, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector("form.reopen-round button")`))
	if err != nil || !reopen {
		t.Fatalf("after closing, the round page offers no reopen button (%v)", err)
	}
	var rounds struct{ Rounds []struct{ Status string } }
	d.editor.call(t, "GET", "/api/v1"+docPath+"/rounds", nil, &rounds)
	if len(rounds.Rounds) != 1 || rounds.Rounds[0].Status != "closed" {
		t.Errorf("after confirming, rounds = %+v", rounds)
	}
	clickAndLoad(ctx, t, "form.reopen-round button")
	d.editor.call(t, "GET", "/api/v1"+docPath+"/rounds", nil, &rounds)
	if rounds.Rounds[0].Status != "open" {
		t.Errorf("after reopening, the round is %q", rounds.Rounds[0].Status)
	}
}
