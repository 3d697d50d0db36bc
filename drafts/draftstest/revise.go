package draftstest

import (
	"fmt"
	"math/rand"
	"strings"
)

// articleMark starts an article heading in the text Regulation writes.
const articleMark = "## Neni "

// Revise returns a plausible next round of a regulation made by Regulation:
// about 5% of paragraphs get a word replaced, inserted or deleted, three
// articles are deleted, three new ones inserted, two moved far from where
// they were, and every article is renumbered in order afterwards, so most
// later articles change number. Deterministic in seed.
func Revise(body string, seed int64) string {
	rnd := rand.New(rand.NewSource(seed))
	head, arts := splitArticles(body)
	for k := range arts {
		arts[k] = editParagraphs(rnd, arts[k])
	}
	if len(arts) >= 8 {
		for range 3 {
			k := 1 + rnd.Intn(len(arts)-1)
			arts = append(arts[:k], arts[k+1:]...)
		}
		for range 2 {
			from := rnd.Intn(len(arts))
			moved := arts[from]
			arts = append(arts[:from], arts[from+1:]...)
			to := (from + len(arts)/3 + rnd.Intn(len(arts)/3+1)) % (len(arts) + 1)
			arts = append(arts[:to], append([]string{moved}, arts[to:]...)...)
		}
	}
	words := len(strings.Fields(body)) / max(len(arts), 1)
	g := &gen{rnd: rnd}
	for k := range 3 {
		at := rnd.Intn(len(arts) + 1)
		arts = append(arts[:at], append([]string{g.newArticle(k+1, words)}, arts[at:]...)...)
	}
	var b strings.Builder
	b.Grow(len(body) + len(body)/20)
	b.WriteString(head)
	for n, a := range arts {
		b.WriteString(renumber(a, n+1))
	}
	return b.String()
}

// splitArticles cuts body at its "## Neni" headings.
func splitArticles(body string) (head string, arts []string) {
	starts := []int{}
	for i := 0; i < len(body); {
		if strings.HasPrefix(body[i:], articleMark) {
			starts = append(starts, i)
		}
		k := strings.IndexByte(body[i:], '\n')
		if k < 0 {
			break
		}
		i += k + 1
	}
	if len(starts) == 0 {
		return body, nil
	}
	head = body[:starts[0]]
	for k, s := range starts {
		end := len(body)
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		arts = append(arts, body[s:end])
	}
	return head, arts
}

// editParagraphs edits about one paragraph line in twenty.
func editParagraphs(rnd *rand.Rand, art string) string {
	lines := strings.SplitAfter(art, "\n")
	for k, line := range lines {
		t := strings.TrimSpace(line)
		if k == 0 || t == "" || t[0] < '0' || t[0] > '9' || rnd.Intn(20) != 0 {
			continue
		}
		lines[k] = editLine(rnd, line)
	}
	return strings.Join(lines, "")
}

// editLine replaces, inserts or deletes one or two words, never the
// paragraph number.
func editLine(rnd *rand.Rand, line string) string {
	indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
	w := strings.Fields(line)
	if len(w) < 4 {
		return line
	}
	for range 1 + rnd.Intn(2) {
		k := 1 + rnd.Intn(len(w)-2)
		switch rnd.Intn(3) {
		case 0:
			w[k] = editWords[rnd.Intn(len(editWords))]
		case 1:
			w = append(w[:k], append([]string{editWords[rnd.Intn(len(editWords))]}, w[k:]...)...)
		default:
			w = append(w[:k], w[k+1:]...)
		}
	}
	nl := ""
	if strings.HasSuffix(line, "\n") {
		nl = "\n"
	}
	return indent + strings.Join(w, " ") + nl
}

var editWords = []string{
	"gjithashtu", "menjëherë", "përkatësisht", "detyrimisht", "çdo", "veçanërisht",
	"paraprakisht", "rregullisht", "së bashku", "në mënyrë të drejtpërdrejtë",
}

// newArticle writes an article whose title no regulation article carries,
// so title matching cannot mistake it for an old one.
func (g *gen) newArticle(k, budget int) string {
	g.b.Reset()
	g.words = 0
	g.topic = g.topic[:0]
	for range 4 {
		g.topic = append(g.topic, g.pick(topics))
	}
	g.write(fmt.Sprintf("%s0 – Dispozita shtesë %d\n\n", articleMark, k))
	for p := 1; g.words < budget; p++ {
		g.write(fmt.Sprintf("%d. %s %s %s, %s.\n\n", p, g.pick(newSubjects), g.pick(newVerbs), g.pick(newObjects), g.pick(newQualifiers)))
	}
	return g.b.String()
}

// The vocabulary of inserted articles is their own: in a real revision a
// new article brings new wording, and sharing Regulation's small
// vocabulary would make any two articles look alike.
var (
	newSubjects = []string{
		"Komisioni i posaçëm", "Bordi mbikëqyrës", "Avokati i Popullit", "Drejtoria rajonale",
		"Qendra për punë sociale", "Gjykata kompetente", "Sekretari i përgjithshëm", "Njësia e auditimit",
	}
	newVerbs = []string{
		"dorëzon", "ruan", "arkivon", "verifikon", "pezullon", "anulon", "rishikon", "certifikon",
	}
	newObjects = []string{
		"dosjet e fëmijëve", "vërtetimet e lindjes", "ankimet me shkrim", "procesverbalet e takimeve",
		"listat e pritjes", "marrëveshjet e mirëkuptimit", "certifikatat e trajnimit", "deklaratat e pasurisë",
	}
	newQualifiers = []string{
		"jo më vonë se pesëmbëdhjetë ditë pune", "pasi të ketë dëgjuar palët",
		"me nënshkrimin e dy zyrtarëve", "duke ruajtur fshehtësinë e burimit",
		"vetëm pas autorizimit paraprak", "gjatë orarit zyrtar të punës",
	}
)

// renumber rewrites the heading's number.
func renumber(art string, n int) string {
	rest := art[len(articleMark):]
	k := 0
	for k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
		k++
	}
	return fmt.Sprintf("%s%d%s", articleMark, n, rest[k:])
}
