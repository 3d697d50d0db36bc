package drafts_test

import (
	"fmt"
	"strings"
	"testing"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/accounts"
	"policydesk/drafts/attachments"
	"policydesk/drafts/textkit"
)

// invisibles are characters that change how text reads without being seen.
var invisibles = map[string]rune{
	"right-to-left override":       '\u202E',
	"left-to-right override":       '\u202D',
	"right-to-left embedding":      '\u202B',
	"pop directional formatting":   '\u202C',
	"left-to-right isolate":        '\u2066',
	"right-to-left isolate":        '\u2067',
	"first strong isolate":         '\u2068',
	"pop directional isolate":      '\u2069',
	"left-to-right mark":           '\u200E',
	"right-to-left mark":           '\u200F',
	"arabic letter mark":           '\u061C',
	"zero-width space":             '\u200B',
	"zero-width non-joiner":        '\u200C',
	"zero-width joiner":            '\u200D',
	"word joiner":                  '\u2060',
	"zero-width no-break space":    '\uFEFF',
	"soft hyphen":                  '\u00AD',
	"invisible separator":          '\u2063',
	"interlinear annotation start": '\uFFF9',
}

// TestInvisibleCharactersRefused checks that titles, version messages,
// user names and organisations holding an invisible character are refused
// with a message naming it, and that nothing is written; a line or
// paragraph separator is refused in these one-line fields too.
func TestInvisibleCharactersRefused(t *testing.T) {
	f := newFixture(t)
	admin := f.User("admin", policydesk.RoleAdmin)
	ed := f.User("ana", policydesk.RoleEditor)
	doc := f.CreateDocument(ed, "Rregullore për qendrat ditore", "internal", "Tekst.\n")

	cases := map[string]rune{"line separator": '\u2028', "paragraph separator": '\u2029'}
	for name, r := range invisibles {
		cases[name] = r
	}
	for name, r := range cases {
		bad := "Rregullore" + string(r) + "fdp.exe"
		code := fmt.Sprintf("U+%04X", r)
		attempts := map[string]func() error{
			"new document title": func() error {
				_, _, err := f.Drafts.CreateDocument(as(ed), drafts.NewDocument{Title: bad, Kind: "regulation", Language: "sq", Body: "x"})
				return err
			},
			"new document message": func() error {
				_, _, err := f.Drafts.CreateDocument(as(ed), drafts.NewDocument{Title: "Titull", Kind: "regulation", Language: "sq", Body: "x", Message: bad})
				return err
			},
			"title change": func() error {
				_, err := f.Drafts.UpdateDocument(as(ed), doc.ID, drafts.DocumentPatch{Title: &bad})
				return err
			},
			"version message": func() error {
				_, err := f.Drafts.SaveVersion(as(ed), doc.ID, f.head(doc.ID), "Tekst i ri.\n", bad)
				return err
			},
			"user name": func() error {
				_, err := f.Accounts.CreateUser(as(admin), accounts.NewUser{Login: "besa", Name: bad, Password: password, Role: policydesk.RoleReviewer})
				return err
			},
			"organisation": func() error {
				_, err := f.Accounts.CreateUser(as(admin), accounts.NewUser{Login: "besa", Name: "Besa", Organisation: bad, Password: password, Role: policydesk.RoleReviewer})
				return err
			},
			"name change": func() error {
				_, err := f.Accounts.UpdateUser(as(admin), ed.ID, accounts.UserPatch{Name: &bad})
				return err
			},
		}
		for what, attempt := range attempts {
			docs, audit := f.counts()
			err := attempt()
			if policydesk.ErrorCode(err) != policydesk.EInvalid || !strings.Contains(policydesk.ErrorMessage(err), code) {
				t.Errorf("%s with a %s: %v, want EInvalid naming %s", what, name, err, code)
			}
			if d, a := f.counts(); d != docs || a != audit {
				t.Errorf("%s with a %s was written", what, name)
			}
		}
	}
	// Letters of the three languages and ordinary punctuation pass.
	if _, _, err := f.Drafts.CreateDocument(as(ed), drafts.NewDocument{Title: "Udhëzim – Çështjet «sociale» / Uputstvo: Ђорђе, đak, Člen 5 (2026)",
		Kind: "regulation", Language: "sq", Body: "x", Message: "Versioni i parë — çka u ndryshua?"}); err != nil {
		t.Errorf("an ordinary title was refused: %v", err)
	}
}

// TestCleanFilenameDropsInvisibles checks that file names, cleaned rather
// than refused, lose every invisible character, by the same rule.
func TestCleanFilenameDropsInvisibles(t *testing.T) {
	for name, r := range invisibles {
		got, err := attachments.CleanFilename("fatura" + string(r) + "fdp.exe")
		if err != nil || got != "faturafdp.exe" {
			t.Errorf("%s: CleanFilename = %q, %v", name, got, err)
		}
	}
}

// TestCheckVisibleMultiline checks the rule for texts of several lines:
// invisible characters refused, line breaks and separators allowed.
func TestCheckVisibleMultiline(t *testing.T) {
	if err := textkit.CheckVisible(policydesk.Say("comment"), "Rreshti 1\nRreshti 2\u2028Rreshti 3", false); err != nil {
		t.Errorf("line breaks refused: %v", err)
	}
	err := textkit.CheckVisible(policydesk.Say("comment"), "Pajtohem\u202E.qe", false)
	if policydesk.ErrorCode(err) != policydesk.EInvalid || !strings.Contains(policydesk.ErrorMessage(err), "(U+202E) after 8 characters") {
		t.Errorf("override in a comment: %v", err)
	}
}
