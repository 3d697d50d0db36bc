package web

import (
	"io"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/gorilla/mux"

	"policydesk"
	"policydesk/drafts/attachments"
)

// uploadPath matches the routes that take a streamed multipart upload; only
// they get a larger body limit and may carry the CSRF token inside the body.
var uploadPath = regexp.MustCompile(`^/(api/v1/)?documents/[0-9]+/attachments$`)

func isUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && uploadPath.MatchString(r.URL.Path)
}

func (s *Server) registerAttachmentAPI(r *mux.Router) {
	r.HandleFunc("/documents/{id}/attachments", s.apiAttachments).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/attachments", s.apiUpload).Methods(http.MethodPost)
	r.HandleFunc("/attachments/{aid}", s.handleDownload).Methods(http.MethodGet)
	r.HandleFunc("/attachments/{aid}", s.apiDeleteAttachment).Methods(http.MethodDelete)
}

func (s *Server) registerAttachmentPages(r *mux.Router) {
	r.HandleFunc("/documents/{id}/attachments", s.pageUpload).Methods(http.MethodPost)
	r.HandleFunc("/attachments/{aid}", s.handleDownload).Methods(http.MethodGet)
	r.HandleFunc("/attachments/{aid}/delete", s.pageDeleteAttachment).Methods(http.MethodPost)
}

func (s *Server) attachmentsOff() error {
	if s.Attachments == nil {
		return policydesk.Errorf(policydesk.EUnavailable, "Attachments are not configured on this server.")
	}
	return nil
}

func (s *Server) apiAttachments(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		err = s.attachmentsOff()
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	list, err := s.Attachments.List(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"attachments": list})
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
				if asMaxBytes(err, &tooBig) {
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

// handleDownload sends the bytes as a download, never as a page: any name is
// safe in the RFC 6266 header, the type is the server's choice, and the
// sandbox CSP stops a file from running script even if opened inline.
func (s *Server) handleDownload(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "aid")
	if err == nil {
		err = s.attachmentsOff()
	}
	if err != nil {
		s.fail(w, r, err, 0)
		return
	}
	if policydesk.UserFromContext(r.Context()) == nil {
		s.fail(w, r, policydesk.Errorf(policydesk.EUnauthorized, "Log in first."), 0)
		return
	}
	att, rc, err := s.Attachments.Open(r.Context(), id)
	if err != nil {
		s.fail(w, r, err, 0)
		return
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", att.ContentType)
	h.Set("Content-Disposition", ContentDisposition(att.Filename))
	h.Set("Content-Length", strconv.FormatInt(att.Size, 10))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("ETag", `"`+att.SHA256+`"`)
	if r.Method == http.MethodHead {
		return
	}
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	// Large reads mean fewer round trips through the object store client,
	// each of which allocates; io.Copy's 32 KiB made 6,400 of them per 200 MiB.
	io.CopyBuffer(struct{ io.Writer }{w}, struct{ io.Reader }{rc}, *buf)
}

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// ContentDisposition builds an RFC 6266 attachment header: an ASCII fallback
// name for old clients and the exact UTF-8 name in filename*.
func ContentDisposition(name string) string {
	fallback := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '/' || r == ';' || r == '%' {
			return '_'
		}
		return r
	}, name)
	v := mime.FormatMediaType("attachment", map[string]string{"filename": fallback})
	if fallback != name {
		v += "; filename*=UTF-8''" + rfc5987(name)
	}
	return v
}

// rfc5987 percent-encodes everything but attr-char.
func rfc5987(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(c)>>4, 16)) + strings.ToUpper(strconv.FormatInt(int64(c)&15, 16)))
	}
	return b.String()
}

func (s *Server) apiDeleteAttachment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "aid")
	if err == nil {
		err = s.attachmentsOff()
	}
	if err == nil {
		err = s.Attachments.Delete(r.Context(), id)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) pageDeleteAttachment(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	id, err := pathID(r, "aid")
	if err == nil {
		err = s.attachmentsOff()
	}
	var att *attachments.Attachment
	if err == nil {
		att, err = s.Attachments.Store.FindAttachment(r.Context(), id)
	}
	if err == nil {
		err = s.Attachments.Delete(r.Context(), id)
	}
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, noticeURL(docURL(att.DocumentID), noticeAttachmentDeleted, "attachments", 0), http.StatusSeeOther)
}
