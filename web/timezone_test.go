package web_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"policydesk/drafts"
	"policydesk/storage/sqldb"
	"policydesk/web"
)

// wireFunc adds to or changes a test server before it starts.
type wireFunc = func(*web.Server, *sqldb.DB, *drafts.Service)

// clockAt makes the service save everything at the given UTC instant.
func clockAt(at string) wireFunc {
	return func(_ *web.Server, _ *sqldb.DB, svc *drafts.Service) {
		t, err := time.Parse(time.RFC3339, at)
		if err != nil {
			panic(err)
		}
		svc.Now = func() time.Time { return t }
	}
}

// versionTime is the text and datetime of the version line's <time> on a
// document's page.
func versionTime(t *testing.T, e *env, id int64, token string) (text, datetime string) {
	t.Helper()
	b := e.browser()
	b.setSession(token)
	res := b.get("/documents/" + itoa(id))
	if res.Status != 200 {
		t.Fatalf("document page: %s", res)
	}
	line := find(parseHTML(t, res.Body), func(n *html.Node) bool { return isElem(n, "p") && strings.Contains(attr(n, "class"), "version-line") })
	if line == nil {
		t.Fatal("the document page has no version line")
	}
	tm := find(line, tagged("time"))
	if tm == nil {
		t.Fatal("the version line has no <time>")
	}
	return textOf(tm), attr(tm, "datetime")
}

// A version saved at a known UTC instant shows Kosovo's wall clock on the
// page, on both sides of the spring change, while the <time datetime> and
// the API keep UTC.
func TestKosovoTime_VersionPage(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ utc, shown string }{
		{"2026-11-30T04:21:00Z", "30.11.2026 05:21"},
		{"2026-03-29T00:59:59Z", "29.03.2026 01:59"},
		{"2026-03-29T01:00:00Z", "29.03.2026 03:00"},
		{"2026-10-25T01:30:00Z", "25.10.2026 02:30"},
	} {
		e := newEnv(t, clockAt(c.utc))
		id := e.doc(e.admin, "Udhëzim administrativ", "internal", "# Neni 1\n\nTekst.\n")
		text, datetime := versionTime(t, e, id, e.admin)
		if text != c.shown || datetime != c.utc {
			t.Errorf("saved at %s: shown %q (datetime %q), want %q (datetime %s)", c.utc, text, datetime, c.shown, c.utc)
		}
		api := must(t, e.api("GET", "/api/v1/documents/"+itoa(id)+"/versions/1", e.admin, nil), 200).object(t)
		if api["created_at"] != c.utc {
			t.Errorf("the API says created_at %v, want UTC %s", api["created_at"], c.utc)
		}
	}
}

// POLICYDESK_TIMEZONE reaches the pages: in UTC the same instant reads 04:21.
func TestKosovoTime_OtherZone(t *testing.T) {
	t.Parallel()
	e := newEnv(t, clockAt("2026-11-30T04:21:00Z"), func(s *web.Server, _ *sqldb.DB, _ *drafts.Service) { s.Location = time.UTC })
	id := e.doc(e.admin, "Udhëzim", "internal", "# Neni 1\n\nTekst.\n")
	if text, _ := versionTime(t, e, id, e.admin); text != "30.11.2026 04:21" {
		t.Errorf("in UTC the version time reads %q", text)
	}
}

// The open-round form takes dd.mm.yyyy; the page shows the due date that
// way and the API keeps ISO, which it also still accepts.
func TestDueDates_FormAndAPI(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	docPage := "/documents/" + itoa(r.id)
	ed, csrf := r.signedIn("arta", docPage)
	doc := parseHTML(t, ed.get(docPage).Body)
	in := byID(doc, "round-due")
	if in == nil || attr(in, "type") != "text" || attr(in, "inputmode") != "numeric" || attr(in, "placeholder") != "dd.mm.yyyy" || attr(in, "pattern") == "" {
		t.Fatalf("the due date input is not a dd.mm.yyyy text field: %v", in)
	}
	res := ed.post(docPage+"/rounds", url.Values{"csrf_token": {csrf}, "return": {docPage}, "name": {"Raundi"}, "version": {"1"}, "due": {" 1.12.2026 "}})
	if res.Status != 303 {
		t.Fatalf("open round with due 1.12.2026: %s", res)
	}
	rounds := must(t, r.api("GET", docPath(r.id, "/rounds"), r.editor, nil), 200).object(t)["rounds"].([]any)
	if due := rounds[0].(map[string]any)["due"]; due != "2026-12-01" {
		t.Errorf("the API answers due %v, want 2026-12-01", due)
	}
	page := textOf(parseHTML(t, ed.get(docPage).Body))
	if !strings.Contains(page, "due 01.12.2026") || strings.Contains(page, "2026-12-01") {
		t.Errorf("the document page does not show the due date as 01.12.2026")
	}
	res2 := must(t, r.api("POST", docPath(r.id, "/rounds"), r.editor, map[string]any{"version": 1, "due": "2027-02-28"}), 201).object(t)
	if res2["due"] != "2027-02-28" {
		t.Errorf("an ISO due date came back as %v", res2["due"])
	}
	for due, says := range map[string]string{"31.02.2026": "February 2026 has 28 days", "30-11-2026": "dd.mm.yyyy", "01.01.2300": "outside the years"} {
		bad := must(t, r.api("POST", docPath(r.id, "/rounds"), r.editor, map[string]any{"version": 1, "due": due}), 422).object(t)["error"].(map[string]any)
		if bad["field"] != "due" || !strings.Contains(bad["message"].(string), says) {
			t.Errorf("due %q: error %v, want field due saying %q", due, bad, says)
		}
	}
}

// The consultation report's CSV, as downloaded, says when each comment came
// in, in Kosovo's time with the zone in the header; the HTML report too.
func TestReportCSV_KosovoTime(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t, clockAt("2026-10-25T01:30:00Z"))
	round := r.openRound(2)
	r.comment(round, 2, rvQuote, "Të shtohet larmia.", nil)
	res := must(t, r.api("GET", docPath(r.id, "/rounds/"+strconv.Itoa(round)+"/report?format=csv"), r.editor, nil), 200)
	records := readCSV(t, res, "consultation-report")
	if len(records) != 2 {
		t.Fatalf("CSV: %d records, want 2:\n%s", len(records), res.Body)
	}
	if h, v := records[0][10], records[1][10]; h != "Pranuar më (Europe/Belgrade)" || v != "25.10.2026 02:30" {
		t.Errorf("CSV received column %q = %q, want Pranuar më (Europe/Belgrade) = 25.10.2026 02:30 (the document is Albanian)", h, v)
	}
	page := must(t, r.api("GET", docPath(r.id, "/rounds/"+strconv.Itoa(round)+"/report"), r.editor, nil), 200)
	tm := find(parseHTML(t, page.Body), tagged("time"))
	if tm == nil || textOf(tm) != "25.10.2026 02:30" || attr(tm, "datetime") != "2026-10-25T01:30:00Z" {
		t.Errorf("the HTML report's time is %v", tm)
	}
	if !strings.Contains(textOf(parseHTML(t, page.Body)), "afati për komente 31.12.2026") { // the document is Albanian
		t.Error("the HTML report does not show the due date as 31.12.2026")
	}
}
