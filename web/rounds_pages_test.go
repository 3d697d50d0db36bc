package web_test

import (
	"math"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestRoundAPI_Reopen(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	r.openRound(1)
	reopen := docPath(r.id, "/rounds/1/reopen")

	// An open round cannot be reopened.
	before := r.counts(r.id).audit
	if code := checkError(t, must(t, r.api("POST", reopen, r.editor, nil), 409)); code != "conflict" {
		t.Errorf("reopening an open round: code %q", code)
	}
	must(t, r.api("POST", docPath(r.id, "/rounds/1/close"), r.editor, nil), 200)
	// Only the document's editors reopen; a missing round is 404.
	checkError(t, must(t, r.api("POST", reopen, r.reviewer, nil), 403))
	checkError(t, must(t, r.api("POST", reopen, r.outsider, nil), 404))
	checkError(t, must(t, r.api("POST", docPath(r.id, "/rounds/9/reopen"), r.editor, nil), 404))
	if got := r.counts(r.id).audit; got != before+1 {
		t.Errorf("refused reopenings and one close wrote %d audit entries, want 1", got-before)
	}

	round := must(t, r.api("POST", reopen, r.editor, nil), 200).object(t)
	if round["status"] != "open" || round["number"] != 1.0 || round["closed_at"] != nil {
		t.Errorf("reopened round = %v", round)
	}
	audit := must(t, r.api("GET", "/api/v1/audit", r.admin, nil), 200).object(t)["entries"].([]any)
	if e := audit[0].(map[string]any); e["action"] != "round.reopen" || e["actor"] != "arta" {
		t.Errorf("newest audit entry = %v, want arta's round.reopen", e)
	}
	// Open again, the round takes comments.
	r.comment(1, 1, rvQuote, "Pas rihapjes", nil)
}

// The API's error object names the field a refusal is about.
func TestRoundAPI_ErrorNamesTheField(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	res := must(t, r.api("POST", docPath(r.id, "/comments"), r.reviewer, map[string]any{"version": 2, "quote": rvQuote, "body": " "}), 422)
	if e := res.object(t)["error"].(map[string]any); e["field"] != "body" || e["code"] != "invalid" {
		t.Errorf("empty comment: error %v, want field body", e)
	}
	res = must(t, r.api("POST", docPath(r.id, "/rounds"), r.editor, map[string]any{"version": 1, "due": "nesër"}), 422)
	if e := res.object(t)["error"].(map[string]any); e["field"] != "due" {
		t.Errorf("bad due date: error %v, want field due", e)
	}
	res = must(t, r.api("GET", docPath(r.id, "/versions/9"), r.editor, nil), 404)
	if _, ok := res.object(t)["error"].(map[string]any)["field"]; ok {
		t.Error("an error about no field has a field")
	}
}

// decisionSelects are the decision dropdowns of the comments on a page.
func decisionSelects(doc *html.Node) []*html.Node {
	return findAll(doc, func(n *html.Node) bool { return isElem(n, "select") && attr(n, "name") == "decision" })
}

func TestRoundPages_DecisionHasNoDefault(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	r.openRound(2)
	undecided := r.comment(1, 2, rvQuote, "Pa vendim", nil)
	decided := r.comment(1, 2, "Rregullorja zbatohet", "Me vendim", nil)
	must(t, r.api("POST", commentPath(decided, "/decision"), r.editor, map[string]any{"decision": "rejected", "reason": "Jo tani"}), 200)
	ed := r.browser()
	roundPath := "/documents/" + itoa(r.id) + "/rounds/1"
	ed.login("arta", userPassword, roundPath)
	doc := reviewPage(t, ed, roundPath)
	if n := len(decisionSelects(doc)); n != 2 {
		t.Fatalf("%d decision dropdowns, want 2", n)
	}
	sel := byID(doc, "decision-"+itoa(undecided))
	first := find(sel, tagged("option"))
	if !hasAttr(sel, "required") || attr(first, "value") != "" || textOf(first) != "— choose —" || valueOf(sel) != "" {
		t.Errorf("an undecided comment's dropdown: required=%v, first option %q %q, selected %q; want a required “— choose —”",
			hasAttr(sel, "required"), attr(first, "value"), textOf(first), valueOf(sel))
	}
	if v := valueOf(byID(doc, "decision-"+itoa(decided))); v != "rejected" {
		t.Errorf("a decided comment's dropdown shows %q, want its decision", v)
	}
}

// The reason's placeholder must be readable: WCAG AA asks 4.5:1 against
// the white field.
func TestRoundPages_PlaceholderContrast(t *testing.T) {
	css, err := os.ReadFile("static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`::placeholder\s*\{[^}]*color:\s*#([0-9a-fA-F]{6})`).FindSubmatch(css)
	if m == nil {
		t.Fatal("style.css sets no ::placeholder colour; the browser's default grey is too light")
	}
	if !strings.Contains(string(css), "opacity: 1") {
		t.Error("the placeholder keeps the browser's reduced opacity")
	}
	lum := func(hex string) float64 {
		var l float64
		for i, w := range []float64{0.2126, 0.7152, 0.0722} {
			v, _ := strconv.ParseUint(hex[2*i:2*i+2], 16, 8)
			c := float64(v) / 255
			if c <= 0.03928 {
				c /= 12.92
			} else {
				c = math.Pow((c+0.055)/1.055, 2.4)
			}
			l += w * c
		}
		return l
	}
	if ratio := 1.05 / (lum(string(m[1])) + 0.05); ratio < 4.5 {
		t.Errorf("placeholder #%s on white has contrast %.2f:1, want at least 4.5:1", m[1], ratio)
	}
}

func TestRoundPages_CloseConfirmAndReopen(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	r.openRound(2)
	docPage := "/documents/" + itoa(r.id)
	roundPath := docPage + "/rounds/1"
	closePath := roundPath + "/close"
	roundStatus := func() string {
		rounds := must(t, r.api("GET", docPath(r.id, "/rounds"), r.editor, nil), 200).object(t)["rounds"].([]any)
		return rounds[0].(map[string]any)["status"].(string)
	}
	ed := r.browser()
	ed.login("arta", userPassword, docPage)

	// The document page links to the confirmation; opening it changes nothing.
	doc := reviewPage(t, ed, docPage)
	if link := find(byID(doc, "rounds-table"), func(n *html.Node) bool { return isElem(n, "a") && attr(n, "href") == closePath }); link == nil {
		t.Fatal("the rounds table has no link to the close confirmation")
	}
	if find(byID(doc, "rounds-table"), func(n *html.Node) bool { return isElem(n, "form") && strings.HasSuffix(attr(n, "action"), "/close") }) != nil {
		t.Error("the rounds table still closes a round with one click")
	}
	doc = reviewPage(t, ed, closePath)
	form := byID(doc, "close-round")
	if form == nil || attr(form, "method") != "post" || attr(form, "action") != closePath || byID(doc, "confirm-close") == nil {
		t.Fatal("the confirmation page has no POST form to close the round")
	}
	if cancel := byID(doc, "cancel-close"); cancel == nil || attr(cancel, "href") != roundPath {
		t.Error("the confirmation page has no way back that keeps the round open")
	}
	if roundStatus() != "open" {
		t.Fatal("showing the confirmation closed the round")
	}
	csrf, _ := inputValue(form, "csrf_token")
	ret, _ := inputValue(form, "return")
	res := ed.post(closePath, url.Values{"csrf_token": {csrf}, "return": {ret}})
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != roundPath || roundStatus() != "closed" {
		t.Fatalf("confirming: %s, Location %q, status %s", res, res.Header.Get("Location"), roundStatus())
	}
	// Confirming twice shows the confirmation page again saying since when.
	doc = formPage(t, ed, closePath, url.Values{"csrf_token": {csrf}, "return": {ret}}, 409)
	if n := byID(doc, "round-closed"); n == nil || !strings.Contains(textOf(n), "closed since") {
		t.Error("closing a closed round does not say it is closed")
	}

	// The reviewer sees why the form is gone.
	rev := r.browser()
	rev.login("vjosa", userPassword, roundPath)
	doc = reviewPage(t, rev, roundPath)
	if byID(doc, "comment-form") != nil {
		t.Error("a closed round still offers the comment form")
	}
	if n := byID(doc, "round-closed"); n == nil || !strings.Contains(textOf(n), "Round 1 has been closed since") || find(n, tagged("time")) == nil {
		t.Errorf("the reviewer is not told the round is closed and since when: %v", n)
	}
	if find(doc, func(n *html.Node) bool { return hasClass(n, "reopen-round") }) != nil {
		t.Error("the reviewer is offered to reopen the round")
	}
	// Nor may a reviewer close or reopen through the pages.
	if res := rev.get(closePath); res.Status != http.StatusForbidden {
		t.Errorf("the reviewer opening the confirmation: %d", res.Status)
	}
	revCSRF := rev.csrf(roundPath)
	if res := rev.post(roundPath+"/reopen", url.Values{"csrf_token": {revCSRF}, "return": {roundPath}}); res.Status != http.StatusForbidden || roundStatus() != "closed" {
		t.Errorf("the reviewer reopening: %d, round %s", res.Status, roundStatus())
	}

	// The editor reopens from the round page.
	doc = reviewPage(t, ed, roundPath)
	reopen := find(doc, func(n *html.Node) bool { return hasClass(n, "reopen-round") })
	if reopen == nil || attr(reopen, "action") != roundPath+"/reopen" {
		t.Fatal("the editor has no reopen form on a closed round")
	}
	ret, _ = inputValue(reopen, "return")
	res = ed.post(attr(reopen, "action"), url.Values{"csrf_token": {csrf}, "return": {ret}})
	if res.Status != http.StatusSeeOther || roundStatus() != "open" {
		t.Fatalf("reopening: %s, round %s", res, roundStatus())
	}
	if byID(reviewPage(t, rev, roundPath), "comment-form") == nil {
		t.Error("the reopened round offers the reviewer no comment form")
	}
	// Reopening an open round says so on the page it came from.
	doc = formPage(t, ed, roundPath+"/reopen", url.Values{"csrf_token": {csrf}, "return": {ret}}, 409)
	if alert := find(doc, func(n *html.Node) bool { return attr(n, "role") == "alert" }); alert == nil || !strings.Contains(textOf(alert), "already open") {
		t.Error("reopening an open round does not say it is open")
	}
}
