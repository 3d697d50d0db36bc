package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"policydesk"
	"policydesk/drafts"
	"policydesk/storage/sqldb"
	"policydesk/web"
)

// auditLog fills the log of a fresh server with entries at known instants
// (written straight to the store, as the services would) and returns it.
func auditLog(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	for _, a := range []struct{ at, actor, action, id, detail string }{
		{"2026-03-28T22:30:00Z", "besa", "version.create", "7", "version 2"},              // 28.03. 23:30 in Kosovo
		{"2026-03-28T23:30:00Z", "besa", "comment.create", "7", "on version 2"},           // 29.03. 00:30 in Kosovo, 28.03. in UTC
		{"2026-03-29T01:00:00Z", "drita", "version.create", "8", "version 5"},             // 29.03. 03:00, after the spring change
		{"2026-10-25T01:30:00Z", "drita", "round.open", "8", "Raundi 1"},                  // 25.10. 02:30, the second one
		{"2026-11-30T04:21:00Z", "besa", "user.update", "drita", "=1+2, \"role\"\nstaff"}, // 30.11. 05:21
	} {
		at, _ := time.Parse(time.RFC3339, a.at)
		typ := "document"
		if a.action == "user.update" {
			typ = "user"
		}
		if err := e.db.AppendAudit(context.Background(), &policydesk.AuditEntry{At: at, Actor: a.actor, Action: a.action, ObjectType: typ, ObjectID: a.id, Detail: a.detail}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// auditAdmin is auditLog's server and a browser signed in as its admin.
func auditAdmin(t *testing.T) (*env, *browser) {
	t.Helper()
	e := auditLog(t)
	b := e.browser()
	b.setSession(e.admin)
	return e, b
}

// auditDetails is the Detail column of the audit page, top to bottom.
func auditDetails(t *testing.T, body []byte) []string {
	t.Helper()
	var out []string
	for _, td := range findAll(parseHTML(t, body), func(n *html.Node) bool { return isElem(n, "td") && attr(n, "data-label") == "Detail" }) {
		out = append(out, textOf(td))
	}
	return fixtureOnly(out)
}

// fixtureOnly keeps the details of auditLog's entries, dropping those the
// server's start and logins wrote.
func fixtureOnly(details []string) []string {
	var out []string
	for _, d := range details {
		switch d {
		case "version 2", "on version 2", "version 5", "Raundi 1", "=1+2, \"role\"\nstaff", "=1+2, \"role\" staff":
			out = append(out, strings.ReplaceAll(d, "\" staff", "\"\nstaff"))
		}
	}
	return out
}

// apiDetails is the detail of each entry the API answers, newest first.
func apiDetails(t *testing.T, e *env, query string) []string {
	t.Helper()
	var out []string
	for _, en := range must(t, e.api("GET", "/api/v1/audit?"+query, e.admin, nil), 200).object(t)["entries"].([]any) {
		out = append(out, en.(map[string]any)["detail"].(string))
	}
	return fixtureOnly(out)
}

// Each filter alone and combined, on the page and in the API, with days in
// Kosovo's time: 00:30 on 29 March in Kosovo is still 28 March in UTC.
func TestAudit_Filters(t *testing.T) {
	t.Parallel()
	e, b := auditAdmin(t)
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"user=besa", []string{"=1+2, \"role\"\nstaff", "on version 2", "version 2"}},
		{"action=version.create", []string{"version 5", "version 2"}},
		{"from=29.03.2026", []string{"=1+2, \"role\"\nstaff", "Raundi 1", "version 5", "on version 2"}},
		{"to=28.03.2026", []string{"version 2"}},
		{"from=29.3.2026&to=2026-03-29", []string{"version 5", "on version 2"}},
		{"from=25.10.2026&to=25.10.2026", []string{"Raundi 1"}},
		{"user=besa&action=comment.create", []string{"on version 2"}},
		{"user=drita&action=version.create&from=+29.03.2026+&to=30.11.2026", []string{"version 5"}},
		{"user=nobody", nil},
	} {
		got := auditDetails(t, must(t, b.get("/audit?"+c.query), 200).Body)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("page ?%s: %q, want %q", c.query, got, c.want)
		}
		if api := apiDetails(t, e, c.query); strings.Join(api, "|") != strings.Join(c.want, "|") {
			t.Errorf("API ?%s: %q, want %q", c.query, api, c.want)
		}
	}
}

