package drafts

import (
	"context"
	"fmt"

	"policydesk"
	"policydesk/drafts/merge3"
)

// ConflictError is returned when a save names a base that is no longer the head.
// It carries what the editor needs to finish the save without losing a word.
type ConflictError struct {
	Head  int
	Merge MergeProposal
	// Review is the same merge in parts, with the versions it joins, for
	// a page that lets the editor settle each conflict.
	Review *MergeReview
}

// MergeProposal is base→mine applied onto head; Clean is false when some part
// could not be merged and the body holds conflict markers.
type MergeProposal struct {
	Body  string `json:"body"`
	Clean bool   `json:"clean"`
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("policydesk error: code=conflict head=%d", e.Head)
}

// Unwrap lets ErrorCode and ErrorMessage see a conflict as an ordinary *Error.
func (e *ConflictError) Unwrap() error {
	return policydesk.Errorf(policydesk.EConflict, "Someone else saved version %d first; review the merge proposal and save again.", e.Head)
}

// checkResolved refuses a text that still holds a conflict the merge
// proposal marked: saved, the markers would become part of the regulation
// (and "=======" under a line, a heading).
func checkResolved(body string) error {
	line, marker := merge3.Unresolved(body)
	if line == 0 {
		return nil
	}
	return policydesk.Errorf(policydesk.EInvalid, "A conflict from the merge is still unresolved at line %d (the line \"%s\"). Keep the wording you want, delete the conflict marker lines and save again.", line, marker)
}

// conflict answers a save from a base that is no longer the head with the
// merge proposal of base→mine onto the head.
func (s *Service) conflict(ctx context.Context, doc *Document, base int, mine string) error {
	m, err := s.mergeReview(ctx, doc, base, doc.Head, mine)
	if err != nil {
		return err
	}
	return &ConflictError{Head: doc.Head, Merge: MergeProposal{Body: m.Merged.Text(), Clean: m.Merged.Clean()}, Review: m}
}
