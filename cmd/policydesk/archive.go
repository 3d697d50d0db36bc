package main

// The backup file: one gzip-compressed tar file holding a manifest, the
// database and the attachment files it names, in that order. Writing it
// (backup.go) and reading it back (restore.go) share what is here.

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"

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

// writeArchive writes the backup file out: the manifest m, the database
// copy at snap and the attachment files (files[i] holds the file of
// refs[i]), into a temporary file renamed over out once complete and on
// disk.
func writeArchive(ctx context.Context, out string, m *backupManifest, snap string, refs []sqlite.BlobRef, files []string) error {
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp-")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
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
		return err
	}
	if err := addFile(tw, databaseName, snap, m.Database.Size, "", m.CreatedAt); err != nil { // just hashed
		return err
	}
	for i, ref := range refs[:len(files)] {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := addFile(tw, blobsDir+"/"+ref.Key, files[i], ref.Size, ref.SHA256, m.CreatedAt); err != nil {
			return fmt.Errorf("attachment %d (%q of document %d): %w", ref.AttachmentID, ref.Filename, ref.DocumentID, err)
		}
	}
	if err := errors.Join(tw.Close(), gz.Close()); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	if err := errors.Join(tmp.Sync(), tmp.Close()); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	done = true
	return syncDir(filepath.Dir(out))
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

// openArchive reads the start of a backup file: its manifest, checked.
func openArchive(f io.Reader) (*tar.Reader, *backupManifest, error) {
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, nil, errors.New("this is not a policydesk backup (not a gzip file)")
	}
	tr := tar.NewReader(gz)
	m, err := readManifest(tr)
	if err != nil {
		return nil, nil, err
	}
	return tr, m, nil
}

// nextEntry reads the next header and refuses anything but a plain file
// with a clean relative name.
func nextEntry(tr *tar.Reader) (*tar.Header, error) {
	hdr, err := tr.Next()
	if errors.Is(err, io.EOF) {
		return nil, io.EOF
	} else if err != nil {
		return nil, fmt.Errorf("the archive is damaged or cut short: %w", err)
	}
	if hdr.Typeflag != tar.TypeReg {
		return nil, fmt.Errorf("entry %q is not a plain file (type %q): links and directories are refused", hdr.Name, hdr.Typeflag)
	}
	name := hdr.Name
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, `\`) || filepath.IsAbs(name) ||
		path.Clean(name) != name || name == ".." || strings.HasPrefix(name, "../") || strings.Contains(name, "/../") {
		return nil, fmt.Errorf("entry %q has a path outside the data directory", name)
	}
	if hdr.Size < 0 {
		return nil, fmt.Errorf("entry %q has a negative size", name)
	}
	return hdr, nil
}

func readManifest(tr *tar.Reader) (*backupManifest, error) {
	hdr, err := nextEntry(tr)
	if errors.Is(err, io.EOF) {
		return nil, errors.New("the archive is empty")
	} else if err != nil {
		return nil, err
	}
	if hdr.Name != manifestName || hdr.Size > maxManifestBytes {
		return nil, fmt.Errorf("this is not a policydesk backup: it starts with %q, not %s", hdr.Name, manifestName)
	}
	data, err := io.ReadAll(io.LimitReader(tr, maxManifestBytes))
	if err != nil {
		return nil, fmt.Errorf("the archive is damaged: %w", err)
	}
	var m backupManifest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("the manifest is not valid: %w", err)
	}
	if m.Format != backupFormat || m.Version != backupVersion {
		return nil, fmt.Errorf("the manifest names format %q version %d; this policydesk reads %s version %d", m.Format, m.Version, backupFormat, backupVersion)
	}
	if m.Database.Name != databaseName || m.Database.Size <= 0 || len(m.Database.SHA256) != 64 ||
		m.Blobs.Count < 0 || m.Blobs.Bytes < 0 || (m.Blobs.Store != "folder" && m.Blobs.Store != "s3") {
		return nil, errors.New("the manifest is not valid")
	}
	return &m, nil
}

// extractFile writes exactly size bytes of r to a new file at path (which must
// not exist) and checks their SHA-256.
func extractFile(r io.Reader, path string, size int64, sum string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	h := sha256.New()
	_, err = io.CopyN(io.MultiWriter(f, h), r, size)
	if errors.Is(err, io.EOF) {
		err = errors.New("the archive is cut short")
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum {
		return fmt.Errorf("its SHA-256 is %s, not the %s recorded", got, sum)
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
