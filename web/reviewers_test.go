package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// roundJSON is a round as GET /documents/{id}/rounds/{n} answers it.
func (r *inboxEnv) roundDetail(round int) map[string]any {
	r.t.Helper()
	return must(r.t, r.api("GET", docPath(r.id, "/rounds/"+itoa(int64(round))), r.editor, nil), 200).object(r.t)
}

// reviewerStatus lists a round's reviewers as "login:status:comments".
func reviewerStatus(round map[string]any) []string {
	var out []string
	list, _ := round["reviewers"].([]any)
	for _, v := range list {
		m := v.(map[string]any)
		out = append(out, m["login"].(string)+":"+m["status"].(string)+":"+itoa(int64(m["comments"].(float64))))
	}
	return out
}

func wantError(t *testing.T, what string, res resp, status int, code string) {
	t.Helper()
	if res.Status != status {
		t.Errorf("%s: status %d, want %d: %s", what, res.Status, status, res)
		return
	}
	if got := checkError(t, res); got != code {
		t.Errorf("%s: code %q, want %q", what, got, code)
	}
}

// TestAPIRoundReviewers: bad logins and a reviewer the opener may not
// share the document with refuse the round and write nothing; a reviewer
// who may not read is shared it by an opener who may; statuses, comment
// counts, done and its undo, adding and removing reviewers, all refused to
// non-editors (403).
func TestAPIRoundReviewers(t *testing.T) {
	t.Parallel()
	r := newInboxEnv(t)
	besa := r.user("besa", "editor") // edits the internal document, may not share it
	r.user("arben", "reviewer")      // may not read it
	rounds := docPath(r.id, "/rounds")

	wantError(t, "unknown login", r.api("POST", rounds, r.editor, map[string]any{"reviewers": []string{"vjosa", "nobody"}}), 422, "invalid")
	wantError(t, "reviewers not a list", r.api("POST", rounds, r.editor, map[string]any{"reviewers": "vjosa"}), 422, "invalid")
	wantError(t, "long instructions", r.api("POST", rounds, r.editor, map[string]any{"reviewers": []string{"vjosa"},
		"instructions": strings.Repeat("a", 5001)}), 422, "invalid")
	res := r.api("POST", rounds, besa, map[string]any{"reviewers": []string{"arben"}})
	wantError(t, "reviewer who may not read", res, 403, "forbidden")
	if !strings.Contains(string(res.Body), "arben may not read this document") {
		t.Errorf("refusal does not say who: %s", res)
	}
	wantError(t, "a reviewer opening a round", r.api("POST", rounds, r.reviewer, map[string]any{"reviewers": []string{"vjosa"}}), 403, "forbidden")
	if list := must(t, r.api("GET", rounds, r.editor, nil), 200).object(t)["rounds"].([]any); len(list) != 0 {
		t.Fatalf("a refused round was written: %v", list)
	}

	res = must(t, r.api("POST", rounds, r.editor, map[string]any{"name": "Konsultimi", "version": 2, "due": "31.12.2026",
		"reviewers": []string{"vjosa", "lulzim"}, "instructions": "Shikoni nenin 2."}), 201)
	round := int(res.object(t)["number"].(float64))
	n := "/rounds/" + itoa(int64(round))
	if members := string(must(t, r.api("GET", docPath(r.id, "/members"), r.editor, nil), 200).Body); !strings.Contains(members, `"lulzim"`) {
		t.Errorf("lulzim, named a reviewer, was not shared the document: %s", members)
	}
	detail := r.roundDetail(round)
	if got := strings.Join(reviewerStatus(detail), " "); got != "lulzim:invited:0 vjosa:invited:0" || detail["instructions"] != "Shikoni nenin 2." {
		t.Errorf("round = %v, reviewers %s", detail, got)
	}

	own := must(t, r.api("GET", docPath(r.id, n), r.reviewer, nil), 200).object(t)
	if got := strings.Join(reviewerStatus(own), " "); got != "vjosa:invited:0" {
		t.Errorf("a reviewer sees the reviewers %s, want only herself", got)
	}

	// Reviewers: opened (the page), commenting, done, undone.
	b := r.browser()
	b.login("vjosa", userPassword, "")
	must(t, b.get("/documents/"+itoa(r.id)+n), 200)
	if got := strings.Join(reviewerStatus(r.roundDetail(round)), " "); got != "lulzim:invited:0 vjosa:opened:0" {
		t.Errorf("after vjosa opened the round's page: %s", got)
	}
	r.comment(round, 2, rvQuote, "Pse jo @arta?", nil)
	if got := strings.Join(reviewerStatus(r.roundDetail(round)), " "); got != "lulzim:invited:0 vjosa:commenting:1" {
		t.Errorf("after vjosa commented: %s", got)
	}
	must(t, r.api("POST", docPath(r.id, n+"/done"), r.reviewer, nil), 200)
	if got := strings.Join(reviewerStatus(r.roundDetail(round)), " "); got != "lulzim:invited:0 vjosa:done:1" {
		t.Errorf("after done: %s", got)
	}
	must(t, r.api("DELETE", docPath(r.id, n+"/done"), r.reviewer, nil), 200)
	if got := strings.Join(reviewerStatus(r.roundDetail(round)), " "); got != "lulzim:invited:0 vjosa:commenting:1" {
		t.Errorf("after undoing done: %s", got)
	}
	wantError(t, "done by a non-reviewer", r.api("POST", docPath(r.id, n+"/done"), r.editor, nil), 403, "forbidden")

	// Adding and removing reviewers: editors only.
	wantError(t, "a reviewer adding", r.api("PUT", docPath(r.id, n+"/reviewers/arben"), r.reviewer, nil), 403, "forbidden")
	wantError(t, "a reviewer removing", r.api("DELETE", docPath(r.id, n+"/reviewers/lulzim"), r.reviewer, nil), 403, "forbidden")
	wantError(t, "adding an unknown login", r.api("PUT", docPath(r.id, n+"/reviewers/nobody"), r.editor, nil), 422, "invalid")
	wantError(t, "besa adding arben", r.api("PUT", docPath(r.id, n+"/reviewers/arben"), besa, nil), 403, "forbidden")
	must(t, r.api("PUT", docPath(r.id, n+"/reviewers/arben"), r.editor, nil), 200)
	must(t, r.api("DELETE", docPath(r.id, n+"/reviewers/lulzim"), r.editor, nil), 200)
	wantError(t, "removing twice", r.api("DELETE", docPath(r.id, n+"/reviewers/lulzim"), r.editor, nil), 404, "not_found")
	if got := strings.Join(reviewerStatus(r.roundDetail(round)), " "); got != "arben:invited:0 vjosa:commenting:1" {
		t.Errorf("after adding arben and removing lulzim: %s", got)
	}
	must(t, r.api("POST", docPath(r.id, n+"/close"), r.editor, nil), 200)
	wantError(t, "done in a closed round", r.api("POST", docPath(r.id, n+"/done"), r.reviewer, nil), 409, "conflict")
	wantError(t, "adding to a closed round", r.api("PUT", docPath(r.id, n+"/reviewers/lulzim"), r.editor, nil), 409, "conflict")
}

