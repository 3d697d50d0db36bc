package drafts

import (
	"context"

	"policydesk"
)

// ForEditing returns a document the caller may change, with its head
// version to start the editor from; a caller who may only read it gets
// EFORBIDDEN, as a save would.
func (s *Service) ForEditing(ctx context.Context, id int64) (*Document, *Version, error) {
	doc, a, err := s.Document(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !a.Edit {
		return nil, nil, policydesk.Errorf(policydesk.EForbidden, "You may read this document but not change it.")
	}
	v, err := s.Version(ctx, id, doc.Head)
	if err != nil {
		return nil, nil, err
	}
	return doc, v, nil
}
