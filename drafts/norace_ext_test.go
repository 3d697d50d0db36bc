//go:build !race

package drafts_test

const raceEnabled = false
