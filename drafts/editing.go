package drafts

import "context"

// ForEditing returns a document the caller may change, with its head
// version to start the editor from; a caller who may only read it gets
// EFORBIDDEN, as a save would.
func (s *Service) ForEditing(ctx context.Context, id int64) (*Document, *Version, error) {
	doc, err := s.editable(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	v, err := s.Version(ctx, id, doc.Head)
	if err != nil {
		return nil, nil, err
	}
	return doc, v, nil
}
