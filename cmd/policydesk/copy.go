package main

// policydesk copy: a SQLite installation into an empty PostgreSQL
// database (storage/pgcopy), with the attachment files into S3 or a
// folder.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dustin/go-humanize"

	"policydesk"
	"policydesk/storage/folder"
	"policydesk/storage/pgcopy"
	"policydesk/storage/postgres"
	"policydesk/storage/s3"
)

const copyUsage = "usage: policydesk copy -from-data DIR -to postgres://... [-to-blobs DIR] (the target may come from POLICYDESK_DATABASE_URL; attachments go to S3 when POLICYDESK_S3_* is set)"

func copyCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, _, err := parseConfig("copy", nil, getenv, stderr)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("copy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from-data", c.Data, "data directory of the SQLite installation to copy (POLICYDESK_DATA); only read")
	to := fs.String("to", c.DatabaseURL, "PostgreSQL URL of an empty database to copy into (POLICYDESK_DATABASE_URL)")
	toBlobs := fs.String("to-blobs", "", "with no S3 configured: the folder to copy the attachment files into (the blobs folder of the new installation's data directory)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *to == "" || *from == "" {
		return errors.New(copyUsage)
	}
	if !strings.HasPrefix(*to, "postgres://") && !strings.HasPrefix(*to, "postgresql://") {
		return fmt.Errorf("-to must be a PostgreSQL URL (postgres://user:password@host:5432/database), not %s", postgres.Redact(*to))
	}
	source := filepath.Join(*from, databaseName)
	if _, err := os.Stat(source); err != nil {
		return fmt.Errorf("no SQLite database to copy at %s: %w", source, err)
	}
	blobs, note, err := copyBlobTarget(ctx, c, *from, *toBlobs)
	if err != nil {
		return err
	}
	res, err := pgcopy.Copy(ctx, pgcopy.Options{Source: source, Target: *to, Blobs: blobs, Log: stderr})
	if err != nil {
		return errors.New(scrubPassword(err.Error(), *to))
	}
	printCopy(stdout, res, source, postgres.Redact(*to), blobs != nil, note)
	return nil
}

// copyBlobTarget says where the source's attachment files go: to S3 when
// the POLICYDESK_S3_* settings name a bucket, else to -to-blobs if given,
// else nowhere, with a note saying the folder must be carried along.
func copyBlobTarget(ctx context.Context, c *Config, from, toBlobs string) (*pgcopy.Blobs, string, error) {
	dir := filepath.Join(from, blobsDir)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Sprintf("The source has no %s folder: its attachment files, if any, are where its POLICYDESK_S3_* settings put them.", blobsDir), nil
	}
	src := readOnlyFolder{data: from}
	switch {
	case c.S3.Endpoint != "" && toBlobs != "":
		return nil, "", errors.New("give either POLICYDESK_S3_* (attachments to S3) or -to-blobs DIR, not both")
	case c.S3.Endpoint != "":
		store, err := s3.Open(ctx, c.S3)
		if err != nil {
			return nil, "", err
		}
		return &pgcopy.Blobs{From: src, To: store}, fmt.Sprintf("to S3 bucket %q", c.S3.Bucket), nil
	case toBlobs != "":
		store, err := folder.Open(toBlobs)
		if err != nil {
			return nil, "", err
		}
		return &pgcopy.Blobs{From: src, To: store}, "to " + toBlobs, nil
	}
	return nil, fmt.Sprintf("The attachment files were not copied: carry the folder %s along into the new installation's data directory, "+
		"or copy with POLICYDESK_S3_* set (to S3) or -to-blobs DIR.", dir), nil
}

// readOnlyFolder reads the attachment files of a data directory without
// the folder store's start-up tidying, since the service may be running.
type readOnlyFolder struct{ data string }

func (f readOnlyFolder) Get(_ context.Context, key string) (io.ReadCloser, int64, error) {
	if !folder.ValidKey(key) {
		return nil, 0, fmt.Errorf("invalid attachment key %q", key)
	}
	file, err := os.Open(filepath.Join(f.data, blobsDir, filepath.FromSlash(key)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, policydesk.Errorf(policydesk.ENotFound, "the file %s is missing from %s", key, blobsDir)
	} else if err != nil {
		return nil, 0, err
	}
	st, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, 0, err
	}
	return file, st.Size(), nil
}

func printCopy(w io.Writer, res *pgcopy.Result, source, target string, blobsCopied bool, note string) {
	fmt.Fprintf(w, "copied %s (its snapshot of %s) into %s in %s:\n", source, res.SnapshotAt.Format(time.RFC3339), target, res.Elapsed.Round(time.Millisecond))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "table\trows\ttime\tSHA-256 (same in both)\t")
	for _, t := range res.Tables {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t\n", t.Name, t.Rows, t.Elapsed.Round(time.Millisecond), t.SHA256[:16])
	}
	tw.Flush()
	var phases []string
	for _, p := range res.Phases {
		phases = append(phases, fmt.Sprintf("%s %s", p.Name, p.Elapsed.Round(time.Millisecond)))
	}
	fmt.Fprintf(w, "Time: %s.\n", strings.Join(phases, ", "))
	fmt.Fprintf(w, "%d versions checked against their SHA-256; id sequences set past the copied ids.\n", res.Versions)
	if len(res.Migrated) > 0 {
		fmt.Fprintf(w, "The snapshot was migrated with %s first; the source itself is unchanged.\n", strings.Join(res.Migrated, ", "))
	}
	if blobsCopied {
		fmt.Fprintf(w, "Attachment files %s: %d copied (%s), %d already there.\n", note, res.Blobs.Copied, humanize.IBytes(uint64(res.Blobs.Bytes)), res.Blobs.Skipped)
	} else {
		fmt.Fprintln(w, note)
	}
	fmt.Fprintln(w, "Writes to the source after its snapshot are not in the copy: for the final copy, stop the service first.")
}

// scrubPassword removes the password of the URL dsn from msg, as written
// and as decoded.
func scrubPassword(msg, dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return msg
	}
	if pw, ok := u.User.Password(); ok && pw != "" {
		msg = strings.ReplaceAll(msg, pw, "xxxxx")
		if raw, _, _ := strings.Cut(strings.TrimPrefix(u.User.String(), u.User.Username()+":"), "@"); raw != "" {
			msg = strings.ReplaceAll(msg, raw, "xxxxx")
		}
	}
	return msg
}
