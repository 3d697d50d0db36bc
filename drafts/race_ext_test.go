//go:build race

package drafts_test

const raceEnabled = true
