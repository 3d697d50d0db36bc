package policydesk

import "time"

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
