// Package draftstest generates realistic and hostile drafts for tests and
// benchmarks, and holds what the tests of the text packages beside drafts
// share: the body limit and whether the race detector is on.
package draftstest

import (
	"fmt"
	"math/rand"
	"strings"
)

// Vocabulary of Albanian legal prose, with the diacritics (ë, ç) that real
// drafts carry so benchmarks exercise multi-byte text.
var (
	subjects = []string{
		"Ministria", "Autoriteti rregullativ", "Komuna", "Organi kompetent",
		"Agjencia", "Qeveria", "Personi fizik", "Personi juridik",
		"Operatori ekonomik", "Inspektorati", "Këshilli", "Zyrtari përgjegjës",
	}
	verbs = []string{
		"përcakton", "siguron", "harton", "miraton", "mbikëqyr", "zbaton",
		"shqyrton", "publikon", "njofton", "regjistron", "kërkon", "lëshon",
		"vlerëson", "koordinon", "raporton", "përgatit",
	}
	objects = []string{
		"procedurat administrative", "kërkesat teknike", "masat e sigurisë",
		"dokumentacionin përkatës", "raportin vjetor", "planin e veprimit",
		"lejen e ushtrimit të veprimtarisë", "standardet e cilësisë",
		"të dhënat personale", "regjistrin qendror", "udhëzimin administrativ",
		"kriteret e përzgjedhjes", "buxhetin e miratuar", "çmimet e shërbimeve",
		"vendimin përfundimtar", "kontratat publike",
	}
	qualifiers = []string{
		"në përputhje me legjislacionin në fuqi",
		"brenda afatit prej tridhjetë (30) ditësh",
		"sipas dispozitave të kësaj rregulloreje",
		"në bashkëpunim me institucionet përkatëse",
		"pa cenuar të drejtat e palëve të treta",
		"në formë elektronike dhe në letër",
		"për çdo vit kalendarik",
		"në gjuhët zyrtare të Republikës së Kosovës",
		"me kërkesë të palës së interesuar",
		"në mënyrë të paanshme dhe transparente",
	}
	titles = []string{
		"Qëllimi", "Fushëveprimi", "Përkufizimet", "Parimet e përgjithshme",
		"Kompetencat e Ministrisë", "Detyrat e Autoritetit", "Regjistrimi",
		"Lëshimi i lejes", "Kërkesat për aplikim", "Afatet", "Ankesat",
		"Mbikëqyrja", "Inspektimi", "Masat ndëshkuese", "Gjobat",
		"Mbrojtja e të dhënave", "Raportimi", "Transparenca", "Bashkëpunimi",
		"Financimi", "Tarifat", "Konflikti i interesit", "Konfidencialiteti",
		"Dispozitat kalimtare", "Shfuqizimi", "Hyrja në fuqi",
	}
	// topics make each article's wording its own, as in real regulations,
	// so that text similarity between different articles stays low.
	topics = []string{
		"licencimi i farmacive", "ujërat nëntokësore", "mbetjet urbane", "transporti publik",
		"arsimi parauniversitar", "kujdesi shëndetësor parësor", "pylltaria", "gjuetia",
		"prokurimi elektronik", "tatimi në pronë", "ndërtimet pa leje", "trashëgimia kulturore",
		"energjia e ripërtëritshme", "telekomunikacioni", "siguria ushqimore", "veterinaria",
		"pensionet kontributive", "punësimi i të rinjve", "turizmi rural", "zjarrfikësit",
		"hekurudhat", "aviacioni civil", "minierat", "bujqësia organike", "farat dhe fidanët",
		"ndihma juridike falas", "përmbarimi privat", "noterët", "ndërmjetësimi", "arkivat",
		"statistikat zyrtare", "kadastri", "planifikimi hapësinor", "zhurma mjedisore",
		"cilësia e ajrit", "sporti amator", "mediat audiovizuele", "lojërat e fatit",
		"armët e gjuetisë", "produktet e duhanit", "alkooli", "barnat psikotrope",
		"pajisjet mjekësore", "kozmetika", "lodrat", "tekstilet", "çimentoja", "nafta",
		"gazi natyror", "ngrohja qendrore", "ujësjellësi", "kanalizimi", "varrezat",
		"tregjet e gjelbra", "taksitë", "parkingjet", "ashensorët", "kaldajat",
	}
	titleSuffixes = []string{
		"e operatorëve", "në nivel komunal", "për personat juridikë",
		"e shërbimeve publike", "gjatë procedurës", "në rast urgjence",
	}
)

