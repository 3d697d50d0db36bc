package web_test

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// dueOf asks the API for the due date.
func (e *env) dueOf(token, query string) resp {
	e.t.Helper()
	return e.api("GET", "/api/v1/calendar/due?"+query, token, nil)
}

// calendarDay is GET /calendar/holidays/{date} decoded.
func (e *env) calendarDay(token, date string) map[string]any {
	e.t.Helper()
	return must(e.t, e.api("GET", "/api/v1/calendar/holidays/"+date, token, nil), 200).object(e.t)
}

func holidaysOf(t *testing.T, day map[string]any) []map[string]any {
	var out []map[string]any
	for _, h := range day["holidays"].([]any) {
		out = append(out, h.(map[string]any))
	}
	return out
}

// TestCalendarAPI_DueDates: known due dates over a weekend holiday, Easter
// Monday and the year boundary; bad input is 400 or 422 with a sentence;
// an anonymous caller is 401.
func TestCalendarAPI_DueDates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	staff := e.user("drita", "staff")
	for q, want := range map[string]string{
		"from=2026-05-08&working_days=1":  "2026-05-12", // Mon 11 May is Europe Day's (Sat 9 May)
		"from=2026-04-03&working_days=1":  "2026-04-07", // Easter Monday 6 April
		"from=2026-04-10&working_days=1":  "2026-04-14", // Orthodox Easter Monday 13 April
		"from=2026-12-30&working_days=3":  "2027-01-06", // 1 Jan, Mon 4 Jan (for Sat 2 Jan) off
		"from=30.12.2026&working_days=4":  "2027-01-08", // 7 Jan is Orthodox Christmas
		"from=2026-11-27&working_days=15": "2026-12-18",
	} {
		got := must(t, e.dueOf(staff, q), 200).object(t)["due"]
		if got != want {
			t.Errorf("%s: due %v, want %s", q, got, want)
		}
	}
	for q, status := range map[string]int{
		"from=2026-05-08&working_days=abc": 400,
		"from=2026-05-08":                  400,
		"from=2026-02-30&working_days=5":   400,
		"from=yesterday&working_days=5":    400,
		"from=2026-05-08&working_days=0":   422,
		"from=2026-05-08&working_days=366": 422,
		"from=2023-05-08&working_days=5":   422,
		"from=2040-12-20&working_days=30":  422,
	} {
		r := e.dueOf(staff, q)
		msg, _ := r.object(t)["error"].(map[string]any)["message"].(string)
		if r.Status != status || !strings.HasSuffix(msg, ".") {
			t.Errorf("%s: %d %q, want %d with a sentence", q, r.Status, msg, status)
		}
	}
	must(t, e.dueOf("", "from=2026-05-08&working_days=1"), 401)
}

// TestCalendarAPI_Holidays: a year's holidays with their observed days,
// named in the caller's language; a bad year is refused.
func TestCalendarAPI_Holidays(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ed := e.user("arta", "editor")
	byKey := func(token string) map[string]map[string]any {
		out := map[string]map[string]any{}
		for _, h := range must(t, e.api("GET", "/api/v1/calendar/holidays?year=2026", token, nil), 200).object(t)["holidays"].([]any) {
			m := h.(map[string]any)
			out[m["key"].(string)] = m
		}
		return out
	}
	hs := byKey(ed)
	for key, want := range map[string][2]string{
		"europe_day": {"2026-05-09", "2026-05-11"}, "catholic_easter": {"2026-04-05", "2026-04-06"},
		"orthodox_easter": {"2026-04-12", "2026-04-13"}, "eid_al_fitr": {"2026-03-20", "2026-03-20"},
		"new_year": {"2026-01-01", "2026-01-01"}, "catholic_christmas": {"2026-12-25", "2026-12-25"},
	} {
		h := hs[key]
		if h == nil || h["date"] != want[0] || h["observed"] != want[1] || h["moved"] != (want[0] != want[1]) || h["source"] != "builtin" || h["cancelled"] != false {
			t.Errorf("%s: %v, want date %s observed %s", key, h, want[0], want[1])
		}
	}
	if hs["europe_day"]["name"] != "Europe Day" {
		t.Errorf("English name: %v", hs["europe_day"]["name"])
	}
	must(t, e.api("PATCH", "/api/v1/users/me", ed, map[string]string{"language": "sq"}), 200)
	if name := byKey(ed)["europe_day"]["name"]; name != "Dita e Evropës" {
		t.Errorf("Albanian name: %v", name)
	}
	must(t, e.api("GET", "/api/v1/calendar/holidays?year=20x6", ed, nil), 400)
	must(t, e.api("GET", "/api/v1/calendar/holidays?year=1999", ed, nil), 422)
	must(t, e.api("GET", "/api/v1/calendar/holidays/2026-13-01", ed, nil), 400)
}

