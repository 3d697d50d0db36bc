package main

// policydesk backup: one gzip-compressed tar file holding a manifest, a
// consistent copy of the database (VACUUM INTO, while the service runs) and
// the attachment files it names. policydesk restore reads it (restore.go).

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/klauspost/compress/gzip"

	"policydesk/storage/folder"
	"policydesk/storage/sqlite"
)

const (
	backupFormat     = "policydesk-backup"
	backupVersion    = 1
	manifestName     = "policydesk-backup.json"
	databaseName     = "policydesk.db"
	blobsDir         = "blobs"
	maxManifestBytes = 64 << 10
	// backupAttempts bounds how often a backup starts over because an
	// attachment was deleted between the database copy and its file's turn.
	backupAttempts = 5
)

// backupManifest is the archive's first entry.
type backupManifest struct {
	Format    string         `json:"format"`
	Version   int            `json:"version"`
	CreatedAt time.Time      `json:"created_at"`
	Database  backupDatabase `json:"database"`
	Blobs     backupBlobs    `json:"blobs"`
}

type backupDatabase struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

type backupBlobs struct {
	// Store is "folder" when the files follow under blobs/, "s3" when they
	// stay in the bucket and the archive holds none.
	Store  string `json:"store"`
	Bucket string `json:"bucket,omitempty"`
	Count  int    `json:"count"`
	Bytes  int64  `json:"bytes"`
}

func backupCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, _, err := parseConfig("backup", nil, getenv, stderr)
	if err != nil {
		return err
	}
	sub := flag.NewFlagSet("backup", flag.ContinueOnError)
	sub.SetOutput(stderr)
	sub.StringVar(&c.Data, "data", c.Data, "data directory of the service (POLICYDESK_DATA)")
	out := sub.String("o", "", "the backup file to write (a .tar.gz); replaced atomically if it exists")
	if err := sub.Parse(args); err != nil {
		return err
	}
	if *out == "" || sub.NArg() > 0 {
		return errors.New("usage: policydesk backup -o FILE [-data DIR]")
	}
	start := time.Now()
	m, err := backup(ctx, c, *out)
	if err != nil {
		return err
	}
	where := fmt.Sprintf("%d attachment files (%s)", m.Blobs.Count, humanize.IBytes(uint64(m.Blobs.Bytes)))
	if m.Blobs.Store == "s3" {
		where = fmt.Sprintf("no attachment files: %d attachments stay in S3 bucket %q, which needs its own backup", m.Blobs.Count, m.Blobs.Bucket)
	}
	fmt.Fprintf(stdout, "backed up the database (%s) and %s to %s in %s\n",
		humanize.IBytes(uint64(m.Database.Size)), where, *out, time.Since(start).Round(time.Millisecond))
	return nil
}

// blobGoneError is an attachment whose file vanished after the database was
// copied: it was deleted meanwhile, so a fresh copy no longer names it.
type blobGoneError struct{ ref sqlite.BlobRef }

func (e *blobGoneError) Error() string {
	return fmt.Sprintf("the file of attachment %d (%q of document %d) is missing from %s",
		e.ref.AttachmentID, e.ref.Filename, e.ref.DocumentID, blobsDir)
}

// backup copies the database while the service runs, then the attachment
// files that copy names (files are immutable and written before their row,
// so every file the copy names exists unless it was deleted since, which a
// new attempt with a fresh copy settles), into a temporary file renamed
// over out once complete and on disk.
func backup(ctx context.Context, c *Config, out string) (*backupManifest, error) {
	dbPath := filepath.Join(c.Data, databaseName)
	if _, err := os.Stat(dbPath); err != nil {
		return nil, fmt.Errorf("no database to back up at %s: %w", dbPath, err)
	}
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	out, err = filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp(filepath.Dir(out), ".policydesk-backup-")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(work)
	for attempt := 1; ; attempt++ {
		m, err := writeBackup(ctx, db, c, work, out, attempt)
		var gone *blobGoneError
		if !errors.As(err, &gone) {
			return m, err
		}
		if attempt == backupAttempts {
			return nil, fmt.Errorf("%w; delete that attachment or put its file back, then back up again", err)
		}
	}
}

