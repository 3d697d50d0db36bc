package outline

import (
	"reflect"
	"testing"

	"policydesk/drafts/draftstest"
)

type wantDiv struct{ num, title, heading string }

func divisionsOf(body string) []wantDiv {
	var got []wantDiv
	for _, d := range Divisions(body) {
		got = append(got, wantDiv{d.Num, d.Title, d.Heading})
	}
	return got
}

// TestDivisions recognises part, chapter and section headings in the three
// languages, as Markdown headings, bold lines and bare lines, and refuses
// prose that starts with the same word.
func TestDivisions(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []wantDiv
	}{
		{"albanian heading", "## KAPITULLI III – DISPOZITAT KALIMTARE\n", []wantDiv{{"III", "DISPOZITAT KALIMTARE", "KAPITULLI III – DISPOZITAT KALIMTARE"}}},
		{"albanian bare, title below", "KAPITULLI III\n\nDISPOZITAT KALIMTARE\n\nNeni 20\n", []wantDiv{{"III", "DISPOZITAT KALIMTARE", "KAPITULLI III"}}},
		{"albanian capitals without separator", "KAPITULLI I DISPOZITAT E PËRGJITHSHME\n", []wantDiv{{"I", "DISPOZITAT E PËRGJITHSHME", "KAPITULLI I DISPOZITAT E PËRGJITHSHME"}}},
		{"albanian part", "# PJESA II\n", []wantDiv{{"II", "", "PJESA II"}}},
		{"albanian bold", "**Kapitulli 2: Mbikëqyrja**\n", []wantDiv{{"2", "Mbikëqyrja", "Kapitulli 2: Mbikëqyrja"}}},
		{"serbian latin", "## POGLAVLJE III – Prelazne odredbe\n", []wantDiv{{"III", "Prelazne odredbe", "POGLAVLJE III – Prelazne odredbe"}}},
		{"serbian cyrillic", "## ПОГЛАВЉЕ III – Прелазне одредбе\n", []wantDiv{{"III", "Прелазне одредбе", "ПОГЛАВЉЕ III – Прелазне одредбе"}}},
		{"english chapter", "Chapter III\n=====\n", []wantDiv{{"III", "", "Chapter III"}}},
		{"english section", "Section 2 - Supervision\n", []wantDiv{{"2", "Supervision", "Section 2 - Supervision"}}},
		{"prose with the word", "Section 2 of this Law applies to schools.\n", nil},
		{"prose after a separator", "Section 2. The Minister shall publish the list.\n", nil},
		{"prose in lower case", "Kapitulli 3 përcakton afatet e zbatimit\n", nil},
		{"word, not numeral", "## PJESA E PARË\n\n## Partial results\n\n## Chapters 1 and 2\n\n## Chapter Ia\n", nil},
		{"inside a paragraph", "Teksti vazhdon\nKAPITULLI III\n", nil},
		{"inside fenced code", "```\n## KAPITULLI III\n```\n", nil},
		{"article, not division", "## Neni 5 – Qëllimi\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := divisionsOf(tc.body); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Divisions(%q) = %q, want %q", tc.body, got, tc.want)
			}
		})
	}
}

// TestDivisionEndsArticle checks that an article stops where a chapter
// heading starts, so the chapter heading is not part of the article before
// it (nor its title), and that an article right under a bare chapter line
// is still found.
func TestDivisionEndsArticle(t *testing.T) {
	body := "## Neni 1\n\nTeksti 1.\n\nKAPITULLI II\nDISPOZITAT E FUNDIT\n\n## Neni 2\n\nTeksti 2.\n\n## KAPITULLI III\n\n**Neni 3**\n\nTeksti 3.\n"
	arts := Parse(body)
	if len(arts) != 3 {
		t.Fatalf("Parse found %d articles, want 3: %+v", len(arts), arts)
	}
	if got := body[arts[0].Start:arts[0].End]; got != "## Neni 1\n\nTeksti 1.\n\n" {
		t.Errorf("article 1 is %q", got)
	}
	if got := body[arts[1].Start:arts[1].End]; got != "## Neni 2\n\nTeksti 2.\n\n" {
		t.Errorf("article 2 is %q", got)
	}
	if arts[2].End != len(body) || arts[2].Num != "3" {
		t.Errorf("article 3 is %+v", arts[2])
	}
	divs := Divisions(body)
	if len(divs) != 2 || divs[0].Title != "DISPOZITAT E FUNDIT" || divs[1].Num != "III" {
		t.Errorf("divisions %+v", divs)
	}
	// A division line right above an article, without a blank line.
	if arts := Parse("KAPITULLI I\nNeni 1\n\nTeksti.\n"); len(arts) != 1 || arts[0].Start != len("KAPITULLI I\n") {
		t.Errorf("article under a bare chapter line: %+v", arts)
	}
}

// BenchmarkDivisions is the scan the redline adds to every comparison,
// on the same 100-article draft as BenchmarkParseOutline.
func BenchmarkDivisions(b *testing.B) {
	body := draftstest.Regulation(100, 60000, 42)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		_ = Divisions(body)
	}
}

// BenchmarkDivisionsPathological reports the time ratio from N to 8N bytes
// on the pathological corpus (with its chapter shapes): about 8 is linear.
func BenchmarkDivisionsPathological(b *testing.B) {
	draftstest.BenchRatio(b, func(body string) { Divisions(body) })
}
