package docx_test

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"policydesk/drafts/draftstest"
	"policydesk/drafts/markdown"
	"policydesk/drafts/outline"
	"policydesk/review/docx"
	"policydesk/review/docx/docxtest"
	"policydesk/review/redline"
)

// earlier and later are two versions of a regulation: Neni 3 deleted,
// a new Neni 4 inserted, words changed, added and removed in Neni 1 and
// 2, a sub-paragraph and a paragraph added, a list item and a table row
// changed.
const earlier = `# Rregullore Nr. 05/2025 për Qendrat Ditore

Ministri i Drejtësisë nxjerr:

## Neni 1 – Qëllimi

1. Kjo Rregullore përcakton **organizimin** e Qendrave Ditore për fëmijët.
   1.1. fëmijët e moshës _gjashtë (6)_ deri në trembëdhjetë (13) vjeç;
   1.2. familjet në nevojë.

2. Shërbimet ofrohen pa pagesë.

## Neni 2 – Stafi

1. Qendra ka stafin e mëposhtëm:

- psikologu;
- punëtori social;
- edukatori.

| Kategoria | Numri |
|---|---|
| Psikologë | 2 |
| Edukatorë | 5 |

## Neni 3 – Mbikëqyrja

1. Mbikëqyrjen e bën Ministria e Drejtësisë.

2. Inspektimi bëhet një herë në vit.

## Neni 4 – Hyrja në fuqi

Kjo Rregullore hyn në fuqi shtatë (7) ditë pas publikimit.
`

const later = `# Rregullore Nr. 05/2026 për Qendrat Ditore

Ministri i Drejtësisë nxjerr:

## Neni 1 – Qëllimi

1. Kjo Rregullore përcakton **organizimin dhe fushëveprimin** e Qendrave Ditore.
   1.1. fëmijët e moshës _tre (3)_ deri në pesëmbëdhjetë (15) vjeç;
   1.2. familjet në nevojë;
   1.3. të rinjtë deri në tetëmbëdhjetë (18) vjeç.

2. Shërbimet ofrohen pa pagesë.

3. Qendra mban regjistrin e përfituesve.

## Neni 2 – Stafi

1. Qendra ka stafin e mëposhtëm:

- psikologu;
- punëtori social i licencuar;
- edukatori.

| Kategoria | Numri |
|---|---|
| Psikologë | 3 |
| Edukatorë | 5 |

## Neni 3 – Ekipet mobile

1. Qendra mund të themelojë ekipe mobile për fëmijët në rrugë.

2. Ekipet mobile raportojnë çdo muaj.

## Neni 4 – Hyrja në fuqi

Kjo Rregullore hyn në fuqi shtatë (7) ditë pas publikimit në Gazetën Zyrtare.
`

func redlineMeta() docx.Meta {
	m := meta()
	m.Author, m.Modified = "Arben Gashi", time.Date(2026, 4, 2, 14, 5, 0, 0, time.UTC)
	return m
}

func exportRedline(t testing.TB, a, b string) []byte {
	t.Helper()
	rl := redline.Compute(a, b, nil, nil)
	out, err := docx.Redline(context.Background(), markdown.NewRenderer(0), a, b, rl, redlineMeta())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var tableRule = regexp.MustCompile(`(?m)^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$`)

// words is a text's words for comparison: Markdown's and pandoc's markup
// (heading marks, emphasis, table bars and rules, bullets) left out, the
// words and numbers as written kept. Punctuation standing alone joins the
// word before it: pandoc does not join the paragraphs whose tracked
// paragraph mark it rejects, as Word does, so where an inserted paragraph
// came between a word and its full stop pandoc reads "fëmijës ." for
// Word's "fëmijës.".
func words(text string) []string {
	text = tableRule.ReplaceAllString(text, "")
	var out []string
	for _, w := range strings.Fields(text) {
		w = strings.NewReplacer("*", "", "_", "").Replace(w)
		switch {
		case w == "" || strings.Trim(w, "#|-•+=") == "":
		case strings.Trim(w, ".,;:") == "" && len(out) > 0:
			out[len(out)-1] += w
		default:
			out = append(out, w)
		}
	}
	return out
}

// checkWords compares a reading with a version word by word and shows
// where they part.
func checkWords(t *testing.T, what string, got, want []string) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	t.Errorf("%s: %d words, want %d; they part at word %d: got %q, want %q", what, len(got), len(want), i,
		got[max(0, i-3):min(len(got), i+8)], want[max(0, i-3):min(len(want), i+8)])
}

