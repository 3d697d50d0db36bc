package attachments

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/textkit"
)

// DefaultMaxUploadBytes is the largest attachment accepted unless configured.
const DefaultMaxUploadBytes = 100 << 20

// Attachments keeps files with documents. Uploads stream to the blob store
// with a size limit and a SHA-256 computed on the way; the metadata row is
// written only after the object is stored, so a refused or failed upload
// leaves neither behind.
type Attachments struct {
	Drafts   *drafts.Service
	Store    AttachmentStore
	Blobs    BlobStore
	MaxBytes int64
	Logger   *slog.Logger
}

// blobPrefix is where attachment objects live in the blob store.
const blobPrefix = "att/"

var errTooLarge = errors.New("attachment too large")

// limitReader fails with errTooLarge once more than max bytes are read, so
// the blob store aborts the upload instead of storing a truncated file.
type limitReader struct {
	r    io.Reader
	left int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, errTooLarge
	}
	return n, err
}

// Upload stores a file for a document the caller may edit.
func (a *Attachments) Upload(ctx context.Context, docID int64, filename string, body io.Reader) (*Attachment, error) {
	_, access, err := a.Drafts.Document(ctx, docID)
	if err != nil {
		return nil, err
	}
	if !access.Edit {
		return nil, policydesk.Errorf(policydesk.EForbidden, "Only the document's legal experts can add attachments.")
	}
	name, err := CleanFilename(filename)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(body, 512)
	head, _ := br.Peek(512)
	att := &Attachment{DocumentID: docID, Filename: name, ContentType: ContentTypeFor(name, head),
		Key: newBlobKey(a.Drafts.Now()), CreatedAt: a.Drafts.Now().UTC()}
	u := policydesk.UserFromContext(ctx)
	att.UploaderID, att.Uploader = u.ID, u.Login

	h := sha256.New()
	counted := &countingWriter{w: h}
	lr := &limitReader{r: br, left: a.maxBytes()}
	if err := a.Blobs.Put(ctx, att.Key, io.TeeReader(lr, counted), -1, att.ContentType); err != nil {
		a.removeBlob(att.Key)
		if errors.Is(err, errTooLarge) {
			return nil, policydesk.Errorf(policydesk.ETooLarge, "The file is larger than the limit of %s.", humanBytes(a.maxBytes()))
		}
		return nil, err
	}
	att.Size, att.SHA256 = counted.n, hex.EncodeToString(h.Sum(nil))
	audit := a.Drafts.AuditEntry(ctx, "attachment.create", "document", strconv.FormatInt(docID, 10), "%s (%d bytes, sha256 %s)", name, att.Size, att.SHA256)
	if err := a.Store.CreateAttachment(ctx, att, audit); err != nil {
		a.removeBlob(att.Key)
		return nil, err
	}
	return att, nil
}

// removeBlob deletes an object that must not stay; if the store is down the
// orphan sweep removes it later.
func (a *Attachments) removeBlob(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.Blobs.Delete(ctx, key); err != nil && a.Logger != nil {
		a.Logger.Warn("could not remove attachment object; the sweep will retry", slog.String("key", key), slog.Any("err", err))
	}
}

func (a *Attachments) maxBytes() int64 {
	if a.MaxBytes > 0 {
		return a.MaxBytes
	}
	return DefaultMaxUploadBytes
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return c.w.Write(p)
}

func newBlobKey(now time.Time) string {
	b := make([]byte, 16)
	rand.Read(b)
	return blobPrefix + now.UTC().Format("2006/01/") + hex.EncodeToString(b)
}

