package web

import (
	"errors"
	"io"
	"net/http"
	"regexp"

	"policydesk"
	"policydesk/drafts/attachments"
)

// uploadPath matches the routes that take a streamed multipart upload; only
// they get a larger body limit and may carry the CSRF token inside the body.
var uploadPath = regexp.MustCompile(`^/(api/v1/)?documents/[0-9]+/attachments$`)

func isUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && (uploadPath.MatchString(r.URL.Path) || importPath.MatchString(r.URL.Path))
}

func (s *Server) attachmentsOff() error {
	if s.Attachments == nil {
		return policydesk.Errorf(policydesk.EUnavailable, "Attachments are not configured on this server.")
	}
	return nil
}

func (s *Server) apiAttachments(r *http.Request, id int64) (int, any, error) {
	if err := s.attachmentsOff(); err != nil {
		return 0, nil, err
	}
	list, err := s.Attachments.List(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"attachments": list}, nil
}

// upload streams the "file" part of a multipart body to the blob store. A
// browser form sends its CSRF token as a field before the file; the token is
// checked before a byte of the file is stored.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) (*attachments.Attachment, error) {
	if err := s.attachmentsOff(); err != nil {
		return nil, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	// The file may be as large as the limit; the rest of the form is small.
	// A zero MaxBytes means the service's default, not no room at all.
	limit := s.Attachments.MaxBytes
	if limit <= 0 {
		limit = attachments.DefaultMaxUploadBytes
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, policydesk.Errorf(policydesk.EUnsupported, "Send the file as multipart/form-data in a field named \"file\".")
	}
	rs := sessionFrom(r.Context())
	csrfOK := rs == nil || !rs.Cookie || rs.CSRFChecked
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, policydesk.Errorf(policydesk.EInvalid, "The upload has no field named \"file\".")
		} else if err != nil {
			return nil, bodyReadError(err)
		}
		switch part.FormName() {
		case "csrf_token":
			token, _ := io.ReadAll(io.LimitReader(part, 256))
			csrfOK = csrfOK || (rs != nil && constantTimeEqual(string(token), rs.Session.CSRF))
		case "file":
			if !csrfOK {
				return nil, errCSRF
			}
			att, err := s.Attachments.Upload(r.Context(), id, part.FileName(), part)
			if err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					return nil, policydesk.Errorf(policydesk.ETooLarge, "The file is larger than the limit.")
				}
				return nil, err
			}
			return att, nil
		}
		part.Close()
	}
}

func (s *Server) apiUpload(w http.ResponseWriter, r *http.Request) {
	att, err := s.upload(w, r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, att)
}

func (s *Server) pageUpload(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	att, err := s.upload(w, r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, noticeURL(docURL(att.DocumentID), noticeAttached, "attachments", 0), http.StatusSeeOther)
}

func (s *Server) apiDeleteAttachment(r *http.Request, id int64) (int, any, error) {
	if err := s.attachmentsOff(); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, s.Attachments.Delete(r.Context(), id)
}

// pageDeleteAttachment deletes an attachment and returns to its document.
func (s *Server) pageDeleteAttachment(r *http.Request, id int64) (reply, error) {
	err := s.attachmentsOff()
	var att *attachments.Attachment
	if err == nil {
		att, err = s.Attachments.Find(r.Context(), id)
	}
	if err == nil {
		err = s.Attachments.Delete(r.Context(), id)
	}
	if err != nil {
		return reply{}, err
	}
	return seeOther(noticeURL(docURL(att.DocumentID), noticeAttachmentDeleted, "attachments", 0)), nil
}
