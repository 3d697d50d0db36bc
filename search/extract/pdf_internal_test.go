package extract

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
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

// countingReaderAt counts the bytes the PDF reader loads: it parses an
// object again each time it resolves it, so the count is the work done,
// without the noise of a clock.
type countingReaderAt struct {
	r *bytes.Reader
	n int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n += int64(n)
	return n, err
}

// TestPDF_FlatTreeLinear: reading a flat page tree (every page a kid of
// one node, as fpdf and many producers write it) loads bytes in proportion
// to the pages. The reader's own page lookup re-parsed the whole kids list
// for every page, and looking resources up through /Parent did too:
// quadratic. Bytes loaded for 4n pages over n stay near 4.
func TestPDF_FlatTreeLinear(t *testing.T) {
	loaded := func(n int) int64 {
		doc := fpdf.New("P", "mm", "A4", "")
		doc.SetFont("Helvetica", "", 12)
		for i := range n {
			doc.AddPage()
			doc.Cell(40, 10, fmt.Sprintf("Faqja %d", i))
		}
		var buf bytes.Buffer
		if err := doc.Output(&buf); err != nil {
			t.Fatal(err)
		}
		c := &countingReaderAt{r: bytes.NewReader(buf.Bytes())}
		text, err := pdfTextAt(c, int64(buf.Len()))
		if err != nil || !strings.Contains(text, fmt.Sprintf("Faqja %d", n-1)) {
			t.Fatalf("%d pages: %v", n, err)
		}
		return c.n
	}
	small, large := loaded(250), loaded(1000)
	ratio := float64(large) / float64(small)
	t.Logf("bytes loaded: 250 pages %d, 1000 pages %d, ratio %.2f", small, large, ratio)
	if ratio > 6 {
		t.Errorf("1000 pages load %.1f times the bytes of 250: not linear", ratio)
	}
}
