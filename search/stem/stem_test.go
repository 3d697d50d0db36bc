package stem

import (
	"slices"
	"strings"
	"testing"
	"testing/quick"
	"time"
	"unicode/utf8"
)

// same lists, per language, groups of forms that must share one stem:
// each group exercises one or more endings.
var same = map[string][][]string{
	"sq": {
		{"femije", "femija", "femijen", "femijes", "femijet", "femijeve"}, // -e -a -en -es -et -eve
		{"mbrojtje", "mbrojtja", "mbrojtjen", "mbrojtjes"},                // feminine in -je
		{"qendra", "qendrat", "qendres", "qendrave", "qendren"},           // -at -ave
		{"licencimi", "licencimin", "licencimit", "licencimet"},           // -i -in -it
		{"ligji", "ligjit", "ligjin", "ligje", "ligjeve"},
		{"mjedisi", "mjedisit", "mjedisin"},
		{"mjeku", "mjekut", "mjekun"}, // -u -ut -un
		{"kushte", "kushtet"},
		{"ankesa", "ankesat", "ankese", "ankeses"},
	},
	"sr": {
		{"zastita", "zastite", "zastiti", "zastitu", "zastitom"},       // -a -e -i -u -om
		{"centar", "centra", "centru", "centrom", "centri", "centara"}, // fleeting a
		{"deca", "dece", "deci", "decom", "dete", "deteta", "detetu"},  // dete/deca
		{"zakon", "zakona", "zakonu", "zakonom", "zakoni", "zakonima"}, // -ima
		{"sastanak", "sastanka", "sastanku"},
		{"novac", "novca", "novcem"},
		{"socijalni", "socijalnog", "socijalnom", "socijalnih", "socijalnim"}, // adjective endings
		{"opstina", "opstine", "opstini", "opstinu", "opstinama"},
	},
	"en": {
		{"protect", "protects", "protected", "protecting", "protection"},
		{"child", "children"},
		{"complaint", "complaints"},
		{"train", "training", "trained"},
	},
}

// apart lists pairs of words that must keep different stems: short words
// left alone, and distinct words that share a beginning.
var apart = map[string][][2]string{
	"sq": {
		{"qendra", "qendrim"},    // centre / stay
		{"mbrojtje", "mbrojtes"}, // protection / protector
		{"shtet", "shtate"},      // state / seven: the minimum stem keeps them apart
		{"dita", "dite"},         // four letters: left alone
		{"neni", "nenit"},        // left alone below the minimum stem
		{"femije", "femer"},
		{"licencim", "licence"},
	},
	"sr": {
		{"plan", "pln"}, // "plan" keeps its a: the stem would be too short
		{"zakon", "zakonik"},
		{"rad", "red"},
		{"zastita", "zastitnik"},
		{"deca", "decak"},
	},
	"en": {
		{"protect", "protest"},
		{"train", "trait"},
		{"general", "generous"},
	},
}

func TestSameStem(t *testing.T) {
	for lang, groups := range same {
		for _, g := range groups {
			want := Stem(lang, g[0])
			for _, w := range g[1:] {
				if got := Stem(lang, w); got != want {
					t.Errorf("%s: Stem(%q) = %q, Stem(%q) = %q; want one stem", lang, w, got, g[0], want)
				}
			}
		}
	}
}

func TestKeptApart(t *testing.T) {
	for lang, pairs := range apart {
		for _, p := range pairs {
			if a, b := Stem(lang, p[0]), Stem(lang, p[1]); a == b {
				t.Errorf("%s: %q and %q both stem to %q", lang, p[0], p[1], a)
			}
		}
	}
}

func TestShortWordsLeftAlone(t *testing.T) {
	for _, c := range []struct{ lang, w string }{
		{"sq", "dita"}, {"sq", "neni"}, {"sq", "ligj"}, {"sq", "ky"}, {"sq", "e"},
		{"sr", "rad"}, {"sr", "dan"}, {"sr", "plan"}, {"sr", "i"},
		{"en", "a"}, {"en", "is"},
		{"xx", "femijeve"}, // no stemmer for the language
	} {
		if got := Stem(c.lang, c.w); got != c.w {
			t.Errorf("%s: Stem(%q) = %q, want it left alone", c.lang, c.w, got)
		}
	}
}

