package outline

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"policydesk/drafts/draftstest"
)

type wantArt struct{ num, title, heading string }

func TestParseOutlineHeadings(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		want []wantArt
	}{
		{"neni dash", "## Neni 5 – Fushëveprimi\n", []wantArt{{"5", "Fushëveprimi", "Neni 5 – Fushëveprimi"}}},
		{"neni hyphen", "### Neni 5 - Fushëveprimi", []wantArt{{"5", "Fushëveprimi", "Neni 5 - Fushëveprimi"}}},
		{"neni colon", "# Neni 12: Qëllimi", []wantArt{{"12", "Qëllimi", "Neni 12: Qëllimi"}}},
		{"neni dot", "## Neni 3. Përkufizimet", []wantArt{{"3", "Përkufizimet", "Neni 3. Përkufizimet"}}},
		{"neni no title", "## Neni 4\n\n1. Ky nen rregullon çështjet e përgjithshme të kësaj rregulloreje.", []wantArt{{"4", "", "Neni 4"}}},
		{"title on next heading", "## Neni 4\n### Qëllimi\n\nTeksti.", []wantArt{{"4", "Qëllimi", "Neni 4"}}},
		{"lowercase word", "## neni 9 – Afatet", []wantArt{{"9", "Afatet", "neni 9 – Afatet"}}},
		{"uppercase word", "## NENI 9 – AFATET", []wantArt{{"9", "AFATET", "NENI 9 – AFATET"}}},
		{"suffix", "## Neni 5a – Shtesë", []wantArt{{"5a", "Shtesë", "Neni 5a – Shtesë"}}},
		{"dotted suffix", "## Neni 5.a", []wantArt{{"5.a", "", "Neni 5.a"}}},
		{"dot then title is not suffix", "## Neni 5. Akti", []wantArt{{"5", "Akti", "Neni 5. Akti"}}},
		{"artikulli", "## Artikulli 2 – Qëllimi", []wantArt{{"2", "Qëllimi", "Artikulli 2 – Qëllimi"}}},
		{"article", "## Article 1 - Purpose", []wantArt{{"1", "Purpose", "Article 1 - Purpose"}}},
		{"clan", "## Član 7 – Definicije", []wantArt{{"7", "Definicije", "Član 7 – Definicije"}}},
		{"clan ascii", "## Clan 7", []wantArt{{"7", "", "Clan 7"}}},
		{"clan upper", "## ČLAN 7", []wantArt{{"7", "", "ČLAN 7"}}},
		{"clen", "## Člen 8 – Pojmi", []wantArt{{"8", "Pojmi", "Člen 8 – Pojmi"}}},
		{"cyrillic", "## Члан 10 – Дефиниције", []wantArt{{"10", "Дефиниције", "Члан 10 – Дефиниције"}}},
		{"cyrillic upper", "## ЧЛАН 10", []wantArt{{"10", "", "ЧЛАН 10"}}},
		{"section sign", "## § 3 Begriffe", []wantArt{{"3", "Begriffe", "§ 3 Begriffe"}}},
		{"section sign tight", "## §3", []wantArt{{"3", "", "§3"}}},
		{"closing hashes", "## Neni 6 – Afatet ##", []wantArt{{"6", "Afatet", "Neni 6 – Afatet"}}},
		{"bold in heading", "## **Neni 6**", []wantArt{{"6", "", "Neni 6"}}},
		{"setext", "Neni 8 – Gjobat\n======", []wantArt{{"8", "Gjobat", "Neni 8 – Gjobat"}}},
		{"chapter not article", "# Kapitulli I\n## Preambula\n## Dispozitat e përgjithshme", nil},
		{"word without number", "## Neni i ri", nil},
		{"plural word", "## Articles 5 and 6", nil},
		{"not at start", "## Ndryshimi i nenit 5", nil},
		{"no space after hash", "##Neni 5", nil},
		{"indented code", "    ## Neni 5", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertOutline(t, tc.body, tc.want)
		})
	}
}

