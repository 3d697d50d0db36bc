package main

// policydesk restore: rebuild a data directory from a backup file
// (archive.go), trusting nothing in it until it is checked.

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/dustin/go-humanize"

	"policydesk"
	"policydesk/storage/folder"
	"policydesk/storage/sqlite"
)

// restore rebuilds a data directory from a backup file. dir must be empty
// or absent; on any error, what was written is removed. Every entry is
// checked before a byte is written: only the manifest, the database and
// files under blobs/ with a valid key that the database names, in that
// order, regular files only (no links, no paths leaving dir), each of the
// size and SHA-256 recorded, and the total within the disk's free space.
func restore(ctx context.Context, file, dir string) (*backupManifest, int, error) {
	created, err := prepareTarget(dir)
	if err != nil {
		return nil, 0, err
	}
	ok := false
	defer func() {
		if !ok {
			clearTarget(dir, created)
		}
	}()
	f, err := os.Open(file)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	tr, m, err := openArchive(f)
	if err != nil {
		return nil, 0, err
	}
	if err := checkFreeSpace(dir, m.Database.Size+m.Blobs.Bytes); err != nil {
		return nil, 0, err
	}
	dbPath := filepath.Join(dir, databaseName)
	refs, err := restoreDatabase(ctx, tr, m, dbPath)
	if err != nil {
		return nil, 0, err
	}
	if err := restoreBlobs(ctx, tr, m, dir, refs); err != nil {
		return nil, 0, err
	}
	docs, err := checkRestored(ctx, dbPath, m, file)
	if err != nil {
		return nil, 0, err
	}
	if err := syncTree(dir); err != nil {
		return nil, 0, err
	}
	ok = true
	return m, docs, nil
}

// restoreDatabase writes the archive's database entry to dbPath and
// returns the attachment files it names.
func restoreDatabase(ctx context.Context, tr *tar.Reader, m *backupManifest, dbPath string) ([]sqlite.BlobRef, error) {
	hdr, err := nextEntry(tr)
	if err != nil {
		return nil, err
	}
	if hdr.Name != databaseName || hdr.Size != m.Database.Size {
		return nil, fmt.Errorf("the second entry is %q of %d bytes, not the database of %d bytes the manifest names", hdr.Name, hdr.Size, m.Database.Size)
	}
	if err := extractFile(tr, dbPath, hdr.Size, m.Database.SHA256); err != nil {
		return nil, fmt.Errorf("the database: %w", err)
	}
	refs, err := sqlite.ReadBlobRefs(ctx, dbPath)
	if err != nil {
		return nil, fmt.Errorf("the database cannot be read: %w", err)
	}
	return refs, nil
}

// restoreBlobs writes the archive's remaining entries, the attachment
// files that refs name, under dir/blobs: each exactly once, none else.
func restoreBlobs(ctx context.Context, tr *tar.Reader, m *backupManifest, dir string, refs []sqlite.BlobRef) error {
	want := make(map[string]sqlite.BlobRef, len(refs))
	var total int64
	for _, ref := range refs {
		if !folder.ValidKey(ref.Key) {
			return fmt.Errorf("attachment %d has an invalid key %q", ref.AttachmentID, ref.Key)
		}
		want[ref.Key] = ref
		total += ref.Size
	}
	local := m.Blobs.Store == "folder"
	if local && (m.Blobs.Count != len(refs) || m.Blobs.Bytes != total) {
		return fmt.Errorf("the manifest counts %d attachment files (%d bytes) but the database names %d (%d bytes)", m.Blobs.Count, m.Blobs.Bytes, len(refs), total)
	}
	if local {
		if err := os.Mkdir(filepath.Join(dir, blobsDir), 0o750); err != nil {
			return err
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := nextEntry(tr)
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return err
		}
		key, isBlob := strings.CutPrefix(hdr.Name, blobsDir+"/")
		if !isBlob || !local || !folder.ValidKey(key) {
			return fmt.Errorf("unexpected entry %q", hdr.Name)
		}
		ref, named := want[key]
		if !named {
			return fmt.Errorf("entry %q is a file no attachment names, or comes twice", hdr.Name)
		}
		delete(want, key)
		if hdr.Size != ref.Size {
			return fmt.Errorf("entry %q has %d bytes where attachment %d has %d", hdr.Name, hdr.Size, ref.AttachmentID, ref.Size)
		}
		path := filepath.Join(dir, blobsDir, filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return err
		}
		if err := extractFile(tr, path, hdr.Size, ref.SHA256); err != nil {
			return fmt.Errorf("attachment %d (%q of document %d): %w", ref.AttachmentID, ref.Filename, ref.DocumentID, err)
		}
	}
	if local && len(want) > 0 {
		for _, ref := range want {
			return fmt.Errorf("the backup lacks the file of attachment %d (%q of document %d) and %d more", ref.AttachmentID, ref.Filename, ref.DocumentID, len(want)-1)
		}
	}
	return nil
}

// checkRestored checks the restored database, records the restore in its
// audit log and returns its number of documents.
func checkRestored(ctx context.Context, dbPath string, m *backupManifest, file string) (int, error) {
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	if err := db.Check(ctx); err != nil {
		return 0, fmt.Errorf("the restored database fails its check: %w", err)
	}
	ids, err := db.DocumentIDs(ctx)
	if err != nil {
		return 0, err
	}
	audit := &policydesk.AuditEntry{At: time.Now().UTC(), Action: "database.restore", ObjectType: "database", ObjectID: databaseName}
	audit.Describe("from the backup of %s (%s)", m.CreatedAt.Format(time.RFC3339), filepath.Base(file))
	if err := db.Restored(ctx, audit); err != nil {
		return 0, err
	}
	if err := db.Close(); err != nil {
		return 0, err
	}
	return len(ids), nil
}

// prepareTarget makes sure dir is an empty directory, creating it if it
// does not exist; it reports whether it created it.
func prepareTarget(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return true, os.MkdirAll(dir, 0o750)
	} else if err != nil {
		return false, err
	}
	if len(entries) > 0 {
		return false, fmt.Errorf("%s is not empty; restore only into an empty or new directory", dir)
	}
	return false, nil
}

// clearTarget removes what a failed restore wrote.
func clearTarget(dir string, created bool) {
	if created {
		os.RemoveAll(dir)
		return
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

func checkFreeSpace(dir string, need int64) error {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return nil // cannot tell; the writes will fail on a full disk
	}
	if free := int64(st.Bavail) * int64(st.Bsize); need > free {
		return fmt.Errorf("the backup needs %s but %s has %s free", humanize.IBytes(uint64(need)), dir, humanize.IBytes(uint64(free)))
	}
	return nil
}
