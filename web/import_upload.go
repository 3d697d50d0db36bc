package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"

	"policydesk"
	"policydesk/drafts"
	"policydesk/review"
	"policydesk/review/docx"
)

// MaxImportBytes bounds a Word file uploaded for import, a document or a
// review, as sent (compressed); the docx package bounds what it holds
// uncompressed.
const MaxImportBytes = review.MaxWordReviewBytes

// importPath matches the routes that take a Word file: they stream their
// multipart body like attachment uploads (isUpload), with their own limit.
var importPath = regexp.MustCompile(`^/(api/v1/)?documents/(import|[0-9]+/import|[0-9]+/versions/import)$`)

// importUpload is a Word file and the form fields sent with it.
type importUpload struct {
	fields   map[string]string
	filename string
	data     []byte
}

// readImport reads a multipart import body of at most MaxImportBytes. A
// browser form's CSRF token is checked before the file is read.
func (s *Server) readImport(w http.ResponseWriter, r *http.Request) (*importUpload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxImportBytes+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, policydesk.Errorf(policydesk.EUnsupported, "Send the file as multipart/form-data in a field named \"file\".")
	}
	rs := sessionFrom(r.Context())
	csrfOK := rs == nil || !rs.Cookie || rs.CSRFChecked
	up := &importUpload{fields: map[string]string{}}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, importReadError(err)
		}
		name := part.FormName()
		switch {
		case name == "file":
			if !csrfOK {
				return nil, errCSRF
			}
			up.filename = path.Base(strings.ReplaceAll(part.FileName(), `\`, "/"))
			if up.data, err = io.ReadAll(io.LimitReader(part, MaxImportBytes+1)); err != nil {
				return nil, importReadError(err)
			}
			if len(up.data) > MaxImportBytes {
				return nil, policydesk.Errorf(policydesk.ETooLarge, "The file is larger than %d MB.", MaxImportBytes>>20)
			}
		case name != "":
			v, err := io.ReadAll(io.LimitReader(part, 8<<10))
			if err != nil {
				return nil, importReadError(err)
			}
			if name == "csrf_token" {
				csrfOK = csrfOK || (rs != nil && constantTimeEqual(string(v), rs.Session.CSRF))
			} else {
				up.fields[name] = string(v)
			}
		}
		part.Close()
	}
	if up.data == nil {
		return nil, policydesk.Errorf(policydesk.EInvalid, "The upload has no field named \"file\".")
	}
	return up, nil
}

func importReadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return policydesk.Errorf(policydesk.ETooLarge, "The file is larger than %d MB.", MaxImportBytes>>20)
	}
	return bodyReadError(err)
}

// convert reads the uploaded Word file as Markdown, in one of the slots
// heavy work shares, so that many imports at once queue.
func (s *Server) convert(ctx context.Context, up *importUpload) (*docx.Imported, error) {
	var im *docx.Imported
	err := s.Drafts.Heavy(ctx, func() error {
		pkg, err := docx.Open(bytes.NewReader(up.data), int64(len(up.data)))
		if err != nil {
			return err
		}
		im, err = docx.Read(ctx, pkg, drafts.MaxBodyBytes)
		return err
	})
	return im, err
}

// importTitle is the title asked for, else the document's own, else the
// file's name without its extension.
func (up *importUpload) importTitle(im *docx.Imported) string {
	if t := strings.TrimSpace(up.fields["title"]); t != "" {
		return t
	}
	if im.Title != "" {
		return im.Title
	}
	return strings.TrimSpace(strings.TrimSuffix(up.filename, path.Ext(up.filename)))
}

// importMessage is the version message asked for, else one naming the file.
func (s *Server) importMessage(r *http.Request, up *importUpload) string {
	if m := strings.TrimSpace(up.fields["message"]); m != "" {
		return m
	}
	return s.tr(r, "import.message", "File", up.filename)
}

// noteJSON is one thing an import left out, with its sentence.
type noteJSON struct {
	docx.Note
	Text string `json:"text"`
}

// importNotes says what an import left out or changed, in the user's
// language.
func (s *Server) importNotes(r *http.Request, notes []docx.Note) []noteJSON {
	out := make([]noteJSON, len(notes))
	for i, n := range notes {
		out[i] = noteJSON{Note: n, Text: s.tr(r, importNoteKeys[n.Code], "Count", n.Count)}
	}
	return out
}

// importNoteKeys are the catalog keys of the notes' sentences.
var importNoteKeys = map[string]string{
	docx.NoteTrackedChanges: "import.note.tracked_changes",
	docx.NoteComments:       "import.note.comments",
	docx.NoteImages:         "import.note.images",
	docx.NoteTextBoxes:      "import.note.text_boxes",
	docx.NoteHeadersFooters: "import.note.headers_footers",
	docx.NoteFields:         "import.note.fields",
	docx.NoteEquations:      "import.note.equations",
	docx.NoteNestedTables:   "import.note.nested_tables",
}

// atoiField reads a form field holding a number; 0 when it holds none.
func atoiField(v string) int {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0
	}
	return n
}