// Open returns an attachment the caller may read, with its bytes.
func (a *Attachments) Open(ctx context.Context, id int64) (*Attachment, io.ReadCloser, error) {
	att, err := a.Find(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	rc, _, err := a.Blobs.Get(ctx, att.Key)
	if policydesk.ErrorCode(err) == policydesk.ENotFound {
		// The row outlived its object: a server fault, reported as internal
		// so the caller never sees the storage key (the log does).
		return nil, nil, fmt.Errorf("attachment %d: object %s is missing: %v", id, att.Key, err)
	} else if err != nil {
		return nil, nil, err
	}
	return att, rc, nil
}

// Find returns an attachment's metadata if the caller may read its
// document (ENOTFOUND otherwise, as for a missing one).
func (a *Attachments) Find(ctx context.Context, id int64) (*Attachment, error) {
	att, err := a.Store.FindAttachment(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, _, err := a.Drafts.Document(ctx, att.DocumentID); policydesk.ErrorCode(err) == policydesk.ENotFound {
		return nil, policydesk.Errorf(policydesk.ENotFound, "Attachment %d not found.", id)
	} else if err != nil {
		return nil, err
	}
	return att, nil
}

// List returns a readable document's attachments, newest first.
func (a *Attachments) List(ctx context.Context, docID int64) ([]*Attachment, error) {
	if _, _, err := a.Drafts.Document(ctx, docID); err != nil {
		return nil, err
	}
	return a.Store.FindAttachments(ctx, docID)
}

// Delete removes an attachment (its document's editors); the deletion is in
// the audit log, then the object goes.
func (a *Attachments) Delete(ctx context.Context, id int64) error {
	att, err := a.Find(ctx, id)
	if err != nil {
		return err
	}
	_, access, err := a.Drafts.Document(ctx, att.DocumentID)
	if err != nil {
		return err
	}
	if !access.Edit {
		return policydesk.Errorf(policydesk.EForbidden, "Only the document's legal experts can delete attachments.")
	}
	audit := a.Drafts.AuditEntry(ctx, "attachment.delete", "document", strconv.FormatInt(att.DocumentID, 10), "%s (sha256 %s)", att.Filename, att.SHA256)
	if err := a.Store.DeleteAttachment(ctx, id, audit); err != nil {
		return err
	}
	a.removeBlob(att.Key)
	return nil
}

// SweepOrphans removes objects older than minAge that no row names: what a
// crash between storing an object and writing its row can leave behind.
func (a *Attachments) SweepOrphans(ctx context.Context, minAge time.Duration) (int, error) {
	cutoff := a.Drafts.Now().Add(-minAge)
	removed := 0
	err := a.Blobs.List(ctx, blobPrefix, func(b BlobInfo) error {
		if b.Modified.After(cutoff) {
			return nil
		}
		exists, err := a.Store.AttachmentKeyExists(ctx, b.Key)
		if err != nil || exists {
			return err
		}
		if err := a.Blobs.Delete(ctx, b.Key); err != nil {
			return err
		}
		removed++
		return nil
	})
	return removed, err
}

// CleanFilename keeps the last path element of a client's file name, drops
// control and bidi-override characters and bounds its length. The name is
// only ever shown and sent back in Content-Disposition; storage uses keys.
func CleanFilename(name string) (string, error) {
	if !utf8.ValidString(name) {
		return "", policydesk.Errorf(policydesk.EInvalid, "The file name is not valid UTF-8 text.")
	}
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || textkit.Invisible(r) || r == '"' {
			return -1
		}
		return r
	}, name)
	name = strings.Trim(strings.TrimSpace(name), ".")
	if name == "" {
		name = "attachment"
	}
	for len(name) > 200 {
		ext := path.Ext(name)
		if len(ext) > 20 {
			ext = ""
		}
		stem := []rune(strings.TrimSuffix(name, ext))
		name = string(stem[:len(stem)*3/4]) + ext
	}
	return name, nil
}

// safeTypes are the content types served as themselves; anything else,
// HTML, SVG, XML and scripts included, is served as application/octet-stream.
var safeTypes = map[string]string{
	".pdf": "application/pdf", ".doc": "application/msword", ".rtf": "application/rtf",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".xls":  "application/vnd.ms-excel", ".odt": "application/vnd.oasis.opendocument.text",
	".ods": "application/vnd.oasis.opendocument.spreadsheet", ".txt": "text/plain; charset=utf-8",
	".md": "text/markdown; charset=utf-8", ".csv": "text/csv; charset=utf-8",
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".zip": "application/zip",
}

// ContentTypeFor chooses the type the server will send: from the extension's
// allow-list, and only if the first bytes do not look like markup a browser
// might run (a GIF/HTML polyglot stays octet-stream).
func ContentTypeFor(name string, head []byte) string {
	t, ok := safeTypes[strings.ToLower(path.Ext(name))]
	if !ok {
		return "application/octet-stream"
	}
	sniffed := http.DetectContentType(head)
	mt, _, _ := mime.ParseMediaType(sniffed)
	if mt == "text/html" || mt == "text/xml" || strings.Contains(strings.ToLower(string(head)), "<script") ||
		strings.Contains(strings.ToLower(string(head)), "<html") || strings.Contains(strings.ToLower(string(head)), "<svg") {
		return "application/octet-stream"
	}
	return t
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
