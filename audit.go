package policydesk

import (
	"context"
	"fmt"
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
	// DetailFormat and DetailArgs are Detail before it was formatted, so
	// that the log reads in its reader's language (see Translator); ""
	// for entries written before the log kept them.
	DetailFormat string `json:"-"`
	DetailArgs   []any  `json:"-"`
	// ObjectTitle is the title of the document an entry is about, when its
	// object is a document that still exists (filled in when read).
	ObjectTitle string `json:"object_title,omitempty"`
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	ObjectType, ObjectID string
	// Actor and Action keep only the entries of that login and action.
	Actor, Action string
	// From and To bound the time: From <= At < To; a zero one leaves its
	// side open.
	From, To time.Time
	// BeforeID keeps only entries older than that one (an export pages on
	// it, so entries written meanwhile do not shift its pages); 0 is none.
	BeforeID      int64
	Limit, Offset int
}

// NewAuditEntry starts an entry for an action at time at by the user in ctx
// (none for the command line and background work), its detail an English
// sentence format and its values ("" for none).
func NewAuditEntry(ctx context.Context, at time.Time, action, objectType, objectID, format string, args ...any) *AuditEntry {
	e := &AuditEntry{At: at.UTC(), Action: action, ObjectType: objectType, ObjectID: objectID}
	if format != "" {
		e.Describe(format, args...)
	}
	if u := UserFromContext(ctx); u != nil {
		e.ActorID, e.Actor = u.ID, u.Login
	}
	return e
}

// Describe sets the entry's detail: an English sentence format and its
// values, which the catalogs translate like every sentence for people.
func (e *AuditEntry) Describe(format string, args ...any) *AuditEntry {
	e.Detail, e.DetailFormat, e.DetailArgs = fmt.Sprintf(format, args...), format, args
	return e
}

// DetailIn is the entry's detail in lang, put into words by t; an entry
// written before details kept their format reads as it was written.
func (e *AuditEntry) DetailIn(t Translator, lang string) string {
	if e.DetailFormat == "" || t == nil {
		return e.Detail
	}
	return t.Sentence(lang, e.DetailFormat, e.DetailArgs...)
}
