package extract_test

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"policydesk/search/extract"
	"policydesk/search/extract/extracttest"
)

func TestPlainAndMarkdown(t *testing.T) {
	text, err := extract.Text("shtojca.md", "text/markdown", strings.NewReader("## Neni 1\n\nQendrat Ditore për fëmijët"))
	if err != nil || !strings.Contains(text, "fëmijët") {
		t.Fatalf("markdown: %q %v", text, err)
	}
	text, _ = extract.Text("bad.txt", "text/plain", bytes.NewReader([]byte{'a', 0xff, 'b'}))
	if text != "a b" {
		t.Fatalf("invalid UTF-8 must be replaced, got %q", text)
	}
	if _, err := extract.Text("photo.png", "image/png", strings.NewReader("x")); !errors.Is(err, extract.ErrUnsupported) {
		t.Fatalf("a PNG: %v, want ErrUnsupported", err)
	}
}

func TestDOCX(t *testing.T) {
	data := extracttest.DOCX([]byte(`<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
		`<w:p><w:r><w:t>Memorandumi i Mirëkuptimit</w:t></w:r></w:p>` +
		`<w:p><w:r><w:t xml:space="preserve">Akademia e </w:t></w:r><w:r><w:t>Drejtësisë</w:t></w:r><w:r><w:tab/><w:t>Član 1</w:t></w:r></w:p>` +
		`</w:body></w:document>`))
	text, err := extract.Text("MoU.docx", "", bytes.NewReader(data))
	if err != nil {
		t.Fatalf("docx: %v", err)
	}
	want := "Memorandumi i Mirëkuptimit\nAkademia e Drejtësisë\tČlan 1\n"
	if text != want {
		t.Fatalf("docx text = %q, want %q", text, want)
	}
	var re *extract.RefusedError
	if _, err := extract.Text("broken.docx", "", strings.NewReader("not a zip")); !errors.As(err, &re) || !strings.Contains(re.Reason, "not a valid DOCX") {
		t.Fatalf("a broken DOCX: %v, want refused as not a valid DOCX", err)
	}
	// Word nests tables in tables; a few dozen levels still read.
	text, err = extract.Text("nested.docx", "", bytes.NewReader(extracttest.NestedDOCX(100)))
	if err != nil || !strings.Contains(text, "deep") {
		t.Fatalf("100 levels: %q %v", text, err)
	}
}

func fpdfFile(t testing.TB, pages ...string) []byte {
	t.Helper()
	doc := fpdf.New("P", "mm", "A4", "")
	doc.SetFont("Helvetica", "", 12)
	for _, p := range pages {
		doc.AddPage()
		doc.Cell(40, 10, p)
	}
	var buf bytes.Buffer
	if err := doc.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPDF(t *testing.T) {
	text, err := extract.Text("mou.pdf", "application/pdf", bytes.NewReader(fpdfFile(t, "Memorandum of Understanding with the Academy of Justice", "Second page: Kosovo")))
	if err != nil {
		t.Fatalf("pdf: %v", err)
	}
	if !strings.Contains(text, "Academy of Justice") || !strings.Contains(text, "Second page") {
		t.Fatalf("pdf text = %q", text)
	}
	if i, j := strings.Index(text, "Academy"), strings.Index(text, "Second"); i > j {
		t.Errorf("pages out of order: %q", text)
	}
	text, err = extract.Text("hand.pdf", "", bytes.NewReader(extracttest.TextPDF("Qendrat ditore")))
	if err != nil || !strings.Contains(text, "Qendrat ditore") {
		t.Fatalf("hand-made PDF: %q %v", text, err)
	}
	var re *extract.RefusedError
	if _, err := extract.Text("broken.pdf", "", strings.NewReader("%PDF-1.4 garbage")); !errors.As(err, &re) {
		t.Fatalf("a broken PDF: %v, want refused", err)
	}
}

// A balanced tree of several levels reads all its pages in order, and a
// wide flat tree (fpdf's shape) is walked in linear time.
func TestPDF_TreeShapes(t *testing.T) {
	// Catalog 1, root 2 with two intermediate nodes 3 and 4, pages 5..8
	// (two under each), content streams 9..12.
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 4 /Resources << >> >>",
		"<< /Type /Pages /Parent 2 0 R /Kids [5 0 R 6 0 R] /Count 2 >>",
		"<< /Type /Pages /Parent 2 0 R /Kids [7 0 R 8 0 R] /Count 2 >>",
	}
	for i := range 4 {
		parent := 3 + i/2
		objs = append(objs, fmt.Sprintf("<< /Type /Page /Parent %d 0 R /Contents %d 0 R >>", parent, 9+i))
	}
	for i := range 4 {
		s := fmt.Sprintf("BT (page%d) Tj ET", i+1)
		objs = append(objs, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(s), s))
	}
	text, err := extract.Text("tree.pdf", "", bytes.NewReader(extracttest.PDF(objs, "")))
	if err != nil {
		t.Fatal(err)
	}
	last := -1
	for i := 1; i <= 4; i++ {
		at := strings.Index(text, fmt.Sprintf("page%d", i))
		if at <= last {
			t.Fatalf("page %d missing or out of order in %q", i, text)
		}
		last = at
	}

	// A wide flat tree (fpdf's shape) of 4,000 pages reads whole, well
	// within a child's budget (measured: about 0.3 s).
	if testing.Short() {
		return
	}
	pages := make([]string, 4000)
	for i := range pages {
		pages[i] = fmt.Sprintf("Faqja %d", i)
	}
	data := fpdfFile(t, pages...)
	start := time.Now()
	text, err = extract.Text("flat.pdf", "", bytes.NewReader(data))
	if err != nil || !strings.Contains(text, "Faqja 3999") {
		t.Fatalf("4000 pages: %v (%d bytes of text)", err, len(text))
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("4000 pages took %v", took)
	}
}

// poison is every file that once stalled or bloated the indexer, with the
// words its refusal must say.
var poison = []struct {
	name string
	data func() []byte
	want string
}{
	{"self-parent.pdf", extracttest.SelfParentPDF, "its own ancestor"},
	{"kids-loop.pdf", extracttest.KidsLoopPDF, "lists itself"},
	{"huge-count.pdf", extracttest.HugeCountPDF, "declares 2147483648 pages"},
	{"nested-1m.docx", func() []byte { return extracttest.NestedDOCX(1_000_000) }, "nested deeper than 256"},
	{"zip-bomb.docx", func() []byte { return extracttest.ZipBombDOCX(64 << 20) }, "larger than 32 MiB"},
}

// TestPoisonRefusedQuickly: each poison file is refused in this process,
// fast and with little memory, with a reason that names the problem. Before
// the checks the PDFs never returned and the nested DOCX took hundreds of
// MiB.
func TestPoisonRefusedQuickly(t *testing.T) {
	for _, p := range poison {
		t.Run(p.name, func(t *testing.T) {
			data := p.data()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			done := make(chan error, 1)
			go func() { _, err := extract.Text(p.name, "", bytes.NewReader(data)); done <- err }()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("%s (%d bytes) still being read after 10s", p.name, len(data))
			}
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%s (%d bytes): refused in %v, %d KiB allocated: %v", p.name, len(data), took, alloc>>10, err)
			var re *extract.RefusedError
			if !errors.As(err, &re) || !strings.Contains(re.Reason, p.want) {
				t.Fatalf("%s: %v, want refused saying %q", p.name, err, p.want)
			}
			if took > 2*time.Second {
				t.Errorf("%s took %v to refuse", p.name, took)
			}
			if alloc > 64<<20 {
				t.Errorf("%s allocated %d MiB to refuse", p.name, alloc>>20)
			}
		})
	}
}

// FuzzDOCXXML: whatever the XML, the reader answers with text or a
// refusal, never more text than MaxText.
func FuzzDOCXXML(f *testing.F) {
	f.Add([]byte(`<w:document><w:body><w:p><w:r><w:t>a</w:t></w:r></w:p></w:body></w:document>`))
	f.Add([]byte(`<a><b><c></c></b>`))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;&a;</x>`))
	f.Fuzz(func(t *testing.T, xml []byte) {
		text, err := extract.Text("f.docx", "", bytes.NewReader(extracttest.DOCX(xml)))
		var re *extract.RefusedError
		if err != nil && !errors.As(err, &re) {
			t.Fatalf("error that is not a refusal: %v", err)
		}
		if len(text) > extract.MaxText {
			t.Fatalf("%d bytes of text", len(text))
		}
	})
}
