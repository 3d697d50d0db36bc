package redline_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"policydesk/review/redline"
)

func doc(arts ...string) string {
	var b strings.Builder
	b.WriteString("# Rregullore\n\n")
	for i, a := range arts {
		fmt.Fprintf(&b, "## Neni %d\n\n%s\n\n", i+1, a)
	}
	return b.String()
}

// summary is an article as "status from→to" plus its changed ops.
func summary(r *redline.Redline) []string {
	var out []string
	for _, a := range r.Articles {
		s := fmt.Sprintf("%s %s→%s", a.Status, a.FromNum, a.ToNum)
		if a.Renumbered {
			s += " renumbered"
		}
		if a.Changed && a.Status == redline.StatusMoved {
			s += " changed"
		}
		for _, op := range a.Ops {
			if op.Op != redline.OpEqual && a.Status != redline.StatusAdded && a.Status != redline.StatusDeleted {
				s += fmt.Sprintf(" %s%q", op.Op[:3], op.Text)
			}
		}
		out = append(out, s)
	}
	return out
}

const (
	t1 = "Ministria harton planin vjetor për mbrojtjen e fëmijëve."
	t2 = "Komuna siguron strehim të përkohshëm për fëmijët pa kujdes prindëror."
	t3 = "Qendra për punë sociale njofton policinë brenda njëzet e katër orëve."
	t4 = "Inspektorati mbikëqyr zbatimin e standardeve në qendrat ditore."
	t5 = "Rregullorja hyn në fuqi shtatë ditë pas publikimit në Gazetën Zyrtare."
	tn = "Zyrtari përgjegjës mban regjistrin e rasteve të dhunës ndaj fëmijëve."
)

func TestComputeSmall(t *testing.T) {
	tests := []struct {
		name  string
		a, b  string
		want  []string
		stats redline.Stats
	}{
		{
			name: "identical",
			a:    doc(t1, t2), b: doc(t1, t2),
			want: []string{"unchanged →", "unchanged 1→1", "unchanged 2→2"},
		},
		{
			name: "changed word inside Neni 3",
			a:    doc(t1, t2, t3), b: doc(t1, t2, strings.Replace(t3, "policinë", "prokurorinë", 1)),
			want:  []string{"unchanged →", "unchanged 1→1", "unchanged 2→2", `changed 3→3 del"policinë" ins"prokurorinë"`},
			stats: redline.Stats{WordsInserted: 1, WordsDeleted: 1, ArticlesChanged: 1},
		},
		{
			name: "inserted article renumbers the rest",
			a:    doc(t1, t2, t3), b: doc(t1, tn, t2, t3),
			want: []string{"unchanged →", "unchanged 1→1", "added →2",
				`unchanged 2→3 renumbered del"2" ins"3"`, `unchanged 3→4 renumbered del"3" ins"4"`},
			stats: redline.Stats{WordsInserted: 12, ArticlesAdded: 1},
		},
		{
			name: "deleted article placed after its predecessor",
			a:    doc(t1, t2, t3), b: doc(t1, t3),
			want:  []string{"unchanged →", "unchanged 1→1", "deleted 2→", `unchanged 3→2 renumbered del"3" ins"2"`},
			stats: redline.Stats{WordsDeleted: 12, ArticlesDeleted: 1},
		},
		{
			name: "moved article",
			a:    doc(t1, t2, t3, t4, t5), b: doc(t1, t3, t4, t5, t2),
			want: []string{"unchanged →", "unchanged 1→1", `unchanged 3→2 renumbered del"3" ins"2"`,
				`unchanged 4→3 renumbered del"4" ins"3"`, `unchanged 5→4 renumbered del"5" ins"4"`,
				`moved 2→5 renumbered del"2" ins"5"`},
			stats: redline.Stats{ArticlesMoved: 1},
		},
		{
			name: "moved and changed article",
			a:    doc(t1, t2, t3, t4), b: doc(t1, t3, t4, strings.Replace(t2, "përkohshëm", "emergjent", 1)),
			want: []string{"unchanged →", "unchanged 1→1", `unchanged 3→2 renumbered del"3" ins"2"`,
				`unchanged 4→3 renumbered del"4" ins"3"`,
				`moved 2→4 changed del"2" ins"4" del"përkohshëm" ins"emergjent"`},
			stats: redline.Stats{WordsInserted: 1, WordsDeleted: 1, ArticlesMoved: 1, ArticlesChanged: 1},
		},
		{
			name: "precomposed vs decomposed ë is the same word",
			a:    doc("fëmijëve"), b: doc("fe\u0308mije\u0308ve"),
			want:  []string{"unchanged →", "changed 1→1 del\"fëmijëve\" ins\"fe\u0308mije\u0308ve\""},
			stats: redline.Stats{WordsInserted: 1, WordsDeleted: 1, ArticlesChanged: 1},
		},
		{
			name: "no articles",
			a:    "one two three\n", b: "one 2 three\n",
			want:  []string{`changed → del"two" ins"2"`},
			stats: redline.Stats{WordsInserted: 1, WordsDeleted: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := redline.Compute(tt.a, tt.b, nil, nil)
			if got := summary(r); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if r.Stats != tt.stats {
				t.Errorf("stats %+v, want %+v", r.Stats, tt.stats)
			}
			checkReconstruct(t, r, tt.a, tt.b)
		})
	}
}

