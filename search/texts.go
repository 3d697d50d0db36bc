package search

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"policydesk"
	"policydesk/drafts/attachments"
	"policydesk/search/extract"
)

// Statuses of an attachment's text.
const (
	TextPending     = "pending"     // waiting for extraction (perhaps after a failure)
	TextDone        = "done"        // Text holds it
	TextUnsupported = "unsupported" // no reader for the kind, or too large: found by name
	TextFailed      = "failed"      // set aside after its attempts; Reason says why
)

// AttachmentText is the extracted text of one attachment.
type AttachmentText struct {
	AttachmentID, DocumentID int64
	Status                   string
	Text                     string
	Reason                   string
	Attempts                 int
}

// PendingText is an attachment whose text is due for extraction.
type PendingText struct {
	AttachmentID, DocumentID   int64
	Filename, ContentType, Key string
	Size                       int64
	Attempts                   int
}

// TextQueue is the queue of attachments whose text is still to be read.
// An attachment is queued in the same transaction that stores it, so a
// crash loses nothing.
type TextQueue interface {
	// ClaimTexts claims for consumer, until until, attachments due by now
	// that no other consumer holds a live claim on, oldest first: two
	// replicas never read the same file at once.
	ClaimTexts(ctx context.Context, consumer string, limit int, now, until time.Time) ([]PendingText, error)
	// ReleaseClaims ends the consumer's claims, when it stops.
	ReleaseClaims(ctx context.Context, consumer string) error
	// SaveText stores the outcome (TextDone, TextUnsupported or
	// TextFailed) and queues the document for indexing, in one
	// transaction. An attachment deleted meanwhile is ignored.
	SaveText(ctx context.Context, t *AttachmentText) error
	// RetryText counts a failed attempt and postpones the attachment.
	RetryText(ctx context.Context, attachmentID int64, next time.Time, reason string) error
	// TextBacklog counts attachments waiting for extraction.
	TextBacklog(ctx context.Context) (int, error)
}

// TextStore reads stored attachment text.
type TextStore interface {
	// AttachmentTexts returns the text of the document's attachments by
	// attachment ID.
	AttachmentTexts(ctx context.Context, documentID int64) (map[int64]*AttachmentText, error)
}

// ExtractFunc reads the text of one file, with the errors of
// extract.Runner.Text: extract.ErrUnsupported for kinds it cannot read, an
// *extract.RefusedError for a file that will never read, ctx's error when
// ctx ended, and any other error for a failure worth retrying (a file over
// its time or memory budget among them: the machine may have been busy).
type ExtractFunc func(ctx context.Context, filename, contentType string, r io.Reader) (string, error)

// Extraction is the worker that reads attachments' text, one file at a
// time, apart from the indexer: a slow or hostile file delays only other
// files' text, never a document's metadata, access or articles. Each file
// is tried up to MaxAttempts times with backoff, then set aside
// (TextFailed) with the reason, for admins to see; the queue moves on.
type Extraction struct {
	Queue   TextQueue
	Blobs   attachments.BlobStore
	Extract ExtractFunc
	Logger  *slog.Logger
	// MaxAttempts before a file is set aside (default 3).
	MaxAttempts int
	// Poll is how often the queue is read when nobody calls Notify.
	Poll time.Duration
	// Consumer names this worker in its claims (default: a random name,
	// one per process); Lease is how long a claim lasts (default 2
	// minutes: longer than the two files a pass claims take at most).
	Consumer string
	Lease    time.Duration

	wake chan struct{}
	once sync.Once
}

// textClaim is how many attachments a pass claims: few, since a file may
// take its whole time budget.
const textClaim = 2

// MaxExtractBytes is the largest attachment whose text is extracted; a
// larger file (typically a scan, with no text layer) is found by name.
const MaxExtractBytes = 16 << 20

// MaxAttachmentText bounds the text stored for one attachment.
const MaxAttachmentText = 1 << 20

func (x *Extraction) init() {
	x.once.Do(func() {
		x.wake = make(chan struct{}, 1)
		if x.MaxAttempts <= 0 {
			x.MaxAttempts = 3
		}
		if x.Poll <= 0 {
			x.Poll = time.Second
		}
		x.Consumer, x.Lease = consumerDefaults(x.Consumer, x.Lease)
	})
}

// Notify wakes the worker after an upload.
func (x *Extraction) Notify() {
	x.init()
	nudge(x.wake)
}