// TestAPIExtendRound: an extension needs a reason and a later date (or a
// number of working days after the current one), non-editors may not
// extend, and the round keeps the history.
func TestAPIExtendRound(t *testing.T) {
	t.Parallel()
	r := newInboxEnv(t)
	res := must(t, r.api("POST", docPath(r.id, "/rounds"), r.editor, map[string]any{"version": 2, "due": "2026-12-24", "reviewers": []string{"vjosa"}}), 201)
	round := int(res.object(t)["number"].(float64))
	extend := docPath(r.id, "/rounds/"+itoa(int64(round))+"/extend")
	for what, body := range map[string]any{
		"nothing":          map[string]any{},
		"no reason":        map[string]any{"due": "2027-01-10"},
		"blank reason":     map[string]any{"due": "2027-01-10", "reason": " \n "},
		"earlier":          map[string]any{"due": "20.12.2026", "reason": "Kohë."},
		"the same day":     map[string]any{"due": "24.12.2026", "reason": "Kohë."},
		"not a date":       map[string]any{"due": "31.02.2027", "reason": "Kohë."},
		"both":             map[string]any{"due": "2027-01-10", "working_days": 5, "reason": "Kohë."},
		"negative days":    map[string]any{"working_days": -3, "reason": "Kohë."},
		"too many days":    map[string]any{"working_days": 100000, "reason": "Kohë."},
		"long reason":      map[string]any{"due": "2027-01-10", "reason": strings.Repeat("a", 1001)},
		"control in reson": map[string]any{"due": "2027-01-10", "reason": "a\x00b"},
	} {
		if res := r.api("POST", extend, r.editor, body); res.Status != 422 {
			t.Errorf("%s: status %d, want 422: %s", what, res.Status, res)
		}
	}
	wantError(t, "unknown field", r.api("POST", extend, r.editor, map[string]any{"until": "2027-01-10", "reason": "x"}), 422, "invalid")
	wantError(t, "a reviewer extending", r.api("POST", extend, r.reviewer, map[string]any{"due": "2027-01-10", "reason": "Kohë."}), 403, "forbidden")
	if due := r.roundDetail(round)["due"]; due != "2026-12-24" {
		t.Fatalf("refused extensions moved the due date to %v", due)
	}
	// 5 working days after Thursday 24.12.2026: 25.12 and 1.1 are
	// holidays, 2.1 (a Saturday) moves to Monday 4.1, so 28, 29, 30,
	// 31.12 and 5.1.
	got := must(t, r.api("POST", extend, r.editor, map[string]any{"working_days": 5, "reason": "Kërkesë e ministrisë."}), 200).object(t)
	if got["due"] != "2027-01-05" {
		t.Errorf("due after 5 working days = %v, want 2027-01-04", got["due"])
	}
	must(t, r.api("POST", extend, r.editor, map[string]any{"due": "15.01.2027", "reason": "Edhe pak."}), 200)
	exts := r.roundDetail(round)["extensions"].([]any)
	if len(exts) != 2 {
		t.Fatalf("extensions = %v", exts)
	}
	first, second := exts[0].(map[string]any), exts[1].(map[string]any)
	if first["old_due"] != "2026-12-24" || first["new_due"] != "2027-01-05" || first["reason"] != "Kërkesë e ministrisë." || first["by"] != "arta" ||
		second["old_due"] != "2027-01-05" || second["new_due"] != "2027-01-15" {
		t.Errorf("history = %v", exts)
	}
	audit := string(must(t, r.api("GET", "/api/v1/audit?action=round.extend", r.admin, nil), 200).Body)
	if !strings.Contains(audit, "because: Edhe pak.") {
		t.Errorf("the extension's reason is not in the audit log: %s", audit)
	}
	page := string(must(t, r.signedInGet("arta", "/documents/"+itoa(r.id)+"/rounds/"+itoa(int64(round))), 200).Body)
	if !strings.Contains(page, "Kërkesë e ministrisë.") || !strings.Contains(page, `id="extend-round"`) || !strings.Contains(page, `id="reviewers-table"`) {
		t.Errorf("the round page lacks the history, the extend form or the status table")
	}
}