// TestCalendarAPI_AdminChanges: an admin adds a day off, cancels a
// built-in holiday (Eid announced a day later: cancel and add), restores
// it and removes the day off; each is audited, changes the due dates, and
// a non-admin or a bad request changes nothing.
func TestCalendarAPI_AdminChanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ed := e.user("arta", "editor")
	put := func(token, date string, body any) resp {
		return e.api("PUT", "/api/v1/calendar/holidays/"+date, token, body)
	}
	auditCount := func() float64 {
		return must(t, e.api("GET", "/api/v1/audit?limit=1", e.admin, nil), 200).object(t)["total"].(float64)
	}
	before := auditCount()
	must(t, put(ed, "2026-12-31", map[string]string{"name": "Dita e shtuar"}), 403)
	must(t, e.api("DELETE", "/api/v1/calendar/holidays/2026-05-09", ed, nil), 403)
	for _, bad := range []struct {
		date   string
		body   any
		status int
	}{
		{"2026-12-32", map[string]string{"name": "X"}, 400},
		{"31-12-2026", map[string]string{"name": "X"}, 400},
		{"2026-12-31", map[string]string{"name": "  "}, 422},
		{"2026-12-31", map[string]string{"name": "two\nlines"}, 422},
		{"2026-12-31", map[string]string{"name": strings.Repeat("a", 101)}, 422},
		{"2026-12-31", map[string]any{"name": 5}, 422},
		{"2026-12-31", map[string]string{"name": "X", "extra": "y"}, 422},
		{"2026-12-31", "{not json", 400},
		{"2026-05-16", map[string]string{"name": "A Saturday"}, 422},
		{"2026-05-01", map[string]string{"name": "Labour Day again"}, 409},
		{"2026-05-11", map[string]string{"name": "Europe Day's Monday"}, 409},
		{"2050-05-11", map[string]string{"name": "Far"}, 422},
	} {
		if r := put(e.admin, bad.date, bad.body); r.Status != bad.status {
			t.Errorf("PUT %s %v: %s, want %d", bad.date, bad.body, r, bad.status)
		}
	}
	must(t, e.api("DELETE", "/api/v1/calendar/holidays/2026-06-02", e.admin, nil), 404)
	if got := auditCount(); got != before {
		t.Fatalf("refused changes wrote %v audit entries", got-before)
	}
	if d := e.calendarDay(ed, "2026-12-31"); d["working_day"] != true || len(holidaysOf(t, d)) != 0 {
		t.Fatalf("refused changes wrote a day off: %v", d)
	}

	// A day off.
	day := must(t, put(e.admin, "2026-12-31", map[string]string{"name": " Dita e shtuar "}), 200).object(t)
	if hs := holidaysOf(t, day); day["working_day"] != false || len(hs) != 1 || hs[0]["name"] != "Dita e shtuar" || hs[0]["source"] != "admin" {
		t.Fatalf("PUT answered %v", day)
	}
	if due := must(t, e.dueOf(ed, "from=2026-12-30&working_days=1"), 200).object(t)["due"]; due != "2027-01-05" {
		t.Errorf("due after the added day off: %v, want 2027-01-05", due)
	}
	// Eid al-Fitr 2026 announced for Monday 23 March instead of Friday 20.
	day = must(t, e.api("DELETE", "/api/v1/calendar/holidays/2026-03-20", e.admin, nil), 200).object(t)
	if hs := holidaysOf(t, day); day["working_day"] != true || len(hs) != 1 || hs[0]["cancelled"] != true || hs[0]["key"] != "eid_al_fitr" {
		t.Fatalf("DELETE of a built-in answered %v", day)
	}
	must(t, put(e.admin, "2026-03-23", map[string]string{"name": "Fitër Bajrami"}), 200)
	if due := must(t, e.dueOf(ed, "from=2026-03-19&working_days=2"), 200).object(t)["due"]; due != "2026-03-24" {
		t.Errorf("due over the moved Eid: %v, want 2026-03-24 (20 March worked, 23 off)", due)
	}
	must(t, e.api("DELETE", "/api/v1/calendar/holidays/2026-03-20", e.admin, nil), 409)
	// PUT on a cancelled built-in restores it.
	day = must(t, put(e.admin, "2026-03-20", map[string]string{}), 200).object(t)
	if hs := holidaysOf(t, day); day["working_day"] != false || hs[0]["cancelled"] != false {
		t.Fatalf("restoring answered %v", day)
	}
	must(t, e.api("DELETE", "/api/v1/calendar/holidays/2026-12-31", e.admin, nil), 200)
	if d := e.calendarDay(ed, "2026-12-31"); d["working_day"] != true {
		t.Errorf("the removed day off is still off: %v", d)
	}
	entries := must(t, e.api("GET", "/api/v1/audit?limit=20", e.admin, nil), 200).object(t)["entries"].([]any)
	var actions []string
	for _, en := range entries {
		m := en.(map[string]any)
		if m["object_type"] == "calendar" {
			actions = append(actions, m["action"].(string)+" "+m["object_id"].(string))
		}
	}
	want := []string{"calendar.remove 2026-12-31", "calendar.restore 2026-03-20", "calendar.add 2026-03-23", "calendar.cancel 2026-03-20", "calendar.add 2026-12-31"}
	if strings.Join(actions, ",") != strings.Join(want, ",") {
		t.Errorf("audit: %v, want %v", actions, want)
	}
	page := textOf(parseHTML(t, must(t, e.adminBrowser().get("/audit"), 200).Body))
	for _, words := range []string{"Day off added to the calendar", "Holiday cancelled for a year", "Cancelled holiday restored", "Day off removed from the calendar"} {
		if !strings.Contains(page, words) {
			t.Errorf("the audit page lacks %q", words)
		}
	}
}

