// Package extract turns attachments into plain text for the search index:
// plain text and Markdown as they are, DOCX from its XML, PDF through a
// pure-Go reader.
//
// Every reader is bounded: input size, XML depth and element count, PDF
// page-tree shape and page count are checked as the file is read, and a
// file beyond a bound is refused at once with a reason (a *RefusedError).
// What the checks cannot see — a PDF reader that loops inside the library
// on a file it should reject — is bounded by running the readers in a child
// process with a time and memory budget (see Runner and Child).
package extract

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode/utf8"
)

// MaxInput is the most bytes read from one file for extraction: PDF and
// DOCX need the whole file in memory.
const MaxInput = 16 << 20

// MaxText bounds the text returned.
const MaxText = 1 << 20

// Bounds of the DOCX reader. Word nests a few dozen levels at most (tables
// in tables); a document.xml of MaxXMLBytes holds a few million tokens.
const (
	MaxXMLBytes  = 32 << 20
	MaxXMLDepth  = 256
	MaxXMLTokens = 8_000_000
)

// ErrUnsupported is returned for a kind of file that has no text reader.
var ErrUnsupported = errors.New("no text reader for this kind of file")

// RefusedError is a file the readers will not read, with a reason an
// administrator understands. It is a property of the file: reading it again
// gives the same answer.
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string { return e.Reason }

func refused(format string, args ...any) error {
	return &RefusedError{Reason: fmt.Sprintf(format, args...)}
}

// Kinds of file with a text reader.
const (
	KindPlain = "plain"
	KindDOCX  = "docx"
	KindPDF   = "pdf"
)

// KindOf chooses the reader by the file's extension; "" means none.
func KindOf(filename string) string {
	switch strings.ToLower(path.Ext(filename)) {
	case ".txt", ".md", ".csv", ".markdown":
		return KindPlain
	case ".docx":
		return KindDOCX
	case ".pdf":
		return KindPDF
	}
	return ""
}

// Text extracts the text of a file in this process, choosing the reader by
// extension. It returns ErrUnsupported for kinds it does not read and a
// *RefusedError for a file it will not read.
func Text(filename, contentType string, r io.Reader) (string, error) {
	return TextOfKind(KindOf(filename), r)
}

// TextOfKind runs the reader of kind on r.
func TextOfKind(kind string, r io.Reader) (string, error) {
	switch kind {
	case KindPlain:
		return plain(r)
	case KindDOCX:
		return docx(r)
	case KindPDF:
		return pdfText(r)
	}
	return "", ErrUnsupported
}

func plain(r io.Reader) (string, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxText))
	if err != nil {
		return "", err
	}
	if !utf8.Valid(data) {
		data = bytes.ToValidUTF8(data, []byte(" "))
	}
	return string(data), nil
}

// readAllLimited reads a whole file for formats that need random access.
func readAllLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInput+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxInput {
		return nil, refused("the file is larger than %d MiB", MaxInput>>20)
	}
	return data, nil
}

// docx reads word/document.xml: text runs (w:t) joined, paragraphs (w:p)
// and breaks as new lines, tabs as tabs.
func docx(r io.Reader) (string, error) {
	data, err := readAllLimited(r)
	if err != nil {
		return "", err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", refused("the file is not a valid DOCX (zip) file")
	}
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		if f.UncompressedSize64 > MaxXMLBytes {
			return "", refused("the document's text is larger than %d MiB unpacked", MaxXMLBytes>>20)
		}
		rc, err := f.Open()
		if err != nil {
			return "", refused("the DOCX cannot be unpacked: %v", err)
		}
		defer rc.Close()
		return wordXML(rc)
	}
	return "", refused("the DOCX has no word/document.xml")
}

// limitedReader fails, rather than ends, past its limit: a zip member
// whose header understates its size is refused, not cut silently.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, refused("the document's text is larger than %d MiB unpacked", MaxXMLBytes>>20)
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

func wordXML(r io.Reader) (string, error) {
	dec := xml.NewDecoder(&limitedReader{r: r, n: MaxXMLBytes})
	var b strings.Builder
	inText := false
	depth, tokens := 0, 0
	for b.Len() < MaxText {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		} else if err != nil {
			var re *RefusedError
			if errors.As(err, &re) {
				return "", re
			}
			return "", refused("the document's XML is malformed: %v", err)
		}
		if tokens++; tokens > MaxXMLTokens {
			return "", refused("the document has more than %d XML tokens", MaxXMLTokens)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth++; depth > MaxXMLDepth {
				return "", refused("the document's XML is nested deeper than %d levels", MaxXMLDepth)
			}
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				b.WriteByte('\t')
			case "br", "cr":
				b.WriteByte('\n')
			}
		case xml.EndElement:
			depth--
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				b.WriteByte('\n')
			}
		case xml.CharData:
			if inText {
				b.Write(t)
			}
		}
	}
	return cutText(b.String()), nil
}

// cutText bounds a text to MaxText bytes, never inside a rune.
func cutText(s string) string {
	if len(s) <= MaxText {
		return s
	}
	cut := MaxText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
