package web_test

import (
	"cmp"
	"golang.org/x/net/html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"policydesk/drafts"
	"policydesk/notify"
	"policydesk/storage/sqldb"
	"policydesk/timefmt"
	"policydesk/web"
)

// inviteEnv is a server whose invitations are mailed into q (mail on), or,
// with q nil, a server with mail off.
func inviteEnv(t *testing.T, q *memQueue) *env {
	t.Helper()
	return newEnv(t, func(s *web.Server, db *sqldb.DB, _ *drafts.Service) {
		s.Inbox = &notify.Inbox{Store: db}
		if q == nil {
			return
		}
		render, err := web.NewMailRenderer("https://policydesk.example.org/", "sq", timefmt.Kosovo())
		if err != nil {
			t.Fatal(err)
		}
		s.Accounts.InvitationMail = &web.InvitationMailer{Render: render, Queue: q}
	})
}

// linkIn is the invitation link in a mail's text.
func linkIn(t *testing.T, text string) string {
	t.Helper()
	i := strings.Index(text, "https://policydesk.example.org/invite/")
	if i < 0 {
		t.Fatalf("no invitation link in:\n%s", text)
	}
	return strings.Fields(text[i:])[0]
}

// TestAPIInvite: an editor invites by e-mail; the answer has the account
// and the expiry but not the link, which only the mail carries — in the
// invitee's language (else the installation's), absolute, with no image.
// A reviewer may not invite, an editor may not give another role, a used
// address is refused naming its account, a bad one says why.
func TestAPIInvite(t *testing.T) {
	t.Parallel()
	q := &memQueue{}
	e := inviteEnv(t, q)
	editor := e.user("arta", "editor")
	subjects := map[string]string{"sq": "ARTA ju fton në Policy Desk", "sr": "ARTA vas poziva u Policy Desk", "en": "ARTA invites you to Policy Desk"}
	for _, lang := range []string{"sq", "sr", "en", ""} {
		addr := "drita." + cmp.Or(lang, "default") + "@example.org"
		r := must(t, e.api("POST", "/api/v1/invitations", editor, map[string]string{"email": addr, "name": "Drita", "organisation": "MPMS", "language": lang}), 201)
		body := r.object(t)
		keys(t, "invitation", body, "user", "email", "invited_by", "expires_at")
		user := body["user"].(map[string]any)
		if user["role"] != "reviewer" || user["invited"] != true || user["login"] != strings.TrimSuffix(addr, "@example.org") {
			t.Errorf("invited user %v", user)
		}
		mails := q.to(addr)
		if len(mails) != 1 {
			t.Fatalf("%s: %d mails", addr, len(mails))
		}
		m := mails[0]
		link := linkIn(t, m.Text)
		if strings.Contains(string(r.Body), strings.TrimPrefix(link, "https://policydesk.example.org/invite/")) {
			t.Errorf("the API answer holds the token: %s", r)
		}
		want := lang
		if want == "" {
			want = "sq" // the installation's language
		}
		if m.Subject != subjects[want] || !strings.Contains(m.HTML, `lang="`+want+`"`) || !strings.Contains(m.HTML, `href="`+link+`"`) {
			t.Errorf("%s: subject %q, HTML:\n%s", lang, m.Subject, m.HTML)
		}
		if strings.Contains(m.HTML, "<img") || strings.Contains(m.HTML, "src=") || strings.Contains(m.HTML, `href="/`) {
			t.Errorf("%s: an image or a relative link:\n%s", lang, m.HTML)
		}
		if !strings.HasPrefix(m.Key, "invite:") || !strings.Contains(m.Text, "Drita") {
			t.Errorf("key %q, text:\n%s", m.Key, m.Text)
		}
	}
	reviewer := e.user("vjosa", "reviewer")
	if code := checkError(t, must(t, e.api("POST", "/api/v1/invitations", reviewer, map[string]string{"email": "x@example.org"}), 403)); code != "forbidden" {
		t.Errorf("reviewer: %s", code)
	}
	must(t, e.api("POST", "/api/v1/invitations", editor, map[string]string{"email": "x@example.org", "role": "admin"}), 403)
	must(t, e.api("PATCH", "/api/v1/users/me", reviewer, map[string]any{"email": "vjosa@example.org"}), 200)
	r := must(t, e.api("POST", "/api/v1/invitations", editor, map[string]string{"email": "VJOSA@example.org"}), 409)
	if !strings.Contains(string(r.Body), "vjosa") {
		t.Errorf("the refusal does not name the account: %s", r)
	}
	must(t, e.api("POST", "/api/v1/invitations", editor, map[string]string{"email": "no address"}), 422)
	must(t, e.api("POST", "/api/v1/invitations", e.admin, map[string]string{"email": "ed@example.org", "role": "editor"}), 201)
	list := must(t, e.api("GET", "/api/v1/invitations", editor, nil), 200).object(t)["invitations"].([]any)
	if len(list) != 5 {
		t.Errorf("%d pending invitations, want 5", len(list))
	}
	must(t, e.api("GET", "/api/v1/invitations", reviewer, nil), 403)
}

