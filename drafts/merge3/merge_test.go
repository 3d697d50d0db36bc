package merge3

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"policydesk/drafts/textdiff"
)

const mergeTestBase = `# Ligji për Mbrojtjen e të Dhënave Personale

## Neni 1
### Qëllimi

1. Ky ligj përcakton rregullat për mbrojtjen e të dhënave personale.
2. Dispozitat e këtij ligji zbatohen nga të gjitha institucionet publike.

## Neni 5
### Përpunimi i të dhënave

1. Kontrolluesi përpunon të dhënat vetëm për qëllime të ligjshme.
1.1. Përpunimi bëhet me pëlqimin e subjektit të të dhënave.
1.2. Pëlqimi jepet me shkrim ose në formë elektronike.
2. Të dhënat ruhen jo më gjatë se 30 ditë pas përfundimit të qëllimit.

## Neni 6
### Sanksionet

1. Shkelja e këtij ligji dënohet me gjobë nga 500 deri në 5.000 euro.
`

// mergeEdit returns s with each old replaced by new, failing if old is absent.
func mergeEdit(t testing.TB, s string, pairs ...string) string {
	t.Helper()
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("test text lacks %q", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

func TestMerge3Table(t *testing.T) {
	b := mergeTestBase
	const (
		n1p2  = "2. Dispozitat e këtij ligji zbatohen nga të gjitha institucionet publike.\n"
		n5p11 = "1.1. Përpunimi bëhet me pëlqimin e subjektit të të dhënave.\n"
		n5p12 = "1.2. Pëlqimi jepet me shkrim ose në formë elektronike.\n"
		n5p2  = "2. Të dhënat ruhen jo më gjatë se 30 ditë pas përfundimit të qëllimit.\n"
		n6    = "1. Shkelja e këtij ligji dënohet me gjobë nga 500 deri në 5.000 euro.\n"
	)
	tests := []struct {
		name            string
		base, mine, hed string
		want            string
		clean           bool
	}{
		{
			name: "different articles",
			base: b,
			mine: mergeEdit(t, b, "institucionet publike.", "institucionet publike dhe private."),
			hed:  mergeEdit(t, b, "500 deri në 5.000", "1.000 deri në 10.000"),
			want: mergeEdit(t, b, "institucionet publike.", "institucionet publike dhe private.",
				"500 deri në 5.000", "1.000 deri në 10.000"),
			clean: true,
		},
		{
			name:  "same edit on both sides",
			base:  b,
			mine:  mergeEdit(t, b, "30 ditë", "60 ditë"),
			hed:   mergeEdit(t, b, "30 ditë", "60 ditë"),
			want:  mergeEdit(t, b, "30 ditë", "60 ditë"),
			clean: true,
		},
		{
			name:  "same line, different words",
			base:  b,
			mine:  mergeEdit(t, b, "30 ditë", "60 ditë"),
			hed:   mergeEdit(t, b, "Të dhënat ruhen", "Të dhënat personale ruhen"),
			want:  mergeEdit(t, b, "30 ditë", "60 ditë", "Të dhënat ruhen", "Të dhënat personale ruhen"),
			clean: true,
		},
		{
			name: "adjacent sub-paragraphs",
			base: b,
			mine: mergeEdit(t, b, "pëlqimin e subjektit", "pëlqimin e shprehur të subjektit"),
			hed:  mergeEdit(t, b, "me shkrim ose", "vetëm me shkrim ose"),
			want: mergeEdit(t, b, "pëlqimin e subjektit", "pëlqimin e shprehur të subjektit",
				"me shkrim ose", "vetëm me shkrim ose"),
			clean: true,
		},
		{
			name: "same word changed differently",
			base: b,
			mine: mergeEdit(t, b, "30 ditë", "60 ditë"),
			hed:  mergeEdit(t, b, "30 ditë", "90 ditë"),
			want: mergeEdit(t, b, n5p2, "<<<<<<< your version\n"+
				strings.Replace(n5p2, "30", "60", 1)+
				"||||||| base\n"+n5p2+"=======\n"+
				strings.Replace(n5p2, "30", "90", 1)+
				">>>>>>> saved version\n"),
		},
		{
			name: "deletion against edit",
			base: b,
			mine: mergeEdit(t, b, n5p12, ""),
			hed:  mergeEdit(t, b, "në formë elektronike", "në formë elektronike të nënshkruar"),
			want: mergeEdit(t, b, n5p12, "<<<<<<< your version\n"+
				"||||||| base\n"+n5p12+"=======\n"+
				strings.Replace(n5p12, "elektronike", "elektronike të nënshkruar", 1)+
				">>>>>>> saved version\n"),
		},
		{
			name: "insertions at the same place",
			base: b,
			mine: mergeEdit(t, b, n5p2, n5p2+"3. Kontrolluesi njofton Komisionerin.\n"),
			hed:  mergeEdit(t, b, n5p2, n5p2+"3. Kontrolluesi mban regjistër të përpunimit.\n"),
			want: mergeEdit(t, b, n5p2, n5p2+"<<<<<<< your version\n"+
				"3. Kontrolluesi njofton Komisionerin.\n"+
				"||||||| base\n=======\n"+
				"3. Kontrolluesi mban regjistër të përpunimit.\n"+
				">>>>>>> saved version\n"),
		},
		{
			name:  "identical insertions",
			base:  b,
			mine:  mergeEdit(t, b, n6, n6+"2. Gjoba paguhet brenda 15 ditëve.\n"),
			hed:   mergeEdit(t, b, n6, n6+"2. Gjoba paguhet brenda 15 ditëve.\n"),
			want:  mergeEdit(t, b, n6, n6+"2. Gjoba paguhet brenda 15 ditëve.\n"),
			clean: true,
		},
		{
			name:  "delete one article, edit another",
			base:  b,
			mine:  mergeEdit(t, b, "## Neni 6\n### Sanksionet\n\n"+n6, ""),
			hed:   mergeEdit(t, b, "vetëm për qëllime", "vetëm për qëllime të përcaktuara dhe"),
			want:  mergeEdit(t, b, "## Neni 6\n### Sanksionet\n\n"+n6, "", "vetëm për qëllime", "vetëm për qëllime të përcaktuara dhe"),
			clean: true,
		},
		{
			name:  "CRLF is normalised to LF",
			base:  strings.ReplaceAll(b, "\n", "\r\n"),
			mine:  strings.ReplaceAll(mergeEdit(t, b, "institucionet publike.", "institucionet shtetërore."), "\n", "\r\n"),
			hed:   mergeEdit(t, b, "5.000 euro", "5.000 lekë"),
			want:  mergeEdit(t, b, "institucionet publike.", "institucionet shtetërore.", "5.000 euro", "5.000 lekë"),
			clean: true,
		},
		{
			name:  "final newline added while last line edited",
			base:  strings.TrimSuffix(b, "\n"),
			mine:  b,
			hed:   mergeEdit(t, strings.TrimSuffix(b, "\n"), "5.000 euro.", "5.000 euro ose me burg."),
			want:  mergeEdit(t, b, "5.000 euro.", "5.000 euro ose me burg."),
			clean: true,
		},
		{
			name:  "line appended to a text without final newline",
			base:  "Neni 1\nTeksti",
			mine:  "Neni 1\nTeksti\nRreshti i ri",
			hed:   "Neni 1 (ndryshuar)\nTeksti",
			want:  "Neni 1 (ndryshuar)\nTeksti\nRreshti i ri",
			clean: true,
		},
		{
			name:  "Serbian, different articles",
			base:  "## Član 1\n\n1. Ovaj zakon uređuje zaštitu podataka.\n\n## Član 2\n\n1. Rok je 30 dana.\n",
			mine:  "## Član 1\n\n1. Ovaj zakon uređuje zaštitu ličnih podataka.\n\n## Član 2\n\n1. Rok je 30 dana.\n",
			hed:   "## Član 1\n\n1. Ovaj zakon uređuje zaštitu podataka.\n\n## Član 2\n\n1. Rok je 15 dana.\n",
			want:  "## Član 1\n\n1. Ovaj zakon uređuje zaštitu ličnih podataka.\n\n## Član 2\n\n1. Rok je 15 dana.\n",
			clean: true,
		},
		{name: "all empty", clean: true},
		{name: "empty base, one side adds", mine: "Neni 1\n", want: "Neni 1\n", clean: true},
		{
			name: "empty base, both add",
			mine: "Neni 1\n", hed: "Neni 2\n",
			want: "<<<<<<< your version\nNeni 1\n||||||| base\n=======\nNeni 2\n>>>>>>> saved version\n",
		},
		{
			name: "conflict at end without final newline",
			base: "a\nb", mine: "a\nc", hed: "a\nd",
			want: "a\n<<<<<<< your version\nc\n||||||| base\nb\n=======\nd\n>>>>>>> saved version\n",
		},
		{
			name: "line replaced by unrelated text is not word-merged",
			base: "1. Afati është 30 ditë nga njoftimi.\n",
			mine: "1. Kërkesa paraqitet pranë Ministrisë me shkrim.\n",
			hed:  "1. Afati është 30 ditë nga njoftimi zyrtar.\n",
			want: "<<<<<<< your version\n1. Kërkesa paraqitet pranë Ministrisë me shkrim.\n||||||| base\n" +
				"1. Afati është 30 ditë nga njoftimi.\n=======\n1. Afati është 30 ditë nga njoftimi zyrtar.\n>>>>>>> saved version\n",
		},
		{
			name: "lines swapped on one side, edited on the other",
			base: "1.1. Ministria miraton rregulloren.\n1.2. Ministria publikon rregulloren.\n",
			mine: "1.2. Ministria publikon rregulloren.\n1.1. Ministria miraton rregulloren.\n",
			hed:  "1.1. Ministria miraton rregulloren.\n1.2. Ministria publikon rregulloren në Fletoren Zyrtare.\n",
			want: "<<<<<<< your version\n1.2. Ministria publikon rregulloren.\n1.1. Ministria miraton rregulloren.\n" +
				"||||||| base\n1.1. Ministria miraton rregulloren.\n1.2. Ministria publikon rregulloren.\n=======\n" +
				"1.1. Ministria miraton rregulloren.\n1.2. Ministria publikon rregulloren në Fletoren Zyrtare.\n>>>>>>> saved version\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, clean := Merge(tc.base, tc.mine, tc.hed)
			if got != tc.want || clean != tc.clean {
				t.Fatalf("Merge3 = (clean=%v)\n%s\nwant (clean=%v)\n%s", clean, got, tc.clean, tc.want)
			}
			// Swapping the sides gives the same clean merge.
			if tc.clean {
				if got2, clean2 := Merge(tc.base, tc.hed, tc.mine); got2 != got || !clean2 {
					t.Fatalf("swapped sides: (clean=%v)\n%s", clean2, got2)
				}
			}
		})
	}
}

func TestMerge3Properties(t *testing.T) {
	b := mergeTestBase
	variants := []string{
		"",
		b,
		strings.TrimSuffix(b, "\n"),
		mergeEdit(t, b, "30 ditë", "60 ditë"),
		mergeEdit(t, b, "## Neni 5\n", ""),
		b + "\n## Neni 7\n\n1. Ky ligj hyn në fuqi 15 ditë pas botimit.\n",
		"Neni 5",
	}
	for i, base := range variants {
		for j, x := range variants {
			if got, clean := Merge(base, x, base); got != x || !clean {
				t.Errorf("Merge3(b, m, b) for %d,%d = %q, %v", i, j, got, clean)
			}
			if got, clean := Merge(base, base, x); got != x || !clean {
				t.Errorf("Merge3(b, b, h) for %d,%d = %q, %v", i, j, got, clean)
			}
			if got, clean := Merge(base, x, x); got != x || !clean {
				t.Errorf("Merge3(b, x, x) for %d,%d = %q, %v", i, j, got, clean)
			}
			// Also without the equality shortcuts of Merge3.
			if got, clean := mergeTexts(base, x, base); got != x || !clean {
				t.Errorf("mergeTexts(b, m, b) for %d,%d = %q, %v", i, j, got, clean)
			}
			if got, clean := mergeTexts(base, base, x); got != x || !clean {
				t.Errorf("mergeTexts(b, b, h) for %d,%d = %q, %v", i, j, got, clean)
			}
			if got, clean := mergeTexts(base, x, x); got != x || !clean {
				t.Errorf("mergeTexts(b, x, x) for %d,%d = %q, %v", i, j, got, clean)
			}
		}
	}
}

// TestMerge3OverlapKeepsEverything: overlapping edits conflict and lose no word.
func TestMerge3OverlapKeepsEverything(t *testing.T) {
	b := mergeTestBase
	mine := mergeEdit(t, b,
		"1.1. Përpunimi bëhet me pëlqimin e subjektit të të dhënave.\n1.2. Pëlqimi jepet me shkrim ose në formë elektronike.\n",
		"1.1. Përpunimi lejohet vetëm me pëlqimin e qartë të subjektit.\n")
	head := mergeEdit(t, b,
		"1.1. Përpunimi bëhet me pëlqimin e subjektit të të dhënave.\n",
		"1.1. Përpunimi bëhet me pëlqimin e prindit për fëmijët nën 16 vjeç.\n1.1.1. Pëlqimi i prindit verifikohet.\n")
	got, clean := Merge(b, mine, head)
	if clean {
		t.Fatalf("overlapping edits merged clean:\n%s", got)
	}
	for _, side := range []string{mine, head} {
		for _, w := range strings.Fields(side) {
			if !strings.Contains(got, w) {
				t.Errorf("word %q lost in\n%s", w, got)
			}
		}
	}
	for _, m := range []string{mergeMarkerMine, mergeMarkerBase, mergeMarkerSep, mergeMarkerHead} {
		if !strings.Contains(got, "\n"+m+"\n") {
			t.Errorf("marker %q missing in\n%s", m, got)
		}
	}
}

// TestMergeDiffMinimal checks the line diff against a quadratic LCS on small
// random inputs: the diff must transform a into b and be minimal.
func TestMergeDiffMinimal(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for iter := 0; iter < 3000; iter++ {
		a := make([]int, rng.Intn(14))
		b := make([]int, rng.Intn(14))
		alpha := 1 + rng.Intn(5)
		for i := range a {
			a[i] = rng.Intn(alpha)
		}
		for i := range b {
			b[i] = rng.Intn(alpha)
		}
		hunks := diff3Diff(a, b, textdiff.Unlimited())
		var rebuilt []int
		pos, edits := 0, 0
		for _, h := range hunks {
			if h.b0 < pos || h.b1 < h.b0 || h.o1 < h.o0 || h.b0-pos != h.o0-len(rebuilt) {
				t.Fatalf("bad hunk %+v in %v for %v -> %v", h, hunks, a, b)
			}
			rebuilt = append(rebuilt, a[pos:h.b0]...)
			rebuilt = append(rebuilt, b[h.o0:h.o1]...)
			pos = h.b1
			edits += h.b1 - h.b0 + h.o1 - h.o0
		}
		rebuilt = append(rebuilt, a[pos:]...)
		if !diff3Equal(rebuilt, b) && len(rebuilt)+len(b) > 0 {
			t.Fatalf("diff %v of %v -> %v rebuilds %v", hunks, a, b, rebuilt)
		}
		if want := len(a) + len(b) - 2*mergeLCS(a, b); edits != want {
			t.Fatalf("diff %v of %v -> %v has %d edits, minimum %d", hunks, a, b, edits, want)
		}
	}
}

func mergeLCS(a, b []int) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

// mergeFuzzVocab holds lines the fuzz edits insert; some repeat base lines so
// that the diff alignment is ambiguous.
var mergeFuzzVocab = []string{
	"",
	"## Neni 5",
	"1. Kontrolluesi përpunon të dhënat.",
	"1.1. Pëlqimi jepet me shkrim.",
	"2. Afati është 30 ditë.",
	"Član 3",
	"x",
}

// mergeFuzzEdit applies edits driven by prog to lines.
func mergeFuzzEdit(lines []string, prog []byte) []string {
	out := append([]string(nil), lines...)
	for i := 0; i+2 < len(prog); i += 3 {
		op, p, v := prog[i]%5, int(prog[i+1]), int(prog[i+2])
		switch op {
		case 0: // insert
			l := mergeFuzzVocab[v%len(mergeFuzzVocab)]
			p %= len(out) + 1
			out = append(out[:p], append([]string{l}, out[p:]...)...)
		case 1: // delete
			if len(out) > 0 {
				p %= len(out)
				out = append(out[:p], out[p+1:]...)
			}
		case 2: // replace with a vocabulary line
			if len(out) > 0 {
				out[p%len(out)] = mergeFuzzVocab[v%len(mergeFuzzVocab)]
			}
		case 3: // word edit inside a line
			if len(out) > 0 {
				p %= len(out)
				words := strings.Split(out[p], " ")
				words[v%len(words)] = fmt.Sprintf("ndryshim%dë", v%3)
				out[p] = strings.Join(words, " ")
			}
		case 4: // append a word to a line
			if len(out) > 0 {
				out[p%len(out)] += fmt.Sprintf(" shtesë%d", v%3)
			}
		}
	}
	return out
}

func mergeJoin(lines []string, finalNL bool) string {
	if len(lines) == 0 {
		return ""
	}
	s := strings.Join(lines, "\n")
	if finalNL {
		s += "\n"
	}
	return s
}

func FuzzMerge3(f *testing.F) {
	f.Add(mergeTestBase, []byte{3, 5, 1}, []byte{3, 15, 2}, byte(0))
	f.Add(mergeTestBase, []byte{3, 15, 1}, []byte{3, 15, 2}, byte(1))
	f.Add("a\nb\nc\n", []byte{1, 1, 0}, []byte{2, 1, 3}, byte(0))
	f.Add("a\nb\nc\nd", []byte{0, 2, 4, 1, 0, 0}, []byte{0, 2, 5, 4, 3, 1}, byte(2))
	f.Add("", []byte{0, 0, 1}, []byte{0, 0, 2}, byte(3))
	f.Fuzz(func(t *testing.T, baseText string, progM, progH []byte, nl byte) {
		baseText = strings.ReplaceAll(baseText, "\r", "")
		if strings.Contains(baseText, "<<<<<<<") || strings.Contains(baseText, ">>>>>>>") ||
			strings.Contains(baseText, "|||||||") || strings.Contains(baseText, "=======") {
			return
		}
		bl, bNL := mergeSplit(baseText)
		base := mergeJoin(bl, bNL)
		mine := mergeJoin(mergeFuzzEdit(bl, progM), bNL != (nl&1 != 0))
		head := mergeJoin(mergeFuzzEdit(bl, progH), bNL != (nl&2 != 0))

		for _, tc := range []struct {
			name       string
			b, m, h, x string
		}{
			{"b,m,b", base, mine, base, mine},
			{"b,b,h", base, base, head, head},
			{"b,x,x", base, mine, mine, mine},
		} {
			if got, clean := Merge(tc.b, tc.m, tc.h); got != tc.x || !clean {
				t.Fatalf("Merge3(%s) = %q, %v; want %q", tc.name, got, clean, tc.x)
			}
			if got, clean := mergeTexts(tc.b, tc.m, tc.h); got != tc.x || !clean {
				t.Fatalf("mergeTexts(%s) = %q, %v; want %q", tc.name, got, clean, tc.x)
			}
		}

		merged, clean := Merge(base, mine, head)
		merged2, clean2 := Merge(base, head, mine)
		if clean != clean2 || (clean && merged != merged2) {
			t.Fatalf("not symmetric: %v %q / %v %q", clean, merged, clean2, merged2)
		}
		ml, _ := mergeSplit(merged)
		hasMarker := false
		for _, l := range ml {
			switch l {
			case mergeMarkerMine, mergeMarkerBase, mergeMarkerSep, mergeMarkerHead:
				hasMarker = true
			}
		}
		if hasMarker == clean {
			t.Fatalf("clean=%v but markers present=%v in %q", clean, hasMarker, merged)
		}

		// Nothing added by either side is lost: every line of mine and head
		// that is not a base line appears in merged (verbatim, or, when it
		// was merged word by word, every word of it not in base does).
		baseLines := make(map[string]bool, len(bl))
		for _, l := range bl {
			baseLines[l] = true
		}
		mergedLines := make(map[string]bool, len(ml))
		for _, l := range ml {
			mergedLines[l] = true
		}
		for _, side := range []string{mine, head} {
			sl, _ := mergeSplit(side)
			for _, l := range sl {
				if baseLines[l] || mergedLines[l] {
					continue
				}
				for _, w := range mergeTokens(l) {
					if !strings.Contains(base, w) && !strings.Contains(merged, w) {
						t.Fatalf("line %q (word %q) lost: base %q mine %q head %q merged %q",
							l, w, base, mine, head, merged)
					}
				}
			}
		}
	})
}

var mergeBenchWords = strings.Fields("ligji neni paragrafi kontrolluesi përpunon të dhënat personale " +
	"vetëm për qëllime të ligjshme pëlqimi jepet me shkrim ose në formë elektronike " +
	"institucionet publike zbatojnë dispozitat e këtij ligji brenda afatit çështja " +
	"komisioneri mbikëqyr zbatimin dhe shqipton gjoba sipas rregullores")

// mergeBenchDoc generates a ~2,000-line, ~60,000-word Albanian-like document.
func mergeBenchDoc() string {
	rng := rand.New(rand.NewSource(42))
	var sb strings.Builder
	line := 0
	for art := 1; line < 2000; art++ {
		fmt.Fprintf(&sb, "## Neni %d\n", art)
		line++
		for p := 1; p <= 4 && line < 2000; p++ {
			for sub := 0; sub <= 3 && line < 2000; sub++ {
				if sub == 0 {
					fmt.Fprintf(&sb, "%d.", p)
				} else {
					fmt.Fprintf(&sb, "%d.%d.", p, sub)
				}
				for w := 0; w < 38; w++ {
					sb.WriteByte(' ')
					sb.WriteString(mergeBenchWords[rng.Intn(len(mergeBenchWords))])
				}
				sb.WriteString(fmt.Sprintf(" (%d).\n", line))
				line++
			}
		}
	}
	return sb.String()
}

func mergeBenchEdits(t testing.TB, doc string, lines []int, suffix string) string {
	ls := strings.Split(doc, "\n")
	for _, i := range lines {
		ls[i] = strings.Replace(ls[i], " ", " "+suffix+" ", 1)
	}
	return strings.Join(ls, "\n")
}

func TestMerge3LargeDocument(t *testing.T) {
	base := mergeBenchDoc()
	if n := len(strings.Fields(base)); n < 55000 {
		t.Fatalf("benchmark document has only %d words", n)
	}
	mine := mergeBenchEdits(t, base, []int{10, 700, 1500}, "ndryshuar")
	head := mergeBenchEdits(t, base, []int{20, 900, 1990}, "plotësuar")
	merged, clean := Merge(base, mine, head)
	if !clean || strings.Count(merged, "ndryshuar") != 3 || strings.Count(merged, "plotësuar") != 3 {
		t.Fatalf("large merge: clean=%v", clean)
	}
}

func BenchmarkMerge3Large(b *testing.B) {
	base := mergeBenchDoc()
	mine := mergeBenchEdits(b, base, []int{10, 700, 1500}, "ndryshuar")
	head := mergeBenchEdits(b, base, []int{20, 900, 1990}, "plotësuar")
	b.SetBytes(int64(len(base)))
	b.ReportAllocs()
	for b.Loop() {
		if _, clean := Merge(base, mine, head); !clean {
			b.Fatal("not clean")
		}
	}
}

// BenchmarkMerge3LargeRewrite is the worst case: both sides rewrote every line.
func BenchmarkMerge3LargeRewrite(b *testing.B) {
	base := mergeBenchDoc()
	lines := make([]int, 0, 2000)
	for i := range 2000 {
		lines = append(lines, i)
	}
	mine := mergeBenchEdits(b, base, lines, "ndryshuar")
	head := mergeBenchEdits(b, base, lines, "plotësuar")
	b.SetBytes(int64(len(base)))
	for b.Loop() {
		Merge(base, mine, head)
	}
}
