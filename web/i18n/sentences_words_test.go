package i18n

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"policydesk"
)

// TestSentenceWordsAndPlurals: Words and months among a sentence's values
// are said in the sentence's language, English stays as written, and the
// first integer chooses the plural form (Serbian has three).
func TestSentenceWordsAndPlurals(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Sentence("en", "%s %v not found.", policydesk.Say("Document"), 4); got != "Document 4 not found." {
		t.Errorf("en: %q", got)
	}
	for _, lang := range []string{"sq", "sr"} {
		got := c.Sentence(lang, "%s %v not found.", policydesk.Say("Document"), 4)
		if got == "Document 4 not found." || !containsAll(got, "4") || containsAll(got, "Document") {
			t.Errorf("%s: %q is not translated with its words", lang, got)
		}
		feb := c.Sentence(lang, "%q does not exist: %s %d has %d days.", "31.02.2026", time.February, 2026, 28)
		if containsAll(feb, "February") || !containsAll(feb, "31.02.2026", "2026", "28") {
			t.Errorf("%s: %q leaves the month in English or drops a value", lang, feb)
		}
	}
	for _, tc := range []struct {
		lang string
		n    int
		want string
	}{
		{"sr", 3, "Previše neuspelih pokušaja. Sačekajte 3 sekunde i pokušajte ponovo."},
		{"sr", 30, "Previše neuspelih pokušaja. Sačekajte 30 sekundi i pokušajte ponovo."},
		{"sr", 21, "Previše neuspelih pokušaja. Sačekajte 21 sekundu i pokušajte ponovo."},
		{"en", 30, "Too many failed attempts. Wait 30 seconds and try again."},
	} {
		if got := c.Sentence(tc.lang, "Too many failed attempts. Wait %d seconds and try again.", tc.n); got != tc.want {
			t.Errorf("%s, %d seconds: %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
	// Large numbers are grouped as each language groups them.
	for lang, want := range map[string]string{"en": "1,500,000", "sq": "1\u00a0500\u00a0000", "sr": "1.500.000"} {
		if got := c.Sentence(lang, "%s", policydesk.Quantity(1500000)); got != want {
			t.Errorf("%s: 1500000 is %q, want %q", lang, got, want)
		}
	}
	// Serbian: 1 and 21 take "one", 2-4 and 22-24 "few", 5-20 "other".
	format := "Too many failed attempts. Wait %d minutes and try again."
	forms := c.SentenceForms("sr", format)
	if len(forms) < 3 {
		t.Fatalf("sr has %v for %q; want one, few and other", forms, format)
	}
	for n, form := range map[int]string{1: "one", 21: "one", 3: "few", 24: "few", 5: "other", 12: "other"} {
		want := fmtSprintf(forms[form], n)
		if got := c.Sentence("sr", format, n); got != want {
			t.Errorf("sr, %d minutes: %q, want the %s form %q", n, got, form, want)
		}
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func fmtSprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
