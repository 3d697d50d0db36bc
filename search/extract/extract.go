// Package extract turns attachments into plain text for the search index:
// plain text and Markdown as they are, DOCX from its XML, PDF through a
// pure-Go reader. Input size is bounded; broken files yield no text.
package extract

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
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

// Text extracts the text of a file, choosing the reader by extension. ok is
// false for kinds it does not read.
func Text(filename, contentType string, r io.Reader) (string, bool, error) {
	switch strings.ToLower(path.Ext(filename)) {
	case ".txt", ".md", ".csv", ".markdown":
		return plain(r)
	case ".docx":
		return docx(r)
	case ".pdf":
		return pdfText(r)
	}
	return "", false, nil
}

func plain(r io.Reader) (string, bool, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxText))
	if err != nil {
		return "", false, err
	}
	if !utf8.Valid(data) {
		data = bytes.ToValidUTF8(data, []byte(" "))
	}
	return string(data), true, nil
}

// readAllLimited reads a whole file for formats that need random access.
func readAllLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInput+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxInput {
		return nil, errors.New("file too large to extract")
	}
	return data, nil
}

// docx reads word/document.xml: text runs (w:t) joined, paragraphs (w:p)
// and breaks as new lines, tabs as tabs.
func docx(r io.Reader) (string, bool, error) {
	data, err := readAllLimited(r)
	if err != nil {
		return "", false, err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", false, nil
	}
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return "", false, nil
		}
		defer rc.Close()
		text, err := wordXML(io.LimitReader(rc, MaxInput))
		if err != nil {
			return "", false, nil
		}
		return text, true, nil
	}
	return "", false, nil
}

func wordXML(r io.Reader) (string, error) {
	dec := xml.NewDecoder(r)
	var b strings.Builder
	inText := false
	for b.Len() < MaxText {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		} else if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				b.WriteByte('\t')
			case "br", "cr":
				b.WriteByte('\n')
			}
		case xml.EndElement:
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
	return b.String(), nil
}
