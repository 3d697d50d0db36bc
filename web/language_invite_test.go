package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestInvitePagesInAlbanianAndSerbian: the inviting page (with a pending
// invitation, a notice with the link when mail is off, and a refused form)
// for an admin who chose sq, then sr; and the invitee's page in the
// language chosen for them, whatever the browser asks, with a refused
// form and the refusal of a spent link — no English word in any.
func TestInvitePagesInAlbanianAndSerbian(t *testing.T) {
	t.Parallel()
	e := inviteEnv(t, nil)
	for _, lang := range []string{"sq", "sr"} {
		must(t, e.api("PATCH", "/api/v1/users/me", e.admin, map[string]string{"language": lang}), 200)
		b := e.adminBrowser()
		csrf := b.csrf("/invitations")
		checkNoEnglish(t, lang, "/invitations (empty)", must(t, b.get("/invitations"), 200).Body)
		addr := "ftuar." + lang + "@example.org"
		r := must(t, b.post("/invitations", url.Values{"csrf_token": {csrf}, "email": {addr}, "language": {lang}}), 200)
		checkNoEnglish(t, lang, "/invitations after inviting", r.Body)
		checkNoEnglish(t, lang, "/invitations refused", must(t, b.post("/invitations", url.Values{"csrf_token": {csrf}, "email": {"jo adresë"}}), 422).Body)
		checkNoEnglish(t, lang, "/invitations with one pending", must(t, b.get("/invitations"), 200).Body)

		body := must(t, e.api("POST", "/api/v1/invitations", e.admin, map[string]string{"email": "tjeter." + lang + "@example.org", "language": lang}), 201).object(t)
		path := strings.TrimPrefix(body["link"].(string), e.srv.URL)
		invitee := e.browser()
		page := must(t, invitee.get(path), 200) // the browser asks nothing: the invitee's language
		checkNoEnglish(t, lang, "the invitation page", page.Body)
		token, _ := inputValue(parseHTML(t, page.Body), "csrf_token")
		form := url.Values{"csrf_token": {token}, "password": {goodInvitePassword}, "password2": {"tjetër"}}
		checkNoEnglish(t, lang, "the invitation page, passwords differ", must(t, invitee.post(path, form), 422).Body)
		form.Set("password", "short")
		form.Set("password2", "short")
		checkNoEnglish(t, lang, "the invitation page, short password", must(t, invitee.post(path, form), 422).Body)
		form.Set("password", goodInvitePassword)
		form.Set("password2", goodInvitePassword)
		must(t, invitee.post(path, form), 303)
		checkNoEnglish(t, lang, "a spent invitation", must(t, e.browser().get(path), 409).Body)
		req, _ := http.NewRequest("GET", e.srv.URL+"/invite/abc", nil)
		req.Header.Set("Accept-Language", lang)
		checkNoEnglish(t, lang, "a wrong invitation", must(t, e.browser().do(req), 404).Body)
	}
}
