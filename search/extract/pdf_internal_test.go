package extract

import (
	"bytes"
	"testing"

	"github.com/ledongthuc/pdf"

	"policydesk/search/extract/extracttest"
)

// TestPDFReaderLayout guards the two reads of the PDF reader's unexported
// fields that the loop checks rely on: an upgrade of the reader that moves
// them fails here, not silently in production.
func TestPDFReaderLayout(t *testing.T) {
	data := extracttest.TextPDF("x")
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	pages := r.Trailer().Key("Root").Key("Pages")
	if id, ok := objectNumber(pages); !ok || id != 2 {
		t.Fatalf("objectNumber(pages) = %d, %v; want 2", id, ok)
	}
	page := pages.Key("Kids").Index(0)
	if id, ok := objectNumber(page); !ok || id != 3 {
		t.Fatalf("objectNumber(page) = %d, %v; want 3", id, ok)
	}
	if id, ok := reference(page, "Parent"); !ok || id != 2 {
		t.Fatalf("reference(page, Parent) = %d, %v; want 2", id, ok)
	}
	if id, ok := reference(page, "Contents"); !ok || id != 4 {
		t.Fatalf("reference(page, Contents) = %d, %v; want 4", id, ok)
	}
	if _, ok := reference(page, "Type"); ok {
		t.Fatal("a name is not a reference")
	}
	if _, ok := reference(page, "Missing"); ok {
		t.Fatal("a missing key is not a reference")
	}
	if _, ok := objectNumber(r.Trailer()); ok {
		t.Fatal("the trailer of a cross-reference table is not an object")
	}
	if _, ok := objectNumber(pdf.Value{}); ok {
		t.Fatal("null is not an object")
	}
}
