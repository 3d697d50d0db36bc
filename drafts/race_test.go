//go:build race

package drafts

const raceEnabled = true
