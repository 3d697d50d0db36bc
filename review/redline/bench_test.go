package redline_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"policydesk/drafts/draftstest"
	"policydesk/drafts/outline"
	"policydesk/review/redline"
)

// pairCase is a generated regulation and its revision, with stored outlines.
type pairCase struct {
	name       string
	a, b       string
	aOut, bOut []outline.Article
}

func genPair(tb testing.TB, articles, words int, seed int64) pairCase {
	tb.Helper()
	a := draftstest.Regulation(articles, words, seed)
	b := draftstest.Revise(a, seed+100)
	aOut, bOut := outlines(a, b)
	return pairCase{name: "", a: a, b: b, aOut: aOut, bOut: bOut}
}

func benchPair(b *testing.B, articles, words int, ids bool) {
	p := genPair(b, articles, words, 1)
	aOut, bOut := p.aOut, p.bOut
	if !ids {
		aOut, bOut = nil, nil
	}
	b.SetBytes(int64(len(p.a) + len(p.b)))
	b.ReportAllocs()
	runtime.GC() // the generator's garbage is not Compute's cost
	for b.Loop() {
		redline.Compute(p.a, p.b, aOut, bOut)
	}
}

func BenchmarkRedline100Articles60k(b *testing.B)      { benchPair(b, 100, 60000, true) }
func BenchmarkRedline500Articles300k(b *testing.B)     { benchPair(b, 500, 300000, true) }
func BenchmarkRedline100Articles60kNoIDs(b *testing.B) { benchPair(b, 100, 60000, false) }
func BenchmarkRedline500Articles300kNoIDs(b *testing.B) {
	benchPair(b, 500, 300000, false)
}

func TestGeneratedPairStats(t *testing.T) {
	p := genPair(t, 100, 60000, 1)
	r := redline.Compute(p.a, p.b, p.aOut, p.bOut)
	t.Logf("with IDs: %+v", r.Stats)
	if r.Stats.ArticlesAdded != 3 || r.Stats.ArticlesDeleted != 3 || r.Stats.ArticlesMoved != 2 {
		t.Errorf("stats %+v, want 3 added, 3 deleted, 2 moved", r.Stats)
	}
	r = redline.Compute(p.a, p.b, nil, nil)
	t.Logf("without IDs: %+v", r.Stats)
	if r.Stats.ArticlesAdded != 3 || r.Stats.ArticlesDeleted != 3 || r.Stats.ArticlesMoved != 2 {
		t.Errorf("stats %+v, want 3 added, 3 deleted, 2 moved", r.Stats)
	}
	ga, gb := r.Reconstruct()
	if ga != p.a || gb != p.b {
		t.Fatal("generated pair does not reconstruct")
	}
}

// TestNoDegradedDiffs checks that no changed article that shares most of
// its words with its earlier self comes out as one delete plus one insert.
func TestNoDegradedDiffs(t *testing.T) {
	for _, size := range []struct{ arts, words int }{{100, 60000}, {500, 300000}} {
		for seed := int64(1); seed <= 3; seed++ {
			p := genPair(t, size.arts, size.words, seed)
			for _, outs := range [][2][]outline.Article{{p.aOut, p.bOut}, {nil, nil}} {
				r := redline.Compute(p.a, p.b, outs[0], outs[1])
				for _, art := range r.Articles {
					if art.FromStart < 0 || art.ToStart < 0 || !art.Changed {
						continue
					}
					from, to := p.a[art.FromStart:art.FromEnd], p.b[art.ToStart:art.ToEnd]
					if sharedWords(from, to) < 0.5 {
						continue
					}
					if !hasEqualWord(art.Ops) {
						t.Errorf("%d/%d seed %d: %s %s→%s is a full replace", size.arts, size.words, seed, art.Status, art.FromNum, art.ToNum)
					}
				}
			}
		}
	}
}

func sharedWords(a, b string) float64 {
	set := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, w := range wordsOf(s) {
			m[w] = true
		}
		return m
	}
	sa, sb := set(a), set(b)
	inter := 0
	for w := range sa {
		if sb[w] {
			inter++
		}
	}
	union := len(sa) + len(sb) - inter
	if union == 0 {
		return 1
	}
	return float64(inter) / float64(union)
}

func wordsOf(s string) []string {
	var out []string
	for _, tok := range redline.Tokens(s) {
		if redline.CountWords(tok) == 1 {
			out = append(out, tok)
		}
	}
	return out
}

func hasEqualWord(ops []redline.Op) bool {
	for _, op := range ops {
		if op.Op == redline.OpEqual && redline.CountWords(op.Text) > 0 {
			return true
		}
	}
	return false
}

// TestGitWordDiffComparison times git's word diff of the same pair against
// Compute and logs the median ratio.
func TestGitWordDiffComparison(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not on PATH")
	}
	if testing.Short() {
		t.Skip("timing comparison")
	}
	for _, size := range []struct{ arts, words int }{{100, 60000}, {500, 300000}} {
		p := genPair(t, size.arts, size.words, 1)
		dir := t.TempDir()
		fa, fb := filepath.Join(dir, "a.md"), filepath.Join(dir, "b.md")
		if err := os.WriteFile(fa, []byte(p.a), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fb, []byte(p.b), 0o600); err != nil {
			t.Fatal(err)
		}
		const runs = 7
		var gitTimes, ourTimes []time.Duration
		for range runs {
			start := time.Now()
			cmd := exec.Command(git, "diff", "--no-index", "--word-diff=porcelain", fa, fb)
			cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
			out, err := cmd.Output()
			gitTimes = append(gitTimes, time.Since(start))
			// Exit status 1 means "files differ".
			if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
				t.Fatalf("git diff: %v", err)
			}
			if len(out) == 0 {
				t.Fatal("git diff printed nothing")
			}
			start = time.Now()
			redline.Compute(p.a, p.b, p.aOut, p.bOut)
			ourTimes = append(ourTimes, time.Since(start))
		}
		g, o := median(gitTimes), median(ourTimes)
		t.Logf("%d articles / %d words: git word diff median %v, Compute median %v, Compute/git = %.2f",
			size.arts, size.words, g, o, float64(o)/float64(g))
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