func TestParseOutlineWordConverted(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		want []wantArt
	}{
		{"bold alone", "Hyrje.\n\n**Neni 5**\n\nTeksti.", []wantArt{{"5", "", "Neni 5"}}},
		{"bold with title", "**Neni 5 – Fushëveprimi**\n", []wantArt{{"5", "Fushëveprimi", "Neni 5 – Fushëveprimi"}}},
		{"bold then bold title", "**Neni 5**\n**Fushëveprimi**\n\nTeksti.", []wantArt{{"5", "Fushëveprimi", "Neni 5"}}},
		{"underscore bold", "__Neni 5__", []wantArt{{"5", "", "Neni 5"}}},
		{"bare line with title below", "Neni 5\nFushëveprimi\n\n1. Kjo rregullore zbatohet.", []wantArt{{"5", "Fushëveprimi", "Neni 5"}}},
		{"bare line sentence below", "Neni 5\n\n1. Kjo rregullore zbatohet.", []wantArt{{"5", "", "Neni 5"}}},
		{"bare line in prose", "Neni 5 i kësaj rregulloreje zbatohet.", nil},
		{"mid paragraph", "Sipas\n**Neni 5**\nteksti.", nil},
		{"bold inline", "Shih **Neni 5** për detajet.", nil},
		{"signature line below", "Neni 5\n\n_____\n\nTeksti.", []wantArt{{"5", "", "Neni 5"}}},
		{"date blank below", "__Neni 5__\n\n__.__.2026\n", []wantArt{{"5", "", "Neni 5"}}},
		{"blank lines are not headings", "_____\n\n__ __\n\n## ___\n\nNeni 6\n", []wantArt{{"6", "", "Neni 6"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertOutline(t, tc.body, tc.want)
		})
	}
}

func TestParseOutlineCodeFences(t *testing.T) {
	body := "## Neni 1\n\n```markdown\n## Neni 2\n**Neni 3**\n```\n\n~~~~\n## Neni 4\n~~~\n## Neni 5\n~~~~\n\n## Neni 6\n" +
		"````\n```\n## Neni 7\n````\n## Neni 8\n"
	assertOutline(t, body, []wantArt{{"1", "", "Neni 1"}, {"6", "", "Neni 6"}, {"8", "", "Neni 8"}})
}

func TestParseOutlineOffsets(t *testing.T) {
	body := "# Rregullore\n\nPreambula.\n\n## Neni 1 – Qëllimi\n\nTeksti 1.\n\n## Neni 2 – Fushëveprimi\n\nTeksti 2.\n"
	arts := Parse(body)
	if len(arts) != 2 {
		t.Fatalf("got %d articles", len(arts))
	}
	if got := body[arts[0].Start:arts[0].End]; got != "## Neni 1 – Qëllimi\n\nTeksti 1.\n\n" {
		t.Errorf("section 1 = %q", got)
	}
	if got := body[arts[1].Start:arts[1].End]; got != "## Neni 2 – Fushëveprimi\n\nTeksti 2.\n" {
		t.Errorf("section 2 = %q", got)
	}
	if arts[0].Level != 2 {
		t.Errorf("level = %d", arts[0].Level)
	}
	crlf := strings.ReplaceAll(body, "\n", "\r\n")
	if arts := Parse(crlf); len(arts) != 2 || arts[1].Title != "Fushëveprimi" || arts[1].End != len(crlf) {
		t.Errorf("CRLF outline = %+v", arts)
	}
}

func TestParseOutlineGenerated(t *testing.T) {
	body := draftstest.Regulation(100, 60000, 42)
	arts := Parse(body)
	if len(arts) != 100 {
		t.Fatalf("got %d articles, want 100", len(arts))
	}
	for i, a := range arts {
		if a.Num != fmt.Sprint(i+1) || a.Title == "" {
			t.Errorf("article %d = %+v", i, a)
		}
	}
	if words := len(strings.Fields(body)); words < 54000 || words > 66000 {
		t.Errorf("generated %d words, want about 60000", words)
	}
	if body != draftstest.Regulation(100, 60000, 42) {
		t.Error("generator is not deterministic")
	}
}