// Bad filters are refused in place: the page again with 422, the message
// beside the field, what was typed kept, and no entries; the API says 422
// naming the field.
func TestAudit_BadFiltersShownAgain(t *testing.T) {
	t.Parallel()
	e, b := auditAdmin(t)
	for _, c := range []struct{ query, field, says string }{
		{"from=31.02.2026", "from", "February 2026 has 28 days"},
		{"to=2026/01/01", "to", "dd.mm.yyyy"},
		{"from=01.01.1800", "from", "outside the years"},
		{"from=13.13.2026&user=besa", "from", "12 months"},
		{"from=30.11.2026&to=29.11.2026", "to", "before the start date"},
		{"action=document.delete", "action", "no action"},
	} {
		res := must(t, b.get("/audit?"+c.query), 422)
		doc := parseHTML(t, res.Body)
		field := checkFieldError(t, doc, "audit-"+c.field, c.says)
		q, _ := url.ParseQuery(c.query)
		if c.field != "action" && attr(field, "value") != q.Get(c.field) {
			t.Errorf("?%s: the field holds %q, not what was typed", c.query, attr(field, "value"))
		}
		if find(doc, tagged("table")) != nil {
			t.Errorf("?%s: entries shown despite the bad filter", c.query)
		}
		if u := byID(doc, "audit-user"); q.Get("user") != "" && attr(u, "value") != q.Get("user") {
			t.Errorf("?%s: the user filter was not kept", c.query)
		}
		api := must(t, e.api("GET", "/api/v1/audit?"+c.query, e.admin, nil), 422)
		checkError(t, api)
		if errObj := api.object(t)["error"].(map[string]any); errObj["field"] != c.field || !strings.Contains(errObj["message"].(string), c.says) {
			t.Errorf("API ?%s: error %v, want field %s saying %q", c.query, errObj, c.field, c.says)
		}
		must(t, b.get("/audit?format=csv&"+c.query), 422)
	}
}

// The log names documents by their linked titles (all looked up at once),
// actions by words; a document that no longer exists keeps its number.
func TestAudit_TitlesAndWords(t *testing.T) {
	t.Parallel()
	e, b := auditAdmin(t)
	id := e.doc(e.admin, "Ligji për ujërat", "internal", "# Neni 1\n\nTekst.\n")
	doc := parseHTML(t, must(t, b.get("/audit"), 200).Body)
	link := find(doc, func(n *html.Node) bool { return isElem(n, "a") && attr(n, "href") == "/documents/"+itoa(id) })
	if link == nil || textOf(link) != "Ligji për ujërat" {
		t.Errorf("the document's entry is not linked by its title: %v", link)
	}
	gone := find(doc, func(n *html.Node) bool { return isElem(n, "a") && attr(n, "href") == "/documents/7" })
	if gone == nil || textOf(gone) != "document 7" {
		t.Errorf("an entry on a missing document does not say document 7: %v", gone)
	}
	words := map[string]string{}
	for _, td := range findAll(doc, func(n *html.Node) bool { return isElem(n, "td") && attr(n, "data-label") == "Action" }) {
		words[attr(td, "title")] = textOf(td)
	}
	if words["document.create"] != "Document created" || words["version.create"] != "Version saved" || words["round.open"] != "Review round opened" {
		t.Errorf("actions in words: %v", words)
	}
	var found bool
	for _, en := range must(t, e.api("GET", "/api/v1/audit?action=document.create", e.admin, nil), 200).object(t)["entries"].([]any) {
		m := en.(map[string]any)
		found = found || (m["object_id"] == itoa(id) && m["object_title"] == "Ligji për ujërat")
	}
	if !found {
		t.Error("the API's entry has no object_title")
	}
}

