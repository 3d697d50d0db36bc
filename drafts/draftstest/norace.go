//go:build !race

package draftstest

// Race is true when the tests run under the race detector (see race.go).
const Race = false
