package anchor_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"policydesk/drafts/draftstest"
	"policydesk/review/anchor"
	"policydesk/review/redline"
)

const body = "# Rregullore\n\n## Neni 1 – Qëllimi\n\n1. Kjo rregullore përcakton **masat e mbrojtjes** së fëmijëve.\n\n" +
	"## Neni 2 – Fushëveprimi\n\n1. Kjo rregullore zbatohet nga _komunat_ dhe masat e mbrojtjes së fëmijëve.\n" +
	"2. Ministria përcakton masat e mbrojtjes.\n"

func TestLocate(t *testing.T) {
	tests := []struct {
		name string
		sel  anchor.Selector
		want string // body[start:end]
		at   int    // which occurrence (by byte offset of want), -1 for not found
	}{
		{"unique", anchor.Selector{Quote: "zbatohet nga"}, "zbatohet nga", strings.Index(body, "zbatohet nga")},
		{"first by default", anchor.Selector{Quote: "masat e mbrojtjes"}, "masat e mbrojtjes", strings.Index(body, "masat e mbrojtjes")},
		{"suffix picks", anchor.Selector{Quote: "masat e mbrojtjes", Suffix: "."}, "masat e mbrojtjes", strings.LastIndex(body, "masat e mbrojtjes")},
		{"rendered prefix", anchor.Selector{Quote: "masat e mbrojtjes", Prefix: "Fushëveprimi\nKjo rregullore zbatohet nga komunat dhe "}, "masat e mbrojtjes",
			strings.Index(body, "masat e mbrojtjes së fëmijëve.\n2")},
		{"rendered prefix without list number", anchor.Selector{Quote: "masat e mbrojtjes", Prefix: "Ministria përcakton "}, "masat e mbrojtjes",
			strings.LastIndex(body, "masat e mbrojtjes")},
		{"across emphasis", anchor.Selector{Quote: "përcakton masat e mbrojtjes së"}, "përcakton **masat e mbrojtjes** së", strings.Index(body, "përcakton **")},
		{"collapsed whitespace", anchor.Selector{Quote: "fëmijëve.  2. Ministria"}, "fëmijëve.\n2. Ministria", strings.Index(body, "fëmijëve.\n2.")},
		{"across headings", anchor.Selector{Quote: "fëmijëve. Neni 2 – Fushëveprimi Kjo"}, "fëmijëve.\n\n## Neni 2 – Fushëveprimi\n\n1. Kjo", strings.Index(body, "fëmijëve.\n\n## Neni 2")},
		{"missing", anchor.Selector{Quote: "nuk ekziston"}, "", -1},
		{"empty", anchor.Selector{Quote: " "}, "", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e, ok := anchor.Locate(body, tt.sel)
			if tt.at < 0 {
				if ok {
					t.Errorf("found %q", body[s:e])
				}
				return
			}
			if !ok || body[s:e] != tt.want || s != tt.at {
				t.Errorf("got %v %d %q, want %d %q", ok, s, body[s:min(e, len(body))], tt.at, tt.want)
			}
		})
	}
}

func TestOffsets(t *testing.T) {
	s := "aë€😀b"
	for r, b := range []int{0, 1, 3, 6, 10, 11} {
		if got := anchor.ByteOffset(s, r); got != b {
			t.Errorf("ByteOffset(%d) = %d, want %d", r, got, b)
		}
		if got := anchor.RuneOffset(s, b); got != r {
			t.Errorf("RuneOffset(%d) = %d, want %d", b, got, r)
		}
	}
	if anchor.ByteOffset(s, 99) != len(s) || anchor.RuneOffset(s, 99) != 5 || anchor.RuneOffset(s, 2) != 1 {
		t.Error("clamping")
	}
}

const (
	p1 = "Ministria harton planin vjetor për mbrojtjen e fëmijëve."
	p2 = "Komuna siguron strehim të përkohshëm për fëmijët pa kujdes prindëror."
	p3 = "Qendra për punë sociale njofton policinë brenda njëzet e katër orëve."
	p4 = "Inspektorati mbikëqyr zbatimin e standardeve në qendrat ditore."
)

func doc(arts ...string) string {
	var b strings.Builder
	b.WriteString("# Rregullore\n\n")
	for i, a := range arts {
		b.WriteString("## Neni ")
		b.WriteString(string(rune('1' + i)))
		b.WriteString("\n\n" + a + "\n\n")
	}
	return b.String()
}

