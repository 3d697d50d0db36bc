package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"policydesk/drafts"
	"policydesk/notify"
	"policydesk/storage/sqldb"
	"policydesk/web"
)

// inboxEnv is the review environment with the inbox wired and a follower
// the test steps by hand.
type inboxEnv struct {
	*reviewEnv
	db     *sqldb.DB
	follow func()
}

func newInboxEnv(t *testing.T) *inboxEnv {
	t.Helper()
	var db *sqldb.DB
	r := newReviewEnv(t, func(s *web.Server, d *sqldb.DB, _ *drafts.Service) {
		s.Inbox, db = &notify.Inbox{Store: d}, d
	})
	f := notify.NewFollower(db, notify.Sources{Comments: db, Documents: db, Users: db, Rounds: db}, "test")
	return &inboxEnv{reviewEnv: r, db: db, follow: func() {
		t.Helper()
		for {
			n, err := f.Step(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				return
			}
		}
	}}
}

// commentAndReply opens a round in which the reviewer comments with body
// and the editor replies, follows the log, and returns the round and comment.
func (r *inboxEnv) commentAndReply(body string) (int, int64) {
	r.t.Helper()
	round := r.openRound(2)
	cid := r.comment(round, 2, rvQuote, body, nil)
	must(r.t, r.api("POST", "/api/v1/comments/"+itoa(cid)+"/replies", r.editor, map[string]any{"body": "Pranohet."}), 201)
	r.follow()
	return round, cid
}

