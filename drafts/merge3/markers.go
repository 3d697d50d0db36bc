package merge3

import "strings"

// Unresolved finds the first line of text that is one of the conflict
// markers Merge writes, and returns its number (from 1) and the marker; 0
// when there is none. Only the service's own marker lines count, ignoring
// spaces after them: "<<<<<<< your version", "||||||| base" and
// ">>>>>>> saved version". A line of "=======" alone is a setext heading
// underline in Markdown, and inside a conflict it always follows one of
// the others, so it is never the line reported.
func Unresolved(text string) (line int, marker string) {
	n := 0
	for l := range strings.Lines(text) {
		n++
		switch m := strings.TrimRight(l, " \t\r\n"); m {
		case mergeMarkerMine, mergeMarkerBase, mergeMarkerHead:
			return n, m
		}
	}
	return 0, ""
}
