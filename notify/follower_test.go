package notify

import (
	"testing"
	"time"

	"policydesk"
)

// A gap in the audit ids is waited for (a lower id may still commit on
// PostgreSQL) until GapWait has passed since the entry after it.
func TestFollowerWaitsForGaps(t *testing.T) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	f := &Follower{GapWait: 30 * time.Second, Now: func() time.Time { return now }}
	entries := []*policydesk.AuditEntry{{ID: 6, At: now.Add(-time.Minute)}, {ID: 7, At: now.Add(-time.Minute)}, {ID: 9, At: now.Add(-time.Second)}, {ID: 10, At: now}}
	if got := f.settled(entries, 5); len(got) != 2 {
		t.Fatalf("with a fresh gap before 9: %d entries passed, want 2", len(got))
	}
	if got := f.settled(entries, 4); len(got) != 2 || got[0].ID != 6 {
		t.Fatalf("an old gap before 6, a fresh one before 9: %d entries passed, want 6 and 7", len(got))
	}
	now = now.Add(time.Minute)
	if got := f.settled(entries, 5); len(got) != 4 {
		t.Fatalf("after the wait: %d entries passed, want all 4", len(got))
	}
}

func TestAuditDetailIDs(t *testing.T) {
	for detail, want := range map[string]int64{"comment 12 on version 3": 12, "reply 40": 40, "on version 3": 0, "": 0, "comment x": 0} {
		if got := idIn(detail); got != want {
			t.Errorf("idIn(%q) = %d, want %d", detail, got, want)
		}
	}
}