func TestRemap(t *testing.T) {
	a := doc(p1, p2, p3, p4)
	quote := "strehim të përkohshëm"
	start := strings.Index(a, quote)
	end := start + len(quote)
	tests := []struct {
		name          string
		b             string
		intact, ok    bool
		wantText      string // b[ns:ne] when intact
		wantNearQuote bool
	}{
		{"edit elsewhere", doc(strings.Replace(p1, "vjetor", "shumëvjeçar", 1), p2, p3, p4), true, true, quote, false},
		{"edit inside", doc(p1, strings.Replace(p2, "të përkohshëm", "emergjent", 1), p3, p4), false, true, "", true},
		{"insert inside", doc(p1, strings.Replace(p2, "të përkohshëm", "të menjëhershëm dhe të përkohshëm", 1), p3, p4), false, true, "", true},
		{"article deleted", doc(p1, p3, p4), false, false, "", false},
		{"article moved", doc(p1, p3, p4, p2), true, true, quote, false},
		{"article inserted before", doc(p3+" shtesë", p1, p2, p3, p4), true, true, quote, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := redline.Compute(a, tt.b, nil, nil)
			ns, ne, intact, ok := anchor.Remap(r, start, end)
			if ok != tt.ok || intact != tt.intact {
				t.Fatalf("intact %v ok %v, want %v %v (%d,%d)", intact, ok, tt.intact, tt.ok, ns, ne)
			}
			if !ok {
				return
			}
			if ns < 0 || ne < ns || ne > len(tt.b) {
				t.Fatalf("bad span %d,%d", ns, ne)
			}
			if tt.intact && tt.b[ns:ne] != tt.wantText {
				t.Errorf("mapped %q, want %q", tt.b[ns:ne], tt.wantText)
			}
			if tt.wantNearQuote && !strings.Contains(tt.b[max(0, ns-20):min(len(tt.b), ne+20)], "strehim") {
				t.Errorf("mapped far away: %q", tt.b[ns:ne])
			}
		})
	}
}

func TestRemapGenerated(t *testing.T) {
	a := draftstest.Regulation(60, 20000, 3)
	b := draftstest.Revise(a, 7)
	m := anchor.NewMapper(redline.Compute(a, b, nil, nil))
	intact := 0
	for start := 100; start+40 < len(a); start += 997 {
		end := start + 40
		for !utf8.RuneStart(a[start]) {
			start++
		}
		for end < len(a) && !utf8.RuneStart(a[end]) {
			end++
		}
		ns, ne, ok1, ok := m.Map(start, end)
		if ok && ok1 {
			intact++
			if b[ns:ne] != a[start:end] {
				t.Errorf("intact span %q mapped to %q", a[start:end], b[ns:ne])
			}
		}
	}
	if intact == 0 {
		t.Error("nothing mapped intact")
	}
}

func FuzzLocateRemap(f *testing.F) {
	f.Add(doc(p1, p2, p3), doc(p2, p1, p3), 20, 15)
	f.Add("abc abc", "abc x abc", 4, 3)
	f.Fuzz(func(t *testing.T, a, b string, start, n int) {
		if len(a) == 0 || start < 0 || n <= 0 {
			return
		}
		start %= len(a)
		end := min(len(a), start+n%64+1)
		quote := a[start:end]
		s, e, ok := anchor.Locate(a, anchor.Selector{Quote: quote, Prefix: a[max(0, start-32):start], Suffix: a[end:min(len(a), end+32)]})
		if strings.TrimSpace(quote) != "" && (!ok || a[s:e] != quote) {
			t.Fatalf("Locate(%q) = %v %d %d", quote, ok, s, e)
		}
		r := redline.Compute(a, b, nil, nil)
		ns, ne, intact, ok := anchor.Remap(r, start, end)
		if ok && (ns < 0 || ne < ns || ne > len(b)) {
			t.Fatalf("span %d,%d outside b", ns, ne)
		}
		if intact && b[ns:ne] != quote {
			t.Fatalf("intact but %q != %q", b[ns:ne], quote)
		}
		// Mapping a onto itself keeps every span intact and in place.
		ns, ne, intact, ok = anchor.Remap(redline.Compute(a, a, nil, nil), start, end)
		if !ok || !intact || ns != start || ne != end {
			t.Fatalf("identity remap of %d,%d = %d,%d %v %v", start, end, ns, ne, intact, ok)
		}
	})
}
