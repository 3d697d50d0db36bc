package extract

import (
	"bytes"
	"fmt"
	"io"

	"github.com/ledongthuc/pdf"
)

// pdfText reads the text layer of a PDF (scans without one yield nothing).
// The reader panics on some malformed files, so it is contained here.
func pdfText(r io.Reader) (text string, ok bool, err error) {
	data, err := readAllLimited(r)
	if err != nil {
		return "", false, err
	}
	defer func() {
		if p := recover(); p != nil {
			text, ok, err = "", false, fmt.Errorf("malformed PDF: %v", p)
		}
	}()
	pr, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", false, nil
	}
	tr, err := pr.GetPlainText()
	if err != nil {
		return "", false, nil
	}
	out, err := io.ReadAll(io.LimitReader(tr, MaxText))
	if err != nil {
		return "", false, nil
	}
	return string(out), true, nil
}
