package web_test

import (
	"slices"
	"strings"
	"testing"
)

// TestAudit_DetailsInReadersLanguage: the audit log's details are
// sentences in its reader's language, on the page and in the API, with
// the words among their values (the fields a change touched) translated
// too; the English reader reads them as written, and so does everyone an
// entry stored before the log kept its details' formats.
func TestAudit_DetailsInReadersLanguage(t *testing.T) {
	t.Parallel()
	e, b := auditAdmin(t)
	id := e.doc(e.admin, "Udhëzim administrativ për strehimoret", "internal", "# Neni 1\n\nTekst.\n")
	must(t, e.api("PATCH", docPath(id, ""), e.admin, map[string]string{"title": "Udhëzim administrativ Nr. 02/2026", "status": "in_review"}), 200)
	// The fixture's entries were stored as bare English details, as the
	// log kept them before it kept their format: they read as written.
	for lang, want := range map[string][]string{
		"en": {"changed: title, status", "version 5"},
		"sq": {"ndryshuar: titulli, statusi", "version 5"},
		"sr": {"izmenjeno: naslov, status", "version 5"},
	} {
		must(t, e.api("PATCH", "/api/v1/users/me", e.admin, map[string]string{"language": lang}), 200)
		page := textOf(parseHTML(t, must(t, b.get("/audit?action=document.update"), 200).Body))
		versions := textOf(parseHTML(t, must(t, b.get("/audit?action=version.create"), 200).Body))
		if !strings.Contains(page, want[0]) || !strings.Contains(versions, want[1]) {
			t.Errorf("%s: the page's details are %q and %q, want %q and %q", lang, page, versions, want[0], want[1])
		}
		var api []string
		for _, en := range must(t, e.api("GET", "/api/v1/audit?action=document.update", e.admin, nil), 200).object(t)["entries"].([]any) {
			api = append(api, en.(map[string]any)["detail"].(string))
		}
		if !slices.Contains(api, want[0]) {
			t.Errorf("%s: the API's details are %q, want %q", lang, api, want[0])
		}
	}
}
