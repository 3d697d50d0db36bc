package drafts_test

import (
	"testing"

	"policydesk"
)

// TestRestoreVersion_EnglishWithoutTranslator: a service given no
// Translator writes a restored version's message in English, whatever the
// document's language (cmd and the web's tests give it the catalogs; see
// web/language_written_test.go), and the restored text byte for byte.
func TestRestoreVersion_EnglishWithoutTranslator(t *testing.T) {
	f := newFixture(t)
	ana := f.User("ana", policydesk.RoleEditor)
	doc := f.CreateDocument(ana, "Rregullore", "internal", "Neni 1\n\nTeksti i parë.")
	if _, err := f.Drafts.SaveVersion(as(ana), doc.ID, 1, "Neni 1\n\nTeksti i dytë.", "ndryshim"); err != nil {
		t.Fatal(err)
	}
	v, err := f.Drafts.RestoreVersion(as(ana), doc.ID, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if v.Number != 3 || v.Message != "Restored version 1" || v.Body != "Neni 1\n\nTeksti i parë." {
		t.Errorf("restored version %d %q: %q", v.Number, v.Message, v.Body)
	}
}
