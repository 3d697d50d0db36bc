// Package csvsafe writes CSV downloads that spreadsheet programs open
// safely: a UTF-8 byte order mark first, so Albanian and Serbian letters
// show correctly, and every cell a spreadsheet would run as a formula
// defused with a leading quote (CSV formula injection).
package csvsafe

import (
	"encoding/csv"
	"io"
	"strings"
	"unicode"
)

// Writer writes defused rows; check Error after Flush.
type Writer struct{ cw *csv.Writer }

// NewWriter writes the byte order mark and returns a writer for the rows.
func NewWriter(w io.Writer) (*Writer, error) {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return nil, err
	}
	return &Writer{cw: csv.NewWriter(w)}, nil
}

// Write writes one row, each cell through Cell.
func (w *Writer) Write(cells ...string) error {
	row := make([]string, len(cells))
	for i, c := range cells {
		row[i] = Cell(c)
	}
	return w.cw.Write(row)
}

// Flush writes out what is buffered and returns the first error.
func (w *Writer) Flush() error {
	w.cw.Flush()
	return w.cw.Error()
}

// formulaStarts are the characters a spreadsheet takes as the start of a
// formula, in their ASCII and fullwidth forms.
const formulaStarts = "=+-@＝＋－＠"

// Cell defuses CSV formula injection: a cell whose first visible character
// starts a formula gets a leading quote, also when whitespace (which
// spreadsheets skip: spaces, tabs, line breaks, no-break spaces) or
// invisible format characters (zero-width, bidi controls, BOM) come first;
// so does any cell that begins with a tab or carriage return, as OWASP
// advises.
func Cell(s string) string {
	for i, r := range s {
		switch {
		case i == 0 && (r == '\t' || r == '\r'):
			return "'" + s
		case unicode.IsSpace(r) || unicode.Is(unicode.Cf, r):
			continue
		case strings.ContainsRune(formulaStarts, r):
			return "'" + s
		}
		return s
	}
	return s
}
