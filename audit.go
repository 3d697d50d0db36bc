package policydesk

import (
	"context"
	"time"
)

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	ActorID    int64     `json:"-"`
	Actor      string    `json:"actor"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Detail     string    `json:"detail"`
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	ObjectType, ObjectID string
	Limit, Offset        int
}

// NewAuditEntry starts an entry for an action at time at by the user in ctx
// (none for the command line and background work).
func NewAuditEntry(ctx context.Context, at time.Time, action, objectType, objectID, detail string) *AuditEntry {
	e := &AuditEntry{At: at.UTC(), Action: action, ObjectType: objectType, ObjectID: objectID, Detail: detail}
	if u := UserFromContext(ctx); u != nil {
		e.ActorID, e.Actor = u.ID, u.Login
	}
	return e
}
