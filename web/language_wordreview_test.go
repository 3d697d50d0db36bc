package web_test

import (
	"testing"

	"golang.org/x/net/html"
)

// TestWordReviewPagesInAlbanianAndSerbian: the round page with its import
// form and the page that says what a Word import made show no English word
// to an editor who chose sq, then sr.
func TestWordReviewPagesInAlbanianAndSerbian(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	round := r.roundWithVjosa()
	roundPath := "/documents/" + itoa(r.id) + "/rounds/" + itoa(int64(round))
	for _, lang := range []string{"sq", "sr"} {
		must(t, r.api("PATCH", "/api/v1/users/me", r.editor, map[string]string{"language": lang}), 200)
		b := r.browser()
		b.login("arta", userPassword, "")
		body := must(t, b.get(roundPath), 200).Body
		checkNoEnglish(t, lang, roundPath, body)
		in := find(byID(parseHTML(t, body), "word-import-form"), func(n *html.Node) bool { return attr(n, "name") == "csrf_token" })
		token := attr(in, "value")
		res := must(t, b.postMultipart(roundPath+"/import", field("csrf_token", token), field("reviewer", "vjosa"), file("r.docx", wordReviewOfV2(t, lang))), 201)
		checkNoEnglish(t, lang, roundPath+"/import", res.Body)
	}
}
