package merge3

import (
	"fmt"
	"strings"
)

// Part is one piece of a merge, in order: lines both sides agree on
// (merged cleanly), or a conflict holding each side's lines and those of
// the base they both started from. Lines carry no "\n".
type Part struct {
	Lines    []string // the agreed lines; nil in a conflict
	Conflict bool
	Mine     []string // the lines being saved
	Base     []string // the lines both sides started from
	Head     []string // the lines saved first
}

// Merged is a merge split into parts. FinalNewline says whether the text
// ends with a newline once every conflict is settled (a side that changed
// that wins).
type Merged struct {
	Parts        []Part
	FinalNewline bool
}

// whole is the merge of a text with itself: one agreed part.
func whole(s string) *Merged {
	lines, nl := mergeSplit(s)
	return &Merged{Parts: []Part{{Lines: lines}}, FinalNewline: nl}
}

// Clean tells whether the merge has no conflict.
func (m *Merged) Clean() bool { return m.Conflicts() == 0 }

// Conflicts counts the conflicts.
func (m *Merged) Conflicts() int {
	n := 0
	for _, p := range m.Parts {
		if p.Conflict {
			n++
		}
	}
	return n
}

// Text is the merged text with every conflict written between the markers
// (see Merge); a text that ends in a conflict ends with a newline.
func (m *Merged) Text() string {
	var out []string
	endsInConflict := false
	for _, p := range m.Parts {
		endsInConflict = p.Conflict
		if !p.Conflict {
			out = append(out, p.Lines...)
			continue
		}
		out = append(out, mergeMarkerMine)
		out = append(out, p.Mine...)
		out = append(out, mergeMarkerBase)
		out = append(out, p.Base...)
		out = append(out, mergeMarkerSep)
		out = append(out, p.Head...)
		out = append(out, mergeMarkerHead)
	}
	return joinLines(out, m.FinalNewline || endsInConflict)
}

// Settle is the merged text with conflict k (counted from 0 in order)
// replaced by the lines chosen[k]; it refuses a count of choices that is
// not the count of conflicts.
func (m *Merged) Settle(chosen [][]string) (string, error) {
	if len(chosen) != m.Conflicts() {
		return "", fmt.Errorf("merge3: %d choices for %d conflicts", len(chosen), m.Conflicts())
	}
	var out []string
	k := 0
	for _, p := range m.Parts {
		if !p.Conflict {
			out = append(out, p.Lines...)
			continue
		}
		out = append(out, chosen[k]...)
		k++
	}
	return joinLines(out, m.FinalNewline), nil
}

// Lines splits a wording typed to settle a conflict into lines: CRLF
// becomes LF and a final newline adds no empty line, so "" has none.
func Lines(text string) []string {
	lines, _ := mergeSplit(mergeNormalize(text))
	return lines
}

// joinLines joins lines with "\n", ending with one when finalNL; no lines
// make "".
func joinLines(lines []string, finalNL bool) string {
	if len(lines) == 0 {
		return ""
	}
	n := len(lines)
	for _, l := range lines {
		n += len(l)
	}
	var sb strings.Builder
	sb.Grow(n)
	for i, l := range lines {
		if i > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(l)
	}
	if finalNL {
		sb.WriteByte('\n')
	}
	return sb.String()
}
