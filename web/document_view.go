package web

import (
	"net/http"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/attachments"
)

// pageDocument shows a document at its head: the rendered text, its
// versions, members, review rounds and attachments.
func (s *Server) pageDocument(r *http.Request, id int64) (reply, error) {
	doc, data, err := s.documentPage(r, id, 0)
	if err != nil {
		return reply{}, err
	}
	data["Notice"] = s.notice(r, doc.Head)
	s.highlight(r, data)
	data["ReviewerChoices"] = s.reviewerChoices(r, id, data["Access"].(policydesk.Access))
	return show("document", data), nil
}

// pageVersion is the document page at an earlier version.
func (s *Server) pageVersion(r *http.Request, id int64, n int) (reply, error) {
	_, data, err := s.documentPage(r, id, n)
	if err != nil {
		return reply{}, err
	}
	return show("document", data), nil
}

// documentPage gathers what the document and version pages share; number
// 0 is the head.
func (s *Server) documentPage(r *http.Request, id int64, number int) (*drafts.Document, map[string]any, error) {
	ctx := r.Context()
	doc, access, err := s.Drafts.Document(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if number == 0 {
		number = doc.Head
	}
	v, err := s.Drafts.Version(ctx, id, number)
	if err != nil {
		return nil, nil, err
	}
	html, err := s.Drafts.VersionHTML(ctx, id, number)
	if err != nil {
		return nil, nil, err
	}
	versions, err := s.Drafts.Versions(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	members, err := s.Drafts.Members(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	rounds, err := s.Review.Rounds(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	var files []*attachments.Attachment
	if s.Attachments != nil {
		// Metadata comes from the database, so the list shows even while the
		// object store is down; only downloads and uploads need it.
		if files, err = s.Attachments.List(ctx, id); err != nil {
			return nil, nil, err
		}
	}
	return doc, map[string]any{
		"Title": doc.Title, "Doc": doc, "Access": access, "Version": v, "HTML": html,
		"Versions": versions, "Members": members, "IsHead": number == doc.Head, "Rounds": rounds,
		"Attachments": files, "AttachmentsOn": s.Attachments != nil,
	}, nil
}
