package main

// policydesk backup: a consistent copy of the database (VACUUM INTO, while
// the service runs) and the attachment files it names, written as one
// backup file (archive.go). policydesk restore reads it (restore.go).

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"policydesk"
	"policydesk/storage/folder"
	"policydesk/storage/sqldb"
	"policydesk/storage/sqlite"
)

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

func writeBackup(ctx context.Context, db *sqldb.DB, c *Config, work, out string) (*backupManifest, error) {
	snap := filepath.Join(work, "snapshot.db")
	if err := sqlite.Snapshot(ctx, filepath.Join(c.Data, databaseName), snap); err != nil {
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
		if refs, files, err = stageBlobs(ctx, db, c.Data, stage, snap, refs); err != nil {
			return nil, err
		}
		for _, ref := range refs {
			m.Blobs.Bytes += ref.Size
		}
	}
	m.Blobs.Count = len(refs)
	if m.Database.Size, m.Database.SHA256, err = hashFile(snap); err != nil {
		return nil, err
	}
	if err := writeArchive(ctx, out, m, snap, refs, files); err != nil {
		return nil, err
	}
	return m, nil
}

// stageBlobs hard-links the file of each of refs into stage and returns
// the refs it staged with their staged paths. An attachment whose file is
// gone is dropped from the database copy at snap when the live database
// confirms that it was deleted since the copy, and refused as a damaged
// store when it was not.
func stageBlobs(ctx context.Context, db *sqldb.DB, data, stage, snap string, refs []sqlite.BlobRef) ([]sqlite.BlobRef, []string, error) {
	var kept []sqlite.BlobRef
	var files []string
	var deleted []int64
	for _, ref := range refs {
		p, err := blobPath(data, ref)
		if err != nil {
			return nil, nil, err
		}
		staged := filepath.Join(stage, strconv.Itoa(len(files)))
		err = os.Link(p, staged)
		switch {
		case err == nil:
			kept, files = append(kept, ref), append(files, staged)
		case errors.Is(err, os.ErrNotExist):
			if _, ferr := db.FindAttachment(ctx, ref.AttachmentID); policydesk.ErrorCode(ferr) != policydesk.ENotFound {
				return nil, nil, errors.Join(fmt.Errorf("the file of attachment %d (%q of document %d) is missing from %s; delete that attachment or put its file back, then back up again",
					ref.AttachmentID, ref.Filename, ref.DocumentID, blobsDir), ferr)
			}
			deleted = append(deleted, ref.AttachmentID) // deleted after the copy was taken
		default:
			return nil, nil, fmt.Errorf("staging the file of attachment %d: %w", ref.AttachmentID, err)
		}
	}
	if len(deleted) > 0 {
		if err := sqlite.ForgetAttachments(ctx, snap, deleted); err != nil {
			return nil, nil, fmt.Errorf("dropping attachments deleted during the backup from the copy: %w", err)
		}
	}
	return kept, files, nil
}

// blobPath is where the folder store keeps ref's file; a key that is not a
// valid folder key (it could leave the directory) is refused.
func blobPath(data string, ref sqlite.BlobRef) (string, error) {
	if !folder.ValidKey(ref.Key) {
		return "", fmt.Errorf("attachment %d has an invalid key %q", ref.AttachmentID, ref.Key)
	}
	return filepath.Join(data, blobsDir, filepath.FromSlash(ref.Key)), nil
}