// checkAcceptReject: pandoc accepting every change reads the later
// version's words, rejecting every change the earlier's.
func checkAcceptReject(t *testing.T, out []byte, a, b string) {
	t.Helper()
	checkWords(t, "accept all", words(docxtest.PandocRead(t, out, "plain", "--track-changes=accept")), words(b))
	checkWords(t, "reject all", words(docxtest.PandocRead(t, out, "plain", "--track-changes=reject")), words(a))
}

func TestRedlineTracksChanges(t *testing.T) {
	out := exportRedline(t, earlier, later)
	doc := part(t, out, "word/document.xml")
	for _, want := range []string{
		`<w:ins w:id=`, `<w:del w:id=`, `w:author="Arben Gashi" w:date="2026-04-02T14:05:00Z"`,
		`Mbikëqyrja</w:delText>`, `Ekipet mobile</w:t>`, `>2</w:delText>`, `>3</w:t></w:r></w:ins>`,
		// whole paragraphs inserted and deleted carry their paragraph mark
		`<w:pPr><w:pStyle w:val="Heading2"/><w:rPr><w:del `, `<w:pPr><w:pStyle w:val="Heading2"/><w:rPr><w:ins `,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	checkAcceptReject(t, out, earlier, later)
}

// TestRedlineDayCareCenters: the demo regulation's three versions, each
// pair, accepted and rejected; and LibreOffice opens one of them.
func TestRedlineDayCareCenters(t *testing.T) {
	var v []string
	for _, f := range []string{"v1.md", "v2.md", "v3.md"} {
		b, err := os.ReadFile("../../cmd/policydesk/demodata/rregullore-qendrat-ditore/" + f)
		if err != nil {
			t.Fatal(err)
		}
		v = append(v, string(b))
	}
	for _, p := range [][2]int{{0, 1}, {1, 2}, {0, 2}, {2, 0}} {
		out := exportRedline(t, v[p[0]], v[p[1]])
		checkAcceptReject(t, out, v[p[0]], v[p[1]])
		if p == [2]int{0, 2} {
			pdf := docxtest.PDFText(t, out)
			for _, want := range []string{"Neni 8 – Ekipet mobile", "– Mbikëqyrja", "Ministri i Drejtësisë,"} {
				if !strings.Contains(pdf, want) {
					t.Errorf("LibreOffice's PDF of the redline lacks %q", want)
				}
			}
		}
	}
}

// generatedPair is the project's generated regulation and its revision
// (articles inserted, deleted, moved, renumbered and edited), with the
// outlines stored versions carry.
func generatedPair(articles, words int) (a, b string, rl *redline.Redline) {
	a = draftstest.Regulation(articles, words, 1)
	b = draftstest.Revise(a, 101)
	aOut, bOut := outline.Parse(a), outline.Parse(b)
	outline.AssignIDs(nil, aOut, "", a, outline.NewIDs(1))
	outline.AssignIDs(aOut, bOut, a, b, outline.NewIDs(2))
	return a, b, redline.Compute(a, b, aOut, bOut)
}

// TestRedlineGeneratedRevision: moved articles too give the later
// version on accepting and the earlier on rejecting.
func TestRedlineGeneratedRevision(t *testing.T) {
	a, b, rl := generatedPair(30, 6000)
	if rl.Stats.ArticlesMoved == 0 || rl.Stats.ArticlesAdded == 0 || rl.Stats.ArticlesDeleted == 0 {
		t.Fatalf("the revision should move, add and delete articles: %+v", rl.Stats)
	}
	out, err := docx.Redline(context.Background(), markdown.NewRenderer(0), a, b, rl, redlineMeta())
	if err != nil {
		t.Fatal(err)
	}
	checkAcceptReject(t, out, a, b)
}
