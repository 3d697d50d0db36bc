package docx_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"policydesk/drafts/draftstest"
	"policydesk/review/docx"
	"policydesk/review/docx/docxtest"
)

// BenchmarkReadRegulation imports the 100-article, 60,000-word regulation
// as pandoc writes it to .docx (target: under 200 ms on two cores).
//
//	go test -run '^$' -bench ReadRegulation -cpu 2 ./review/docx/
func BenchmarkReadRegulation(b *testing.B) {
	md := draftstest.Regulation(100, 60000, 1)
	doc := docxtest.PandocWrite(b, md, "markdown")
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		pkg, err := docx.Open(bytes.NewReader(doc), int64(len(doc)))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := docx.Read(context.Background(), pkg, 5<<20); err != nil {
			b.Fatal(err)
		}
	}
}

// hostileShapes grow one thing a reader might handle in more than linear
// time: paragraphs, runs in one paragraph, runs alternating formatting,
// links, footnote references, table cells, fields and tracked changes.
var hostileShapes = []struct{ name, unit string }{
	{"paragraphs", `<w:p><w:r><w:t>fjalë</w:t></w:r></w:p>`},
	{"runs", `<w:r><w:t>a</w:t></w:r>`},
	{"alternating bold", `<w:r><w:rPr><w:b/></w:rPr><w:t>a</w:t></w:r><w:r><w:t>b</w:t></w:r>`},
	{"links", `<w:hyperlink r:id="rLink"><w:r><w:t>a</w:t></w:r></w:hyperlink>`},
	{"fields", `<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>`},
	{"tracked", `<w:ins><w:r><w:t>a</w:t></w:r></w:ins><w:del><w:r><w:delText>b</w:delText></w:r></w:del>`},
	{"cells", `<w:tc><w:p><w:r><w:t>c</w:t></w:r></w:p></w:tc>`},
	{"nesting", `<w:sdt><w:sdtContent><w:r><w:t>x</w:t></w:r></w:sdtContent></w:sdt>`},
}

// hostileDoc repeats a shape's unit n times where it belongs.
func hostileDoc(t testing.TB, unit string, n int) string {
	rep := strings.Repeat(unit, n)
	var body string
	switch {
	case strings.HasPrefix(unit, "<w:p>"):
		body = rep
	case strings.HasPrefix(unit, "<w:tc>"):
		body = `<w:tbl><w:tr>` + rep + `</w:tr></w:tbl>`
	default:
		body = `<w:p>` + rep + `</w:p>`
	}
	return string(wordDoc(t, body))
}

func readString(s string) {
	pkg, err := docx.Open(strings.NewReader(s), int64(len(s)))
	if err != nil {
		panic(err)
	}
	if _, err := docx.Read(context.Background(), pkg, 5<<20); err != nil {
		panic(err)
	}
}

// BenchmarkReadRatio reads each hostile shape at n and 8n units: a ratio
// near 8 or below is linear.
//
//	go test -run '^$' -bench ReadRatio ./review/docx/
func BenchmarkReadRatio(b *testing.B) {
	const n = 4000
	for _, s := range hostileShapes {
		small, large := hostileDoc(b, s.unit, n), hostileDoc(b, s.unit, 8*n)
		b.Run(strings.ReplaceAll(s.name, " ", "_"), func(b *testing.B) { draftstest.Ratio(b, small, large, readString) })
	}
}

// TestReadHostileShapes reads each shape at a size near the limits and
// checks the result still renders within the Markdown bounds.
func TestReadHostileShapes(t *testing.T) {
	for _, s := range hostileShapes {
		doc := []byte(hostileDoc(t, s.unit, 20000))
		im := read(t, doc)
		if im.Markdown == "" {
			t.Errorf("%s: nothing read", s.name)
		}
	}
}