// Run extracts until ctx ends; a reader still running then is stopped.
func (x *Extraction) Run(ctx context.Context) {
	x.init()
	drainLoop(ctx, x.Drain, x.wake, x.Poll, x.Logger, "reading attachments' text failed; will retry")
	release(x.Queue, x.Consumer, x.Logger)
}

// Drain reads up to ten due attachments, claiming them two at a time so
// that a claim never outlives its lease, and reports how many it settled.
// Only the database failing stops the pass.
func (x *Extraction) Drain(ctx context.Context) (int, error) {
	x.init()
	done := 0
	for range 10 / textClaim {
		now := time.Now()
		pending, err := x.Queue.ClaimTexts(ctx, x.Consumer, textClaim, now, now.Add(x.Lease))
		if err != nil || len(pending) == 0 {
			return done, err
		}
		for _, p := range pending {
			if ctx.Err() != nil {
				return done, ctx.Err()
			}
			settled, err := x.one(ctx, p)
			if err != nil {
				return done, err
			}
			if settled {
				done++
			}
		}
	}
	return done, nil
}

// one reads one attachment and records the outcome; settled is false when
// it was postponed.
func (x *Extraction) one(ctx context.Context, p PendingText) (settled bool, err error) {
	start := time.Now()
	text, err := x.read(ctx, p)
	if ctx.Err() != nil {
		return false, ctx.Err() // shutting down: not the file's fault, nothing recorded
	}
	out := &AttachmentText{AttachmentID: p.AttachmentID, DocumentID: p.DocumentID, Attempts: p.Attempts + 1}
	var skip *skipError
	var refused *extract.RefusedError
	switch {
	case err == nil:
		out.Status, out.Text = TextDone, cutText(text, MaxAttachmentText)
	case errors.As(err, &skip):
		out.Status, out.Reason = skip.status, skip.reason
	case errors.Is(err, extract.ErrUnsupported):
		out.Status, out.Reason = TextUnsupported, "No text reader for this kind of file; it is found by its name only."
	case errors.As(err, &refused):
		out.Status, out.Reason = TextFailed, sentence(refused.Reason)
	case policydesk.ErrorCode(err) == policydesk.EUnavailable:
		// The store is down, not the file's fault: wait without counting
		// towards setting it aside.
		next := time.Now().Add(backoff(min(p.Attempts+1, 7)))
		return false, x.Queue.RetryText(ctx, p.AttachmentID, next, policydesk.ErrorMessage(err))
	case p.Attempts+1 >= x.MaxAttempts:
		out.Status, out.Reason = TextFailed, sentence(err.Error())
	default:
		next := time.Now().Add(backoff(p.Attempts + 1))
		x.log(slog.LevelWarn, "reading an attachment's text failed; will retry", p, err, start)
		return false, x.Queue.RetryText(ctx, p.AttachmentID, next, sentence(err.Error()))
	}
	if out.Status == TextFailed {
		x.log(slog.LevelError, "attachment text not extracted; set aside", p, err, start)
	}
	return true, x.Queue.SaveText(ctx, out)
}

func (x *Extraction) log(level slog.Level, msg string, p PendingText, err error, start time.Time) {
	if x.Logger != nil {
		x.Logger.Log(context.Background(), level, msg, slog.Int64("attachment", p.AttachmentID), slog.Int64("document", p.DocumentID),
			slog.String("file", p.Filename), slog.Int("attempt", p.Attempts+1), slog.Duration("took", time.Since(start)), slog.Any("err", err))
	}
}

// skipError settles an attachment without reading it.
type skipError struct{ status, reason string }

func (e *skipError) Error() string { return e.reason }

func (x *Extraction) read(ctx context.Context, p PendingText) (string, error) {
	if p.Size > MaxExtractBytes {
		return "", &skipError{TextUnsupported, "The file is larger than 16 MiB; it is found by its name only."}
	}
	rc, _, err := x.Blobs.Get(ctx, p.Key)
	switch policydesk.ErrorCode(err) {
	case "":
	case policydesk.ENotFound:
		return "", &skipError{TextFailed, "The file is missing from the file store."}
	default:
		return "", err
	}
	defer rc.Close()
	return x.Extract(ctx, p.Filename, p.ContentType, rc)
}

// cutText bounds a text to n bytes, never inside a rune.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// sentence makes a reader's reason ("the PDF's page tree loops: ...") read
// as a sentence on the admin page.
func sentence(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