func assertOutline(t *testing.T, body string, want []wantArt) {
	t.Helper()
	arts := Parse(body)
	if len(arts) != len(want) {
		t.Fatalf("Parse(%q) = %+v, want %d articles", body, arts, len(want))
	}
	for i, w := range want {
		a := arts[i]
		if a.Num != w.num || a.Title != w.title || a.Heading != w.heading {
			t.Errorf("article %d = {num %q title %q heading %q}, want %+v", i, a.Num, a.Title, a.Heading, w)
		}
	}
}

// version parses body and assigns IDs against the previous version, as
// the service does when it saves one.
type version struct {
	number int
	body   string
	arts   []Article
}

func newVersion(prev *version, body string) *version {
	v := &version{number: 1, body: body, arts: Parse(body)}
	if prev == nil {
		AssignIDs(nil, v.arts, "", body, NewIDs(1))
	} else {
		v.number = prev.number + 1
		AssignIDs(prev.arts, v.arts, prev.body, body, NewIDs(v.number))
	}
	return v
}

func ids(arts []Article) string {
	s := make([]string, len(arts))
	for i, a := range arts {
		s[i] = a.ID
	}
	return strings.Join(s, " ")
}

func art(num int, title, text string) string {
	if title == "" {
		return fmt.Sprintf("## Neni %d\n\n%s\n\n", num, text)
	}
	return fmt.Sprintf("## Neni %d – %s\n\n%s\n\n", num, title, text)
}

const (
	textA = "Kjo rregullore përcakton procedurat për regjistrimin e operatorëve ekonomikë në regjistrin qendror."
	textB = "Ministria mbikëqyr zbatimin e kësaj rregulloreje në bashkëpunim me komunat dhe agjencitë."
	textC = "Gjobat shqiptohen nga inspektorati brenda afatit prej tridhjetë ditësh nga konstatimi i shkeljes."
	textD = "Të dhënat personale përpunohen në përputhje me ligjin për mbrojtjen e të dhënave personale."
)

