package web

import (
	"net/http"
	"strconv"
	"sync"

	"policydesk"
)

func (s *Server) apiVersions(r *http.Request, id int64) (int, any, error) {
	versions, err := s.Drafts.Versions(r.Context(), id)
	return http.StatusOK, map[string]any{"versions": versions}, err
}

// apiSaveVersion saves a new version; a stale base is a 409 with the merge
// proposal (see apiError).
func (s *Server) apiSaveVersion(r *http.Request) (int, any, error) {
	var in struct {
		Base    *int   `json:"base"`
		Body    string `json:"body"`
		Message string `json:"message"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	if in.Base == nil {
		return 0, nil, policydesk.Errorf(policydesk.EInvalid, "Name the version your edit started from in \"base\".")
	}
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	v, err := s.Drafts.SaveVersion(r.Context(), id, *in.Base, in.Body, in.Message)
	if err != nil {
		return 0, nil, err
	}
	v.Body = ""
	return http.StatusCreated, v, nil
}

func (s *Server) apiVersion(r *http.Request, id int64, n int) (int, any, error) {
	v, err := s.Drafts.Version(r.Context(), id, n)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"number": v.Number, "body": v.Body, "sha256": v.SHA256,
		"author": v.Author, "message": v.Message, "created_at": v.CreatedAt}, nil
}

// apiVersionHTML answers a version rendered, as an HTML fragment.
func (s *Server) apiVersionHTML(r *http.Request, id int64, n int) (int, any, error) {
	html, err := s.Drafts.VersionHTML(r.Context(), id, n)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, writeBody(func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(html)))
		writeString(w, string(html))
	}), nil
}

// writeBuffers back writeString: a draft renders to about half a megabyte.
var writeBuffers = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// writeString writes a large cached string through a pooled buffer. Both
// alternatives cost more than double the server's CPU per request (see
// BenchmarkServeCachedVersionHTML): w.Write([]byte(s)) allocates and
// page-faults a fresh copy each time, and io.WriteString goes through
// net/http's 2 KiB buffer, one small write(2) per chunk.
func writeString(w http.ResponseWriter, s string) {
	bp := writeBuffers.Get().(*[]byte)
	defer writeBuffers.Put(bp)
	for len(s) > 0 {
		n := copy(*bp, s)
		if _, err := w.Write((*bp)[:n]); err != nil {
			return
		}
		s = s[n:]
	}
}

// apiOutline lists the articles of the head, or of ?version=N.
func (s *Server) apiOutline(r *http.Request, id int64) (int, any, error) {
	doc, _, err := s.Drafts.Document(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	n := doc.Head
	if q := r.URL.Query().Get("version"); q != "" {
		if n, err = strconv.Atoi(q); err != nil || n < 1 {
			return 0, nil, policydesk.Errorf(policydesk.EInvalid, "version must be a positive number.")
		}
	}
	arts, err := s.Drafts.Outline(r.Context(), id, n)
	if err != nil {
		return 0, nil, err
	}
	type articleJSON struct {
		ID      string `json:"id"`
		Num     string `json:"num"`
		Heading string `json:"heading"`
		Title   string `json:"title,omitempty"`
		Anchor  string `json:"anchor"`
	}
	out := make([]articleJSON, len(arts))
	for i, a := range arts {
		out[i] = articleJSON{ID: a.ID, Num: a.Num, Heading: a.Heading, Title: a.Title, Anchor: a.Anchor()}
	}
	return http.StatusOK, map[string]any{"version": n, "articles": out}, nil
}

func (s *Server) apiPreview(r *http.Request) (int, any, error) {
	var in struct{ Body string }
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	html, err := s.Drafts.Preview(r.Context(), in.Body)
	return http.StatusOK, map[string]string{"html": string(html)}, err
}