// Regulation returns a Markdown regulation in Albanian with the given number
// of articles and roughly the given number of words, deterministic in seed.
// Layout: "# Rregullore ..." title, a preamble, then "## Neni N – Titulli"
// articles with numbered paragraphs "1." and sub-paragraphs "1.1.".
func Regulation(articles, words int, seed int64) string {
	g := &gen{rnd: rand.New(rand.NewSource(seed))}
	g.b.Grow(words * 9)
	g.header(seed)
	perArticle := (words - g.words) / max(articles, 1)
	for n := 1; n <= articles; n++ {
		g.article(n, perArticle)
	}
	return g.b.String()
}

type gen struct {
	rnd   *rand.Rand
	topic []string // phrases of the article being written
	b     strings.Builder
	words int
	used  map[string]int
}

func (g *gen) pick(list []string) string { return list[g.rnd.Intn(len(list))] }

// write appends s and counts its words toward the budget.
func (g *gen) write(s string) {
	g.b.WriteString(s)
	g.words += len(strings.Fields(s))
}

func (g *gen) header(seed int64) {
	g.write(fmt.Sprintf("# Rregullore Nr. %02d/%d për %s\n\n", seed%50+1, 2020+seed%6, g.pick(objects)))
	g.write("Ministri i Ekonomisë, në mbështetje të nenit 93, paragrafi 4, të Kushtetutës " +
		"së Republikës së Kosovës dhe nenit 8 të Ligjit për Administratën Shtetërore, nxjerr:\n\n")
	g.write("## Kapitulli I – Dispozitat e përgjithshme\n\n")
}

// title returns a distinct article title; repeats get a qualifier so that
// title matching across versions stays meaningful.
func (g *gen) title() string {
	if g.used == nil {
		g.used = map[string]int{}
	}
	t := g.pick(titles)
	g.used[t]++
	if k := g.used[t]; k > 1 {
		t = fmt.Sprintf("%s %s", t, titleSuffixes[(k-2)%len(titleSuffixes)])
		if k > len(titleSuffixes)+1 {
			t = fmt.Sprintf("%s (%d)", t, k)
		}
	}
	return t
}

func (g *gen) article(n, budget int) {
	start := g.words
	g.topic = g.topic[:0]
	for range 4 {
		g.topic = append(g.topic, g.pick(topics))
	}
	g.write(fmt.Sprintf("## Neni %d – %s\n\n", n, g.title()))
	if n%25 == 0 {
		g.table()
	}
	for p := 1; g.words-start < budget; p++ {
		g.write(fmt.Sprintf("%d. %s\n", p, g.sentence()))
		subs := g.rnd.Intn(3)
		for s := 1; s <= subs && g.words-start < budget; s++ {
			g.write(fmt.Sprintf("   %d.%d. %s\n", p, s, g.sentence()))
		}
		g.b.WriteByte('\n')
	}
}

// sentence builds one clause of legal prose, occasionally with emphasis or
// a cross-reference so the renderer sees inline markup.
func (g *gen) sentence() string {
	s := fmt.Sprintf("%s %s %s për %s %s", g.pick(subjects), g.pick(verbs), g.pick(objects), g.pick(g.topic), g.pick(qualifiers))
	switch g.rnd.Intn(8) {
	case 0:
		s += fmt.Sprintf(", siç parashihet në nenin %d të kësaj rregulloreje", g.rnd.Intn(40)+1)
	case 1:
		s += ", **përveç kur** " + g.pick(qualifiers)
	case 2:
		s += " dhe " + g.pick(verbs) + " _" + g.pick(objects) + "_"
	}
	return s + "."
}

func (g *gen) table() {
	g.write("| Kategoria | Tarifa (€) | Afati |\n|---|---:|---|\n")
	for i := 1; i <= 4; i++ {
		g.write(fmt.Sprintf("| %s | %d | %d ditë |\n", g.pick(titles), g.rnd.Intn(900)+100, g.rnd.Intn(60)+5))
	}
	g.b.WriteByte('\n')
}