func TestAssignIDs(t *testing.T) {
	v1 := newVersion(nil, art(1, "Qëllimi", textA)+art(2, "Mbikëqyrja", textB)+art(3, "Gjobat", textC))
	if got := ids(v1.arts); got != "a1 a2 a3" {
		t.Fatalf("first version IDs = %q", got)
	}
	for _, tc := range []struct {
		name, body, want string
	}{
		{"unchanged", art(1, "Qëllimi", textA) + art(2, "Mbikëqyrja", textB) + art(3, "Gjobat", textC), "a1 a2 a3"},
		{"insert renumbers", art(1, "Qëllimi", textA) + art(2, "Të dhënat", textD) + art(3, "Mbikëqyrja", textB) + art(4, "Gjobat", textC), "a1 a2.1 a2 a3"},
		{"delete renumbers", art(1, "Qëllimi", textA) + art(2, "Gjobat", textC), "a1 a3"},
		{"retitled same text", art(1, "Objekti", textA) + art(2, "Mbikëqyrja", textB) + art(3, "Gjobat", textC), "a1 a2 a3"},
		{"retitled small edit", art(1, "Objekti", textA+" Ajo zbatohet menjëherë.") + art(2, "Mbikëqyrja", textB) + art(3, "Gjobat", textC), "a1 a2 a3"},
		{"retitled rewritten", art(1, "Objekti", textD) + art(2, "Mbikëqyrja", textB) + art(3, "Gjobat", textC), "a2.1 a2 a3"},
		{"moved", art(1, "Gjobat", textC) + art(2, "Qëllimi", textA) + art(3, "Mbikëqyrja", textB), "a3 a1 a2"},
		{"title dropped", art(1, "", textA) + art(2, "", textB) + art(3, "", textC), "a1 a2 a3"},
		{"title case and spaces", art(1, "QËLLIMI", textD) + art(2, "Mbikëqyrja ", textB) + art(3, "Gjobat", textC), "a1 a2 a3"},
		{"new and deleted", art(1, "Qëllimi", textA) + art(2, "Të dhënat", textD), "a1 a2.1"},
		{"each id once", art(1, "Qëllimi", textA) + art(2, "Qëllimi", textA) + art(3, "Gjobat", textC), "a1 a2.1 a3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(newVersion(v1, tc.body).arts); got != tc.want {
				t.Errorf("IDs = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestAssignIDsChain(t *testing.T) {
	v1 := newVersion(nil, art(1, "Qëllimi", textA)+art(2, "Mbikëqyrja", textB))
	v2 := newVersion(v1, art(1, "Qëllimi", textA)+art(2, "Gjobat", textC)+art(3, "Mbikëqyrja", textB))
	v3 := newVersion(v2, art(1, "Hyrje", textD)+art(2, "Qëllimi", textA)+art(3, "Gjobat", textC)+art(4, "Mbikëqyrja", textB))
	if got := ids(v3.arts); got != "a3.1 a1 a2.1 a2" {
		t.Errorf("v3 IDs = %q", got)
	}
	// An ID names the version that made it, so a deleted article's ID is
	// never reissued.
	v4 := newVersion(v3, art(1, "E re", textD))
	if got := ids(v4.arts); got != "a3.1" {
		// textD still matches a3.1 by similarity.
		t.Errorf("v4 IDs = %q", got)
	}
	v4 = newVersion(v3, art(1, "Krejt e re", "Tekst tjetër pa lidhje me asgjë."))
	if got := ids(v4.arts); got != "a4.1" {
		t.Errorf("v4 IDs = %q", got)
	}
}

// A 500-article regulation renumbered by inserting one article near the top
// keeps every identity.
func TestAssignIDs500Renumbered(t *testing.T) {
	body1 := draftstest.Regulation(500, 100000, 3)
	v1 := newVersion(nil, body1)
	arts := Parse(body1)
	// Insert a new article after Neni 2 and renumber the rest by retitling
	// nothing: only numbers change.
	insertAt := arts[2].Start
	body2 := renumber(body1[:insertAt]+art(3, "Neni i shtuar", textD)+body1[insertAt:], 3)
	v2 := newVersion(v1, body2)
	if len(v2.arts) != 501 {
		t.Fatalf("got %d articles", len(v2.arts))
	}
	for i, a := range v2.arts {
		want := ""
		switch {
		case i < 2:
			want = v1.arts[i].ID
		case i == 2:
			want = "a2.1"
		default:
			want = v1.arts[i-1].ID
		}
		if a.ID != want {
			t.Fatalf("article %d (%s) ID = %s, want %s", i, a.Heading, a.ID, want)
		}
	}
}

// renumber rewrites "## Neni N" headings from the from-th onwards.
func renumber(body string, from int) string {
	lines := strings.Split(body, "\n")
	n := 0
	for i, l := range lines {
		if !strings.HasPrefix(l, "## Neni ") {
			continue
		}
		n++
		if n > from {
			_, rest, _ := strings.Cut(strings.TrimPrefix(l, "## Neni "), " ")
			lines[i] = fmt.Sprintf("## Neni %d %s", n, rest)
		}
	}
	return strings.Join(lines, "\n")
}

func BenchmarkParseOutline(b *testing.B) {
	body := draftstest.Regulation(100, 60000, 42)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		_ = Parse(body)
	}
}

// BenchmarkAssignIDs500 matches a 500-article draft against a version with
// every title changed and most texts edited, forcing the similarity path.
func BenchmarkAssignIDs500(b *testing.B) {
	body1 := draftstest.Regulation(500, 100000, 5)
	prev := Parse(body1)
	AssignIDs(nil, prev, "", body1, NewIDs(1))
	body2 := strings.ReplaceAll(body1, "– ", "– Ndryshuar ")
	body2 = strings.ReplaceAll(body2, "Ministria", "Ministria e Financave")
	cur := Parse(body2)
	edited := 0
	for i := range cur {
		if sectionBody(body1, prev[i]) != sectionBody(body2, cur[i]) {
			edited++
		}
	}
	for b.Loop() {
		AssignIDs(prev, cur, body1, body2, NewIDs(2))
	}
	b.ReportMetric(float64(edited), "edited/op")
	for i := range cur {
		if cur[i].ID != prev[i].ID {
			b.Fatalf("article %d got %s, want %s", i, cur[i].ID, prev[i].ID)
		}
	}
}

func TestOutlineDropsRawHTML(t *testing.T) {
	arts := Parse("## Neni 1 – Qëllimi <img src=x onerror=alert(1)>\n\nTeksti.\n")
	if len(arts) != 1 {
		t.Fatalf("got %d articles", len(arts))
	}
	if arts[0].Heading != "Neni 1 – Qëllimi" || arts[0].Title != "Qëllimi" {
		t.Fatalf("heading %q title %q: raw HTML must not reach the outline", arts[0].Heading, arts[0].Title)
	}
	arts = Parse("## Neni 2 – Fëmijët < 18 vjeç\n")
	if arts[0].Title != "Fëmijët < 18 vjeç" {
		t.Fatalf("a lone < is text, got %q", arts[0].Title)
	}
}

// shuffledTinyArticles is the worst shape for identity assignment: n
// articles of near-identical text, renumbered and shuffled, so every
// article finds dozens of equally good candidates in its window.
func shuffledTinyArticles(n int) (prev []Article, bodyPrev string, cur []Article, bodyCur string) {
	var a, b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&a, "## Neni %d\n\nTeksti i njëjtë për të gjithë %d.\n\n", i+1, i%3)
	}
	// A fixed permutation: multiply by a unit modulo n.
	for k := 0; k < n; k++ {
		i := (k*7919 + 13) % n
		fmt.Fprintf(&b, "## Neni %d\n\nTeksti i njëjtë për të gjithë %d.\n\n", k+1, i%3)
	}
	bodyPrev, bodyCur = a.String(), b.String()
	prev = Parse(bodyPrev)
	for i := range prev {
		prev[i].ID = fmt.Sprint("a", i+1)
	}
	return prev, bodyPrev, Parse(bodyCur), bodyCur
}