// signedInGet fetches a page as login.
func (r *inboxEnv) signedInGet(login, path string) resp {
	b := r.browser()
	b.login(login, userPassword, "")
	return b.get(path)
}

// TestAPIInboxRounds: rounds waiting for me, overdue first then soonest
// due, dates as dd.mm.yyyy, gone once I am done; reviewers get "round
// opened" and "round closed" (to the report) items.
func TestAPIInboxRounds(t *testing.T) {
	t.Parallel()
	r := newInboxEnv(t)
	for _, due := range []string{"2099-05-01", "", "2000-01-03", "2099-02-01"} {
		must(t, r.api("POST", docPath(r.id, "/rounds"), r.editor, map[string]any{"version": 2, "due": due, "reviewers": []string{"vjosa"}}), 201)
	}
	must(t, r.api("POST", docPath(r.id, "/rounds/4/done"), r.reviewer, nil), 200)
	res := must(t, r.api("GET", "/api/v1/inbox", r.reviewer, nil), 200).object(t)
	var got []string
	for _, v := range res["rounds"].([]any) {
		m := v.(map[string]any)
		keys(t, "round", m, "document", "title", "language", "round", "name", "due", "overdue", "status", "comments", "url")
		s := itoa(int64(m["round"].(float64))) + "/" + m["due"].(string) + "/" + m["status"].(string)
		if m["overdue"] == true {
			s += "/overdue"
		}
		got = append(got, s)
	}
	if strings.Join(got, " ") != "3/03.01.2000/invited/overdue 1/01.05.2099/invited 2//invited" {
		t.Errorf("rounds waiting = %v", got)
	}
	if list := must(t, r.api("GET", "/api/v1/inbox", r.editor, nil), 200).object(t)["rounds"].([]any); len(list) != 0 {
		t.Errorf("the editor, no reviewer, has rounds waiting: %v", list)
	}
	r.follow()
	must(t, r.api("POST", docPath(r.id, "/rounds/1/close"), r.editor, nil), 200)
	r.follow()
	var kinds []string
	for _, it := range inboxItems(t, must(t, r.api("GET", "/api/v1/inbox", r.reviewer, nil), 200)) {
		kinds = append(kinds, it["kind"].(string)+" "+it["url"].(string))
	}
	base := "/documents/" + itoa(r.id) + "/rounds/"
	want := []string{"round_closed " + base + "1/report", "round_opened " + base + "4", "round_opened " + base + "3", "round_opened " + base + "2", "round_opened " + base + "1"}
	if strings.Join(kinds, "|") != strings.Join(want, "|") {
		t.Errorf("reviewer's items = %v, want %v", kinds, want)
	}
	page := string(must(t, r.signedInGet("vjosa", "/inbox"), 200).Body)
	// Round 1 is closed now: 3 (overdue) and 2 (no due date) wait.
	if !regexp.MustCompile(`(?s)id="waiting-rounds".*03\.01\.2000.*/rounds/2".*id="inbox-news"`).MatchString(page) || !strings.Contains(page, "Overdue") {
		t.Errorf("the inbox page does not list the waiting rounds overdue first")
	}
}

// TestRoundFormRefusesUnknownReviewer: the document page's round form
// with an unknown login comes back (422) with the message beside the
// reviewers field and what was typed kept; no round is opened.
func TestRoundFormRefusesUnknownReviewer(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	page := "/documents/" + itoa(r.id)
	b, csrf := r.signedIn("arta", page)
	res := must(t, b.post(page+"/rounds", url.Values{"csrf_token": {csrf}, "return": {page}, "version": {"2"},
		"reviewers": {"vjosa, nobody"}, "instructions": {"Shikoni nenin 2."}}), 422)
	doc := parseHTML(t, res.Body)
	if e := byID(doc, "round-reviewers-error"); e == nil || !strings.Contains(textOf(e), `There is no user "nobody".`) {
		t.Errorf("no message beside the reviewers field")
	}
	checkKept(t, doc, "round-reviewers", "vjosa, nobody")
	checkKept(t, doc, "round-instructions", "Shikoni nenin 2.")
	if list := must(t, r.api("GET", docPath(r.id, "/rounds"), r.editor, nil), 200).object(t)["rounds"].([]any); len(list) != 0 {
		t.Errorf("a refused round was opened")
	}
}
