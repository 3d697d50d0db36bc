package web

import (
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"policydesk/drafts"
	"policydesk/review/docx"
)

// Word exports: a version, a redline with tracked changes, the
// comparative table and the consultation report as .docx downloads, read
// with the same permission as their page or JSON.

// versionDocx writes version n of document id as a .docx.
func (s *Server) versionDocx(r *http.Request, id int64, n int) (writeBody, error) {
	ctx := r.Context()
	doc, _, err := s.Drafts.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	v, err := s.Drafts.Version(ctx, id, n)
	if err != nil {
		return nil, err
	}
	meta := docx.Meta{Title: doc.Title, Author: v.Author, Language: s.documentLanguage(doc),
		Created: doc.CreatedAt, Modified: v.CreatedAt, Subject: s.catalog.For(s.documentLanguage(doc)).T("docx.version", "Number", v.Number)}
	out, err := docx.Version(ctx, s.Drafts.Renderer, v.Body, meta)
	if err != nil {
		return nil, err
	}
	return docxDownload(out, docxName(doc, "v"+strconv.Itoa(v.Number))), nil
}

func (s *Server) apiVersionDocx(r *http.Request, id int64, n int) (int, any, error) {
	w, err := s.versionDocx(r, id, n)
	return http.StatusOK, w, err
}

func (s *Server) pageVersionDocx(r *http.Request, id int64, n int) (reply, error) {
	w, err := s.versionDocx(r, id, n)
	return reply{write: w}, err
}

// docxDownload sends a written .docx as an attachment.
func docxDownload(out []byte, name string) writeBody {
	return func(w http.ResponseWriter) {
		h := w.Header()
		h.Set("Content-Type", docx.ContentType)
		h.Set("Content-Disposition", ContentDisposition(name))
		h.Set("Content-Length", strconv.Itoa(len(out)))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "private, no-store")
		w.Write(out)
	}
}

// docxName is the download's file name: the document's title, cut to 80
// characters of letters, digits, spaces, dots and dashes, then what it is
// ("v3", "v2-v3"). ContentDisposition gives old clients an ASCII form.
func docxName(doc *drafts.Document, what string) string {
	title := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '.' || r == '(' || r == ')':
			return r
		case unicode.IsSpace(r) || r == '_' || r == '/' || r == '–':
			return ' '
		}
		return -1
	}, doc.Title)
	title = strings.Join(strings.Fields(title), " ")
	if runes := []rune(title); len(runes) > 80 {
		title = strings.TrimSpace(string(runes[:80]))
	}
	title = strings.Trim(title, ". ")
	if title == "" {
		title = "document-" + strconv.FormatInt(doc.ID, 10)
	}
	return title + " " + what + ".docx"
}