// adminBrowser is a browser signed in as the admin.
func (e *env) adminBrowser() *browser {
	b := e.browser()
	b.setSession(e.admin)
	return b
}

// TestRounds_WorkingDays: a round opened with a consultation period gets
// the due date the calendar computes from today; a period with a due date,
// or out of range, is refused and opens nothing; the form does the same.
func TestRounds_WorkingDays(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	want := must(t, r.dueOf(r.editor, "working_days=10"), 200).object(t)["due"]
	got := must(t, r.api("POST", docPath(r.id, "/rounds"), r.editor, map[string]any{"name": "R", "version": 1, "working_days": 10}), 201).object(t)
	if got["due"] != want || want == nil {
		t.Errorf("round due %v, want %v", got["due"], want)
	}
	must(t, r.api("POST", docPath(r.id, "/rounds"), r.editor, map[string]any{"version": 1, "working_days": 10, "due": "2027-01-01"}), 422)
	must(t, r.api("POST", docPath(r.id, "/rounds"), r.editor, map[string]any{"version": 1, "working_days": 400}), 422)
	must(t, r.api("POST", docPath(r.id, "/rounds"), r.editor, map[string]any{"version": 1, "working_days": "ten"}), 422)

	docPage := "/documents/" + itoa(r.id)
	ed, csrf := r.signedIn("arta", docPage)
	doc := formPage(t, ed, docPage+"/rounds", url.Values{"csrf_token": {csrf}, "return": {docPage}, "version": {"1"}, "working_days": {"0"}}, 422)
	checkFieldError(t, doc, "round-days", "1 to 365 working days")
	checkKept(t, doc, "round-days", "0")
	res := ed.post(docPage+"/rounds", url.Values{"csrf_token": {csrf}, "return": {docPage}, "version": {"1"}, "working_days": {"5"}})
	if res.Status != 303 {
		t.Fatalf("round form with 5 working days: %s", res)
	}
	want5 := must(t, r.dueOf(r.editor, "working_days=5"), 200).object(t)["due"]
	rounds := must(t, r.api("GET", docPath(r.id, "/rounds"), r.editor, nil), 200).object(t)["rounds"].([]any)
	if len(rounds) != 2 || rounds[1].(map[string]any)["due"] != want5 {
		t.Errorf("rounds after the form: %v, want the second due %v", rounds, want5)
	}
	if in := byID(parseHTML(t, ed.get(docPage).Body), "round-days"); in == nil || attr(in, "type") != "number" || attr(in, "max") != "365" {
		t.Errorf("the round form has no working-days field: %v", in)
	}
}