// BenchmarkAssignIDsShuffled/n=90000 is a 4.4 MB save of that shape;
// time(8N)/time(N) near 8 shows the assignment is linear.
func BenchmarkAssignIDsShuffled(b *testing.B) {
	for _, n := range []int{11250, 90000} {
		prev, bodyPrev, cur, bodyCur := shuffledTinyArticles(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				AssignIDs(prev, cur, bodyPrev, bodyCur, NewIDs(2))
			}
		})
	}
}

func TestArticleAnchor(t *testing.T) {
	for in, want := range map[string]string{"5": "art-5", "5a": "art-5a", "5A": "art-5a", "5.a": "art-5a", `5"><x`: "art-5x"} {
		if got := ArticleAnchor(in); got != want {
			t.Errorf("ArticleAnchor(%q) = %q, want %q", in, got, want)
		}
	}
}

// Parse on the same corpus: linear, so the largest text takes well
// under a second.
func TestParseOutlinePathological(t *testing.T) {
	for _, s := range draftstest.Pathological {
		for _, size := range draftstest.PathologicalSizes() {
			body := s.Sized(size)
			start := time.Now()
			arts := Parse(body)
			if took := time.Since(start); !draftstest.Race && took > 5*time.Second {
				t.Errorf("%s at %d bytes: Parse took %v for %d articles", s.Name, len(body), took, len(arts))
			}
		}
	}
}

// BenchmarkParseOutlinePathological is the same for the outline parser.
func BenchmarkParseOutlinePathological(b *testing.B) {
	draftstest.BenchRatio(b, func(body string) { Parse(body) })
}
