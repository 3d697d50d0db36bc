package attachments_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/attachments"
	"policydesk/storage/folder"
)

// attFixture is the attachment service over real SQLite and a folder store.
type attFixture struct {
	*fixture
	blobs *folder.Store
	att   *attachments.Attachments
	admin *policydesk.User
	doc   *drafts.Document
}

const testMaxBytes = 64 << 10

func newAttFixture(t *testing.T) *attFixture {
	t.Helper()
	f := newFixture(t)
	blobs, err := folder.Open(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	a := &attFixture{fixture: f, blobs: blobs}
	a.att = &attachments.Attachments{Drafts: f.Drafts, Store: f.DB, Blobs: blobs, MaxBytes: testMaxBytes}
	a.admin = f.User("admin", policydesk.RoleAdmin)
	a.doc = f.CreateDocument(a.admin, "Rregullore për shtojcat", "internal", "Neni 1\n\nTekst.")
	return a
}

// keys lists every object in the folder store.
func (a *attFixture) keys() []string {
	a.TB.Helper()
	var keys []string
	if err := a.blobs.List(context.Background(), "", func(b attachments.BlobInfo) error {
		keys = append(keys, b.Key)
		return nil
	}); err != nil {
		a.TB.Fatal(err)
	}
	slices.Sort(keys)
	return keys
}

func (a *attFixture) rows() []*attachments.Attachment {
	a.TB.Helper()
	list, err := a.DB.FindAttachments(context.Background(), a.doc.ID)
	if err != nil {
		a.TB.Fatal(err)
	}
	return list
}

// checkEmpty asserts a refused upload left neither a row nor an object.
func (a *attFixture) checkEmpty(what string) {
	a.TB.Helper()
	if rows := a.rows(); len(rows) != 0 {
		a.TB.Errorf("%s: %d attachment rows left", what, len(rows))
	}
	if keys := a.keys(); len(keys) != 0 {
		a.TB.Errorf("%s: objects left in the store: %v", what, keys)
	}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestAttachmentsUploadListOpenDelete(t *testing.T) {
	t.Parallel()
	a := newAttFixture(t)
	ctx := as(a.admin)
	data := []byte("%PDF-1.7\n% Shtojca 1\n\x00\x01\xff binary")
	att, err := a.att.Upload(ctx, a.doc.ID, "Shtojca – fëmijët.pdf", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if att.ID == 0 || att.Filename != "Shtojca – fëmijët.pdf" || att.Size != int64(len(data)) || att.SHA256 != sha(data) ||
		att.ContentType != "application/pdf" || att.Uploader != "admin" || att.DocumentID != a.doc.ID {
		t.Errorf("upload = %+v", att)
	}
	if !strings.HasPrefix(att.Key, "att/") || strings.Contains(att.Key, "Shtojca") {
		t.Errorf("key %q must be server-made under att/", att.Key)
	}
	if keys := a.keys(); !slices.Equal(keys, []string{att.Key}) {
		t.Errorf("objects %v, want [%s]", keys, att.Key)
	}

	list, err := a.att.List(ctx, a.doc.ID)
	if err != nil || len(list) != 1 || list[0].ID != att.ID || list[0].SHA256 != att.SHA256 {
		t.Fatalf("List = %v, %v", list, err)
	}
	got, rc, err := a.att.Open(ctx, att.ID)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(body, data) || got.Filename != att.Filename {
		t.Fatalf("Open = %+v %q %v", got, body, err)
	}

	if err := a.att.Delete(ctx, att.ID); err != nil {
		t.Fatal(err)
	}
	a.checkEmpty("after delete")
	if _, _, err := a.att.Open(ctx, att.ID); policydesk.ErrorCode(err) != policydesk.ENotFound {
		t.Errorf("Open after delete: %v, want not_found", err)
	}
	if err := a.att.Delete(ctx, att.ID); policydesk.ErrorCode(err) != policydesk.ENotFound {
		t.Errorf("second Delete: %v, want not_found", err)
	}

	entries, _, err := a.Drafts.Audit(ctx, policydesk.AuditFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		if strings.HasPrefix(e.Action, "attachment.") {
			actions = append(actions, e.Action)
			if e.Actor != "admin" || !strings.Contains(e.Detail, "Shtojca") || !strings.Contains(e.Detail, att.SHA256) {
				t.Errorf("audit entry %+v", e)
			}
		}
	}
	slices.Sort(actions)
	if !slices.Equal(actions, []string{"attachment.create", "attachment.delete"}) {
		t.Errorf("audit actions %v", actions)
	}
}

func TestAttachmentUploadSizeLimit(t *testing.T) {
	t.Parallel()
	a := newAttFixture(t)
	ctx := as(a.admin)
	exact := bytes.Repeat([]byte("a"), testMaxBytes)
	att, err := a.att.Upload(ctx, a.doc.ID, "exact.txt", bytes.NewReader(exact))
	if err != nil {
		t.Fatalf("upload at the limit: %v", err)
	}
	if att.Size != testMaxBytes || att.SHA256 != sha(exact) {
		t.Errorf("at the limit: %+v", att)
	}
	if err := a.att.Delete(ctx, att.ID); err != nil {
		t.Fatal(err)
	}

	over := append(exact, 'b')
	_, err = a.att.Upload(ctx, a.doc.ID, "over.txt", bytes.NewReader(over))
	if policydesk.ErrorCode(err) != policydesk.ETooLarge {
		t.Fatalf("one byte over: %v, want too_large", err)
	}
	if msg := policydesk.ErrorMessage(err); !strings.Contains(msg, "64 KiB") {
		t.Errorf("message %q should name the limit", msg)
	}
	a.checkEmpty("one byte over")

	// A stream far over the limit is cut off, not read to the end.
	r := &countingReader{r: io.LimitReader(zeros{}, 10*testMaxBytes)}
	_, err = a.att.Upload(ctx, a.doc.ID, "huge.bin", r)
	if policydesk.ErrorCode(err) != policydesk.ETooLarge {
		t.Fatalf("huge: %v, want too_large", err)
	}
	if r.n > 2*testMaxBytes {
		t.Errorf("read %d bytes of a refused upload; should stop near %d", r.n, testMaxBytes)
	}
	a.checkEmpty("huge")
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// failingReader returns its data, then an error instead of EOF.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestAttachmentUploadReaderFails(t *testing.T) {
	t.Parallel()
	a := newAttFixture(t)
	boom := errors.New("connection reset by client")
	for _, n := range []int{0, 100, 8 << 10} {
		_, err := a.att.Upload(as(a.admin), a.doc.ID, "half.pdf", &failingReader{data: bytes.Repeat([]byte("x"), n), err: boom})
		if err == nil {
			t.Fatalf("%d bytes then failure: no error", n)
		}
		if !errors.Is(err, boom) {
			t.Errorf("%d bytes then failure: %v, want the reader's error", n, err)
		}
		a.checkEmpty("failing reader")
	}
}

// downBlobs is a store that cannot be reached.
type downBlobs struct {
	attachments.BlobStore
	puts int
}

func (d *downBlobs) Put(ctx context.Context, key string, r io.Reader, size int64, ct string) error {
	d.puts++
	io.CopyN(io.Discard, r, 1000)
	return policydesk.Errorf(policydesk.EUnavailable, "The attachment store is unavailable; try again shortly.")
}

func TestAttachmentUploadBlobStoreDown(t *testing.T) {
	t.Parallel()
	a := newAttFixture(t)
	down := &downBlobs{BlobStore: a.blobs}
	a.att.Blobs = down
	_, err := a.att.Upload(as(a.admin), a.doc.ID, "annex.pdf", strings.NewReader("%PDF-1.4 annex"))
	if policydesk.ErrorCode(err) != policydesk.EUnavailable {
		t.Fatalf("store down: %v, want unavailable", err)
	}
	if down.puts != 1 {
		t.Errorf("%d puts", down.puts)
	}
	a.checkEmpty("store down")
	// No audit entry claims a file that was never stored.
	entries, _, _ := a.Drafts.Audit(as(a.admin), policydesk.AuditFilter{Limit: 100})
	for _, e := range entries {
		if e.Action == "attachment.create" {
			t.Errorf("audit has %+v for a failed upload", e)
		}
	}
}

// failingRows refuses to write attachment rows.
type failingRows struct {
	attachments.AttachmentStore
}

func (failingRows) CreateAttachment(ctx context.Context, att *attachments.Attachment, audit *policydesk.AuditEntry) error {
	return errors.New("database is locked")
}

func TestAttachmentUploadRowFailsRemovesObject(t *testing.T) {
	t.Parallel()
	a := newAttFixture(t)
	a.att.Store = failingRows{a.DB}
	_, err := a.att.Upload(as(a.admin), a.doc.ID, "annex.pdf", strings.NewReader("%PDF-1.4 annex"))
	if err == nil {
		t.Fatal("no error when the row could not be written")
	}
	a.checkEmpty("row insert failed")

	// A real foreign-key failure: the document row is gone (a document that
	// does not exist) after the policy check passed.
	a.att.Store = a.DB
	att := &attachments.Attachment{DocumentID: 999999, Filename: "x", Key: "att/x", UploaderID: a.admin.ID, CreatedAt: time.Now()}
	if err := a.DB.CreateAttachment(context.Background(), att, nil); err == nil {
		t.Error("an attachment row for a missing document was accepted")
	}
}

func TestAttachmentSweepOrphans(t *testing.T) {
	t.Parallel()
	a := newAttFixture(t)
	ctx := as(a.admin)
	kept, err := a.att.Upload(ctx, a.doc.ID, "kept.pdf", strings.NewReader("%PDF-1.4 kept"))
	if err != nil {
		t.Fatal(err)
	}
	bg := context.Background()
	for _, key := range []string{"att/2020/01/oldorphan", "att/2099/12/youngorphan", "other/notours"} {
		if err := a.blobs.Put(bg, key, strings.NewReader("orphan "+key), -1, ""); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-3 * time.Hour)
	for _, key := range []string{"att/2020/01/oldorphan", kept.Key, "other/notours"} {
		if err := os.Chtimes(filepath.Join(a.blobs.Dir(), filepath.FromSlash(key)), old, old); err != nil {
			t.Fatal(err)
		}
	}
	n, err := a.att.SweepOrphans(bg, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("removed %d, want 1", n)
	}
	want := []string{"att/2099/12/youngorphan", kept.Key, "other/notours"}
	slices.Sort(want)
	if got := a.keys(); !slices.Equal(got, want) {
		t.Errorf("after sweep %v, want %v", got, want)
	}
	// The kept attachment still opens.
	_, rc, err := a.att.Open(ctx, kept.ID)
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	// Once old enough, the young orphan goes too.
	a.Drafts.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	if n, err := a.att.SweepOrphans(bg, time.Hour); err != nil || n != 1 {
		t.Errorf("second sweep: %d, %v; want 1", n, err)
	}
}

func TestAttachmentAccess(t *testing.T) {
	t.Parallel()
	a := newAttFixture(t)
	owner := a.User("drita", policydesk.RoleEditor)
	rev := a.User("besa", policydesk.RoleReviewer)
	stranger := a.User("arben", policydesk.RoleReviewer)
	staff := a.User("staff", policydesk.RoleStaff)
	other := a.User("other", policydesk.RoleEditor)
	doc := a.CreateDocument(owner, "Memorandum", "restricted", "Neni 1\n\nTekst.")
	if _, err := a.Drafts.SetMember(as(owner), doc.ID, "besa", "reviewer"); err != nil {
		t.Fatal(err)
	}
	att, err := a.att.Upload(as(owner), doc.ID, "MoU signed.pdf", strings.NewReader("%PDF-1.4 signed"))
	if err != nil {
		t.Fatal(err)
	}

	// The shared reviewer downloads, but neither uploads nor deletes.
	if list, err := a.att.List(as(rev), doc.ID); err != nil || len(list) != 1 {
		t.Errorf("reviewer List: %v %v", list, err)
	}
	_, rc, err := a.att.Open(as(rev), att.ID)
	if err != nil {
		t.Fatalf("reviewer Open: %v", err)
	}
	rc.Close()
	if _, err := a.att.Upload(as(rev), doc.ID, "x.pdf", strings.NewReader("x")); policydesk.ErrorCode(err) != policydesk.EForbidden {
		t.Errorf("reviewer Upload: %v, want forbidden", err)
	}
	if err := a.att.Delete(as(rev), att.ID); policydesk.ErrorCode(err) != policydesk.EForbidden {
		t.Errorf("reviewer Delete: %v, want forbidden", err)
	}

	// Those who may not read the document do not learn it exists.
	for _, u := range []*policydesk.User{stranger, staff, other} {
		if _, _, err := a.att.Open(as(u), att.ID); policydesk.ErrorCode(err) != policydesk.ENotFound {
			t.Errorf("%s Open: %v, want not_found", u.Login, err)
		}
		if _, err := a.att.List(as(u), doc.ID); policydesk.ErrorCode(err) != policydesk.ENotFound {
			t.Errorf("%s List: %v, want not_found", u.Login, err)
		}
		if err := a.att.Delete(as(u), att.ID); policydesk.ErrorCode(err) != policydesk.ENotFound {
			t.Errorf("%s Delete: %v, want not_found", u.Login, err)
		}
		if _, err := a.att.Upload(as(u), doc.ID, "x.pdf", strings.NewReader("x")); policydesk.ErrorCode(err) != policydesk.ENotFound {
			t.Errorf("%s Upload: %v, want not_found", u.Login, err)
		}
	}
	if _, err := a.att.Upload(context.Background(), doc.ID, "x.pdf", strings.NewReader("x")); policydesk.ErrorCode(err) != policydesk.EUnauthorized {
		t.Errorf("anonymous Upload: %v, want unauthorized", err)
	}
	if got := a.keys(); len(got) != 1 {
		t.Errorf("refused uploads left objects: %v", got)
	}
	if err := a.att.Delete(as(owner), att.ID); err != nil {
		t.Fatal(err)
	}
}

// A row whose object vanished is a server fault: the message must not show
// the storage key.
func TestAttachmentMissingObject(t *testing.T) {
	t.Parallel()
	a := newAttFixture(t)
	att, err := a.att.Upload(as(a.admin), a.doc.ID, "gone.pdf", strings.NewReader("%PDF-1.4"))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.blobs.Delete(context.Background(), att.Key); err != nil {
		t.Fatal(err)
	}
	_, _, err = a.att.Open(as(a.admin), att.ID)
	if err == nil {
		t.Fatal("Open of a missing object succeeded")
	}
	if msg := policydesk.ErrorMessage(err); strings.Contains(msg, att.Key) || strings.Contains(msg, "att/") {
		t.Errorf("message %q exposes the storage key", msg)
	}
}

func TestCleanFilename(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 296) + ".pdf"
	longCyr := strings.Repeat("ж", 290) + ".docx"
	for _, tc := range []struct{ in, want string }{
		{"annex.pdf", "annex.pdf"},
		{"../../etc/passwd", "passwd"},
		{"/etc/shadow", "shadow"},
		{`C:\Users\drita\Desktop\Shtojca 1.docx`, "Shtojca 1.docx"},
		{`..\..\windows\system32\cmd.exe`, "cmd.exe"},
		{"a\x00b\x1fc\x7f.pdf", "abc.pdf"},
		{"line\r\nbreak.txt", "linebreak.txt"},
		{"invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"\u2066isolate\u2069\u200E.pdf", "isolate.pdf"},
		{`say "hi".pdf`, "say hi.pdf"},
		{"", "attachment"},
		{"   ", "attachment"},
		{"..", "attachment"},
		{"...", "attachment"},
		{"dir/", "attachment"},
		{"\u202E", "attachment"},
		{".htaccess", "htaccess"},
		{"  Shtojca – fëmijët.pdf  ", "Shtojca – fëmijët.pdf"},
		{"Shtojca – fëmijët.pdf", "Shtojca – fëmijët.pdf"},
		{"Прилог 1.docx", "Прилог 1.docx"},
		{"Član 5 – Čačak.odt", "Član 5 – Čačak.odt"},
	} {
		got, err := attachments.CleanFilename(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("CleanFilename(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{long, longCyr, strings.Repeat("ë", 300) + ".pdf"} {
		got, err := attachments.CleanFilename(in)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) > 200 || !utf8.ValidString(got) || len(got) < 50 {
			t.Errorf("long name cleaned to %d bytes (valid %v)", len(got), utf8.ValidString(got))
		}
		if filepath.Ext(got) != filepath.Ext(in) {
			t.Errorf("long name %q lost its extension: %q", filepath.Ext(in), got)
		}
	}
	if _, err := attachments.CleanFilename("bad\xffname.pdf"); policydesk.ErrorCode(err) != policydesk.EInvalid {
		t.Errorf("invalid UTF-8: %v, want invalid", err)
	}
}

func TestContentTypeFor(t *testing.T) {
	t.Parallel()
	const oct = "application/octet-stream"
	for _, tc := range []struct {
		name, head, want string
	}{
		{"logo.svg", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`, oct},
		{"page.html", "<html><body><script>alert(1)</script>", oct},
		{"page.htm", "<p>hi</p>", oct},
		{"app.js", "alert(document.cookie)", oct},
		{"feed.xml", `<?xml version="1.0"?><x/>`, oct},
		{"page.xhtml", "<html/>", oct},
		{"noext", "hello", oct},
		{"file.unknown", "hello", oct},
		{"annex.pdf", "%PDF-1.7\n", "application/pdf"},
		{"ANNEX.PDF", "%PDF-1.7\n", "application/pdf"},
		{"photo.gif", "GIF89a\x01\x00\x01\x00<html><script>alert(1)</script>", oct},
		{"photo.gif", "GIF89a\x01\x00\x01\x00\x80\x00\x00", "image/gif"},
		{"scan.png", "\x89PNG\r\n\x1a\n", "image/png"},
		{"notes.txt", "Neni 1 — përkufizimet", "text/plain; charset=utf-8"},
		{"notes.txt", "", "text/plain; charset=utf-8"},
		{"notes.txt", "<!DOCTYPE html><html>", oct},
		{"notes.txt", "hello <SCRIPT>alert(1)</SCRIPT>", oct},
		{"data.csv", "a,b\n1,2\n", "text/csv; charset=utf-8"},
		{"Прилог 1.docx", "PK\x03\x04", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"annex.pdf", "<html><script>alert(1)</script>", oct},
	} {
		if got := attachments.ContentTypeFor(tc.name, []byte(tc.head)); got != tc.want {
			t.Errorf("ContentTypeFor(%q, %q) = %q, want %q", tc.name, tc.head, got, tc.want)
		}
	}
}