// readCSV checks a CSV download's headers (the file name containing name)
// and byte order mark and returns its records.
func readCSV(t *testing.T, res resp, name string) [][]string {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, name) {
		t.Errorf("Content-Disposition %q", cd)
	}
	data, ok := bytes.CutPrefix(res.Body, []byte("\ufeff"))
	if !ok {
		t.Error("the CSV has no byte order mark")
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v\n%s", err, data)
	}
	return records
}

// The CSV export: a header row, Kosovo time and UTC, actions in words and
// as identifiers, titles, quotes, commas and line breaks kept, formulas
// defused; the page and the API give the same file for the same filters.
func TestAudit_CSV(t *testing.T) {
	t.Parallel()
	e, b := auditAdmin(t)
	id := e.doc(e.admin, "@SUM(A1) \"Ligji\", neni 1", "internal", "# Neni 1\n\nTekst.\n")
	page := must(t, b.get("/audit?format=csv&user=besa"), 200)
	records := readCSV(t, page, "audit-log.csv")
	want := [][]string{
		{"Time (Europe/Belgrade)", "Time (UTC)", "User", "Action", "Action identifier", "Object type", "Object ID", "Document title", "Detail"},
		{"30.11.2026 05:21", "2026-11-30T04:21:00Z", "besa", "User changed", "user.update", "user", "drita", "", "'=1+2, \"role\"\nstaff"},
		{"29.03.2026 00:30", "2026-03-28T23:30:00Z", "besa", "Comment made", "comment.create", "document", "7", "", "on version 2"},
		{"28.03.2026 23:30", "2026-03-28T22:30:00Z", "besa", "Version saved", "version.create", "document", "7", "", "version 2"},
	}
	if len(records) != len(want) {
		t.Fatalf("CSV has %d records, want %d: %q", len(records), len(want), records)
	}
	for i := range want {
		if strings.Join(records[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("CSV record %d = %q\nwant %q", i, records[i], want[i])
		}
	}
	api := must(t, e.api("GET", "/api/v1/audit?user=besa&format=csv", e.admin, nil), 200)
	readCSV(t, api, "audit-log.csv")
	if !bytes.Equal(api.Body, page.Body) {
		t.Error("the API's CSV differs from the page's")
	}
	titled := readCSV(t, must(t, b.get("/audit?format=csv&action=document.create"), 200), "audit-log.csv")
	if len(titled) != 2 || titled[1][6] != itoa(id) || titled[1][7] != "'@SUM(A1) \"Ligji\", neni 1" || titled[1][8] != "'@SUM(A1) \"Ligji\", neni 1" {
		t.Errorf("the title row is %q, want the title defused in the title and detail columns", titled)
	}
	link := find(parseHTML(t, must(t, b.get("/audit?user=besa"), 200).Body), func(n *html.Node) bool { return isElem(n, "a") && attr(n, "id") == "audit-csv" })
	if link == nil || attr(link, "href") != "/audit?format=csv&user=besa" {
		t.Errorf("the page's CSV link does not keep the filters: %v", link)
	}
}

// Only administrators read the log, on the page, in the API and as CSV;
// a bad filter does not tell anyone else more than "forbidden".
func TestAudit_OnlyAdmins(t *testing.T) {
	t.Parallel()
	e := auditLog(t)
	for _, role := range []string{"editor", "staff", "reviewer"} {
		tok := e.user(role+"1", role)
		b := e.browser()
		b.setSession(tok)
		for _, q := range []string{"", "?format=csv", "?from=31.02.2026", "?format=csv&user=besa"} {
			res := must(t, b.get("/audit"+q), 403)
			// (The query itself, besa included, comes back in the header's
			// language menu as the page to return to; the entries must not.)
			if bytes.Contains(res.Body, []byte(`id="audit"`)) || bytes.Contains(res.Body, []byte("version 2")) {
				t.Errorf("%s, /audit%s: the refusal shows entries", role, q)
			}
			checkError(t, must(t, e.api("GET", "/api/v1/audit"+q, tok, nil), 403))
		}
	}
	checkError(t, must(t, e.api("GET", "/api/v1/audit?format=csv", "", nil), 401))
	if res := e.browser().get("/audit?format=csv"); res.Status != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("an anonymous browser's CSV request: %d %s", res.Status, res.Header.Get("Location"))
	}
}

