package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// formPage posts a form that must be refused in place: the answer is the
// page the form came from with status 422 (or want), parsed.
func formPage(t *testing.T, b *browser, path string, form url.Values, want int) *html.Node {
	t.Helper()
	res := b.post(path, form)
	if res.Status != want {
		t.Fatalf("POST %s: status %d, want %d: %s", path, res.Status, want, res)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("POST %s: Content-Type %q", path, ct)
	}
	return parseHTML(t, res.Body)
}

// checkFieldError checks that the field with id is marked invalid and
// described by a message saying want, and returns the field.
func checkFieldError(t *testing.T, doc *html.Node, id, want string) *html.Node {
	t.Helper()
	field := byID(doc, id)
	if field == nil {
		t.Fatalf("no #%s on the page shown again", id)
	}
	if attr(field, "aria-invalid") != "true" || attr(field, "aria-describedby") != id+"-error" {
		t.Errorf("#%s: aria-invalid=%q aria-describedby=%q", id, attr(field, "aria-invalid"), attr(field, "aria-describedby"))
	}
	msg := byID(doc, id+"-error")
	if msg == nil || !strings.Contains(textOf(msg), want) {
		t.Errorf("#%s-error is %v, want a message with %q", id, msg, want)
	} else if msg.Parent != field.Parent {
		t.Errorf("#%s-error is not beside its field", id)
	}
	if n := len(findAll(doc, func(n *html.Node) bool { return attr(n, "aria-invalid") == "true" })); n != 1 {
		t.Errorf("%d fields marked invalid, want 1", n)
	}
	return field
}

// valueOf is what a field holds: a textarea's text, an input's value or a
// select's selected option.
func valueOf(n *html.Node) string {
	switch {
	case isElem(n, "textarea"):
		return textOf(n)
	case isElem(n, "select"):
		if o := find(n, func(o *html.Node) bool { return isElem(o, "option") && hasAttr(o, "selected") }); o != nil {
			return attr(o, "value")
		}
		return ""
	}
	return attr(n, "value")
}

// signedIn is a browser logged in as login on path, and its CSRF token.
func (r *reviewEnv) signedIn(login, path string) (*browser, string) {
	r.t.Helper()
	b := r.browser()
	b.login(login, userPassword, path)
	return b, b.csrf(path)
}

func checkKept(t *testing.T, doc *html.Node, id, want string) {
	t.Helper()
	if n := byID(doc, id); n == nil || valueOf(n) != want {
		t.Errorf("#%s does not hold what was typed, %q", id, want)
	}
}

func TestFormErrors_CommentShownAgainWithTheText(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	r.openRound(1)
	r.openRound(2)
	roundPath := "/documents/" + itoa(r.id) + "/rounds/2"
	rev, csrf := r.signedIn("vjosa", roundPath)
	post := func(quote, body, suggestion string) *html.Node {
		f := url.Values{"csrf_token": {csrf}, "version": {"2"}, "round": {"2"}, "quote": {quote}, "body": {body},
			"prefix": {"Çdo qendër siguron "}, "suffix": {" për"}, "return": {roundPath + "?view=table"}}
		if suggestion != "" {
			f.Set("suggestion", suggestion)
		}
		return formPage(t, rev, "/documents/"+itoa(r.id)+"/comments", f, 422)
	}

	// An empty comment: the message is on the comment, the words stay.
	doc := post(rvQuote, "  \r\n ", "")
	checkFieldError(t, doc, "c-body", "Write a comment or propose wording.")
	checkKept(t, doc, "c-quote", rvQuote)
	checkKept(t, doc, "c-prefix", "Çdo qendër siguron ")
	if byID(doc, "redline") == nil || find(doc, func(n *html.Node) bool { return isElem(n, "table") && hasClass(n, "comparative") }) == nil {
		t.Error("the page shown again is not the round's table view the form came from")
	}
	// Words not in the version: the message is on the words, the comment
	// and the proposal stay.
	doc = post("nuk ekziston", "Të shtohet larmia.\nEdhe cilësia.", "ushqim të larmishëm")
	checkFieldError(t, doc, "c-quote", "not in version 2")
	checkKept(t, doc, "c-body", "Të shtohet larmia.\nEdhe cilësia.")
	checkKept(t, doc, "c-suggestion", "ushqim të larmishëm")
	checkKept(t, doc, "c-quote", "nuk ekziston")
	// A control character in the proposal: the message is on it.
	doc = post(rvQuote, "Mirë", "ushqim\x07")
	checkFieldError(t, doc, "c-suggestion", "suggestion")
	if n := r.commentCount(); n != 0 {
		t.Errorf("refused comments wrote %d comments", n)
	}
	// Once fixed, the same form goes through.
	if res := rev.post("/documents/"+itoa(r.id)+"/comments", url.Values{"csrf_token": {csrf}, "version": {"2"}, "round": {"2"},
		"quote": {rvQuote}, "body": {"Mirë"}, "return": {roundPath}}); res.Status != http.StatusSeeOther {
		t.Errorf("fixed comment: %s", res)
	}
}

