package outline

import (
	"fmt"
	"strings"
)

// NewIDs returns the generator of IDs for the articles that first appear in
// version number: "a1", "a2", ... in the first version, "a<number>.1",
// "a<number>.2", ... later, so an ID names the version its article appeared
// in and is never reused for another article, even after a deletion.
func NewIDs(number int) func() string {
	k := 0
	return func() string {
		k++
		if number == 1 {
			return fmt.Sprintf("a%d", k)
		}
		return fmt.Sprintf("a%d.%d", number, k)
	}
}

// sameBody is how alike the body of the article at its expected position
// must be to be taken without looking further.
const sameBody = 0.8

// AssignIDs sets cur[i].ID so an article keeps its identity across
// versions. It aligns the articles of the two versions (see
// Alignment.Align) by:
//  1. the same (normalised) non-empty title;
//  2. the previous article at the expected position, if its body is the
//     same or has at least 0.8 of its word pairs in common;
//  3. the body's word pairs, best first (at least half in common).
//
// A current article left unpaired gets newID(). Numbers and headings are
// ignored, so renumbering or retitling keeps IDs; previous articles without
// an ID take no part. bodyPrev and bodyCur are the texts the Start/End
// offsets index. With no previous articles, IDs are simply handed out in
// order.
func AssignIDs(prev, cur []Article, bodyPrev, bodyCur string, newID func() string) {
	al := NewAlignment(len(prev), len(cur))
	if len(prev) > 0 {
		al.Align(idRules(prev, cur, bodyPrev, bodyCur))
	}
	for j := range cur {
		if i := al.AOf[j]; i >= 0 {
			cur[j].ID = prev[i].ID
		} else {
			cur[j].ID = newID()
		}
	}
}

func idRules(prev, cur []Article, bodyPrev, bodyCur string) Rules {
	title := func(arts []Article) func(int) (Key, bool) {
		return func(k int) (Key, bool) {
			t := normTitle(arts[k].Title)
			return Key{t}, t != ""
		}
	}
	setPrev := Lazy(len(prev), func(i int) []uint64 { return Shingles(sectionBody(bodyPrev, prev[i])) })
	setCur := Lazy(len(cur), func(j int) []uint64 { return Shingles(sectionBody(bodyCur, cur[j])) })
	return Rules{
		InA:  func(i int) bool { return prev[i].ID != "" },
		Keys: []Keys{{A: title(prev), B: title(cur)}},
		Near: []int{0},
		Same: func(i, j int) bool {
			if sectionBody(bodyPrev, prev[i]) == sectionBody(bodyCur, cur[j]) {
				return true
			}
			_, ok := Similar(setCur(j), setPrev(i), sameBody, nil)
			return ok
		},
		SetA: setPrev,
		SetB: setCur,
	}
}

func normTitle(t string) string {
	return strings.Join(strings.Fields(strings.ToLower(t)), " ")
}

// sectionBody is the article text after its heading line; the heading holds
// the number, which changes on renumbering, and the title, which the first
// step compares.
func sectionBody(body string, a Article) string {
	if a.Start < 0 || a.End > len(body) || a.Start > a.End {
		return ""
	}
	s := body[a.Start:a.End]
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return ""
}
