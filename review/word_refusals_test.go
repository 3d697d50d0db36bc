package review_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"

	"policydesk"
	"policydesk/review"
	"policydesk/review/docx"
	"policydesk/review/docx/docxtest"
)

// reviewRound opens a round on version 1 with vjosa and dren as reviewers.
func (f *fixture) reviewRound() *review.Round {
	f.t.Helper()
	r, err := f.svc.OpenRoundWith(f.as(f.editor), f.doc.ID, review.RoundSpec{Name: "R", Reviewers: []string{"vjosa", "dren"}})
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// badFiles are files an import refuses, each with the code it gets.
func badFiles(t *testing.T) []struct {
	name, msg string
	file      []byte
	code      string
} {
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
	encrypted := append(ole, []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o\x00")...)
	docm := docxtest.AddReview(t, handReview(t), nil, "", "")
	docm = withPart(t, docm, "word/vbaProject.bin", "macro")
	var many strings.Builder
	for i := range docx.MaxReviewItems + 1 {
		fmt.Fprintf(&many, `<w:comment w:id="%d" w:author="V"><w:p>%s</w:p></w:comment>`, i, run("k"))
	}
	deep := strings.Repeat("<w:sdt><w:sdtContent>", docx.MaxDepth) + para(run("x")) + strings.Repeat("</w:sdtContent></w:sdt>", docx.MaxDepth)
	return []struct {
		name, msg string
		file      []byte
		code      string
	}{
		{"not a docx", "not a Word document", []byte("Kjo nuk është Word."), policydesk.EInvalid},
		{"an old .doc", "old Word document", ole, policydesk.EInvalid},
		{"encrypted", "password", encrypted, policydesk.EInvalid},
		{"macro-enabled", "macros", docm, policydesk.EInvalid},
		{"corrupt zip", "damaged", append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0xff}, 200)...), policydesk.EInvalid},
		{"too big", "larger than 20 MB", append([]byte("PK"), make([]byte, review.MaxWordReviewBytes)...), policydesk.ETooLarge},
		{"too many items", "at most 2000", docxtest.WordReview(t, para(run("Neni 1")), many.String(), ""), policydesk.EInvalid},
		{"too deep", "deeper than", docxtest.WordReview(t, deep, "", ""), policydesk.EInvalid},
	}
}

// withPart adds a part to a zip.
func withPart(t *testing.T, b []byte, name, content string) []byte {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	w, _ := zw.Create(name)
	w.Write([]byte(content))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestImportWordReviewRefusesBadFiles: every file that is not a readable
// Word document within the bounds is refused with a clear message, and
// nothing is written.
func TestImportWordReviewRefusesBadFiles(t *testing.T) {
	f := newFixture(t)
	r := f.reviewRound()
	for _, bad := range badFiles(t) {
		before := f.state()
		_, err := f.importReview(f.editor, r.Number, "vjosa", bad.file)
		if policydesk.ErrorCode(err) != bad.code || !strings.Contains(err.Error(), bad.msg) {
			t.Errorf("%s: %v (code %q, want %q)", bad.name, err, policydesk.ErrorCode(err), bad.code)
		}
		f.unchanged(before, bad.name)
	}
}

// TestImportWordReviewRefusals: who may import for whom, into which round,
// and the same file only once; each refusal writes nothing.
func TestImportWordReviewRefusals(t *testing.T) {
	f := newFixture(t)
	r := f.reviewRound()
	file := handReview(t)
	cases := []struct {
		name     string
		as       *policydesk.User
		reviewer string
		round    int
		code     string
	}{
		{"a reader who is not a reviewer", f.outsider, "", r.Number, policydesk.ENotFound},
		{"a reviewer for another reviewer", f.reviewer, "dren", r.Number, policydesk.EForbidden},
		{"an editor naming no reviewer of the round", f.editor, "besnik", r.Number, policydesk.EInvalid},
		{"an editor naming no one, not a reviewer", f.editor, "", r.Number, policydesk.EInvalid},
		{"no such round", f.editor, "vjosa", 9, policydesk.ENotFound},
	}
	for _, c := range cases {
		before := f.state()
		_, err := f.importReview(c.as, c.round, c.reviewer, file)
		wantCode(t, err, c.code)
		f.unchanged(before, c.name)
	}
	sum, err := f.importReview(f.reviewer, r.Number, "", file)
	if err != nil || sum.Comments != 3 {
		t.Fatalf("the reviewer's own import: %+v, %v", sum, err)
	}
	for _, c := range f.roundComments(r.Number) {
		if c.Author != "vjosa" {
			t.Fatalf("imported comment by %s, want vjosa", c.Author)
		}
	}
	before := f.state()
	_, err = f.importReview(f.editor, r.Number, "vjosa", file)
	wantCode(t, err, policydesk.EConflict)
	if !strings.Contains(err.Error(), "already imported") {
		t.Errorf("second import: %v", err)
	}
	f.unchanged(before, "the same file again")
	if _, err := f.svc.CloseRound(f.as(f.editor), f.doc.ID, r.Number); err != nil {
		t.Fatal(err)
	}
	before = f.state()
	_, err = f.importReview(f.editor, r.Number, "vjosa", docxtest.WordReview(t, para(run("x")), "", ""))
	wantCode(t, err, policydesk.EConflict)
	f.unchanged(before, "a closed round")
}