// TestInvitationWithMailOff: the answer carries the link for the inviter
// to pass on; the page behind it speaks the invitee's language, refuses a
// form without its token and two different passwords, then logs the
// invitee in and sends them to the inbox; the link then is spent.
func TestInvitationWithMailOff(t *testing.T) {
	t.Parallel()
	e := inviteEnv(t, nil)
	editor := e.user("arta", "editor")
	body := must(t, e.api("POST", "/api/v1/invitations", editor, map[string]string{"email": "besa@example.org", "name": "Besa Gashi", "language": "sr"}), 201).object(t)
	link, _ := body["link"].(string)
	if !strings.HasPrefix(link, e.srv.URL+"/invite/") {
		t.Fatalf("link %q", link)
	}
	path := strings.TrimPrefix(link, e.srv.URL)
	b := e.browser()
	page := must(t, b.get(path), 200)
	if page.Header.Get("Content-Language") != "sr" || !strings.Contains(textOf(parseHTML(t, page.Body)), "Besa Gashi") {
		t.Fatalf("the invitation page: %s", page)
	}
	token, _ := inputValue(parseHTML(t, page.Body), "csrf_token")
	form := url.Values{"password": {goodInvitePassword}, "password2": {goodInvitePassword}}
	must(t, b.post(path, form), 403) // no token: refused
	form.Set("csrf_token", token)
	form.Set("password2", goodInvitePassword+"x")
	must(t, b.post(path, form), 422)
	form.Set("password2", "short")
	form.Set("password", "short")
	must(t, b.post(path, form), 422)
	form.Set("password", goodInvitePassword)
	form.Set("password2", goodInvitePassword)
	r := must(t, b.post(path, form), 303)
	if r.Header.Get("Location") != "/inbox" || b.session() == "" {
		t.Fatalf("after accepting: %s", r)
	}
	me := must(t, b.get("/api/v1/users/me"), 200).object(t)
	if me["login"] != "besa" || me["invited"] != nil {
		t.Errorf("me = %v", me)
	}
	if r := b.get(path); r.Status != http.StatusConflict {
		t.Errorf("the spent link: %s", r)
	}
	if r := e.browser().get("/invite/not-a-token"); r.Status != http.StatusNotFound {
		t.Errorf("a wrong link: %s", r)
	}
	e.login("besa", goodInvitePassword)
}

const goodInvitePassword = "mëngjes i qetë në Prizren"

// TestInvitationsPage: an editor invites from the page, sees the pending
// invitation and sends a new link (a second mail); a reviewer may not
// open the page; the users page marks the invited account.
func TestInvitationsPage(t *testing.T) {
	t.Parallel()
	q := &memQueue{}
	e := inviteEnv(t, q)
	e.user("arta", "editor")
	b := e.browser()
	b.login("arta", userPassword, "/invitations")
	csrf := b.csrf("/invitations")
	r := must(t, b.post("/invitations", url.Values{"csrf_token": {csrf}, "email": {"besa@example.org"}, "name": {"Besa"}}), 200)
	text := textOf(parseHTML(t, r.Body))
	if !strings.Contains(text, "besa@example.org is on its way") || len(q.to("besa@example.org")) != 1 {
		t.Fatalf("after inviting: %s", text)
	}
	r = must(t, b.post("/invitations", url.Values{"csrf_token": {csrf}, "email": {"not an address"}}), 422)
	if !strings.Contains(textOf(parseHTML(t, r.Body)), "is not an e-mail address") {
		t.Errorf("refusal not shown")
	}
	must(t, b.post("/invitations/besa/resend", url.Values{"csrf_token": {csrf}}), 200)
	if mails := q.to("besa@example.org"); len(mails) != 2 || linkIn(t, mails[0].Text) == linkIn(t, mails[1].Text) {
		t.Errorf("resend: %d mails", len(mails))
	}
	users := textOf(parseHTML(t, must(t, e.adminBrowser().get("/users"), 200).Body))
	if !strings.Contains(users, "invited") {
		t.Errorf("the users page does not mark the invited account")
	}
	e.user("vjosa", "reviewer")
	rb := e.browser()
	rb.login("vjosa", userPassword, "/")
	must(t, rb.get("/invitations"), 403)
}

// TestHeaderLinksToInvitations: whoever may invite finds the invitations
// page in the header (a legal expert as a link, an administrator in the
// Administration menu); a reviewer, who may not, has no such link.
func TestHeaderLinksToInvitations(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user("drita", "editor")
	e.user("besa", "reviewer")
	for login, want := range map[string]bool{"drita": true, "besa": false, "admin": true} {
		b := e.browser()
		b.login(login, map[bool]string{true: adminPassword, false: userPassword}[login == "admin"], "")
		header := findAll(parseHTML(t, must(t, b.get("/documents"), 200).Body), tagged("header"))
		if len(header) != 1 {
			t.Fatalf("%s: %d headers", login, len(header))
		}
		links := findAll(header[0], func(n *html.Node) bool { return isElem(n, "a") && attr(n, "href") == "/invitations" })
		if got := len(links) == 1; got != want {
			t.Errorf("%s: a link to /invitations in the header: %v, want %v", login, got, want)
		}
	}
}