// Pages of a filtered log keep the filters in their links, and the CSV of a
// log longer than a store page holds every entry once.
func TestAudit_PagingKeepsFilters(t *testing.T) {
	t.Parallel()
	e, b := auditAdmin(t)
	appendReplies(t, e, 1205, func(i int) string { return map[bool]string{true: "lulzim", false: "arta"}[i%6 == 0] })
	const arta = 1205 - 201
	next := "/audit?user=arta&to=01.05.2026"
	for page := 1; next != ""; page++ {
		doc := parseHTML(t, must(t, b.get(next), 200).Body)
		rows := findAll(doc, func(n *html.Node) bool { return isElem(n, "td") && attr(n, "data-label") == "Who" })
		if want := min(100, arta-(page-1)*100); len(rows) != want {
			t.Fatalf("page %d has %d rows, want %d", page, len(rows), want)
		}
		for _, r := range rows {
			if textOf(r) != "arta" {
				t.Fatalf("page %d shows an entry of %s", page, textOf(r))
			}
		}
		next = ""
		if a := find(doc, func(n *html.Node) bool { return isElem(n, "a") && attr(n, "rel") == "next" }); a != nil {
			next = attr(a, "href")
			if u, _ := url.Parse(next); u.Query().Get("user") != "arta" || u.Query().Get("to") != "01.05.2026" || u.Query().Get("page") != strconv.Itoa(page+1) {
				t.Fatalf("page %d's next link %q drops the filters", page, next)
			}
		}
		if page > 11 {
			t.Fatal("the pages do not end")
		}
	}
	records := readCSV(t, must(t, b.get("/audit?format=csv&user=arta"), 200), "audit-log.csv")
	seen := map[string]bool{}
	for _, r := range records[1:] {
		if r[2] != "arta" || seen[r[6]] {
			t.Fatalf("CSV row %q is another user's or repeated", r)
		}
		seen[r[6]] = true
	}
	if len(seen) != arta {
		t.Errorf("the CSV holds %d of arta's %d entries", len(seen), arta)
	}
}

// An export larger than the server's bound is refused before anything is
// written, on the page in place and in the API, naming the count; one
// within it downloads.
func TestAudit_ExportBounded(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(s *web.Server, _ *sqldb.DB, _ *drafts.Service) { s.MaxAuditExport = 3 })
	appendReplies(t, e, 4, func(i int) string { return map[bool]string{true: "besa", false: "arta"}[i == 0] })
	b := e.browser()
	b.setSession(e.admin)
	checkFieldError(t, parseHTML(t, must(t, b.get("/audit?format=csv&action=comment.reply"), 422).Body), "audit-from", "match 4 entries; one export holds at most 3")
	checkError(t, must(t, e.api("GET", "/api/v1/audit?format=csv&action=comment.reply", e.admin, nil), 422))
	if records := readCSV(t, must(t, b.get("/audit?format=csv&user=arta"), 200), "audit-log.csv"); len(records) != 4 {
		t.Errorf("an export within the bound has %d records, want a header and 3", len(records))
	}
}

// appendReplies writes n comment.reply entries a second apart on 1 May
// 2026, entry i by actor(i).
func appendReplies(t *testing.T, e *env, n int, actor func(i int) string) {
	t.Helper()
	for i := range n {
		if err := e.db.AppendAudit(context.Background(), &policydesk.AuditEntry{At: time.Date(2026, 5, 1, 8, 0, i, 0, time.UTC), Actor: actor(i),
			Action: "comment.reply", ObjectType: "comment", ObjectID: strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
}