// TestCalendarPage: the admin page lists the year by month with dates as
// dd.mm.yyyy, moved days and buttons; its forms add a day off (a bad date
// shown again, nothing written), cancel and restore a built-in one; its
// calculator answers; only admins see it.
func TestCalendarPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user("arta", "editor")
	b := e.adminBrowser()
	doc := parseHTML(t, must(t, b.get("/admin/calendar?year=2026"), 200).Body)
	text := textOf(doc)
	for _, want := range []string{"Working-days calendar", "May", "09.05.2026", "11.05.2026", "Europe Day", "Catholic Easter", "06.04.2026", "Cancel for 2026", "Eid al-Adha", "27.05.2026"} {
		if !strings.Contains(text, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if nav := find(doc, func(n *html.Node) bool { return isElem(n, "a") && attr(n, "href") == "/admin/calendar" }); nav == nil || attr(nav, "aria-current") != "page" {
		t.Error("the navigation has no current link to the calendar")
	}
	csrf := b.csrf("/admin/calendar?year=2026")
	ret := "/admin/calendar?year=2026"
	page := formPage(t, b, "/admin/calendar", url.Values{"csrf_token": {csrf}, "return": {ret}, "action": {"add"}, "date": {"32.12.2026"}, "name": {"Dita"}}, 422)
	checkFieldError(t, page, "add-date", "does not exist")
	checkKept(t, page, "add-name", "Dita")
	page = formPage(t, b, "/admin/calendar", url.Values{"csrf_token": {csrf}, "return": {ret}, "action": {"add"}, "date": {"31.12.2026"}, "name": {""}}, 422)
	checkFieldError(t, page, "add-name", "needs a name")
	if d := e.calendarDay(e.admin, "2026-12-31"); d["working_day"] != true {
		t.Fatal("a refused form wrote a day off")
	}
	res := b.post("/admin/calendar", url.Values{"csrf_token": {csrf}, "return": {ret}, "action": {"add"}, "date": {"31.12.2026"}, "name": {"Dita e fundit"}})
	if res.Status != 303 || !strings.Contains(res.Header.Get("Location"), "done=add") {
		t.Fatalf("add: %s %s", res, res.Header.Get("Location"))
	}
	text = textOf(parseHTML(t, must(t, b.get(res.Header.Get("Location")), 200).Body))
	if !strings.Contains(text, "31.12.2026 is now a day off.") || !strings.Contains(text, "Dita e fundit") || !strings.Contains(text, "added by an admin") {
		t.Errorf("the page after adding: %s", text)
	}
	res = b.post("/admin/calendar", url.Values{"csrf_token": {csrf}, "return": {ret}, "action": {"remove"}, "date": {"2026-05-09"}})
	if res.Status != 303 || !strings.Contains(res.Header.Get("Location"), "done=cancel") {
		t.Fatalf("cancel: %s", res)
	}
	doc = parseHTML(t, must(t, b.get(res.Header.Get("Location")), 200).Body)
	if !strings.Contains(textOf(doc), "cancelled for 2026") || find(doc, func(n *html.Node) bool { return isElem(n, "button") && attr(n, "value") == "restore" }) == nil {
		t.Error("the cancelled holiday shows no tag or restore button")
	}
	must(t, b.post("/admin/calendar", url.Values{"csrf_token": {csrf}, "return": {ret}, "action": {"restore"}, "date": {"2026-05-09"}}), 303)
	if d := e.calendarDay(e.admin, "2026-05-11"); d["working_day"] != false {
		t.Error("the restored Europe Day's Monday is a working day")
	}
	calc := textOf(parseHTML(t, must(t, b.get("/admin/calendar?year=2026&from=30.12.2026&working_days=2"), 200).Body))
	// 31 December is the day off added above; 1 and 4 January are holidays.
	if !strings.Contains(calc, "2 working days after 30.12.2026: 06.01.2027.") {
		t.Errorf("the calculator: %s", calc)
	}
	calc = textOf(parseHTML(t, must(t, b.get("/admin/calendar?year=2026&from=30.12.2026&working_days=999"), 200).Body))
	if !strings.Contains(calc, "1 to 365 working days") {
		t.Errorf("the calculator's refusal: %s", calc)
	}
	must(t, b.get("/admin/calendar?year=2077"), 422)
	ed := e.browser()
	ed.login("arta", userPassword, "/documents")
	must(t, ed.get("/admin/calendar"), 403)
}
