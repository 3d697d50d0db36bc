package extract

import "io"

// pdfText is filled in by the PDF reader.
func pdfText(r io.Reader) (string, bool, error) { return "", false, nil }
