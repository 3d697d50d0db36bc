package drafts

import (
	"cmp"
	"context"

	"policydesk"
)

// RestoreVersion brings back the text of version number as a new version
// after base, byte for byte, for an editor returning to an earlier wording;
// the audit log records which version it restores. Like SaveVersion it is
// refused with a *ConflictError when base is no longer the head, EFORBIDDEN
// for a caller who may only read, ENOTFOUND for a version that does not
// exist and EINVALID for the head itself, which needs no restoring.
func (s *Service) RestoreVersion(ctx context.Context, id int64, number, base int) (*Version, error) {
	doc, err := s.editable(ctx, id)
	if err != nil {
		return nil, err
	}
	old, err := s.Docs.FindVersion(ctx, id, number)
	if err != nil {
		return nil, err
	}
	if number == doc.Head {
		return nil, policydesk.Errorf(policydesk.EInvalid, "Version %d is the current text already; there is nothing to restore.", number)
	}
	// The message is part of the document's history: in its language,
	// whoever restores.
	return s.addVersion(ctx, doc, base, old.Body, s.translator().Sentence(doc.Language, "Restored version %d", number), number)
}

// translator is the Translator, English when none is set.
func (s *Service) translator() policydesk.Translator {
	return cmp.Or(s.Translator, policydesk.English)
}
