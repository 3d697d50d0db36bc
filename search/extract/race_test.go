//go:build race

package extract_test

// raceEnabled: the race detector makes building the 512 MiB stream of the
// memory-hog test take tens of seconds; that test runs without it.
const raceEnabled = true