func inboxItems(t *testing.T, r resp) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, it := range r.object(t)["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

// TestAPIInbox: a reviewer's comment and an editor's reply reach the other
// side's inbox, newest first with the unread count and the comment's
// address; read marks apply to one's own items only; paging is bounded.
func TestAPIInbox(t *testing.T) {
	t.Parallel()
	r := newInboxEnv(t)
	round, cid := r.commentAndReply("Të shtohet larmia, @arta.")

	res := must(t, r.api("GET", "/api/v1/inbox", r.editor, nil), 200)
	items := inboxItems(t, res)
	if len(items) != 1 || items[0]["kind"] != "mention" || res.object(t)["unread"].(float64) != 1 {
		t.Fatalf("editor's inbox: %s", res)
	}
	want := "/documents/" + itoa(r.id) + "/rounds/" + itoa(int64(round)) + "#comment-" + itoa(cid)
	if items[0]["url"] != want || items[0]["actor"] != "vjosa" || items[0]["document_title"] != "Rregullore për qendrat ditore" {
		t.Fatalf("item = %v, want url %s by vjosa", items[0], want)
	}
	rev := inboxItems(t, must(t, r.api("GET", "/api/v1/inbox", r.reviewer, nil), 200))
	if len(rev) != 1 || rev[0]["kind"] != "reply" || rev[0]["actor"] != "arta" {
		t.Fatalf("reviewer's inbox: %v", rev)
	}

	// Someone else's id marks nothing; one's own does.
	id := items[0]["id"]
	if m := must(t, r.api("POST", "/api/v1/inbox/read", r.reviewer, map[string]any{"ids": []any{id}}), 200).object(t); m["marked"].(float64) != 0 {
		t.Fatalf("the reviewer marked the editor's item: %v", m)
	}
	if m := must(t, r.api("POST", "/api/v1/inbox/read", r.editor, map[string]any{"ids": []any{id}}), 200).object(t); m["marked"].(float64) != 1 || m["unread"].(float64) != 0 {
		t.Fatalf("marking one's own item: %v", m)
	}
	if m := must(t, r.api("POST", "/api/v1/inbox/read", r.reviewer, map[string]any{"all": true}), 200).object(t); m["marked"].(float64) != 1 {
		t.Fatalf("marking all: %v", m)
	}
	for bad, status := range map[string]int{`{}`: 422, `{"all": true, "ids": [1]}`: 422, `{"ids": "x"}`: 422} {
		before := r.counts(r.id)
		checkError(t, must(t, r.raw("POST", "/api/v1/inbox/read", r.editor, "application/json", []byte(bad)), status))
		if after := r.counts(r.id); after != before {
			t.Fatalf("a refused mark wrote something")
		}
	}
	for _, q := range []string{"?limit=101", "?limit=0", "?offset=-1", "?limit=x"} {
		checkError(t, must(t, r.api("GET", "/api/v1/inbox"+q, r.editor, nil), 422))
	}
	if p := must(t, r.api("GET", "/api/v1/inbox?limit=1&offset=1", r.editor, nil), 200).object(t); len(p["items"].([]any)) != 0 || p["total"].(float64) != 1 {
		t.Fatalf("second page of one: %v", p)
	}
	checkError(t, must(t, r.api("GET", "/api/v1/inbox", "", nil), 401))
}

// TestAPIMentionRefused: a mention of no such user or of one who may not
// read the document is refused naming the login, and writes nothing.
func TestAPIMentionRefused(t *testing.T) {
	t.Parallel()
	r := newInboxEnv(t)
	round := r.openRound(2)
	for body, login := range map[string]string{"Shiko @lulzim.": "@lulzim", "Pyet @askush": "@askush"} {
		before := r.counts(r.id)
		res := must(t, r.api("POST", docPath(r.id, "/comments"), r.reviewer, map[string]any{"version": 2, "round": round, "quote": rvQuote, "body": body}), 422)
		checkError(t, res)
		if msg := res.object(t)["error"].(map[string]any)["message"].(string); !strings.Contains(msg, login) {
			t.Errorf("refusal of %q does not name %s: %s", body, login, msg)
		}
		if after := r.counts(r.id); after != before {
			t.Fatalf("a refused mention wrote: %+v → %+v", before, after)
		}
	}
	// An e-mail address is no mention.
	r.comment(round, 2, rvQuote, "Shkruani te lulzim@example.org.", nil)
}

// TestAPIMailSetting: PATCH /users/me sets the mail setting and address,
// refusing what is not one.
func TestAPIMailSetting(t *testing.T) {
	t.Parallel()
	r := newInboxEnv(t)
	res := must(t, r.api("PATCH", "/api/v1/users/me", r.reviewer, map[string]any{"mail": "digest", "email": "vjosa@example.org"}), 200).object(t)
	if res["mail"] != "digest" || res["email"] != "vjosa@example.org" {
		t.Fatalf("answer: %v", res)
	}
	checkError(t, must(t, r.api("PATCH", "/api/v1/users/me", r.reviewer, map[string]any{"mail": "weekly"}), 422))
	checkError(t, must(t, r.api("PATCH", "/api/v1/users/me", r.reviewer, map[string]any{"email": "not an address"}), 422))
	checkError(t, must(t, r.api("PATCH", "/api/v1/users/me", r.reviewer, map[string]any{"mail": "off", "language": "sq"}), 422))
	b := r.browser()
	b.login("vjosa", userPassword, "")
	page := parseHTML(t, must(t, b.get("/account/password"), 200).Body)
	checked := find(page, func(n *html.Node) bool {
		return isElem(n, "input") && attr(n, "name") == "mail" && hasAttr(n, "checked")
	})
	if checked == nil || attr(checked, "value") != "digest" {
		t.Fatalf("the account page does not show the digest chosen")
	}
	r2 := b.post("/account/mail", url.Values{"mail": {"off"}, "email": {""}, "csrf_token": {b.csrf("/account/password")}})
	if r2.Status != 303 {
		t.Fatalf("saving the mail setting: %d %s", r2.Status, r2)
	}
	if res := must(t, r.api("PATCH", "/api/v1/users/me", r.reviewer, map[string]any{"mail": "off"}), 200).object(t); res["email"] != "" {
		t.Fatalf("the address was not removed: %v", res)
	}
}

// TestInboxPage: "/" leads to the inbox, which lists a reply as a sentence
// linking to the comment on its round page; the header counts the unread
// items on every page; marking read empties the count.
func TestInboxPage(t *testing.T) {
	t.Parallel()
	r := newInboxEnv(t)
	round, cid := r.commentAndReply("Të shtohet larmia.")
	b := r.browser()
	b.login("vjosa", userPassword, "")
	if res := b.get("/"); res.Status != 303 || res.Header.Get("Location") != "/inbox" {
		t.Fatalf("/ → %d %s", res.Status, res.Header.Get("Location"))
	}
	doc := parseHTML(t, must(t, b.get("/inbox"), 200).Body)
	items := findAll(doc, func(n *html.Node) bool { return hasClass(n, "inbox-item") })
	if len(items) != 1 || !hasClass(items[0], "unread") || !strings.Contains(textOf(items[0]), "ARTA replied in a thread you are in on") {
		t.Fatalf("inbox items: %d %q", len(items), textOf(doc))
	}
	link := find(items[0], tagged("a"))
	if want := "/documents/" + itoa(r.id) + "/rounds/" + itoa(int64(round)) + "#comment-" + itoa(cid); attr(link, "href") != want || attr(link, "lang") != "sq" {
		t.Fatalf("link %q lang %q, want %s", attr(link, "href"), attr(link, "lang"), want)
	}
	for _, p := range []string{"/inbox", "/documents", docPathPage(r.id)} {
		if c := byID(parseHTML(t, must(t, b.get(p), 200).Body), "unread-count"); c == nil || !strings.HasPrefix(textOf(c), "1") {
			t.Fatalf("%s: no unread count 1 in the header", p)
		}
	}
	id := attr(find(items[0], func(n *html.Node) bool { return isElem(n, "input") && attr(n, "name") == "id" }), "value")
	if res := b.post("/inbox/read", url.Values{"id": {id}, "csrf_token": {b.csrf("/inbox")}}); res.Status != 303 {
		t.Fatalf("mark read: %d", res.Status)
	}
	doc = parseHTML(t, must(t, b.get("/inbox"), 200).Body)
	if byID(doc, "unread-count") != nil || find(doc, func(n *html.Node) bool { return hasClass(n, "unread") }) != nil {
		t.Fatalf("still unread after marking read")
	}
}

func docPathPage(id int64) string { return "/documents/" + itoa(id) }

// TestInboxPageInAlbanianAndSerbian: the inbox and the account page's mail
// setting show no English in sq and sr.
func TestInboxPageInAlbanianAndSerbian(t *testing.T) {
	t.Parallel()
	r := newInboxEnv(t)
	_, cid := r.commentAndReply("Të shtohet larmia, @arta.")
	must(t, r.api("POST", "/api/v1/comments/"+itoa(cid)+"/decision", r.editor, map[string]any{"decision": "accepted"}), 200)
	r.follow()
	for _, lang := range []string{"sq", "sr"} {
		// The reviewer has a reply and a decision, the editor a mention.
		for login, token := range map[string]string{"vjosa": r.reviewer, "arta": r.editor} {
			must(t, r.api("PATCH", "/api/v1/users/me", token, map[string]string{"language": lang}), 200)
			b := r.browser()
			b.login(login, userPassword, "")
			for _, p := range []string{"/inbox", "/account/password"} {
				checkNoEnglish(t, lang, login+" "+p, must(t, b.get(p), 200).Body)
			}
		}
		// A refused mention on the round's page, in the reviewer's language.
		b := r.browser()
		b.login("vjosa", userPassword, "")
		roundPage := "/documents/" + itoa(r.id) + "/rounds/1"
		res := must(t, b.post("/documents/"+itoa(r.id)+"/comments", url.Values{"csrf_token": {b.csrf(roundPage)}, "round": {"1"},
			"version": {"2"}, "quote": {rvQuote}, "body": {"Shiko @lulzim"}}), 422)
		checkNoEnglish(t, lang, "refused mention", res.Body)
		if say := map[string]string{"sq": "@lulzim nuk ka të drejtë", "sr": "@lulzim nema pravo"}[lang]; !strings.Contains(string(res.Body), say) {
			t.Errorf("%s: the refusal does not say %q", lang, say)
		}
	}
}
