package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestCalendarPageInAlbanianAndSerbian fetches the calendar page (a year
// with a cancelled built-in holiday and an admin's day off, a banner, the
// calculator's answer and refusal, a refused add form) as an admin who
// chose sq, then sr: no English word in what it shows, the month names and
// the holidays' names in the language, dates as dd.mm.yyyy; the audit log
// names a cancelled holiday in the language too.
func TestCalendarPageInAlbanianAndSerbian(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	must(t, e.api("PUT", "/api/v1/calendar/holidays/2026-12-31", e.admin, map[string]string{"name": "Dita e fundit e vitit"}), 200)
	must(t, e.api("DELETE", "/api/v1/calendar/holidays/2026-03-20", e.admin, nil), 200)
	words := map[string][]string{
		"sq": {"maj", "Dita e Evropës", "Pashkët ortodokse", "Kurban Bajrami", "09.05.2026", "11.05.2026", "anuluar për vitin 2026"},
		"sr": {"maj", "Dan Evrope", "Pravoslavni Uskrs", "Kurban-bajram", "09.05.2026", "11.05.2026", "otkazano za 2026. godinu"},
	}
	for _, lang := range []string{"sq", "sr"} {
		must(t, e.api("PATCH", "/api/v1/users/me", e.admin, map[string]string{"language": lang}), 200)
		b := e.adminBrowser()
		for _, p := range []struct {
			path   string
			status int
		}{
			{"/admin/calendar?year=2026", 200},
			{"/admin/calendar?year=2026&done=add&date=2026-12-31", 200},
			{"/admin/calendar?year=2026&from=30.12.2026&working_days=3", 200},
			{"/admin/calendar?year=2026&from=30.12.2026&working_days=0", 200},
			{"/admin/calendar?year=2026&from=31.02.2026&working_days=3", 200},
			{"/admin/calendar?year=2077", 422},
		} {
			body := must(t, b.get(p.path), p.status).Body
			checkNoEnglish(t, lang, p.path, body)
			if p.path == "/admin/calendar?year=2026" {
				text := textOf(parseHTML(t, body))
				for _, w := range words[lang] {
					if !strings.Contains(text, w) {
						t.Errorf("%s: the page lacks %q", lang, w)
					}
				}
			}
		}
		// The audit log says the cancelled Eid in the reader's language.
		audit := must(t, b.get("/audit?action=calendar.cancel"), 200).Body
		checkNoEnglish(t, lang, "audit of the calendar", audit)
		if eid := map[string]string{"sq": "Fitër Bajrami", "sr": "Ramazanski bajram"}[lang]; !strings.Contains(textOf(parseHTML(t, audit)), eid) {
			t.Errorf("%s: the audit log does not name the cancelled holiday %q", lang, eid)
		}
		csrf := b.csrf("/admin/calendar?year=2026")
		for _, form := range []url.Values{
			{"action": {"add"}, "date": {"16.05.2026"}, "name": {"E shtunë"}},
			{"action": {"add"}, "date": {"01.05.2026"}, "name": {"Dita"}},
			{"action": {"add"}, "date": {"32.05.2026"}, "name": {"Dita"}},
			{"action": {"add"}, "date": {"04.05.2026"}, "name": {" "}},
		} {
			form.Set("csrf_token", csrf)
			form.Set("return", "/admin/calendar?year=2026")
			res := b.post("/admin/calendar", form)
			if res.Status != 422 && res.Status != 409 {
				t.Fatalf("%s: %v answered %s", lang, form, res)
			}
			checkNoEnglish(t, lang, "refused "+form.Get("date"), res.Body)
		}
	}
}
