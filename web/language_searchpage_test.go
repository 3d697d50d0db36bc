package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestSynonymsPage: the admin page lists the groups and its forms add,
// refuse (422, the form shown again with the reason) and remove; others
// are refused; the page and the search page's new parts read in sq and sr
// without English.
func TestSynonymsPage(t *testing.T) {
	t.Parallel()
	e := newSearchEnv(t)
	e.create(e.admin, "Memorandum i Mirëkuptimit me Bonevet", "mou", "sq", "internal",
		"# M\n\n## Neni 1\n\nKomuna Bonevet.\n\n## Neni 2\n\nBonevet.\n")
	e.drain()
	staff := e.browser()
	e.user("besa", "staff")
	staff.login("besa", userPassword, "")
	must(t, staff.get("/admin/synonyms"), 403)

	b := e.adminBrowser()
	doc := parseHTML(t, must(t, b.get("/admin/synonyms"), 200).Body)
	if byID(doc, "group-mou") == nil || byID(doc, "synonyms-new") == nil {
		t.Fatal("the page lacks the mou group or the add form")
	}
	csrf := b.csrf("/admin/synonyms")
	refused := must(t, b.post("/admin/synonyms", url.Values{"csrf_token": {csrf}, "return": {"/admin/synonyms"}, "new": {"1"},
		"action": {"put"}, "id": {"dps"}, "terms": {"DPS"}}), 422)
	if !strings.Contains(string(refused.Body), "2 to 20 different terms") {
		t.Errorf("the refusal does not say why")
	}
	r := b.post("/admin/synonyms", url.Values{"csrf_token": {csrf}, "return": {"/admin/synonyms"}, "new": {"1"},
		"action": {"put"}, "id": {"dps"}, "terms": {"DPS\r\nDepartamenti i Punës Sociale\r\n"}})
	if r.Status != 303 {
		t.Fatalf("add: status %d", r.Status)
	}
	doc = parseHTML(t, must(t, b.get("/admin/synonyms?done=put&id=dps"), 200).Body)
	if g := byID(doc, "group-dps"); g == nil || !strings.Contains(textOf(g), "Departamenti i Punës Sociale") {
		t.Error("the added group is not listed")
	}
	if r := b.post("/admin/synonyms", url.Values{"csrf_token": {csrf}, "return": {"/admin/synonyms"}, "action": {"delete"}, "id": {"dps"}}); r.Status != 303 {
		t.Fatalf("remove: status %d", r.Status)
	}
	if byID(parseHTML(t, must(t, b.get("/admin/synonyms"), 200).Body), "group-dps") != nil {
		t.Error("the removed group is still listed")
	}

	for _, lang := range []string{"sq", "sr"} {
		must(t, e.api("PATCH", "/api/v1/users/me", e.admin, map[string]string{"language": lang}), 200)
		for _, p := range []string{"/admin/synonyms", "/search?q=MoU+Bonevet+zyrtar", "/search?q=bonevet&kind=mou", "/search?q=bonevet&document=1&group=article", "/documents/1?hl=bonevet"} {
			checkEditPage(t, lang, p, must(t, b.get(p), 200).Body)
		}
	}
}
