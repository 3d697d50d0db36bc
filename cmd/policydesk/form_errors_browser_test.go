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

func TestBrowserFormErrorsKeepTheText(t *testing.T) {
	srv := startServer(t, "")
	ctx := newBrowser(t)
	shots := screenshotDir(t)

	admin := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	admin.call(t, "POST", "/api/v1/users", map[string]string{"login": "arta", "name": "Arta Krasniqi",
		"password": editorPassword, "role": "editor"}, nil)
	admin.call(t, "POST", "/api/v1/users", map[string]string{"login": "vjosa", "name": reviewerName,
		"password": reviewerPassword, "role": "reviewer"}, nil)
	editor := loginAPI(t, srv.URL, "arta", editorPassword)
	doc := editor.createDocument(t, "Rregullore për qendrat ditore", reviewV1)
	docPath := fmt.Sprintf("/documents/%d", doc.ID)
	editor.call(t, "POST", "/api/v1"+docPath+"/versions", map[string]any{"base": 1, "body": reviewV2, "message": "Shtohen çerdhet"}, nil)
	editor.call(t, "PUT", "/api/v1"+docPath+"/members/vjosa", map[string]string{"role": "reviewer"}, nil)
	editor.call(t, "POST", "/api/v1"+docPath+"/rounds", map[string]any{"name": "Raundi 1", "version": 2}, nil)
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
}
