// Package merge3 merges two edits of one text made from the same base: the
// version an editor saves (mine) onto the version someone else saved first
// (head). It is a line-based diff3, like `git merge-file --diff3`, that
// falls back to words inside a line both sides edited, and writes git's
// conflict markers where the edits really collide. It is pure: no I/O.
//
// The diffs run on textdiff, the service's bounded Myers diff, rather than
// on go-diff (which the redline uses for its semantic cleanup): go-diff
// bounds its work only by a wall-clock deadline (DiffTimeout), so the same
// three texts could merge differently on a busy machine, while textdiff
// counts steps, and the same inputs always give the same proposal.
package merge3
