//go:build race

package draftstest

// Race is true when the tests run under the race detector, which makes
// goldmark and the diffs about ten times slower: timing and memory checks
// are skipped or run on smaller inputs.
const Race = true