func writeBackup(ctx context.Context, db *sqlite.DB, c *Config, work, out string, attempt int) (*backupManifest, error) {
	snap := filepath.Join(work, fmt.Sprintf("snapshot-%d.db", attempt))
	if err := db.Snapshot(ctx, snap); err != nil {
		return nil, fmt.Errorf("copying the database: %w", err)
	}
	defer os.Remove(snap)
	refs, err := sqlite.ReadBlobRefs(ctx, snap)
	if err != nil {
		return nil, fmt.Errorf("reading the database copy: %w", err)
	}
	m := &backupManifest{Format: backupFormat, Version: backupVersion, CreatedAt: time.Now().UTC()}
	m.Database.Name = databaseName
	if m.Database.Size, m.Database.SHA256, err = hashFile(snap); err != nil {
		return nil, err
	}
	m.Blobs.Store, m.Blobs.Count = "folder", len(refs)
	if c.S3.Endpoint != "" {
		m.Blobs.Store, m.Blobs.Bucket = "s3", c.S3.Bucket
	}
	var files []string
	if m.Blobs.Store == "folder" {
		for _, ref := range refs {
			p, err := blobPath(c.Data, ref)
			if err != nil {
				return nil, err
			}
			if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
				return nil, &blobGoneError{ref}
			} else if err != nil {
				return nil, err
			}
			m.Blobs.Bytes += ref.Size
			files = append(files, p)
		}
	}

	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	gz, _ := gzip.NewWriterLevel(tmp, gzip.BestSpeed)
	tw := tar.NewWriter(gz)
	manifest, _ := json.MarshalIndent(m, "", "  ")
	if err := addEntry(tw, manifestName, int64(len(manifest)), m.CreatedAt, bytes.NewReader(manifest), ""); err != nil {
		return nil, err
	}
	if err := addFile(tw, databaseName, snap, m.Database.Size, "", m.CreatedAt); err != nil { // just hashed
		return nil, err
	}
	for i, ref := range refs[:len(files)] {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		err := addFile(tw, blobsDir+"/"+ref.Key, files[i], ref.Size, ref.SHA256, m.CreatedAt)
		if errors.Is(err, os.ErrNotExist) {
			return nil, &blobGoneError{ref}
		} else if err != nil {
			return nil, fmt.Errorf("attachment %d (%q of document %d): %w", ref.AttachmentID, ref.Filename, ref.DocumentID, err)
		}
	}
	if err := errors.Join(tw.Close(), gz.Close()); err != nil {
		return nil, fmt.Errorf("writing %s: %w", out, err)
	}
	if err := errors.Join(tmp.Sync(), tmp.Close()); err != nil {
		return nil, fmt.Errorf("writing %s: %w", out, err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return nil, err
	}
	done = true
	return m, syncDir(filepath.Dir(out))
}

// blobPath is where the folder store keeps ref's file; a key that is not a
// valid folder key (it could leave the directory) is refused.
func blobPath(data string, ref sqlite.BlobRef) (string, error) {
	if !folder.ValidKey(ref.Key) {
		return "", fmt.Errorf("attachment %d has an invalid key %q", ref.AttachmentID, ref.Key)
	}
	return filepath.Join(data, blobsDir, filepath.FromSlash(ref.Key)), nil
}

// addFile copies the file at path into the archive, checking that it still
// has the size and SHA-256 the database recorded.
func addFile(tw *tar.Writer, name, path string, size int64, sum string, mod time.Time) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return err
	} else if st.Size() != size {
		return fmt.Errorf("the file has %d bytes where %d were recorded: it is damaged", st.Size(), size)
	}
	return addEntry(tw, name, size, mod, f, sum)
}

func addEntry(tw *tar.Writer, name string, size int64, mod time.Time, r io.Reader, sum string) error {
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: 0o600, ModTime: mod, Format: tar.FormatPAX}); err != nil {
		return err
	}
	h := sha256.New()
	if _, err := io.CopyN(tw, io.TeeReader(r, h), size); err != nil {
		return err
	}
	if sum != "" && hex.EncodeToString(h.Sum(nil)) != sum {
		return errors.New("the file does not match its recorded SHA-256: it is damaged")
	}
	return nil
}

func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return n, hex.EncodeToString(h.Sum(nil)), err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// syncTree fsyncs every directory below dir, so the new names survive a
// power cut (the files were synced as they were written).
func syncTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		return syncDir(p)
	})
}
