package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestReviewerPagesInAlbanianAndSerbian: the round page with its
// reviewers' table, extension history and forms (for the editor, and with
// a refused extension shown again), the document page's round form with
// the reviewers field, and a reviewer's round page ("I have finished") and
// inbox (rounds waiting, round items) show no English in sq and sr.
func TestReviewerPagesInAlbanianAndSerbian(t *testing.T) {
	t.Parallel()
	r := newInboxEnv(t)
	res := must(t, r.api("POST", docPath(r.id, "/rounds"), r.editor, map[string]any{"version": 2, "name": "Konsultimi", "due": "2000-01-03",
		"reviewers": []string{"vjosa", "lulzim"}, "instructions": "Shikoni nenin 2."}), 201)
	round := "/documents/" + itoa(r.id) + "/rounds/" + itoa(int64(res.object(t)["number"].(float64)))
	must(t, r.api("POST", docPath(r.id, "/rounds/1/extend"), r.editor, map[string]any{"due": "2000-01-10", "reason": "Kërkesë e ministrisë."}), 200)
	must(t, r.api("POST", docPath(r.id, "/rounds/1/done"), r.reviewer, nil), 200)
	r.follow()
	refusedText := map[string]string{"sq": "Shënoni arsyen e zgjatjes", "sr": "Navedite obrazloženje za produženje"}
	for _, lang := range []string{"sq", "sr"} {
		for _, tok := range []string{r.editor, r.reviewer} {
			must(t, r.api("PATCH", "/api/v1/users/me", tok, map[string]string{"language": lang}), 200)
		}
		ed, csrf := r.signedIn("arta", round)
		for _, p := range []string{round, "/documents/" + itoa(r.id)} {
			checkNoEnglish(t, lang, "editor "+p, must(t, ed.get(p), 200).Body)
		}
		refused := must(t, ed.post(round+"/extend", url.Values{"csrf_token": {csrf}, "return": {round}, "due": {"20.01.2000"}}), 422).Body
		checkNoEnglish(t, lang, "refused extension", refused)
		if !strings.Contains(string(refused), refusedText[lang]) {
			t.Errorf("%s: the refused extension does not say why in the language", lang)
		}
		rv := r.browser()
		rv.login("vjosa", userPassword, "")
		for _, p := range []string{round, "/inbox"} {
			body := must(t, rv.get(p), 200).Body
			checkNoEnglish(t, lang, "reviewer "+p, body)
		}
	}
}