func TestFormErrors_ReplyAndDecisionShownAgain(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	r.openRound(2)
	cid := r.comment(1, 2, rvQuote, "Në nenin 1", nil)
	roundPath := "/documents/" + itoa(r.id) + "/rounds/1"
	ed, csrf := r.signedIn("arta", roundPath)
	form := func(kv ...string) url.Values {
		f := url.Values{"csrf_token": {csrf}, "return": {roundPath}}
		for i := 0; i < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	cs := itoa(cid)

	// A reply with an invisible character: the message is on the reply,
	// the text stays.
	doc := formPage(t, ed, "/comments/"+cs+"/reply", form("body", "Faleminderit\u200b"), 422)
	checkFieldError(t, doc, "reply-"+cs, "invisible character")
	checkKept(t, doc, "reply-"+cs, "Faleminderit\u200b")
	doc = formPage(t, ed, "/comments/"+cs+"/reply", form("body", "   "), 422)
	checkFieldError(t, doc, "reply-"+cs, "A reply needs some text.")

	// No decision chosen: the message is on the dropdown, which shows
	// "— choose —"; the reason stays.
	doc = formPage(t, ed, "/comments/"+cs+"/decision", form("decision", "", "reason", "Arsyeja e shkruar"), 422)
	checkFieldError(t, doc, "decision-"+cs, "Choose a decision")
	checkKept(t, doc, "decision-"+cs, "")
	checkKept(t, doc, "reason-"+cs, "Arsyeja e shkruar")
	// Not accepted without a reason: the message is on the reason, the
	// dropdown keeps "Not accepted".
	doc = formPage(t, ed, "/comments/"+cs+"/decision", form("decision", "rejected", "reason", " "), 422)
	checkFieldError(t, doc, "reason-"+cs, "Give the reason")
	checkKept(t, doc, "decision-"+cs, "rejected")

	res := must(t, r.api("GET", docPath(r.id, "/comments"), r.editor, nil), 200).object(t)
	c := res["comments"].([]any)[0].(map[string]any)
	if c["decision"] != "" || len(c["replies"].([]any)) != 0 {
		t.Errorf("refused forms wrote: decision %q, %d replies", c["decision"], len(c["replies"].([]any)))
	}
}

func TestFormErrors_OpenRoundShownAgain(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	docPage := "/documents/" + itoa(r.id)
	ed, csrf := r.signedIn("arta", docPage)
	doc := formPage(t, ed, docPage+"/rounds", url.Values{"csrf_token": {csrf}, "return": {docPage},
		"name": {"Konsultimi me ministrinë"}, "version": {"1"}, "due": {"31.02.2026"}}, 422)
	checkFieldError(t, doc, "round-due", "does not exist: February 2026 has 28 days")
	checkKept(t, doc, "round-due", "31.02.2026")
	checkKept(t, doc, "round-name", "Konsultimi me ministrinë")
	checkKept(t, doc, "round-version", "1")
	if d := find(doc, tagged("details")); d == nil || !hasAttr(d, "open") {
		t.Error("the open-round form is folded away on the page shown again")
	}
	if n := len(must(t, r.api("GET", docPath(r.id, "/rounds"), r.editor, nil), 200).object(t)["rounds"].([]any)); n != 0 {
		t.Errorf("a refused round form opened %d rounds", n)
	}
}

// A form whose return address is not a page of this site (or missing) gets
// the error page, never another site's or the API's answer.
func TestFormErrors_ReturnOnlyToOwnPages(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	docPage := "/documents/" + itoa(r.id)
	ed, csrf := r.signedIn("arta", docPage)
	for _, ret := range []string{"", "https://example.org/x", "//example.org/x", "/api/v1/documents", "/documents/../api/v1/documents", "/no/such/page"} {
		doc := formPage(t, ed, docPage+"/rounds", url.Values{"csrf_token": {csrf}, "return": {ret}, "due": {"x"}}, 422)
		if byID(doc, "round-due") != nil || !strings.Contains(textOf(doc), "dd.mm.yyyy") {
			t.Errorf("return %q: not the error page with the message", ret)
		}
	}
}
