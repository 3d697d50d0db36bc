package search_test

import (
	"archive/zip"
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts"
	"policydesk/review"
	"policydesk/search"
)

const libraryBody = `# Rregullore për qendrat ditore

Preambula: Ministria, në mbështetje të ligjit, nxjerr këtë rregullore.

## Neni 1 – Qëllimi

Kjo rregullore përcakton licencimin e qendrave ditore.

## Neni 2 – Fushëveprimi

Zbatohet për ofruesit publikë dhe privatë.

## Neni 3 – Hyrja në fuqi

Rregullorja hyn në fuqi shtatë ditë pas publikimit.
`

func docxOf(paragraphs ...string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("word/document.xml")
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for _, p := range paragraphs {
		b.WriteString(`<w:p><w:r><w:t>` + p + `</w:t></w:r></w:p>`)
	}
	b.WriteString(`</w:body></w:document>`)
	w.Write([]byte(b.String()))
	zw.Close()
	return buf.Bytes()
}

func TestLibrary_DocumentEntries(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	owner := f.user("drita", policydesk.RoleEditor)
	member := f.user("besa", policydesk.RoleReviewer)
	f.user("staff", policydesk.RoleStaff) // not a member: not a reader
	doc, _, err := f.svc.CreateDocument(as(owner), drafts.NewDocument{Title: "Rregullore për qendrat ditore", Kind: "regulation",
		Language: "sq", Visibility: "restricted", Body: libraryBody})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetMember(as(owner), doc.ID, member.Login, "reviewer"); err != nil {
		t.Fatal(err)
	}
	c, err := f.rv.AddComment(as(member), doc.ID, review.NewComment{Quote: "ofruesit publikë", Body: "Të përfshihen edhe OJQ-të."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.rv.Reply(as(owner), c.ID, "Pranohet pjesërisht."); err != nil {
		t.Fatal(err)
	}
	txt, err := f.att.Upload(as(owner), doc.ID, "shenime.txt", strings.NewReader("Shënime nga takimi me komunat."))
	if err != nil {
		t.Fatal(err)
	}
	dx, err := f.att.Upload(as(owner), doc.ID, "MoU.docx", bytes.NewReader(docxOf("Memorandumi i Mirëkuptimit", "Akademia e Drejtësisë")))
	if err != nil {
		t.Fatal(err)
	}

	// Before their text is read the attachments are found by name.
	entries, err := f.lib.DocumentEntries(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.AttachmentID != 0 && (strings.Contains(e.Text, "komunat") || strings.Contains(e.Text, "Akademia") || !strings.Contains(e.Text, e.Heading)) {
			t.Errorf("attachment entry before extraction: %+v", e)
		}
	}
	f.extract()
	entries, err = f.lib.DocumentEntries(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]search.Entry{}
	for _, e := range entries {
		if _, dup := byID[e.ID]; dup {
			t.Errorf("duplicate entry %s", e.ID)
		}
		byID[e.ID] = e
	}
	n := strconv.FormatInt(doc.ID, 10)
	v, err := f.db.FindVersion(ctx, doc.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Outline) != 3 {
		t.Fatalf("outline has %d articles, want 3", len(v.Outline))
	}
	want := []string{"doc:" + n + ":_", "comment:" + strconv.FormatInt(c.ID, 10),
		"att:" + strconv.FormatInt(txt.ID, 10), "att:" + strconv.FormatInt(dx.ID, 10)}
	for _, a := range v.Outline {
		want = append(want, "doc:"+n+":"+a.ID)
	}
	if got := entryIDs(entries); !slices.Equal(got, func() []string { slices.Sort(want); return want }()) {
		t.Fatalf("entry IDs %v, want %v", got, want)
	}

	// Every entry: the document's metadata, its members as readers and its
	// creator as owner (who reads it only while an editor).
	wantReaders := []int64{member.ID}
	for _, e := range entries {
		if e.DocumentID != doc.ID || e.Title != doc.Title || e.Kind != "regulation" || e.Language != "sq" ||
			e.Status != "draft" || e.Visibility != "restricted" || e.Year != doc.UpdatedAt.Year() {
			t.Errorf("%s: metadata %+v", e.ID, e)
		}
		got := slices.Clone(e.Readers)
		slices.Sort(got)
		if !slices.Equal(got, wantReaders) {
			t.Errorf("%s: readers %v, want the member %v", e.ID, got, wantReaders)
		}
		if e.Owner != owner.ID {
			t.Errorf("%s: owner %d, want %d", e.ID, e.Owner, owner.ID)
		}
	}

	pre := byID["doc:"+n+":_"]
	if pre.Type != search.TypeDocument || !strings.Contains(pre.Text, "Preambula") || strings.Contains(pre.Text, "Neni 1") || pre.ArticleNum != "" {
		t.Errorf("title entry: %+v", pre)
	}
	words := []string{"licencimin", "ofruesit", "shtatë ditë"}
	for i, a := range v.Outline {
		e := byID["doc:"+n+":"+a.ID]
		if e.Type != search.TypeDocument || e.ArticleID != a.ID || e.ArticleNum != strconv.Itoa(i+1) || !strings.HasPrefix(e.Heading, "Neni "+strconv.Itoa(i+1)) {
			t.Errorf("article %d entry: type %q id %q num %q heading %q", i+1, e.Type, e.ArticleID, e.ArticleNum, e.Heading)
		}
		// Its own text only.
		for j, w := range words {
			if has := strings.Contains(e.Text, w); has != (i == j) {
				t.Errorf("article %d text contains %q = %v: %q", i+1, w, has, e.Text)
			}
		}
		if strings.Contains(e.Text, "Preambula") {
			t.Errorf("article %d carries the preamble", i+1)
		}
	}

	ce := byID["comment:"+strconv.FormatInt(c.ID, 10)]
	if ce.Type != search.TypeComment || ce.CommentID != c.ID || ce.ArticleNum != "2" ||
		!strings.Contains(ce.Text, "OJQ") || !strings.Contains(ce.Text, "Pranohet pjesërisht") || !strings.Contains(ce.Text, "ofruesit publikë") {
		t.Errorf("comment entry: %+v", ce)
	}
	te := byID["att:"+strconv.FormatInt(txt.ID, 10)]
	if te.Type != search.TypeAttachment || te.AttachmentID != txt.ID || te.Heading != "shenime.txt" || !strings.Contains(te.Text, "takimi me komunat") {
		t.Errorf("txt attachment entry: %+v", te)
	}
	de := byID["att:"+strconv.FormatInt(dx.ID, 10)]
	if de.Type != search.TypeAttachment || de.AttachmentID != dx.ID || !strings.Contains(de.Text, "Akademia e Drejtësisë") || !strings.Contains(de.Text, "MoU.docx") {
		t.Errorf("docx attachment entry: %+v", de)
	}

	// Unknown documents are ENOTFOUND (the indexer then deletes them).
	if _, err := f.lib.DocumentEntries(ctx, doc.ID+1000); policydesk.ErrorCode(err) != policydesk.ENotFound {
		t.Errorf("unknown document: %v, want not found", err)
	}
}

// TestLibrary_TextWaitsForTheStore: while the blob store is down, an
// attachment's text waits (and is never set aside for it), the document is
// indexed at once with the file found by name, and the text lands once the
// store is back. A missing object is set aside with its reason.
func TestLibrary_TextWaitsForTheStore(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	owner := f.user("drita", policydesk.RoleEditor)
	doc, _, err := f.svc.CreateDocument(as(owner), drafts.NewDocument{Title: "Rregullore", Kind: "regulation", Language: "sq", Body: libraryBody})
	if err != nil {
		t.Fatal(err)
	}
	dx, err := f.att.Upload(as(owner), doc.ID, "MoU.docx", bytes.NewReader(docxOf("Akademia e Drejtësisë")))
	if err != nil {
		t.Fatal(err)
	}
	f.blobs.down.Store(true)
	for range f.texts.MaxAttempts + 3 {
		if _, err := f.texts.Drain(ctx); err != nil {
			t.Fatalf("extraction Drain with the store down: %v", err)
		}
		pending, err := f.db.PendingTexts(ctx, 10, time.Now().Add(time.Hour))
		if err != nil || len(pending) != 1 {
			t.Fatalf("pending texts with the store down = %+v, %v; want the attachment still waiting", pending, err)
		}
		// Due again now (the worker postponed it), one attempt more.
		if err := f.db.RetryText(ctx, dx.ID, time.Now(), "made due again by the test"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.indexer.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if res := f.find("MoU"); len(res.Hits) == 0 {
		t.Error("the attachment is not found by name while its text waits")
	}
	if res := f.find("Akademia"); len(res.Hits) != 0 {
		t.Error("text found before it was read")
	}
	f.blobs.down.Store(false)
	f.drain()
	if res := f.find("Akademia"); len(res.Hits) != 1 || res.Hits[0].AttachmentID != dx.ID {
		t.Errorf("the text is not found once the store is back: %v", hitIDs(res))
	}

	// A missing object: set aside at once, with the reason, found by name.
	txt, err := f.att.Upload(as(owner), doc.ID, "shenime.txt", strings.NewReader("Shënime nga takimi me komunat."))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.blobs.Delete(ctx, txtKey(t, f, txt.ID)); err != nil {
		t.Fatal(err)
	}
	f.drain()
	texts, err := f.db.AttachmentTexts(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := texts[txt.ID]; got == nil || got.Status != search.TextFailed || !strings.Contains(got.Reason, "missing") {
		t.Errorf("text of a missing object: %+v", got)
	}
	if res := f.find("shenime"); len(res.Hits) != 1 {
		t.Errorf("the attachment with a missing object is not found by name: %v", hitIDs(res))
	}
}

func txtKey(t *testing.T, f *fixture, id int64) string {
	t.Helper()
	a, err := f.db.FindAttachment(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a.Key
}

// An empty article list (no headings) gives one entry with the whole text;
// a document with only articles gives an empty preamble entry.
func TestLibrary_NoArticles(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	owner := f.user("drita", policydesk.RoleEditor)
	doc, _, err := f.svc.CreateDocument(as(owner), drafts.NewDocument{Title: "Shënim", Kind: "other", Language: "sq",
		Body: "Vetëm një paragraf pa nene."})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := f.lib.DocumentEntries(context.Background(), doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].ID != "doc:"+strconv.FormatInt(doc.ID, 10)+":_" || !strings.Contains(entries[0].Text, "pa nene") {
		t.Errorf("entries %+v", entries)
	}
}

// TestLibrary_LongAttachmentInParts checks that a long attachment is
// indexed in parts, each findable and naming the file, the first with the
// old ID.
func TestLibrary_LongAttachmentInParts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	owner := f.user("drita", policydesk.RoleEditor)
	doc, _, err := f.svc.CreateDocument(as(owner), drafts.NewDocument{Title: "Raport", Kind: "sop",
		Language: "sq", Visibility: "internal", Body: "Tekst."})
	if err != nil {
		t.Fatal(err)
	}
	body := strings.Repeat("Kapitulli për stafin dhe trajnimet e tij. ", 2000) + "Fjala e fundit: mbikëqyrja."
	a, err := f.att.Upload(as(owner), doc.ID, "raporti.txt", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	f.extract()
	entries, err := f.lib.DocumentEntries(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	id := "att:" + strconv.FormatInt(a.ID, 10)
	var parts []search.Entry
	for _, e := range entries {
		if e.Type == search.TypeAttachment {
			parts = append(parts, e)
		}
	}
	if want := len(body)/search.AttachmentPartBytes + 1; len(parts) < want {
		t.Fatalf("%d parts, want at least %d", len(parts), want)
	}
	var joined strings.Builder
	for i, p := range parts {
		wantID := id
		if i > 0 {
			wantID = id + ":" + strconv.Itoa(i+1)
		}
		if p.ID != wantID || p.AttachmentID != a.ID || p.Heading != "raporti.txt" {
			t.Errorf("part %d: ID %s, attachment %d, heading %q", i, p.ID, p.AttachmentID, p.Heading)
		}
		joined.WriteString(strings.TrimPrefix(p.Text, "raporti.txt\n"))
	}
	if joined.String() != body {
		t.Error("the parts do not hold the whole text")
	}
	if !strings.Contains(parts[len(parts)-1].Text, "mbikëqyrja") {
		t.Error("the last words are not in the last part")
	}
}
