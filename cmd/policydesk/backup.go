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
	"strconv"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/klauspost/compress/gzip"

	"policydesk"
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

// backup copies the database while the service runs, then the attachment
// files that copy names, into a temporary file renamed over out once
// complete and on disk. Files are immutable and written before their row,
// so every file the copy names exists unless its attachment was deleted
// since: each is first hard-linked into a staging folder, which keeps its
// bytes whatever the service deletes next, and an attachment whose file is
// already gone is dropped from the copy when the live database confirms it
// was deleted (and is a damaged store, refused, when it was not).
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
	return writeBackup(ctx, db, c, work, out)
}

// backupAfterSnapshot lets a test act between the database copy and the
// files, as a running service may.
var backupAfterSnapshot func()

func writeBackup(ctx context.Context, db *sqlite.DB, c *Config, work, out string) (*backupManifest, error) {
	snap := filepath.Join(work, "snapshot.db")
	if err := db.Snapshot(ctx, snap); err != nil {
		return nil, fmt.Errorf("copying the database: %w", err)
	}
	if backupAfterSnapshot != nil {
		backupAfterSnapshot()
	}
	refs, err := sqlite.ReadBlobRefs(ctx, snap)
	if err != nil {
		return nil, fmt.Errorf("reading the database copy: %w", err)
	}
	m := &backupManifest{Format: backupFormat, Version: backupVersion, CreatedAt: time.Now().UTC()}
	m.Database.Name = databaseName
	m.Blobs.Store = "folder"
	if c.S3.Endpoint != "" {
		m.Blobs.Store, m.Blobs.Bucket = "s3", c.S3.Bucket
	}
	var files []string
	if m.Blobs.Store == "folder" {
		stage, err := os.MkdirTemp(c.Data, ".backup-")
		if err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		defer os.RemoveAll(stage)
		var kept []sqlite.BlobRef
		var deleted []int64
		for _, ref := range refs {
			p, err := blobPath(c.Data, ref)
			if err != nil {
				return nil, err
			}
			staged := filepath.Join(stage, strconv.Itoa(len(files)))
			err = os.Link(p, staged)
			switch {
			case err == nil:
				kept, files = append(kept, ref), append(files, staged)
				m.Blobs.Bytes += ref.Size
			case errors.Is(err, os.ErrNotExist):
				if _, ferr := db.FindAttachment(ctx, ref.AttachmentID); policydesk.ErrorCode(ferr) != policydesk.ENotFound {
					return nil, errors.Join(fmt.Errorf("the file of attachment %d (%q of document %d) is missing from %s; delete that attachment or put its file back, then back up again",
						ref.AttachmentID, ref.Filename, ref.DocumentID, blobsDir), ferr)
				}
				deleted = append(deleted, ref.AttachmentID) // deleted after the copy was taken
			default:
				return nil, fmt.Errorf("staging the file of attachment %d: %w", ref.AttachmentID, err)
			}
		}
		if len(deleted) > 0 {
			if err := sqlite.ForgetAttachments(ctx, snap, deleted); err != nil {
				return nil, fmt.Errorf("dropping attachments deleted during the backup from the copy: %w", err)
			}
		}
		refs = kept
	}
	m.Blobs.Count = len(refs)
	if m.Database.Size, m.Database.SHA256, err = hashFile(snap); err != nil {
		return nil, err
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
		if err := addFile(tw, blobsDir+"/"+ref.Key, files[i], ref.Size, ref.SHA256, m.CreatedAt); err != nil {
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
