package docx_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"policydesk/drafts/draftstest"
	"policydesk/review/docx/docxtest"
)

// fixtureMarkdown is a regulation as pandoc users write it.
const fixtureMarkdown = `# Rregullore për Qendrat Ditore

## Neni 1 – Qëllimi

1. Kjo Rregullore përcakton **organizimin** e *qendrave*.

   1.1. Nën-paragrafi i parë;

   1.2. Nën-paragrafi i dytë.

2. Shih [ligjin](https://gzk.rks-gov.net/)[^1].

## Neni 2 – Tarifat

| Kategoria | Tarifa (€) | Afati |
|---|---:|---|
| Regjistrimi | 100 | 30 ditë |
| Ankesa | 0 | 15 ditë |

## Neni 3

1. Hyn në fuqi.

[^1]: Ligji Nr. 06/L-084.
`

func TestReadPandocDocx(t *testing.T) {
	im := read(t, docxtest.PandocWrite(t, fixtureMarkdown, "markdown"))
	if got, want := outlineOf(im.Markdown), outlineOf(fixtureMarkdown); !slices.Equal(got, want) {
		t.Fatalf("articles %q, want %q\n%s", got, want, im.Markdown)
	}
	for _, want := range []string{"1. Kjo Rregullore përcakton **organizimin** e *qendrave*.", "1.1. Nën-paragrafi i parë;", "1.2. Nën-paragrafi i dytë.",
		"2. Shih [ligjin](https://gzk.rks-gov.net/)[^1].", "| Kategoria | Tarifa (€) | Afati |", "| Regjistrimi | 100 | 30 ditë |",
		"| Ankesa | 0 | 15 ditë |", "[^1]: Ligji Nr. 06/L-084.", "## Neni 3\n\n1. Hyn në fuqi."} {
		if !strings.Contains(im.Markdown, want) {
			t.Errorf("missing %q in\n%s", want, im.Markdown)
		}
	}
}

// fixtureHTML is a regulation as a Word user types it: bold article lines,
// typed paragraph numbers, a table, and a list LibreOffice numbers itself.
const fixtureHTML = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Udhëzim Administrativ</title></head><body>
<h1>Udhëzim Administrativ Nr. 01/2026</h1>
<p><b>Neni 1</b></p>
<p><b>Qëllimi</b></p>
<p>1. Ky udhëzim përcakton <i>procedurat</i>.</p>
<p>1.1. Nën-paragrafi i parë.</p>
<h2>Neni 2 – Përkufizimet</h2>
<ol><li>fëmijë – personi nën 18 vjeç;</li><li>kujdestar – personi përgjegjës.</li></ol>
<table border="1"><tr><th>Shërbimi</th><th>Afati</th></tr><tr><td>Vlerësimi</td><td>5 ditë</td></tr><tr><td>Plani | rishikimi</td><td>30 ditë</td></tr></table>
<p><b>Neni 3</b></p>
<p>1. Hyn në fuqi më <a href="https://example.org/gazeta">botim</a>.</p>
</body></html>`

func TestReadLibreOfficeDocx(t *testing.T) {
	b := docxtest.Convert(t, []byte(fixtureHTML), "html", "docx:MS Word 2007 XML")
	im := read(t, b)
	want := []string{"1|Qëllimi", "2|Përkufizimet", "3|"}
	if got := outlineOf(im.Markdown); !slices.Equal(got, want) {
		t.Fatalf("articles %q, want %q\n%s", got, want, im.Markdown)
	}
	for _, w := range []string{"1. Ky udhëzim përcakton *procedurat*.", "1.1. Nën-paragrafi i parë.", "1. fëmijë – personi nën 18 vjeç;",
		"2. kujdestar – personi përgjegjës.", "| Shërbimi | Afati |", "| Vlerësimi | 5 ditë |", "| Plani \\| rishikimi | 30 ditë |",
		"[botim](https://example.org/gazeta)"} {
		if !strings.Contains(im.Markdown, w) {
			t.Errorf("missing %q in\n%s", w, im.Markdown)
		}
	}
}

// The generator's regulation through pandoc keeps every article, every
// paragraph number and every table cell.
func TestReadGeneratedRegulation(t *testing.T) {
	md := draftstest.Regulation(30, 6000, 3)
	im := read(t, docxtest.PandocWrite(t, md, "markdown"))
	if got, want := outlineOf(im.Markdown), outlineOf(md); !slices.Equal(got, want) {
		t.Fatalf("articles differ: got %d, want %d", len(got), len(want))
	}
	if got, want := numbers(im.Markdown), numbers(md); !slices.Equal(got, want) {
		t.Fatalf("paragraph numbers differ: %d vs %d", len(got), len(want))
	}
	if got, want := cells(im.Markdown), cells(md); !slices.Equal(got, want) || len(want) == 0 {
		t.Fatalf("cells %q, want %q", got, want)
	}
}

// numbers lists the paragraph numbers ("1.", "1.1.") in order; pandoc
// joins the generator's sub-paragraphs to their paragraph, so they are
// looked for anywhere.
func numbers(md string) []string {
	return paraNumber.FindAllString(md, -1)
}

var paraNumber = regexp.MustCompile(`(?m)(?:^|\s)[0-9]+\.(?:[0-9]+\.)*\s`)

// cells lists the text of the table cells, delimiter rows left out.
func cells(md string) []string {
	var out []string
	for _, line := range strings.Split(md, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") || strings.Trim(line, "|-: ") == "" {
			continue
		}
		for _, c := range strings.Split(strings.Trim(line, "|"), "|") {
			out = append(out, strings.TrimSpace(c))
		}
	}
	return out
}