func TestExactStems(t *testing.T) {
	for _, c := range []struct{ lang, w, want string }{
		{"sq", "femijeve", "femij"}, {"sq", "qendrave", "qendr"}, {"sq", "mbrojtjen", "mbrojtj"},
		{"sr", "zastitom", "zastit"}, {"sr", "centar", "centr"}, {"sr", "decom", "dec"},
		{"en", "protection", "protect"},
	} {
		if got := Stem(c.lang, c.w); got != c.want {
			t.Errorf("%s: Stem(%q) = %q, want %q", c.lang, c.w, got, c.want)
		}
	}
}

// TestProperties: for any word, in every language, the stem is not empty,
// not longer than the word, and stemming it again changes nothing.
func TestProperties(t *testing.T) {
	letters := []rune("abcdefghijklmnoprstuvzjë")
	for _, lang := range append(Languages, "xx") {
		check := func(seed []byte) bool {
			var b strings.Builder
			for _, c := range seed {
				b.WriteRune(letters[int(c)%len(letters)])
			}
			w := b.String()
			if w == "" {
				return true
			}
			s := Stem(lang, w)
			if s == "" || utf8.RuneCountInString(s) > utf8.RuneCountInString(w) || Stem(lang, s) != s {
				t.Logf("%s: Stem(%q) = %q, Stem(that) = %q", lang, w, s, Stem(lang, s))
				return false
			}
			return true
		}
		if err := quick.Check(check, &quick.Config{MaxCount: 20000}); err != nil {
			t.Errorf("%s: %v", lang, err)
		}
		// and on real forms
		for _, g := range same[lang] {
			for _, w := range g {
				if s := Stem(lang, w); Stem(lang, s) != s {
					t.Errorf("%s: Stem(%q) = %q is not a fixed point", lang, w, s)
				}
			}
		}
	}
}

// TestLongWords: a long word is returned as it is, in time that does not
// grow with its length; a word at the limit is stemmed in linear time.
func TestLongWords(t *testing.T) {
	for _, lang := range Languages {
		long := strings.Repeat("ave", 1<<20)
		start := time.Now()
		if got := Stem(lang, long); got != long {
			t.Errorf("%s: a 3 MB word was changed", lang)
		}
		atLimit := strings.Repeat("e", MaxRunes)
		if got := Stem(lang, atLimit); got == "" || len(got) > len(atLimit) {
			t.Errorf("%s: Stem(%q) = %q", lang, atLimit, got)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: long words took %v", lang, d)
		}
	}
}

func BenchmarkStem(b *testing.B) {
	words := []string{"femijeve", "mbrojtjes", "qendrave", "zastitom", "centrom", "protection", "licencimit"}
	for b.Loop() {
		for _, lang := range Languages {
			for _, w := range words {
				Stem(lang, w)
			}
		}
	}
}

func TestForms(t *testing.T) {
	for _, c := range []struct {
		lang, stem string
		want       []string
	}{
		{"sq", "femij", []string{"femije", "femija", "femijen", "femijes", "femijet", "femijeve"}},
		{"sq", "qendr", []string{"qendra", "qendrat", "qendres", "qendrave"}},
		{"sr", "zastit", []string{"zastita", "zastite", "zastiti", "zastitu", "zastitom"}},
		{"sr", "centr", []string{"centar", "centra", "centru", "centrom"}},
		{"sr", "dec", []string{"deca", "dece", "decom", "dete", "deteta"}},
		{"en", "protect", []string{"protect", "protects", "protected", "protecting", "protection"}},
		{"en", "child", []string{"child", "children"}},
	} {
		got := Forms(c.lang, c.stem)
		for _, w := range c.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: Forms(%q) = %q lacks %q", c.lang, c.stem, got, w)
			}
		}
		for _, w := range got {
			if Stem(c.lang, w) != c.stem {
				t.Errorf("%s: Forms(%q) has %q, which stems to %q", c.lang, c.stem, w, Stem(c.lang, w))
			}
		}
	}
}