func TestComputeWithIDs(t *testing.T) {
	a, b := doc(t1, t2, t3), doc(t1, strings.ReplaceAll(t2, " ", "  "), t3)
	aOut, bOut := outlines(a, b)
	r := redline.Compute(a, b, aOut, bOut)
	if got := summary(r)[2]; !strings.HasPrefix(got, "changed 2→2") {
		t.Errorf("Neni 2: %s", got)
	}
	if r.Articles[2].ID == "" {
		t.Error("article ID lost")
	}
	checkReconstruct(t, r, a, b)
}

func TestChangedWordOnly(t *testing.T) {
	a := doc(t1, t2, t3+" "+t4+" "+t5)
	b := doc(t1, t2, strings.Replace(t3+" "+t4+" "+t5, "standardeve", "rregullave", 1))
	r := redline.Compute(a, b, nil, nil)
	var changes []redline.Op
	for _, op := range r.Articles[3].Ops {
		if op.Op != redline.OpEqual {
			changes = append(changes, op)
		}
	}
	want := []redline.Op{{Op: "delete", Text: "standardeve"}, {Op: "insert", Text: "rregullave"}}
	if !reflect.DeepEqual(changes, want) {
		t.Errorf("changes %+v, want %+v", changes, want)
	}
}

func TestJSONShape(t *testing.T) {
	r := redline.Compute(doc(t1), doc(t1, t2), nil, nil)
	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	arts := m["articles"].([]any)
	last := arts[len(arts)-1].(map[string]any)
	for _, k := range []string{"kind", "status", "from_num", "to_num", "heading", "ops", "from_index"} {
		if _, ok := last[k]; !ok {
			t.Errorf("article JSON lacks %q: %s", k, raw)
		}
	}
	if _, ok := m["stats"].(map[string]any)["articles_added"]; !ok {
		t.Errorf("stats JSON: %s", raw)
	}
}

func checkReconstruct(t *testing.T, r *redline.Redline, a, b string) {
	t.Helper()
	ga, gb := r.Reconstruct()
	if ga != a {
		t.Errorf("reconstructed a differs:\n%q\nwant\n%q", ga, a)
	}
	if gb != b {
		t.Errorf("reconstructed b differs:\n%q\nwant\n%q", gb, b)
	}
	// A client holding only the JSON rebuilds a by from_index.
	var fromA []redline.Article
	for _, art := range r.Articles {
		if art.FromIndex >= 0 {
			fromA = append(fromA, art)
		}
	}
	slices.SortFunc(fromA, func(x, y redline.Article) int { return cmp.Compare(x.FromIndex, y.FromIndex) })
	var sb strings.Builder
	for k, art := range fromA {
		if art.FromIndex != k {
			t.Errorf("from_index %d at position %d: the indices are not 0..n-1", art.FromIndex, k)
		}
		for _, op := range art.Ops {
			if op.Op != redline.OpInsert {
				sb.WriteString(op.Text)
			}
		}
	}
	if sb.String() != a {
		t.Errorf("a rebuilt by from_index differs:\n%q\nwant\n%q", sb.String(), a)
	}
	checkStats(t, r)
}

// checkStats recounts the stats from the articles and ops.
func checkStats(t *testing.T, r *redline.Redline) {
	t.Helper()
	var s redline.Stats
	for _, a := range r.Articles {
		if a.FromStart < 0 && a.ToStart < 0 {
			t.Errorf("article with no side: %+v", a)
		}
		for k, op := range a.Ops {
			if op.Text == "" {
				t.Errorf("empty op in %+v", a)
			}
			if k > 0 && a.Ops[k-1].Op == op.Op {
				t.Errorf("unmerged %s ops", op.Op)
			}
		}
		if a.Preamble != (a.Kind == redline.KindPreamble) {
			t.Errorf("kind %q with preamble %v", a.Kind, a.Preamble)
		}
		if a.Kind != redline.KindArticle {
			continue // chapter headings and the preamble are not articles
		}
		switch a.Status {
		case redline.StatusAdded:
			s.ArticlesAdded++
		case redline.StatusDeleted:
			s.ArticlesDeleted++
		case redline.StatusMoved:
			s.ArticlesMoved++
		}
		if a.Changed {
			s.ArticlesChanged++
		}
	}
	if s.ArticlesAdded != r.Stats.ArticlesAdded || s.ArticlesDeleted != r.Stats.ArticlesDeleted ||
		s.ArticlesMoved != r.Stats.ArticlesMoved || s.ArticlesChanged != r.Stats.ArticlesChanged {
		t.Errorf("stats %+v, recounted %+v", r.Stats, s)
	}
	ins, del := 0, 0
	for _, a := range r.Articles {
		for _, op := range a.Ops {
			switch op.Op {
			case redline.OpInsert:
				ins += redline.CountWords(op.Text)
			case redline.OpDelete:
				del += redline.CountWords(op.Text)
			}
		}
	}
	// Heading numbers of renumbered articles are left out of the stats,
	// and a token split across ops can count in both, so the stats are
	// bounded by the op counts.
	if r.Stats.WordsInserted > ins || r.Stats.WordsDeleted > del {
		t.Errorf("stats words %d/%d exceed op words %d/%d", r.Stats.WordsInserted, r.Stats.WordsDeleted, ins, del)
	}
}
