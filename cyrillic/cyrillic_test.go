package cyrillic

import "testing"

func TestFromLatin(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// every letter, one to one
		{"abcčćdđefghijklmnoprsštuvzž", "абцчћдђефгхијклмнопрсштувзж"},
		{"ABCČĆDĐEFGHIJKLMNOPRSŠTUVZŽ", "АБЦЧЋДЂЕФГХИЈКЛМНОПРСШТУВЗЖ"},
		// the digraphs, small, title case and capitals
		{"ljubav", "љубав"}, {"Ljubav", "Љубав"}, {"LJUBAV", "ЉУБАВ"},
		{"konj njiva", "коњ њива"}, {"Njiva", "Њива"}, {"NJIVA", "ЊИВА"},
		{"džep", "џеп"}, {"Džep", "Џеп"}, {"DŽEP", "ЏЕП"}, {"odžak", "оџак"},
		{"Izmenjen dokument", "Измењен документ"},
		// prefix and root, not a digraph
		{"nadživeti", "надживети"}, {"injekcija", "инјекција"}, {"konjunkcija", "конјункција"},
		// left as they are
		{"{{.Count}} komentara", "{{.Count}} коментара"},
		{`Verzija {{.Number}} od {{date .At}}`, "Верзија {{.Number}} од {{date .At}}"},
		{"Polje %q mora imati %d znakova", "Поље %q мора имати %d знакова"},
		{"Verzija %[2]d, kod %04X, %-8s i %v%%", "Верзија %[2]d, код %04X, %-8s и %v%%"},
		{`<a href="/documents">Dokumenti</a>&nbsp;i&#160;<strong>Član</strong>`, `<a href="/documents">Документи</a>&nbsp;и&#160;<strong>Члан</strong>`},
		{`Polje "base" je obavezno`, `Поље "base" је обавезно`},
		{"Vidi https://example.org/uputstvo i /api/v1/documents ovde", "Види https://example.org/uputstvo и /api/v1/documents овде"},
		{"Policy Desk čuva CSV, PDF, HTML i JSON u UTF-8", "Policy Desk чува CSV, PDF, HTML и JSON у UTF-8"},
		{"SHA-256 zbir, 5 MiB, 20 KB, Markdown, API-ju, ID, MoU", "SHA-256 збир, 5 MiB, 20 KB, Markdown, API-ју, ID, MoU"},
		{"CSV-a, potreban je JavaScript (bez JavaScripta)", "CSV-а, потребан је JavaScript (без JavaScripta)"},
		{"NVO i OEBS", "NVO и OEBS"}, {"Srpski i JavaScript-a", "Српски и JavaScript-а"},
		{"Broj radnih dana (working_days), znak (U+%04X)", "Број радних дана (working_days), знак (U+%04X)"},
		{"Odluka: accepted, partially ili rejected; idite", "Одлука: accepted, partially или rejected; идите"},
		{"zaglavlje Authorization: Bearer <token> kao multipart/form-data", "заглавље Authorization: Bearer <token> као multipart/form-data"}, {"U dokumentu", "У документу"},
		{"kao što su 123456789 ili qwertyuiop", "као што су 123456789 или qwertyuiop"},
	} {
		if got := FromLatin(c.in); got != c.want {
			t.Errorf("FromLatin(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
		if again := FromLatin(c.want); again != c.want {
			t.Errorf("FromLatin is not idempotent on %q: %q", c.want, again)
		}
	}
}

// TestFromLatinCyrillicUnchanged: Cyrillic text, digits and punctuation
// pass as they are.
func TestFromLatinCyrillicUnchanged(t *testing.T) {
	for _, s := range []string{"Љубав, њива и џеп — „Сачувај“.", "30. новембар 2026.", "", "12:30 (3/4)"} {
		if got := FromLatin(s); got != s {
			t.Errorf("FromLatin(%q) = %q", s, got)
		}
	}
}
